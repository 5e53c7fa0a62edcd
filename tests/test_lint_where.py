"""Lint where drafts live: folders, GitHub annotations, SARIF, settings files, pre-commit."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from speechtree.cli import main
from speechtree.lint import CODES, RULES
from speechtree.lint_config import ConfigError, find_config, load_settings

ROOT = Path(__file__).resolve().parent.parent

GAP = "一、总体要求\n（一）指导思想\n（三）基本原则\n"  # ST101 on line 3
STARTS_AT_TWO = "一、总体要求\n（二）指导思想\n"  # ST103 on line 2
CLEAN = "一、总体要求\n（一）指导思想\n（二）基本原则\n"
# A PNG header and noise: not text in any encoding speechtree tries.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes((i * 167 + 13) % 256 for i in range(2000))


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def _lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", *args])


def _codes(out: str) -> list[tuple[str, str]]:
    """(file, code) of each text-format line."""
    return [(m[1], m[2]) for m in re.finditer(r"^(.+?):\d+:\d+: (ST\d+) ", out, re.M)]


@pytest.fixture
def drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _tree(tmp_path, {
        "a.txt": GAP,
        "notes.md": GAP,
        "sub/b.txt": STARTS_AT_TWO,
        "sub/deeper/c.txt": CLEAN,
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- folders -------------------------------------------------------------------


def test_folder_is_walked_in_order_with_the_default_glob(drafts: Path) -> None:
    r = _lint(".")
    assert r.exit_code == 1, r.output
    assert _codes(r.output) == [("a.txt", "ST101"), ("sub/b.txt", "ST103")]


def test_glob_chooses_the_files_of_a_folder(drafts: Path) -> None:
    r = _lint(".", "--glob", "*.md")
    assert _codes(r.output) == [("notes.md", "ST101")]
    r = _lint("sub", "--glob", "**/*.txt")
    assert _codes(r.output) == [("sub/b.txt", "ST103")]
    assert _lint("sub/deeper").exit_code == 0


def test_a_named_file_is_checked_whatever_the_glob(drafts: Path) -> None:
    r = _lint("notes.md", "sub", "--glob", "nothing*")
    assert _codes(r.output) == [("notes.md", "ST101")]


def test_an_unreadable_file_in_a_folder_does_not_stop_the_rest(drafts: Path) -> None:
    (drafts / "sub" / "bad.txt").write_bytes(BINARY)
    r = CliRunner().invoke(main, ["lint", "."])
    assert r.exit_code == 3
    assert "sub/bad.txt" in r.stderr
    assert _codes(r.stdout) == [("a.txt", "ST101"), ("sub/b.txt", "ST103")]


# -- output formats ------------------------------------------------------------


def test_github_annotations(drafts: Path) -> None:
    (drafts / "odd, name:1.txt").write_text(GAP, encoding="utf-8")
    r = _lint("a.txt", "odd, name:1.txt", "--format", "github")
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        "::warning file=a.txt,line=3,col=1,title=ST101 skipped-ordinal::"
        "ST101 （三） follows （一）: ordinal 2 is skipped",
        "::warning file=odd%2C name%3A1.txt,line=3,col=1,title=ST101 skipped-ordinal::"
        "ST101 （三） follows （一）: ordinal 2 is skipped",
    ]
    assert _lint("sub/deeper", "--format", "github").output == ""


def test_sarif_log(drafts: Path) -> None:
    (drafts / "讲话 稿.txt").write_text("一、总体要求\n　（一）指导思想\n　（三）基本原则\n",
                                        encoding="utf-8")
    r = _lint(".", "--format", "sarif")
    assert r.exit_code == 1
    log = json.loads(r.output)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "speechtree"
    assert [rule["id"] for rule in driver["rules"]] == list(CODES)
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    got = [
        (
            res["ruleId"],
            driver["rules"][res["ruleIndex"]]["id"],
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            res["locations"][0]["physicalLocation"]["region"],
        )
        for res in run["results"]
    ]
    assert got == [
        ("ST101", "ST101", "a.txt", {"startLine": 3, "startColumn": 1}),
        ("ST103", "ST103", "sub/b.txt", {"startLine": 2, "startColumn": 1}),
        # the ideographic space of indentation is one column (a code point)
        ("ST101", "ST101", "%E8%AE%B2%E8%AF%9D%20%E7%A8%BF.txt",
         {"startLine": 3, "startColumn": 2}),
    ]
    assert all(res["level"] == "warning" and res["message"]["text"] for res in run["results"])


def test_sarif_says_when_a_file_could_not_be_read(drafts: Path) -> None:
    r = CliRunner().invoke(main, ["lint", "a.txt", "missing.txt", "--format", "sarif"])
    assert r.exit_code == 3
    log = json.loads(r.stdout)
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False}]
    assert len(log["runs"][0]["results"]) == 1


def test_every_rule_has_a_name_for_the_annotations() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name) for r in RULES)


# -- settings files ------------------------------------------------------------


def test_speechtree_toml_select_and_ignore(drafts: Path) -> None:
    (drafts / "speechtree.toml").write_text('[lint]\nignore = ["ST103"]\n', encoding="utf-8")
    assert _codes(_lint(".").output) == [("a.txt", "ST101")]
    (drafts / "speechtree.toml").write_text('[lint]\nselect = ["ST103"]\n', encoding="utf-8")
    assert _codes(_lint(".").output) == [("sub/b.txt", "ST103")]
    # --select replaces the file's select; --ignore adds to its ignore
    assert _codes(_lint(".", "--select", "ST101").output) == [("a.txt", "ST101")]
    assert _lint(".", "--ignore", "ST1").exit_code == 0


def test_pyproject_table_and_which_file_wins(drafts: Path) -> None:
    (drafts / "pyproject.toml").write_text(
        '[project]\nname = "drafts"\n\n[tool.speechtree.lint]\nignore = ["ST101"]\n',
        encoding="utf-8",
    )
    assert _codes(_lint(".").output) == [("sub/b.txt", "ST103")]
    # found from a subfolder too, and the paths of its per-file globs are the file's
    assert find_config(drafts / "sub" / "deeper") == drafts / "pyproject.toml"
    (drafts / "speechtree.toml").write_text('[lint]\nignore = ["ST103"]\n', encoding="utf-8")
    assert find_config(drafts / "sub") == drafts / "speechtree.toml"
    assert _codes(_lint(".").output) == [("a.txt", "ST101")]
    # an explicit --config wins over both
    (drafts / "other.toml").write_text("[lint]\n", encoding="utf-8")
    assert len(_codes(_lint(".", "--config", "other.toml").output)) == 2


def test_each_file_is_checked_under_its_own_settings(drafts: Path) -> None:
    """The settings file closest to each file governs it, wherever lint runs."""
    (drafts / "speechtree.toml").write_text('[lint]\nignore = ["ST101"]\n', encoding="utf-8")
    (drafts / "sub" / "speechtree.toml").write_text('[lint]\nignore = ["ST103"]\n',
                                                    encoding="utf-8")
    (drafts / "sub" / "gap.txt").write_text(GAP, encoding="utf-8")
    # a.txt: ST101 ignored by the top file; sub/b.txt ST103 and sub/gap.txt
    # ST101 judged by sub's own file, which ignores only ST103
    assert _codes(_lint(".").output) == [("sub/gap.txt", "ST101")]
    # the same when run from a folder with no settings, naming both projects
    os.chdir(drafts.parent)
    r = CliRunner().invoke(main, ["lint", str(drafts / "a.txt"), str(drafts / "sub")])
    assert [c for _, c in _codes(r.output)] == ["ST101"]


def test_a_pyproject_without_our_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n',
                                             encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert find_config(tmp_path / "sub") != tmp_path / "pyproject.toml"


def test_per_file_ignores(drafts: Path) -> None:
    (drafts / "speechtree.toml").write_text(
        '[lint.per-file-ignores]\n"sub/**/*.txt" = ["ST103"]\n"a.txt" = ["ST1"]\n',
        encoding="utf-8",
    )
    assert _lint(".").exit_code == 0
    assert _codes(_lint(".", "--glob", "*.md").output) == [("notes.md", "ST101")]
    # relative to the settings file, wherever lint is run from
    r = CliRunner().invoke(main, ["lint", str(drafts / "sub" / "b.txt"), str(drafts / "notes.md")])
    assert [c for _, c in _codes(r.output)] == ["ST101"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[lint]\nselect = [\"ST999\"]\n", "ST999 matches no lint code"),
        ("[lint]\nignor = [\"ST1\"]\n", "unknown lint setting ignor"),
        ("[lint]\nselect = 3\n", "select must be a list of codes"),
        ("[lint.per-file-ignores]\n\"*.txt\" = [\"XX1\"]\n", "XX1 matches no lint code"),
        ("[lint\n", "not valid TOML"),
    ],
)
def test_bad_settings_are_usage_errors(drafts: Path, content: str, message: str) -> None:
    (drafts / "speechtree.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(drafts / "speechtree.toml")
    r = CliRunner().invoke(main, ["lint", "a.txt"])
    assert r.exit_code == 2
    assert "speechtree.toml" in r.stderr and message in r.stderr


# -- pre-commit ------------------------------------------------------------------


def test_pre_commit_hook_runs_the_lint(drafts: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "speechtree-lint"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    staged = ["a.txt", "notes.md", "sub/b.txt", "sub/deeper/c.txt"]
    chosen = [f for f in staged if files.search(f)]
    assert chosen == ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]
    # pre-commit runs: entry + args + the staged files that match
    argv = shlex.split(hook["entry"])
    assert argv[0] == "speechtree"
    cmd = [sys.executable, "-m", "speechtree", *argv[1:]]
    bad = subprocess.run([*cmd, *chosen], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert _codes(bad.stdout) == [("a.txt", "ST101"), ("sub/b.txt", "ST103")]
    good = subprocess.run([*cmd, "sub/deeper/c.txt"], capture_output=True, text=True,
                          check=False)
    assert (good.returncode, good.stdout) == (0, "")
