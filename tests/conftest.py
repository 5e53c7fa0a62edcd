"""Shared fixtures: paths to the bundled cases and to ../shared when present."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "ANNOTATION.md").is_file():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """``full_disk(n)``: from now on ``os.write`` succeeds ``n`` times, then
    every call fails with ENOSPC, as on a disk that has just filled up.
    ``monkeypatch.undo()`` gives the disk back."""

    def fill_after(n: int) -> None:
        real_write, calls = os.write, [0]

        def write(fd: int, data: bytes) -> int:
            calls[0] += 1
            if calls[0] > n:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)

    return fill_after


@pytest.fixture
def forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch workers forked from the test process, so that they inherit what
    the test monkeypatched. The batch forks only from a single-threaded
    process; the suite's process may already run threads (pyarrow's, once a
    Parquet test module is imported), so the test asks for fork itself."""
    import multiprocessing
    import warnings

    import speechtree.batch

    monkeypatch.setattr(speechtree.batch, "_pool_context",
                        lambda: multiprocessing.get_context("fork"))
    warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
