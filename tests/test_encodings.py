"""Encodings: one speech in every supported encoding gives one outline;
undecodable input names the encodings tried; --encoding forces a reading."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from speechtree import DecodeError, Document, InputError, ParseOptions, parse, parse_file
from speechtree.check import verify_lossless
from speechtree.cli import EXIT_INPUT, main
from speechtree.decode import FALLBACK_ENCODINGS, decode

SIMPLIFIED = (
    "在全市经济工作会议上的讲话\n（2024年1月5日）\n\n同志们：\n"
    "\u3000\u3000今天召开会议，主要任务是总结工作、部署任务。\n"
    "\u3000\u3000一、过去一年的工作\n"
    "\u3000\u3000（一）经济运行稳中向好。全年生产总值增长5.2%，达到1234亿元。\n"
    "\u3000\u30001.工业生产加快。一是产量增加；二是效益提高；三是结构优化。\n"
    "\u3000\u3000（二）改革开放深入推进。首先，深化改革；其次，扩大开放。\n"
    "\u3000\u3000二、今年的主要任务\n"
    "\u3000\u3000第一，稳增长。第二，促改革。第三，惠民生。\n"
)

#: Big5 holds traditional characters only: the same speech, as Taipei or Hong
#: Kong would have typed it.
TRADITIONAL = (
    "在全市經濟工作會議上的講話\n（2024年1月5日）\n\n同志們：\n"
    "\u3000\u3000今天召開會議，主要任務是總結工作、部署任務。\n"
    "\u3000\u3000一、過去一年的工作\n"
    "\u3000\u3000（一）經濟運行穩中向好。全年生產總值增長5.2%，達到1234億元。\n"
    "\u3000\u30001.工業生產加快。一是產量增加；二是效益提高；三是結構優化。\n"
    "\u3000\u3000（二）改革開放深入推進。首先，深化改革；其次，擴大開放。\n"
    "\u3000\u3000二、今年的主要任務\n"
    "\u3000\u3000第一，穩增長。第二，促改革。第三，惠民生。\n"
)

ENCODED: dict[str, tuple[str, bytes]] = {
    "utf-8": (SIMPLIFIED, SIMPLIFIED.encode("utf-8")),
    "utf-8-bom": (SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")),
    "utf-8-crlf": (SIMPLIFIED, SIMPLIFIED.replace("\n", "\r\n").encode("utf-8")),
    "gb18030": (SIMPLIFIED, SIMPLIFIED.encode("gb18030")),
    "gbk": (SIMPLIFIED, SIMPLIFIED.encode("gbk")),
    "gb2312": (SIMPLIFIED, SIMPLIFIED.encode("gb2312")),
    "utf-16le-bom": (SIMPLIFIED, codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le")),
    "utf-16be-bom": (SIMPLIFIED, codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be")),
    "utf-16le": (SIMPLIFIED, SIMPLIFIED.encode("utf-16-le")),
    "utf-16be": (SIMPLIFIED, SIMPLIFIED.encode("utf-16-be")),
    "utf-32-bom": (SIMPLIFIED, SIMPLIFIED.encode("utf-32")),
    "big5": (TRADITIONAL, TRADITIONAL.encode("big5")),
    "big5-traditional-utf-8": (TRADITIONAL, TRADITIONAL.encode("utf-8")),
    "traditional-utf-16le": (TRADITIONAL, TRADITIONAL.encode("utf-16-le")),
    "traditional-gb18030": (TRADITIONAL, TRADITIONAL.encode("gb18030")),
}


def outline(doc: Document) -> list[tuple[Any, ...]]:
    return [
        (path, n.level, n.style, n.marker, n.ordinal, n.title, n.span.start, n.span.line)
        for path, n in doc.walk()
    ]


@pytest.mark.parametrize("name", list(ENCODED))
def test_every_encoding_gives_the_outline_of_the_text(name: str) -> None:
    text, data = ENCODED[name]
    doc = parse(data)
    expected = parse(text.replace("\n", "\r\n") if "crlf" in name else text)
    assert doc.original_text == expected.original_text
    assert verify_lossless(doc) == []
    assert outline(doc) == outline(expected)
    assert len(outline(doc)) >= 8
    got, want = doc.to_dict(), expected.to_dict()
    got["source"]["encoding"] = want["source"]["encoding"]
    assert got == want  # same offsets, titles, bodies and sha256 of the decoded text


def test_simplified_and_traditional_outlines_have_one_shape() -> None:
    a, b = parse(SIMPLIFIED.encode("gbk")), parse(TRADITIONAL.encode("big5"))
    assert [o[:5] for o in outline(a)] == [o[:5] for o in outline(b)]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("gbk", "gb18030"), ("big5", "big5"), ("utf-16le", "utf-16-le"), ("utf-16be", "utf-16-be")],
)
def test_detected_encoding_is_reported(name: str, encoding: str) -> None:
    assert parse(ENCODED[name][1]).source.encoding == encoding


def test_corpus_in_legacy_encodings(corpus_dir: Path) -> None:
    for p in sorted(corpus_dir.glob("*.txt"))[:12]:
        text = p.read_text(encoding="utf-8").removeprefix("\ufeff")
        want = outline(parse(text))
        for enc in ("gb18030", "utf-16-le", "utf-16-be"):
            try:
                data = text.encode(enc)
            except UnicodeEncodeError:
                continue
            doc = parse(data)
            assert doc.original_text == text, (p.name, enc)
            assert outline(doc) == want, (p.name, enc)


# -- undecodable, binary, forced -------------------------------------------------------


@pytest.mark.parametrize("data", [b"\xff\xff\xff", b"\x81", b"\xa1\xa1\xff"])
def test_undecodable_input_lists_every_encoding_tried(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        parse(data)
    assert err.value.tried == ("utf-8", *FALLBACK_ENCODINGS)
    f = tmp_path / "乱码 file.txt"
    f.write_bytes(data)
    r = CliRunner().invoke(main, ["parse", str(f)])
    assert r.exit_code == EXIT_INPUT
    assert r.stderr.startswith(f"speechtree: error: {f}: ")
    assert "utf-8" in r.stderr and "gb18030" in r.stderr and "big5" in r.stderr


def test_bad_bytes_after_a_bom_name_the_bom_encoding() -> None:
    with pytest.raises(DecodeError) as err:
        parse(codecs.BOM_UTF8 + b"\xff\xfe\xfd")
    assert err.value.tried == ("utf-8-sig",)


def test_forced_encoding_is_used() -> None:
    data = SIMPLIFIED.encode("gbk")
    doc = parse(data, options=ParseOptions(encoding="gbk"))
    assert doc.source.encoding == "gbk" and doc.original_text == SIMPLIFIED
    # A wrong forced encoding is obeyed (latin-1 reads any byte) ...
    doc = parse(data, options=ParseOptions(encoding="latin-1"))
    assert doc.source.encoding == "iso8859-1" and verify_lossless(doc) == []  # canonical name
    # ... or fails naming only that encoding.
    with pytest.raises(DecodeError) as err:
        parse(data, options=ParseOptions(encoding="utf-8"))
    assert err.value.tried == ("utf-8",) and "byte" in str(err.value)


def test_forced_encoding_strips_its_bom() -> None:
    doc = parse(codecs.BOM_UTF8 + SIMPLIFIED.encode(), options=ParseOptions(encoding="utf-8"))
    assert doc.original_text == SIMPLIFIED


def test_unknown_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown encoding"):
        parse(b"abc", options=ParseOptions(encoding="no-such-codec"))


def test_cli_forces_the_encoding(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_bytes(TRADITIONAL.encode("big5"))
    r = CliRunner().invoke(main, ["parse", str(f), "--encoding", "big5"])
    assert r.exit_code == 0, r.stderr
    assert Document.from_json(r.stdout).source.encoding == "big5"
    r = CliRunner().invoke(main, ["parse", str(f), "--encoding", "utf-8"])
    assert r.exit_code == EXIT_INPUT
    assert "utf-8" in r.stderr


def test_parse_file_decodes_like_parse(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_bytes(ENCODED["utf-16le-bom"][1])
    assert outline(parse_file(f)) == outline(parse(SIMPLIFIED))


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02\x03" * 100, bytes(range(256)) * 4],
    ids=["controls", "all-bytes"],
)
def test_binary_is_not_read_as_utf16(data: bytes) -> None:
    with pytest.raises(InputError):
        decode(data)


@pytest.mark.parametrize(
    "text",
    ["關於憲法草案的報告", "在第一届全国人民代表大会", "2025年海南省政府工作报告", "——2025年1月"],
)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_short_utf16_without_bom(text: str, encoding: str) -> None:
    """Regressions: all-Han UTF-16 was read as GB18030 mojibake, and UTF-16
    with ASCII digits (valid UTF-8 full of NULs) was called binary."""
    got, _ = decode(text.encode(encoding))
    assert got == text
