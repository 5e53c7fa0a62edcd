"""Memory: peak RSS of a batch of 10,000 small files, per worker and in the parent.

    python benchmarks/memory.py [--files 10000] [--jobs 2]

Cuts the corpus into --files small speeches (a few KB each, at line breaks)
in a temporary folder, then runs convert_folder() (what `speechtree batch`
runs, here with --table too) in a fresh child process and reads, once it is
done, the peak resident set size of its worker processes (RUSAGE_CHILDREN)
and of itself (RUSAGE_SELF). The same is done for a tenth of the files:
streaming means the peaks do not grow with the number of files.
Goal: under 200 MB per worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import corpus_files

CHILD = """
import json, resource, sys
from speechtree.batch import convert_folder
src, out, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = convert_folder(src, out, jobs=jobs, table=out + "/_table.csv")
print(json.dumps({
    "files": s.files, "failed": s.failed, "rows": s.rows,
    "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def make_files(root: Path, n: int) -> None:
    lines = [
        line
        for p in corpus_files()
        for line in p.read_bytes().decode("utf-8", "replace").splitlines(keepends=True)
    ]
    k = 0
    for i in range(n):
        chunk: list[str] = []
        size = 0
        while size < 3000:
            chunk.append(lines[k % len(lines)])
            size += len(chunk[-1])
            k += 1
        d = root / f"d{i // 1000:02d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"s{i:05d}.txt").write_text("".join(chunk), encoding="utf-8")


def measure(src: Path, out: Path, jobs: int) -> dict[str, int]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(src), str(out), str(jobs)],
                          capture_output=True, text=True, check=True)
    result: dict[str, int] = json.loads(proc.stdout)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        make_files(small, args.files // 10)
        make_files(big, args.files)
        for name, src in ((f"{args.files // 10} files", small), (f"{args.files} files", big)):
            r = measure(src, Path(tmp) / f"out-{src.name}", args.jobs)
            print(f"{name:>12}: peak RSS per worker {r['worker_kb'] / 1024:6.1f} MB, "
                  f"parent {r['parent_kb'] / 1024:6.1f} MB  "
                  f"({r['files']} files, {r['failed']} failed, {r['rows']} table rows)")
        worst = r["worker_kb"] / 1024
        print(f"goal < 200 MB per worker: {'met' if worst < 200 else 'NOT met'} ({worst:.0f} MB)")


if __name__ == "__main__":
    main()
