"""Views: the markdown, tree and html renderers and their CLI options."""

from __future__ import annotations

import io
import re
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import speechtree
from speechtree.cli import main
from speechtree.models import Document, Node
from speechtree.render import RENDERERS, render
from speechtree.render.markdown import escape

# A small report with what the views must survive: Markdown and HTML
# metacharacters in titles and bodies, a body line that opens a Markdown
# block, characters outside the BMP (two UTF-16 units each), CRLF line ends.
SPEECH = (
    "政府工作报告\r\n"
    "——在市人民代表大会上\r\n"
    "\r\n"
    "各位代表：\r\n"
    "现在，我代表市人民政府，向大会报告工作。\r\n"
    "\r\n"
    "一、过去一年的工作\r\n"
    "过去一年是不平凡的一年。\r\n"
    "> 引用符号开头_下划线_的一行。\r\n"
    "（一）经济*运行*稳中向好。生产总值增长5.2%。\r\n"
    "（二）科技创新取得<突破>&进展。𠀋字🎉测试。\r\n"
    "二、今年的主要任务\r\n"
    "（一）推进[产业](体系)建设。我们要加快发展。\r\n"
    "1.推动产业链升级。内容。\r\n"
    "2.培育新兴产业。内容。\r\n"
)

# The outline a reader sees in SPEECH: (depth, marker, title, line).
OUTLINE = [
    (1, "一、", "过去一年的工作", 7),
    (2, "（一）", "经济*运行*稳中向好", 10),
    (2, "（二）", "科技创新取得<突破>&进展", 11),
    (1, "二、", "今年的主要任务", 12),
    (2, "（一）", "推进[产业](体系)建设", 13),
    (3, "1.", "推动产业链升级", 14),
    (3, "2.", "培育新兴产业", 15),
]


@pytest.fixture(scope="module")
def doc() -> Document:
    d = speechtree.parse(SPEECH)
    # The views are tested, not the parser: make sure the input parses as
    # the fixtures below assume, so a parser change fails here, readably.
    got = [(len(p) - 1, n.marker, n.title, n.span.line) for p, n in d.walk()]
    assert got == OUTLINE
    return d


def nodes(doc: Document) -> list[tuple[tuple[int, ...], Node]]:
    return list(doc.walk())


def test_views_are_registered() -> None:
    assert {"markdown", "tree", "html"} <= set(RENDERERS)


# --------------------------------------------------------------------- markdown


def _md_items(md: str) -> list[tuple[int, str, list[str]]]:
    """(list depth, item heading text, body paragraphs) for every list item,
    read back with a CommonMark parser."""
    tokens = MarkdownIt("commonmark").parse(md)
    items: list[tuple[int, str, list[str]]] = []
    open_items: list[int] = []  # indexes into items
    depth = 0
    in_heading_para = False
    for tok in tokens:
        if tok.type == "bullet_list_open":
            depth += 1
        elif tok.type == "bullet_list_close":
            depth -= 1
        elif tok.type == "list_item_open":
            items.append((depth, "", []))
            open_items.append(len(items) - 1)
            in_heading_para = True
        elif tok.type == "list_item_close":
            open_items.pop()
        elif tok.type == "inline" and open_items:
            text = _inline_text(tok)
            d, _, body = items[open_items[-1]]
            if in_heading_para:
                items[open_items[-1]] = (d, text, body)
                in_heading_para = False
            else:
                body.append(text)
    return items


def _inline_text(tok: Token) -> str:
    # Any emphasis, link or HTML token would mean a title was not escaped.
    kinds = {c.type for c in tok.children or []}
    assert kinds <= {"text", "strong_open", "strong_close", "softbreak"}, kinds
    return "".join(c.content for c in tok.children or [])


def test_markdown_fixture(doc: Document) -> None:
    md = render(doc, "markdown")
    assert md == (
        "# 政府工作报告\n"
        "\n"
        "- **一、** 过去一年的工作\n"
        "  - **（一）** 经济\\*运行\\*稳中向好\n"
        "  - **（二）** 科技创新取得\\<突破\\>&进展\n"
        "- **二、** 今年的主要任务\n"
        "  - **（一）** 推进\\[产业\\](体系)建设\n"
        "    - **1.** 推动产业链升级\n"
        "    - **2.** 培育新兴产业\n"
    )


