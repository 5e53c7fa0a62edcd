"""Renderer: an indented terminal tree with line numbers, coloured by level (rich)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.text import Text

from ..models import Document, Node
from ..printable import printable
from . import use_color
from .names import speech_name

# One colour per outline level, cycling for deep trees; standard ANSI colours
# so they survive any terminal and any colour theme.
LEVEL_STYLES: tuple[str, ...] = ("bold magenta", "cyan", "green", "yellow", "blue", "red")
_GUIDE_STYLE = "bright_black"
_LINE_STYLE = "dim"
_TEXT_STYLE = "dim italic"

_BRANCH, _LAST, _PIPE, _SPACE = "├─ ", "└─ ", "│  ", "   "


def level_style(level: int) -> str:
    return LEVEL_STYLES[(level - 1) % len(LEVEL_STYLES)]


class _Lines:
    """Collects the rendered rows; the gutter width is known only at the end."""

    def __init__(self, with_text: bool) -> None:
        self.rows: list[tuple[int | None, Text]] = []
        self.with_text = with_text

    def node(self, node: Node, prefix: str, last: bool) -> None:
        style = level_style(node.level)
        row = Text()
        row.append(prefix + (_LAST if last else _BRANCH), style=_GUIDE_STYLE)
        row.append(printable(node.marker), style=f"bold {style}")
        row.append(printable(node.title), style=style)
        self.rows.append((node.span.line, row))
        inner = prefix + (_SPACE if last else _PIPE)
        if self.with_text:
            # Body lines hang under the title, behind the guide of the children.
            guide = inner + (_PIPE if node.children else _SPACE)
            for line in node.text.splitlines():
                if line.strip():
                    text_row = Text()
                    text_row.append(guide, style=_GUIDE_STYLE)
                    text_row.append(printable(line.strip()), style=_TEXT_STYLE)
                    self.rows.append((None, text_row))
        for i, child in enumerate(node.children):
            self.node(child, inner, i == len(node.children) - 1)

    def lines(self) -> list[Text]:
        width = max((len(str(n)) for n, _ in self.rows if n is not None), default=1)
        out = []
        for n, row in self.rows:
            gutter = Text()
            gutter.append(f"{'' if n is None else n:>{width}} ", style=_LINE_STYLE)
            out.append(gutter + row)
        return out


def render_tree(
    doc: Document, *, with_text: bool = False, color: bool | None = None, **_: Any
) -> str:
    """One row per node: ``line  guides marker title``; speeches are roots.
    ``color`` True/False forces ANSI colour on or off, None decides by whether
    standard output is a terminal."""
    rows = _Lines(with_text)
    for si, sp in enumerate(doc.speeches):
        head = Text()
        head.append(printable(speech_name(sp, si)), style="bold")
        rows.rows.append((sp.span.line, head))
        for i, node in enumerate(sp.sections):
            rows.node(node, "", i == len(sp.sections) - 1)
    lines = rows.lines()
    if not lines:
        return "(no outline found)\n"
    if not use_color(color):
        return "".join(line.plain.rstrip() + "\n" for line in lines)
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, no_color=False, color_system="standard",
                      highlight=False, markup=False, emoji=False, width=10_000)
    for line in lines:
        # soft_wrap: never wrap or crop; the terminal wraps long titles itself.
        console.print(line, soft_wrap=True)
    return buf.getvalue()
