"""What a newcomer meets first in the library: Speech.walk, the examples,
the Dask snippets of the docs, the dask extra, and how views name a speech."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import speechtree
from speechtree.render import render

ROOT = Path(__file__).resolve().parent.parent
SPEECHES = ROOT / "examples" / "speeches"
COMPILATION = SPEECHES / "compilation_two_speeches.txt"


def test_speech_walk_gives_the_speechs_own_nodes_with_paths_inside_it() -> None:
    doc = speechtree.parse_file(COMPILATION)
    assert len(doc.speeches) == 2
    together = []
    for si, sp in enumerate(doc.speeches):
        own = list(sp.walk())
        assert own, "each example speech has nodes"
        for path, node in own:
            # the path leads to the node from the speech's sections
            at = sp.sections[path[0]]
            for j in path[1:]:
                at = at.children[j]
            assert at is node
        together += [((si, *path), node) for path, node in own]
    assert [(p, id(n)) for p, n in together] == [(p, id(n)) for p, n in doc.walk()]


def test_outline_library_example_prints_each_speechs_own_nodes() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "outline_library.py"), str(COMPILATION)],
        capture_output=True, text=True, check=True, timeout=120,
    )
    doc = speechtree.parse_file(COMPILATION)
    printed = re.split(r"^# .*$", r.stdout.split("\n\n", 1)[1], flags=re.M)[1:]
    assert len(printed) == len(doc.speeches)
    for block, sp in zip(printed, doc.speeches, strict=True):
        lines = [ln.split("  (line")[0].strip() for ln in block.splitlines() if "(line" in ln]
        assert lines == [f"{n.marker} {n.title}" for _, n in sp.walk()]


def test_dask_module_without_dask_names_the_extra() -> None:
    code = "import sys; sys.modules['dask'] = None; import speechtree.dask"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:") and "pip install 'speechtree[dask]'" in last


def _dask_snippets() -> list[object]:
    found = []
    for doc in ("README.md", "docs/batch.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
            if "speechtree.dask" in block:
                found.append(pytest.param(block, id=doc))
    return found


@pytest.mark.parametrize("snippet", _dask_snippets())
def test_dask_snippet_runs_when_pasted_into_a_script(snippet: str, tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    assert 'if __name__ == "__main__":' in snippet  # the processes scheduler spawns
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in SPEECHES.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    script = tmp_path / "snippet.py"
    script.write_text(snippet, encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]


def test_one_name_for_an_untitled_speech_in_every_view() -> None:
    doc = speechtree.parse("一、总体要求\n（一）指导思想。坚持。\n二、主要任务\n")
    assert doc.speeches[0].title == "" and doc.speeches[0].label is None
    views = {fmt: render(doc, fmt, color=False) for fmt in ("tree", "markdown", "html")}
    for fmt, out in views.items():
        assert "Speech 1" in out, fmt
        assert "untitled" not in out, fmt
