"""The HTTP API over a real ``speechtree serve`` process on 127.0.0.1: the CLI's answers,
errors as JSON, limits, headers, nothing kept, and a small load test."""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from webserver import HOST, Served, multipart, serve

from speechtree.cli import main
from speechtree.models import Document
from speechtree.rows import write_table

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.txt"))
MAX_BYTES = 200_000

DRAFT = (
    "关于工作的报告\n\n一、总体要求\n（一）指导思想\n（三）基本原则\n二、重点任务\n"
    "（一）稳增长\n"
)
OTHER = (
    "关于工作的报告\n\n一、总体要求\n（一）指导思想\n二、重点任务\n（一）稳增长\n"
    "（二）基本原则\n"
)
# Noise: not text in any encoding (DecodeError); an image: a format without text.
NOISE = b"\x00\x01\x02\x03" + bytes((i * 167 + 13) % 256 for i in range(4000))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + NOISE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(tmp_path_factory.mktemp("serve"), "--max-bytes", str(MAX_BYTES)) as s:
        yield s


def cli(*args: str, stdin: bytes | None = None) -> bytes:
    """What the CLI prints on standard output (run in-process, as the CLI tests do)."""
    r = CliRunner().invoke(main, list(args), input=stdin)
    assert r.exit_code in (0, 1), (args, r.output)
    return r.stdout_bytes


def _json(body: bytes) -> object:
    return orjson.loads(body)


def _error(body: bytes) -> dict[str, object]:
    data = json.loads(body)
    assert set(data) == {"error"}
    err: dict[str, object] = data["error"]
    assert {"class", "message", "exit_code"} <= set(err)
    return err


# -- the three endpoints answer as the CLI does ------------------------------------


@pytest.mark.parametrize("case", CASES[:6], ids=lambda p: p.stem)
def test_parse_as_raw_body_json_and_upload(server: Served, case: Path) -> None:
    data = case.read_bytes()
    want = cli("parse", str(case))
    status, got = server.post(f"/api/parse?filename={case}", data, "application/octet-stream")
    assert (status, got) == (200, want)
    body, ctype = multipart({"file": (str(case), data)})
    assert server.post("/api/parse", body, ctype) == (200, want)
    as_json = orjson.dumps({"text": data.decode("utf-8"), "filename": str(case)})
    assert server.post("/api/parse", as_json, "application/json") == (200, want)


def test_pasted_text_is_standard_input(server: Served) -> None:
    want = cli("parse", "-", stdin=DRAFT.encode())
    assert server.post("/api/parse", orjson.dumps({"text": DRAFT}), "application/json") == (
        200, want)
    body, ctype = multipart({"text": (None, DRAFT.encode())})
    assert server.post("/api/parse", body, ctype) == (200, want)
    doc = Document.from_json(want)
    assert doc.source.path is None and doc.source.encoding == "utf-8"


def test_parse_markdown_and_csv(server: Served, tmp_path: Path) -> None:
    case = CASES[0]
    body, ctype = multipart({"file": (str(case), case.read_bytes())})
    status, md = server.post("/api/parse?format=markdown", body, ctype)
    assert (status, md) == (200, cli("parse", str(case), "-f", "markdown"))
    status, table = server.post("/api/parse?format=csv", body, ctype)
    assert status == 200
    doc = Document.from_json(cli("parse", str(case)))
    write_table(doc.rows(), tmp_path / "t.csv")  # what batch --table writes
    assert table == (tmp_path / "t.csv").read_bytes()


