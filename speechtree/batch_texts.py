"""Batch stage (tables of texts): every row of a CSV/JSONL/Parquet table parsed,
one output per row, named by its id.

The row-by-row twin of :func:`speechtree.batch.convert_folder`, on the same
ordered, bounded process map and with the same guarantees: every row ends
as an output or one line of ``_errors.jsonl``, outputs are written
atomically, and the ``--table`` of nodes carries the id columns.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .batch import (
    FORMAT_SUFFIX,
    Existing,
    Failure,
    FileOutcome,
    OutputDirError,
    OutputError,
    Summary,
    _check_output_dir,
    _check_timeout,
    _crashed,
    _gc_paused,
    _ordered_map,
    _Sink,
    _time_limit,
    _warm_up,
    _write_atomic,
    default_jobs,
)
from .errors import InputError
from .guard import locked_folder, remove_leftovers
from .options import ParseOptions
from .parser import parse
from .readers.html import sniff_html
from .readers.tables import TextRow, iter_table, safe_name
from .render import render
from .rows import rows


@dataclass(frozen=True)
class _TextTask:
    row: TextRow
    out_name: str  # file name of the output inside the output folder
    out_root: str
    fmt: str
    existing: Existing
    want_rows: bool
    with_text: bool
    options: ParseOptions | None
    timeout: float | None
    problem: str | None = None


def _convert_text(task: _TextTask) -> FileOutcome:
    """Runs in a worker: parse one row's text, render, write; never raises."""
    name = task.row.name
    if task.problem is not None:
        return FileOutcome(name, "failed", Failure(name, "InputError", task.problem))
    target = os.path.join(task.out_root, task.out_name)
    try:
        if task.row.text is None:
            raise InputError("the text cell of this row is empty", path=name)
        if task.existing != "overwrite" and os.path.lexists(target):
            if task.existing == "refuse":
                raise OutputError("output exists (use --overwrite or --skip-existing)")
            return FileOutcome(name, "skipped", counted=False)
        data: str | bytes = task.row.text
        if isinstance(data, str) and sniff_html(data[:4096].encode("utf-8", "replace")):
            data = data.encode("utf-8")  # a scraped page kept as markup: read it as one
        with _time_limit(task.timeout, name), _gc_paused():
            doc = parse(data, path=name, options=task.options)
            out = render(doc, task.fmt, with_text=task.with_text).encode("utf-8")
        try:
            _write_atomic(target, out)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except Exception as exc:  # one bad row never stops the batch
        return FileOutcome(name, "failed", Failure.of(name, exc))
    node_rows = tuple(rows(doc, file=name)) if task.want_rows else ()
    return FileOutcome(
        name, "written", encoding=doc.source.encoding, size=len(task.row.text),
        speeches=len(doc.speeches), nodes=sum(1 for _ in doc.walk()), rows=node_rows,
    )


def convert_table(
    table_in: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    *,
    text_column: str,
    id_columns: Sequence[str] = (),
    fmt: str = "json",
    jobs: int | None = None,
    existing: Existing = "refuse",
    table: str | os.PathLike[str] | None = None,
    options: ParseOptions | None = None,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    timeout: float | None = None,
    with_text: bool = False,
) -> Summary:
    """Parse the ``text_column`` of every row of ``table_in`` (.csv, .tsv,
    .jsonl, .parquet) into ``output_dir/<id>.json``, where the id is the
    ``id_columns`` joined by ``_`` (or ``row000001``… without them). A row
    whose id repeats an earlier one, or whose text is empty, is a failure.
    The ``table`` of nodes gets the id columns first, then the usual ones."""
    if fmt not in FORMAT_SUFFIX:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMAT_SUFFIX)}")
    n = default_jobs() if jobs is None else max(1, jobs)
    _check_timeout(timeout, n)
    out_dir = Path(output_dir)
    if not Path(table_in).is_file():
        raise InputError("no such table file", path=os.fspath(table_in))
    _check_output_dir(out_dir, existing)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputDirError(exc.strerror or str(exc), path=str(out_dir)) from None
    out_root = os.path.realpath(out_dir)
    with locked_folder(out_root):
        # Checked again under the lock, as convert_folder does: two batches
        # started together both saw an empty folder before either held it.
        _check_output_dir(out_dir, existing)
        if existing != "refuse":
            remove_leftovers(out_root)  # from a batch that was killed
        return _convert_rows(table_in, out_dir, out_root, text_column, id_columns, fmt, n,
                             existing, table, options, on_outcome, timeout, with_text)


def _convert_rows(
    table_in: str | os.PathLike[str], out_dir: Path, out_root: str, text_column: str,
    id_columns: Sequence[str], fmt: str, n: int, existing: Existing,
    table: str | os.PathLike[str] | None, options: ParseOptions | None,
    on_outcome: Callable[[FileOutcome], None] | None, timeout: float | None, with_text: bool,
) -> Summary:
    """:func:`convert_table` once it holds the output folder."""
    records = iter_table(table_in, text_column, id_columns)
    first = next(records, None)  # a missing column is an error before any work
    _warm_up(n, options)
    suffix = FORMAT_SUFFIX[fmt]
    started = time.perf_counter()

    def tasks() -> Iterator[_TextTask]:
        seen: dict[str, str] = {}
        rest = [] if first is None else [first]
        for row in _chain(rest, records):
            out_name = safe_name(row.name) + suffix
            problem = None
            if out_name.lower() in seen:
                problem = (f"its id gives the output name {out_name}, "
                           f"already taken by row {seen[out_name.lower()]}")
            else:
                seen[out_name.lower()] = row.name
            yield _TextTask(row, out_name, out_root, fmt, existing, table is not None,
                            with_text, options, timeout, problem)

    sink = _Sink(out_dir, out_root, table, extra_columns=id_columns)
    try:
        for task, outcome in _ordered_map(
            _convert_text, tasks(), n,
            lambda t, e: FileOutcome(t.row.name, "failed", _crashed(t.row.name, e)),
            lambda t: len(t.row.text or ""),
        ):
            sink.add(outcome, extra=task.row.ids)
            if on_outcome is not None:
                on_outcome(outcome)
    except BaseException:
        sink.abort()
        raise
    return sink.finish(started)


def _chain(first: list[TextRow], rest: Iterator[TextRow]) -> Iterator[TextRow]:
    yield from first
    yield from rest
