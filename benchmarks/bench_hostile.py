"""Hostile inputs: parse time per MB at 1, 5 and 20 MB, to show linear growth.

    python benchmarks/bench_hostile.py [--sizes 1,5,20] [--shapes a,b] [--budget 120]

Each shape is a hostile input grown to the size (in UTF-8 bytes): one huge
line of Han text, a scraped single line with 　　 gaps, 100,000+ sibling
markers, a series nesting past the depth cap, nothing but markers, and so
on. Each parse runs in a child process (CPU seconds, peak RSS) and is
stopped after --budget seconds; a shape that runs over is not tried at a
larger size. Linear code keeps seconds/MB flat from 1 to 20 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

MB = 1024 * 1024


def _grow(unit: str | Callable[[int], str], size: int, sep: str = "") -> str:
    """Repeat ``unit`` (or ``unit(i)``) until the text has ``size`` UTF-8 bytes."""
    if isinstance(unit, str):
        n = max(1, size // len((unit + sep).encode()))
        return sep.join([unit] * n)
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        piece = unit(i)
        parts.append(piece)
        total += len((piece + sep).encode())
        i += 1
    return sep.join(parts)


SHAPES: dict[str, Callable[[int], str]] = {
    # one line, no markers: the scanner sees nothing but must still walk it
    "han_line": lambda size: _grow("发展", size),
    "prose_line": lambda size: _grow("我们要坚持以经济建设为中心，推动高质量发展；", size),
    # a scraped page: one line, paragraphs cut by 　　 gaps
    "gap_line": lambda size: _grow("\u3000\u3000一、发展经济。坚持改革开放，推动高质量发展", size),
    # 100,000+ sibling headings (ordinals restart after 999)
    "siblings": lambda size: _grow(lambda i: f"{i % 999 + 1}.标题内容。正文", size, "\n"),
    # markers and nothing else, one per line
    "markers_only": lambda size: _grow("一、\n（一）\n1.\n（1）\n①\n一是\n第一，", size, "\n"),
    # list items run together on one line
    "shi_line": lambda size: _grow("一是发展，二是改革，", size),
    "circled_line": lambda size: _grow(lambda i: f"{chr(0x2460 + i % 20)}事项", size),
    # a series nesting inside itself, far past tree.MAX_DEPTH
    "deep": lambda size: _grow("一是做", size, "；") + "；二是完成。",
    # headings run into one line after full stops (scrapes that lost breaks)
    "runin_line": lambda size: _grow("一、总体要求。", size),
    "blank": lambda size: _grow("\u3000 \n", size),
}


def _one(shape: str, size: int) -> None:
    """Child: build the input, parse it, print seconds and peak RSS as JSON."""
    from speechtree import parse

    text = SHAPES[shape](size)
    nbytes = len(text.encode())
    parse("一、预热\n（一）预热。")  # load the grammar outside the timing
    c = time.process_time()
    doc = parse(text)
    cpu = time.process_time() - c
    nodes = sum(1 for _ in doc.walk())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"bytes": nbytes, "cpu": cpu, "nodes": nodes, "rss_mb": rss}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,5,20", help="sizes in MB, comma-separated")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="which shapes, comma-separated")
    ap.add_argument("--budget", type=float, default=120.0, help="seconds per parse at most")
    ap.add_argument("--one", nargs=2, metavar=("SHAPE", "BYTES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args.one[0], int(args.one[1]))
        return

    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'shape':<14}{'MB':>6}{'nodes':>10}{'CPU s':>10}{'s/MB':>8}{'RSS MB':>9}")
    for shape in args.shapes.split(","):
        for mb in sizes:
            cmd = [sys.executable, __file__, "--one", shape, str(int(mb * MB))]
            try:
                out = subprocess.run(
                    cmd, capture_output=True, text=True, check=True, timeout=args.budget
                )
            except subprocess.TimeoutExpired:
                print(f"{shape:<14}{mb:>6g}   over the {args.budget:g} s budget, larger skipped")
                break
            except subprocess.CalledProcessError as exc:
                print(f"{shape:<14}{mb:>6g}   failed: {exc.stderr.strip().splitlines()[-1]}")
                break
            r = json.loads(out.stdout)
            real_mb = r["bytes"] / MB
            print(
                f"{shape:<14}{real_mb:>6.1f}{r['nodes']:>10}{r['cpu']:>10.2f}"
                f"{r['cpu'] / real_mb:>8.2f}{r['rss_mb']:>9.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
