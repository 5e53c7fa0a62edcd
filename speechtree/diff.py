"""Diff stage: align two outlines and name what was added, removed, moved and retitled.

Nodes are paired in passes, each over the nodes still unpaired:

1. equal titles in the same order (``difflib.SequenceMatcher`` over the
   path-free title keys of both flattened outlines);
2. equal titles anywhere (a section moved ahead of another keeps its title);
3. the same place: under paired parents, the same style family and ordinal
   (``（二）`` under the same ``一、``), whatever the titles;
4. similar titles anywhere (ratio ≥ ``similarity``), best pairs first.

What is left is removed (only in A) or added (only in B). A pair is *moved*
when its parent changed, or when it left the longest run of siblings that kept
their order; it is *retitled* when its title changed (beyond punctuation,
spaces and character width). A pair can be both and
is then reported twice, once for each.
"""

from __future__ import annotations

import difflib
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import orjson
import regex
from pydantic import BaseModel

from .conventions import path_string
from .models import Document, Node
from .printable import json_c1_escaped, printable
from .styles import DEFAULT_TABLE, StyleTable
from .whitespace import class_body

ChangeKind = Literal["added", "removed", "moved", "retitled"]
KINDS: tuple[ChangeKind, ...] = ("added", "removed", "moved", "retitled")

#: Titles at least this similar (difflib ratio over normalised characters) may
#: pair as the same node reworded.
DEFAULT_SIMILARITY = 0.6

_NOT_KEY = regex.compile(r"[\p{P}\p{S}" + class_body() + "]+")


class NodeRef(BaseModel):
    """Where a node stands in one outline."""

    speech: int  # 1-based, as in --table
    path: str  # 1-based within the speech, "3.2.1", as in --table
    line: int
    marker: str
    title: str
    level: int
    parent: str | None  # the parent's marker and title, None at a speech's top level


class Change(BaseModel):
    kind: ChangeKind
    a: NodeRef | None = None
    b: NodeRef | None = None


