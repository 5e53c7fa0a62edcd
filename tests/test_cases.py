"""Fixture cases: tests/cases/NAME.txt parsed must give NAME.expected.

``NAME.expected`` is the outline in the gold format of ../shared/corpus
(``depth<TAB>marker<TAB>title``, depth 0 opening a speech with its label and
title), written by hand. Lines ``# warning<TAB>code<TAB>line`` list the
warnings the case must produce; when present, no others may appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import speechtree
from speechtree.models import Document, Node

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.stem for p in CASES.glob("*.txt"))


def outline_rows(doc: Document) -> list[str]:
    rows: list[str] = []

    def walk(node: Node, depth: int) -> None:
        rows.append(f"{depth}\t{node.marker}\t{node.title}")
        for child in node.children:
            walk(child, depth + 1)

    for sp in doc.speeches:
        rows.append(f"0\t{sp.label or ''}\t{sp.title}")
        for sec in sp.sections:
            walk(sec, 1)
    return rows


def read_expected(name: str) -> tuple[list[str], list[str]]:
    rows: list[str] = []
    warnings: list[str] = []
    for line in (CASES / f"{name}.expected").read_text(encoding="utf-8").splitlines():
        if line.startswith("# warning\t"):
            warnings.append(line.removeprefix("# warning\t"))
        elif line.strip() and not line.startswith("#"):
            rows.append(line)
    return rows, warnings


def test_every_case_has_an_expected_outline() -> None:
    assert NAMES, "no fixture cases found"
    missing = [n for n in NAMES if not (CASES / f"{n}.expected").is_file()]
    assert not missing


@pytest.mark.parametrize("name", NAMES)
def test_case(name: str) -> None:
    doc = speechtree.parse((CASES / f"{name}.txt").read_bytes())
    got = outline_rows(doc)
    want, want_warnings = read_expected(name)
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        assert g == w, f"{name}.expected row {i + 1}: got {g!r}, want {w!r}"
    assert len(got) == len(want), f"{name}: got {len(got)} rows, want {len(want)}:\n" + "\n".join(
        got
    )
    if want_warnings:
        got_warnings = [f"{w.code}\t{w.line}" for w in doc.warnings]
        assert got_warnings == want_warnings
