"""``--max-nodes``: the bound on an outline's size (and so on the memory and
output it takes) is an option of every command that parses."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from speechtree.cli import EXIT_LIMIT, main
from speechtree.options import DEFAULT_MAX_NODES

#: Five nodes.
SPEECH = "一、总体要求\n（一）指导思想。\n（二）基本原则。\n二、主要任务\n三、保障措施\n"


@pytest.fixture
def speech(tmp_path: Path) -> Path:
    p = tmp_path / "s.txt"
    p.write_text(SPEECH, encoding="utf-8")
    return p


def test_parse_refuses_an_outline_over_max_nodes(speech: Path) -> None:
    r = CliRunner().invoke(main, ["parse", str(speech), "--max-nodes", "4"])
    assert r.exit_code == EXIT_LIMIT and r.stdout == ""
    assert r.stderr.startswith(f"speechtree: error: {speech}: the outline has over 4 nodes")
    assert "--max-nodes" in r.stderr
    r = CliRunner().invoke(main, ["parse", str(speech), "--max-nodes", "5"])
    assert r.exit_code == 0 and len(orjson.loads(r.stdout)["speeches"][0]["sections"]) == 3


def test_parse_max_nodes_from_standard_input() -> None:
    r = CliRunner().invoke(main, ["parse", "-", "--max-nodes", "1"], input=SPEECH.encode())
    assert r.exit_code == EXIT_LIMIT and "<stdin>: the outline has over 1 nodes" in r.stderr


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_bad_max_nodes_values_are_usage_errors(speech: Path, value: str) -> None:
    r = CliRunner().invoke(main, ["parse", str(speech), "--max-nodes", value])
    assert r.exit_code == 2 and "--max-nodes" in r.stderr


def test_batch_records_an_outline_over_max_nodes_as_a_failure(
    speech: Path, tmp_path: Path
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    speech.rename(src / "big.txt")
    (src / "small.txt").write_text("一、总体要求\n正文。\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1", "-q",
                                  "--max-nodes", "3"])
    assert r.exit_code == 1
    assert (out / "small.json").is_file() and not (out / "big.json").exists()
    (rec,) = [orjson.loads(x) for x in (out / "_errors.jsonl").read_bytes().splitlines()]
    assert rec["path"] == "big.txt" and rec["error"] == "LimitError"


def test_lint_and_diff_take_max_nodes(speech: Path) -> None:
    r = CliRunner().invoke(main, ["lint", str(speech), "--max-nodes", "2"])
    assert r.exit_code == EXIT_LIMIT and "over 2 nodes" in r.stderr
    r = CliRunner().invoke(main, ["diff", str(speech), str(speech), "--max-nodes", "2"])
    assert r.exit_code == EXIT_LIMIT and "over 2 nodes" in r.stderr


def test_the_default_is_shown_in_the_help() -> None:
    r = CliRunner().invoke(main, ["parse", "--help"])
    assert "--max-nodes" in r.stdout and f"{DEFAULT_MAX_NODES}" in r.stdout