class DiffResult(BaseModel):
    a: str
    b: str
    changes: list[Change]

    @property
    def same(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        return {k: sum(1 for c in self.changes if c.kind == k) for k in KINDS}

    def to_json(self) -> str:
        data = self.model_dump(mode="json")
        data["counts"] = self.counts()
        return json_c1_escaped(orjson.dumps(data, option=orjson.OPT_INDENT_2)).decode("utf-8")

    def to_text(self) -> str:
        """One line per change, ``-``/``+``/``>``/``~`` first; empty when the outlines agree."""
        if self.same:
            return ""
        lines = [f"--- {printable(self.a)}", f"+++ {printable(self.b)}"]
        for c in self.changes:
            lines.append(_text_line(c))
        summary = ", ".join(f"{n} {k}" for k, n in self.counts().items() if n)
        lines.append(summary)
        return "\n".join(lines) + "\n"


#: Titles longer than this are cut in the text output (JSON keeps them whole).
TEXT_TITLE_WIDTH = 40


def _label(ref: NodeRef) -> str:
    title = ref.title
    if len(title) > TEXT_TITLE_WIDTH:
        title = title[: TEXT_TITLE_WIDTH - 1] + "…"
    return printable(f"{ref.marker}{title}")


def _text_line(c: Change) -> str:
    a, b = c.a, c.b
    if c.kind == "added" and b is not None:
        return f"+ added     b:{b.line}  {'  ' * (b.level - 1)}{_label(b)}"
    if c.kind == "removed" and a is not None:
        return f"- removed   a:{a.line}  {'  ' * (a.level - 1)}{_label(a)}"
    assert a is not None and b is not None
    if c.kind == "retitled":
        return f"~ retitled  a:{a.line} b:{b.line}  {_label(a)} → {_label(b)}"
    where_a = printable(a.parent or "top level")
    where_b = printable(b.parent or "top level")
    how = f"under {where_a} → under {where_b}" if where_a != where_b else f"within {where_b}"
    return f"> moved     a:{a.line} b:{b.line}  {_label(b)} ({how})"


@dataclass
class _Flat:
    """A node of one outline, flattened with its parent's index."""

    index: int
    path: tuple[int, ...]
    node: Node
    parent: int | None  # index into the same flat list
    speech: int
    sibling: int  # position under its parent
    key: str = ""
    children: list[int] = field(default_factory=list)


def title_key(node: Node) -> str:
    """The path-free key a node is aligned by: its title without punctuation or
    spaces, NFKC-folded (its body's start when it has no title)."""
    raw = node.title or node.text[:40]
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", raw))


def _flatten(doc: Document) -> list[_Flat]:
    out: list[_Flat] = []
    by_path: dict[tuple[int, ...], int] = {}
    for path, node in doc.walk():
        parent = by_path.get(path[:-1]) if len(path) > 2 else None
        f = _Flat(len(out), path, node, parent, path[0], path[-1], title_key(node))
        by_path[path] = f.index
        if parent is not None:
            out[parent].children.append(f.index)
        out.append(f)
    return out


class _Aligner:
    def __init__(
        self, a: list[_Flat], b: list[_Flat], table: StyleTable, similarity: float
    ) -> None:
        self.a, self.b = a, b
        self.table = table
        self.similarity = similarity
        self.a2b: dict[int, int] = {}
        self.b2a: dict[int, int] = {}

    def pair(self, i: int, j: int) -> None:
        self.a2b[i] = j
        self.b2a[j] = i

    def free_a(self) -> list[_Flat]:
        return [f for f in self.a if f.index not in self.a2b]

    def free_b(self) -> list[_Flat]:
        return [f for f in self.b if f.index not in self.b2a]

    def run(self) -> None:
        self._in_order()
        self._same_title()
        self._same_place()
        self._similar()

    def _in_order(self) -> None:
        for i, j in _in_order_pairs([f.key for f in self.a], [f.key for f in self.b]):
            if self.a[i].key:
                self.pair(i, j)

    def _same_title(self) -> None:
        waiting: dict[str, deque[int]] = {}
        for f in self.free_b():
            if f.key:
                waiting.setdefault(f.key, deque()).append(f.index)
        for f in self.free_a():
            js = waiting.get(f.key)
            if js:
                self.pair(f.index, js.popleft())

    def _parents_paired(self, fa: _Flat, fb: _Flat) -> bool:
        if fa.parent is None or fb.parent is None:
            return fa.parent is None and fb.parent is None and fa.speech == fb.speech
        return self.a2b.get(fa.parent) == fb.parent

    def _family(self, node: Node) -> str:
        return self.table[node.style].family if node.style in self.table else node.style

    def _same_place(self) -> None:
        # In document order, so a parent is paired before its children look.
        waiting: dict[tuple[int | None, int, str, int], deque[int]] = {}
        for fb in self.free_b():
            if fb.node.ordinal is not None:
                speech = fb.speech if fb.parent is None else -1  # roots pair by speech
                key = (fb.parent, speech, self._family(fb.node), fb.node.ordinal)
                waiting.setdefault(key, deque()).append(fb.index)
        for fa in self.free_a():
            if fa.node.ordinal is None:
                continue
            parent_b = self.a2b.get(fa.parent) if fa.parent is not None else None
            if fa.parent is not None and parent_b is None:
                continue  # its parent has no counterpart: no place to compare
            speech = fa.speech if fa.parent is None else -1
            js = waiting.get((parent_b, speech, self._family(fa.node), fa.node.ordinal))
            if js:
                self.pair(fa.index, js.popleft())

    def _similar(self) -> None:
        free_a = [f for f in self.free_a() if f.key]
        free_b = [f for f in self.free_b() if f.key]
        scored: list[tuple[float, int, int]] = []
        sm = difflib.SequenceMatcher(None, autojunk=False)
        if len(free_a) * len(free_b) <= _SIMILAR_PAIRS:
            for fa, near in self._all_candidates(free_a, free_b):
                sm.set_seq2(fa.key)  # difflib caches its analysis of the second sequence
                for fb in near:
                    sm.set_seq1(fb.key)
                    r = sm.ratio()
                    if r >= self.similarity:
                        scored.append((-r, fa.index, fb.index))
        else:
            for fa, near in self._near_candidates(free_a, free_b):
                sm.set_seq2(fa.key)
                # The best of the band, measured in the order of difflib's
                # cheap upper bound until no bound is left above the best.
                bounds: list[tuple[float, int, int, str]] = []
                for fb in near:
                    sm.set_seq1(fb.key)
                    if sm.real_quick_ratio() >= self.similarity:
                        q = sm.quick_ratio()
                        if q >= self.similarity:
                            bounds.append((-q, len(bounds), fb.index, fb.key))
                best, found = self.similarity, 0
                for q, _, j, key in sorted(bounds):  # (nearest first among equal bounds)
                    if -q < best or (found >= 2 and -q <= best):
                        break  # none left could do better (than two found already)
                    sm.set_seq1(key)
                    r = sm.ratio()
                    if r >= best:
                        best, found = r, found + 1
                        scored.append((-r, fa.index, j))
        for _, i, j in sorted(scored):
            if i not in self.a2b and j not in self.b2a:
                self.pair(i, j)

    def _all_candidates(
        self, free_a: list[_Flat], free_b: list[_Flat]
    ) -> Iterator[tuple[_Flat, list[_Flat]]]:
        """Every free node of B for each free node of A, less those that
        share too few characters to reach the similarity (difflib's
        quick_ratio bound, from an index of B's title characters rather
        than a matcher per pair)."""
        postings: dict[str, list[tuple[int, int]]] = {}
        for k, fb in enumerate(free_b):
            for ch, n in Counter(fb.key).items():
                postings.setdefault(ch, []).append((k, n))
        for fa in free_a:
            shared: dict[int, int] = defaultdict(int)
            for ch, n in Counter(fa.key).items():
                for k, m in postings.get(ch, ()):
                    shared[k] += min(n, m)
            yield fa, [
                free_b[k]
                for k, common in shared.items()
                if 2 * common >= self.similarity * (len(fa.key) + len(free_b[k].key))
            ]

    def _near_candidates(
        self, free_a: list[_Flat], free_b: list[_Flat]
    ) -> Iterator[tuple[_Flat, list[_Flat]]]:
        """For each free node of A, the free nodes of B within
        :data:`_SIMILAR_BAND` places of where it would be: as many free
        places after the B counterpart of the last paired node before it as
        it is after that node. Weighing every pair of a large reworded
        stretch was quadratic (4,000 retitled items: 190 s)."""
        free_b_at = [fb.index for fb in free_b]
        anchor, run = -1, 0  # B index of the last pair before, free A nodes since
        k = 0
        for fa in self.a:
            j = self.a2b.get(fa.index)
            if j is not None:
                anchor, run = j, 0
                continue
            if k < len(free_a) and free_a[k] is fa:
                k += 1
                place = bisect_right(free_b_at, anchor) + run
                run += 1
                # Nearest first, so that of equal titles the one in place wins.
                yield fa, [
                    free_b[p]
                    for d in range(_SIMILAR_BAND + 1)
                    for p in ((place,) if d == 0 else (place - d, place + d))
                    if 0 <= p < len(free_b)
                ]

    def moved(self) -> set[int]:
        """A-indexes of pairs whose parent changed or whose order among kept
        siblings changed."""
        out: set[int] = set()
        groups: dict[tuple[int | None, int | None, int, int], list[tuple[int, int]]] = {}
        for i, j in self.a2b.items():
            fa, fb = self.a[i], self.b[j]
            if not self._parents_paired(fa, fb):
                out.add(i)
                continue
            groups.setdefault((fa.parent, fb.parent, fa.speech, fb.speech), []).append(
                (fb.sibling, i)
            )
        for members in groups.values():
            members.sort()
            order = [self.a[i].sibling for _, i in members]
            keep = _longest_increasing(order)
            out.update(i for k, (_, i) in enumerate(members) if k not in keep)
        return out


#: Up to this many pairs of free titles (free in A × free in B), the last
#: pass weighs every pair that could be alike enough; beyond it each node of
#: A is weighed against the free nodes of B within _SIMILAR_BAND places of
#: its own, so the pass stays linear.
_SIMILAR_PAIRS = 100_000
_SIMILAR_BAND = 8

#: Up to this many cells (len(a) × len(b)), a stretch is aligned by difflib;
#: on larger ones its longest-match search is quadratic or worse when titles
#: repeat (a chain of 一是 items: 111 s for 0.4 MB).
_DIFFLIB_CELLS = 1_000_000


def _in_order_pairs(ka: list[str], kb: list[str]) -> Iterator[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``ka[i] == kb[j]``, in order on both sides.

    difflib's matching blocks for outlines of an ordinary size. A larger
    stretch is first trimmed of its common start and end, then split at the
    keys found once on each side that keep their order (patience diff: a
    longest increasing run), and each gap is aligned the same way; a large
    gap without such anchors is left to the later passes (which pair equal
    titles in order). Linear for a document against itself, O(n log n) for
    the anchors."""
    stack = [(0, len(ka), 0, len(kb))]
    while stack:
        a0, a1, b0, b1 = stack.pop()
        if (a1 - a0) * (b1 - b0) <= _DIFFLIB_CELLS:
            sm = difflib.SequenceMatcher(None, ka[a0:a1], kb[b0:b1], autojunk=False)
            for block in sm.get_matching_blocks():
                for k in range(block.size):
                    yield a0 + block.a + k, b0 + block.b + k
            continue
        while a0 < a1 and b0 < b1 and ka[a0] == kb[b0]:
            yield a0, b0
            a0, b0 = a0 + 1, b0 + 1
        while a0 < a1 and b0 < b1 and ka[a1 - 1] == kb[b1 - 1]:
            a1, b1 = a1 - 1, b1 - 1
            yield a1, b1
        if a0 == a1 or b0 == b1:
            continue
        count_a, count_b = Counter(ka[a0:a1]), Counter(kb[b0:b1])
        once_b = {kb[j]: j for j in range(b0, b1) if count_b[kb[j]] == 1}
        cands = [
            (i, once_b[ka[i]]) for i in range(a0, a1) if count_a[ka[i]] == 1 and ka[i] in once_b
        ]
        keep = _longest_increasing([j for _, j in cands])
        anchors = [c for k, c in enumerate(cands) if k in keep]
        pi, pj = a0, b0
        for i, j in anchors:
            yield i, j
            stack.append((pi, i, pj, j))
            pi, pj = i + 1, j + 1
        if anchors:
            stack.append((pi, a1, pj, b1))


def _longest_increasing(seq: list[int]) -> set[int]:
    """Positions of a longest strictly increasing subsequence of ``seq``; of
    several, the one that keeps the earliest positions (so when two siblings
    swap, the one now first stays and the other is the one that moved).
    O(n log n)."""
    # starts[k]: length of the longest increasing run that starts at k, found
    # by patience sorting from the right (a decreasing run read backwards).
    starts = [0] * len(seq)
    tails: list[int] = []  # tails[j]: largest value that starts a run of length j+1
    for k in range(len(seq) - 1, -1, -1):
        v = seq[k]
        lo, hi = 0, len(tails)
        while lo < hi:  # first j with tails[j] <= v
            mid = (lo + hi) // 2
            if tails[mid] > v:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(v)
        else:
            tails[lo] = v
        starts[k] = lo + 1
    keep: set[int] = set()
    need = len(tails)
    last = None
    for k, v in enumerate(seq):
        if need and starts[k] == need and (last is None or v > last):
            keep.add(k)
            need -= 1
            last = v
    return keep


def _ref(flat: list[_Flat], f: _Flat) -> NodeRef:
    parent = None
    if f.parent is not None:
        p = flat[f.parent].node
        parent = f"{p.marker}{p.title}"
    n = f.node
    return NodeRef(
        speech=f.path[0] + 1, path=path_string(f.path[1:]), line=n.span.line,
        marker=n.marker, title=n.title, level=n.level, parent=parent,
    )


def _changes(al: _Aligner) -> Iterator[tuple[float, int, Change]]:
    """Changes with a sort key: B's order, removed nodes after their A predecessor's pair."""
    moved = al.moved()
    for i, j in al.a2b.items():
        ra, rb = _ref(al.a, al.a[i]), _ref(al.b, al.b[j])
        if i in moved:
            yield float(j), 0, Change(kind="moved", a=ra, b=rb)
        if al.a[i].key != al.b[j].key:
            yield float(j), 1, Change(kind="retitled", a=ra, b=rb)
    for fb in al.free_b():
        yield float(fb.index), 0, Change(kind="added", b=_ref(al.b, fb))
    # A removed node goes after the B counterpart of the last paired node before it.
    last_b = -1
    for fa in al.a:
        if fa.index in al.a2b:
            last_b = max(last_b, al.a2b[fa.index])
        else:
            yield last_b + 0.5, fa.index, Change(kind="removed", a=_ref(al.a, fa))


def diff(
    a: Document,
    b: Document,
    *,
    a_name: str | None = None,
    b_name: str | None = None,
    similarity: float = DEFAULT_SIMILARITY,
    table: StyleTable = DEFAULT_TABLE,
) -> DiffResult:
    """Compare the outlines of ``a`` and ``b`` (all speeches of each, in order)."""
    al = _Aligner(_flatten(a), _flatten(b), table, similarity)
    al.run()
    changes = [c for _, _, c in sorted(_changes(al), key=lambda t: (t[0], t[1]))]
    return DiffResult(
        a=a_name or a.source.path or "a",
        b=b_name or b.source.path or "b",
        changes=changes,
    )
