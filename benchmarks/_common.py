"""Shared helpers for the benchmark scripts: where the corpus is, timing."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    """The real corpus: $SPEECHTREE_CORPUS, else ../shared/corpus beside the repo."""
    env = os.environ.get("SPEECHTREE_CORPUS")
    d = Path(env) if env else ROOT.parent / "shared" / "corpus"
    if not d.is_dir():
        sys.exit(f"corpus not found at {d}; set SPEECHTREE_CORPUS to a folder of .txt files")
    return d


def corpus_files() -> list[Path]:
    """Every .txt of the corpus (subfolders too), sorted."""
    return sorted(corpus_dir().rglob("*.txt"))


def corpus_repeated(mb: float) -> tuple[list[Path], int, int]:
    """The corpus files, their total size in bytes, and how many copies of
    the corpus make at least ``mb`` megabytes."""
    files = corpus_files()
    one = sum(p.stat().st_size for p in files)
    return files, one, max(1, -(-int(mb * 1e6) // one))


def best_of(n: int, fn: Callable[[], object]) -> tuple[float, float]:
    """The fastest of ``n`` runs as (wall seconds, CPU seconds of this process).
    CPU time is the fairer figure for one process on a machine that is busy
    with other work; the minimum is the run least disturbed."""
    wall = cpu = float("inf")
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu
