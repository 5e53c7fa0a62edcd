"""Renderer: the outline as nested Markdown (speeches as headings, nodes as list items)."""

from __future__ import annotations

from typing import Any

import regex

from ..models import Block, Document, Node, Speech
from ..printable import printable
from .names import speech_name

# Characters that start inline constructs in CommonMark (emphasis, links, raw
# HTML, code, tables/strikethrough in common extensions); ``&`` only where it
# would begin an entity (&amp; &#38;), ``#`` only at the start or after a space
# (an ATX heading, or its closing hashes). Escaping only these keeps ordinary
# prose such as "3.5%" or "R&D" readable.
_INLINE_SPECIAL = regex.compile(
    r"([\\`*_\[\]<>|~]|&(?=#|[A-Za-z][A-Za-z0-9]*;)|(?:^|(?<=[ \t]))#)"
)
# A line that would open a block construct (heading, quote, list, fence,
# thematic break) if it stood at the start of a paragraph.
_BLOCK_START = regex.compile(r"^([ \t]*)([#>+\-=]|\d{1,9}(?=[.)]))")
_INDENT = "  "


def escape(text: str) -> str:
    """Escape ``text`` so CommonMark shows it literally on one line. Control
    characters are shown as in the terminal views (``\\x1b``): Markdown has no
    form that renders them (renderers turn a reference to one into U+FFFD),
    and the file is often printed to a terminal."""
    return _INLINE_SPECIAL.sub(r"\\\1", printable(" ".join(text.split())))


def _escape_line(line: str) -> str:
    out = _INLINE_SPECIAL.sub(r"\\\1", printable(line.strip()))
    m = _BLOCK_START.match(out)
    if m:
        # Escape the opener itself; for "1." the dot is what makes it a list.
        lead, opener = m.group(1), m.group(2)
        rest = out[m.end() :]
        if opener[0].isdigit():
            return f"{lead}{opener}\\{rest}"
        return f"{lead}\\{opener}{rest}"
    return out


def _paragraphs(text: str) -> list[str]:
    """Each non-empty source line becomes its own Markdown paragraph, so the
    line structure of the speech survives (Markdown would otherwise join them)."""
    return [_escape_line(line) for line in text.splitlines() if line.strip()]


def _speech_heading(sp: Speech, index: int) -> str:
    return escape(speech_name(sp, index))


def _node_lines(node: Node, depth: int, with_text: bool) -> list[str]:
    pad = _INDENT * depth
    marker = escape(node.marker)
    # The marker is bold so "1." after the bullet cannot open a nested list.
    head = f"**{marker}**" if marker else ""
    title = escape(node.title)
    lines = [f"{pad}- {head}{' ' if head and title else ''}{title}".rstrip()]
    if with_text:
        for para in _paragraphs(node.text):
            lines += ["", f"{pad}{_INDENT}{para}"]
        if node.children and _paragraphs(node.text):
            lines.append("")
    for child in node.children:
        lines += _node_lines(child, depth + 1, with_text)
    return lines


def _blocks(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind in ("label", "title"):
            continue  # already in the heading
        for para in _paragraphs(b.text):
            out += [para, ""]
    return out


def render_markdown(doc: Document, *, with_text: bool = False, **_: Any) -> str:
    """The outline as Markdown: ``# title`` per speech, then a nested list of
    ``- **marker** title`` items; ``with_text`` adds each node's body (and the
    preamble) as paragraphs inside its item."""
    out: list[str] = []
    if with_text and doc.unplaced:
        out += _blocks(doc.unplaced)
    for i, sp in enumerate(doc.speeches):
        out += [f"# {_speech_heading(sp, i)}", ""]
        if with_text:
            out += _blocks(sp.preamble)
        for node in sp.sections:
            out += _node_lines(node, 0, with_text)
        if sp.sections:
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""