def test_lint(server: Served, tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    want = cli("lint", "--format", "json", str(path))
    assert [d["code"] for d in json.loads(want)] == ["ST101"]
    body, ctype = multipart({"file": (str(path), DRAFT.encode())})
    assert server.post("/api/lint", body, ctype) == (200, want)
    status, got = server.post("/api/lint?select=ST2", body, ctype)
    assert (status, _json(got)) == (200, [])
    status, got = server.post("/api/lint?select=ST999", body, ctype)
    assert status == 400 and "ST999" in str(_error(got)["message"])
    want_stdin = cli("lint", "--format", "json", "-", stdin=DRAFT.encode())
    assert server.post("/api/lint", orjson.dumps({"text": DRAFT}), "application/json") == (
        200, want_stdin)


def test_diff(server: Served, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(DRAFT, encoding="utf-8")
    b.write_text(OTHER, encoding="utf-8")
    want = cli("diff", "--format", "json", str(a), str(b))
    kinds = [c["kind"] for c in json.loads(want)["changes"]]
    assert "moved" in kinds
    body, ctype = multipart({"a": (str(a), DRAFT.encode()), "b": (str(b), OTHER.encode())})
    assert server.post("/api/diff", body, ctype) == (200, want)
    as_json = orjson.dumps({"a": {"text": DRAFT, "filename": str(a)},
                            "b": {"text": OTHER, "filename": str(b)}})
    assert server.post("/api/diff", as_json, "application/json") == (200, want)
    status, got = server.post("/api/diff?similarity=2", as_json, "application/json")
    assert status == 400 and _error(got)["class"] == "RequestError"


# -- bad input -----------------------------------------------------------------------


def test_binary_is_an_input_error(server: Served) -> None:
    for data, cls in ((NOISE, "DecodeError"), (PNG, "FormatError")):
        for body, ctype in (
            (data, "application/octet-stream"),
            multipart({"file": ("x.bin", data)}),
        ):
            status, got = server.post("/api/parse", body, ctype)
            err = _error(got)
            assert status == 422
            assert (err["class"], err["exit_code"]) == (cls, 3)


def test_over_max_bytes_is_413(server: Served) -> None:
    line = "一、总体要求\n".encode()
    big = line * (MAX_BYTES // len(line) + 1)
    assert MAX_BYTES < len(big) < MAX_BYTES + 1000
    for body, ctype in (
        (big, "text/plain"),
        multipart({"file": ("big.txt", big)}),
        (orjson.dumps({"text": big.decode()}), "application/json"),
    ):
        status, got = server.post("/api/parse", body, ctype)
        err = _error(got)
        assert status == 413, ctype
        assert (err["class"], err["exit_code"]) == ("LimitError", 4)
    just_under = big[: MAX_BYTES - 1].decode("utf-8", "ignore").encode()
    assert server.post("/api/parse", just_under, "text/plain")[0] == 200


def test_a_huge_declared_length_is_refused_before_the_body(server: Served) -> None:
    with socket.create_connection((HOST, server.port), timeout=10) as s:
        s.sendall(b"POST /api/parse HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: text/plain\r\nContent-Length: 10000000000\r\n\r\n")
        raw = b""
        while not raw.endswith(b"}}"):  # the JSON error body ends so
            chunk = s.recv(65536)  # the answer, without sending a byte of the body
            if not chunk:
                break
            raw += chunk
        reply = raw.decode("utf-8", "replace")
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert '"class":"LimitError"' in reply


def test_empty_and_malformed_requests(server: Served) -> None:
    for body, ctype in (
        (b"", "text/plain"),
        (b"", "application/json"),
        (b"{", "application/json"),
        (orjson.dumps({"txt": "x"}), "application/json"),
        multipart({"other": (None, b"x")}),
        (b"--x\r\ngarbage", "multipart/form-data"),
    ):
        status, got = server.post("/api/parse", body, ctype)
        err = _error(got)
        assert status == 400, (body, ctype, got)
        assert (err["class"], err["exit_code"]) == ("RequestError", 2)
    status, got = server.post("/api/diff", orjson.dumps({"a": {"text": "x"}}), "application/json")
    assert status == 400 and "b" in str(_error(got)["message"])
    # An empty draft is not an error: its outline is the CLI's for an empty file.
    want = cli("parse", "-", stdin=b"")
    assert server.post("/api/parse", orjson.dumps({"text": ""}), "application/json") == (
        200, want)


def test_unknown_paths_and_methods(server: Served) -> None:
    status, _, body = server.request("GET", "/static/nothing.js")
    assert status == 404 and _error(body)["class"] == "RequestError"
    status, _, _ = server.request("GET", "/api/parse")
    assert status == 405


# -- safety ----------------------------------------------------------------------------


def test_security_headers_on_every_answer(server: Served) -> None:
    for method, path in (("GET", "/"), ("GET", "/static/app.js"), ("POST", "/api/parse")):
        _, headers, _ = server.request(method, path, b"x" if method == "POST" else None)
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert "server" not in headers
    _, headers, _ = server.request("POST", "/api/parse", b"x")
    assert headers["cache-control"] == "no-store"


def test_other_host_names_are_refused(server: Served) -> None:
    """A page on another site cannot reach the server by DNS rebinding."""
    status, _, _ = server.request("GET", "/", headers={"Host": f"evil.example:{server.port}"})
    assert status == 400
    status, _, _ = server.request("GET", "/", headers={"Host": f"localhost:{server.port}"})
    assert status == 200


def test_listens_on_loopback_only(server: Served) -> None:
    out = os.popen(f"ss -ltnH 'sport = :{server.port}' 2>/dev/null").read()
    if not out.strip():
        pytest.skip("ss is not available")
    assert all(f"{HOST}:{server.port}" in line for line in out.strip().splitlines()), out


def test_nothing_is_written_to_disk(server: Served) -> None:
    big = ("一、总体要求\n（一）指导思想。" + "正文" * 40 + "\n") * 800  # ~150 KB upload
    body, ctype = multipart({"file": ("big.txt", big.encode()[: MAX_BYTES - 10])})
    assert server.post("/api/view", body, ctype)[0] == 200
    assert server.post("/api/parse", body, ctype)[0] == 200
    left = [p for p in server.workdir.rglob("*") if p.is_file()]
    assert left == []


def test_openapi_is_generated_from_the_models(server: Served) -> None:
    status, _, body = server.request("GET", "/openapi.json")
    spec = json.loads(body)
    assert status == 200
    assert {"/api/parse", "/api/lint", "/api/diff"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["Document"]["properties"]) == {f.name for f in fields(Document)}
    assert set(schemas["Diagnostic"]["properties"]) == {
            "file", "line", "col", "code", "message", "name"
        }
    assert set(schemas["DiffAnswer"]["properties"]) == {"a", "b", "changes", "counts"}
    parse_op = spec["paths"]["/api/parse"]["post"]
    assert parse_op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Document"}
    assert {"413", "422", "400"} <= set(parse_op["responses"])
    body_types = parse_op["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body_types)
    ref = body_types["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schemas[ref]["properties"]) == {"text", "filename"}
    # No page that would fetch its files from elsewhere.
    assert server.request("GET", "/docs")[0] == 404


# -- a bounded load test (benchmarks/web_load.py is the big one) -------------------------


def test_concurrent_clients_get_the_cli_answers(server: Served) -> None:
    texts = [p for p in CASES if p.stat().st_size < MAX_BYTES]
    want = {p: cli("parse", str(p)) for p in texts}
    rng = random.Random(13)
    jobs = [rng.choice(texts) for _ in range(4 * 20)]
    failures: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def client(mine: list[Path]) -> None:
        for p in mine:
            t0 = time.perf_counter()
            try:
                status, got = server.post(f"/api/parse?filename={p}", p.read_bytes(),
                                          "text/plain")
            except OSError as exc:
                status, got = -1, str(exc).encode()
            with lock:
                latencies.append(time.perf_counter() - t0)
                if (status, got) != (200, want[p]):
                    failures.append(f"{p.name}: {status}")

    threads = [threading.Thread(target=client, args=(jobs[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(latencies) == len(jobs)
    assert statistics.median(latencies) < 5.0


def test_other_formats_through_the_readers(server: Served, corpus_dir: Path) -> None:
    """.docx, .html and a PDF with a text layer, uploaded: the CLI's answer for the file."""
    formats = corpus_dir / "formats"
    picked = [p for ext in (".docx", ".html", ".pdf") for p in sorted(formats.glob(f"*{ext}"))
              if "no_text_layer" not in p.name and p.stat().st_size <= MAX_BYTES][:6]
    if not picked:
        pytest.skip("no .docx/.html/.pdf in the corpus")
    for p in picked:
        r = CliRunner().invoke(main, ["parse", str(p)])
        body, ctype = multipart({"file": (str(p), p.read_bytes())})
        status, got = server.post("/api/parse", body, ctype)
        if r.exit_code == 0:
            assert (status, got) == (200, r.stdout_bytes), p.name
        else:  # a file the readers refuse: the same error class as the CLI reports
            assert status in (413, 422), p.name
            assert _error(got)["exit_code"] == r.exit_code, p.name


def test_serve_without_the_web_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    r = CliRunner().invoke(main, ["serve"])
    assert r.exit_code == 2
    assert "uvicorn is missing" in r.stderr
    assert "pip install 'speechtree[web]'" in r.stderr


def test_which_hosts_are_loopback() -> None:
    from speechtree.cli_serve import _loopback

    assert all(map(_loopback, ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"]))
    assert not any(map(_loopback, ["0.0.0.0", "192.168.1.5", "example.org", "::"]))
