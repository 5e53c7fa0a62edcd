"""Batch stage: many files at once, in parallel processes, streamed in input order.

Two entry points:

* :func:`parse_many` parses any iterable of paths and yields one
  :class:`Result` per path, in the order given.
* :func:`convert_folder` (the ``speechtree batch`` command) mirrors an input
  tree into an output tree of JSON/YAML files, records every failure in
  ``_errors.jsonl`` and returns a :class:`Summary`.

Both are streaming: paths are pulled from the iterable (or the folder walk)
only as fast as workers take them, through a window of a few tasks per
worker, so memory does not grow with the size of the corpus.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import multiprocessing.context
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import orjson

from . import readers, yaml_io
from .decode import read_limited
from .errors import InputError, SpeechtreeError, TimeLimitError, display_path
from .grammar import chinese_numeral
from .guard import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    locked_folder,
    remove_leftovers,
    worker_init,
    write_atomic,
)
from .models import Document
from .options import DEFAULT_OPTIONS, ParseOptions
from .parser import parse
from .render import render
from .rows import OUTPUT_MODE, Row, TableWriter, rows

#: Output file suffix for each format ``convert_folder`` can write.
FORMAT_SUFFIX: dict[str, str] = {"json": ".json", "yaml": ".yaml"}

#: Name of the failure log inside the output folder.
ERRORS_FILE = "_errors.jsonl"

DEFAULT_GLOB = readers.DEFAULT_GLOB

Existing = Literal["refuse", "overwrite", "skip"]

#: Files sent to a worker at a time. One file is about a millisecond of work
#: on a typical speech, and handing a task to a process and its result back
#: costs a good part of that: in chunks, that cost is paid once per chunk.
#: A chunk also ends once its files reach _CHUNK_BYTES, so large files travel
#: alone and the documents in flight (parse_many) stay few.
_CHUNK = 16
_CHUNK_BYTES = 1 << 20

#: Chunks in flight per worker: enough to keep workers busy while the parent
#: waits on a slow file at the head of the queue, few enough to keep memory flat.
_WINDOW_PER_JOB = 3

_T = TypeVar("_T")
_R = TypeVar("_R")


class OutputDirError(SpeechtreeError):
    """The output folder cannot be used as asked (not empty, same as the input…)."""

    exit_code = 2


class NoInputsError(InputError):
    """No file under the input folder matches the glob (exit 3, like a missing
    folder: a typo in ``--glob`` should not look like a finished batch)."""


class OutputError(SpeechtreeError):
    """One output cannot be written (exists, outside the output folder, disk full…)."""


@dataclass(frozen=True)
class Failure:
    """Why one input produced no output: the error class name and its message."""

    path: str
    error: str
    message: str
    line: int | None = None

    @classmethod
    def of(cls, path: str, exc: BaseException) -> Failure:
        if isinstance(exc, SpeechtreeError):
            return cls(path, type(exc).__name__, exc.message, exc.line)
        # Anything else is a bug in speechtree; keep the batch going and say so.
        return cls(path, type(exc).__name__, f"internal error: {exc}")

    def to_json(self) -> bytes:
        rec: dict[str, object] = {
            "path": display_path(self.path), "error": self.error, "message": self.message
        }
        if self.line is not None:
            rec["line"] = self.line
        return orjson.dumps(rec)


@dataclass(frozen=True)
class Result:
    """The outcome of one path in :func:`parse_many`: a document or a failure."""

    path: str
    document: Document | None = None
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def default_jobs() -> int:
    return os.cpu_count() or 1


# -- the ordered, bounded, crash-tolerant process map ------------------------


def _ordered_map(
    fn: Callable[[_T], _R],
    tasks: Iterable[_T],
    jobs: int,
    on_crash: Callable[[_T, BaseException], _R],
    size: Callable[[_T], int] = lambda t: 0,
) -> Iterator[tuple[_T, _R]]:
    """``(task, fn(task))`` in task order, computed by ``jobs`` processes.

    Tasks go to the workers in chunks of up to ``_CHUNK`` tasks and, by
    ``size`` (the bytes a task reads), about ``_CHUNK_BYTES``. ``fn`` must not
    raise (it turns errors into values). If a worker process dies (killed,
    out of memory, a crash in C code), every task in flight is lost with it;
    those are run again one at a time in a fresh pool so that the one that
    kills a worker is named (``on_crash``) and the rest succeed.
    """
    if jobs <= 1:
        for t in tasks:
            yield t, fn(t)
        return

    chunks = _chunked(tasks, size)
    window = jobs * _WINDOW_PER_JOB
    pending: deque[tuple[list[_T], Future[list[_R]]]] = deque()
    pool = _new_pool(jobs)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < window:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                try:
                    fut = pool.submit(_map_chunk, fn, chunk)
                except BrokenProcessPool as exc:
                    # Broke while filling the window: handled below with the rest.
                    fut = Future()
                    fut.set_exception(exc)
                pending.append((chunk, fut))
            if not pending:
                return
            chunk, fut = pending.popleft()
            try:
                results = fut.result()
            except BrokenProcessPool:
                lost = chunk + [t for c, _ in pending for t in c]
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _new_pool(jobs)
                for lt in lost:
                    try:
                        lr = pool.submit(fn, lt).result()
                    except BrokenProcessPool as exc:
                        pool.shutdown(wait=True, cancel_futures=True)
                        pool = _new_pool(jobs)
                        lr = on_crash(lt, exc)
                    yield lt, lr
                continue
            yield from zip(chunk, results, strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    # Each worker starts by freezing what it inherits (the imported modules,
    # the grammar): the cyclic collector then never walks those objects, which
    # costs time and, after a fork, copies every page it touches.
    # (and watches its parent, so that it ends when the batch is killed).
    ctx = _pool_context()
    # A forked worker watches this process; one from the fork server watches
    # the server, which ends when this process does.
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=worker_init,
        initargs=(os.getpid() if ctx is None else None,),
    )


def _threads() -> int:
    """Threads of this process, native ones (pyarrow's pool, a web server's)
    included where the system says (Linux)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """How workers start: the platform's default (fork on Linux before Python
    3.14: the workers inherit the imported parser for free), unless this
    process already runs other threads. A fork then copies locks another
    thread may hold, and the child can deadlock (Python 3.12 warns); workers
    come from a fork server instead, one clean process that has imported the
    parser once."""
    if _threads() <= 1 or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def _chunked(items: Iterable[_T], size: Callable[[_T], int]) -> Iterator[list[_T]]:
    """Consecutive chunks of up to _CHUNK items, closed early once their
    sizes reach _CHUNK_BYTES."""
    chunk: list[_T] = []
    total = 0
    for t in items:
        chunk.append(t)
        total += size(t)
        if len(chunk) >= _CHUNK or total >= _CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reading it will say what is wrong


