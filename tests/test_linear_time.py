"""Hostile shapes that took minutes or hours: each must now cost time (or work)
in proportion to its size. Each input is sized so that the old code took over
ten times the budget asserted here (figures in docs/reliability.md)."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from speechtree import parse, verify_lossless
from speechtree import parser as parser_mod
from speechtree.check import strip_blank
from speechtree.diff import _in_order_pairs, diff
from speechtree.parser import _own_lead_in


def _cpu(fn: Callable[[], Any]) -> float:
    c = time.process_time()
    fn()
    return time.process_time() - c


def test_heading_over_a_long_list_of_names() -> None:
    """segment.join_broken_lines rebuilt the joined paragraph at every line:
    14.7 s at 100 KB."""
    text = "一、参会人员名单\n" + "张三丰\n" * 12_000
    assert _cpu(lambda: parse(text)) < 2.0
    doc = parse(text)
    (node,) = [n for _, n in doc.walk()]
    assert node.title.startswith("参会人员名单张三丰张三丰")
    assert verify_lossless(doc) == []


def test_numbered_lines_past_999_under_a_heading() -> None:
    text = "一、参会代表\n" + "".join(f"{1000 + i}.参会代表名单\n" for i in range(8_000))
    assert _cpu(lambda: parse(text)) < 2.0


def test_long_space_run_in_a_wrapped_title() -> None:
    """parser._LINEBREAK backtracked over every space of the run: 62 s at 100 KB."""
    text = "一、总体" + " " * 40_000 + "要\n求\n正文。\n"
    assert _cpu(lambda: parse(text)) < 1.0
    (node,) = [n for _, n in parse(text).walk()]
    assert node.title == "总体要求"  # spaces between Han characters are PDF noise (clean.py)
    text = "一、GDP" + " " * 40_000 + "要\n求\n正文。\n"  # next to Latin they are kept
    assert _cpu(lambda: parse(text)) < 1.0
    (node,) = [n for _, n in parse(text).walk()]
    assert node.title == "GDP" + " " * 40_000 + "要求"


def test_strip_blank_on_a_long_inner_space_run() -> None:
    """check.strip_blank's ``blanks$`` pattern was retried from every blank: 6.8 s at 20 K."""
    text = "甲" + " " * 50_000 + "乙 "
    assert _cpu(lambda: strip_blank(text)) < 0.1
    assert strip_blank(text) == text[:-1]


def test_long_table_of_contents_is_sliced_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each contents line re-sliced the merged block from its start: count the
    characters the parser slices for blocks; they must not grow with the square."""
    sliced = [0]
    clean = parser_mod._Parser._clean_block

    def counting(ctx: Any, a: int, b: int) -> str:
        sliced[0] += b - a
        return clean(ctx, a, b)

    monkeypatch.setattr(parser_mod._Parser, "_clean_block", staticmethod(counting))
    text = "目录\n" + "".join(f"{i % 999 + 1}.工作安排事项\n" for i in range(3_000))
    text += "\n一、总体要求\n正文。\n"
    doc = parse(text)
    kinds = [b.kind for b in doc.speeches[0].preamble]
    assert kinds.count("contents") == 1
    assert sliced[0] <= 3 * len(text)


class _CountingSet:
    """A set that counts how many elements were read by iterating it."""

    def __init__(self, items: set[int]) -> None:
        self.items = items
        self.read = 0

    def __contains__(self, x: object) -> bool:
        return x in self.items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        for x in self.items:
            self.read += 1
            yield x


def test_contents_before_many_speeches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every speech copied the set of contents paragraphs: 23 s at 6 MB. The
    parser may read the set a bounded number of times, not once per speech."""
    made: list[_CountingSet] = []
    find = parser_mod.find_contents

    def counting(*args: Any) -> _CountingSet:
        made.append(_CountingSet(find(*args)))
        return made[-1]

    monkeypatch.setattr(parser_mod, "find_contents", counting)
    toc = "目录\n" + "".join(f"{i % 999 + 1}.工作安排事项\n" for i in range(2_000))
    speeches = "".join(
        f"在第{i}次会议上的讲话\n同志们：\n一、总体要求\n正文。\n二、主要任务\n正文。\n"
        for i in range(300)
    )
    doc = parse(toc + speeches)
    assert len(doc.speeches) >= 290
    (contents,) = made
    assert len(contents) >= 2_000
    assert contents.read <= 2 * len(contents)


def test_contents_ending_after_a_long_run_of_repeated_headings() -> None:
    """Moving a contents block's end back over the repeated heading-only lines
    above the body restarted the search one line further each time: 85 s for
    14,000 lines of one heading."""
    text = "一、总体要求\n" * 20_000 + "这是正文的第一段，篇幅足够长，足以成为正文。\n"
    assert _cpu(lambda: parse(text)) < 3.0


