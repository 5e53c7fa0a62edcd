"""The scanners are compiled from the grammar, so they cannot disagree with it:
every shape the grammar accepts is found whole, and whatever a scanner finds
the grammar reads."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import LarkError

from speechtree.grammar import marker_parser
from speechtree.markers import scanners
from speechtree.shapes import Grammar, ShapeError, _terminal_piece, build_scanner
from speechtree.styles import STYLES, Inline


@functools.cache
def grammar() -> Grammar:
    return Grammar.from_lark(marker_parser())


@functools.cache
def bare() -> re.Pattern[str]:
    """The full scanner without the styles' contexts: the shapes alone."""
    return build_scanner(grammar(), {s.name: s for s in STYLES}, context=False).pattern


def accepts(text: str) -> bool:
    try:
        marker_parser().parse(text)
    except LarkError:
        return False
    return True


def shapes() -> list[tuple[str, str]]:
    """Every marker the grammar accepts, with its style (larger classes sampled)."""
    out: list[tuple[str, str]] = []
    for name, seq in grammar().markers():
        out += [(name, s) for s in grammar().strings(seq, sample=3)]
    return out


SHAPES = shapes()


def test_the_grammar_yields_thousands_of_shapes_of_every_style() -> None:
    names = {name for name, _ in SHAPES}
    assert {s.name for s in STYLES} <= names
    assert len(SHAPES) > 1000


@pytest.mark.parametrize("follower", ["", "加强", "。"])
def test_every_shape_of_the_grammar_is_scanned_whole(follower: str) -> None:
    scan = bare()
    missed = []
    for _name, text in SHAPES:
        m = scan.match(text + follower)
        if m is None or m.group() != text:
            missed.append((text, m and m.group()))
    assert not missed[:20]


def test_every_scanned_shape_is_read_by_the_grammar_as_its_style() -> None:
    """(The grammar itself, not the scanner, decides the style: the same
    string made from two alternatives must be read as one of them.)"""
    for name, text in SHAPES[::7]:
        assert accepts(text), (name, text)


SOUP = ["一", "二", "十", "百", "零", "○", "（", "）", "1", "23", "、", "，", "：", ".", "是", "要",
        "第", "章", "节", "条", "部分", "个", "问题", "篇", "【", "】", "范文", "其", "次", "另",
        "一方面", "首先", "最后", "①", "㉑", "加", "甲", "乙", "Ⅱ", "IV", "I", "〔", "〕", "[",
        "］", "注", "罪状", "特点", "项", "条", "五年", "\u3000"]


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(SOUP), min_size=1, max_size=7).map("".join))
def test_the_bare_scanner_finds_the_longest_prefix_the_grammar_accepts(text: str) -> None:
    m = bare().match(text)
    longest = next((k for k in range(len(text), 0, -1) if accepts(text[:k])), None)
    assert (m.end() if m else None) == longest


@settings(max_examples=800, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(SOUP), min_size=1, max_size=7).map("".join))
def test_whatever_the_scanners_find_the_grammar_reads(text: str) -> None:
    full, inline = scanners()
    for scan in (full, inline):
        for m in scan.pattern.finditer(text):
            assert accepts(m.group()), m.group()
            assert m.group()[0] in scan.start_chars


def test_the_inline_scanner_holds_only_styles_that_stand_inside_a_paragraph() -> None:
    _full, inline = scanners()
    never = {s.name for s in STYLES if s.inline is Inline.NEVER and not s.listed}
    for name, text in SHAPES:
        if name in never or name.startswith("label_"):
            m = inline.pattern.match(text + "。")
            assert m is None or m.group() != text, (name, text)


def test_a_terminal_the_scanners_cannot_derive_is_an_error() -> None:
    from lark.lexer import PatternRE

    with pytest.raises(ShapeError, match="BAD"):
        _terminal_piece("BAD", PatternRE("a+b"))
