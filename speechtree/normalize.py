"""Normalise stage: a matching form of the text, with an offset map back to it.

Only matching uses the normalised form; every span speechtree reports points
into the original text.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .offsets import OffsetMap

#: Space-like characters used as indentation or paragraph gaps. They all become
#: the ideographic space U+3000, which segmentation reads as layout.
_WIDE_SPACES = (
    "\u3000\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u202f\u205f\t\x0b\x0c"
)
WIDE = "\u3000"

_ONE_FOR_ONE: dict[int, str] = {ord(c): WIDE for c in _WIDE_SPACES}
_ONE_FOR_ONE.update({0xFF10 + d: str(d) for d in range(10)})  # ０-９
_ONE_FOR_ONE.update({0xFF21 + k: chr(ord("A") + k) for k in range(26)})
_ONE_FOR_ONE.update({0xFF41 + k: chr(ord("a") + k) for k in range(26)})
_ONE_FOR_ONE.update(
    {
        ord("．"): ".",
        ord("("): "（",
        ord(")"): "）",
        ord("﹙"): "（",
        ord("﹚"): "）",
        ord(","): "，",
        ord(":"): "：",
        ord(";"): "；",
        ord("!"): "！",
        ord("?"): "？",
        ord("､"): "、",
        ord("﹑"): "、",
        ord("，"): "，",
    }
)
# Dingbat circled numbers read as the ordinary ①-⑩.
_ONE_FOR_ONE.update({0x2776 + k: chr(0x2460 + k) for k in range(10)})  # ❶-❿
_ONE_FOR_ONE.update({0x2780 + k: chr(0x2460 + k) for k in range(10)})  # ➀-➉
_ONE_FOR_ONE.update({0x278A + k: chr(0x2460 + k) for k in range(10)})  # ➊-➓
_TABLE = str.maketrans(_ONE_FOR_ONE)

_CN_DIGITS = "一二三四五六七八九十"


def _expansion(ch: str) -> str:
    cp = ord(ch)
    if 0x3220 <= cp <= 0x3229:  # ㈠-㈩
        return f"（{_CN_DIGITS[cp - 0x3220]}）"
    if 0x2474 <= cp <= 0x2487:  # ⑴-⒇
        return f"（{cp - 0x2474 + 1}）"
    if 0x2488 <= cp <= 0x249B:  # ⒈-⒛
        return f"{cp - 0x2488 + 1}."
    return ch


# What changes the length: CRLF and lone CR, zero-width characters, ASCII
# spaces between two Han characters (PDF extraction: 抢抓发展 机遇), enclosed
# numerals that expand.
_EDITS = regex.compile(
    r"(?P<crlf>\r\n?)"
    r"|(?P<zw>[\u200b\u200c\u200d\u2060\ufeff\u00ad]+)"
    r"|(?<=\p{Han}) +(?=\p{Han})(?P<sp>)"
    r"|(?P<enc>[\u3220-\u3229\u2474-\u249b])"
)


@dataclass(frozen=True)
class Normalized:
    """The matching form of a text and its map back to the original."""

    original: str
    text: str
    map: OffsetMap


def normalize(original: str) -> Normalized:
    translated = original.translate(_TABLE)
    out: list[str] = []
    omap = OffsetMap()
    pos = 0
    for m in _EDITS.finditer(translated):
        a, b = m.span()
        if a > pos:
            out.append(translated[pos:a])
            omap.copy(pos, a - pos)
        if m.group("crlf") is not None:
            out.append("\n")
            omap.replace(a, b - a, 1)
        elif m.group("enc") is not None:
            rep = _expansion(m.group("enc"))
            out.append(rep)
            omap.replace(a, 1, len(rep))
        # zero-width and inter-Han spaces: dropped
        pos = b
    if pos < len(translated):
        out.append(translated[pos:])
        omap.copy(pos, len(translated) - pos)
    return Normalized(original, "".join(out), omap)
