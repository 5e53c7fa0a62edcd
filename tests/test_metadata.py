"""Speech metadata: each form from its fixture, spans on the original, the corpus against a gold.

Fixtures: ``tests/cases_metadata/NAME.txt`` beside ``NAME.expected`` (``speech<TAB>field<TAB>value``
lines, written by hand; a field not listed must be null). The corpus gold,
``tests/corpus_metadata.gold.tsv``, was written by reading the dev-corpus texts; run
``python tests/test_metadata.py`` for the per-speech table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import speechtree
from speechtree.clean import clean_title
from speechtree.metadata import FIELDS

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases_metadata"
GOLD = HERE / "corpus_metadata.gold.tsv"
CORPUS = HERE.parent.parent / "shared" / "corpus"  # (for the __main__ table)


def read_tsv(path: Path) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            speech, field, value = line.split("\t")
            out[(int(speech), field)] = value
    return out


def read_doc(doc: speechtree.Document) -> dict[tuple[int, str], str]:
    return {
        (i, f): v.value
        for i, sp in enumerate(doc.speeches, 1)
        for f, v in ((f, getattr(sp.metadata, f)) for f in FIELDS)
        if v is not None
    }


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.txt")))
def test_case(name: str) -> None:
    text = (CASES / f"{name}.txt").read_text(encoding="utf-8")
    doc = speechtree.parse(text)
    assert read_doc(doc) == read_tsv(CASES / f"{name}.expected")
    for sp in doc.speeches:
        for field in FIELDS:
            v = getattr(sp.metadata, field)
            if v is None:
                continue
            raw = text[v.span.start : v.span.end]
            # The span holds what the value was read from.
            if field == "date":
                assert any(ch.isdigit() or ch in "〇一二三四五六七八九十" for ch in raw)
            else:
                assert "".join(clean_title(raw).split()) == "".join(v.value.split()), field


def test_every_field_has_a_fixture() -> None:
    seen = {f for p in CASES.glob("*.expected") for _, f in read_tsv(p)}
    assert seen == set(FIELDS)


def gold_by_file() -> dict[str, dict[tuple[int, str], str]]:
    out: dict[str, dict[tuple[int, str], str]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            f, speech, field, value = line.split("\t")
            out.setdefault(f, {})[(int(speech), field)] = value
    return out


def score(corpus: Path) -> tuple[list[tuple[str, int, str, str | None, str | None]], int, int, int]:
    """Rows (file, speech, field, read, gold) of every field either side states,
    and the counts of fields read right, read wrong or not at all, read where the gold has none."""
    gold = gold_by_file()
    rows = []
    right = wrong = missed = extra = 0
    for path in sorted(corpus.glob("*.txt")):
        got = read_doc(speechtree.parse_file(path))
        want = gold.get(path.stem, {})
        n = len(speechtree.parse_file(path).speeches)
        for si in range(1, n + 1):
            for field in FIELDS:
                g, w = got.get((si, field)), want.get((si, field))
                if g is None and w is None:
                    continue
                rows.append((path.stem, si, field, g, w))
                if g == w:
                    right += 1
                elif w is None:
                    extra += 1
                elif g is None:
                    missed += 1
                else:
                    wrong += 1
    return rows, right, wrong + extra, missed


def test_corpus_metadata_against_gold(corpus_dir: Path) -> None:
    rows, right, _, missed = score(corpus_dir)
    bad = [r for r in rows if r[3] is not None and r[3] != r[4]]
    assert bad == [], "fields read wrong (or where the text says nothing)"
    assert right / (right + missed) >= 0.95, [r for r in rows if r[3] is None]


if __name__ == "__main__":  # the per-speech table for a report
    rows, right, wrong, missed = score(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
    print("file\tspeech\tfield\tread\tgold\tok")
    for f, si, field, g, w in rows:
        print(f"{f}\t{si}\t{field}\t{g or '-'}\t{w or '-'}\t{'yes' if g == w else 'NO'}")
    print(f"\n{right} right, {wrong} wrong, {missed} missed")