def _map_chunk(fn: Callable[[_T], _R], chunk: list[_T]) -> list[_R]:
    """Run in a worker: ``fn`` over one chunk of tasks."""
    return [fn(t) for t in chunk]


def _warm_up(jobs: int, options: ParseOptions | None) -> None:
    """Build the marker grammar, and read the commonest markers, in this
    process before workers are forked, so each worker inherits them instead
    of doing it again."""
    if jobs > 1:
        # Only the styles matter here (readings are kept per style table).
        styles = ParseOptions(disabled_styles=options.disabled_styles) if options else None
        parse(_warm_up_text(), options=styles)


@functools.cache
def _warm_up_text() -> str:
    """Markers of every common style with ordinals 1–20, one paragraph each."""
    lines = []
    for n in range(1, 21):
        cn = chinese_numeral(n)
        lines += [f"{cn}、甲", f"（{cn}）乙", f"{n}.丙", f"（{n}）丁", f"{chr(0x245F + n)}戊",
                  f"第{cn}，己。{cn}是庚；{cn}要辛。"]
    return "\n".join(lines)


def _crashed(path: str, exc: BaseException) -> Failure:
    return Failure(path, "WorkerCrash", f"the worker process died on this file ({exc})")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around one file's parse.

    A parse builds many objects and frees them by reference counting; the
    collector's full passes over a large document's live objects only cost
    time (7% on the corpus, 20% on a 10 MB speech, see benchmarks/README.md).
    Cycles, if any, are collected once it runs again after the file.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def _time_limit(seconds: float | None, path: str) -> Iterator[None]:
    """Raise TimeLimitError when the block runs longer than ``seconds``.

    A real-time alarm (SIGALRM), so it works in the main thread of a process
    only: batch workers, or the caller's main thread with one job (see
    :func:`_check_timeout`). The alarm interrupts Python code between two
    steps; no single step of a parse runs long.
    """
    if seconds is None:
        yield
        return

    def on_alarm(_signum: int, _frame: object) -> None:
        raise TimeLimitError(f"took longer than the time limit of {seconds:g} s", path=path)

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _check_timeout(timeout: float | None, jobs: int) -> None:
    """Refuse a time limit that could not be kept, before any file is read."""
    if timeout is None:
        return
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if not hasattr(signal, "setitimer"):
        raise ValueError("a per-file time limit needs SIGALRM, which this platform lacks")
    if jobs <= 1 and threading.current_thread() is not threading.main_thread():
        raise ValueError(
            "a per-file time limit with one job needs the main thread; use jobs >= 2 here"
        )


