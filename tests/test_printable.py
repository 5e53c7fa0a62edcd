"""Control characters in document text never reach a terminal raw."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from speechtree import parse
from speechtree.cli import main
from speechtree.diff import diff
from speechtree.printable import printable
from speechtree.render import render

BODY = "正文内容。" * 100 + "\n"  # enough text that a few controls are not "binary"
EVIL = "一、总体\x1b[2J要求\n（一）甲工作。正文\x1b]0;title\x07\n" + BODY


def _raw_controls(out: str, allowed: str = "\n") -> list[str]:
    return [c for c in out if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c not in allowed]


def test_printable() -> None:
    assert printable("甲\x1b[2J乙\u202e丙\t") == "甲\\x1b[2J乙\\u202e丙\t"
    assert printable("普通文本") == "普通文本"


@pytest.mark.parametrize("color", [False, True])
def test_tree_view_escapes_controls(color: bool) -> None:
    out = render(parse(EVIL), "tree", with_text=True, color=color)
    assert "\\x1b[2J" in out and "\\x1b]0;title\\x07" in out
    if color:  # only rich's own colour sequences: SGR, ESC [ … m
        out = out.replace("\x1b[", "")
    assert _raw_controls(out) == []


def test_diff_and_lint_text_escape_controls(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(EVIL, encoding="utf-8")
    b.write_text(EVIL.replace("（一）甲", "（一）乙\u202e"), encoding="utf-8")
    out = diff(parse(a.read_bytes()), parse(b.read_bytes())).to_text()
    assert "\\u202e" in out and "\u202e" not in out
    r = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert "\\u202e" in r.stdout and _raw_controls(r.stdout) == []
    r = CliRunner().invoke(main, ["lint", str(a)])
    assert _raw_controls(r.stdout) == []
