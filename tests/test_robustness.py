"""Hostile and bounded inputs: empty, blank, nothing but markers, one huge line,
deep nesting, many siblings, binary and oversized input, through the library
and the CLI. Sizes here are small enough for CI; benchmarks/bench_hostile.py
shows the growth at 1, 5 and 20 MB.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from speechtree import (
    DecodeError,
    Document,
    InputError,
    LimitError,
    ParseOptions,
    SpeechtreeError,
    parse,
    parse_file,
)
from speechtree.check import verify_lossless
from speechtree.cli import EXIT_INPUT, EXIT_LIMIT, main
from speechtree.metadata import FIELDS
from speechtree.models import SCHEMA_VERSION, Node, Source, Span, Speech, SpeechMetadata
from speechtree.render import RENDERERS, render
from speechtree.tree import MAX_DEPTH


def lossless(data: str | bytes) -> Document:
    doc = parse(data)
    assert verify_lossless(doc) == []
    return doc


def nodes(doc: Document) -> list[Node]:
    return [n for _, n in doc.walk()]


def depth(doc: Document) -> int:
    return max((n.level for n in nodes(doc)), default=0)


@contextmanager
def shallow_stack(room: int) -> Iterator[None]:
    """Run with only ``room`` frames of recursion to spare: code that recurses
    once per outline level fails here long before a real stack would."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + room)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# -- empty, blank, markers only ------------------------------------------------

BLANK_INPUTS = [
    "",
    " ",
    "\n",
    "\r\n\r\n\r\n",
    "\r\r",
    "\u3000\u3000\u3000",
    "\t \u00a0\u2003\n\u200b\ufeff",
    "\ufeff",
    "\n" * 5000,
]


@pytest.mark.parametrize("text", BLANK_INPUTS, ids=repr)
def test_blank_text_gives_an_empty_outline(text: str) -> None:
    doc = lossless(text)
    assert nodes(doc) == []
    assert doc.unplaced == []
    assert all(sp.preamble == [] for sp in doc.speeches)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"   \r\n"])
def test_blank_bytes_give_an_empty_outline(data: bytes) -> None:
    doc = lossless(data)
    assert nodes(doc) == []
    assert doc.source.length == len(doc.original_text or "")


MARKER_ONLY = [
    "一、\n二、\n三、\n",
    "（一）\n（二）\n（三）\n",
    "1.\n2.\n3.\n",
    "①②③④⑤",
    "一是二是三是",
    "第一篇\n第二篇\n篇一\n篇二\n",
    "一、二、三、（一）（二）1.2.（1）（2）①②一是二是首先其次最后",
    "一、\n（一）\n1.\n（1）\n①\n一是\n第一，\n其一\n一方面\n另一方面\n首先\n第一部分\n第一章\n",
    "㈠㈡㈢⑴⑵⒈⒉❶❷",
    "一、" * 2000,
    "（一）\n" * 2000,
]


@pytest.mark.parametrize("text", MARKER_ONLY, ids=lambda t: repr(t[:30]))
def test_text_of_nothing_but_markers_is_lossless(text: str) -> None:
    doc = lossless(text)
    for n in nodes(doc):
        assert n.marker  # whatever became a node kept its marker


# -- size: long lines, many siblings, deep nesting ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "发展" * 100_000,
        "发展经济，" * 40_000,
        "一是发展，二是改革，" * 2_000,
        "一、发展\u3000\u3000" * 4_000,
        "：".join(f"（{i % 999 + 1}）事项；" for i in range(3_000)),
        "x" * 200_000,
        "。" * 200_000,
        "\u3000 " * 100_000,
    ],
    ids=["han", "clauses", "shi", "gaps", "paren", "ascii", "stops", "spaces"],
)
def test_one_long_line_is_lossless(text: str) -> None:
    lossless(text)


def test_ten_thousand_siblings() -> None:
    text = "\n".join(f"{i % 999 + 1}.标题内容。正文" for i in range(10_000))
    doc = lossless(text)
    assert len(nodes(doc)) == 10_000
    assert depth(doc) == 1


def test_hundred_nested_levels_parse_and_render() -> None:
    # 一是 opening a list inside the item before it nests: 一是做；一是做；… 二是
    text = "；".join(["一是做"] * 100) + "；二是完成。"
    doc = lossless(text)
    assert depth(doc) == 100
    assert not any(w.code == "ST204" for w in doc.warnings)
    for fmt in RENDERERS:
        assert render(doc, fmt)
    back = Document.from_json(doc.to_json())
    assert back.to_dict() == doc.to_dict()


@pytest.mark.parametrize("n", [101, 1_000])
def test_deeper_outlines_are_capped_and_still_serialise(n: int) -> None:
    """Regression (fuzzer): thousands of nested ①…① made to_json raise
    TypeError (orjson's 255-container limit). Depth is capped at MAX_DEPTH."""
    text = "；".join(["一是做"] * n) + "；二是完成。"
    doc = lossless(text)
    assert depth(doc) == MAX_DEPTH
    assert len(nodes(doc)) == n + 1
    assert [w.code for w in doc.warnings].count("ST204") == 1
    assert orjson.loads(doc.to_json())
    assert doc.to_yaml()


def test_circled_series_restarting_in_one_paragraph() -> None:
    text = "".join(f"{chr(0x2460 + i % 20)}事项" for i in range(3_000))
    doc = lossless(text)
    assert depth(doc) <= MAX_DEPTH
    assert orjson.loads(doc.to_json())


def test_parse_does_not_recurse_per_level() -> None:
    text = "；".join(["一是做"] * 1_000) + "；二是完成。"
    parse(text)  # warm the grammar and caches outside the small stack
    with shallow_stack(150):
        doc = parse(text)
        problems = verify_lossless(doc)
        paths = list(doc.walk())
    assert problems == []
    assert len(paths) == 1_001


def test_a_hundred_deep_model_serialises() -> None:
    span = Span(start=0, end=1, line=1, end_line=1)
    node = Node(kind="item", style="shi", marker="一是", ordinal=1, level=MAX_DEPTH,
                title="做", text="", span=span, title_span=span, children=[])
    for level in range(MAX_DEPTH - 1, 0, -1):
        node = Node(kind="item", style="shi", marker="一是", ordinal=1, level=level,
                    title="做", text="", span=span, title_span=span, children=[node])
    meta = SpeechMetadata(**dict.fromkeys(FIELDS))
    doc = Document(
        schema_version=SCHEMA_VERSION,
        source=Source(path=None, encoding="utf-8", sha256="0" * 64, length=1, format="text",
                      text=None),
        speeches=[Speech(label=None, title="", title_span=None, span=span, metadata=meta,
                         preamble=[], sections=[node])],
        unplaced=[],
        warnings=[],
    )
    js = doc.to_json()
    assert Document.from_json(js).to_json() == js
    assert doc.to_yaml()
    assert len(list(doc.walk())) == MAX_DEPTH


# -- no catastrophic backtracking ------------------------------------------------------

#: Strings built to make a regex retry at every position: long runs of what a
#: marker starts with but never finishes, and nearly-matching repetitions.
BACKTRACK_BAITS = [
    "一" * 20_000,
    "第" * 20_000,
    "第一" * 10_000,
    "（" * 20_000,
    "（一" * 10_000,
    "1." * 10_000,
    "1" * 20_000,
    "1、" * 10_000,
    "其" * 20_000,
    "篇" * 20_000,
    "一百" * 10_000,
    "首先首先" * 5_000,
    "一方" * 10_000,
    "\u3000 " * 10_000 + "一、",
    "讲话" * 10_000 + "\n同志们：",
    "“" * 10_000 + "一是" + "”" * 10_000,
    ("（" * 50 + "一是") * 400,
]


@pytest.mark.parametrize("text", BACKTRACK_BAITS, ids=lambda t: repr(t[:12]))
def test_regex_baits_parse(text: str) -> None:
    lossless(text)
    lossless(text.replace("一", "\n一"))


# -- limits and errors -----------------------------------------------------------------


def test_max_bytes_rejects_bytes_over_the_limit() -> None:
    data = "一、总体要求\n".encode() * 10
    assert parse(data, options=ParseOptions(max_bytes=len(data))).speeches
    with pytest.raises(LimitError) as err:
        parse(data, options=ParseOptions(max_bytes=len(data) - 1))
    assert err.value.exit_code == 4
    assert f"{len(data):,}" in str(err.value) and "max_bytes" in str(err.value)


def test_max_bytes_rejects_text_over_the_limit() -> None:
    with pytest.raises(LimitError):
        parse("一" * 11, options=ParseOptions(max_bytes=10))


def test_cli_max_bytes_is_one_clear_line(tmp_path: Path) -> None:
    f = tmp_path / "大 文件.txt"
    f.write_bytes("一、总体要求\n".encode() * 1000)
    r = CliRunner().invoke(main, ["parse", str(f), "--max-bytes", "1000"])
    assert r.exit_code == EXIT_LIMIT
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"speechtree: error: {f}:")
    assert "--max-bytes" in r.stderr and "1,000" in r.stderr


def test_cli_max_bytes_on_stdin() -> None:
    r = CliRunner().invoke(main, ["parse", "-", "--max-bytes", "10"], input=b"x" * 11)
    assert r.exit_code == EXIT_LIMIT
    assert "<stdin>" in r.stderr