# -- reading -----------------------------------------------------------------


def _read(path: str, options: ParseOptions | None) -> bytes:
    """The bytes of a regular file; never blocks on a FIFO or device, and
    never reads more than the size limit allows (a 10 GB file is refused
    after ``max_bytes + 1`` bytes, not read whole)."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise InputError("is a directory, not a file", path=path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError("not a regular file", path=path)
        with open(path, "rb") as fh:
            return read_limited(fh, (options or DEFAULT_OPTIONS).max_bytes, path, st.st_size)
    except FileNotFoundError:
        msg = "dangling symbolic link" if os.path.islink(path) else "no such file"
        raise InputError(msg, path=path) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), path=path) from None


# -- parse_many --------------------------------------------------------------


@dataclass(frozen=True)
class _ParseTask:
    path: str
    options: ParseOptions | None
    timeout: float | None = None
    data: str | bytes | None = None  # a text given as such, not read from ``path``


@dataclass(frozen=True)
class TextInput:
    """A text (str, or bytes of any supported format) for :func:`parse_many`,
    with the id its Result and Source.path carry."""

    id: str
    data: str | bytes


def _task_of(
    item: str | os.PathLike[str] | TextInput | tuple[str, str | bytes],
    options: ParseOptions | None, timeout: float | None,
) -> _ParseTask:
    if isinstance(item, TextInput):
        return _ParseTask(item.id, options, timeout, item.data)
    if isinstance(item, tuple):
        return _ParseTask(item[0], options, timeout, item[1])
    return _ParseTask(os.fspath(item), options, timeout)


def _parse_one(task: _ParseTask) -> Result:
    try:
        with _time_limit(task.timeout, task.path), _gc_paused():
            data = _read(task.path, task.options) if task.data is None else task.data
            doc = parse(data, path=task.path, options=task.options)
    except Exception as exc:  # one bad file never stops the batch
        return Result(task.path, failure=Failure.of(task.path, exc))
    return Result(task.path, document=doc)


def parse_many(
    paths: Iterable[str | os.PathLike[str] | TextInput | tuple[str, str | bytes]],
    *,
    jobs: int | None = None,
    options: ParseOptions | None = None,
    timeout: float | None = None,
) -> Iterator[Result]:
    """Parse every path, ``jobs`` processes at a time (default: all cores),
    yielding one :class:`Result` per path in the order given.

    ``paths`` is consumed lazily, so it may be a generator over a huge
    corpus. A file that cannot be read or parsed gives a Result with
    ``failure`` set; it never stops the others. With ``timeout`` (seconds),
    a file that takes longer fails with ``TimeLimitError``. An item may
    also be a text rather than a path: a :class:`TextInput` or an
    ``(id, str_or_bytes)`` pair, whose Result is named by the id.
    """
    n = default_jobs() if jobs is None else max(1, jobs)
    _check_timeout(timeout, n)
    _warm_up(n, options)
    tasks = (_task_of(p, options, timeout) for p in paths)
    for _task, result in _ordered_map(
        _parse_one,
        tasks,
        n,
        lambda t, e: Result(t.path, failure=_crashed(t.path, e)),
        lambda t: _file_size(t.path) if t.data is None else len(t.data),
    ):
        yield result


# -- walking an input folder ------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A regex for a glob over ``/``-separated relative paths: ``*`` and ``?``
    stay inside one folder, ``**/`` spans any number of folders (none too),
    ``[...]`` is a character class, ``{a,b}`` either of the names."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "{" and "}" in pattern[i:] and "/" not in pattern[i : pattern.index("}", i)]:
            j = pattern.find("}", i)  # {a,b}: either name (no nesting)
            names = pattern[i + 1 : j].split(",")
            out.append("(?:" + "|".join(re.escape(a) for a in names) + ")")
            i = j + 1
        elif c == "[" and pattern.find("]", i + 2) > 0:
            j = pattern.find("]", i + 2)  # "[]x]": a "]" right after "[" is a member
            body = pattern[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


@dataclass(frozen=True)
class InputFile:
    """One input found by :func:`iter_inputs`: its path relative to the input
    folder (``/``-separated), or a problem that stands for it (a folder that
    cannot be listed, an output name already taken)."""

    rel: str
    problem: str | None = None
    problem_class: str = "InputError"


@dataclass
class WalkStats:
    symlink_loops: int = 0


def iter_inputs(
    root: str | os.PathLike[str],
    pattern: str = DEFAULT_GLOB,
    *,
    exclude: str | os.PathLike[str] | None = None,
    suffix: str | None = None,
    stats: WalkStats | None = None,
    skip_files: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[InputFile]:
    """Files under ``root`` whose relative path matches ``pattern``, lazily,
    folder by folder, in sorted (code point) order so runs are reproducible.

    Symbolic links to folders are followed, except one that leads back into
    a folder being walked (a loop), which is skipped and counted in
    ``stats``. ``exclude`` (the output folder, when it lies inside the input)
    is not entered, and ``skip_files`` (the table being written, when it lies
    inside the input) are not yielded. Entries that match but are not regular files — dangling
    links, FIFOs — are yielded too, so each gets an error record rather than
    vanishing. With ``suffix``, two inputs of one folder whose outputs would
    share a name (``x.txt``, ``x.TXT`` → ``x.json``) are told apart: the
    second is yielded with a problem.
    """
    rx = glob_regex(pattern)
    max_depth = None if "**" in pattern else pattern.count("/")
    root_s = os.fspath(root)
    excl: tuple[int, int] | None = None
    if exclude is not None:
        try:
            st = os.stat(exclude)
            excl = (st.st_dev, st.st_ino)
        except OSError:
            excl = None
    skip_ids: set[tuple[int, int]] = set()
    for f in skip_files:
        try:
            st = os.stat(f)
        except OSError:
            continue
        skip_ids.add((st.st_dev, st.st_ino))
    skip_inos = {ino for _, ino in skip_ids}
    root_st = os.stat(root_s)
    # Each stack frame: (entries still to visit, rel prefix, depth, ancestors' ids)
    stack: list[tuple[Iterator[os.DirEntry[str]], str, int, frozenset[tuple[int, int]]]] = []

    def listing(abs_dir: str, rel_dir: str) -> Iterator[os.DirEntry[str]] | InputFile:
        try:
            with os.scandir(abs_dir) as sd:
                entries = sorted(sd, key=lambda e: e.name)
        except OSError as exc:
            return InputFile(rel_dir or ".", f"cannot list folder: {exc.strerror or exc}")
        return iter(entries)

    first = listing(root_s, "")
    if isinstance(first, InputFile):
        yield first
        return
    stack.append((first, "", 0, frozenset({(root_st.st_dev, root_st.st_ino)})))
    taken: dict[str, dict[str, str]] = {}  # per folder: output name → input name
    while stack:
        entries, prefix, depth, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            taken.pop(prefix, None)
            continue
        rel = prefix + entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if is_dir:
            if max_depth is not None and depth >= max_depth:
                continue
            try:
                st = os.stat(entry.path)
            except OSError:
                continue
            ident = (st.st_dev, st.st_ino)
            if ident == excl:
                continue
            if ident in ancestors:
                if stats is not None:
                    stats.symlink_loops += 1
                continue
            sub = listing(entry.path, rel)
            if isinstance(sub, InputFile):
                yield sub
                continue
            stack.append((sub, rel + "/", depth + 1, ancestors | {ident}))
            continue
        if not rx.match(rel):
            continue
        if skip_inos and entry.inode() in skip_inos:  # (inode() costs no system call)
            try:
                st = entry.stat()
            except OSError:
                pass
            else:
                if (st.st_dev, st.st_ino) in skip_ids:
                    continue
        if suffix is not None:
            names = taken.setdefault(prefix, {})
            out_name = os.path.splitext(entry.name)[0] + suffix
            other = names.get(out_name)
            if other is not None:
                yield InputFile(
                    rel,
                    f"its output {prefix}{out_name} would overwrite that of {prefix}{other}",
                    "OutputNameClash",
                )
                continue
            names[out_name] = entry.name
        yield InputFile(rel)


def output_rel(rel: str, suffix: str) -> str:
    """``a/b/x.txt`` → ``a/b/x.json``."""
    head, name = os.path.split(rel)
    return os.path.join(head, os.path.splitext(name)[0] + suffix)


# -- convert_folder ----------------------------------------------------------


@dataclass(frozen=True)
class _ConvertTask:
    src: str  # where to read
    rel: str  # the input's path relative to the input folder; also Source.path
    out_root: str  # real path of the output folder
    fmt: str
    existing: Existing
    want_rows: bool
    options: ParseOptions | None
    problem: str | None = None
    problem_class: str = "InputError"
    timeout: float | None = None
    with_text: bool = False


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input of :func:`convert_folder`."""

    rel: str
    status: Literal["written", "skipped", "failed"]
    failure: Failure | None = None
    encoding: str | None = None
    size: int = 0
    speeches: int = 0
    nodes: int = 0
    rows: tuple[Row, ...] = ()
    #: False for a kept output that could not be read back to count it.
    counted: bool = True


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def _write_atomic(target: str, data: bytes) -> None:
    write_atomic(target, data, mode=OUTPUT_MODE)


