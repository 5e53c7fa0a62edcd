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


def _relayout(src: Path, dst: Path, text_of: Any) -> Path:
    """Every gold-annotated text of ``src`` rewritten by ``text_of(lines,
    name)`` (its non-empty lines, stripped) into ``dst``, with its gold."""
    for gold in sorted(src.glob("*.gold.tsv")):
        name = gold.name.removesuffix(".gold.tsv")
        text = (src / f"{name}.txt").read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        (dst / f"{name}.txt").write_text(text_of(lines, name), encoding="utf-8")
        (dst / gold.name).write_text(gold.read_text(encoding="utf-8"), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def one_line_scores(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The dev corpus and the families as a database export gives them:
    every document on one line."""
    out: dict[str, Any] = {}
    for key, src in (("dev", corpus_dir), ("families", corpus_dir / "families")):
        if not any(src.glob("*.gold.tsv")):
            pytest.skip(f"{src} has no gold outlines")
        flat = _relayout(
            src, tmp_path_factory.mktemp(f"one_line_{key}"), lambda lines, _: "".join(lines) + "\n"
        )
        out[key] = _score_dir(flat, corpus_dir, tmp_path_factory.mktemp(f"one_line_{key}_pred"))
    return out


#: Floors held on one line (issue 9 item 3): the outline recovered from the
#: markers alone, a split licensed by the count going on. (The families are
#: not done: a heading run into its body keeps a long title.)
ONE_LINE_FLOOR = {
    "dev": {"precision": 0.99, "f1": 0.985, "depth": 0.87, "title": 0.85},
    "families": {"precision": 0.97, "f1": 0.95, "depth": 0.92, "title": 0.75},
}


@pytest.mark.parametrize("key", ["dev", "families"])
def test_one_line_documents(one_line_scores: dict[str, Any], key: str) -> None:
    t = one_line_scores[key]["total"]
    floor = ONE_LINE_FLOOR[key]
    assert t["tp"] / t["pred"] >= floor["precision"]
    assert _f1(t) >= floor["f1"]
    assert t["depth_ok"] / (t["tp"] or 1) >= floor["depth"]
    assert t["title_ok"] / (t["tp"] or 1) >= floor["title"]


#: The width at which the PDF layout below wraps, and its page length in lines.
_PDF_WIDTH = 38
_PDF_PAGE = 40


def _as_pdf_text(lines: list[str], _name: str, indent: str = "") -> str:
    """Text as extracted from PDF pages: every paragraph hard-wrapped at a
    fixed width (its first line opening with ``indent``, inside the width),
    no blank lines, and between pages a page number (— N —) and a running
    header."""
    wrapped: list[str] = []
    for line in lines:
        line = indent + line
        while len(line) > _PDF_WIDTH:
            wrapped.append(line[:_PDF_WIDTH])
            line = line[_PDF_WIDTH:]
        wrapped.append(line)
    out: list[str] = []
    for i, line in enumerate(wrapped):
        if i and i % _PDF_PAGE == 0:
            out += [f"— {i // _PDF_PAGE} —", "", "某某文件汇编"]
        out.append(line)
    return "\n".join(out) + "\n"


def _as_indented_pdf_text(lines: list[str], name: str) -> str:
    """The same with every paragraph indented two ideographic spaces, as
    extraction that keeps indents writes it: the indent, not a short line,
    is then what shows a new paragraph."""
    return _as_pdf_text(lines, name, "\u3000\u3000")


@pytest.fixture(scope="module")
def pdf_scores(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The dev corpus and the families as text extracted from PDF pages."""
    out: dict[str, Any] = {}
    for key, src in (("dev", corpus_dir), ("families", corpus_dir / "families")):
        if not any(src.glob("*.gold.tsv")):
            pytest.skip(f"{src} has no gold outlines")
        for name, layout in (("", _as_pdf_text), ("_indented", _as_indented_pdf_text)):
            pages = _relayout(src, tmp_path_factory.mktemp(f"pdf_{key}{name}"), layout)
            out[key + name] = _score_dir(
                pages, corpus_dir, tmp_path_factory.mktemp(f"pdf_{key}{name}_pred")
            )
    return out


#: Floors held on the PDF layout (issue 9 item 3): page numbers and running
#: headers left out, lines cut at the wrap width joined again.
PDF_FLOOR = {
    "dev": {"f1": 0.99, "depth": 0.99, "title": 0.975},
    "families": {"f1": 0.975, "depth": 0.975, "title": 0.99},
    # Paragraphs indented: the indent counts in the width of a first line.
    "dev_indented": {"f1": 0.99, "depth": 0.985, "title": 0.975},
    "families_indented": {"f1": 0.975, "depth": 0.975, "title": 0.97},
}


@pytest.mark.parametrize("key", list(PDF_FLOOR))
def test_pdf_layout(pdf_scores: dict[str, Any], key: str) -> None:
    t = pdf_scores[key]["total"]
    tp = t["tp"] or 1
    floor = PDF_FLOOR[key]
    assert _f1(t) >= floor["f1"]
    assert t["depth_ok"] / tp >= floor["depth"]
    assert t["title_ok"] / tp >= floor["title"]
    docs = pdf_scores[key]["docs"]
    wrong = [n for n, s in docs.items() if s["pred_speeches"] != s["gold_speeches"]]
    assert not wrong
