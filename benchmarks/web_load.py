"""Load on `speechtree serve`: concurrent clients posting corpus texts to /api/parse.

Starts a real server process on 127.0.0.1 (never another address), sends
``--requests`` requests (default 2,000) of corpus texts from ``--clients``
threads (default 8), each with its own keep-alive connection, and checks that
every answer is the CLI's JSON for that file, byte for byte. Prints the
latency median, p90, p99 and maximum, the throughput, and the baseline: the
same texts parsed and rendered in this process, one at a time, so the cost of
HTTP and of sharing one server among the clients is a ratio.

    .venv/bin/python benchmarks/web_load.py [--clients 8] [--requests 2000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import corpus_files
from click.testing import CliRunner

from speechtree import parse
from speechtree.cli import main
from speechtree.render import render

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _cli_json(path: Path) -> bytes:
    """What ``speechtree parse PATH`` prints (the CLI's code, run in-process)."""
    r = CliRunner().invoke(main, ["parse", str(path)])
    if r.exit_code != 0:
        raise SystemExit(f"the CLI failed on {path}: {r.output}")
    return r.stdout_bytes


def _start(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "speechtree", "serve", "--host", HOST,
                             "--port", str(port)], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main_() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    files = [p for p in corpus_files() if p.stat().st_size > 0]
    data = {p: p.read_bytes() for p in files}
    print(f"{len(files)} corpus texts, {sum(map(len, data.values())) / 1e6:.1f} MB; "
          "computing the CLI's answers…", flush=True)
    want = {p: _cli_json(p) for p in files}
    rng = random.Random(args.seed)
    jobs = [rng.choice(files) for _ in range(args.requests)]

    # Baseline: the same requests' work in this process, one at a time.
    base: list[float] = []
    for p in jobs[: min(len(jobs), 400)]:
        t = time.perf_counter()
        out = render(parse(data[p], path=str(p)), "json").encode()
        base.append(time.perf_counter() - t)
        assert out == want[p], p

    port = _free_port()
    proc = _start(port)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(mine: list[Path]) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        for p in mine:
            t = time.perf_counter()
            try:
                conn.request("POST", f"/api/parse?filename={p}", body=data[p],
                             headers={"Content-Type": "text/plain"})
                r = conn.getresponse()
                status, body = r.status, r.read()
            except OSError as exc:
                status, body = -1, str(exc).encode()
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                if status != 200:
                    errors.append(f"{p.name}: HTTP {status} {body[:200]!r}")
                elif body != want[p]:
                    errors.append(f"{p.name}: answer differs from the CLI's")
        conn.close()

    try:
        threads = [threading.Thread(target=client, args=(jobs[i :: args.clients],))
                   for i in range(args.clients)]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    ms = [x * 1000 for x in latencies]
    base_ms = [x * 1000 for x in base]
    print(f"{len(latencies)} requests from {args.clients} clients in {wall:.1f} s "
          f"({len(latencies) / wall:.1f} requests/s); {os.cpu_count()} cores")
    print(f"errors or answers unlike the CLI's: {len(errors)}")
    for e in errors[:10]:
        print("  " + e)
    print(f"latency ms: median {statistics.median(ms):.1f}, p90 {_pct(ms, 0.90):.1f}, "
          f"p99 {_pct(ms, 0.99):.1f}, max {max(ms):.1f}")
    print(f"baseline (parse + JSON in-process, one at a time) ms: median "
          f"{statistics.median(base_ms):.1f}, p99 {_pct(base_ms, 0.99):.1f}")
    print(f"served work per request vs baseline: "
          f"{wall / len(latencies) * 1000 / statistics.mean(base_ms):.2f}x "
          "(wall time per request over the mean in-process time)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main_()