def _load_existing(path: str, fmt: str) -> Document:
    with open(path, "rb") as fh:
        data = fh.read()
    if fmt == "yaml":
        return Document.from_dict(yaml_io.load(data))
    return Document.from_json(data)


def _convert_one(task: _ConvertTask) -> FileOutcome:
    """Runs in a worker: read, parse, render, write; never raises."""
    if task.problem is not None:
        return FileOutcome(
            task.rel, "failed", Failure(task.rel, task.problem_class, task.problem)
        )
    target = os.path.join(task.out_root, output_rel(task.rel, FORMAT_SUFFIX[task.fmt]))
    try:
        # A folder of the output tree may be a symbolic link left there by
        # someone else; never follow one out of the output folder.
        parent = os.path.realpath(os.path.dirname(target))
        if not _inside(parent, task.out_root):
            raise OutputError(f"output folder {parent} is outside {task.out_root}")
        if task.existing != "overwrite" and os.path.lexists(target):
            if task.existing == "refuse":
                raise OutputError("output exists (use --overwrite or --skip-existing)")
            # A kept output counts in the summary as what it holds; with a
            # table its rows are read back too, so the table covers everything.
            try:
                old = _load_existing(target, task.fmt)
            except Exception as exc:  # reported, not raised
                if not task.want_rows:  # kept all the same, but not counted
                    return FileOutcome(task.rel, "skipped", counted=False)
                raise OutputError(f"existing output cannot be read for the table: {exc}") from None
            kept_rows = tuple(rows(old, file=task.rel)) if task.want_rows else ()
            return FileOutcome(
                task.rel,
                "skipped",
                encoding=old.source.encoding,
                speeches=len(old.speeches),
                nodes=sum(1 for _ in old.walk()),
                rows=kept_rows,
            )
        # The limit covers reading and parsing, not writing: a file is either
        # written in full or recorded as failed, never both.
        with _time_limit(task.timeout, task.rel), _gc_paused():
            data = _read(task.src, task.options)
            doc = parse(data, path=task.rel, options=task.options)
            out = (
                doc.to_json_bytes() + b"\n"  # what render(doc, "json") gives, as bytes
                if task.fmt == "json" and not task.with_text
                else render(doc, task.fmt, with_text=task.with_text).encode("utf-8")
            )
        try:
            os.makedirs(parent, exist_ok=True)
            _write_atomic(target, out)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except Exception as exc:  # one bad file never stops the batch
        return FileOutcome(task.rel, "failed", Failure.of(task.rel, exc))
    node_rows = tuple(rows(doc, file=task.rel)) if task.want_rows else ()
    return FileOutcome(
        task.rel,
        "written",
        encoding=doc.source.encoding,
        size=len(data),
        speeches=len(doc.speeches),
        nodes=len(node_rows) if task.want_rows else sum(1 for _ in doc.walk()),
        rows=node_rows,
    )


