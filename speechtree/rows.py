"""Rows: the outline flattened to one row per node, for CSV/JSONL tables."""

from __future__ import annotations

import csv
import importlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

if TYPE_CHECKING:
    import pandas

    from .models import Document, Node, Speech


class Row(NamedTuple):
    """One outline node as a flat record with its context (the columns of ``--table``).

    Every number counts from 1. ``path`` is the node's place in its speech as
    ``/3/2/1`` (first child of the second child of the third section): no CSV
    reader or spreadsheet takes it for a number or a date, as ``1.10`` would be.
    """

    file: str
    speech: int  # 1-based number of the speech in its file
    speech_label: str | None  # 第一篇 …
    speech_title: str
    date: str | None  # ISO 8601, partial when the text is (2020-06)
    speaker: str | None
    occasion: str | None
    path: str  # "/3/2/1"
    parent_path: str | None  # None at a speech's top level
    parent_title: str | None
    level: int
    kind: str
    style: str
    marker: str
    ordinal: int | None
    title: str
    text: str  # the node's own body, cleaned
    body_chars: int
    line: int
    end_line: int
    start: int  # character offsets [start, end) into the original text
    end: int


COLUMNS: tuple[str, ...] = Row._fields

#: Table formats by file suffix.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".jsonl", ".parquet")

#: The extras that install what a format needs.
_EXTRA_FOR = {"pyarrow": "parquet", "pandas": "pandas"}


def _meta(sp: Speech, field: str) -> str | None:
    v = getattr(sp.metadata, field)
    return None if v is None else str(v.value)


def rows(doc: Document, *, file: str | None = None) -> Iterator[Row]:
    """The nodes of ``doc`` in document order as rows; ``file`` defaults to
    the path the document was parsed from (empty when it had none)."""
    name = file if file is not None else (doc.source.path or "")
    for si, sp in enumerate(doc.speeches, 1):
        head = (name, si, sp.label, sp.title, _meta(sp, "date"), _meta(sp, "speaker"),
                _meta(sp, "occasion"))
        # Depth first, in document order: [parent path, parent title, children, next index].
        stack: list[list[Any]] = [["", None, sp.sections, 0]]
        while stack:
            top = stack[-1]
            ppath, ptitle, kids, k = top
            if k == len(kids):
                stack.pop()
                continue
            top[3] = k + 1
            node: Node = kids[k]
            path = f"{ppath}/{k + 1}"
            s = node.span
            yield Row(
                *head,
                path=path,
                parent_path=ppath or None,
                parent_title=ptitle,
                level=node.level,
                kind=node.kind,
                style=node.style,
                marker=node.marker,
                ordinal=node.ordinal,
                title=node.title,
                text=node.text,
                body_chars=len(node.text),
                line=s.line,
                end_line=s.end_line,
                start=s.start,
                end=s.end,
            )
            if node.children:
                stack.append([path, node.title, node.children, 0])


#: Permissions of every file speechtree writes (outputs, the failure log, the
#: table): readable by all, as a file made with the usual umask would be.
OUTPUT_MODE = 0o644


class TableWriter:
    """Streams rows to a CSV (UTF-8 with BOM, for Excel) or JSONL file.

    The table is written to a temporary file beside the target and moved into
    place by ``close()``, so a reader never sees half a table; ``abort()``
    (or leaving the ``with`` block on an exception) removes it instead. On a
    full disk the table is cut after the last whole file's rows and
    :attr:`error` says how many rows are missing (see :meth:`write`).
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
        self.count = 0  # rows written (rows of a failed write not counted)
        self.lost = 0  # rows that could not be written (a full disk)
        self.failed: OSError | None = None
        #: Set by close() when the table is incomplete or could not be moved
        #: into place; "" when every row is in it.
        self.error = ""
        self._fd = -1
        if self.kind == "parquet":
            os.close(fd)
            self._pa = _optional("pyarrow")
            self._pq = _optional("pyarrow.parquet")
            self._schema = _arrow_schema(self._pa, self.extra)
            self._pw = self._pq.ParquetWriter(str(self._tmp), self._schema)
            self._batch: list[tuple[object, ...]] = []
            return
        # CSV and JSONL go straight to the file descriptor, one write() call
        # per file's rows, so that a failed write (a full disk) can be cut
        # back to the last whole file: the table stays valid, shorter.
        self._fd = fd
        self._size = 0
        if self.kind == "csv":
            self._buf = io.StringIO(newline="")
            self._csv = csv.writer(self._buf)
            self._csv.writerow((*self.extra, *COLUMNS))
            # The BOM tells Excel the file is UTF-8.
            self._put("\ufeff" + self._take(), 0)

    @property
    def temp_path(self) -> Path:
        """The temporary file the rows go to until :meth:`close`."""
        return self._tmp

    def write(self, items: Iterable[Row], *, extra: Sequence[object] = ()) -> None:
        """Write rows; ``extra`` holds the values of the extra columns.

        A write that fails with an ``OSError`` (a full disk) is not raised:
        the table is cut back to the rows written before it, nothing more is
        written, and :meth:`close` reports it in :attr:`error`."""
        if self.kind == "parquet":
            ex = tuple(str(v) for v in extra)
            for r in items:
                self._batch.append((*ex, *r))
                self.count += 1
            if len(self._batch) >= 50_000 and self.failed is None:
                try:
                    self._flush()
                except OSError as exc:
                    self.failed = exc
        elif self.kind == "csv":
            n = 0
            for r in items:
                self._csv.writerow([*extra, *("" if v is None else v for v in r)])
                n += 1
            self._put(self._take(), n)
        else:
            lead = dict(zip(self.extra, extra, strict=False))
            lines = [orjson.dumps({**lead, **r._asdict()}) for r in items]
            if lines:
                lines.append(b"")
            self._put(b"\n".join(lines), len(lines) - 1 if lines else 0)

    def _take(self) -> str:
        text = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        return text

    def _put(self, data: str | bytes, n: int) -> None:
        """Write ``data`` (``n`` rows) whole, or cut the file back to before it."""
        if self.failed is None:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            try:
                view = memoryview(raw)
                while view:
                    view = view[os.write(self._fd, view):]
                self._size += len(raw)
                self.count += n
                return
            except OSError as exc:
                self.failed = exc
                try:
                    os.ftruncate(self._fd, self._size)
                except OSError:
                    pass
        self.lost += n

    def _flush(self) -> None:
        cols = list(zip(*self._batch, strict=True)) if self._batch else [
            () for _ in self._schema.names
        ]
        table = self._pa.table(
            {n: self._pa.array(c, type=self._schema.field(n).type)
             for n, c in zip(self._schema.names, cols, strict=True)},
            schema=self._schema,
        )
        self._pw.write_table(table)
        self._batch = []

    def _finish(self) -> None:
        if self.kind == "parquet":
            if self._batch or not self.count:
                self._flush()
            self._pw.close()
        elif self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def close(self) -> None:
        """Finish the table and move it into place. Problems writing it go to
        :attr:`error` (the table, cut after the last whole file's rows, is
        still moved into place); for Parquet, whose file cannot be cut, an
        ``OSError`` removes the table and is raised."""
        if self.kind == "parquet":
            # A Parquet file cannot be cut after its last whole row group:
            # when a write failed, no table is better than a broken one.
            try:
                if self.failed is None:
                    self._finish()
            except OSError as exc:
                self.failed = exc
            if self.failed is not None:
                self.abort()
                self.error = (
                    f"cannot write {self.target}: {self.failed.strerror or self.failed} "
                    "(a Parquet table cannot be cut short, so none was written)"
                )
                return
        else:
            self._finish()
        try:
            os.replace(self._tmp, self.target)
        except OSError as exc:
            self._tmp.unlink(missing_ok=True)
            self.error = f"cannot write {self.target}: {exc.strerror or exc}"
            return
        if self.failed is not None:
            self.error = (
                f"{self.target} is incomplete: {self.lost:,} row(s) could not be written "
                f"({self.failed.strerror or self.failed})"
            )

    def abort(self) -> None:
        try:
            self._finish()
        except OSError:  # (Parquet's footer on a full disk): the file goes anyway
            pass
        finally:
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
    """Write rows to ``target`` (.csv, .jsonl or .parquet); return how many."""
    with TableWriter(target) as w:
        w.write(items)
    if w.error:
        raise OSError(w.error)
    return w.count


#: Column types, for Parquet and pandas: every string column may be null
#: only where the Row says so; numbers are integers, ``ordinal`` nullable.
_INT_COLUMNS = ("speech", "level", "body_chars", "line", "end_line", "start", "end")
_CATEGORY_COLUMNS = ("kind", "style")


def _optional(module: str) -> Any:
    from .readers.base import MissingExtraError

    try:
        return importlib.import_module(module)
    except ImportError:
        extra = _EXTRA_FOR[module.split(".")[0]]
        raise MissingExtraError(
            f"this needs the '{module.split('.')[0]}' library: "
            f"pip install 'speechtree[{extra}]'"
        ) from None


def _arrow_schema(pa: Any, extra: Sequence[str]) -> Any:
    fields = [pa.field(c, pa.string()) for c in extra]
    for c in COLUMNS:
        if c in _INT_COLUMNS:
            fields.append(pa.field(c, pa.int32(), nullable=False))
        elif c == "ordinal":
            fields.append(pa.field(c, pa.int32()))
        elif c in _CATEGORY_COLUMNS:
            fields.append(pa.field(c, pa.dictionary(pa.int8(), pa.string()), nullable=False))
        else:
            fields.append(pa.field(c, pa.string()))
    return pa.schema(fields)


def to_dataframe(
    docs: Iterable[Document], *, files: Sequence[str] | None = None
) -> pandas.DataFrame:
    """The rows of every document as one pandas DataFrame (needs ``pandas``).

    Integers are ``int32``, ``ordinal`` the nullable ``Int32``, ``kind`` and
    ``style`` categories, text columns ``str`` (a missing date, speaker or
    parent is missing, not ``""``). ``files`` names each document's rows
    (default: its source path).
    """
    pd = _optional("pandas")
    records: list[Row] = []
    for k, doc in enumerate(docs):
        records.extend(rows(doc, file=None if files is None else files[k]))
    df = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    for c in COLUMNS:
        if c in _INT_COLUMNS:
            df[c] = df[c].astype("int32")
        elif c == "ordinal":
            df[c] = df[c].astype("Int32")
        elif c in _CATEGORY_COLUMNS:
            df[c] = df[c].astype("category")
        else:
            df[c] = df[c].astype(str).where(df[c].notna(), None) if len(df) else df[c].astype(str)
    return df
