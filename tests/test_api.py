"""The library API: parse, parse_file, models, walk, JSON/YAML, schema, errors."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import orjson
import pytest
import yaml

import speechtree
from speechtree import Document, InputError, ParseOptions

TEXT = (
    "关于做好工作的讲话\n同志们：\n一、提高认识\n"
    "（一）统一思想。要把思想统一起来：一是学，二是做。\n二、狠抓落实\n"
)


def test_parse_str_and_bytes_agree() -> None:
    a = speechtree.parse(TEXT)
    b = speechtree.parse(TEXT.encode("gb18030"))
    assert a.source.encoding == "unicode"
    assert b.source.encoding == "gb18030"
    assert [n.marker for _, n in a.walk()] == [n.marker for _, n in b.walk()]


def test_walk_paths_and_levels() -> None:
    doc = speechtree.parse(TEXT)
    got = [(path, n.marker, n.level) for path, n in doc.walk()]
    assert got == [
        ((0, 0), "一、", 1),
        ((0, 0, 0), "（一）", 2),
        ((0, 0, 0, 0), "一是", 3),
        ((0, 0, 0, 1), "二是", 3),
        ((0, 1), "二、", 1),
    ]


def test_spans_point_at_marker_and_title() -> None:
    doc = speechtree.parse(TEXT)
    for _, n in doc.walk():
        assert TEXT[n.span.start : n.title_span.start].strip() == n.marker
        assert n.title in TEXT[n.title_span.start : n.title_span.end]
        assert n.span.line == TEXT.count("\n", 0, n.span.start) + 1


def test_speech_title_and_preamble() -> None:
    sp = speechtree.parse(TEXT).speeches[0]
    assert sp.title == "关于做好工作的讲话"
    assert [b.kind for b in sp.preamble] == ["title", "paragraph"]
    assert sp.preamble[1].text == "同志们："


def test_body_text_runs_to_next_node() -> None:
    doc = speechtree.parse(TEXT)
    nodes = [n for _, n in doc.walk()]
    assert nodes[0].title == "提高认识" and nodes[0].text == ""
    assert nodes[1].text == "要把思想统一起来："
    assert nodes[2].kind == "item" and nodes[1].kind == "heading"


def test_json_is_readable_and_round_trips() -> None:
    doc = speechtree.parse(TEXT)
    js = doc.to_json()
    assert "提高认识" in js and "\\u" not in js
    again = Document.from_json(js)
    assert again.to_json() == js
    assert orjson.loads(js)["schema_version"] == speechtree.SCHEMA_VERSION


def test_yaml_is_readable() -> None:
    y = speechtree.parse(TEXT).to_yaml()
    assert "提高认识" in y
    assert yaml.safe_load(y)["speeches"][0]["sections"][0]["marker"] == "一、"


def test_json_schema_validates_shape() -> None:
    schema = speechtree.json_schema()
    assert schema["title"] == "Document"
    assert {"Node", "Speech", "Span"} <= set(schema["$defs"])


def test_parse_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        speechtree.parse_file(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="directory"):
        speechtree.parse_file(tmp_path)
    binary = tmp_path / "x.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError):
        speechtree.parse_file(binary)


def test_limit() -> None:
    with pytest.raises(speechtree.LimitError):
        speechtree.parse(b"x" * 100, options=ParseOptions(max_bytes=10))


def test_disabled_style() -> None:
    doc = speechtree.parse(TEXT, options=ParseOptions(disabled_styles=frozenset({"shi"})))
    assert "一是" not in [n.marker for _, n in doc.walk()]


def test_empty_input_has_no_speech() -> None:
    assert speechtree.parse("").speeches == []
    assert speechtree.parse("  \n\u3000\n").speeches == []


def test_parsed_models_validate_as_they_are() -> None:
    # The parser builds its models unvalidated (dataclass constructors check
    # nothing): whatever it builds must pass the schema's validation unchanged.
    doc = speechtree.parse(TEXT + "四、总结\n")  # 三、 skipped: a warning too
    assert doc.warnings and list(doc.walk())
    back = Document.from_json(doc.to_json())
    assert back == doc
    assert back.to_json_bytes() == doc.to_json_bytes()


@pytest.mark.parametrize("bad", [
    {"max_bytes": 0}, {"max_bytes": "10"}, {"max_nodes": True}, {"max_nodes": 1.5},
    {"encoding": 5}, {"strict_decode": "yes"}, {"split_speeches": None},
    {"input_format": "xml"}, {"disabled_styles": "shi"}, {"disabled_styles": {1}},
    {"disabled_styles": {"shi", "sequnce"}},
])
def test_options_are_checked_when_made(bad: dict[str, object]) -> None:
    # A plain dataclass (no pydantic on the CLI's path), as strict as the model was.
    with pytest.raises(ValueError, match=next(iter(bad))):
        ParseOptions(**bad)  # type: ignore[arg-type]


def test_options_are_frozen_hashable_and_keep_a_frozenset() -> None:
    with pytest.raises(TypeError):
        ParseOptions(max_byte=10)  # type: ignore[call-arg]
    opts = ParseOptions(disabled_styles=["shi"])  # type: ignore[arg-type]
    assert type(opts.disabled_styles) is frozenset and opts.disabled_styles == {"shi"}
    assert opts == ParseOptions(disabled_styles=frozenset({"shi"}))
    assert hash(opts) == hash(ParseOptions(disabled_styles=frozenset({"shi"})))
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.max_bytes = 5  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(opts)) == opts  # (batch sends it to its workers)
