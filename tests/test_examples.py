"""Every examples/*.py runs as it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path) -> None:
    if "dask" in script.name:
        pytest.importorskip("dask")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip()


def test_bundled_examples_parse_to_outlines() -> None:
    import speechtree

    folder = EXAMPLES[0].parent / "speeches"
    for f in sorted(folder.glob("*.txt")):
        doc = speechtree.parse_file(f)
        assert doc.speeches and any(True for _ in doc.walk()), f.name
    gbk = speechtree.parse_file(folder / "compilation_two_speeches.gbk.txt")
    utf8 = speechtree.parse_file(folder / "compilation_two_speeches.txt")
    assert gbk.source.encoding == "gb18030"
    assert [s.label for s in gbk.speeches] == ["第一篇", "第二篇"]
    assert {**gbk.to_dict(), "source": None} == {**utf8.to_dict(), "source": None}
