"""Lint: one fixture per code (and its near misses), selection, and the CLI."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from speechtree import parse
from speechtree.cli import EXIT_INPUT, EXIT_LIMIT, EXIT_USAGE, main
from speechtree.conventions import RULE_NAMES
from speechtree.lint import CODES, RULES, Diagnostic, UnknownCodeError, lint, select_rules

ROOT = Path(__file__).resolve().parent.parent

# (id, text, expected [(line, col, code)]). Every case lists *all* it expects,
# so a rule that fires where it should not fails the case too.
CASES: list[tuple[str, str, list[tuple[int, int, str]]]] = [
    (
        "clean_gbt_ladder",
        "关于工作的报告\n\n一、总体要求\n（一）指导思想\n1.坚持稳中求进\n（1）稳增长\n（2）促改革\n"
        "2.坚持改革创新\n（二）基本原则\n二、重点任务\n（一）稳增长\n",
        [],
    ),
    (
        "ST101_skipped_ordinal",
        "一、总体要求\n（一）指导思想\n（三）基本原则\n二、重点任务\n",
        [(3, 1, "ST101")],
    ),
    (
        "ST101_skipped_ordinal_top_level",
        "一、总体要求\n三、重点任务\n",
        [(2, 1, "ST101")],
    ),
    (
        "ST102_duplicate_ordinal",
        "一、总体要求\n（一）指导思想\n（二）基本原则\n（二）主要目标\n",
        [(4, 1, "ST102")],
    ),
    (
        "ST102_duplicate_first_ordinal",
        "一、总体要求\n（一）指导思想\n（一）基本原则\n",
        [(3, 1, "ST102")],
    ),
    (
        "ST103_start_not_one",
        "一、总体要求\n（二）指导思想\n（三）基本原则\n",
        [(2, 1, "ST103")],
    ),
    (
        "ST104_restart_at_same_level",
        "一、总体要求\n二、重点任务\n三、保障措施\n一、附则\n",
        [(4, 1, "ST104")],
    ),
    (
        # After an annex label the tree numbers from the top again; so does lint.
        "ST104_not_after_an_annex",
        "一、总体要求\n二、重点任务\n三、保障措施\n附件1\n一、项目安排\n二、资金来源\n",
        [],
    ),
    (
        # Articles number through the text across chapters: no ST103 per chapter.
        "ST103_not_for_articles_across_chapters",
        "第一章 总则\n第一条 为了规范工作，制定本办法。\n"
        "第二章 附则\n第二条 本办法自公布之日起施行。\n",
        [],
    ),
    (
        # Paragraph numbers that run through the sections, one level below
        # whichever heading holds them: one series, at no fixed level.
        "ST103_ST203_not_for_paragraph_numbers_running_through",
        "甲、开篇\n1.各位代表：过去一年经济回升。\n乙、改革\n2.改革要深化。\n"
        "（一）政府架构\n3.架构要精简。\n4.职能要清楚。\n（二）公共服务\n5.服务要便民。\n"
        "丙、结语\n6.让我们携手前行。\n",
        [(1, 1, "ST307"), (3, 1, "ST307"), (10, 1, "ST307")],
    ),
    (
        "ST101_gap_in_paragraph_numbers_running_through",
        "甲、开篇\n1.各位代表：过去一年经济回升。\n2.成绩来之不易。\n乙、改革\n3.改革要深化。\n"
        "（一）政府架构\n4.架构要精简。\n（二）公共服务\n6.服务要便民。\n",
        [(1, 1, "ST307"), (4, 1, "ST307"), (9, 1, "ST101")],
    ),
    (
        "ST104_not_for_runin_list_in_new_paragraph",
        "今年要做好三件事：一是稳增长，二是促改革，三是惠民生。\n"
        "具体措施是：一是减税，二是降费。\n",
        [],
    ),
    (
        "ST201_level_skip",
        "一、总体要求\n（1）指导思想\n（2）基本原则\n二、重点任务\n",
        [(2, 1, "ST201")],
    ),
    (
        "ST201_not_for_chapter_article",
        "第一章 总则\n第一条 为了规范工作，制定本办法。\n第二条 本办法适用于全市。\n"
        "第二章 附则\n第三条 本办法自公布之日起施行。\n",
        [],
    ),
    (
        "ST202_level_inverted_and_ST203_style_two_levels",
        "一、总体要求\n（一）指导思想\n1.坚持\n2.稳进\n二、重点任务\n1.稳增长\n（一）扩内需\n（二）稳外贸\n",
        [(6, 1, "ST201"), (6, 1, "ST203"), (7, 1, "ST202"), (7, 1, "ST203")],
    ),
    (
        "ST301_punct_after_bracket",
        "一、总体要求\n（一）、指导思想\n（二）、基本原则\n",
        [(2, 4, "ST301"), (3, 4, "ST301")],
    ),
    (
        "ST301_punct_after_arabic_bracket_with_space",
        "一、总体要求\n（一）指导思想\n1.坚持\n（1） ．稳增长\n（2）促改革\n",
        [(4, 5, "ST301")],
    ),
    (
        "ST302_cn_numeral_dot",
        "一.总体要求\n二．重点任务\n三，保障措施\n",
        [(1, 1, "ST302"), (2, 1, "ST302"), (3, 1, "ST302")],
    ),
    (
        "ST302_not_for_decimal_or_bare_numeral",
        "一、总体要求\n增长一.5倍的说法不对。\n二、重点任务\n",
        [],
    ),
    (
        "ST306_half_bracket",
        "一、总体要求\n（一）指导思想\n1.坚持\n1）稳增长\n2)促改革\n",
        [(4, 1, "ST306"), (5, 1, "ST306")],
    ),
    (
        "ST306_half_bracket_cn_numeral",
        "一）总体要求\n二）重点任务\n",
        [(1, 1, "ST306"), (2, 1, "ST306")],
    ),
    (
        "ST308_lookalike_punctuation",
        "一、总体要求\n〈一）指导思想\n（二）基本原则\n1·坚持稳中求进\n二丶重点任务\n"
        "（一）扩大内需\n（二〕稳定外贸\n三、附注\n〔1〕见前文。\n",
        [(2, 1, "ST308"), (4, 1, "ST308"), (5, 1, "ST308"), (7, 1, "ST308")],
    ),
    (
        "ST307_nonstandard_ordinals",
        "甲、总的方针\n一、减轻负担\n二、改进方法\n乙、具体安排\nⅠ、生产\nⅡ、销售\n",
        [(1, 1, "ST307"), (4, 1, "ST307"), (5, 1, "ST307"), (6, 1, "ST307")],
    ),
    (
        "ST307_not_for_stems_in_prose",
        "一、总体要求\n甲乙两校先行试点，甲、乙双方签约。\n二、重点任务\n",
        [],
    ),
    (
        "ST303_not_for_figures",
        "一、总体要求\n4、5月份增长较快。\n二、重点任务\n",
        [],
    ),
    (
        "ST301_ST302_ST306_not_for_prose",
        "一、总体要求\n增长1）的说法，其中（1）、（2）两项。\n二、重点任务\n",
        [],
    ),
    (
        "ST303_arabic_dun",
        "一、总体要求\n（一）指导思想\n1、坚持稳中求进\n2、坚持改革创新\n",
        [(3, 1, "ST303"), (4, 1, "ST303")],
    ),
    (
        "ST304_mixed_width_brackets_in_series",
        "一、总体要求\n(一)指导思想\n（二）基本原则\n（三）主要目标\n",
        [(3, 1, "ST304"), (4, 1, "ST304")],
    ),
    (
        "ST304_mixed_width_dots_in_series",
        "一、总体要求\n（一）指导思想\n1.坚持稳中求进\n2．坚持改革创新\n",
        [(4, 1, "ST304")],
    ),
    (
        "ST305_mixed_width_marker",
        "一、总体要求\n(一）指导思想\n（二）基本原则\n",
        [(2, 1, "ST305")],
    ),
    (
        "ST204_too_deep",
        "；".join(["一是做"] * 101) + "；二是完成。",
        [(1, 397, "ST204")],  # the 100th 一是, the level the parser caps at
    ),
    (
        "indented_marker_column",
        "一、总体要求\n\u3000\u3000（一）指导思想\n\u3000\u3000（三）基本原则\n",
        [(3, 3, "ST101")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_case(text: str, expected: list[tuple[int, int, str]]) -> None:
    got = [(d.line, d.col, d.code) for d in lint(parse(text), path="case.txt")]
    assert got == expected


def test_every_code_has_a_positive_fixture() -> None:
    fired = {code for _, _, exp in CASES for _, _, code in exp}
    assert fired == set(CODES)


def test_codes_are_unique_and_stable_form() -> None:
    assert len(set(CODES)) == len(CODES)
    assert all(re.fullmatch(r"ST[1-9]\d\d", c) for c in CODES)


def test_diagnostic_fields_and_format() -> None:
    [d] = lint(parse("一、总体要求\n（一）指导思想\n（三）基本原则\n"), path="draft.txt")
    assert d == Diagnostic(
        file="draft.txt", line=3, col=1, code="ST101", message=d.message,
        name="skipped-ordinal",
    )
    assert "（三）" in d.message and "（一）" in d.message
    assert d.format() == f"draft.txt:3:1: ST101 {d.message}"


def test_backwards_clause_number_names_the_clause_the_draft_lost() -> None:
    """5.2.1 after 5.1.5 is a lost 5.2 heading, not a second series of 5.1."""
    text = "5 要求\n5.1 总则\n5.1.1 应当备案。\n5.1.2 应当公开。\n5.2.1 应当评估。\n"
    [d] = [d for d in lint(parse(text)) if d.code == "ST104"]
    assert d.line == 5
    assert "the clause 5.2 that would hold it is missing" in d.message
    [same] = [d for d in lint(parse("一、总体要求\n二、重点任务\n一、附则\n")) if d.code == "ST104"]
    assert same.message.endswith("at the same level")


def test_column_counts_characters_before_the_marker() -> None:
    # The marker after a run-in sentence: col is its 1-based character column.
    text = "一、总体要求\n（一）指导思想\n（二）基本原则\n（二）主要目标\n"
    [d] = lint(parse(text))
    line_text = text.splitlines()[d.line - 1]
    assert line_text[d.col - 1 :].startswith("（二）")


def test_default_path_is_the_source_path(tmp_path: Path) -> None:
    from speechtree import parse_file

    f = tmp_path / "s.txt"
    f.write_text("一、甲\n三、乙\n", encoding="utf-8")
    [d] = lint(parse_file(f))
    assert d.file == str(f)


def test_lint_needs_original_text() -> None:
    doc = parse("一、甲\n三、乙\n")
    loaded = type(doc).from_json(doc.to_json())
    with pytest.raises(ValueError, match="original text"):
        lint(loaded)


# -- selection ---------------------------------------------------------------

MANY = "一、总体要求\n（一）、指导思想\n（三）基本原则\n1、坚持\n"


def _codes(**kw: list[str]) -> list[str]:
    return sorted({d.code for d in lint(parse(MANY), **kw)})  # type: ignore[arg-type]


def test_many_fires_several_families() -> None:
    assert _codes() == ["ST101", "ST301", "ST303"]


def test_select_by_code_and_prefix() -> None:
    assert _codes(select=["ST101"]) == ["ST101"]
    assert set(_codes(select=["ST3"])) == {"ST301", "ST303"}
    assert set(_codes(select=["st3"])) == {"ST301", "ST303"}  # case does not matter


def test_ignore_wins_over_select() -> None:
    assert _codes(select=["ST3"], ignore=["ST303"]) == ["ST301"]
    assert "ST101" not in _codes(ignore=["ST1"])


def test_select_all() -> None:
    assert [r.code for r in select_rules(["ALL"])] == list(CODES)


def test_unknown_code_is_an_error() -> None:
    with pytest.raises(UnknownCodeError, match="ST9"):
        select_rules(["ST9"])
    with pytest.raises(UnknownCodeError):
        select_rules(None, ["E501"])


def test_rules_are_ordered_by_code() -> None:
    assert list(CODES) == sorted(CODES)
    assert all(r.name and r.summary for r in RULES)
    # The names live in conventions (parse's warnings use them without lint):
    # one entry per rule, in the rules' order, and nothing else.
    assert tuple(RULE_NAMES) == CODES


# -- docs ----------------------------------------------------------------------


def test_every_code_is_documented() -> None:
    doc = (ROOT / "docs" / "lint-diff.md").read_text(encoding="utf-8")
    for code in CODES:
        assert re.search(rf"^#+ .*\b{code}\b", doc, re.M), f"{code} has no section in the docs"


def _doc_examples() -> list[tuple[str, str]]:
    doc = (ROOT / "docs" / "lint-diff.md").read_text(encoding="utf-8")
    blocks = [m.group(2) for m in re.finditer(r"^```(\w*)\n(.*?)^```$", doc, re.M | re.S)]
    return [
        (text, out)
        for text, out in itertools.pairwise(blocks)
        if out.startswith("draft.txt:") and not text.startswith("draft.txt:")
    ]


def test_doc_examples_are_what_lint_prints() -> None:
    examples = _doc_examples()
    assert len(examples) >= 10
    for text, out in examples:
        got = "".join(d.format() + "\n" for d in lint(parse(text), path="draft.txt"))
        assert got == out, text


# -- CLI -----------------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_cli_text_output_and_exit_1(tmp_path: Path) -> None:
    f = _write(tmp_path, "draft.txt", "一、总体要求\n（一）指导思想\n（三）基本原则\n")
    r = CliRunner().invoke(main, ["lint", str(f)])
    assert r.exit_code == 1
    assert r.stderr == ""
    lines = r.stdout.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(rf"{re.escape(str(f))}:3:1: ST101 .+", lines[0])


def test_cli_clean_exit_0(tmp_path: Path) -> None:
    f = _write(tmp_path, "ok.txt", "一、总体要求\n（一）指导思想\n（二）基本原则\n")
    r = CliRunner().invoke(main, ["lint", str(f)])
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_cli_json(tmp_path: Path) -> None:
    f = _write(tmp_path, "d.txt", "一、总体要求\n（一）、指导思想\n（三）基本原则\n")
    r = CliRunner().invoke(main, ["lint", "--format", "json", str(f)])
    assert r.exit_code == 1
    assert r.stderr == ""
    data = json.loads(r.stdout)
    assert [(d["file"], d["line"], d["col"], d["code"]) for d in data] == [
        (str(f), 2, 4, "ST301"),
        (str(f), 3, 1, "ST101"),
    ]
    assert all(set(d) == {"file", "line", "col", "code", "message", "name"} for d in data)


def test_cli_json_clean_is_empty_list(tmp_path: Path) -> None:
    f = _write(tmp_path, "ok.txt", "一、甲\n二、乙\n")
    r = CliRunner().invoke(main, ["lint", "--format", "json", str(f)])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == []


def test_cli_select_ignore(tmp_path: Path) -> None:
    f = _write(tmp_path, "d.txt", MANY)
    r = CliRunner().invoke(main, ["lint", "--select", "ST3,ST101", "--ignore", "ST303", str(f)])
    assert r.exit_code == 1
    assert sorted({line.split(": ")[1].split()[0] for line in r.stdout.splitlines()}) == [
        "ST101", "ST301",
    ]
    r = CliRunner().invoke(main, ["lint", "--select", "ST303", "--ignore", "ST3", str(f)])
    assert (r.exit_code, r.stdout) == (0, "")


def test_cli_unknown_code_is_usage_error(tmp_path: Path) -> None:
    f = _write(tmp_path, "d.txt", "一、甲\n")
    r = CliRunner().invoke(main, ["lint", "--select", "XX1", str(f)])
    assert r.exit_code == EXIT_USAGE
    assert r.stdout == ""
    assert "XX1" in r.stderr


def test_cli_missing_file_keeps_going(tmp_path: Path) -> None:
    f = _write(tmp_path, "d.txt", "一、甲\n三、乙\n")
    missing = tmp_path / "nope.txt"
    r = CliRunner().invoke(main, ["lint", str(missing), str(f)])
    assert r.exit_code == EXIT_INPUT
    assert r.stderr == f"speechtree: error: {missing}: no such file\n"
    assert r.stdout.startswith(f"{f}:2:1: ST101 ")


def test_cli_limit_error(tmp_path: Path) -> None:
    f = _write(tmp_path, "d.txt", "一、甲\n二、乙\n" * 10)
    r = CliRunner().invoke(main, ["lint", "--max-bytes", "10", str(f)])
    assert r.exit_code == EXIT_LIMIT
    assert r.stdout == ""
    assert r.stderr.startswith(f"speechtree: error: {f}: ")


def test_cli_stdin() -> None:
    r = CliRunner().invoke(main, ["lint", "-"], input="一、甲\n（一）、乙\n".encode())
    assert r.exit_code == 1
    assert r.stdout.startswith("<stdin>:2:4: ST301 ")


def test_cli_needs_a_file() -> None:
    r = CliRunner().invoke(main, ["lint"])
    assert r.exit_code == EXIT_USAGE


@pytest.mark.parametrize("first", ["speechtree.cli", "speechtree.cli_check"])
def test_commands_registered_whichever_module_loads_first(first: str) -> None:
    code = (
        f"import {first}, click; from speechtree.cli import main; ctx = click.Context(main); "
        "print(sorted(c for c in ('lint', 'diff') if main.get_command(ctx, c) is not None))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['diff', 'lint']"


def test_corpus_never_crashes(corpus_dir: Path) -> None:
    from speechtree import parse_file

    for f in sorted(corpus_dir.rglob("*.txt")):
        for d in lint(parse_file(f)):
            assert d.code in CODES
            assert d.line >= 1 and d.col >= 1


# -- properties ------------------------------------------------------------------

_MARKERISH = [
    *"一二三四五六七八九十（）()、.．，,：1234567890①②是要第章条 \u3000\n",
    "总体要求", "一、", "（一）", "1.", "（1）", "一是", "第一章", "第一条",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MARKERISH), max_size=40).map("".join))
def test_lint_never_raises_and_points_inside_the_text(text: str) -> None:
    lines = text.split("\n")
    for d in lint(parse(text)):
        assert d.code in CODES
        assert 1 <= d.line <= len(lines)
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1
