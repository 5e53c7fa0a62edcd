"""Accuracy on the hand-made gold outlines in ../shared/corpus (skipped when absent).

Thresholds are those of the core issue; the per-document figures print with
``pytest -s``. The scorer is ../shared/tools/score.py itself, not a copy.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import speechtree


def _load_scorer(corpus: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("st_score", corpus.parent / "tools" / "score.py")
    if spec is None or spec.loader is None:
        pytest.skip("../shared/tools/score.py is not present")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _score_dir(corpus: Path, scorer_home: Path, out: Path) -> dict[str, Any]:
    score = _load_scorer(scorer_home)
    per_doc: dict[str, dict[str, int]] = {}
    total: dict[str, int] = {}
    for gold in sorted(corpus.glob("*.gold.tsv")):
        name = gold.name.removesuffix(".gold.tsv")
        doc = speechtree.parse_file(corpus / f"{name}.txt")
        pred = out / f"{name}.json"
        pred.write_text(doc.to_json(), encoding="utf-8")
        s = score.score(score.load_gold(gold), score.load_pred(pred))
        per_doc[name] = s
        for k, v in s.items():
            total[k] = total.get(k, 0) + v
        print(f"{name:50s} {score.fmt(s)[0]}")
    print(f"{'MICRO':50s} {score.fmt(total)[0]}")
    return {"docs": per_doc, "total": total}


@pytest.fixture(scope="module")
def scores(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _score_dir(corpus_dir, corpus_dir, tmp_path_factory.mktemp("pred"))


@pytest.fixture(scope="module")
def family_scores(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    families = corpus_dir / "families"
    if not any(families.glob("*.gold.tsv")):
        pytest.skip("../shared/corpus/families has no gold outlines")
    return _score_dir(families, corpus_dir, tmp_path_factory.mktemp("fam"))


def _f1(s: dict[str, int]) -> float:
    p = s["tp"] / s["pred"] if s["pred"] else 0.0
    r = s["tp"] / s["gold"] if s["gold"] else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def test_micro_figures(scores: dict[str, Any]) -> None:
    t = scores["total"]
    tp = t["tp"] or 1
    assert _f1(t) >= 0.95
    assert t["depth_ok"] / tp >= 0.95
    assert t["parent_ok"] / tp >= 0.95
    assert t["title_ok"] / tp >= 0.90


def test_no_document_below_f1_085(scores: dict[str, Any]) -> None:
    low = {n: round(_f1(s), 3) for n, s in scores["docs"].items() if _f1(s) < 0.85}
    assert not low


def test_every_speech_count_right(scores: dict[str, Any]) -> None:
    wrong = {
        n: (s["pred_speeches"], s["gold_speeches"])
        for n, s in scores["docs"].items()
        if s["pred_speeches"] != s["gold_speeches"]
    }
    assert not wrong


# Other document families (issue 9): plans, 公文, compilations, PDF and .docx
# exports. The bars are F1 >= 0.95, depth >= 0.93, parent >= 0.93 and no
# document below F1 0.80; the figures below are the floor reached so far, held
# so that nothing slips back while the rest is done.
FAMILY_FLOOR = {"f1": 0.98, "depth": 0.99, "parent": 0.99, "doc_f1": 0.95, "speeches": 9}


def test_family_micro_figures(family_scores: dict[str, Any]) -> None:
    t = family_scores["total"]
    tp = t["tp"] or 1
    assert _f1(t) >= FAMILY_FLOOR["f1"]
    assert t["depth_ok"] / tp >= FAMILY_FLOOR["depth"]
    assert t["parent_ok"] / tp >= FAMILY_FLOOR["parent"]


def test_family_documents(family_scores: dict[str, Any]) -> None:
    docs = family_scores["docs"]
    low = {n: round(_f1(s), 3) for n, s in docs.items() if _f1(s) < FAMILY_FLOOR["doc_f1"]}
    assert not low
    right = sum(s["pred_speeches"] == s["gold_speeches"] for s in docs.values())
    assert right >= FAMILY_FLOOR["speeches"]


@pytest.fixture(scope="module")
def one_line_scores(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The dev corpus as a database export gives it: every document on one line."""
    flat = tmp_path_factory.mktemp("one_line")
    for gold in sorted(corpus_dir.glob("*.gold.tsv")):
        name = gold.name.removesuffix(".gold.tsv")
        text = (corpus_dir / f"{name}.txt").read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        (flat / f"{name}.txt").write_text("".join(lines) + "\n", encoding="utf-8")
        (flat / gold.name).write_text(gold.read_text(encoding="utf-8"), encoding="utf-8")
    return _score_dir(flat, corpus_dir, tmp_path_factory.mktemp("one_line_pred"))


def test_one_line_documents(one_line_scores: dict[str, Any]) -> None:
    # Issue 9 item 3: the outline recovered from the markers alone, with the
    # precision of a normal layout (a split needs the count to go on).
    t = one_line_scores["total"]
    assert t["tp"] / t["pred"] >= 0.99
    assert _f1(t) >= 0.97
    assert t["depth_ok"] / (t["tp"] or 1) >= 0.86
