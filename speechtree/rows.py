"""Rows: the outline flattened to one row per node, for CSV/JSONL tables."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple

import orjson

if TYPE_CHECKING:
    from .models import Document


class Row(NamedTuple):
    """One outline node as a flat record (the columns of ``--table``)."""

    file: str
    speech: int  # 1-based index of the speech in its file
    path: str  # 1-based position in the tree, "3.2.1" = 1st child of 2nd child of 3rd section
    level: int
    kind: str
    style: str
    marker: str
    ordinal: int | None
    title: str
    body_chars: int
    line: int


COLUMNS: tuple[str, ...] = Row._fields

#: Table formats by file suffix.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".jsonl")


def rows(doc: Document, *, file: str | None = None) -> Iterator[Row]:
    """The nodes of ``doc`` in document order as rows; ``file`` defaults to
    the path the document was parsed from (empty when it had none)."""
    name = file if file is not None else (doc.source.path or "")
    for path, node in doc.walk():
        yield Row(
            file=name,
            speech=path[0] + 1,
            path=".".join(str(i + 1) for i in path[1:]),
            level=node.level,
            kind=node.kind,
            style=node.style,
            marker=node.marker,
            ordinal=node.ordinal,
            title=node.title,
            body_chars=len(node.text),
            line=node.span.line,
        )

#: Permissions of every file speechtree writes (outputs, the failure log, the
#: table): readable by all, as a file made with the usual umask would be.
OUTPUT_MODE = 0o644


class TableWriter:
    """Streams rows to a CSV (UTF-8 with BOM, for Excel) or JSONL file.

    The table is written to a temporary file beside the target and moved into
    place by ``close()``, so a reader never sees half a table; ``abort()``
    (or leaving the ``with`` block on an exception) removes it instead.
    """

    def __init__(
        self, target: str | os.PathLike[str], *, extra_columns: Iterable[str] = ()
    ) -> None:
        self.target = Path(target)
        # Columns before the usual ones (the id columns of a table of texts),
        # renamed where they would shadow one of them.
        self.extra = tuple(f"{c}_id" if c in COLUMNS else c for c in extra_columns)
        suffix = self.target.suffix.lower()
        if suffix not in TABLE_SUFFIXES:
            raise ValueError(
                f"table file must end in {' or '.join(TABLE_SUFFIXES)}, not {self.target.name!r}"
            )
        self.kind = suffix[1:]
        parent = self.target.parent
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{self.target.name}.", suffix=".tmp")
        # mkstemp makes the file 0600; the table is an output like the others.
        os.chmod(fd, OUTPUT_MODE)
        self._tmp = Path(tmp)
        self.count = 0
        if self.kind == "csv":
            # utf-8-sig writes the BOM Excel needs to read the file as UTF-8.
            self._fh: io.TextIOBase = open(  # closed in close()/abort()
                fd, "w", encoding="utf-8-sig", newline=""
            )
            self._csv = csv.writer(self._fh)
            self._csv.writerow((*self.extra, *COLUMNS))
        else:
            self._bin = open(fd, "wb")  # closed in close()/abort()

    @property
    def temp_path(self) -> Path:
        """The temporary file the rows go to until :meth:`close`."""
        return self._tmp

    def write(self, items: Iterable[Row], *, extra: Sequence[object] = ()) -> None:
        """Write rows; ``extra`` holds the values of the extra columns."""
        if self.kind == "csv":
            for r in items:
                self._csv.writerow([*extra, *("" if v is None else v for v in r)])
                self.count += 1
        else:
            lead = dict(zip(self.extra, extra, strict=False))
            for r in items:
                self._bin.write(orjson.dumps({**lead, **r._asdict()}) + b"\n")
                self.count += 1

    def _fileobj(self) -> io.IOBase:
        return self._fh if self.kind == "csv" else self._bin

    def close(self) -> None:
        """Finish the table and move it into place."""
        self._fileobj().close()
        os.replace(self._tmp, self.target)

    def abort(self) -> None:
        self._fileobj().close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_table(items: Iterable[Row], target: str | os.PathLike[str]) -> int:
    """Write rows to ``target`` (.csv or .jsonl); return how many."""
    with TableWriter(target) as w:
        w.write(items)
        return w.count
