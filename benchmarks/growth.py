"""Growth: parse time of a 10 MB single speech against a 1 MB one.

    python benchmarks/growth.py [--small-mb 1] [--factor 10] [--repeat 3]

Builds one synthetic speech of the usual shape (title, salutation, 一、 sections
holding （一） subsections holding 1. items, each followed by prose taken from
the corpus with its own markers removed) at two sizes, the larger having
--factor times as many sections, and times speechtree.parse on each (CPU
time, best of --repeat). Linear code gives a ratio near the size ratio; goal:
the 10 MB speech takes at most 12x the time of the 1 MB one. It is measured
twice: as is, and with Python's cyclic garbage collector paused during
parse, whose full collections grow with the number of live objects and are
what makes the first ratio exceed the size ratio.
"""

from __future__ import annotations

import argparse
import gc
import re
import time

from _common import corpus_files

from speechtree import parse
from speechtree.grammar import chinese_numeral

_MARKERS = re.compile(
    r"^[\s\u3000]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])"
)


def prose() -> list[str]:
    """Corpus paragraphs (over 60 characters) with any leading marker removed."""
    out = []
    for p in corpus_files():
        for line in p.read_bytes().decode("utf-8", "replace").splitlines():
            line = _MARKERS.sub("", line).strip()
            if len(line) > 60:
                out.append(line)
    return out


def speech(target_bytes: int, paras: list[str]) -> str:
    parts = ["在全省工作会议上的讲话\n\n同志们：\n"]
    size = 0
    k = 0
    sec = 0
    while size < target_bytes:
        sec += 1
        block = [f"{chinese_numeral(sec)}、第{sec}方面的工作\n"]
        for sub in range(1, 6):
            block.append(f"（{chinese_numeral(sub)}）第{sub}项重点。{paras[k % len(paras)]}\n")
            k += 1
            for item in range(1, 5):
                block.append(f"{item}.具体措施。{paras[k % len(paras)]}\n")
                k += 1
        text = "".join(block)
        size += len(text.encode("utf-8"))
        parts.append(text)
    return "".join(parts)


def cpu_time(text: str, repeat: int) -> tuple[float, int]:
    best, nodes = float("inf"), 0
    for _ in range(repeat):
        t = time.process_time()
        doc = parse(text)
        best = min(best, time.process_time() - t)
        nodes = sum(1 for _ in doc.walk())
    return best, nodes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small-mb", type=float, default=1.0)
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    paras = prose()
    small = speech(int(args.small_mb * 1e6), paras)
    large = speech(int(args.small_mb * 1e6) * args.factor, paras)
    parse(small[:5000])  # build the grammar before timing
    for label, paused in (("as is", False), ("cyclic GC paused during parse", True)):
        if paused:
            gc.disable()
        try:
            t_small, n_small = cpu_time(small, args.repeat)
            t_large, n_large = cpu_time(large, args.repeat)
        finally:
            gc.enable()
        print(f"-- {label}")
        runs = (("small", small, t_small, n_small), ("large", large, t_large, n_large))
        for name, text, t, n in runs:
            mb = len(text.encode("utf-8")) / 1e6
            print(f"{name}: {mb:6.2f} MB, {n:6d} nodes: {t:6.2f} s CPU  ({mb / t:5.2f} MB/s)")
        size_ratio = len(large.encode("utf-8")) / len(small.encode("utf-8"))
        ratio = t_large / t_small
        print(f"time ratio {ratio:.2f}x for a size ratio of {size_ratio:.2f}x "
              f"(goal <= 12x: {'met' if ratio <= 12 else 'NOT met'})")

if __name__ == "__main__":
    main()
