"""Clean titles and bodies: noise dropped from the text, spans still on the original."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import speechtree
from speechtree.check import ZERO_WIDTH, verify_lossless
from speechtree.clean import clean_text, clean_title

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def reference_title(raw: str) -> str:
    """The rule, written out plainly: drop zero-width characters, join the
    lines (trimming blanks where they meet), drop ASCII spaces between two Han
    characters, trim edge punctuation and blanks."""
    s = "".join(c for c in raw if c not in ZERO_WIDTH)
    lines = re.split(r"\r\n|\r|\n", s)
    if len(lines) > 1:
        lines = [ln.strip() if 0 < i < len(lines) - 1 else ln for i, ln in enumerate(lines)]
        lines[0], lines[-1] = lines[0].rstrip(), lines[-1].lstrip()
        s = "".join(lines)
    out = []
    for i, c in enumerate(s):
        if c == " ":
            j = i
            while j < len(s) and s[j] == " ":
                j += 1
            k = i
            while k > 0 and s[k - 1] == " ":
                k -= 1
            if k > 0 and j < len(s) and _han(s[k - 1]) and _han(s[j]):
                continue
        out.append(c)
    return "".join(out).lstrip("，：、,:" + _SPACES).rstrip("，；：。、！？,;:.!?" + _SPACES)


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NOISE = st.sampled_from([" ", "  ", "\u200b", "\ufeff", "\u200c", "\n", "\r\n"])
#: A heading's words with PDF noise between the characters.
noisy_words = st.lists(st.one_of(st.text(HAN, min_size=1, max_size=4), NOISE), min_size=1,
                       max_size=12).map("".join)
MARKERS = ["一、", "二、", "（一）", "（二）", "1.", "2.", "一是", "二是"]


@st.composite
def noisy_outline(draw: st.DrawFn) -> str:
    lines = []
    for m in draw(st.lists(st.sampled_from(MARKERS), min_size=1, max_size=6)):
        lines.append(f"{m}{draw(noisy_words)}。{draw(noisy_words)}。")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(noisy_outline())
def test_title_is_the_cleaned_text_of_its_span(text: str) -> None:
    doc = speechtree.parse(text)
    original = doc.original_text
    assert original is not None
    for _, n in doc.walk():
        raw = original[n.title_span.start : n.title_span.end]
        assert n.title == reference_title(raw), (raw, n.title)
        assert n.title == clean_title(raw)
        assert "\n" not in n.title and not (set(n.title) & ZERO_WIDTH)
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", n.title)
        body = original[n.title_span.end : n.span.end]
        assert n.text == clean_text(body)
        assert not (set(n.text) & ZERO_WIDTH)
    assert verify_lossless(doc) == []


def test_pdf_title_keeps_its_span() -> None:
    text = (
        "关于促进民营经 济\u200b“两个健康”发展的讲话\n"
        "一、促进民营经 济“两个健康”发展。要加强\u200b领导，\n  抓落实。\n"
    )
    doc = speechtree.parse(text)
    sp = doc.speeches[0]
    assert sp.title == "关于促进民营经济“两个健康”发展的讲话"
    assert sp.title_span is not None
    assert text[sp.title_span.start : sp.title_span.end].startswith("关于促进民营经 济\u200b")
    [n] = [n for _, n in doc.walk()]
    assert n.title == "促进民营经济“两个健康”发展"
    assert text[n.title_span.start : n.title_span.end] == "促进民营经 济“两个健康”发展。"
    assert n.text == "要加强领导，\n抓落实。"


def test_clean_text_keeps_meaningful_spaces() -> None:
    assert clean_text("GDP 增长 5.2%") == "GDP 增长 5.2%"  # a space next to Latin or digits stays
    assert clean_text("团结合作\u3000共同构建") == "团结合作\u3000共同构建"  # a typeset gap stays
    assert clean_title("  （一）\n") == "（一）"


def test_no_corpus_title_keeps_a_space_between_han(corpus_dir: Path) -> None:
    between = re.compile(r"(?<=[\u4e00-\u9fff])[ \u00a0]+(?=[\u4e00-\u9fff])")
    for f in sorted(corpus_dir.glob("*.txt")):
        doc = speechtree.parse_file(f)
        titles = [sp.title for sp in doc.speeches] + [n.title for _, n in doc.walk()]
        bad = [t for t in titles if between.search(t)]
        assert bad == [], f.name


def test_join_lines_without_cr_agrees_with_the_break_split() -> None:
    """The str-method path of _join_lines (no CR) against the regex split it
    stands in for: a break takes all whitespace after it, blank lines too."""
    import itertools

    from speechtree.clean import _BREAK, _join_lines
    from speechtree.whitespace import WHITESPACE

    def reference(text: str, sep: str) -> str:
        *lines, last = _BREAK.split(text)
        return sep.join([*(line.rstrip(WHITESPACE) for line in lines), last])

    alphabet = ["中", "a", "\n", " ", "\u3000", "\x1c", "\u2028"]
    for n in range(1, 6):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            if "\n" in text:
                for sep in ("", "\n"):
                    assert _join_lines(text, sep) == reference(text, sep), (text, sep)
