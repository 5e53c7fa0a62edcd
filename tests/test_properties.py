"""Properties that hold for every input: no undocumented exception, nothing
lost, JSON that round-trips, the same output every time.

Hypothesis runs derandomised (fixed seed) with bounded examples so CI stays
fast and a failure reproduces. The inputs are arbitrary strings and bytes,
generated speech-like text (every marker style, Chinese text, punctuation,
odd spaces and line breaks) and mutations of real speeches: the bundled
examples always, the shared corpus when it is present.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speechtree import Document, SpeechtreeError, parse
from speechtree.check import verify_lossless
from speechtree.cli import EXIT_INPUT, main

ROOT = Path(__file__).resolve().parent.parent

#: Fixed seed, bounded runs, no per-example deadline (CI machines are noisy).
FAST = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FAST, max_examples=40)

# -- generated speech-like text ------------------------------------------------

MARKERS: tuple[str, ...] = (
    "一、", "二、", "三、", "四、", "十、", "十一、", "二十三、", "一百零五、",
    "（一）", "（二）", "（三）", "(一)", "(二)", "㈠", "㈡", "㈢",
    "1.", "2.", "3.", "１．", "２．", "1、", "2、", "10.", "999.",
    "（1）", "（2）", "（3）", "(1)", "（１）", "⑴", "⑵", "⒈", "⒉",
    "①", "②", "③", "⑳", "❶", "➀",
    "第一，", "第二，", "第三，", "第一部分", "第二部分", "第一章", "第二章", "第一节", "第一条",
    "第一个问题：", "第二个方面，",
    "一是", "二是", "三是", "一要", "二要", "三要", "其一，", "其二，",
    "首先，", "其次，", "再次，", "最后，", "一方面，", "另一方面，",
    "第一篇", "第二篇", "篇一", "篇二", "第一篇：", "目录",
)
WORDS: tuple[str, ...] = (
    "坚持", "发展", "改革开放", "我们要", "全面建设", "经济", "人民", "的", "工作",
    "统一是", "第一要务", "三要素", "4、5月份", "一、二等奖", "增长50%", "同志们",
    "在全省经济工作会议上的讲话", "政府工作报告", "2024年", "——", "“", "”", "《", "》",
    "（", "）", "A", "GDP",
)
PUNCT: tuple[str, ...] = ("。", "；", "：", "，", "、", "！", "？", "…", ",", ".", ":", ";")
LAYOUT: tuple[str, ...] = (
    "\n", "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\u3000", "\u3000\u3000", " ", "  ",
    "\t", "\u00a0", "\u2003", "\u200b", "\ufeff", "\u00ad", "\u2028", "\x0c",
)
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
FULLWIDTH_DIGITS = st.characters(min_codepoint=0xFF10, max_codepoint=0xFF19)

token = st.one_of(
    st.sampled_from(MARKERS),
    st.sampled_from(WORDS),
    st.text(HAN, min_size=1, max_size=6),
    st.sampled_from(PUNCT),
    st.sampled_from(LAYOUT),
    st.text(FULLWIDTH_DIGITS, min_size=1, max_size=2),
)
#: Free mixtures of speech tokens: most inputs are odd, some are outlines.
speech_soup = st.lists(token, max_size=60).map("".join)


@st.composite
def speech_lines(draw: st.DrawFn) -> str:
    """Line-shaped speeches: indent, marker, title, punctuation, body, line end."""
    lines: list[str] = []
    if draw(st.booleans()):
        titles = ["在全省经济工作会议上的讲话", "政府工作报告", "第一篇"]
        lines.append(draw(st.sampled_from(titles)) + "\n")
    for _ in range(draw(st.integers(0, 14))):
        indent = draw(st.sampled_from(["", "\u3000\u3000", "  ", "\t"]))
        marker = draw(st.one_of(st.just(""), st.sampled_from(MARKERS)))
        title = draw(st.text(HAN, max_size=10))
        punct = draw(st.sampled_from(["", "。", "：", "；", "，"]))
        body = draw(st.lists(token, max_size=8).map("".join))
        end = draw(st.sampled_from(["\n", "\r\n", "\n\n", "\r"]))
        lines.append(indent + marker + title + punct + body + end)
    return "".join(lines)


speech_text = st.one_of(speech_soup, speech_lines())

# -- real speeches and their mutations -------------------------------------------

SAMPLE = (
    "在全省经济工作会议上的讲话\n（2024年1月5日）\n\n同志们：\n"
    "\u3000\u3000今天召开会议，主要任务是总结工作、部署任务。\n"
    "\u3000\u3000一、过去一年的工作\n"
    "\u3000\u3000（一）经济运行稳中向好。全年生产总值增长5%。\n"
    "\u3000\u30001.工业生产加快。一是产量增加；二是效益提高；三是结构优化。\n"
    "\u3000\u3000（1）制造业。①钢铁；②建材。\n"
    "\u3000\u3000（二）改革开放深入推进。首先，深化改革；其次，扩大开放；最后，优化环境。\n"
    "\u3000\u3000二、今年的主要任务\n"
    "\u3000\u3000第一，稳增长。第二，促改革。第三，惠民生。\n"
    "\u3000\u3000三、加强党的领导\n"
    "\u3000\u3000一方面要从严治党，另一方面要改进作风。\n"
    "\u3000\u3000同志们，让我们共同努力！\n"
)


def _bundled_speeches() -> list[str]:
    texts = [SAMPLE]
    for p in sorted((ROOT / "examples" / "speeches").glob("*.txt")):
        try:
            texts.append(p.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            continue  # the GBK example: its decoding is tested elsewhere
    return texts


BUNDLED = _bundled_speeches()


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    """A real speech with lines deleted, duplicated, shuffled, marked or stripped."""
    text = draw(st.sampled_from(texts))
    lines = text.splitlines(keepends=True)
    if len(lines) > 200:  # a window keeps each example cheap
        start = draw(st.integers(0, len(lines) - 200))
        lines = lines[start : start + 200]
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(
            st.sampled_from(["delete", "duplicate", "swap", "marker", "strip", "cut", "join"])
        )
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "marker":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(MARKERS)) + lines[i][at:]
        elif op == "strip":
            lines[i] = "".join(c for c in lines[i] if c not in "。；：，、！？")
        elif op == "cut":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at]
        elif i + 1 < len(lines):
            lines[i] = lines[i].rstrip("\r\n") + lines.pop(i + 1)
    if draw(st.booleans()):
        random = draw(st.randoms(use_true_random=False))
        random.shuffle(lines)
    return "".join(lines)


# -- the properties ----------------------------------------------------------------


def parse_or_none(data: str | bytes) -> Document | None:
    """Parse; a documented SpeechtreeError is an allowed outcome, anything else fails."""
    try:
        return parse(data)
    except SpeechtreeError:
        return None


def assert_all_properties(text: str) -> None:
    doc = parse(text)  # a str never fails to decode: any error here is a bug
    assert verify_lossless(doc) == []
    js = doc.to_json()
    back = Document.from_json(js)
    assert back.to_dict() == doc.to_dict()
    assert back.to_json() == js
    assert verify_lossless(back, text) == []
    assert parse(text).to_json() == js


@FAST
@given(st.text())
def test_any_string_parses(text: str) -> None:
    doc = parse_or_none(text)
    assert doc is not None  # str input: only a LimitError could be raised, and it is huge
    assert verify_lossless(doc) == []


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_raise_a_speechtree_error(data: bytes) -> None:
    doc = parse_or_none(data)
    if doc is not None:
        assert verify_lossless(doc) == []
        assert doc.source.encoding


@FAST
@given(st.lists(st.sampled_from(MARKERS + PUNCT + LAYOUT), max_size=40).map("".join))
def test_marker_soup_is_lossless(text: str) -> None:
    assert_all_properties(text)


@settings(FAST, max_examples=200)
@given(speech_text)
def test_generated_speeches_keep_every_property(text: str) -> None:
    assert_all_properties(text)


@FAST
@given(speech_text, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_encoded_speech_gives_the_outline_of_its_text(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    doc = parse_or_none(data)
    if doc is None:
        return  # e.g. gb18030 bytes that also read as something else: decoding tests cover it
    assert verify_lossless(doc) == []
    if doc.original_text == text.removeprefix("\ufeff"):
        expected = parse(doc.original_text).to_dict()
        got = doc.to_dict()
        expected["source"]["encoding"] = got["source"]["encoding"]
        assert got == expected


@SLOW
@given(mutated(BUNDLED))
def test_mutated_bundled_speeches_keep_every_property(text: str) -> None:
    assert_all_properties(text)


def _corpus_texts(corpus: Path) -> list[str]:
    paths = sorted(corpus.glob("*.txt")) + sorted((corpus / "extra").glob("*.txt"))
    return [p.read_bytes().decode("utf-8", "replace") for p in paths]


def test_mutated_corpus_speeches_keep_every_property(corpus_dir: Path) -> None:
    texts = _corpus_texts(corpus_dir)
    assert texts

    @SLOW
    @given(mutated(texts))
    def run(text: str) -> None:
        assert_all_properties(text)

    run()


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "tests" / "cases").glob("*.txt")) + sorted((ROOT / "examples").rglob("*.txt")),
    ids=lambda p: p.name,
)
def test_bundled_cases_keep_every_property(path: Path) -> None:
    doc = parse(path.read_bytes())
    assert doc.original_text is not None
    assert_all_properties(doc.original_text)


def test_corpus_keeps_every_property(corpus_dir: Path) -> None:
    for text in _corpus_texts(corpus_dir):
        assert_all_properties(text)


def test_json_round_trip_is_equal_as_a_model() -> None:
    doc = parse(SAMPLE)
    again = Document.from_json(doc.to_json())
    assert again == doc  # equality is over the data, not the private source text
    assert again.original_text is None and doc.original_text is not None
    assert again != parse(SAMPLE + "\n三、新增一节")


# -- determinism -------------------------------------------------------------------


_CHILD = (
    "import sys, speechtree; "
    "sys.stdout.write(speechtree.parse(sys.stdin.buffer.read()).to_json())"
)


def _in_fresh_process(data: bytes, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], input=data, capture_output=True, check=True, env=env
    )
    return out.stdout.decode("utf-8")


def test_same_json_in_any_process() -> None:
    """Set and dict order must not leak into the output: two interpreters with
    different hash seeds give byte-identical JSON, equal to this process's."""
    text = SAMPLE + SAMPLE.replace("。", "").replace("\n", "\r\n") + "第二篇\n" + SAMPLE
    data = text.encode("utf-8")
    here = parse(data).to_json()
    assert _in_fresh_process(data, "1") == here
    assert _in_fresh_process(data, "4242") == here


