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

#: A run of ASCII spaces between two Han characters: the normaliser drops it too.
_HAN_GAP = regex.compile(r"(?<=\p{Han}) +(?=\p{Han})")
_ZW = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]+")
#: A line break with the blanks on either side of it (indentation, trailing spaces).
_BREAK = re.compile(r"[^\S\r\n]*(?:\r\n?|\n)\s*")
#: Every space character str.isspace() knows, so no title keeps one at an edge.
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_TRAIL_TITLE = "，；：。、！？,;:.!?" + _SPACES
_LEAD_TITLE = "，：、,:" + _SPACES


def _denoise(raw: str) -> str:
    if _ZW.search(raw):
        raw = _ZW.sub("", raw)
    if " " in raw:
        raw = _HAN_GAP.sub("", raw)
    return raw


def clean_text(raw: str) -> str:
    """A body or block as read: noise dropped, each line trimmed, blank lines dropped."""
    text = _denoise(raw)
    if "\n" in text or "\r" in text:
        text = _BREAK.sub("\n", text)
    return text.strip()


def clean_title(raw: str) -> str:
    """A title as one line: noise and line breaks dropped, edge punctuation trimmed."""
    text = _denoise(raw)
    if "\n" in text or "\r" in text:
        text = _BREAK.sub("", text)
        text = _HAN_GAP.sub("", text)  # a space left where a broken line met
    return text.lstrip(_LEAD_TITLE).rstrip(_TRAIL_TITLE)
