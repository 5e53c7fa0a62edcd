"""Lint stage: numbering checks over a parsed outline, as GB/T 9704-2012 and common practice expect.

Rules are an ordered, named table (``RULES``), each with a stable code; every
rule is a function of one explicit ``LintState`` and yields findings at
character offsets into the original text, which become ``Diagnostic``s with
1-based line and column. ``select``/``ignore`` take codes or code prefixes,
as ruff does.

Most rules read the tree (``Node.marker`` as written, ``Node.span``). The
marker-form rules (ST302, ST303, ST306) also read the raw text at line starts:
a non-standard form the marker grammar does not take (``一，``, ``一）``)
never reaches the tree, and these rules must not depend on which forms the
grammar happens to accept.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex
from pydantic import BaseModel, ConfigDict

from .conventions import RULE_NAMES
from .models import Document, Node
from .normalize import lookalike_of
from .offsets import line_starts
from .printable import printable
from .speeches import is_annex
from .styles import DEFAULT_TABLE, STYLES, StyleTable


class Diagnostic(BaseModel):
    """One problem found by lint, at a 1-based line and column of one file."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # (built when lint reports)

    file: str
    line: int
    col: int
    code: str
    message: str
    name: str = ""  # the rule's name (skipped-ordinal, …), as warnings carry it

    def format(self) -> str:
        """The ruff/flake8 form: ``file:line:col: CODE message``."""
        # (printable: a message may quote the text, and this form goes to terminals)
        return printable(f"{self.file}:{self.line}:{self.col}: {self.code} {self.message}")


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a character offset into the original text and a message."""

    offset: int
    message: str


@dataclass(frozen=True)
class Sibling:
    """A node with the parent it hangs under (None for a speech's top level)."""

    node: Node
    parent: Node | None
    speech: int


@dataclass(frozen=True)
class Series:
    """The nodes of one style family directly under one parent, in order."""

    family: str
    nodes: tuple[Node, ...]


#: Styles numbered through a whole speech rather than restarting under each
#: parent: 第一条 … 第七条 run on across 第一章, 第二章 (legislative practice).
RUNNING_STYLES = frozenset(s.name for s in STYLES if s.running)

#: The GB/T 9704-2012 7.3.3 ladder 一、 （一） 1. （1）, with ① below it as
#: common practice adds, by style family (so 1、 counts as 1.). Level skips are
#: judged on these only: the
#: 第X部分/章/节/条 styles have their own hierarchy (第一章 holds 第一条).
LADDER_FAMILIES = frozenset({"cn_dun", "paren_cn", "arabic_dot", "paren_arabic", "circled"})


class LintState:
    """What every rule reads: the document, its original text and derived views.

    Built once per document and passed to each rule; the derived views are
    computed on first use.
    """

    def __init__(self, doc: Document, text: str, table: StyleTable = DEFAULT_TABLE) -> None:
        self.doc = doc
        self.text = text
        self.table = table
        self._line_starts = line_starts(text)  # the parser's lines (CRLF, LF, lone CR)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of ``offset``."""
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    @functools.cached_property
    def nodes(self) -> list[Sibling]:
        """Every node in document order, with its parent."""
        out: list[Sibling] = []
        for si, speech in enumerate(self.doc.speeches):
            stack: list[tuple[Node, Node | None]] = [(n, None) for n in reversed(speech.sections)]
            while stack:
                node, parent = stack.pop()
                out.append(Sibling(node, parent, si))
                stack.extend((c, node) for c in reversed(node.children))
        return out

    @functools.cached_property
    def series(self) -> list[Series]:
        """Each parent's children grouped by style family (a speech's sections too)."""
        out: list[Series] = []

        def group(children: Sequence[Node]) -> None:
            by_family: dict[str, list[Node]] = {}
            for c in children:
                fam = self.family(c)
                run = by_family.get(fam)
                # Run-in lists (一是…二是…) start afresh in each paragraph; the
                # tree keeps them as siblings, but a new 一是 is a new series.
                # After an annex label (附件1), numbering starts from the top
                # again, as the tree builder reads it.
                if run and (
                    (c.kind == "item" and c.ordinal == 1) or self.annex_between(run[-1], c)
                ):
                    out.append(Series(fam, tuple(run)))
                    run = None
                if run is None:
                    run = by_family[fam] = []
                run.append(c)
            out.extend(Series(fam, tuple(ns)) for fam, ns in by_family.items())

        running = self.running
        for si, speech in enumerate(self.doc.speeches):
            group([c for c in speech.sections if not self.runs_through(si, c)])
        for s in self.nodes:
            if s.node.children:
                group([c for c in s.node.children if not self.runs_through(s.speech, c)])
        # A series that runs through the speech (articles across chapters,
        # paragraph numbers across sections) is one series, whatever holds
        # each member.
        for si, families in enumerate(running):
            for fam in sorted(families):
                run = [
                    s.node for s in self.nodes
                    if s.speech == si and self.runs_through(si, s.node)
                    and self.family(s.node) == fam
                ]
                if run:
                    out.append(Series(fam, tuple(run)))
        out.sort(key=lambda s: s.nodes[0].span.start)
        return out

    @functools.cached_property
    def running(self) -> list[frozenset[str]]:
        """For each speech, the style families whose headings are numbered
        through it rather than under each parent: those of a running style
        (第N条), and any whose count goes on from one parent to the next
        (4. opening （二） after 1.–3. under （一）), as the tree builder reads
        it from the document's own numbering."""
        out: list[set[str]] = [set() for _ in self.doc.speeches]
        last: dict[tuple[int, str], Sibling] = {}
        for s in self.nodes:
            node = s.node
            if not self.is_block_heading(node) or node.ordinal is None:
                continue
            fam = self.family(node)
            if node.style in RUNNING_STYLES:
                out[s.speech].add(fam)
            prev = last.get((s.speech, fam))
            if (
                prev is not None and prev.parent is not s.parent
                and prev.node.ordinal is not None and node.ordinal == prev.node.ordinal + 1
                # a new parent of the same family is a nested series, not a run
                and not (s.parent is not None and self.family(s.parent) == fam)
            ):
                out[s.speech].add(fam)
            last[(s.speech, fam)] = s
        return [frozenset(f) for f in out]

    def runs_through(self, speech: int, node: Node) -> bool:
        """Is ``node`` a member of a series numbered through its speech?"""
        return self.is_block_heading(node) and self.family(node) in self.running[speech]

    def annex_between(self, a: Node, b: Node) -> bool:
        """Is there an annex label line (附件1, 名词解释) between nodes ``a`` and ``b``?"""
        return any(
            is_annex("".join(line.split()))
            for line in self.text[a.title_span.end : b.span.start].splitlines()
        )

    def family(self, node: Node) -> str:
        return self.table[node.style].family if node.style in self.table else node.style

    def rank(self, node: Node) -> int | None:
        return self.table[node.style].rank if node.style in self.table else None

    def is_block_heading(self, node: Node) -> bool:
        """A heading that opens its paragraph and whose style is a heading style."""
        return (
            node.kind == "heading" and node.style in self.table and self.table[node.style].heading
        )


RuleFn = Callable[[LintState], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str
    check: RuleFn

    @property
    def name(self) -> str:
        """The rule's name (``skipped-ordinal``), from the one table of codes and
        names (``conventions.RULE_NAMES``), which the parser's warnings use too."""
        return RULE_NAMES[self.code]


def _ordinal_pairs(state: LintState) -> Iterator[tuple[Node | None, Node]]:
    """``(previous, node)`` along every series; previous is None for its first node."""
    for series in state.series:
        prev: Node | None = None
        for node in series.nodes:
            if node.ordinal is not None:
                yield prev, node
                prev = node


def _skipped(state: LintState) -> Iterator[Finding]:
    for prev, node in _ordinal_pairs(state):
        if prev is None or prev.ordinal is None or node.ordinal is None:
            continue
        if node.ordinal > prev.ordinal + 1:
            lo, hi = prev.ordinal + 1, node.ordinal - 1
            missing = str(lo) if lo == hi else f"{lo}–{hi}"
            yield Finding(
                node.span.start,
                f"{node.marker} follows {prev.marker}: ordinal {missing} is skipped",
            )


def _duplicated(state: LintState) -> Iterator[Finding]:
    for prev, node in _ordinal_pairs(state):
        if prev is not None and prev.ordinal == node.ordinal:
            yield Finding(
                node.span.start,
                f"{node.marker} repeats the ordinal of {prev.marker} "
                f"(line {prev.span.line})",
            )


def _not_one(state: LintState) -> Iterator[Finding]:
    for prev, node in _ordinal_pairs(state):
        if prev is None and node.ordinal != 1:
            yield Finding(node.span.start, f"series starts at {node.marker}, not at one")


def _backwards(state: LintState) -> Iterator[Finding]:
    for prev, node in _ordinal_pairs(state):
        if prev is None or prev.ordinal is None or node.ordinal is None:
            continue
        if node.ordinal < prev.ordinal:
            how = "starts the numbering again" if node.ordinal == 1 else "goes back"
            clause = _missing_clause(prev.marker, node.marker)
            where = (
                f": the clause {clause} that would hold it is missing"
                if clause
                else " at the same level"
            )
            after = f"{node.marker} after {prev.marker} (line {prev.span.line})"
            yield Finding(node.span.start, f"{after} {how}{where}")


#: A multi-level clause number (5.2.1): the depth is in the number.
_CLAUSE_NUMBER = regex.compile(r"\s*(\d+(?:\.\d+)+)\s*")


def _missing_clause(before: str, marker: str) -> str | None:
    """5.2 for 5.2.1 after 5.1.5: the clause whose heading the draft lost."""
    a, b = _CLAUSE_NUMBER.fullmatch(before), _CLAUSE_NUMBER.fullmatch(marker)
    if a is None or b is None:
        return None
    head_a, head_b = a.group(1).rpartition(".")[0], b.group(1).rpartition(".")[0]
    return head_b if head_a != head_b else None


def _heading_pairs(state: LintState) -> Iterator[tuple[Node, Node, int, int]]:
    """Block headings under block headings, with both style ranks.

    Only the first child of each style under a parent: the fix is one change
    to the whole series, so one report is enough.
    """
    seen: set[tuple[int, str]] = set()
    for s in state.nodes:
        if s.parent is None or not state.is_block_heading(s.node):
            continue
        if not state.is_block_heading(s.parent):
            continue
        key = (s.parent.span.start, s.node.style)
        if key in seen:
            continue
        seen.add(key)
        r_child, r_parent = state.rank(s.node), state.rank(s.parent)
        if r_child is not None and r_parent is not None:
            yield s.parent, s.node, r_parent, r_child


#: The four levels GB/T 9704-2012 7.3.3 names, used for hints.
_GBT_LEVELS = ("cn_dun", "paren_cn", "arabic_dot", "paren_arabic")


def _level_skip(state: LintState) -> Iterator[Finding]:
    for parent, node, r_parent, r_child in _heading_pairs(state):
        if (
            state.family(parent) not in LADDER_FAMILIES
            or state.family(node) not in LADDER_FAMILIES
        ):
            continue
        if r_child > r_parent + 1:
            between = [
                s.example
                for s in state.table
                if s.name in _GBT_LEVELS and r_parent < s.rank < r_child
            ]
            hint = f" (expected {' then '.join(between)} between)" if between else ""
            yield Finding(
                node.span.start,
                f"{node.marker} directly under {parent.marker} skips a level{hint}",
            )


def _level_inverted(state: LintState) -> Iterator[Finding]:
    for parent, node, r_parent, r_child in _heading_pairs(state):
        if r_child < r_parent:
            yield Finding(
                node.span.start,
                f"{node.marker} under {parent.marker}: a higher-level style nested in a lower one",
            )


def _style_two_levels(state: LintState) -> Iterator[Finding]:
    first: dict[tuple[int, str], Node] = {}
    reported: set[tuple[int, str]] = set()
    for s in state.nodes:
        node = s.node
        if not state.is_block_heading(node):
            continue
        if state.runs_through(s.speech, node):
            continue  # each member sits below whichever heading holds it
        seen = first.setdefault((s.speech, node.style), node)
        # One report per series: the siblings that follow share its level.
        series = (s.parent.span.start if s.parent else -1 - s.speech, node.style)
        if seen.level != node.level and series not in reported:
            reported.add(series)
            yield Finding(
                node.span.start,
                f"{node.marker} is at level {node.level} here but {seen.marker} is at level "
                f"{seen.level} on line {seen.span.line}",
            )


def _too_deep(state: LintState) -> Iterator[Finding]:
    """The parser caps nesting at MAX_DEPTH levels: a node at the cap is where
    the outline was flattened (once per speech)."""
    from .tree import MAX_DEPTH

    reported: set[int] = set()
    for s in state.nodes:
        if s.node.level >= MAX_DEPTH and s.speech not in reported:
            reported.add(s.speech)
            yield Finding(
                s.node.span.start,
                f"{s.node.marker} nests {MAX_DEPTH} levels deep: deeper nodes are kept at "
                f"level {MAX_DEPTH}",
            )


# Marker forms are read from the marker as written, not from the style name:
# the grammar may or may not take a non-standard form (一. （一）、 1）) as a
# marker, and these checks must hold either way. Forms it does not take never
# reach the tree, so they are also looked for at line starts in the text.
_CN = "一二三四五六七八九十百零〇"
_DIGITS = "0-9０-９"
_SPACES = " \t\u3000\u00a0"
_ENCLOSED_CORE = regex.compile(
    rf"[(（](?:[{_CN}]{{1,5}}|[{_DIGITS}]{{1,3}})[)）]|[①-⑳㉑-㉟㊱-㊿❶-➓]"
)
_PUNCT_AFTER = "、，,.．：:"
_CN_DOT_FORM = regex.compile(rf"(?P<num>[{_CN}]{{1,5}})(?P<punct>[.．,，])")
_HALF_BRACKET_FORM = regex.compile(rf"(?P<num>[{_CN}]{{1,5}}|[{_DIGITS}]{{1,3}})[)）]")
_ARABIC_DUN_FORM = regex.compile(rf"(?P<num>[{_DIGITS}]{{1,3}})、")
# A non-standard marker opening a line, followed by text (not 一.5, not a bare
# numeral alone on its line).
_LINE_START_FORM = regex.compile(
    rf"^[{_SPACES}]*(?P<m>[{_CN}]{{1,3}}[.．,，)）]|[{_DIGITS}]{{1,3}}[)）、])"
    rf"(?=[^{_DIGITS}.．\r\n])",
    regex.MULTILINE,
)


def _markers_as_written(state: LintState) -> Iterator[tuple[int, str]]:
    """``(offset, marker)`` for every node, and for non-standard forms opening a
    line where the parser found no node."""
    starts: set[int] = set()
    for s in state.nodes:
        starts.add(s.node.span.start)
        yield s.node.span.start, s.node.marker
    for m in _LINE_START_FORM.finditer(state.text):
        if m.start("m") not in starts:
            yield m.start("m"), m.group("m")


def _wrong_form(marker: str) -> bool:
    """A marker another rule already calls wrongly written (ST302, ST306)."""
    return bool(_CN_DOT_FORM.fullmatch(marker) or _HALF_BRACKET_FORM.fullmatch(marker))


def _punct_after_enclosed(state: LintState) -> Iterator[Finding]:
    for s in state.nodes:
        node = s.node
        core = _ENCLOSED_CORE.match(node.marker)
        if core is None:
            continue
        # The punctuation may be part of the marker (when the grammar takes
        # （一）、 as one) or follow it in the text.
        at = node.span.start + core.end()
        while at < len(state.text) and state.text[at] in _SPACES:
            at += 1
        if at < len(state.text) and state.text[at] in _PUNCT_AFTER:
            yield Finding(
                at,
                f"{core.group()}{state.text[at]}: no punctuation after a bracketed or circled "
                f"marker (write {core.group()})",
            )


def _cn_dot(state: LintState) -> Iterator[Finding]:
    for offset, marker in _markers_as_written(state):
        m = _CN_DOT_FORM.fullmatch(marker)
        if m is not None:
            num = m.group("num")
            yield Finding(offset, f"{marker}: a Chinese numeral takes 、 (write {num}、)")


def _arabic_dun(state: LintState) -> Iterator[Finding]:
    for offset, marker in _markers_as_written(state):
        m = _ARABIC_DUN_FORM.fullmatch(marker)
        if m is not None:
            yield Finding(
                offset, f"{marker}: an Arabic numeral takes a dot (write {m.group('num')}.)"
            )


def _half_bracket(state: LintState) -> Iterator[Finding]:
    for offset, marker in _markers_as_written(state):
        m = _HALF_BRACKET_FORM.fullmatch(marker)
        if m is not None:
            yield Finding(
                offset, f"{marker}: a closing bracket alone (write （{m.group('num')}）)"
            )


#: Ordinal systems outside GB/T 9704's four levels, and what to write instead.
_NONSTANDARD: dict[str, str] = {
    "stem_dun": "一、",
    "paren_stem": "（一）",
    "roman": "一、",
    "cn_bare": "一、",
    "paren_num": "（1）",
}


def _nonstandard(state: LintState) -> Iterator[Finding]:
    for s in state.nodes:
        node = s.node
        instead = _NONSTANDARD.get(node.style)
        if instead is not None:
            yield Finding(
                node.span.start,
                f"{node.marker}: not one of the GB/T 9704 levels (write {instead} or the "
                "level it stands for)",
            )


def _lookalike(state: LintState) -> Iterator[Finding]:
    for s in state.nodes:
        marker = s.node.marker
        note = s.node.style == "note"
        odd = [(ch, std) for ch in marker if (std := lookalike_of(ch, note=note))]
        if odd:
            fixed = "".join(lookalike_of(ch, note=note) or ch for ch in marker)
            (ch, std), *_ = odd
            yield Finding(
                s.node.span.start,
                f"{marker}: {ch} (U+{ord(ch):04X}) only looks like {std} (write {fixed})",
            )


_HALF = frozenset("().")
_FULL = frozenset("（）．")


def _widths(marker: str) -> frozenset[str]:
    """Which widths of bracket/dot the marker uses: {"half"}, {"full"}, both or none."""
    out = set()
    for ch in marker:
        if ch in _HALF:
            out.add("half")
        elif ch in _FULL:
            out.add("full")
    return frozenset(out)


def _mixed_series(state: LintState) -> Iterator[Finding]:
    for series in state.series:
        # A wrongly written marker is reported for its form; its width is moot.
        forms = [(n, _widths(n.marker)) for n in series.nodes if not _wrong_form(n.marker)]
        forms = [(n, w) for n, w in forms if len(w) == 1]
        if not forms:
            continue
        first_node, first = forms[0]
        for node, w in forms[1:]:
            if w != first:
                yield Finding(
                    node.span.start,
                    f"{node.marker} uses {next(iter(w))}-width punctuation but {first_node.marker} "
                    f"(line {first_node.span.line}) in the same series uses "
                    f"{next(iter(first))}-width",
                )


def _mixed_marker(state: LintState) -> Iterator[Finding]:
    for s in state.nodes:
        if len(_widths(s.node.marker)) > 1:
            yield Finding(
                s.node.span.start,
                f"{s.node.marker} mixes full-width and half-width brackets",
            )


#: The rules, in the order they run and are documented.
RULES: tuple[Rule, ...] = (
    Rule("ST101", "an ordinal is skipped: （一） then （三）", _skipped),
    Rule("ST102", "an ordinal is repeated: （一） then （一）", _duplicated),
    Rule("ST103", "a series does not start at one: （二） first", _not_one),
    Rule("ST104", "numbering goes back at one level: 三、 then 一、", _backwards),
    Rule("ST201", "a level is skipped: 一、 straight to （1）", _level_skip),
    Rule("ST202", "a higher-level style under a lower one: 1. holding （一）", _level_inverted),
    Rule("ST203", "one style at two levels in one speech", _style_two_levels),
    Rule("ST204", "nesting deeper than 100 levels, capped by the parser", _too_deep),
    Rule("ST301", "punctuation after a bracketed marker: （一）、", _punct_after_enclosed),
    Rule("ST302", "a Chinese numeral with a dot or comma: 一. 一，", _cn_dot),
    Rule("ST303", "an Arabic numeral with 、: 1、 where 1. is standard", _arabic_dun),
    Rule("ST304", "full- and half-width brackets or dots in one series", _mixed_series),
    Rule("ST305", "one marker mixes full- and half-width brackets: (一）", _mixed_marker),
    Rule("ST306", "a closing bracket alone: 1） where （1） is standard", _half_bracket),
    Rule("ST307", "an ordinal system outside GB/T 9704: 甲、 Ⅰ、 一␣ ⑴", _nonstandard),
    Rule("ST308", "a character that only looks like a marker's bracket, dot or comma: "
         "〈一） 1· 三丶", _lookalike),
)

CODES: tuple[str, ...] = tuple(r.code for r in RULES)


class UnknownCodeError(ValueError):
    """A --select/--ignore entry matches no rule code."""


def _matches(code: str, selectors: Iterable[str]) -> bool:
    return any(code.startswith(s) for s in selectors)


def _check_selectors(selectors: Iterable[str]) -> list[str]:
    out = [s.strip().upper() for s in selectors if s.strip()]
    for s in out:
        if s != "ALL" and not any(c.startswith(s) for c in CODES):
            raise UnknownCodeError(f"{s} matches no lint code (known: {', '.join(CODES)})")
    return ["" if s == "ALL" else s for s in out]


def select_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> list[Rule]:
    """The rules chosen by code or prefix (``ST1``, ``ST302``, ``ALL``); ignore wins.

    Raises ``UnknownCodeError`` for an entry that matches no code.
    """
    chosen = _check_selectors(select) if select is not None else [""]
    dropped = _check_selectors(ignore) if ignore is not None else []
    if not chosen:
        chosen = [""]
    return [
        r for r in RULES if _matches(r.code, chosen) and not _matches(r.code, dropped)
    ]


def lint(
    doc: Document,
    *,
    path: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    table: StyleTable = DEFAULT_TABLE,
) -> list[Diagnostic]:
    """Run the chosen rules over ``doc``; diagnostics sorted by line, column and code.

    ``doc`` must come from ``parse`` (it needs ``original_text``). ``path``
    names the file in the diagnostics (default: the document's source path).
    """
    text = doc.original_text
    if text is None:
        raise ValueError("lint needs a Document from parse(); this one has no original text")
    state = LintState(doc, text, table)
    name = path if path is not None else (doc.source.path or "<stdin>")
    out: set[Diagnostic] = set()
    for rule in select_rules(select, ignore):
        for f in rule.check(state):
            line, col = state.line_col(f.offset)
            out.add(Diagnostic(file=name, line=line, col=col, code=rule.code, message=f.message,
                                   name=rule.name))
    return sorted(out, key=lambda d: (d.line, d.col, d.code, d.message))