def test_checker_finds_broken_outlines() -> None:
    """The checker itself must fail on outlines that lose, move or invent text."""
    doc = parse(SAMPLE)
    assert verify_lossless(doc) == []
    breakers: list[Callable[[Document], object]] = [
        lambda d: d.speeches[0].sections.pop(),
        lambda d: d.speeches[0].preamble.pop(0),
        lambda d: setattr(d.speeches[0].sections[0], "title", "别的标题"),
        lambda d: setattr(d.speeches[0].sections[0], "text", d.speeches[0].sections[0].text + "多"),
        lambda d: setattr(d.speeches[0].sections[0], "marker", "二、"),
        lambda d: setattr(
            d.speeches[0].sections[1],
            "span",
            replace(d.speeches[0].sections[1].span, line=1),
        ),
        lambda d: setattr(
            d.speeches[0].sections[1],
            "span",
            replace(
                d.speeches[0].sections[1].span, start=d.speeches[0].sections[1].span.start - 3
            ),
        ),
        lambda d: setattr(d.speeches[0].sections[0].children[0], "level", 5),
        lambda d: setattr(
            d.speeches[0], "span", replace(d.speeches[0].span, end=10)
        ),
    ]
    for i, breaker in enumerate(breakers):
        broken = parse(SAMPLE)
        breaker(broken)
        assert verify_lossless(broken), f"breaker {i} went unnoticed"


@settings(FAST, max_examples=60)
@given(st.one_of(st.binary(max_size=300), speech_text.map(lambda t: t.encode("utf-8"))))
def test_cli_answers_any_input_with_output_or_one_error_line(data: bytes) -> None:
    r = CliRunner().invoke(main, ["parse", "-"], input=data)
    assert r.exit_code in (0, EXIT_INPUT), r.stderr
    if r.exit_code == 0:
        assert Document.from_json(r.stdout) is not None
        assert r.stderr == ""
    else:
        assert r.stdout == ""
        assert r.stderr.startswith("speechtree: error: <stdin>: ")
        assert r.stderr.count("\n") == 1


@FAST
@given(st.text(st.characters(blacklist_categories=())))
def test_any_string_with_surrogates_parses_or_is_an_input_error(text: str) -> None:
    doc = parse_or_none(text)
    if doc is not None:
        assert orjson_ok(doc)


def orjson_ok(doc: Document) -> bool:
    return Document.from_json(doc.to_json()).to_dict() == doc.to_dict()
