"""Recognise stage, scanners: the marker scanners compiled from the grammar.

A marker's shape is written once, as an alternative of ``marker`` in
``grammars/markers.lark``; where it may stand (not right after a numeral, only
before a comma…) is written once, in its row of the style table
(``Style.not_after``, ``Style.then``). This module turns the two into the
regular expressions the recogniser scans paragraphs with, so that the scanners
and the grammar cannot disagree (``tests/test_shapes.py`` proves it by
enumerating every shape the grammar accepts).

The scanners are built for speed. Each *consumes* its first character as one
plain character class, which lets ``re`` skip from one possible start to the
next in C (a pattern that opens with a look-ahead is tried at every position).
A single look-behind over that character then records which *kind* it was
(one capturing group per kind: characters that begin the same shapes), and a
chain of conditionals tries only that kind's shapes, with the first character
taken off. A look-behind is atomic in ``re``, so a failed candidate (一个,
2020年) costs one look-behind and one or two shapes, not every shape; and
that works on Python 3.10, which has no atomic groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Union

from lark import Lark
from lark.grammar import NonTerminal, Rule, Terminal
from lark.lexer import PatternStr

from .styles import Style


@dataclass(frozen=True)
class Lit:
    """A literal string."""

    text: str


@dataclass(frozen=True)
class Cls:
    """A character class repeated ``lo`` to ``hi`` times (``[0-9]{1,3}``)."""

    chars: frozenset[str]
    lo: int = 1
    hi: int = 1


@dataclass(frozen=True)
class Alt:
    """One of several literal strings (``"首先" | "其次"``)."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class Ref:
    """A grammar rule used inside another (``cn_num``)."""

    name: str


Piece = Union[Lit, Cls, Alt, Ref]  # noqa: UP007 (a runtime alias; 3.10 has no `type`)
Seq = tuple[Piece, ...]


class ShapeError(ValueError):
    """A terminal of the grammar is written in a form the scanners cannot derive."""


# --- reading the grammar ------------------------------------------------------

_CLASS = re.compile(r"\[((?:\\.|[^\]\\])+)\](?:\{(\d+),(\d+)\})?")
_ALT = re.compile(r"\(\?:((?:[^()|\\\[\]{}*+?.^$]+\|)*[^()|\\\[\]{}*+?.^$]+)\)")


def _class_chars(body: str) -> frozenset[str]:
    chars: set[str] = set()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            ch = body[i + 1]
            i += 1
        if i + 2 < len(body) and body[i + 1] == "-":
            hi = body[i + 2]
            chars.update(chr(c) for c in range(ord(ch), ord(hi) + 1))
            i += 3
            continue
        chars.add(ch)
        i += 1
    return frozenset(chars)


def _terminal_piece(name: str, pattern: object) -> Piece:
    """The piece a terminal stands for; only three forms of regexp terminal
    are allowed (a class, a counted class, literal alternatives), so that the
    scanners can take a first character off each shape."""
    if isinstance(pattern, PatternStr):
        return Lit(str(pattern.value))
    source = str(pattern.value)  # type: ignore[attr-defined]
    m = _CLASS.fullmatch(source)
    if m:
        lo, hi = (int(m.group(2)), int(m.group(3))) if m.group(2) else (1, 1)
        if lo < 1:
            raise ShapeError(f"terminal {name}: a class must occur at least once")
        return Cls(_class_chars(m.group(1)), lo, hi)
    m = _ALT.fullmatch(source)
    if m:
        return Alt(tuple(m.group(1).split("|")))
    raise ShapeError(
        f"terminal {name} /{source}/: write it as a string, [class], [class]{{m,n}} "
        "or (?:word|word)"
    )