def test_own_lead_in_looks_back_only_to_the_colon_before() -> None:
    """``_own_lead_in`` searched back to the paragraph's start for each marker."""
    text = "形势。" + "要求：一要甲，二要乙，" * 50_000
    positions = [i + 1 for i, ch in enumerate(text) if ch == "："]
    got = _cpu(lambda: [_own_lead_in(text, p) for p in positions])
    assert got < 0.5
    assert _own_lead_in(text, positions[0]) and not _own_lead_in(text, positions[1])
    assert _own_lead_in("甲。乙；丙：", 6) and not _own_lead_in("甲。乙：丙：", 6)


def test_diff_of_a_document_with_itself() -> None:
    """difflib on many repeated titles: 111 s for a 0.4 MB chain of 一是 items."""
    doc = parse("一是加强领导。二是落实责任。三是强化督查。\n" * 6_000)
    assert _cpu(lambda: diff(doc, doc)) < 3.0
    assert diff(doc, doc).changes == []


@pytest.mark.parametrize(
    ("line_a", "line_b"),
    [
        ("{n}.加强组织领导\n", "（{n}）加强组织领导工作\n"),  # the same title, reworded
        ("{n}.第{i}项工作安排\n", "（{n}）第{i}项工作部署\n"),  # titles alike but for a number
    ],
)
def test_diff_of_a_long_reworded_stretch(line_a: str, line_b: str) -> None:
    """diff._similar weighed every free pair: when nothing pairs before it
    (each title reworded, each marker of another style), 2,000 items took 56 s."""
    n = 2_000
    a = parse("".join(line_a.format(n=i % 999 + 1, i=i) for i in range(n)))
    b = parse("".join(line_b.format(n=i % 999 + 1, i=i) for i in range(n)))
    assert _cpu(lambda: diff(a, b)) < 3.0
    result = diff(a, b)
    assert result.counts() == {"added": 0, "removed": 0, "moved": 0, "retitled": n}
    assert all(c.a is not None and c.b is not None and c.a.path == c.b.path
               for c in result.changes)


def test_in_order_pairs_agree_with_difflib_on_small_inputs() -> None:
    import difflib

    a = list("abcabdxyzab")
    b = list("abdcabxzyba")
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    want = [(m.a + k, m.b + k) for m in sm.get_matching_blocks() for k in range(m.size)]
    assert sorted(_in_order_pairs(a, b)) == want


def test_in_order_pairs_on_large_inputs_are_in_order_and_equal() -> None:
    a = [f"k{i % 7}" for i in range(3_000)] + ["only-a"] + [f"u{i}" for i in range(500)]
    b = [f"u{i}" for i in range(250)] + [f"k{i % 5}" for i in range(3_000)] + ["only-b"]
    pairs = sorted(_in_order_pairs(a, b))
    assert all(a[i] == b[j] for i, j in pairs)
    assert all(j1 < j2 for (_, j1), (_, j2) in pairwise(pairs))
    assert len(pairs) >= 250


# -- memory and output size ------------------------------------------------------


#: A text of chains 90 levels deep: each 一是 nests in the one before, as the
#: 二是 after them go on each list (on one line, a restarted list nests only
#: where the list it is in goes on: "一是甲二是乙" repeated is a flat list).
_DEEP = ("一是甲" * 90 + "二是乙" * 90) * 120


def test_deep_tree_refuses_indented_json_but_writes_compact() -> None:
    """A 100-level chain gave 1.02 GB of indented JSON from a 1 MB input."""
    from speechtree import LimitError

    doc = parse(_DEEP)
    with pytest.raises(LimitError, match="too deep; write compact JSON"):
        doc.to_json_bytes()
    compact = doc.to_json_bytes(indent=False)
    assert len(compact) < 100 * len(_DEEP)
    shallow = parse("一、甲\n（一）乙。\n" * 2_000)
    assert len(shallow.to_json_bytes()) < 64 * 1024 * 1024


def test_max_nodes_is_a_clear_error() -> None:
    from speechtree import LimitError, ParseOptions

    text = "一、甲\n" * 1_200
    with pytest.raises(LimitError, match="over 1,000 nodes"):
        parse(text, options=ParseOptions(max_nodes=1_000))
    assert len(list(parse(text).walk())) >= 1_000


def test_cli_json_too_deep_is_one_line(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from speechtree.cli import main

    f = tmp_path / "deep.txt"
    f.write_text(_DEEP, encoding="utf-8")
    r = CliRunner().invoke(main, ["parse", str(f)])
    assert r.exit_code == 4 and r.stderr.count("\n") == 1 and "compact JSON" in r.stderr