@dataclass
class Summary:
    """Totals of one :func:`convert_folder` run."""

    files: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    speeches: int = 0
    nodes: int = 0
    bytes: int = 0
    rows: int = 0
    encodings: Counter[str] = field(default_factory=Counter)
    symlink_loops: int = 0
    uncounted: int = 0  # kept outputs that could not be read back to count
    seconds: float = 0.0
    errors_file: str = ""
    #: Set when the failure log could not be written in full (a full disk).
    log_error: str = ""
    #: Set when the ``table`` could not be written in full (a full disk).
    table_error: str = ""

    def add(self, o: FileOutcome) -> None:
        self.files += 1
        if o.status == "failed":
            self.failed += 1
        else:
            # Speeches, nodes and encodings count every output, kept ones too.
            if o.status == "written":
                self.written += 1
                self.bytes += o.size
            else:
                self.skipped += 1
                self.uncounted += not o.counted
            self.speeches += o.speeches
            self.nodes += o.nodes
            if o.encoding:
                self.encodings[o.encoding] += 1
        self.rows += len(o.rows)

    def format(self) -> str:
        secs = max(self.seconds, 1e-9)
        enc = ", ".join(f"{k} {v}" for k, v in sorted(self.encodings.items())) or "none"
        lines = [
            f"{self.files} files in {self.seconds:.1f} s "
            f"({self.files / secs:.1f} files/s, {self.bytes / secs / 1e6:.2f} MB/s): "
            f"{self.written} converted, {self.skipped} skipped (output existed), "
            f"{self.failed} failed",
            f"speeches {self.speeches}, nodes {self.nodes}; encodings: {enc}",
        ]
        if self.uncounted:
            lines.append(f"kept outputs not counted (cannot be read): {self.uncounted}")
        if self.symlink_loops:
            lines.append(f"symbolic link loops not followed: {self.symlink_loops}")
        if self.failed and not self.log_error:
            lines.append(f"failures are listed in {self.errors_file}")
        lines.extend(f"error: {e}" for e in self.errors())
        return "\n".join(lines)

    def errors(self) -> list[str]:
        """What could not be written (the failure log, the table): the run
        did not end well even when no input failed."""
        return [e for e in (self.log_error, self.table_error) if e]


