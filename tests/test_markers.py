"""The recogniser: the inline scanner agrees with the full one, and the
grammar reads every style's example."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechtree.grammar import chinese_numeral, classify
from speechtree.markers import Recognizer
from speechtree.styles import DEFAULT_TABLE, STYLES, Style

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    p.read_text(encoding="utf-8")
    for p in sorted((ROOT / "tests" / "cases").glob("*.txt"))
    + sorted((ROOT / "examples" / "speeches").glob("*.txt"))
    if not p.name.endswith(".gbk.txt")
]
PIECES = ["一、", "（一）", "(2)", "1.", "2、", "3）", "①", "第一，", "第二部分", "第三条", "一是",
          "二要", "其一，", "一方面", "另一方面", "首先，", "其次是", "最后，", "篇一", "一.",
          "统一是", "。", "；", "：", "，", "“", "”", "加强", "工作", "1-8月", "8.5%",
          # shapes that share a first character, or a neighbour that matters
          "十", "尤其", "极其", "其次，", "再次，", "最后是", "首先要", "（10）", "20", "3.",
          "⑳", "㉑", "㊿", "一方面", "另", "是", "要", "第", "（"]


def both_ways(text: str) -> tuple[list[tuple[str, int | None, int]], ...]:
    rec = Recognizer(DEFAULT_TABLE)
    fast = [(m.style, m.ordinal, m.start) for m in rec.inline(text)]
    full_scan = Recognizer(DEFAULT_TABLE)
    full_scan._inline = full_scan._candidate
    full = [(m.style, m.ordinal, m.start) for m in full_scan.inline(text)]
    return fast, full


@pytest.mark.parametrize("i", range(len(TEXTS)))
def test_inline_scanner_agrees_with_the_full_one_on_bundled_text(i: int) -> None:
    for para in TEXTS[i].splitlines():
        fast, full = both_ways(para)
        assert fast == full


@settings(max_examples=1000, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_inline_scanner_agrees_with_the_full_one_on_marker_soup(text: str) -> None:
    fast, full = both_ways(text)
    assert fast == full


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.name)
def test_every_style_example_is_read_as_its_style(style: Style) -> None:
    got = classify(style.example)
    assert got is not None and got[0] == style.name


@pytest.mark.parametrize("n", range(1, 1000))
def test_chinese_numerals_read_back_as_their_value(n: int) -> None:
    written = chinese_numeral(n)
    assert classify(f"{written}、") == ("cn_dun", n)
    assert classify(f"（{written}）") == ("paren_cn", n)


@pytest.mark.parametrize(
    ("marker", "value"),
    [("（一一）", 11), ("（九○）", 90), ("（九〇）", 90), ("（一○五）", 105), ("（二零）", 20),
     ("第十一、", 11), ("一百零五是", 105), ("十是", 10)],
)
def test_numerals_written_digit_by_digit_or_with_units(marker: str, value: int) -> None:
    got = classify(marker)
    assert got is not None and got[1] == value


def test_a_number_written_digit_by_digit_only_in_brackets() -> None:
    assert classify("一一、") is None
    assert classify("九○是") is None
