"""Clean stage: the readable form of a title or body, without the noise normalisation knows.

The spans of a node keep pointing at the original; its ``title`` and ``text``
drop what the normaliser already treats as noise: zero-width characters,
runs of ASCII spaces between two Han characters (PDF extraction:
``促进民营经 济``), and line breaks (with the indentation around them). A title
is one line; a body keeps one line break between its lines.
"""

from __future__ import annotations

import re

import regex

from .check import ZERO_WIDTH
from .whitespace import WHITESPACE, char_class

#: A run of ASCII spaces between two Han characters: the normaliser drops it too.
_HAN_GAP = regex.compile(r"(?<=\p{Han}) +(?=\p{Han})")
_ZW = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]+")
#: A line break and the whitespace after it; the whitespace before it is
#: stripped apart (a pattern opening with spaces, retried from every space of
#: a long run that ends in no break, is quadratic).
_BREAK = re.compile("(?:\r\n?|\n)" + char_class() + "*")
#: A line break before a part element of a standard's title (核电厂定期安全评价
#: / 第1部分：通用要求): the elements of such a title are set apart by a space
#: (GB/T 1.1), where a title broken over lines is otherwise joined as one.
_PART_BREAK = re.compile(
    "[ \t\u3000]*(?:\r\n?|\n)" + char_class() + "*(?=第[0-9一二三四五六七八九十]{1,3}部分[：:])"
)
_TRAIL_TITLE = "，；：。、！？,;:.!?" + WHITESPACE
_LEAD_TITLE = "，：、,:" + WHITESPACE


#: The zero-width characters, each tested with ``in`` (a C scan for one code
#: point): six of those cost a quarter of one search of the ``_ZW`` class,
#: and almost no body holds any.
_ZW_CHARS = tuple(sorted(ZERO_WIDTH))


def is_plain(text: str) -> bool:
    """Does ``text`` hold no zero-width character and no CR? A caller that
    cleans many slices of one text asks this once of the whole and passes
    ``plain=True`` for each slice, which then skips those seven scans (a third
    of cleaning a body)."""
    return "\r" not in text and not any(ch in text for ch in _ZW_CHARS)


def _denoise(raw: str, plain: bool = False) -> str:
    if not plain:
        for ch in _ZW_CHARS:
            if ch in raw:
                raw = _ZW.sub("", raw)
                break
    if " " in raw:
        raw = _HAN_GAP.sub("", raw)
    return raw


def _join_lines(text: str, sep: str, plain: bool = False) -> str:
    if not plain and "\r" in text:
        *lines, last = _BREAK.split(text)
        return sep.join([*(line.rstrip(WHITESPACE) for line in lines), last])
    # Without CRs, the same in str methods (about half the time of the split):
    # a break takes the whitespace after it, blank lines included, so the
    # inner lines are stripped and the blank ones dropped.
    first, *inner, last = text.split("\n")
    kept = [s for line in inner if (s := line.strip(WHITESPACE))]
    return sep.join([first.rstrip(WHITESPACE), *kept, last.lstrip(WHITESPACE)])


def clean_text(raw: str, *, plain: bool = False) -> str:
    """A body or block as read: noise dropped, each line trimmed, blank lines
    dropped. ``plain``: the caller knows ``raw`` holds no zero-width character
    and no CR (:func:`is_plain`)."""
    text = _denoise(raw, plain)
    if "\n" in text or (not plain and "\r" in text):
        text = _join_lines(text, "\n", plain)
    return text.strip(WHITESPACE)


def clean_marker(raw: str) -> str:
    """A marker as written (its edges already trimmed), on one line: a wrap
    that cut it (第 / 二个，) is left out with the blanks around it."""
    return _join_lines(raw, "") if "\n" in raw or "\r" in raw else raw


def clean_title(raw: str, *, keep_mark: bool = False, plain: bool = False) -> str:
    """A title as one line: noise and line breaks dropped, edge punctuation
    trimmed — but for ``keep_mark`` a closing ？ or ！, part of a heading line
    as written (十　坏事能否变成好事？). ``plain`` as for :func:`clean_text`."""
    text = _denoise(raw, plain)
    if "\n" in text or (not plain and "\r" in text):
        if "部分" in text:
            text = _PART_BREAK.sub(" ", text)
        if "\n" in text or (not plain and "\r" in text):
            text = _join_lines(text, "", plain)
    text = text.lstrip(_LEAD_TITLE)
    if keep_mark:
        kept = text.rstrip(_TRAIL_TITLE)
        rest = text[len(kept) :].lstrip(WHITESPACE)
        return kept + rest[0] if rest[:1] in ("？", "！", "?", "!") else kept
    return text.rstrip(_TRAIL_TITLE)