def test_markdown_nesting_and_titles_read_back(doc: Document) -> None:
    items = _md_items(render(doc, "markdown"))
    assert items == [(d, f"{m} {t}", []) for d, m, t, _ in OUTLINE]


def test_markdown_speech_is_a_heading(doc: Document) -> None:
    tokens = MarkdownIt("commonmark").parse(render(doc, "markdown"))
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h1"
    ]
    assert headings == ["政府工作报告"]


def test_markdown_with_text_puts_bodies_in_their_items(doc: Document) -> None:
    items = _md_items(render(doc, "markdown", with_text=True))
    assert [(d, h) for d, h, _ in items] == [(d, f"{m} {t}") for d, m, t, _ in OUTLINE]
    for (_, _, body), (_, node) in zip(items, nodes(doc), strict=True):
        assert body == [line.strip() for line in node.text.splitlines() if line.strip()]
    # The line that starts with ">" stayed a paragraph, not a block quote.
    assert items[0][2][1] == "> 引用符号开头_下划线_的一行。"


def test_markdown_with_text_keeps_the_preamble(doc: Document) -> None:
    md = render(doc, "markdown", with_text=True)
    head = md.split("- **一、**")[0]
    assert "——在市人民代表大会上" in head and "各位代表：" in head
    assert "——在市人民代表大会上" not in render(doc, "markdown")


@pytest.mark.parametrize(
    "text", ["a*b*c", "[x](y)", "<b>&amp;", "`code`", "x_y_z", "a|b~c#", "back\\slash"]
)
def test_markdown_escape_reads_back_literally(text: str) -> None:
    tokens = MarkdownIt("commonmark").parse(escape(text))
    assert [c.type for c in tokens[1].children or []] == ["text"]
    assert (tokens[1].children or [])[0].content == text


def _literal_text(tokens: list[Token]) -> str:
    """The text of the first inline token, with every child literal text."""
    inline = next(t for t in tokens if t.type == "inline")
    kids = inline.children or []
    assert [c.type for c in kids] == ["text"] * len(kids), kids
    return "".join(c.content for c in kids)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.text(alphabet="&#;amp38xR D*_`[]<>|~\\一、", min_size=1, max_size=20))
def test_markdown_escape_reads_back_literally_in_headings_and_items(text: str) -> None:
    want = " ".join(text.split())
    if not want:
        return
    md = MarkdownIt("commonmark")
    for wrap in ("{}", "## {}", "- {}"):
        tokens = md.parse(wrap.format(escape(text)))
        assert _literal_text(tokens) == want, wrap


def test_markdown_leaves_plain_ampersands_and_hashes_alone() -> None:
    assert escape("R&D 投入") == "R&D 投入"
    assert escape("C# 与 F#") == "C# 与 F#"
    assert escape("&amp; #1") == "\\&amp; \\#1"


# ------------------------------------------------------------------------- tree

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_tree_plain_fixture(doc: Document) -> None:
    assert render(doc, "tree", color=False) == (
        " 1 政府工作报告\n"
        " 7 ├─ 一、过去一年的工作\n"
        "10 │  ├─ （一）经济*运行*稳中向好\n"
        "11 │  └─ （二）科技创新取得<突破>&进展\n"
        "12 └─ 二、今年的主要任务\n"
        "13    └─ （一）推进[产业](体系)建设\n"
        "14       ├─ 1.推动产业链升级\n"
        "15       └─ 2.培育新兴产业\n"
    )


def test_tree_rows_follow_the_outline(doc: Document) -> None:
    rows = render(doc, "tree", color=False).splitlines()[1:]
    assert len(rows) == len(OUTLINE)
    for row, (depth, marker, title, line) in zip(rows, OUTLINE, strict=True):
        number, rest = row.split(" ", 1) if row[0] != " " else row[1:].split(" ", 1)
        assert int(number) == line
        # Three columns of guide per level, then the marker and the title.
        assert rest[3 * depth :] == marker + title
        assert set(rest[: 3 * depth]) <= set("├└│─ ")


