"""Check stage: verify that an outline is lossless against the text it was parsed from.

The nothing-lost contract. The *pieces* of a Document are every Block (in
``unplaced`` and in each speech's ``preamble``) and, for every node, its
marker ``original[span.start:title_span.start]``, its title region
``original[title_span.start:title_span.end]`` and its body
``original[title_span.end:span.end]``. Sorted by start, the pieces do not
overlap and together hold every non-blank character of the original exactly
once, in order; each string field says what its span holds (modulo the
whitespace it strips, the page furniture of a text from pages — page numbers,
running headers — and, for titles, line breaks and edge punctuation); every
``line``/``end_line`` is the 1-based line of the span's first/last character.

``verify_lossless`` returns the broken promises as readable strings (empty when
the outline keeps them all), so tests, the fuzz harness and users can run it.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from .models import Block, Document, Node, Span
from .whitespace import WHITESPACE, char_class

#: Characters that carry no text: whitespace, and the invisible format
#: characters the normaliser drops (zero-width space/joiners, word joiner,
#: BOM, soft hyphen). A piece may leave these out.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

#: Line breaks, as the normaliser reads them (CRLF, lone CR, LF).
_BREAK = regex.compile(r"\r\n?|\n")

#: How many problems of one kind are worth listing before the rest is noise.
_MAX_PER_KIND = 5


_BLANK_CHARS = WHITESPACE + "".join(sorted(ZERO_WIDTH))
_ALL_BLANKS = regex.compile(char_class("".join(sorted(ZERO_WIDTH))) + "+")


def strip_blank(text: str) -> str:
    """``text`` without blanks (whitespace, zero-width characters) at its edges.
    (str.strip: a ``blanks$`` pattern retried from every blank of a long run
    inside the text was quadratic.)"""
    return text.strip(_BLANK_CHARS)


def is_blank(ch: str) -> bool:
    """True for a character an outline may leave out (whitespace, zero-width)."""
    return ch in WHITESPACE or ch in ZERO_WIDTH


def _is_edge(ch: str) -> bool:
    """Characters a title may trim from its edges: punctuation and blanks."""
    return is_blank(ch) or unicodedata.category(ch).startswith("P")


@dataclass(frozen=True)
class Piece:
    """One owned stretch of the original: ``[start, end)`` and who owns it."""

    start: int
    end: int
    owner: str


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def pieces(doc: Document) -> Iterator[Piece]:
    """Every owned piece of ``doc`` in model order (not necessarily by offset)."""
    for i, b in enumerate(doc.unplaced):
        yield Piece(b.span.start, b.span.end, f"unplaced[{i}]")
    for si, sp in enumerate(doc.speeches):
        for i, b in enumerate(sp.preamble):
            yield Piece(b.span.start, b.span.end, f"speeches[{si}].preamble[{i}]")
    for path, n in doc.walk():
        name = "node" + "".join(f"[{p}]" for p in path)
        yield Piece(n.span.start, n.title_span.start, f"{name}.marker")
        yield Piece(n.title_span.start, n.title_span.end, f"{name}.title")
        yield Piece(n.title_span.end, n.span.end, f"{name}.body")


def _snippet(text: str, a: int, width: int = 12) -> str:
    return repr(text[max(0, a - width) : a + width])


def _same_text(value: str, raw: str | None) -> bool:
    return raw is not None and (
        value in raw or _ALL_BLANKS.sub("", value) == _ALL_BLANKS.sub("", raw)
    )


def _same_title(value: str, raw: str | None) -> bool:
    if raw is None:
        return False
    # Which blanks go with a removed line break is the parser's choice:
    # compare with all blanks removed, then check the edges and breaks.
    joined = _ALL_BLANKS.sub("", raw)
    bare = _ALL_BLANKS.sub("", value)
    at = joined.find(bare) if bare else 0
    return at >= 0 and all(_is_edge(c) for c in joined[:at] + joined[at + len(bare) :])


class _Checker:
    def __init__(self, doc: Document, original: str) -> None:
        self.doc = doc
        self.original = original
        self._furniture: tuple[tuple[int, int], ...] | None = None
        self.lines = _Lines(original)
        self.problems: list[str] = []
        self._counts: dict[str, int] = {}

    def report(self, kind: str, message: str) -> None:
        n = self._counts.get(kind, 0) + 1
        self._counts[kind] = n
        if n <= _MAX_PER_KIND:
            self.problems.append(f"{kind}: {message}")
        elif n == _MAX_PER_KIND + 1:
            self.problems.append(f"{kind}: (further problems of this kind not listed)")

    # -- spans ----------------------------------------------------------------

    def span(self, where: str, s: Span) -> bool:
        n = len(self.original)
        if not 0 <= s.start <= s.end <= n:
            self.report("span", f"{where} [{s.start}, {s.end}) is outside 0..{n}")
            return False
        line = self.lines.of(s.start)
        end_line = self.lines.of(max(s.start, s.end - 1))
        if (s.line, s.end_line) != (line, end_line):
            self.report(
                "line",
                f"{where} [{s.start}, {s.end}) says lines {s.line}-{s.end_line}, "
                f"offsets are on lines {line}-{end_line}",
            )
        return True

    def _furniture_out(self, a: int, b: int) -> str | None:
        """``original[a:b]`` without the page furniture inside it (a page
        number, a running header: a parse leaves them out of titles and
        bodies), or None when there is none there."""
        if self._furniture is None:
            from .parser import furniture_spans  # (the parser imports this module)

            self._furniture = furniture_spans(self.original)
        if not any(fa < b and a < fb for fa, fb in self._furniture):
            return None
        from .parser import cut_out

        return cut_out(self.original, a, b, self._furniture)

    def field(self, where: str, value: str, a: int, b: int) -> None:
        """``value`` must be ``original[a:b]`` up to blanks: the same other
        characters in the same order."""
        raw = self.original[a:b]
        # Cleaned text (speechtree.clean) may drop or unify blanks inside
        # (a lone CR read as a line break), never anything else.
        if not _same_text(value, raw) and not _same_text(value, self._furniture_out(a, b)):
            self.report("text", f"{where} is {value[:40]!r}, its span holds {raw[:40]!r}")

    def title(self, where: str, value: str, a: int, b: int) -> None:
        """A title is its region with line breaks (and the blanks around them)
        removed, less punctuation and blanks at its edges."""
        raw = self.original[a:b]
        if not _same_title(value, raw) and not _same_title(value, self._furniture_out(a, b)):
            self.report("title", f"{where} is {value[:40]!r}, its title_span holds {raw[:40]!r}")
        elif value and (value[0].isspace() or value[-1].isspace()):
            self.report("title", f"{where} {value[:40]!r} has blanks at an edge")
        elif "\n" in value or "\r" in value:
            self.report("title", f"{where} {value[:40]!r} keeps a line break")

    # -- the whole document -----------------------------------------------------

    def block(self, where: str, b: Block) -> None:
        if self.span(where, b.span):
            self.field(f"{where}.text", b.text, b.span.start, b.span.end)

    def node(self, where: str, n: Node, parent_level: int | None) -> None:
        s, t = n.span, n.title_span
        ok = self.span(f"{where}.span", s) & self.span(f"{where}.title_span", t)
        if ok and not s.start <= t.start <= t.end <= s.end:
            self.report(
                "span",
                f"{where}: title_span [{t.start}, {t.end}) is not inside span [{s.start}, {s.end})",
            )
            ok = False
        if ok:
            self.field(f"{where}.marker", n.marker, s.start, t.start)
            if not n.marker.strip():
                self.report("text", f"{where}.marker is empty")
            self.title(f"{where}.title", n.title, t.start, t.end)
            self.field(f"{where}.text", n.text, t.end, s.end)
        if parent_level is not None and n.level != parent_level + 1:
            self.report("level", f"{where} has level {n.level} under a level {parent_level} node")

    def walk(self) -> None:
        for i, b in enumerate(self.doc.unplaced):
            self.block(f"unplaced[{i}]", b)
        for si, sp in enumerate(self.doc.speeches):
            self.span(f"speeches[{si}].span", sp.span)
            for i, b in enumerate(sp.preamble):
                self.block(f"speeches[{si}].preamble[{i}]", b)
            stack: list[tuple[str, Node, int | None]] = [
                (f"speeches[{si}].sections[{i}]", n, None)
                for i, n in reversed(list(enumerate(sp.sections)))
            ]
            while stack:
                where, n, parent_level = stack.pop()
                self.node(where, n, parent_level)
                stack.extend(
                    (f"{where}.children[{j}]", c, n.level)
                    for j, c in reversed(list(enumerate(n.children)))
                )

    def coverage(self) -> None:
        text = self.original
        ordered = sorted(pieces(self.doc), key=lambda p: (p.start, p.end))
        pos = 0
        prev: Piece | None = None
        for p in ordered:
            if p.end < p.start:
                continue  # already reported as a bad span
            if p.start < pos and prev is not None:
                self.report(
                    "overlap",
                    f"{p.owner} [{p.start}, {p.end}) overlaps {prev.owner} "
                    f"[{prev.start}, {prev.end}) at {_snippet(text, p.start)}",
                )
            else:
                self._gap(pos, p.start)
            if p.end > pos:
                pos, prev = p.end, p
        self._gap(pos, len(text))

    def _gap(self, a: int, b: int) -> None:
        for i in range(a, min(b, len(self.original))):
            if not is_blank(self.original[i]):
                self.report(
                    "lost",
                    f"character {self.original[i]!r} at offset {i} (line {self.lines.of(i)}) "
                    f"is in no piece: {_snippet(self.original, i)}",
                )
                return

    def speeches(self) -> None:
        """Speeches follow each other, after the unplaced blocks, and each holds
        its own preamble and nodes."""
        prev_end = max((b.span.end for b in self.doc.unplaced), default=0)
        for si, sp in enumerate(self.doc.speeches):
            if sp.span.start < prev_end:
                self.report("speech", f"speeches[{si}] starts before the text before it ends")
            prev_end = max(prev_end, sp.span.end)
            inside: list[tuple[str, Span]] = [
                (f"preamble[{i}]", b.span) for i, b in enumerate(sp.preamble)
            ]
            stack = list(sp.sections)
            while stack:
                n = stack.pop()
                stack.extend(n.children)
                inside.append((f"node {n.marker!r}", n.span))
            for what, s in inside:
                if not sp.span.start <= s.start <= s.end <= sp.span.end:
                    self.report(
                        "speech",
                        f"speeches[{si}].{what} [{s.start}, {s.end}) is outside the speech "
                        f"[{sp.span.start}, {sp.span.end})",
                    )


def verify_lossless(doc: Document, original: str | None = None) -> list[str]:
    """The ways ``doc`` breaks the nothing-lost contract; empty when it keeps it.

    ``original`` defaults to ``doc.original_text``; pass it for a Document
    loaded from JSON, which does not carry its text.
    """
    text = original if original is not None else doc.original_text
    if text is None:
        raise ValueError("verify_lossless needs the original text (doc.original_text is None)")
    if doc.source.length != len(text):
        return [f"source: length {doc.source.length} but the text has {len(text)} characters"]
    checker = _Checker(doc, text)
    checker.walk()
    checker.speeches()
    checker.coverage()
    return checker.problems


def assert_lossless(doc: Document, original: str | None = None) -> None:
    """Raise AssertionError listing the problems when ``doc`` is not lossless."""
    problems = verify_lossless(doc, original)
    if problems:
        raise AssertionError("outline is not lossless:\n  " + "\n  ".join(problems))