@dataclass(frozen=True)
class Grammar:
    """The marker grammar as plain data: each rule's alternatives, as
    ``(alias, sequence of pieces)``."""

    rules: dict[str, tuple[tuple[str, Seq], ...]]

    @classmethod
    def from_lark(cls, parser: Lark) -> Grammar:
        terms = {t.name: _terminal_piece(t.name, t.pattern) for t in parser.terminals}
        rules: dict[str, list[tuple[str, Seq]]] = {}
        rule: Rule
        for rule in parser.rules:
            seq: list[Piece] = []
            for sym in rule.expansion:
                if isinstance(sym, Terminal):
                    seq.append(terms[sym.name])
                else:
                    assert isinstance(sym, NonTerminal)
                    seq.append(Ref(sym.name))
            rules.setdefault(rule.origin.name, []).append(
                (str(rule.alias or rule.origin.name), tuple(seq))
            )
        return cls({k: tuple(v) for k, v in rules.items()})

    def markers(self) -> tuple[tuple[str, Seq], ...]:
        """Every alternative of ``marker``: ``(style name, shape)``."""
        return self.rules["marker"]

    # --- what the pieces accept ---

    def max_len(self, seq: Sequence[Piece]) -> int:
        return sum(self._piece_max(p) for p in seq)

    def min_len(self, seq: Sequence[Piece]) -> int:
        return sum(self._piece_min(p) for p in seq)

    def _piece_min(self, p: Piece) -> int:
        if isinstance(p, Lit):
            return len(p.text)
        if isinstance(p, Cls):
            return p.lo
        if isinstance(p, Alt):
            return min(map(len, p.options))
        return min(self.min_len(s) for _, s in self.rules[p.name])

    def _piece_max(self, p: Piece) -> int:
        if isinstance(p, Lit):
            return len(p.text)
        if isinstance(p, Cls):
            return p.hi
        if isinstance(p, Alt):
            return max(map(len, p.options))
        return max(self.max_len(s) for _, s in self.rules[p.name])

    def first(self, seq: Sequence[Piece]) -> frozenset[str]:
        """The characters a shape can begin with (no piece matches empty)."""
        if not seq:
            return frozenset()
        p = seq[0]
        if isinstance(p, Lit):
            return frozenset(p.text[:1]) if p.text else self.first(seq[1:])
        if isinstance(p, Cls):
            return p.chars
        if isinstance(p, Alt):
            return frozenset(o[0] for o in p.options)
        return frozenset().union(*(self.first(s) for _, s in self.rules[p.name]))

    def after_first(self, seq: Sequence[Piece], ch: str) -> list[Seq]:
        """The shapes left of ``seq`` once its first character, ``ch``, is read."""
        if not seq:
            return []
        p, rest = seq[0], tuple(seq[1:])
        if isinstance(p, Lit):
            if not p.text:
                return self.after_first(rest, ch)
            return [(Lit(p.text[1:]), *rest)] if p.text[0] == ch else []
        if isinstance(p, Cls):
            if ch not in p.chars:
                return []
            if p.hi == 1:
                return [rest]
            return [(Cls(p.chars, max(p.lo - 1, 0), p.hi - 1), *rest)]
        if isinstance(p, Alt):
            tails = tuple(o[1:] for o in p.options if o[0] == ch)
            if not tails:
                return []
            if tails == ("",):
                return [rest]
            return [(Alt(tails), *rest)]
        out: list[Seq] = []
        for _, s in self.rules[p.name]:
            out += self.after_first((*s, *rest), ch)
        return out

    def strings(self, seq: Sequence[Piece], sample: int = 0) -> Iterator[str]:
        """Every string ``seq`` accepts (``sample`` > 0: only that many
        characters of each larger class, and the shortest and longest runs)."""
        if not seq:
            yield ""
            return
        p = seq[0]
        heads: Iterable[str]
        if isinstance(p, Lit):
            heads = [p.text]
        elif isinstance(p, Alt):
            heads = p.options
        elif isinstance(p, Cls):
            chars = sorted(p.chars)
            if sample and len(chars) > sample:
                step = len(chars) / sample
                chars = sorted({chars[int(i * step)] for i in range(sample)} | {chars[-1]})
            runs = range(p.lo, p.hi + 1) if not sample else sorted({p.lo, p.hi})
            heads = [c * n for n in runs for c in chars if n]
            if p.lo == 0:
                heads = ["", *heads]
        else:
            heads = [x for _, s in self.rules[p.name] for x in self.strings(s, sample)]
        tails = list(self.strings(seq[1:], sample))
        for h in heads:
            for t in tails:
                yield h + t

    # --- writing regular expressions ---

    def regex(self, seq: Sequence[Piece]) -> str:
        return "".join(self._piece_regex(p) for p in seq)

    def _piece_regex(self, p: Piece) -> str:
        if isinstance(p, Lit):
            return re.escape(p.text)
        if isinstance(p, Cls):
            body = _class(p.chars)
            if (p.lo, p.hi) == (1, 1):
                return body
            if p.lo == p.hi:
                return f"{body}{{{p.lo}}}"
            return f"{body}{{{p.lo},{p.hi}}}"
        if isinstance(p, Alt):
            # Longest first: re takes the first alternative that fits.
            opts = sorted(p.options, key=len, reverse=True)
            return "(?:" + "|".join(re.escape(o) for o in opts) + ")" + ("?" if "" in opts else "")
        return self.alternatives(s for _, s in self.rules[p.name])

    def alternatives(self, seqs: Iterable[Sequence[Piece]]) -> str:
        """One group of alternatives, the longest-reaching first (re takes the
        first alternative that fits, and a shape that is the start of another,
        二 of 二十三, must not win over it), with shared first pieces written
        once: 第(?:一|二…)(?:章|节), not 第一章|第一节|第二章…"""
        ordered = sorted(seqs, key=self.max_len, reverse=True)
        groups: dict[Piece | None, list[Seq]] = {}
        for seq in ordered:
            groups.setdefault(seq[0] if seq else None, []).append(tuple(seq[1:]))
        parts: list[str] = []
        for head, tails in groups.items():
            if head is None:
                parts.append("")
            elif len(tails) == 1:
                parts.append(self._piece_regex(head) + self.regex(tails[0]))
            else:
                parts.append(self._piece_regex(head) + self.alternatives(tails))
        parts = list(dict.fromkeys(parts))
        if len(parts) == 1:
            return parts[0]
        if parts[-1] == "":
            return "(?:" + "|".join(parts[:-1]) + ")?"
        return "(?:" + "|".join(parts) + ")"


