"""Memory: peak RSS of a batch of 10,000 small files, per worker and in the parent.

    python benchmarks/memory.py [--files 10000] [--jobs 2]
    python benchmarks/memory.py --hostile

--hostile measures instead the two inputs that cost the most memory and
output per input byte (docs/reliability.md, Limits): 1 MB of 一是甲二是乙 (a
chain 100 levels deep) and 3 MB of 一、 lines (a node every 7 bytes). Each is
parsed, then rendered as `parse -f json` does (compact JSON when indented
JSON is refused), in a child process; printed: peak RSS above the process before the parse, per
input MB and per node, and the JSON size per input byte, against the bounds
the docs give.

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


HOSTILE_CHILD = """
import json, resource, sys
from speechtree import LimitError, parse
from speechtree.render import render_json_bytes
unit, mb = sys.argv[1], float(sys.argv[2])
text = unit * (int(mb * 1024 * 1024) // len(unit.encode()))
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = rss()
doc = parse(text)
nodes = sum(1 for _ in doc.walk())
parsed = rss()
try:  # what `parse -f json` holds: the outline and its JSON
    out, kind = render_json_bytes(doc), "indented"
except LimitError:  # (what it refuses: too deep to indent)
    out, kind = doc.to_json_bytes(indent=False), "compact"
print(json.dumps({"bytes": len(text.encode()), "nodes": nodes, "before": before,
                  "parsed": parsed, "written": rss(), "json": len(out), "kind": kind}))
"""

#: The bounds docs/reliability.md gives (Limits): peak memory of a parse per
#: node of its outline, and the JSON written per byte of input.
MAX_KB_PER_NODE = 4.0
MAX_JSON_PER_BYTE = 128

HOSTILE = (("一是甲二是乙 (100 levels)", "一是甲二是乙", 1.0), ("一、 lines", "一、\n", 3.0))


def hostile() -> None:
    ok = True
    for name, unit, mb in HOSTILE:
        proc = subprocess.run([sys.executable, "-c", HOSTILE_CHILD, unit, str(mb)],
                              capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout)
        in_mb = r["bytes"] / 2**20
        parse_mb = r["parsed"] - r["before"]
        peak_mb = r["written"] - r["before"]
        kb_node = peak_mb * 1024 / r["nodes"]
        per_byte = r["json"] / r["bytes"]
        ok &= kb_node <= MAX_KB_PER_NODE and per_byte <= MAX_JSON_PER_BYTE
        print(f"{name:<26} {in_mb:4.1f} MB, {r['nodes']:>7} nodes: parse +{parse_mb:5.0f} MB "
              f"({parse_mb / in_mb:4.0f} MB per input MB), with JSON +{peak_mb:5.0f} MB "
              f"({kb_node:.2f} KB per node); {r['kind']} JSON {r['json'] / 2**20:5.0f} MB "
              f"({per_byte:.0f} bytes per input byte)")
    print(f"bounds: <= {MAX_KB_PER_NODE} KB per node, <= {MAX_JSON_PER_BYTE} bytes of JSON per "
          f"input byte: {'met' if ok else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--hostile", action="store_true",
                    help="the two inputs that cost the most memory and output per byte")
    args = ap.parse_args()
    if args.hostile:
        hostile()
        return
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