def test_tree_colour_differs_by_level(doc: Document) -> None:
    out = render(doc, "tree", color=True)
    assert _ANSI.sub("", out) == render(doc, "tree", color=False)
    codes: dict[int, set[str]] = defaultdict(set)
    for depth, marker, _, _ in OUTLINE:
        m = re.search(r"(\x1b\[[0-9;]*m)" + re.escape(marker), out)
        assert m, marker
        codes[depth].add(m.group(1))
    assert all(len(c) == 1 for c in codes.values())  # one colour per level
    assert len({c.pop() for c in codes.values()}) == 3  # and the levels differ


def test_tree_colour_auto(doc: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert "\x1b[" not in render(doc, "tree")
    monkeypatch.setattr(sys, "stdout", Tty())
    assert "\x1b[" in render(doc, "tree")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in render(doc, "tree")
    assert "\x1b[" in render(doc, "tree", color=True)  # an explicit flag wins


def test_tree_with_text_hangs_bodies_without_line_numbers(doc: Document) -> None:
    rows = render(doc, "tree", color=False, with_text=True).splitlines()
    body_rows = [r for r in rows if not r[:2].strip()]
    expected = [
        line.strip() for _, n in nodes(doc) for line in n.text.splitlines() if line.strip()
    ]
    assert [r[3:].lstrip(" │") for r in body_rows] == expected
    assert rows[rows.index(" 7 ├─ 一、过去一年的工作") + 1].startswith("   │  │  过去一年")


def test_tree_no_outline() -> None:
    assert render(speechtree.parse("没有任何编号的一段话。"), "tree", color=False).strip()


# ------------------------------------------------------------------------- html


class Page(HTMLParser):
    """Reads back what the html view shows: outline labels, the text pane and
    which text each target covers."""

    VOID: ClassVar[frozenset[str]] = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.labels: dict[str, str] = {}
        self.label_order: list[str] = []
        self.src: list[str] = []
        self.covered: dict[str, list[str]] = defaultdict(list)
        self.rows: list[str] = []
        self.anchors: set[str] = set()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.notice = False
        # A browser turns CR and CRLF into LF before parsing; do the same so a
        # raw CR in the page fails here as it would there.
        self.feed(re.sub(r"\r\n?", "\n", page))
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "a" and "anchor" in a.get("class", ""):
            self.anchors.add(a["id"])
        if tag == "span" and a.get("class") == "row":
            self.rows.append(a["id"])
        if tag == "a" and "data-id" in a:
            self.labels[a["data-id"]] = ""
            self.label_order.append(a["data-id"])
        if tag == "p" and a.get("class") == "notice":
            self.notice = True
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack[-3:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        classes = [a.get("class", "") for _, a in self.stack]
        if "src" in classes:
            self.src.append(data)
            for _, a in reversed(self.stack):
                if "data-cover" in a:
                    for tid in a["data-cover"].split():
                        self.covered[tid].append(data)
                    break
        for _, a in self.stack:
            if "data-id" in a:
                self.labels[a["data-id"]] += data


def test_html_outline_shows_every_node(doc: Document) -> None:
    page = Page(render(doc, "html"))
    node_ids = [i for i in page.label_order if i.startswith("n")]
    assert node_ids == [f"n{k}" for k in range(len(OUTLINE))]
    for k, (_, marker, title, line) in enumerate(OUTLINE):
        assert page.labels[f"n{k}"] == f"{marker}{title}{line}"
    assert page.labels["s0"] == "政府工作报告1"


def test_html_nesting_follows_the_tree(doc: Document) -> None:
    page = render(doc, "html")
    # Depth of each node label = number of enclosing <ul>s inside the outline.
    depths = []
    level = 0
    for tok in re.finditer(r'<(/?)ul\b|data-id="(n\d+)"', page.split('<main id="text">')[0]):
        if tok.group(2):
            depths.append(level)
        else:
            level += -1 if tok.group(1) else 1
    # Speech list is depth 1 and its sections depth 2.
    assert depths == [d + 1 for d, _, _, _ in OUTLINE]


def test_html_text_pane_is_the_original_exactly(doc: Document) -> None:
    page = Page(render(doc, "html"))
    assert "".join(page.src) == SPEECH
    assert page.rows == [f"L{i}" for i in range(1, SPEECH.count("\n") + 1)]


def test_html_each_node_covers_its_span(doc: Document) -> None:
    page = Page(render(doc, "html"))
    for k, (_, node) in enumerate(nodes(doc)):
        assert "".join(page.covered[f"n{k}"]) == SPEECH[node.span.start : node.span.end]
        assert f"t-n{k}" in page.anchors
    title_block = doc.speeches[0].preamble[0]
    assert "".join(page.covered["s0"]) == SPEECH[title_block.span.start : title_block.span.end]


def test_html_is_self_contained(doc: Document) -> None:
    page = render(doc, "html")
    parsed = Page(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        assert tag != "link"
        assert not attrs.get("href", "#").lstrip().lower().startswith(("http", "//", "data:"))
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_html_escapes_everything() -> None:
    evil = (
        '一、<script>alert(1)</script>"标题"\n内容</textarea>&amp;\n'
        "二、<img src=x onerror=alert(2)>\n"
    )
    d = speechtree.parse(evil)
    page = render(d, "html")
    assert page.count("<script") == 1  # only the page's own script
    assert "<img" not in page
    parsed = Page(page)
    assert "".join(parsed.src) == evil
    assert [t for t, _ in parsed.tags].count("script") == 1


def test_html_without_original_text_shows_a_notice(doc: Document) -> None:
    loaded = Document.from_json(doc.to_json())
    assert loaded.original_text is None
    parsed = Page(render(loaded, "html"))
    assert parsed.notice and not parsed.src
    assert [i for i in parsed.label_order if i.startswith("n")] == [
        f"n{k}" for k in range(len(OUTLINE))
    ]


def test_html_on_the_corpus(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.txt")):
        d = speechtree.parse_file(path)
        text = d.original_text
        assert text is not None
        parsed = Page(render(d, "html"))
        assert "".join(parsed.src) == text.replace("\0", "\ufffd"), path.name
        for k, (_, node) in enumerate(d.walk()):
            got = "".join(parsed.covered[f"n{k}"])
            assert got == text[node.span.start : node.span.end], (path.name, k)


# -------------------------------------------------------------------------- CLI


@pytest.fixture()
def speech_file(tmp_path: Path) -> Path:
    p = tmp_path / "speech.txt"
    p.write_bytes(SPEECH.encode("utf-8"))
    return p


def test_cli_markdown_with_text(speech_file: Path, doc: Document) -> None:
    res = CliRunner().invoke(main, ["parse", str(speech_file), "-f", "markdown", "--with-text"])
    assert res.exit_code == 0, res.output
    assert res.stdout == render(doc, "markdown", with_text=True)
    res = CliRunner().invoke(main, ["parse", str(speech_file), "-f", "markdown"])
    assert res.stdout == render(doc, "markdown")


def test_cli_tree_colour_flags(speech_file: Path, doc: Document) -> None:
    runner = CliRunner()
    plain = runner.invoke(main, ["parse", str(speech_file), "-f", "tree"], env={"NO_COLOR": ""})
    assert plain.exit_code == 0 and plain.stdout == render(doc, "tree", color=False)
    forced = runner.invoke(main, ["parse", str(speech_file), "-f", "tree", "--color"])
    assert forced.stdout == render(doc, "tree", color=True)
    assert "\x1b[" in forced.stdout
    off = runner.invoke(main, ["parse", str(speech_file), "-f", "tree", "--no-color"],
                        env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in off.stdout


def test_cli_html_to_file(speech_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "outline.html"
    res = CliRunner().invoke(main, ["parse", str(speech_file), "-f", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    parsed = Page(out.read_text(encoding="utf-8"))
    assert "".join(parsed.src) == SPEECH