def _class(chars: Iterable[str]) -> str:
    """A character class for ``chars``, with runs of code points as ranges."""
    cps = sorted(ord(c) for c in chars)
    if len(cps) == 1:
        return re.escape(chr(cps[0]))
    out: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        out.append(lo if i == j else lo + hi if j == i + 1 else f"{lo}-{hi}")
        i = j + 1
    return "[" + "".join(out) + "]"


# --- building the scanners ----------------------------------------------------


@dataclass(frozen=True)
class Scanner:
    """A compiled scanner and the characters its candidates begin with."""

    pattern: re.Pattern[str]
    start_chars: frozenset[str]


def _with_context(grammar: Grammar, style: Style | None, tails: list[Seq], consumed: bool) -> str:
    """The regex of ``tails`` (what is left of one style's shapes), wrapped in
    the style's context: ``not_after`` looks behind the marker's first
    character (one character further back when it has been consumed),
    ``then`` looks after the marker."""
    body = grammar.alternatives(tails)
    if style is None:
        return body
    before = ""
    if style.not_after:
        before = f"(?<!{_class(style.not_after)}{'.' if consumed else ''})"
    after = style.then
    return before + body + after


def build_scanner(
    grammar: Grammar,
    styles: dict[str, Style],
    include: Iterable[str] | None = None,
    context: bool = True,
) -> Scanner:
    """The scanner for the grammar's marker shapes (only the styles named in
    ``include``, if given), each in its style's context (``context=False``
    leaves the contexts out: the shapes alone, as the grammar reads them)."""
    wanted = None if include is None else set(include)
    shapes = [
        (name, seq) for name, seq in grammar.markers() if wanted is None or name in wanted
    ]
    start = frozenset().union(*(grammar.first(seq) for _, seq in shapes))
    # What each start character leaves, style by style, in the grammar's order.
    rests: dict[str, dict[str, list[Seq]]] = {}
    for ch in sorted(start):
        per_style: dict[str, list[Seq]] = {}
        for name, seq in shapes:
            left = grammar.after_first(seq, ch)
            if left:
                per_style.setdefault(name, []).extend(left)
        rests[ch] = per_style
    # Characters that leave the same shapes are one kind, tried as one branch.
    bodies: dict[str, list[str]] = {}
    for ch, per_style in rests.items():
        # A style whose shapes are all longer goes first (一方面 before the
        # bare 一): re takes the first alternative that fits.
        ordered = sorted(
            per_style.items(),
            key=lambda kv: (min(map(grammar.min_len, kv[1])), max(map(grammar.max_len, kv[1]))),
            reverse=True,
        )
        body = "|".join(
            _with_context(grammar, styles.get(name) if context else None, tails, True)
            for name, tails in ordered
        )
        bodies.setdefault(body, []).append(ch)
    kinds = sorted(bodies.items(), key=lambda kv: _rank(kv[1]))
    groups = "|".join(f"({_class(chars)})" for _, chars in kinds)
    chain = ""
    for k, (body, _chars) in enumerate(kinds, start=1):
        alt = body or ""
        chain += f"(?({k})(?:{alt})|" if k < len(kinds) else f"(?:{alt})"
    chain += ")" * (len(kinds) - 1)
    source = f"{_class(start)}(?<={groups}){chain}"
    return Scanner(re.compile(source), start)


#: Start characters in the order their kinds are tried: the commonest in
#: running text first, since a look-behind tries its branches in order.
_COMMON = "一二三四五六七八九十0123456789（第其"


def _rank(chars: list[str]) -> int:
    return min((_COMMON.find(c) for c in chars if c in _COMMON), default=len(_COMMON))
