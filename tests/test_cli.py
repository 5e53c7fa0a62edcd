"""The CLI through click's CliRunner: stdout and stderr asserted separately."""

from __future__ import annotations

from pathlib import Path

import orjson
import yaml
from click.testing import CliRunner

from speechtree import __version__
from speechtree.cli import EXIT_INPUT, EXIT_LIMIT, main

TEXT = "一、提高认识\n（一）统一思想。\n二、狠抓落实\n"


def runner() -> CliRunner:
    return CliRunner()


def test_parse_file_to_stdout_json(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    r = runner().invoke(main, ["parse", str(f)])
    assert r.exit_code == 0, r.stderr
    data = orjson.loads(r.stdout)
    assert [s["marker"] for s in data["speeches"][0]["sections"]] == ["一、", "二、"]
    assert "\\u" not in r.stdout and "提高认识" in r.stdout
    assert r.stderr == ""


def test_parse_stdin_yaml() -> None:
    r = runner().invoke(main, ["parse", "-", "-f", "yaml"], input=TEXT.encode("gbk"))
    assert r.exit_code == 0, r.stderr
    data = yaml.safe_load(r.stdout)
    assert data["source"]["encoding"] == "gb18030"
    assert data["speeches"][0]["sections"][0]["children"][0]["title"] == "统一思想"


def test_parse_to_output_file(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "o.json"
    r = runner().invoke(main, ["parse", str(f), "-o", str(out)])
    assert r.exit_code == 0
    assert r.stdout == ""
    assert orjson.loads(out.read_bytes())["source"]["path"] == str(f)


def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    r = runner().invoke(main, ["parse", str(missing)])
    assert r.exit_code == EXIT_INPUT
    assert r.stdout == ""
    assert r.stderr == f"speechtree: error: {missing}: no such file\n"


def test_binary_input_error() -> None:
    r = runner().invoke(main, ["parse", "-"], input=bytes(range(256)) * 8)
    assert r.exit_code == EXIT_INPUT
    assert r.stderr.startswith("speechtree: error: <stdin>: ")
    assert "Traceback" not in r.stderr


def test_max_bytes(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    r = runner().invoke(main, ["parse", str(f), "--max-bytes", "5"])
    assert r.exit_code == EXIT_LIMIT
    assert "--max-bytes" in r.stderr


def test_forced_encoding(tmp_path: Path) -> None:
    f = tmp_path / "s.txt"
    f.write_bytes(TEXT.encode("gbk"))
    r = runner().invoke(main, ["parse", str(f), "--encoding", "utf-8"])
    assert r.exit_code == EXIT_INPUT
    assert "utf-8" in r.stderr
    r = runner().invoke(main, ["parse", str(f), "--encoding", "gbk"])
    assert r.exit_code == 0
    assert orjson.loads(r.stdout)["source"]["encoding"] == "gbk"


def test_schema_and_version_and_help() -> None:
    r = runner().invoke(main, ["schema"])
    assert r.exit_code == 0
    assert orjson.loads(r.stdout)["title"] == "Document"
    r = runner().invoke(main, ["--version"])
    assert __version__ in r.stdout
    r = runner().invoke(main, ["-h"])
    assert r.exit_code == 0 and "parse" in r.stdout


def test_bad_format_is_usage_error(tmp_path: Path) -> None:
    r = runner().invoke(main, ["parse", "-", "-f", "docx"], input=b"")
    assert r.exit_code == 2
    assert "docx" in r.stderr


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "speechtree", "parse", "-", "-f", "json"],
                       input="一、总体要求\n".encode(), capture_output=True, check=False)
    assert r.returncode == 0, r.stderr
    assert orjson.loads(r.stdout)["speeches"][0]["sections"][0]["title"] == "总体要求"
