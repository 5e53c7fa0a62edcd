"""The Dask recipe on local schedulers, and its runnable example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.bag")

from speechtree import parse
from speechtree.dask import bag_of_outlines, bag_of_rows

ROOT = Path(__file__).resolve().parent.parent

SPEECH_A = (
    "关于工作的报告\n\n一、总体要求\n（一）指导思想。坚持稳中求进。\n（二）主要目标。\n二、重点任务\n"
)
SPEECH_B = "在会议上的讲话\n\n同志们：\n一、统一思想\n1.认清形势。\n2.明确任务。\n二、狠抓落实\n"


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    a = tmp_path / "a.txt"
    a.write_text(SPEECH_A, encoding="utf-8")
    b = tmp_path / "sub" / "讲话 b.txt"
    b.parent.mkdir()
    b.write_text(SPEECH_B, encoding="gb18030")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02\x03" * 64)
    return [a, bad, b]


@pytest.mark.parametrize("scheduler", ["synchronous", "processes"])
def test_bag_of_outlines_matches_parse(files: list[Path], scheduler: str) -> None:
    kw: dict[str, object] = {"scheduler": scheduler}
    if scheduler == "processes":
        kw["num_workers"] = 2
    results = bag_of_outlines(files, npartitions=2).compute(**kw)
    assert [r.path for r in results] == [str(p) for p in files]
    a, bad, b = results
    assert bad.document is None and bad.failure is not None
    assert bad.failure.error in {"InputError", "DecodeError"}
    for res, p in ((a, files[0]), (b, files[2])):
        assert res.document is not None
        assert res.document.to_json() == parse(p.read_bytes(), path=str(p)).to_json()
    assert b.document is not None and b.document.source.encoding == "gb18030"


def test_bag_of_rows_equals_document_rows(files: list[Path]) -> None:
    got = bag_of_rows(files, npartitions=3).compute(scheduler="synchronous")
    want = [
        r._asdict()
        for p in files
        if p.name != "bad.txt"
        for r in parse(p.read_bytes(), path=str(p)).rows()
    ]
    assert got == want
    assert {r["path"] for r in got if r["file"].endswith("a.txt")} == {"/1", "/1/1", "/1/2", "/2"}


def test_example_runs(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(SPEECH_A, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_batch.py"), str(tmp_path),
         "--scheduler", "synchronous"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "x.txt: 1 speech(es), 4 nodes" in proc.stdout
    assert "nodes per level: {1: 2, 2: 2}" in proc.stdout
