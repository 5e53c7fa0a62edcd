"""Start-up: CPU time of ``speechtree --version`` and ``speechtree parse small.txt``
against ``python -c pass``, measured side by side (runs interleaved, best of N).

A linter in an editor or a pre-commit hook starts the command once per file,
so what it costs before doing any work matters. Goals: ``--version`` at most
10x and ``parse`` of a 2 KB speech at most 15x the bare interpreter.

Run:  .venv/bin/python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "examples" / "speeches" / "county_work_meeting.txt"
GOALS = {"--version": 10.0, "parse small.txt": 15.0}


#: As an installed package runs: with its bytecode (pip compiles it at install;
#: PYTHONDONTWRITEBYTECODE in the environment would make every run compile
#: the source again) and with the build cache speechtree keeps.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def child_cpu(cmd: list[str]) -> float:
    """User + system CPU seconds of one run of ``cmd`` (and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env=CHILD_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="runs of each command (best kept)")
    args = ap.parse_args()
    py = sys.executable
    # The installed entry point is what an editor or hook starts; python -m
    # speechtree would add runpy's own imports.
    exe = Path(py).with_name("speechtree")
    entry = [str(exe)] if exe.exists() else [py, "-m", "speechtree"]
    cmds = {
        "python -c pass": [py, "-c", "pass"],
        "--version": [*entry, "--version"],
        "parse small.txt": [*entry, "parse", str(SMALL)],
    }
    # Warm the file cache, the bytecode and speechtree's build cache (what the
    # first run after an install or upgrade makes).
    for cmd in cmds.values():
        child_cpu(cmd)
    best = dict.fromkeys(cmds, float("inf"))
    for _ in range(args.runs):  # interleaved, so a busy moment hits all alike
        for name, cmd in cmds.items():
            best[name] = min(best[name], child_cpu(cmd))
    base = best["python -c pass"]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, best of {args.runs} "
          f"interleaved runs, CPU time (user + system)")
    print(f"{'command':<18}{'CPU ms':>9}{'ratio':>8}{'goal':>7}  met?")
    ok = True
    for name, t in best.items():
        goal = GOALS.get(name)
        ratio = t / base
        met = "" if goal is None else ("yes" if ratio <= goal else "NO")
        ok &= met != "NO"
        print(f"{name:<18}{t * 1000:>9.1f}{ratio:>7.1f}x{'' if goal is None else f'{goal:>6g}x'}"
              f"  {met}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
