"""OffsetMap.gaps: where a derived string skips source text, found once per
piece. The run-in splitter asked the map twice per candidate position (a
joined paragraph of numbered lines has one at every digit)."""

from __future__ import annotations

import random

import pytest

from speechtree import parse
from speechtree.offsets import OffsetMap


def test_gaps_agree_with_start_and_end() -> None:
    rng = random.Random(14)
    for _ in range(3_000):
        m, src = OffsetMap(), 0
        for _ in range(rng.randint(0, 8)):
            src += rng.choice([0, 0, 1, 3])
            if rng.random() < 0.7:
                n = rng.randint(1, 5)
                m.copy(src, n)
                src += n
            else:
                n = rng.randint(1, 3)
                m.replace(src, n, rng.randint(1, 3))
                src += n
        assert m.gaps() == {i for i in range(1, len(m)) if m.start(i) > m.end(i - 1)}


def test_joined_numbered_lines_do_not_search_the_map_per_digit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = [0]
    piece = OffsetMap._piece

    def counting(self: OffsetMap, i: int) -> int:
        calls[0] += 1
        return piece(self, i)

    monkeypatch.setattr(OffsetMap, "_piece", counting)
    text = "一、参会代表\n" + "".join(f"{1000 + i}.参会代表名单\n" for i in range(8_000))
    (node,) = [n for _, n in parse(text).walk()]  # one heading over the joined lines
    assert node.title.startswith("参会代表1000.参会代表名单1001.")
    assert calls[0] < 100  # was 64,000: two searches per digit of every line


def test_many_speeches_count_the_lines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """read_metadata counted the lines of the whole text again for every
    speech: quadratic in a compilation (contents_speeches: 2 MB in over 200 s)."""
    from speechtree import metadata, offsets

    calls = [0]

    def counting(text: str) -> list[int]:
        calls[0] += 1
        return offsets.line_starts(text)

    monkeypatch.setattr(metadata, "line_starts", counting)
    text = "\n".join(
        f"在第{i}次会议上的讲话\n同志们：\n一、总体要求\n正文。\n二、主要任务\n正文。"
        for i in range(300)
    )
    doc = parse(text)
    assert len(doc.speeches) > 100 and calls[0] == 0
