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