@pytest.mark.parametrize("bad", ["0", "-5", "lots"])
def test_cli_max_bytes_must_be_a_positive_number(bad: str) -> None:
    r = CliRunner().invoke(main, ["parse", "-", "--max-bytes", bad], input=b"x")
    assert r.exit_code == 2


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)),
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"PK\x03\x04" + bytes(range(256)) * 4,
        b"\x00\x01\x02\x03" * 100,
        b"\xff" * 101,
    ],
    ids=["all-bytes", "png", "zip", "controls", "ff"],
)
def test_binary_input_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError):
        parse(data)
    f = tmp_path / "binary.txt"
    f.write_bytes(data)
    r = CliRunner().invoke(main, ["parse", str(f)])
    assert r.exit_code == EXIT_INPUT
    assert r.stdout == ""
    assert r.stderr.startswith(f"speechtree: error: {f}: ")
    assert r.stderr.count("\n") == 1


def test_undecodable_bytes_name_the_encodings_tried(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"\xff\xff\xff")
    with pytest.raises(DecodeError) as err:
        parse_file(f)
    assert err.value.tried[0] == "utf-8" and len(err.value.tried) >= 3
    assert str(f) in str(err.value)
    for name in err.value.tried:
        assert name in str(err.value)


def test_directories_and_missing_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        parse_file(tmp_path)
    with pytest.raises(InputError):
        parse_file(tmp_path / "missing.txt")


def test_only_str_and_bytes_are_accepted() -> None:
    with pytest.raises(TypeError):
        parse(12345)  # type: ignore[arg-type]


def test_errors_are_speechtree_errors() -> None:
    assert issubclass(DecodeError, InputError)
    assert issubclass(LimitError, InputError)
    assert issubclass(InputError, SpeechtreeError)
    assert (SpeechtreeError.exit_code, InputError.exit_code, LimitError.exit_code) == (1, 3, 4)


# -- regressions from fuzzing and random inputs ---------------------------------------


def test_lone_cr_counts_as_a_line_break() -> None:
    """Regression: '\\r讲话' reported line 1 for text on line 2."""
    doc = lossless("\r讲话")
    assert doc.speeches[0].preamble[0].span.line == 2
    doc = lossless("一、总体要求\r（一）指导思想。坚持。\r二、主要任务\r")
    assert [n.span.line for n in nodes(doc)] == [1, 2, 3]


def test_title_keeps_no_space_at_its_edges() -> None:
    """Regression: a title could end in an NBSP ('①，：X，\\xa0？')."""
    doc = lossless("一、总体要求，\u00a0？\n二、主要任务\u2003\n")
    titles = [n.title for n in nodes(doc)]
    assert titles == ["总体要求", "主要任务"]


def test_fuzz_seed_files_still_parse() -> None:
    seeds = Path(__file__).parent / "fuzz" / "seeds"
    for f in sorted(seeds.iterdir()):
        data = f.read_bytes()
        try:
            doc = parse(data[1:])
        except SpeechtreeError:
            continue
        assert verify_lossless(doc) == [], f.name
        assert orjson.loads(doc.to_json())


@pytest.mark.parametrize("text", ["\ud800", "一、总体要求\n二、主要\udfff任务\n", "a\udc80b"])
def test_unpaired_surrogates_are_an_input_error(text: str) -> None:
    """Regression: a str with a lone surrogate parsed, then to_json raised
    TypeError (no UTF-8 can hold it). It is rejected up front, with its place."""
    with pytest.raises(InputError, match="surrogate") as err:
        parse(text, path="s.txt")
    assert err.value.line is not None and err.value.column is not None
    assert str(err.value).startswith(f"s.txt:{err.value.line}:{err.value.column}: ")


def test_parse_file_reads_no_more_than_the_limit(tmp_path: Path) -> None:
    """Regression: parse_file read the whole file before checking max_bytes."""
    f = tmp_path / "big.txt"
    f.write_bytes(b"a" * 5_000)
    with pytest.raises(LimitError) as err:
        parse_file(f, options=ParseOptions(max_bytes=1_000))
    assert "5,000 bytes" in str(err.value) and "1,000" in str(err.value)
    assert parse_file(f, options=ParseOptions(max_bytes=5_000)).source.length == 5_000


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_file_is_rejected_not_read() -> None:
    with pytest.raises(LimitError, match="over the limit of 1,000 bytes"):
        parse_file("/dev/zero", options=ParseOptions(max_bytes=1_000))
    r = CliRunner().invoke(main, ["parse", "/dev/zero", "--max-bytes", "1000"])
    assert r.exit_code == EXIT_LIMIT
    assert r.stderr.startswith("speechtree: error: /dev/zero: input is over the limit")
