"""Flat rows: Document.rows() and the CSV/JSONL table writer."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from speechtree import parse
from speechtree.rows import COLUMNS, Row, TableWriter, write_table

TEXT = (
    "关于工作的报告\n"
    "\n"
    "一、总体要求\n"
    "（一）指导思想。坚持稳中求进。\n"
    "（二）主要目标。\n"
    "1.增长5%左右。\n"
    "2.就业稳定。\n"
    "二、重点任务\n"
)


def test_rows_follow_walk_with_one_based_paths() -> None:
    doc = parse(TEXT, path="r.txt")
    rows = doc.rows()
    assert [r.path for r in rows] == ["/1", "/1/1", "/1/2", "/1/2/1", "/1/2/2", "/2"]
    assert [r.marker for r in rows] == ["一、", "（一）", "（二）", "1.", "2.", "二、"]
    assert [r.level for r in rows] == [1, 2, 2, 3, 3, 1]
    assert [r.ordinal for r in rows] == [1, 1, 2, 1, 2, 2]
    assert [r.line for r in rows] == [3, 4, 5, 6, 7, 8]
    assert {r.file for r in rows} == {"r.txt"}
    assert {r.speech for r in rows} == {1}
    nodes = [n for _, n in doc.walk()]
    assert [r.title for r in rows] == [n.title for n in nodes]
    assert [r.body_chars for r in rows] == [len(n.text) for n in nodes]
    assert [r.kind for r in rows] == [n.kind for n in nodes]
    assert [r.style for r in rows] == [n.style for n in nodes]
    assert rows[1].body_chars == len("坚持稳中求进。")


def test_rows_file_override_and_unnamed_document() -> None:
    assert {r.file for r in parse(TEXT).rows()} == {""}
    assert {r.file for r in parse(TEXT, path="a").rows(file="b/c.txt")} == {"b/c.txt"}


def test_rows_number_speeches_from_one() -> None:
    doc = parse(TEXT)
    doc.speeches.append(replace(doc.speeches[0]))
    rows = doc.rows()
    assert [r.speech for r in rows] == [1] * 6 + [2] * 6
    assert [r.path for r in rows[6:]] == ["/1", "/1/1", "/1/2", "/1/2/1", "/1/2/2", "/2"]


def _sample() -> list[Row]:
    odd = Row('x,"y".txt', 1, None, "", None, None, None, "/1", None, None, 1, "item", "last",
              "最后，", None, "换行\n标题", "", 0, 9, 9, 0, 3)
    return [*parse(TEXT, path="报告.txt").rows(), odd]


def test_csv_has_bom_header_and_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    assert write_table(_sample(), target) == 7
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(got[0]) == COLUMNS
    want = [["" if v is None else str(v) for v in r] for r in _sample()]
    assert got[1:] == want


def test_jsonl_round_trips_with_nulls(tmp_path: Path) -> None:
    target = tmp_path / "t.jsonl"
    write_table(_sample(), target)
    got = [orjson.loads(line) for line in target.read_bytes().splitlines()]
    assert got == [r._asdict() for r in _sample()]
    assert got[-1]["ordinal"] is None
    assert not target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.csv or \.jsonl or \.parquet"):
        TableWriter(tmp_path / "t.xlsx")


def test_an_aborted_table_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), TableWriter(target) as w:
        w.write(_sample())
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
