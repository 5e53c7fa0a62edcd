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
    # a heading over many short unpunctuated lines (a list of names): each
    # line may continue the one before
    "name_list": lambda size: "一、参会人员名单\n" + _grow("张三丰", size, "\n"),
    # numbered lines past 999. (not markers: they join like prose lines)
    "past_999": lambda size: "一、参会代表\n"
    + _grow(lambda i: f"{1000 + i}.参会代表名单", size, "\n"),
    # a long run of ASCII spaces inside a heading title that wraps
    "space_title": lambda size: "一、总体" + " " * size + "要\n求\n正文。\n",
    # a long table of contents after 目录, then the body
    "contents": lambda size: "目录\n"
    + _grow(lambda i: f"{i % 999 + 1}.工作安排事项", size, "\n")
    + "\n一、总体要求\n正文。\n",
    # a table of contents, then many speeches without labels
    "contents_speeches": lambda size: "目录\n"
    + _grow(lambda i: f"{i % 999 + 1}.工作安排事项", size // 2, "\n")
    + "\n"
    + _grow(
        lambda i: f"在第{i}次会议上的讲话\n同志们：\n一、总体要求\n正文。\n二、主要任务\n正文。",
        size // 2,
        "\n",
    ),
    # one line of markers each after a colon, with the only full stop at its start
    "lead_in_line": lambda size: "形势。" + _grow("要求：一要甲，二要乙，", size),
}

#: Shapes timed for ``speechtree diff`` of the document with itself (the parse
#: is not timed): a chain of 一是 items, many repeated titles.
DIFF_SHAPES: dict[str, Callable[[int], str]] = {
    "diff_self_shi": lambda size: _grow("一是加强领导。二是落实责任。三是强化督查。", size, "\n"),
    "diff_self_siblings": SHAPES["siblings"],
}


#: Shapes timed for ``speechtree diff`` of two documents: every title of a
#: long stretch reworded and every marker of another style, so that only the
#: similar-title pass can pair them.
DIFF_PAIR_SHAPES: dict[str, tuple[Callable[[int], str], Callable[[int], str]]] = {
    "diff_reworded": (
        lambda size: _grow(lambda i: f"{i % 999 + 1}.第{i}项工作安排", size, "\n"),
        lambda size: _grow(lambda i: f"（{i % 999 + 1}）第{i}项工作部署", size, "\n"),
    ),
}


def _one(shape: str, size: int) -> None:
    """Child: build the input, parse it, print seconds and peak RSS as JSON."""
    from speechtree import ParseOptions, parse
    from speechtree.diff import diff

    pair = DIFF_PAIR_SHAPES.get(shape)
    text = pair[0](size) if pair else (SHAPES.get(shape) or DIFF_SHAPES[shape])(size)
    nbytes = len(text.encode())
    parse("一、预热\n（一）预热。")  # load the grammar outside the timing
    opts = ParseOptions(max_nodes=10**9)  # the cost, not the limit
    c = time.process_time()
    doc = parse(text, options=opts)
    if shape in DIFF_SHAPES:
        c = time.process_time()
        diff(doc, doc)
    elif pair:
        other = parse(pair[1](size), options=opts)
        c = time.process_time()
        diff(doc, other)
    cpu = time.process_time() - c
    nodes = sum(1 for _ in doc.walk())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"bytes": nbytes, "cpu": cpu, "nodes": nodes, "rss_mb": rss}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,5,20", help="sizes in MB, comma-separated")
    ap.add_argument(
        "--shapes", default=",".join([*SHAPES, *DIFF_SHAPES, *DIFF_PAIR_SHAPES]),
        help="which shapes, comma-separated",
    )
    ap.add_argument("--budget", type=float, default=120.0, help="seconds per parse at most")
    ap.add_argument("--one", nargs=2, metavar=("SHAPE", "BYTES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args.one[0], int(args.one[1]))
        return

    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'shape':<19}{'MB':>5}{'nodes':>10}{'CPU s':>10}{'s/MB':>8}{'RSS MB':>9}"
          f"{'growth':>9}")
    for shape in args.shapes.split(","):
        first: dict[str, float] = {}
        for mb in sizes:
            cmd = [sys.executable, __file__, "--one", shape, str(int(mb * MB))]
            try:
                out = subprocess.run(
                    cmd, capture_output=True, text=True, check=True, timeout=args.budget
                )
            except subprocess.TimeoutExpired:
                print(f"{shape:<19}{mb:>5g}   over the {args.budget:g} s budget, larger skipped")
                break
            except subprocess.CalledProcessError as exc:
                print(f"{shape:<19}{mb:>5g}   failed: {exc.stderr.strip().splitlines()[-1]}")
                break
            r = json.loads(out.stdout)
            real_mb = r["bytes"] / MB
            # Time over the time at the first size, for the size ratio shown:
            # linear code gives the size ratio (10 from 2 to 20 MB).
            first = first or r
            growth = (
                f"{r['cpu'] / max(first['cpu'], 1e-9):>6.1f} (x{r['bytes'] / first['bytes']:.0f})"
                if r is not first else ""
            )
            print(
                f"{shape:<19}{real_mb:>5.1f}{r['nodes']:>10}{r['cpu']:>10.2f}"
                f"{r['cpu'] / real_mb:>8.2f}{r['rss_mb']:>9.0f}{growth:>13}",
                flush=True,
            )


if __name__ == "__main__":
    main()
