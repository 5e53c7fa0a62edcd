"""Batch guards: one batch per output folder, no temporary file left behind,
and no worker that outlives the batch that started it."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import SpeechtreeError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock (documented)
    fcntl = None  # type: ignore[assignment]

#: What the batch's temporary files are called (``tempfile.mkstemp`` arguments).
TEMP_PREFIX = ".speechtree-"
TEMP_SUFFIX = ".tmp"


def write_atomic(target: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder
    and a rename, so an interrupted run never leaves half a file; ``mode``:
    the file's permissions (default: mkstemp's 0600)."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class FolderLockedError(SpeechtreeError):
    """Another batch is writing into the same output folder."""

    exit_code = 2  # as for the other output-folder refusals


@contextmanager
def locked_folder(path: str) -> Iterator[None]:
    """Hold an exclusive lock on the folder ``path`` itself (flock on the
    folder's own descriptor: no lock file is left in it) while the block
    runs; a second batch into the same folder is refused at once. The lock
    goes with the process, so a killed batch never leaves it held."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderLockedError(
                "another speechtree batch is writing into this folder; wait for it to end",
                path=path,
            ) from None
        yield
    finally:
        os.close(fd)  # (closing releases the lock)


def remove_leftovers(root: str) -> int:
    """Remove the temporary files a killed batch left under ``root`` (only
    ours: ``.speechtree-*.tmp``; the caller holds the folder's lock, so none
    belongs to a batch still running). Returns how many were removed."""
    removed = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                try:
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
                except OSError:
                    pass
    return removed


#: How often a worker looks whether its parent is still there (seconds).
_WATCH_EVERY = 0.2


def worker_init(parent: int | None) -> None:
    """Initializer of each batch worker: end the worker when the batch
    process dies (even by SIGKILL, which runs no clean-up in the parent).

    A daemon thread compares ``os.getppid()`` with ``parent``, the batch's
    process id: when the parent dies the worker is handed to another process and
    the id changes. (Linux's PR_SET_PDEATHSIG would be immediate, but it
    fires when the *thread* that forked the worker ends, which in a library
    caller's thread pool may be long before the batch ends.) Also freezes
    what the worker inherits (imported modules, the grammar), so the cyclic
    collector never walks those objects or copies their pages."""
    gc.freeze()
    # ``parent`` comes from the batch process itself: a worker that starts
    # after its parent died already has another one. None: the worker comes
    # from a fork server (batch._pool_context), which is its parent and ends
    # with the batch.
    if parent is None:
        parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="speechtree-parent-watch", daemon=True).start()
