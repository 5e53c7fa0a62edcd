"""Every shortcut taken for speed gives what the plain computation it
replaces gives (see benchmarks/README.md for why each exists)."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import io
import re
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechtree import decode, markers, parse, segment, speeches
from speechtree import normalize as normalize_module
from speechtree.clean import is_plain
from speechtree.markers import Marker, Recognizer
from speechtree.models import Node, Span, new_span
from speechtree.normalize import normalize
from speechtree.offsets import OffsetMap, line_starts
from speechtree.options import ParseOptions
from speechtree.parser import _Context, _Parser
from speechtree.styles import DEFAULT_TABLE, LABEL_STYLES, STYLES
from speechtree.tree import Event

FAST = settings(max_examples=400, derandomize=True, deadline=None)


@FAST
@given(st.text(alphabet="ab\r\n", max_size=40))
def test_line_starts_match_a_regex_over_the_line_breaks(text: str) -> None:
    want = [0] + [m.end() for m in re.finditer(r"\r\n?|\n", text)]
    assert line_starts(text) == want


@FAST
@given(st.lists(st.tuples(st.booleans(), st.integers(1, 5), st.integers(0, 3)), max_size=8),
       st.integers(0, 30), st.integers(0, 8))
def test_run_start_agrees_with_start(pieces: list[tuple[bool, int, int]], i: int, n: int) -> None:
    m = OffsetMap()
    src = 0
    for ident, length, skip in pieces:
        src += skip
        if ident:
            m.copy(src, length)
        else:
            m.replace(src, length, 1)
        src += length
    got = m.run_start(i, n)
    # -1 only sends the caller the slow way; any other answer must be exact.
    if got >= 0:
        assert all(m.start(i + k) == got + k and m.end(i + k) == got + k + 1 for k in range(n))
    else:
        one_piece_copied = n > 0 and i + n <= len(m) and all(
            m._piece(i + k) == m._piece(i) for k in range(n)
        ) and m._ident[m._piece(i)]
        assert not one_piece_copied


ANNEXISH = ["附件", "附录", "附表", "1", "二", "：", ":", "名词解释", "名词注释", "注释", "注解",
            "关于", "的说明", "一", "　"]


@FAST
@given(st.lists(st.sampled_from(ANNEXISH), min_size=1, max_size=6).map("".join))
def test_every_annex_starts_with_an_annex_start_character(text: str) -> None:
    if speeches.is_annex(text):
        assert text[0] in speeches.ANNEX_START


MARKERISH = ["一", "十", "（", "）", "1", "2", "、", "是", "要", "第", "篇", "【", "】", "范文",
             "①", "其", "另", "首先", "再次", "最后", "，", "：", ".", "部分", "条", "章",
             "个问题", "加强"]


@FAST
@given(st.lists(st.sampled_from(MARKERISH), min_size=1, max_size=6).map("".join))
def test_every_candidate_starts_with_a_start_character(text: str) -> None:
    rec = Recognizer(DEFAULT_TABLE)
    if rec._candidate.match(text) is not None:
        assert text[0] in rec.start_chars
    if text[0] not in rec.start_chars:
        assert rec.leading(text) is None


_EXACT_GAP = re.compile(r"[ \u3000]*\u3000[ \u3000]+|[ \u3000]+\u3000[ \u3000]*")


@FAST
@given(st.text(alphabet=" \u3000x", max_size=30))
def test_gap_runs_are_the_exact_gaps(line: str) -> None:
    exact = [m.span() for m in _EXACT_GAP.finditer(line)]
    fast = [m.span() for m in segment._GAP_RUN.finditer(line) if "\u3000" in m.group()]
    assert fast == exact


@FAST
@given(st.text(alphabet="ab一\x00\x01\x0b\x7f\n\t\r\udc80\U0001f600", max_size=300))
def test_control_bytes_counted_like_control_characters(text: str) -> None:
    sample = text[: decode._SAMPLE]
    n_control = len(decode._CONTROL.findall(sample))
    assert decode._looks_binary(text) == (n_control > max(2, len(sample) // 100))


def test_read_limited_reads_past_a_stale_size_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"x" * 5000
    monkeypatch.setattr(decode, "_size_hint", lambda stream: 100)
    assert decode.read_limited(io.BytesIO(data), 10_000) == data
    with pytest.raises(Exception, match="over the limit"):
        decode.read_limited(io.BytesIO(data), 4000)


def test_read_limited_on_files_and_streams(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    for size in (0, 1, 999, 1000, 1001):
        f.write_bytes(b"y" * size)
        with f.open("rb") as fh:
            if size <= 1000:
                assert decode.read_limited(fh, 1000) == b"y" * size
            else:
                with pytest.raises(Exception, match="1,001 bytes"):
                    decode.read_limited(fh, 1000)
    assert decode.read_limited(io.BytesIO(b"z" * 10), 1000) == b"z" * 10


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("一、总体要求\n".encode(), None),
        (codecs.BOM_UTF8 + "一、总体要求\n".encode(), None),
        (codecs.BOM_UTF8 + "一、总体要求\n".encode(), "utf-8"),
        ("一、总体要求\n".encode("gb18030"), None),
    ],
)
def test_sha256_is_of_the_decoded_text(data: bytes, encoding: str | None) -> None:
    doc = parse(data, options=ParseOptions(encoding=encoding))
    text = doc.original_text
    assert text is not None
    assert doc.source.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


SPEECHISH = ["一、", "总体", "要求", "（一）", "㈡", "⑶", "加强", " ", "  ", "\u3000\u3000",
             "\n", "\r\n", "\r", "\u200b", "。", "：", "一是", "二是", "1.", "2.", "Ａ", "１",
             "发展 机遇"]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(SPEECHISH), max_size=60).map("".join))
def test_paragraph_offsets_by_base_match_the_maps(text: str) -> None:
    """ostart/oend through a paragraph's one-for-one start (obase) agree with
    the two offset maps composed."""
    nt = normalize(text)
    rec = Recognizer(DEFAULT_TABLE)
    parser = _Parser(DEFAULT_TABLE, ParseOptions())
    paras = parser._split_labels(segment.segment(nt, rec))
    ctx = _Context(nt, paras, line_starts(text))
    for p in paras:
        for i in range(len(p.text)):
            n_start = p.base + i if p.pmap is None else p.pmap.start(i)
            n_end = p.base + i + 1 if p.pmap is None else p.pmap.end(i)
            assert ctx.ostart(p, i) == nt.map.start(n_start)
            assert ctx.oend(p, i) == nt.map.end(n_end - 1)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from([*SPEECHISH, "\u200b\n", "㈠"]), max_size=60).map("".join))
def test_segment_line_starts_are_the_original_lines_where_nothing_moved(text: str) -> None:
    """The line starts segment collects are those of the normalised text, and
    where the normaliser moved no character (what the parser asks before it
    takes them) those of the original."""
    nt = normalize(text)
    layout = segment.Layout([])
    segment.segment(nt, Recognizer(DEFAULT_TABLE), layout=layout)
    assert layout.line_starts == line_starts(nt.text)
    if nt.map.is_identity():
        assert layout.line_starts == line_starts(text)


@FAST
@given(st.lists(st.sampled_from([*SPEECHISH, "\u00ad", "\ufeff", "\u2060", "a\rb"]), max_size=30)
       .map("".join))
def test_normalized_plain_is_what_is_plain_finds(text: str) -> None:
    """The normaliser's scan for edits says what clean.is_plain says of the
    original (no CR, no zero-width character)."""
    assert normalize(text).plain == is_plain(text)


#: The look-alike pattern's line test as written before: its indentation
#: retried shorter (the same lines, found more slowly).
_LOOKALIKE_RETRIED = re.compile(
    normalize_module._LOOKALIKE.pattern.replace(
        "(?=(?P<indent>[ \u3000]*))(?P=indent)", "[ \u3000]*", 1
    )
)


@FAST
@given(st.text(alphabet=" \u3000\n一二1〔［(（【〈·•、丶,.）)】〉]字", max_size=40))
def test_lookalikes_with_the_indent_taken_whole(text: str) -> None:
    assert _LOOKALIKE_RETRIED.pattern != normalize_module._LOOKALIKE.pattern
    got = normalize_module._LOOKALIKE.subn(normalize_module._standard_form, "\n" + text)
    want = _LOOKALIKE_RETRIED.subn(normalize_module._standard_form, "\n" + text)
    assert got == want


#: A full stop before a marker-like character, by one class search per paragraph.
_STOP_BEFORE_MARKER = re.compile(r"[。！？](?=[（第①-⑳㉑-㉟㊱-㊿0-9一二三四五六七八九十])")
_STOP_BEFORE_RUN_IN = re.compile(r"[。！？](?=[一二三四五六七八九十第])")


#: A paragraph with one full stop before a character, somewhere around the
#: 52nd character from its end.
_ONE_STOP = st.builds(
    lambda a, stop, ch, b: "字" * a + stop + ch + "字" * b,
    st.integers(0, 60), st.sampled_from("。！？"), st.sampled_from("（第①9一字"),
    st.integers(0, 60),
)


@FAST
@given(st.lists(st.text(alphabet="。！？一第（①9字", max_size=70) | _ONE_STOP, max_size=6))
def test_stops_before_markers_found_in_the_joined_paragraphs(texts: list[str]) -> None:
    """One search of all paragraphs joined finds the paragraphs a search of
    each (the last 52 characters, or 一…十/第 anywhere) finds."""
    paras = [segment.Para(t, 0, None, None, 1, False, True, True) for t in texts]
    want = {
        k for k, t in enumerate(texts)
        if _STOP_BEFORE_MARKER.search(t, len(t) - 52) or _STOP_BEFORE_RUN_IN.search(t)
    }
    assert segment._stops_before_markers(paras) == want


@FAST
@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 10**6), st.integers(1, 10**6))
def test_new_span_builds_what_span_builds(start: int, end: int, line: int, end_line: int) -> None:
    """The parser's span builder sets every field the constructor sets, and
    the object stays frozen."""
    assert [f.name for f in dataclasses.fields(Span)] == ["start", "end", "line", "end_line"]
    got, want = new_span(start, end, line, end_line), Span(start, end, line, end_line)
    assert type(got) is Span and got == want and hash(got) == hash(want)
    assert repr(got) == repr(want) and orjson.dumps(got) == orjson.dumps(want)
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.start = 0  # type: ignore[misc]


def test_the_parser_builds_nodes_in_field_order() -> None:
    """The parser builds nodes and events positionally (a type called with
    keywords costs twice as much): in this field order."""
    assert [f.name for f in dataclasses.fields(Node)] == [
        "kind", "style", "marker", "ordinal", "level", "title", "text", "span", "title_span",
        "children",
    ]
    assert Event._fields == (
        "para", "marker", "at_start", "after_lead_in", "own_lead_in", "ends_lead_in",
        "title_only",
    )


ROLEISH = ["省长", "市", "长", "书记", "总", "李", "乐成", "王", "在", "作", "同志", "会议", "上",
           "　", " ", "，", "副"]


@FAST
@given(st.lists(st.sampled_from(ROLEISH), max_size=14).map("".join))
def test_no_role_where_no_office_word(text: str) -> None:
    """metadata skips the role patterns where one search finds no office word."""
    from speechtree import metadata

    if metadata._OFFICE_IN.search(text) is None:
        for rx in (metadata._ROLE_NAME_AT, metadata._ROLE_AT, metadata._ROLE_NAME_LINE,
                   metadata._ROLE_LINE):
            assert rx.search(text) is None


@FAST
@given(st.text(alphabet="\u3000\r\n字 ", max_size=30))
def test_metadata_gaps_as_the_class_pattern_finds_them(text: str) -> None:
    from speechtree import metadata

    plain = re.compile("[\u3000]{2,}|\r\n?|\n")
    assert [m.span() for m in metadata._GAP.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


@FAST
@given(st.text(alphabet="。！？一第字，", max_size=30), st.integers(0, 5))
def test_run_in_stops_without_other_stops_found_by_the_full_stop_alone(
    text: str, seg: int
) -> None:
    if "！" not in text and "？" not in text:
        assert [m.start() for m in segment._FULL_STOP_BEFORE_RUN_IN.finditer(text, seg)] == [
            m.start() for m in segment._STOP_BEFORE_RUN_IN.finditer(text, seg)
        ]


#: What may follow a marker, covering every check of _plausible_after.
_AFTER_SAMPLES = ["", "二", "二等", "2", "、", "，", "的", "说来", "%", "％", "第", "乙", "要素",
                  "。", "字" * 50, "字。"]


@pytest.mark.parametrize("style", sorted({s.name for s in STYLES} | LABEL_STYLES))
def test_plausible_after_reads_only_the_styles_it_checks(style: str) -> None:
    """A marker of a style outside _READ_AFTER is plausible whatever follows
    it (the shortcut that returns at once for those styles loses no check)."""
    if style in markers._READ_AFTER:
        return
    for written in ("一是", "第三、", "1."):
        for after in _AFTER_SAMPLES:
            mk = Marker(style, 1, 0, len(written), written)
            assert Recognizer._plausible_after(mk, written + after)


def _wrap_width_plainly(paras: list[segment.Para]) -> int:
    lengths: dict[int, int] = {}
    for p in paras[:400]:
        k = segment._width(p)
        if k >= 16 and p.starts_line and p.ends_line:
            lengths[k] = lengths.get(k, 0) + 1
    total = sum(lengths.values())
    if total < 12:
        return 0
    width = max(lengths, key=lambda k: (lengths[k], k))
    near = sum(lengths.get(k, 0) for k in (width - 1, width, width + 1))
    over = sum(c for k, c in lengths.items() if k > width + 1)
    return 0 if near < 0.4 * total or over > 0.1 * total else width


@FAST
@given(st.lists(st.tuples(st.integers(1, 24) | st.just(18), st.booleans()),
                min_size=10, max_size=40))
def test_wrap_width_counted_in_c_as_counted_plainly(lines: list[tuple[int, bool]]) -> None:
    paras = [segment.Para("字" * n, 0, None, None, 1, False, True, whole) for n, whole in lines]
    assert segment.wrap_width(paras) == _wrap_width_plainly(paras)
