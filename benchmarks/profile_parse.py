"""Profile speechtree.parse over the corpus: where the time goes.

    python benchmarks/profile_parse.py [--top 30] [--sort tottime|cumulative]

Uses cProfile (standard library). For a flame view, run the same loop under
pyinstrument: ``pyinstrument benchmarks/profile_parse.py --no-cprofile``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from _common import corpus_files

from speechtree import parse
from speechtree.errors import SpeechtreeError


def run(datas: list[bytes]) -> None:
    for d in datas:
        try:
            parse(d)
        except SpeechtreeError:
            pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    ap.add_argument("--no-cprofile", action="store_true", help="just run (for an outside profiler)")
    args = ap.parse_args()
    datas = [p.read_bytes() for p in corpus_files()]
    run(datas[:2])  # build the grammar outside the profile
    if args.no_cprofile:
        run(datas)
        return
    prof = cProfile.Profile()
    prof.enable()
    run(datas)
    prof.disable()
    pstats.Stats(prof).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
