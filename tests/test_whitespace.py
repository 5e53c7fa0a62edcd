"""One definition of whitespace: the parser and the lossless checker agree."""

from __future__ import annotations

import re
import sys

import pytest
import regex

from speechtree import parse, verify_lossless
from speechtree.whitespace import WHITESPACE, char_class


def test_whitespace_is_what_str_isspace_says() -> None:
    everything = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(WHITESPACE) == everything
    for engine in (re, regex):
        cls = engine.compile(char_class())
        assert all(cls.fullmatch(c) for c in everything)
        assert not cls.match("a") and not cls.match("\u200b")


@pytest.mark.parametrize("ch", ["\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028"])
def test_lossless_check_agrees_with_the_parser(ch: str) -> None:
    """regex's \\s leaves out U+001C–U+001F, which the parser strips after a
    line break inside a title: the checker reported correct output as broken."""
    for text in (f"一、总体\n{ch}要\n求\n正文。\n", f"{ch}一、甲{ch}\n（一）乙。{ch}\n"):
        assert verify_lossless(parse(text)) == [], repr(text)
