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


def test_markdown_shows_controls_escaped() -> None:
    """Markdown kept controls raw: ``-f markdown`` to a terminal cleared it.
    It has no form a renderer shows a control in (a reference to one reads
    back as U+FFFD), so they are shown as in the terminal views."""
    from markdown_it import MarkdownIt

    doc = parse(EVIL.replace("要求", "要求\u202e\x9b"))
    md = render(doc, "markdown", with_text=True)
    assert _raw_controls(md) == [] and "\u202e" not in md
    tokens = MarkdownIt("commonmark").parse(md)
    texts = ["".join(c.content for c in t.children or []) for t in tokens if t.type == "inline"]
    assert "一、 " + printable(doc.speeches[0].sections[0].title) in texts
    assert "一、 总体\\x1b[2J要求\\u202e\\x9b" in texts
    assert any("正文\\x1b]0;title\\x07" in t for t in texts)


def test_html_writes_controls_as_references() -> None:
    """The page holds the same characters (its offsets count them), the
    file no C0 control raw; C1 controls stay, since HTML reads a reference
    to one as a Windows-1252 character."""
    doc = parse(EVIL.replace("要求", "要求\u202e"))
    page = render(doc, "html")
    assert _raw_controls(page) == [] and "\u202e" not in page
    assert "&#x1b;[2J" in page and "&#x1b;]0;title&#x7;" in page
    assert "总体&#x1b;[2J要求&#x202e;" in page  # a browser reads U+001B back (HTML 13.2.5.80)
    c1 = render(parse(EVIL.replace("要求", "要求\x9b")), "html")
    assert _raw_controls(c1, allowed="\n\x9b") == [] and "\x9b" in c1


def test_parse_markdown_and_html_to_a_terminal_hold_no_raw_controls(tmp_path: Path) -> None:
    f = tmp_path / "evil.txt"
    f.write_text(EVIL, encoding="utf-8")
    for fmt in ("markdown", "html", "tree", "json", "yaml"):
        r = CliRunner().invoke(main, ["parse", str(f), "-f", fmt, "--with-text"])
        assert r.exit_code == 0 and _raw_controls(r.stdout) == [], fmt


def test_json_outputs_escape_c1_controls(tmp_path: Path) -> None:
    """orjson writes U+0080–U+009F raw (JSON only requires C0 escaped), and
    some terminals obey U+009B as CSI: every JSON output escapes them."""
    from speechtree import Document

    text = EVIL.replace("要求", "要求\x9b2J·\x85")
    doc = parse(text)
    out = doc.to_json()
    assert _raw_controls(out) == [] and "\\u009b2J·" in out
    assert Document.from_json(out) == doc
    assert Document.from_json(doc.to_json_bytes(indent=False)) == doc
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(text, encoding="utf-8")
    b.write_text(text.replace("（一）甲", "（一）乙\x9b"), encoding="utf-8")
    for args in (["diff", str(a), str(b), "--format", "json"],
                 ["lint", str(b), "--format", "json"], ["lint", str(b), "--format", "sarif"]):
        r = CliRunner().invoke(main, args)
        assert _raw_controls(r.stdout) == [], args
    r = CliRunner().invoke(main, ["diff", str(a), str(b), "--format", "json"])
    assert "\\u009b" in r.stdout