def _check_output_dir(output_dir: Path, existing: Existing) -> None:
    """The output folder is a folder (or absent), and empty unless told otherwise."""
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputDirError("exists and is not a folder", path=str(output_dir))
    if existing == "refuse" and output_dir.is_dir() and any(output_dir.iterdir()):
        raise OutputDirError(
            "output folder is not empty; pass --overwrite to replace outputs "
            "or --skip-existing to keep them and convert the rest",
            path=str(output_dir),
        )


def _check_dirs(input_dir: Path, output_dir: Path, existing: Existing) -> None:
    if not input_dir.is_dir():
        raise InputError("input folder does not exist or is not a folder", path=str(input_dir))
    if output_dir.exists() and input_dir.resolve() == output_dir.resolve():
        raise OutputDirError("the output folder must differ from the input folder",
                             path=str(output_dir))
    if output_dir.exists() and _inside(str(input_dir.resolve()), str(output_dir.resolve())):
        raise OutputDirError("the input folder is inside the output folder, which would be "
                             "written into it", path=str(input_dir))
    _check_output_dir(output_dir, existing)


def count_inputs(
    input_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    pattern: str = DEFAULT_GLOB,
    table: str | os.PathLike[str] | None = None,
) -> int:
    """How many inputs :func:`convert_folder` will see (for a progress bar's total)."""
    skip = () if table is None else (table,)
    return sum(1 for _ in iter_inputs(input_dir, pattern, exclude=output_dir, skip_files=skip))


