"""Normalise stage: a matching form of the text, with an offset map back to it.

Only matching uses the normalised form; every span speechtree reports points
into the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .buildcache import Patterns, cached, source_key
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
    if 0x2488 <= cp <= 0x249B:  # ⒈-⒛
        return f"{cp - 0x2488 + 1}."
    return ch


#: Characters the one-for-one table changes (identity entries left out).
_CHANGED = "".join(chr(k) for k, v in sorted(_ONE_FOR_ONE.items()) if chr(k) != v)

# Most characters of a Chinese text need no edit, so normalising is a scan
# that stops only at the few that do; that beats str.translate over the whole
# text (a dict lookup per character) several times over. The scan uses the
# standard library's re with one plain character class (_TRIGGER), which re
# searches an order of magnitude faster than regex does, or than re does an
# alternation; at each stop, _EDITS (anchored) says which edit it is:
#   tr    runs of characters swapped one for one (same length);
#   crlf  CRLF and lone CR → LF;
#   zw    zero-width characters, dropped;
#   sp    runs of ASCII spaces, dropped only between two Han characters (PDF
#         extraction: 抢抓发展 机遇); no translated character is Han, so the
#         neighbours read the same in the original as in the translation;
#   enc   enclosed numerals that expand (㈠ → （一）).
_ZW = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# (⑴-⒇ stay as they are: in running text they are note references, which
# the grammar tells from list markers by the character itself.)
_ENC = "\u3220-\u3229\u2488-\u249b"
#: The patterns below, compiled in an earlier process when it can (buildcache).
_re = Patterns("normalize")
_TRIGGER = _re("[" + re.escape(_CHANGED) + "\r" + _ZW + " " + _ENC + "]")
_EDITS = _re(
    "(?P<tr>[" + re.escape(_CHANGED) + "]+)"
    r"|(?P<crlf>\r\n?)"
    "|(?P<zw>[" + _ZW + "]+)"
    r"|(?P<sp> +)"
    "|(?P<enc>[" + _ENC + "])"
)
_HAN = regex.compile(r"\p{Han}")


@functools.lru_cache(maxsize=4096)
def _is_han(ch: str) -> bool:
    """Is ``ch`` a Han character? (Asked twice per space: cached per character.)"""
    return _HAN.match(ch) is not None


#: Every BMP punctuation character with its category and name, found once
#: (asking ``unicodedata.name`` of all 65,000 code points per class cost about
#: 150 ms of start-up; the category test first leaves about 800 to name).
def _punctuation() -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (ch, cat, unicodedata.name(ch, ""))
        for ch in map(chr, range(0x21, 0x10000))
        if (cat := unicodedata.category(ch)).startswith("P")
    )


# (Kept in the build cache too, by the Unicode version: still ~10 ms to scan.)
_PUNCTUATION: tuple[tuple[str, str, str], ...] = cached(
    "punctuation", source_key(unicodedata.unidata_version, modules=["normalize.py"]),
    _punctuation, list, lambda rows: tuple(tuple(r) for r in rows),
)


def _chars_where(test: Callable[[str, str], bool]) -> str:
    """Every BMP punctuation character whose (category, name) passes ``test``."""
    return "".join(ch for ch, cat, name in _PUNCTUATION if test(cat, name))


# Look-alikes around an ordinal at a line start (fonts, scans and PDF
# extraction: ［一］ 【一】 〈一） (1) 1､ 1·), found by Unicode class rather
# than listed: every bracket-like opening and closing character, every
# dot-like and comma-like one. Corner brackets and 《》 are quotation and
# title marks, and 。 ends a sentence: they are left alone.
_NOT_BRACKETS = "「」『』﹁﹂﹃﹄《》︽︾"
_OPENERS = _chars_where(
    lambda cat, name: cat == "Ps" and ("BRACKET" in name or "PARENTHESIS" in name)
)
_CLOSERS = _chars_where(
    lambda cat, name: cat == "Pe" and ("BRACKET" in name or "PARENTHESIS" in name)
)
_OPENERS = "".join(c for c in _OPENERS if c not in _NOT_BRACKETS)
_CLOSERS = "".join(c for c in _CLOSERS if c not in _NOT_BRACKETS)
_DOTS = "".join(
    c
    for c in _chars_where(
        lambda cat, name: cat.startswith("P")
        and ("FULL STOP" in name or "MIDDLE DOT" in name or name.endswith(" DOT"))
    )
    if c not in "。｡︒"
) + "•∙"
_COMMAS = "".join(
    c for c in _chars_where(lambda cat, name: cat.startswith("P") and "COMMA" in name)
    if c not in ",，﹐"  # 一， is prose or a 第一， without its 第, not 一、
) + "丶"  # (U+4E36, an ideograph by class: the comma input methods offer for 、)
_NOTE_OPEN = "〔［["
_DOTS = "".join(c for c in _DOTS if c not in _OPENERS + _CLOSERS)
_ORDINAL = "[0-9]{1,3}|[一二三四五六七八九十百零〇○]{1,5}|[甲乙丙丁戊己庚辛壬癸]"
#: The look-alikes that are not already the standard form (（）.、).
_UNUSUAL = "".join(sorted(set(_OPENERS + _CLOSERS + _DOTS + _COMMAS) - set("（）.、")))
#: The punctuation a marker is written with where it is standard: GB/T 9704's
#: （） . 、, half-width () and the full-width dot ．; note numbers have their
#: own brackets (〔1〕 ［1］ [1]).
STANDARD_MARKER_PUNCT = frozenset("（）().．、")
NOTE_BRACKETS = frozenset("〔〕［］[]")


def lookalike_of(ch: str, *, note: bool = False) -> str | None:
    """The standard marker character ``ch`` only looks like (〈 → （, · → .,
    丶 → 、); None for a standard character (of a note number, with ``note``)
    or one no marker uses."""
    if ch in STANDARD_MARKER_PUNCT or (note and ch in NOTE_BRACKETS):
        return None
    if ch in _OPENERS:
        return "（"
    if ch in _CLOSERS:
        return "）"
    if ch in _DOTS:
        return "."
    if ch in _COMMAS:
        return "、"
    return None


#: A look-alike marker at a line start, with the line break before it (the
#: text is searched with one put before its first line). Only a marker that
#: holds an unusual character changes, and its marker part (bracket, ordinal
#: of at most five, punctuation) is at most seven long: the lookahead skips
#: every other line in C. (A pattern that opens with a plain character is
#: searched from one line break to the next; ``^`` under ``re.M``, and a
#: search of the whole text for an unusual character first, cost a class test
#: per character: half of this stage.) The indentation is taken whole, as an
#: atomic group would (a group captured in a look-ahead, then matched again):
#: retried shorter, it only moves the window onto spaces, and an indented
#: line without a look-alike was tested once per space of its indent.
_LOOKALIKE = _re(
    "\n(?=(?=(?P<indent>[ \u3000]*))(?P=indent)[^\n]{0,6}[" + re.escape(_UNUSUAL) + "])"
    "(?P<pre>[ \u3000]*)(?P<open>[" + re.escape(_OPENERS) + "])?"
    "(?P<num>" + _ORDINAL + ")"
    "(?:(?P<close>[" + re.escape(_CLOSERS) + "])|(?P<dot>[" + re.escape(_DOTS) + "])"
    "|(?P<comma>[" + re.escape(_COMMAS) + "]))"
)


def _standard_form(m: re.Match[str]) -> str:
    """The same marker with standard punctuation, character for character
    (and the line break before it)."""
    opened = m.group("open") is not None
    if opened and m.group("open") in _NOTE_OPEN and m.group("num").isdigit():
        return m.group()  # 〔1〕 ［1］ [1]: a note number, a style of its own
    if m.group("close") is not None:
        head = m.group("pre") + ("（" if opened else "")
        return "\n" + head + m.group("num") + "）"
    if opened:
        return m.group()  # （1. or 〔一、: nothing to say about it
    return "\n" + m.group("pre") + m.group("num") + ("." if m.group("dot") is not None else "、")


def _lookalikes(text: str) -> str:
    out, n = _LOOKALIKE.subn(_standard_form, "\n" + text)
    return out[1:] if n else text


#: What stands before the space of ``一 标题`` on its line (after the one-for-one
#: table, which makes every wide space U+3000).
_BARE_NUMERAL_LEAD = _re("[ \u3000]*[一二三四五六七八九十]{1,3}")
_BARE_NUMERAL_AFTER_STOP = _re("[。！？][一二三四五六七八九十]{1,3}$")


def _after_bare_numeral(original: str, a: int) -> bool:
    """Does the space at ``a`` follow a bare numeral opening its line
    (``一 二十二个月的准备工作``)? That space is the heading's layout, not a
    stray space of PDF extraction inside a word: it stays for segmentation."""
    start = original.rfind("\n", max(0, a - 64), a) + 1
    if (start == 0 and a > 64) or _BARE_NUMERAL_LEAD.fullmatch(
        original[start:a].translate(_TABLE)
    ) is None:
        # Or after a sentence end (…讨论。三 环境问题): a text that lost its
        # line breaks keeps the numeral's space only there.
        return _BARE_NUMERAL_AFTER_STOP.search(original, max(0, a - 4), a) is not None
    return True


@dataclass(frozen=True)
class Normalized:
    """The matching form of a text and its map back to the original."""

    original: str
    text: str
    map: OffsetMap
    #: The original holds no CR and no zero-width character (what
    #: clean.is_plain asks, answered by the scan for edits).
    plain: bool = False


def normalize(original: str) -> Normalized:
    out: list[str] = []
    omap = OffsetMap()
    pos = 0
    search, edit = _TRIGGER.search, _EDITS.match
    plain = True
    hit = search(original)
    while hit is not None:
        m = edit(original, hit.start())
        assert m is not None  # every trigger character starts an edit
        a, b = m.span()
        hit = search(original, b)
        kind = m.lastgroup
        if kind == "crlf" or kind == "zw":
            plain = False
        elif kind == "sp" and (
            not (0 < a and b < len(original) and _is_han(original[a - 1]) and _is_han(original[b]))
            or _after_bare_numeral(original, a)
        ):
            continue  # an ordinary space (or 一 标题): copied with the text around it
        if a > pos:
            out.append(original[pos:a])
            omap.copy(pos, a - pos)
        if kind == "tr":
            out.append(m.group().translate(_TABLE))
            omap.copy(a, b - a)
        elif kind == "crlf":
            out.append("\n")
            omap.replace(a, b - a, 1)
        elif kind == "enc":
            rep = _expansion(m.group())
            out.append(rep)
            omap.replace(a, 1, len(rep))
        # zw and sp: dropped
        pos = b
    if pos < len(original):
        out.append(original[pos:])
        omap.copy(pos, len(original) - pos)
    # One for one: the offset map holds as it is.
    return Normalized(original, _lookalikes("".join(out)), omap, plain)


_re.save()  # (after the last pattern: a no-op unless one was compiled afresh)
