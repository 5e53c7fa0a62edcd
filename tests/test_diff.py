"""Diff: one fixture per change kind, alignment details, and the CLI."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from speechtree import parse
from speechtree.cli import EXIT_INPUT, EXIT_USAGE, main
from speechtree.diff import KINDS, DiffResult, _longest_increasing, diff, title_key

BASE = (
    "一、总体要求\n（一）指导思想\n（二）基本原则\n"
    "二、重点任务\n（一）稳增长\n（二）促改革\n"
    "三、保障措施\n"
)


def _diff(a: str, b: str) -> DiffResult:
    return diff(parse(a), parse(b), a_name="a.txt", b_name="b.txt")


def _summary(r: DiffResult) -> list[tuple[str, str | None, str | None]]:
    """(kind, A marker+title, B marker+title) per change, in output order."""
    return [
        (
            c.kind,
            f"{c.a.marker}{c.a.title}" if c.a else None,
            f"{c.b.marker}{c.b.title}" if c.b else None,
        )
        for c in r.changes
    ]


#: BASE with （二）基本原则 moved from 一、 to the end of 二、.
MOVED = BASE.replace("（二）基本原则\n", "").replace(
    "（二）促改革\n", "（二）促改革\n（三）基本原则\n"
)

# (id, B text, expected changes against BASE)
CASES: list[tuple[str, str, list[tuple[str, str | None, str | None]]]] = [
    ("identical", BASE, []),
    (
        "added",
        BASE.replace("（二）基本原则\n", "（二）基本原则\n（三）主要目标\n"),
        [("added", None, "（三）主要目标")],
    ),
    (
        "added_subtree",
        BASE + "四、加强自身建设\n（一）讲政治\n",
        [("added", None, "四、加强自身建设"), ("added", None, "（一）讲政治")],
    ),
    (
        "removed",
        BASE.replace("（二）基本原则\n", ""),
        [("removed", "（二）基本原则", None)],
    ),
    (
        "moved_to_another_parent",
        MOVED,
        [("moved", "（二）基本原则", "（三）基本原则")],
    ),
    (
        "moved_within_parent",
        "一、重点任务\n（一）稳增长\n（二）促改革\n"
        "二、总体要求\n（一）指导思想\n（二）基本原则\n"
        "三、保障措施\n",
        [("moved", "一、总体要求", "二、总体要求")],
    ),
    (
        "retitled_same_place",
        BASE.replace("（二）基本原则", "（二）工作原则"),
        [("retitled", "（二）基本原则", "（二）工作原则")],
    ),
    (
        "retitled_same_place_dissimilar_title",
        BASE.replace("三、保障措施", "三、加强政府自身建设"),
        [("retitled", "三、保障措施", "三、加强政府自身建设")],
    ),
    (
        "moved_and_retitled",
        BASE.replace("（二）基本原则\n", "").replace(
            "（二）促改革\n", "（二）促改革\n（三）坚持基本原则\n"
        ),
        [
            ("moved", "（二）基本原则", "（三）坚持基本原则"),
            ("retitled", "（二）基本原则", "（三）坚持基本原则"),
        ],
    ),
    (
        "renumbered_after_removal_is_not_retitled",
        BASE.replace("（一）指导思想\n（二）基本原则", "（一）基本原则"),
        [("removed", "（一）指导思想", None)],
    ),
]


@pytest.mark.parametrize(("b", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_case(b: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    assert _summary(_diff(BASE, b)) == expected


def test_every_kind_has_a_fixture() -> None:
    assert {k for _, _, exp in CASES for k, _, _ in exp} == set(KINDS)


def test_removed_section_renumbers_followers_without_reporting_them() -> None:
    b = "一、总体要求\n（一）指导思想\n（二）基本原则\n二、保障措施\n"
    # 重点任务 and its children go; 保障措施 moves from 三、 to 二、 but stays in order.
    assert _summary(_diff(BASE, b)) == [
        ("removed", "二、重点任务", None),
        ("removed", "（一）稳增长", None),
        ("removed", "（二）促改革", None),
    ]


def test_titles_compared_without_punctuation_and_width() -> None:
    a = "一、总体要求\n二、重点任务：稳增长\n"
    b = "一、总体要求\n二、重点任务:稳增长\n"
    assert _diff(a, b).same
    n = parse("一、重点任务：稳增长\n").speeches[0].sections[0]
    assert title_key(n) == "重点任务稳增长"


def test_refs_carry_paths_lines_and_parents() -> None:
    b = MOVED
    [c] = _diff(BASE, b).changes
    assert c.a is not None and c.b is not None
    assert (c.a.speech, c.a.path, c.a.line, c.a.level) == (1, "/1/2", 3, 2)
    assert (c.b.speech, c.b.path, c.b.line, c.b.level) == (1, "/2/3", 6, 2)
    assert (c.a.parent, c.b.parent) == ("一、总体要求", "二、重点任务")


def test_similarity_threshold_decides_pairing() -> None:
    a = "一、总体要求\n（一）指导思想\n二、重点任务\n"
    b = "一、总体要求\n二、重点任务\n（一）坚持指导思想不动摇\n"
    loose = diff(parse(a), parse(b), similarity=0.3)
    strict = diff(parse(a), parse(b), similarity=0.9)
    assert [c.kind for c in loose.changes] == ["moved", "retitled"]
    assert sorted(c.kind for c in strict.changes) == ["added", "removed"]


def test_text_output_shape() -> None:
    r = _diff(BASE, BASE.replace("（二）基本原则", "（二）工作原则").replace("三、保障措施\n", ""))
    lines = r.to_text().splitlines()
    assert lines[:2] == ["--- a.txt", "+++ b.txt"]
    assert lines[2].startswith("~ retitled  a:3 b:3  （二）基本原则 → （二）工作原则")
    assert lines[3].startswith("- removed   a:7")
    assert lines[-1] == "1 removed, 1 retitled"


def test_text_output_cuts_long_titles_json_keeps_them() -> None:
    long_title = "坚持" + "稳中求进工作总基调" * 10
    r = _diff(BASE, BASE + f"四、{long_title}\n")
    [line] = [x for x in r.to_text().splitlines() if x.startswith("+ added")]
    assert line.endswith("…") and len(line.split("四、")[1]) == 40
    assert json.loads(r.to_json())["changes"][0]["b"]["title"] == long_title


def test_identical_text_output_is_empty() -> None:
    assert _diff(BASE, BASE).to_text() == ""


def test_json_shape() -> None:
    r = _diff(BASE, BASE.replace("三、保障措施", "三、加强政府自身建设"))
    data = json.loads(r.to_json())
    assert set(data) == {"a", "b", "changes", "counts"}
    assert data["counts"] == {"added": 0, "removed": 0, "moved": 0, "retitled": 1}
    [c] = data["changes"]
    assert c["kind"] == "retitled"
    assert c["a"]["title"] == "保障措施" and c["b"]["title"] == "加强政府自身建设"
    assert set(c["a"]) == {"speech", "path", "line", "marker", "title", "level", "parent"}


def test_speeches_align_by_index() -> None:
    a = "第一篇\n在甲会上的讲话\n一、形势\n二、任务\n第二篇\n在乙会上的讲话\n一、形势\n二、任务\n"
    b = a.replace("第二篇\n在乙会上的讲话\n一、形势\n", "第二篇\n在乙会上的讲话\n一、新形势\n")
    r = diff(parse(a), parse(b))
    assert _summary(r) == [("retitled", "一、形势", "一、新形势")]
    assert r.changes[0].a is not None and r.changes[0].a.speech == 2


def test_doc_text_example_is_what_diff_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "lint-diff.md").read_text("utf-8")
    blocks = [m.group(1) for m in re.finditer(r"^```\w*\n(.*?)^```$", doc, re.M | re.S)]
    k = next(i for i, b in enumerate(blocks) if b.startswith("$ speechtree diff last.txt"))
    last, this, shown = blocks[k - 2], blocks[k - 1], blocks[k]
    (tmp_path / "last.txt").write_text(last, encoding="utf-8")
    (tmp_path / "this.txt").write_text(this, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the example names the files bare
    r = CliRunner().invoke(main, ["diff", "last.txt", "this.txt"])
    assert r.exit_code == 1
    assert "$ speechtree diff last.txt this.txt\n" + r.stdout == shown


# -- CLI -----------------------------------------------------------------------


def _files(tmp_path: Path, a: str, b: str) -> tuple[str, str]:
    pa, pb = tmp_path / "a.txt", tmp_path / "b.txt"
    pa.write_text(a, encoding="utf-8")
    pb.write_text(b, encoding="utf-8")
    return str(pa), str(pb)


def test_cli_same_exit_0(tmp_path: Path) -> None:
    a, b = _files(tmp_path, BASE, BASE)
    r = CliRunner().invoke(main, ["diff", a, b])
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_cli_differences_exit_1(tmp_path: Path) -> None:
    a, b = _files(tmp_path, BASE, BASE.replace("（二）基本原则\n", ""))
    r = CliRunner().invoke(main, ["diff", a, b])
    assert r.exit_code == 1
    assert r.stderr == ""
    assert r.stdout.splitlines() == [
        f"--- {a}", f"+++ {b}", "- removed   a:3    （二）基本原则", "1 removed",
    ]


def test_cli_json(tmp_path: Path) -> None:
    added = BASE.replace("（二）基本原则\n", "（二）基本原则\n（三）主要目标\n")
    a, b = _files(tmp_path, BASE, added)
    r = CliRunner().invoke(main, ["diff", "--format", "json", a, b])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert (data["a"], data["b"]) == (a, b)
    assert [(c["kind"], c["b"]["marker"], c["b"]["title"]) for c in data["changes"]] == [
        ("added", "（三）", "主要目标")
    ]


def test_cli_json_same_exit_0(tmp_path: Path) -> None:
    a, b = _files(tmp_path, BASE, BASE)
    r = CliRunner().invoke(main, ["diff", "--format", "json", a, b])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["changes"] == []


def test_cli_stdin(tmp_path: Path) -> None:
    a, _ = _files(tmp_path, BASE, BASE)
    stdin = BASE.replace("三、保障措施\n", "").encode()
    r = CliRunner().invoke(main, ["diff", a, "-"], input=stdin)
    assert r.exit_code == 1
    assert "+++ <stdin>" in r.stdout
    assert "- removed   a:7  三、保障措施" in r.stdout


def test_cli_both_stdin_is_usage_error() -> None:
    r = CliRunner().invoke(main, ["diff", "-", "-"], input=b"")
    assert r.exit_code == EXIT_USAGE
    assert r.stdout == ""


def test_cli_missing_file(tmp_path: Path) -> None:
    a, _ = _files(tmp_path, BASE, BASE)
    missing = str(tmp_path / "nope.txt")
    r = CliRunner().invoke(main, ["diff", a, missing])
    assert r.exit_code == EXIT_INPUT
    assert r.stdout == ""
    assert r.stderr == f"speechtree: error: {missing}: no such file\n"


def test_corpus_year_on_year(corpus_dir: Path) -> None:
    from speechtree import parse_file

    files = sorted(corpus_dir.glob("gwr_*_national.txt"))
    if len(files) < 2:
        pytest.skip("needs two national reports")
    a, b = parse_file(files[0]), parse_file(files[1])
    r = diff(a, b)
    n_a = sum(1 for _ in a.walk())
    n_b = sum(1 for _ in b.walk())
    counts = r.counts()
    # Every node of A is paired or removed, every node of B paired or added.
    paired_a = n_a - counts["removed"]
    paired_b = n_b - counts["added"]
    assert paired_a == paired_b >= 0
    assert diff(a, a).same


def test_corpus_each_file_same_as_itself(corpus_dir: Path) -> None:
    from speechtree import parse_file

    for f in sorted(corpus_dir.rglob("*.txt")):
        doc = parse_file(f)
        assert diff(doc, doc).same, f


# -- properties ------------------------------------------------------------------


def _first_longest_increasing(seq: list[int]) -> set[int]:
    """By brute force: the lexicographically first longest increasing positions."""
    for r in range(len(seq), 0, -1):
        for combo in itertools.combinations(range(len(seq)), r):
            if all(seq[combo[i]] < seq[combo[i + 1]] for i in range(r - 1)):
                return set(combo)
    return set()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=9, unique=True))
def test_longest_increasing_matches_brute_force(seq: list[int]) -> None:
    assert _longest_increasing(seq) == _first_longest_increasing(seq)


_PIECES = [
    "一、", "二、", "三、", "（一）", "（二）", "（三）", "1.", "2.",
    "总体要求", "重点任务", "保障措施", "基本原则", "稳增长", "\n",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
)
def test_diff_accounts_for_every_node(a_text: str, b_text: str) -> None:
    a, b = parse(a_text), parse(b_text)
    r = diff(a, b)
    n_a, n_b = sum(1 for _ in a.walk()), sum(1 for _ in b.walk())
    counts = r.counts()
    assert n_a - counts["removed"] == n_b - counts["added"] >= 0
    assert diff(a, a).same
    assert r.same == (r.to_text() == "")
