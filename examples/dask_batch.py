"""Outline a folder of speeches with Dask (needs ``pip install speechtree[dask]``).

    python examples/dask_batch.py [FOLDER] [--scheduler processes|threads|synchronous]

Without FOLDER it writes two small speeches to a temporary folder and uses
those. Prints one line per file and a count of nodes per outline level.
On a cluster, create a ``dask.distributed.Client`` first and drop
``scheduler=``: the same bag runs there.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from speechtree.dask import bag_of_outlines, bag_of_rows

SAMPLES = {
    "a/2020_work_report.txt": "政府工作报告\n\n一、过去一年的工作\n（一）经济平稳运行。全年增长。\n"
    "（二）民生持续改善。\n二、今年的主要任务\n（一）扩大内需。\n",
    "b/讲话 one.txt": "在全市大会上的讲话\n\n同志们：\n一、提高认识\n二、突出重点\n"
    "1.抓项目。\n2.抓招商。\n三、狠抓落实\n",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--scheduler", default="processes",
                    choices=["processes", "threads", "synchronous"])
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder: Path = args.folder or Path(tmp)
        if args.folder is None:
            for rel, text in SAMPLES.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text, encoding="utf-8")
        paths = sorted(str(p) for p in folder.rglob("*.txt"))
        if not paths:
            print(f"no .txt files under {folder}", file=sys.stderr)
            return 1

        compute: dict[str, object] = {"scheduler": args.scheduler}
        if args.scheduler == "processes":
            compute["num_workers"] = args.workers
        for res in bag_of_outlines(paths).compute(**compute):
            if res.document is not None:
                nodes = sum(1 for _ in res.document.walk())
                print(f"ok      {res.path}: {len(res.document.speeches)} speech(es), {nodes} nodes")
            else:
                assert res.failure is not None
                print(f"failed  {res.path}: {res.failure.error}: {res.failure.message}")

        levels = bag_of_rows(paths).pluck("level").frequencies().compute(**compute)
        print("nodes per level:", dict(sorted(levels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
