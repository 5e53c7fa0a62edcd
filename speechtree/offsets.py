"""Offset maps: where each character of a derived string came from."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, count
from operator import add

_LINE_BREAK = re.compile(r"\r\n?|\n")


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of ``text`` begin; a line ends at CRLF, LF or a
    lone CR. Without CRs it is all done in C (text.split, accumulate), which
    matters: a Python loop per line cost ~5% of a parse."""
    if "\r" in text:
        return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    lengths = map(len, text.split("\n")[:-1])
    return list(map(add, accumulate(lengths, initial=0), count()))


class OffsetMap:
    """Maps positions of a derived string back to its source string.

    The derived string is built from pieces, in order: *identity* pieces copy
    source characters one for one; *replace* pieces stand for a whole source
    chunk (``㈠`` → ``（一）``). Source characters that are dropped simply have no
    piece. Storage is one entry per piece, not per character, so long texts
    with few edits cost little.
    """

    __slots__ = ("_ident", "_out", "_out_len", "_src", "_src_len")

    def __init__(self) -> None:
        self._out: list[int] = []
        self._src: list[int] = []
        self._src_len: list[int] = []
        self._ident: list[bool] = []
        self._out_len = 0

    def __len__(self) -> int:
        return self._out_len

    def is_identity(self) -> bool:
        """Is every derived offset the same source offset (nothing moved)?"""
        return not self._out or (
            len(self._out) == 1 and self._ident[0] and self._src[0] == 0
        )

    def copy(self, src_start: int, length: int) -> None:
        """Append ``length`` characters copied one for one from ``src_start``."""
        if length <= 0:
            return
        if (
            self._ident
            and self._ident[-1]
            and self._src[-1] + self._src_len[-1] == src_start
        ):
            self._src_len[-1] += length
        else:
            self._out.append(self._out_len)
            self._src.append(src_start)
            self._src_len.append(length)
            self._ident.append(True)
        self._out_len += length

    def replace(self, src_start: int, src_len: int, out_len: int) -> None:
        """Append ``out_len`` characters that together stand for a source chunk."""
        if out_len <= 0:
            return
        self._out.append(self._out_len)
        self._src.append(src_start)
        self._src_len.append(src_len)
        self._ident.append(False)
        self._out_len += out_len

    def run_start(self, i: int, length: int) -> int:
        """The source offset of derived character ``i`` when the derived
        characters ``[i, i + length)`` are copied from one unbroken source
        stretch, else -1."""
        if length <= 0 or not 0 <= i < self._out_len:
            return -1
        k = bisect_right(self._out, i) - 1
        piece_end = self._out[k + 1] if k + 1 < len(self._out) else self._out_len
        if not self._ident[k] or i + length > piece_end:
            return -1
        return self._src[k] + (i - self._out[k])

    def _piece(self, i: int) -> int:
        if not 0 <= i < self._out_len:
            raise IndexError(f"offset {i} outside 0..{self._out_len}")
        return bisect_right(self._out, i) - 1

    def start(self, i: int) -> int:
        """Source offset where derived character ``i`` begins."""
        k = self._piece(i)
        return self._src[k] + (i - self._out[k] if self._ident[k] else 0)

    def end(self, i: int) -> int:
        """Source offset just after derived character ``i``."""
        k = self._piece(i)
        if self._ident[k]:
            return self._src[k] + (i - self._out[k]) + 1
        return self._src[k] + self._src_len[k]

    def gaps(self) -> set[int]:
        """Derived offsets ``i`` where source text was left out just before
        character ``i`` (``start(i) > end(i - 1)``): only where a piece begins,
        so found once per piece rather than by two searches per offset."""
        out: set[int] = set()
        for k in range(1, len(self._out)):
            prev_end = self._src[k - 1] + (
                self._out[k] - self._out[k - 1] if self._ident[k - 1] else self._src_len[k - 1]
            )
            if self._src[k] > prev_end:
                out.add(self._out[k])
        return out

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source range covering derived range ``[start, end)`` (``end > start``)."""
        return self.start(start), self.end(end - 1)

    def slice(self, a: int, b: int) -> OffsetMap:
        """The map of derived characters ``[a, b)``, renumbered from 0."""
        out = OffsetMap()
        if b <= a:
            return out
        k = self._piece(a)
        while k < len(self._out) and self._out[k] < b:
            o = self._out[k]
            length = (self._out[k + 1] if k + 1 < len(self._out) else self._out_len) - o
            lo, hi = max(a, o), min(b, o + length)
            if self._ident[k]:
                out.copy(self._src[k] + (lo - o), hi - lo)
            else:
                out.replace(self._src[k], self._src_len[k], hi - lo)
            k += 1
        return out

    def extend(self, other: OffsetMap) -> None:
        """Append ``other``'s pieces (its derived text follows this one's)."""
        n = len(other._out)
        for k in range(n):
            length = (other._out[k + 1] if k + 1 < n else other._out_len) - other._out[k]
            if other._ident[k]:
                self.copy(other._src[k], length)
            else:
                self.replace(other._src[k], other._src_len[k], length)
