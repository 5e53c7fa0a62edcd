"""Instructions per warm corpus pass: parse vs the per-line baseline (valgrind).

    python benchmarks/instructions.py [--side parse|baseline|both]

Timings on a shared machine move by +-20% from run to run; the number of
instructions a run executes moves by well under 1%, so it can resolve the
few-percent changes that a speed-up is made of. Each side runs in a child
process under ``valgrind --tool=cachegrind --cache-sim=no`` with
``PYTHONHASHSEED=0`` (string hashes change the order of sets and dicts, and
with them the counts), once over 3 passes of the corpus and once over 1;
``(count3 - count1) / 2`` is the cost of one warm pass, without the
interpreter's start-up, imports and the first pass's grammar readings. A
warm-up process runs first so that bytecode and build caches exist.

The parse side is ``speechtree.parse_file`` of every corpus text; the
baseline is ``throughput.py``'s per-line baseline (read, decode, and
``pattern.match(line)`` for the four GB/T levels on every line). Needs
valgrind; takes a few minutes (valgrind runs Python ~50x slower).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from _common import corpus_files

HERE = Path(__file__).resolve().parent


def child(side: str, passes: int) -> None:
    """What runs under valgrind: ``passes`` passes of one side over the corpus."""
    from throughput import per_line_baseline, speechtree_run

    paths = corpus_files()
    run = speechtree_run if side == "parse" else per_line_baseline
    for _ in range(passes):
        run(paths)


def count(side: str, passes: int) -> int:
    """Instructions executed by a child process making ``passes`` passes."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
           sys.executable, str(HERE / "instructions.py"), "--child", side, str(passes)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    m = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if m is None:
        sys.exit(f"no instruction count in valgrind's output:\n{proc.stderr}")
    return int(m.group(1).replace(",", ""))


def per_pass(side: str) -> float:
    """Instructions of one warm pass of ``side`` over the corpus."""
    return (count(side, 3) - count(side, 1)) / 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", default="both", choices=["parse", "baseline", "both"])
    ap.add_argument("--child", nargs=2, metavar=("SIDE", "PASSES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found (apt-get install valgrind)")
    files = corpus_files()
    print(f"corpus: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.2f} MB")
    # Warm-up: bytecode, the grammar's build cache.
    subprocess.run([sys.executable, str(HERE / "instructions.py"), "--child", "parse", "1"],
                   env=dict(os.environ, PYTHONHASHSEED="0"), check=True)
    sides = ["baseline", "parse"] if args.side == "both" else [args.side]
    result = {}
    for side in sides:
        result[side] = per_pass(side)
        print(f"{side:9s} {result[side] / 1e6:9.1f} M instructions per warm corpus pass")
    if len(result) == 2:
        print(f"parse / per-line baseline: {result['parse'] / result['baseline']:.2f}x")


if __name__ == "__main__":
    main()
