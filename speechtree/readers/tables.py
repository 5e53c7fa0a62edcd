"""Reader stage (tables of texts): one text per row of a CSV, JSONL or Parquet file.

A scraper's output is usually a table with a text column and some id
columns; each row is one input of ``speechtree batch TABLE --text-column``.
Rows are read lazily (Parquet in record batches), so a large table is never
held in memory whole.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import orjson

from ..errors import InputError
from .base import require

#: Table formats by suffix.
TABLE_INPUT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True)
class TextRow:
    """One row: its name (the id columns joined by ``_``, or its row number),
    the id columns' values, and its text (None when the cell is empty), or a
    problem that stands for it."""

    name: str
    ids: tuple[str, ...]
    text: str | bytes | None
    problem: str | None = None


def safe_name(name: str) -> str:
    """``name`` usable as a file name: no folder separators, control or
    reserved characters, not hidden, at most 120 characters."""
    out = _UNSAFE.sub("_", name).strip(" .")
    return out[:120] or "_"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id column read as float: 12.0 → 12
    return str(value)


def iter_table(
    path: str | os.PathLike[str], text_column: str, id_columns: Sequence[str] = ()
) -> Iterator[TextRow]:
    """The rows of the table at ``path``. Raises InputError (before the first
    row) when it cannot be read or lacks a named column."""
    p = os.fspath(path)
    suffix = os.path.splitext(p)[1].lower()
    if suffix not in TABLE_INPUT_SUFFIXES:
        raise InputError(
            f"not a table of texts: expected {', '.join(TABLE_INPUT_SUFFIXES)}", path=p
        )
    records = _records(p, suffix)
    width = 6
    first = True
    for number, rec in enumerate(records, 1):
        if first:
            missing = [c for c in (text_column, *id_columns) if c not in rec]
            if missing:
                raise InputError(
                    f"no column {', '.join(repr(c) for c in missing)}; columns: "
                    + ", ".join(map(str, rec)), path=p
                )
            first = False
        ids = tuple(_cell(rec.get(c)) for c in id_columns)
        name = "_".join(ids) if id_columns and any(ids) else f"row{number:0{width}d}"
        value = rec.get(text_column)
        if value is not None and not isinstance(value, str | bytes):
            value = str(value)
        yield TextRow(name, ids, value if value else None)


def _records(p: str, suffix: str) -> Iterator[dict[str, object]]:
    try:
        if suffix == ".parquet":
            pq = require("pyarrow.parquet", "Parquet tables", p)
            pf = pq.ParquetFile(p)
            for batch in pf.iter_batches(batch_size=256):
                yield from batch.to_pylist()
            return
        with open(p, "rb") as fh:
            data = fh.read()
        text = _decode(data, p)
        if suffix in (".jsonl", ".ndjson"):
            for i, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    rec = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise InputError(f"line {i} is not JSON ({exc})", path=p, line=i) from None
                if not isinstance(rec, dict):
                    raise InputError(f"line {i} is not a JSON object", path=p, line=i)
                yield rec
            return
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # speeches are long cells
        reader = csv.DictReader(io.StringIO(text, newline=""),
                                delimiter="\t" if suffix == ".tsv" else ",")
        yield from reader
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), path=p) from None
    except csv.Error as exc:
        raise InputError(f"not readable as CSV ({exc})", path=p) from None


def _decode(data: bytes, p: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel saves on a
    Chinese system)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 or GB18030 text", path=p) from None