def convert_folder(
    input_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    *,
    pattern: str = DEFAULT_GLOB,
    fmt: str = "json",
    jobs: int | None = None,
    existing: Existing = "refuse",
    table: str | os.PathLike[str] | None = None,
    options: ParseOptions | None = None,
    on_outcome: Callable[[FileOutcome], None] | None = None,
    timeout: float | None = None,
    with_text: bool = False,
) -> Summary:
    """Convert every file under ``input_dir`` matching ``pattern`` into
    ``output_dir``, mirroring the tree (``a/b/x.txt`` → ``a/b/x.json``).

    ``existing`` says what to do when outputs are already there: ``refuse``
    (default) stops before doing anything if ``output_dir`` is not empty;
    ``overwrite`` replaces them; ``skip`` keeps them (resuming a batch).
    Every input ends as an output or a line of ``_errors.jsonl``; the
    ``table`` (.csv or .jsonl) gets one row per node of the whole corpus.
    With ``timeout`` (seconds), a file whose reading and parsing take longer
    fails with ``TimeLimitError`` and the batch goes on.
    Raises :class:`OutputDirError` / :class:`InputError` only for problems
    with the folders themselves, before any file is converted.
    """
    if fmt not in FORMAT_SUFFIX:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMAT_SUFFIX)}")
    n = default_jobs() if jobs is None else max(1, jobs)
    _check_timeout(timeout, n)
    in_dir, out_dir = Path(input_dir), Path(output_dir)
    _check_dirs(in_dir, out_dir, existing)
    # Before anything is created: an empty run must not leave an output folder
    # that the corrected rerun would then refuse as not empty.
    skip = () if table is None else (table,)
    if next(iter_inputs(in_dir, pattern, exclude=out_dir, skip_files=skip), None) is None:
        raise NoInputsError(
            f"no file matches --glob {pattern!r} (the glob is case-sensitive)",
            path=str(in_dir),
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputDirError(exc.strerror or str(exc), path=str(out_dir)) from None
    out_root = os.path.realpath(out_dir)
    with locked_folder(out_root):
        # Checked again under the lock: two batches started together both
        # saw an empty folder before either held it.
        _check_dirs(in_dir, out_dir, existing)
        if existing != "refuse":
            remove_leftovers(out_root)  # from a batch that was killed
        return _convert_locked(in_dir, out_dir, out_root, pattern, fmt, n, existing, table,
                               options, on_outcome, timeout, with_text)


def _convert_locked(
    in_dir: Path,
    out_dir: Path,
    out_root: str,
    pattern: str,
    fmt: str,
    n: int,
    existing: Existing,
    table: str | os.PathLike[str] | None,
    options: ParseOptions | None,
    on_outcome: Callable[[FileOutcome], None] | None,
    timeout: float | None,
    with_text: bool = False,
) -> Summary:
    """:func:`convert_folder` once it holds the output folder."""
    _warm_up(n, options)
    suffix = FORMAT_SUFFIX[fmt]
    walk = WalkStats()
    started = time.perf_counter()

    def tasks() -> Iterator[_ConvertTask]:
        # The table being written is never an input, even inside the input folder.
        skip = [] if writer is None else [writer.target, writer.temp_path]
        for f in iter_inputs(
            in_dir, pattern, exclude=out_dir, suffix=suffix, stats=walk, skip_files=skip
        ):
            problem, problem_class = f.problem, f.problem_class
            top = f.rel.split("/", 1)[0]
            if problem is None and (top == ERRORS_FILE or output_rel(f.rel, suffix) == ERRORS_FILE):
                problem, problem_class = (
                    f"its output would take the place of the failure log {ERRORS_FILE}",
                    "OutputNameClash",
                )
            yield _ConvertTask(
                src=os.path.join(in_dir, f.rel),
                rel=f.rel,
                out_root=out_root,
                fmt=fmt,
                existing=existing,
                want_rows=table is not None,
                options=options,
                problem=problem,
                problem_class=problem_class,
                timeout=timeout,
                with_text=with_text,
            )

    sink = _Sink(out_dir, out_root, table)
    writer = sink.writer
    try:
        for _task, outcome in _ordered_map(
            _convert_one,
            tasks(),
            n,
            lambda t, e: FileOutcome(t.rel, "failed", _crashed(t.rel, e)),
            lambda t: _file_size(t.src),
        ):
            sink.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    except BaseException:
        sink.abort()
        raise
    summary = sink.finish(started)
    summary.symlink_loops = walk.symlink_loops
    return summary


class _Sink:
    """Where a batch's outcomes go: the failure log ``_errors.jsonl`` and the
    optional ``--table`` of nodes, both written beside their targets and
    renamed into place at the end, and the :class:`Summary`. Shared by
    :func:`convert_folder` and :func:`speechtree.batch_texts.convert_table`,
    so both keep the same guarantees."""

    def __init__(
        self,
        out_dir: Path,
        out_root: str,
        table: str | os.PathLike[str] | None,
        extra_columns: Sequence[str] = (),
    ) -> None:
        self.summary = Summary(errors_file=str(out_dir / ERRORS_FILE))
        try:
            self.log = _FailureLog(out_root)
        except OSError as exc:
            raise OutputDirError(exc.strerror or str(exc), path=str(out_dir)) from None
        try:
            self.writer = (
                TableWriter(table, extra_columns=extra_columns) if table is not None else None
            )
        except OSError as exc:
            self.log.discard()
            raise OutputDirError(f"cannot write the table: {exc.strerror or exc}",
                                 path=str(table)) from None

    def add(self, outcome: FileOutcome, extra: Sequence[object] = ()) -> None:
        if outcome.failure is not None:
            self.log.write(outcome.failure.to_json() + b"\n")
        if self.writer is not None and outcome.rows:
            self.writer.write(outcome.rows, extra=extra)
        self.summary.add(outcome)

    def abort(self) -> None:
        """The run was interrupted: drop the table, keep the log written so far."""
        if self.writer is not None:
            self.writer.abort()
        self.log.close()

    def finish(self, started: float) -> Summary:
        self.log.close()
        self.summary.log_error = self.log.error
        if self.writer is not None:
            self.writer.close()
            self.summary.table_error = self.writer.error
        self.summary.seconds = time.perf_counter() - started
        return self.summary


class _FailureLog:
    """``_errors.jsonl``, written line by line to a temporary file and renamed
    into place at the end. A write that fails (a full disk) is undone to the
    last whole line and logging stops there: what was written stays valid
    JSON Lines, and :attr:`error` says what happened and how much is missing."""

    def __init__(self, out_root: str) -> None:
        self.target = os.path.join(out_root, ERRORS_FILE)
        self.fd, self.tmp = tempfile.mkstemp(dir=out_root, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        self.size = 0  # bytes of whole lines written
        self.failed: OSError | None = None
        self.lost = 0
        self.error = ""

    def write(self, line: bytes) -> None:
        if self.failed is None:
            try:
                view = memoryview(line)
                while view:
                    view = view[os.write(self.fd, view):]
                self.size += len(line)
                return
            except OSError as exc:
                self.failed = exc
                try:
                    os.ftruncate(self.fd, self.size)
                except OSError:
                    pass
        self.lost += 1

    def close(self) -> None:
        """Close the log and move it into place; any problem goes to :attr:`error`."""
        os.close(self.fd)
        try:
            os.chmod(self.tmp, OUTPUT_MODE)
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            self.error = f"cannot write {self.target}: {exc.strerror or exc}"
            return
        if self.failed is not None:
            self.error = (
                f"{self.target} is incomplete: {self.lost} failure(s) could not be recorded "
                f"({self.failed.strerror or self.failed})"
            )

    def discard(self) -> None:
        try:
            os.unlink(self.tmp)
        except OSError:
            pass
