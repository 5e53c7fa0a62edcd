"""Batches of mixed formats, tables of texts, and the CLI's answers to bad files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")
pytest.importorskip("lxml")

from formats_fixtures import DocxWriter, image_only_pdf, text_to_html, text_to_pdf

import speechtree
from speechtree.batch_texts import convert_table
from speechtree.check import verify_lossless
from speechtree.cli import main

TALK = (
    "在全县工作会议上的讲话\n一、统一思想\n要提高认识。一是讲政治；二是顾大局。\n"
    "二、狠抓落实\n要真抓实干。\n"
)


def _docx() -> bytes:
    w = DocxWriter()
    aid = w.list_def([("chineseCounting", "%1、")])
    nid = w.instance(aid)
    w.para("在全县工作会议上的讲话")
    w.para("统一思想", nid)
    w.para("要提高认识。一是讲政治；二是顾大局。")
    w.para("狠抓落实", nid)
    w.para("要真抓实干。")
    return w.bytes()


def _markers(doc: speechtree.Document) -> list[str]:
    return [n.marker for _, n in doc.walk()]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(TALK, encoding="utf-8")
    (d / "b.docx").write_bytes(_docx())
    (d / "c.pdf").write_bytes(text_to_pdf(TALK.strip().split("\n")))
    (d / "d.html").write_bytes(text_to_html(TALK))
    (d / "e_corrupt.docx").write_bytes(_docx()[:300])
    (d / "f_scanned.pdf").write_bytes(image_only_pdf())
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    (d / "g_old.doc").write_bytes(ole2 + "WordDocument".encode("utf-16-le"))
    return d


def test_batch_over_mixed_formats(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(mixed), "-o", str(out), "-j", "1", "-q",
                                    "--table", str(tmp_path / "nodes.csv")])
    assert res.exit_code == 1, res.output
    written = sorted(p.name for p in out.glob("*.json"))
    assert written == ["a.json", "b.json", "c.json", "d.json"]
    for name in written:
        doc = speechtree.Document.from_json((out / name).read_bytes())
        assert _markers(doc) == ["一、", "一是", "二是", "二、"], name
    fmts = {n: json.loads((out / n).read_text("utf-8"))["source"]["format"] for n in written}
    assert fmts == {"a.json": "text", "b.json": "docx", "c.json": "pdf", "d.json": "html"}
    errors = [json.loads(ln) for ln in (out / "_errors.jsonl").read_text("utf-8").splitlines()]
    assert sorted(e["path"] for e in errors) == ["e_corrupt.docx", "f_scanned.pdf", "g_old.doc"]
    assert all(e["error"] == "FormatError" for e in errors)


def test_with_text_keeps_every_span_resolvable(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["batch", str(mixed), "-o", str(out), "-j", "1", "-q",
                              "--with-text"])
    doc = speechtree.Document.from_json((out / "b.json").read_bytes())
    assert doc.original_text is not None and verify_lossless(doc) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("e_corrupt.docx", "corrupt .docx"),
        ("f_scanned.pdf", "without a text layer"),
        ("g_old.doc", "convert it to .docx"),
    ],
)
def test_parse_says_one_line_and_exits_3(mixed: Path, name: str, message: str) -> None:
    res = CliRunner().invoke(main, ["parse", str(mixed / name)])
    assert res.exit_code == 3
    lines = res.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("speechtree: error: ") and message in lines[0]


def test_parse_a_page_without_article_and_an_image(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_bytes(b"<html><body><ul><li><a href='/'>home</a></li></ul></body></html>")
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    for f, message in ((page, "no article"), (png, "PNG image")):
        res = CliRunner().invoke(main, ["parse", str(f)])
        assert res.exit_code == 3 and message in res.stderr


def test_input_format_option(tmp_path: Path) -> None:
    f = tmp_path / "page.txt"
    f.write_bytes(text_to_html(TALK))
    res = CliRunner().invoke(main, ["parse", str(f), "--input-format", "text", "-f", "json"])
    assert json.loads(res.stdout)["source"]["format"] == "text"
    res = CliRunner().invoke(main, ["parse", str(f), "-f", "json"])
    assert json.loads(res.stdout)["source"]["format"] == "html"


def _rows() -> list[dict[str, object]]:
    return [
        {"ID": "2021-01", "Speaker": "甲", "Text": TALK},
        {"ID": "2021-02", "Speaker": "乙", "Text": "一、总体要求\n二、主要任务\n"},
        {"ID": "2021-03", "Speaker": "丙", "Text": ""},
        {"ID": "2021-01", "Speaker": "丁", "Text": TALK},
    ]


def _write(kind: str, path: Path) -> None:
    if kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["ID", "Speaker", "Text"])
            w.writeheader()
            w.writerows(_rows())
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()),
                        encoding="utf-8")
    else:
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.Table.from_pylist(_rows()), path)


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_table_of_texts(kind: str, tmp_path: Path) -> None:
    src = tmp_path / f"speeches.{kind}"
    _write(kind, src)
    out, nodes = tmp_path / "out", tmp_path / "nodes.csv"
    res = CliRunner().invoke(main, ["batch", str(src), "--text-column", "Text", "--id-column",
                                    "ID", "-o", str(out), "--table", str(nodes), "-j", "1", "-q"])
    assert res.exit_code == 1, res.output
    assert sorted(p.name for p in out.glob("*.json")) == ["2021-01.json", "2021-02.json"]
    doc = speechtree.Document.from_json((out / "2021-01.json").read_bytes())
    assert doc.source.path == "2021-01" and _markers(doc) == ["一、", "一是", "二是", "二、"]
    errors = [json.loads(ln) for ln in (out / "_errors.jsonl").read_text("utf-8").splitlines()]
    assert [e["path"] for e in errors] == ["2021-03", "2021-01"]  # empty text, repeated id
    with nodes.open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert table[0]["ID"] == "2021-01" and table[0]["file"] == "2021-01"
    assert [r["ID"] for r in table].count("2021-02") == 2


def test_table_errors_before_any_work(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    _write("csv", src)
    with pytest.raises(speechtree.InputError, match="no column 'Body'"):
        convert_table(src, tmp_path / "out", text_column="Body", jobs=1)
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "o2")])
    assert res.exit_code == 2 and "--text-column" in res.stderr


def test_parse_many_takes_texts() -> None:
    items = [speechtree.TextInput("a", TALK), ("b", _docx()), ("c", b"PK\x03\x04broken")]
    results = list(speechtree.parse_many(items, jobs=1))
    assert [r.path for r in results] == ["a", "b", "c"]
    assert results[0].ok and results[1].ok and not results[2].ok
    assert results[1].document is not None and results[1].document.source.format == "docx"
