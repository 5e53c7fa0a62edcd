"""The strict schema: docs/schema.json in sync, every output valid, broken documents rejected."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from click.testing import CliRunner

import speechtree
from speechtree.cli import main
from speechtree.conventions import INPUT_WARNING_CODES, TREE_WARNING_CODES, canonical_encoding
from speechtree.lint import RULES
from speechtree.models import document_adapter, schema_problems
from speechtree.styles import STYLES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "schema.json"
CASES = ROOT / "tests" / "cases"

TEXT = (
    "在全县工作会议上的讲话\n同志们：\n一、提高认识\n"
    "（一）统一思想。要把思想统一起来：一是学，二是做。\n（三）狠抓落实\n"
)


def _defs() -> Iterator[tuple[str, dict[str, Any]]]:
    schema = speechtree.json_schema()
    yield "Document", schema
    yield from schema["$defs"].items()


def test_docs_schema_json_is_in_sync() -> None:
    """docs/schema.json is what ``speechtree schema`` prints (regenerate with
    ``speechtree schema > docs/schema.json``)."""
    assert orjson.loads(SCHEMA_FILE.read_bytes()) == speechtree.json_schema()


def test_every_field_required_described_and_closed() -> None:
    for name, d in _defs():
        assert d.get("additionalProperties") is False, f"{name} accepts unknown fields"
        assert d.get("description"), f"{name} has no description"
        props = d["properties"]
        assert set(d["required"]) == set(props), f"{name}: not every field is required"
        for field, p in props.items():
            assert p.get("description"), f"{name}.{field} has no description"


def test_enums_come_from_the_tables() -> None:
    schema = speechtree.json_schema()
    defs = schema["$defs"]
    assert defs["Node"]["properties"]["style"]["enum"] == [s.name for s in STYLES]
    assert defs["OutlineWarning"]["properties"]["code"]["enum"] == [
        *INPUT_WARNING_CODES, *(r.code for r in RULES)
    ]
    assert set(defs["Block"]["properties"]["kind"]["enum"]) == {
        "label", "title", "paragraph", "contents", "unplaced"
    }
    assert defs["Node"]["properties"]["kind"]["enum"] == ["heading", "item"]
    # It writes the newest version and reads the earlier minor ones too.
    assert schema["properties"]["schema_version"]["enum"][-1] == speechtree.SCHEMA_VERSION
    assert schema["properties"]["schema_version"]["enum"] == ["2.0", "2.1"]


def _outputs() -> Iterator[tuple[str, bytes]]:
    for f in sorted(CASES.glob("*.txt")):
        yield f.name, speechtree.parse(f.read_bytes(), path=f.name).to_json_bytes()
    yield "text", speechtree.parse(TEXT).to_json_bytes()


def _validator() -> jsonschema.Draft202012Validator:
    schema = orjson.loads(SCHEMA_FILE.read_bytes())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_case_output_validates() -> None:
    v = _validator()
    for name, data in _outputs():
        errors = [e.message for e in v.iter_errors(orjson.loads(data))]
        assert errors == [], name
        assert schema_problems(data) == [], name


def test_every_corpus_output_validates(corpus_dir: Path) -> None:
    v = _validator()
    files = sorted(corpus_dir.glob("*.txt")) + sorted(corpus_dir.glob("*/*.txt"))
    for f in files:
        data = speechtree.parse_file(f).to_json_bytes()
        assert [e.message for e in v.iter_errors(orjson.loads(data))] == [], f.name
        assert schema_problems(data) == [], f.name


def _broken() -> list[tuple[str, dict[str, Any]]]:
    good = orjson.loads(speechtree.parse(TEXT).to_json_bytes())
    assert good["warnings"], "the text is meant to warn (（三） after （一）)"
    out = []

    def variant(what: str, edit: Any) -> None:
        d = copy.deepcopy(good)
        edit(d)
        out.append((what, d))

    variant("unknown top field", lambda d: d.update(extra=1))
    variant("unknown node field", lambda d: d["speeches"][0]["sections"][0].update(x=1))
    variant("missing field", lambda d: d["speeches"][0]["sections"][0].pop("ordinal"))
    variant("missing nullable field", lambda d: d["source"].pop("path"))
    variant("unknown style", lambda d: d["speeches"][0]["sections"][0].update(style="cn_xx"))
    variant("other version", lambda d: d.update(schema_version="9.9"))
    variant("unknown warning code", lambda d: d["warnings"][0].update(code="gap"))
    variant("0-based speech", lambda d: d["warnings"][0].update(speech=0))
    variant("unknown block kind", lambda d: d["speeches"][0]["preamble"][0].update(kind="x"))
    variant("bad sha256", lambda d: d["source"].update(sha256="xyz"))
    variant("missing metadata", lambda d: d["speeches"][0].pop("metadata"))
    return out


@pytest.mark.parametrize(("what", "doc"), _broken(), ids=[w for w, _ in _broken()])
def test_broken_documents_fail(what: str, doc: dict[str, Any]) -> None:
    assert list(_validator().iter_errors(doc)), f"the JSON Schema accepts {what}"
    assert schema_problems(orjson.dumps(doc)), f"the models accept {what}"


def test_a_document_of_the_earlier_minor_version_is_read() -> None:
    # 2.1 only added values and fields: a 2.0 output kept from an earlier run
    # (batch --skip-existing --table reads it back) is read as it is.
    doc = speechtree.parse("一、总体要求\n一是稳增长，二是促改革。\n")
    data = orjson.loads(doc.to_json())
    assert data["schema_version"] == "2.1"
    data["schema_version"] = "2.0"
    old = speechtree.Document.from_json(orjson.dumps(data))
    assert old.schema_version == "2.0"
    assert [n.marker for _, n in old.walk()] == [n.marker for _, n in doc.walk()]
    assert schema_problems(orjson.dumps(data)) == []


def test_cli_check_accepts_outputs_and_rejects_broken(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(speechtree.parse(TEXT).to_json_bytes())
    r = CliRunner().invoke(main, ["schema", "--check", str(good)])
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and "1 valid, 0 not valid" in r.stderr
    for what, doc in _broken()[:5]:
        bad = tmp_path / "bad.json"
        bad.write_bytes(orjson.dumps(doc))
        r = CliRunner().invoke(main, ["schema", "--check", str(good), "--check", str(bad)])
        assert r.exit_code == 1, what
        assert r.stdout.startswith(f"{bad}: /"), (what, r.stdout)
        assert "1 valid, 1 not valid" in r.stderr


def test_warnings_carry_lint_codes_and_1_based_numbers() -> None:
    doc = speechtree.parse("第一篇\n甲的讲话\n一、甲\n第二篇\n乙的讲话\n一、乙\n三、丙\n")
    [w] = doc.warnings
    assert (w.code, w.name, w.speech, w.line) == ("ST101", "skipped-ordinal", 2, 7)
    lint_codes = {d.code for d in speechtree.lint.lint(doc, path="x")}
    assert w.code in lint_codes


def test_every_tree_warning_maps_to_a_lint_rule() -> None:
    """Every code the tree builder can raise (read from its source) has a lint code."""
    src = (ROOT / "speechtree" / "tree.py").read_text(encoding="utf-8")
    raised = set(re.findall(r'warn\(\s*"([a-z-]+)"', src))
    raised |= set(re.findall(r'"(duplicate|series-restart)"', src))
    assert raised and raised <= set(TREE_WARNING_CODES)
    names = {r.code: r.name for r in RULES}
    assert set(TREE_WARNING_CODES.values()) <= set(names)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("GBK", "gbk"), ("cp936", "gbk"), ("utf_16_le", "utf-16-le"), ("UTF-16LE", "utf-16-le"),
     ("GB18030", "gb18030"), ("UTF8", "utf-8"), ("utf-8-sig", "utf-8-sig")],
)
def test_encodings_are_named_canonically(typed: str, canonical: str) -> None:
    assert canonical_encoding(typed) == canonical
    data = TEXT.encode(typed)
    doc = speechtree.parse(data, options=speechtree.ParseOptions(encoding=typed))
    assert doc.source.encoding == canonical


# --- JSON written by orjson from the dataclasses, as pydantic would ----------

_CASES = sorted((Path(__file__).resolve().parent / "cases").glob("*.txt"))
_EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").rglob("*.txt"))


@pytest.mark.parametrize("path", _CASES + _EXAMPLES, ids=lambda p: p.stem)
def test_json_is_byte_identical_to_pydantic_dump(path: Path) -> None:
    # orjson writes the dataclasses by itself; pydantic's serialiser for the
    # schema's own adapter must give the same data in the same order.
    adapter = document_adapter()
    doc = speechtree.parse_file(path)
    for d in (doc, speechtree.Document.from_json(doc.to_json()),
              replace(doc, source=replace(doc.source, text="x"))):
        for indent, opt in ((True, orjson.OPT_INDENT_2), (False, 0)):
            want = orjson.dumps(adapter.dump_python(d, mode="json"), option=opt)
            assert d.to_json_bytes(indent=indent) == want
        assert d.to_dict() == adapter.dump_python(d, mode="json")


def test_default_options_are_the_validated_defaults() -> None:
    from speechtree.options import DEFAULT_OPTIONS, ParseOptions

    assert DEFAULT_OPTIONS == ParseOptions()
    assert hash(DEFAULT_OPTIONS) == hash(ParseOptions())
