"""A real ``speechtree serve`` process on 127.0.0.1 for the web tests, and a small client."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("python_multipart")

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


class Served:
    """A running server: its port and the folders it was started in."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, workdir: Path) -> None:
        self.proc = proc
        self.port = port
        self.workdir = workdir
        self.url = f"http://{HOST}:{port}"

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        status, _, data = self.request("POST", path, body, {"Content-Type": content_type})
        return status, data


def multipart(parts: dict[str, tuple[str | None, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body: ``name -> (filename or None, data)``."""
    boundary = uuid.uuid4().hex
    out = []
    for name, (filename, data) in parts.items():
        disp = f'form-data; name="{name}"'
        if filename is not None:
            disp += f'; filename="{filename}"'
        out.append(f"--{boundary}\r\nContent-Disposition: {disp}\r\n"
                   "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


@contextmanager
def serve(tmp: Path, *args: str) -> Iterator[Served]:
    """Start ``python -m speechtree serve`` in an empty folder with its own
    empty TMPDIR (so a test can see that nothing was written) and wait for it."""
    workdir = tmp / "cwd"
    (workdir / "tmp").mkdir(parents=True)
    port = free_port()
    env: dict[str, Any] = {**os.environ, "TMPDIR": str(workdir / "tmp")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "speechtree", "serve", "--port", str(port), *args],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    served = Served(proc, port, workdir)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"speechtree serve exited {proc.returncode}: {err}")
            try:
                if served.request("GET", "/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("speechtree serve did not answer within 60 s")
            time.sleep(0.1)
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
