"""The README's "Tables for research" snippets, run as written on a small corpus of our own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import speechtree
from speechtree.cli import main

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent

#: Eleven headings (so /1 and /10, /1/1 and /10/1 all exist), directives under two of
#: them, by the speaker the README names, in the year it names.
BY_LI_2024 = (
    "关于今年重点工作的报告\n——2024年3月5日在全县工作会议上\n县长　李　强\n各位代表：\n"
    + "".join(
        f"{n}、第{n}项工作\n要抓好落实。一是加强领导{n}；二是压实责任{n}。\n"
        if n in ("一", "十") else f"{n}、第{n}项工作\n要抓好落实。\n"
        for n in "一二三四五六七八九十"
    )
    + "十一、第十一项工作\n要抓好落实。\n"
)
#: Same directives, another speaker, another year: the filter must leave them out.
BY_OTHER_2023 = (
    "在全县工作会议上的讲话\n（2023年2月1日）\n王　五\n同志们：\n"
    "一、统一思想\n一是加强学习；二是改进作风。\n"
)
BY_LI_2023 = (
    "在全市工作会议上的讲话\n（2023年5月1日）\n李　强\n同志们：\n"
    "一、统一思想\n一是加强学习；二是改进作风。\n"
)


def _snippets() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Tables for research", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```python\n(.*?)^```$", section, re.M | re.S)


def _run(code: str) -> dict[str, Any]:
    ns: dict[str, Any] = {}
    *body, last = code.strip().splitlines()
    # The last line is an expression the README shows the value of.
    exec("\n".join(body), ns)
    ns["_"] = eval(last, ns) if not re.match(r"^\w+ = ", last) else exec(last, ns)
    return ns


@pytest.fixture
def corpus_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "corpus" / "a").mkdir(parents=True)
    (tmp_path / "corpus" / "a" / "li_2024.txt").write_text(BY_LI_2024, encoding="utf-8")
    (tmp_path / "corpus" / "other_2023.txt").write_text(BY_OTHER_2023, encoding="utf-8")
    (tmp_path / "corpus" / "li_2023.txt").write_text(BY_LI_2023, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_there_are_the_two_snippets() -> None:
    assert len(_snippets()) == 2


def test_dataframe_filter_snippet_gives_the_directives(corpus_cwd: Path) -> None:
    got = _run(_snippets()[0])["_"]
    assert list(got.columns) == ["title", "text", "parent_title"]
    assert got.values.tolist() == [
        ["加强领导一", "", "第一项工作"],
        ["压实责任一", "", "第一项工作"],
        ["加强领导十", "", "第十项工作"],
        ["压实责任十", "", "第十项工作"],
    ]
    nodes = _run(_snippets()[0])["nodes"]
    assert str(nodes["level"].dtype) == "int32" and str(nodes["ordinal"].dtype) == "Int32"
    assert str(nodes["style"].dtype) == "category"
    # A speech with no stated date has a missing date, not an empty string.
    assert nodes.loc[nodes.file.str.endswith("li_2024.txt"), "date"].unique().tolist() == [
        "2024-03-05"
    ]


def test_csv_snippet_keeps_paths_as_strings(corpus_cwd: Path) -> None:
    r = CliRunner().invoke(main, ["batch", "corpus", "-o", "outlines", "--table", "nodes.csv"])
    assert r.exit_code == 0, r.output
    ns = _run(_snippets()[1])
    nodes = ns["nodes"]
    want = [row for p in sorted(Path("corpus").glob("**/*.txt"))
            for row in speechtree.parse_file(p).rows()]
    li = nodes[nodes.file == "a/li_2024.txt"]
    assert {"/1", "/10", "/1/1", "/10/1"} <= set(li.path)  # "10" was read as 10, "1.10" as 1.1
    assert all(isinstance(p, str) for p in nodes.path)
    assert sorted(nodes.path) == sorted(r.path for r in want)
    assert set(ns["level_1"].index) == {"a/li_2024.txt", "other_2023.txt", "li_2023.txt"}
    assert len(ns["level_1"]["a/li_2024.txt"]) == 11


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_table_formats_agree(corpus_cwd: Path, suffix: str) -> None:
    table = f"nodes{suffix}"
    r = CliRunner().invoke(main, ["batch", "corpus", "-o", f"out{suffix}", "--table", table])
    assert r.exit_code == 0, r.output
    read = {".csv": lambda p: pd.read_csv(p, encoding="utf-8-sig", keep_default_na=False),
            ".jsonl": lambda p: pd.read_json(p, lines=True, dtype=False),
            ".parquet": pd.read_parquet}[suffix]
    got = read(table)
    docs = [speechtree.parse_file(p) for p in sorted(Path("corpus").glob("**/*.txt"))]
    want = speechtree.to_dataframe(docs, files=[
        str(p.relative_to("corpus")) for p in sorted(Path("corpus").glob("**/*.txt"))
    ])
    assert list(got.columns) == list(want.columns)
    assert sorted(got.path.astype(str)) == sorted(want.path)
    assert sorted(got.text.astype(str)) == sorted(want.text)
