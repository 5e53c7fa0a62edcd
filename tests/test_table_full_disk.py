"""``--table`` on a full disk: the batch reports it and exits non-zero, and
the table it leaves is valid (cut after the last whole file's rows), like
``_errors.jsonl``. The disk is filled by an ``OSError`` injected into the
writes that go to the table's temporary file."""

from __future__ import annotations

import csv
import errno
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from speechtree.batch import convert_folder
from speechtree.batch_texts import convert_table
from speechtree.cli import main
from speechtree.rows import COLUMNS, TableWriter, write_table

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds the table's file through /proc"
)

#: Four nodes a file.
SPEECH = "一、总体要求\n（一）指导思想。坚持稳中求进。\n二、主要任务\n（一）稳增长。正文。\n"


def _inputs(root: Path, n: int = 6) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"s{i}.txt").write_text(SPEECH, encoding="utf-8")
    return root


def _fill_disk_after(
    monkeypatch: pytest.MonkeyPatch, table_name: str, good_writes: int
) -> Callable[[], None]:
    """Let ``good_writes`` writes reach the table's temporary file, then fail
    every one with ENOSPC (other files are written as usual)."""
    real_write = os.write
    seen = [0]

    def write(fd: int, data: bytes) -> int:
        if f".{table_name}." in os.readlink(f"/proc/self/fd/{fd}"):
            seen[0] += 1
            if seen[0] > good_writes:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    return monkeypatch.undo


def test_a_full_disk_while_writing_a_csv_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out, table = _inputs(tmp_path / "in"), tmp_path / "out", tmp_path / "t.csv"
    undo = _fill_disk_after(monkeypatch, "t.csv", 3)  # the header and two files
    summary = convert_folder(src, out, jobs=1, table=table)
    undo()
    assert (summary.written, summary.failed) == (6, 0)  # the outputs are all there
    assert "t.csv is incomplete: 16 row(s) could not be written" in summary.table_error
    assert "No space left on device" in summary.format()
    data = table.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    head, *body = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(head) == COLUMNS
    assert len(body) == 8 and all(len(r) == len(COLUMNS) for r in body)
    assert sorted({r[0] for r in body}) == ["s0.txt", "s1.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_full_disk_while_writing_a_jsonl_table_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out, table = _inputs(tmp_path / "in"), tmp_path / "out", tmp_path / "t.jsonl"
    undo = _fill_disk_after(monkeypatch, "t.jsonl", 1)
    r = CliRunner().invoke(
        main, ["batch", str(src), "-o", str(out), "-j", "1", "--table", str(table)]
    )
    undo()
    assert r.exit_code == 1, r.output
    assert "t.jsonl is incomplete: 20 row(s) could not be written" in r.stderr
    assert "No space left on device" in r.stderr
    assert "table: 24 rows" not in r.stderr  # it does not claim the rows it lost
    lines = table.read_bytes().splitlines()
    assert len(lines) == 4 and all(orjson.loads(x)["file"] == "s0.txt" for x in lines)
    r = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1", "--overwrite", "-q",
                                  "--table", str(table)])
    assert r.exit_code == 0 and len(table.read_bytes().splitlines()) == 24


def test_a_full_disk_while_writing_a_table_of_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = tmp_path / "texts.jsonl"
    texts.write_bytes(b"".join(orjson.dumps({"id": f"r{i}", "text": SPEECH}) + b"\n"
                               for i in range(5)))
    out, table = tmp_path / "out", tmp_path / "t.jsonl"
    undo = _fill_disk_after(monkeypatch, "t.jsonl", 2)
    summary = convert_table(texts, out, text_column="text", id_columns=["id"], jobs=1,
                            table=table)
    undo()
    assert summary.written == 5 and "12 row(s) could not be written" in summary.table_error
    lines = [orjson.loads(x) for x in table.read_bytes().splitlines()]
    assert [x["id"] for x in lines] == ["r0"] * 4 + ["r1"] * 4


def test_a_full_disk_while_writing_a_parquet_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet file cannot be cut short: no table rather than a broken one."""
    pytest.importorskip("pyarrow")
    src, out, table = _inputs(tmp_path / "in"), tmp_path / "out", tmp_path / "t.parquet"
    old = b"an older table"
    table.write_bytes(old)

    def full(self: TableWriter) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(TableWriter, "_flush", full)  # where pyarrow writes
    summary = convert_folder(src, out, jobs=1, table=table)
    assert "a Parquet table cannot be cut short" in summary.table_error
    assert table.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_write_table_raises_on_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from speechtree import parse
    from speechtree.rows import rows

    items = list(rows(parse(SPEECH)))
    undo = _fill_disk_after(monkeypatch, "t.csv", 1)
    with pytest.raises(OSError, match="incomplete: 4 row"):
        write_table(items, tmp_path / "t.csv")
    undo()
    assert write_table(items, tmp_path / "t.csv") == 4


def test_a_full_disk_while_writing_the_failure_log_of_a_table_of_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_disk: Callable[[int], None]
) -> None:
    """convert_table wrote its _errors.jsonl with a plain file: a full disk
    crashed the batch. It now keeps the log of convert_folder."""
    texts = tmp_path / "texts.jsonl"
    texts.write_bytes(b"".join(orjson.dumps({"id": "same", "text": SPEECH}) + b"\n"
                               for _ in range(4)))  # three id clashes: three failures
    out = tmp_path / "out"
    full_disk(1)
    summary = convert_table(texts, out, text_column="text", id_columns=["id"], jobs=1)
    monkeypatch.undo()
    assert (summary.written, summary.failed) == (1, 3)
    (line,) = (out / "_errors.jsonl").read_bytes().splitlines()
    assert "already taken" in orjson.loads(line)["message"]
    assert "incomplete: 2 failure(s) could not be recorded" in summary.log_error
