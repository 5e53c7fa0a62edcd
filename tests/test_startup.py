"""Start-up: what each command imports before it does any work.

The ratios themselves are measured by ``benchmarks/startup.py`` (timing is too
noisy for a test); this holds the structure that makes them: a command loads
only the modules it uses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "examples" / "speeches" / "county_work_meeting.txt"

_PROBE = """
import json, sys
from speechtree.cli import main
try:
    main(sys.argv[1:], prog_name="speechtree")
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str) -> set[str]:
    r = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True,
                       timeout=120)
    return set(json.loads(r.stderr.strip().splitlines()[-1]))


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_version_loads_click_and_nothing_heavy() -> None:
    loaded = _modules_after("--version")
    heavy = {"pydantic", "rich", "lark", "yaml", "regex", "orjson", "importlib_metadata"}
    assert _tops(loaded) & heavy == set()
    assert "importlib.metadata" not in loaded
    assert {m for m in loaded if m.startswith("speechtree.")} <= {
        "speechtree._version", "speechtree.cli", "speechtree.errors"}


def test_json_output_loads_no_view_and_no_yaml() -> None:
    loaded = _modules_after("parse", str(SMALL))
    assert "speechtree.parser" in loaded  # it did parse
    assert _tops(loaded) & {"rich", "yaml"} == set()
    assert not {"speechtree.render.tree", "speechtree.render.html",
                "speechtree.render.markdown", "speechtree.batch"} & loaded


def test_plain_text_loads_no_reader_of_another_format() -> None:
    loaded = _modules_after("parse", str(SMALL))
    assert not {"speechtree.readers.docx", "speechtree.readers.pdf"} & loaded
    assert "lxml" not in _tops(loaded)


def test_readers_loaded_on_demand_are_the_readers_themselves() -> None:
    from speechtree import readers
    from speechtree.readers.docx import DocxReader
    from speechtree.readers.pdf import PdfReader

    by_name = {r.name: r for r in readers.READERS}
    heads = [b"PK\x03\x04rest", b"junk%PDF-1.7", b"%PDF-1.4", b"<html>", b"plain text", b""]
    for real in (DocxReader(), PdfReader()):
        lazy = by_name[real.name]
        assert lazy.suffixes == real.suffixes
        assert [lazy.sniff(h) for h in heads] == [real.sniff(h) for h in heads]


def test_parse_builds_no_pydantic_validator() -> None:
    # Building a model's validator or serialiser loads pydantic's plugin
    # scan (importlib.metadata) and the core-schema machinery: the parser
    # builds its models without validating and JSON is written from fields.
    loaded = _modules_after("parse", str(SMALL))
    assert "speechtree.parser" in loaded
    assert "importlib.metadata" not in loaded
    assert "pydantic.plugin._loader" not in loaded


@pytest.mark.parametrize("fmt", ["json", "yaml", "tree", "markdown", "html"])
def test_parse_imports_no_pydantic(fmt: str, tmp_path: Path) -> None:
    # pydantic's import was half of the start-up: the outline models are
    # dataclasses, and pydantic loads only to validate or describe them
    # (from_json, schema, lint, the web app). A skipped ordinal makes a
    # warning, whose rule name comes from conventions, not from lint.
    gap = tmp_path / "gap.txt"
    gap.write_text("一、总体要求\n\n内容。\n\n三、保障措施\n\n内容。\n", encoding="utf-8")
    out = tmp_path / "out"
    loaded = _modules_after("parse", str(gap), "-f", fmt, "-o", str(out))
    assert "ST101" in out.read_text(encoding="utf-8") or fmt in ("tree", "markdown")
    assert "speechtree.parser" in loaded
    assert "pydantic" not in _tops(loaded)
    assert "speechtree.lint" not in loaded


def test_parse_reads_the_grammar_without_importlib_resources() -> None:
    loaded = _modules_after("parse", str(SMALL))
    assert "importlib.resources" not in loaded
