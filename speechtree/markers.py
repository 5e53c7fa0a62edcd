"""Recognise stage: find outline markers in a paragraph's matching text.

A scanner compiled from the grammar (``shapes.py``) proposes places where a
marker stands; the Lark grammar (``grammar.classify``) reads which style it is
and its ordinal; the filters here reject ordinals that belong to prose (第一要务,
质量第一、效益优先, 统一是, “一要吃饭、二要建设”, 1-8月份).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import lark

from .buildcache import cached, compile_keeping_code, from_code, source_key
from .grammar import STEMS, classify, grammar_text, marker_parser
from .shapes import Grammar, Scanner, build_scanner
from .styles import LABEL_STYLES, NUMERALS, STYLES, Inline, StyleTable

_N = NUMERALS


@functools.cache
def scanners() -> tuple[Scanner, Scanner]:
    """The two scanners, compiled from the grammar and the style table once
    per process (on first use: building them needs the grammar).

    The first finds every marker shape; the second only the shapes that may
    stand inside a paragraph (not 一、, 1、, 1）, 一., 第一部分/章/节/条,
    labels): it runs over nearly every character of the input.
    ``tests/test_shapes.py`` proves both read what the grammar reads.
    Kept in the build cache (``buildcache``) between processes: building them
    costs more than parsing a page."""
    key = source_key(grammar_text()[0], lark.__version__,
                     modules=["grammar.py", "shapes.py", "styles.py", "markers.py"])
    return cached("scanners", key, _build_scanners, _dump_scanners, _load_scanners)


def _build_scanners() -> tuple[Scanner, Scanner]:
    grammar = Grammar.from_lark(marker_parser())
    styles = {s.name: s for s in STYLES}
    inline = [s.name for s in STYLES if s.inline is not Inline.NEVER or s.listed]
    return build_scanner(grammar, styles), build_scanner(grammar, styles, inline)


def _dump_scanners(pair: tuple[Scanner, Scanner]) -> list[tuple[str, object, str]]:
    return [(s.pattern.pattern, compile_keeping_code(s.pattern.pattern)[1],
             "".join(sorted(s.start_chars))) for s in pair]


def _load_scanners(data: list[tuple[str, Any, str]]) -> tuple[Scanner, Scanner]:
    full, inline = (Scanner(from_code(source, code), frozenset(chars))
                    for source, code, chars in data)
    return full, inline


#: Punctuation after which an enumeration may begin inside a paragraph.
BOUNDARY = set("，。；：！？、）”’」』…—")
#: Characters that make a word with a following 一 (统一是 is not 一是).
_WORD_BEFORE_ONE = set("统唯同单万专划均整归合逐之第其初星礼周这那每哪任")
#: Nouns 要X: 三要素, 两要求 are not 三要…
_YAO_NOUN = set("素求点件务领义旨员闻冲津塞案")
_OPEN = set("“‘《「『（")
_STEMS = set(STEMS)
#: A short noun phrase and 的 before a counted topic that opens a paragraph.
_GENITIVE_LEAD = re.compile(r"[^\W\d_]{1,6}的(?=第)")
_AFTER_GENITIVE = frozenset({"di_topic"})
_BOUNDARY_CHARS = frozenset("，。；：！？、）”’」』…—“‘《「『（")
#: Styles whose marker must be followed by a space (Style.then says so).
_BEFORE_SPACE = frozenset(s.name for s in STYLES if "\u3000" in s.then)
#: Styles that never open a heading run into the text before it.
_NEVER_RUN_IN = frozenset({"paren_num"})
#: The longest rest of a line a bare numeral (一　总的目标) may head.
_BARE_TITLE_MAX = 40
_QUOTE_CHAR = re.compile("[“‘《「『（”’》」』）]")
#: How far around a marker to look for the quotes that hold it.
_QUOTE_REACH = 200
#: Closing quotes and brackets (the end of a quotation, a title, a note).
CLOSERS = frozenset("”’》」』）")
#: Where a counted list (第一是…) may open: after a clause or sentence end.
_CLAUSE_END = frozenset("：。？！；")
#: Items that may be written again for the next item (一方面…，一方面…).
_REPEATABLE = frozenset({"fangmian", "shi"})
_FANGMIAN = frozenset({"fangmian", "fangmian_other"})
#: 一方面 after these is a noun: 问题的一方面, 就一方面说来, 有一方面的好处.
_BEFORE_SIDE_NOUN = frozenset("的就有")
#: 一方面 before these is a framed noun phrase: 从一方面来看, 就一方面说来.
_SIDE_FRAME_ENDS = frozenset({"说来", "来说", "来看", "看来", "而言", "来讲"})
#: A clause ends after a word in object place (反对另一方面，).
_CLAUSE_PUNCT = frozenset("，。；")
#: Prepositions that may stand before 另一方面 opening a clause (在另一方面，).
_SIDE_PREPOSITIONS = frozenset("在从")
#: Counted items that may follow a connective word (然而第二，由于…).
_AFTER_CONNECTIVE = frozenset({"di_comma", "di_shi"})
_CONNECTIVE = re.compile("(?:然而|但是|而且|并且|同时|此外|另外|再者|而|但|又|再)$")
_CONNECTIVE_REACH = 3


def _after_connective(text: str, a: int) -> bool:
    """Does a connective word (然而, 但是, 而…) stand right before ``a``, itself
    after punctuation (…。然而第二，)? The next item of a counted list may
    follow one; a first item may not (排名第一 is prose either way)."""
    if a > 0 and text[a - 1] in BOUNDARY:
        return True  # (…。在另一方面，: the preposition right after punctuation)
    m = _CONNECTIVE.search(text, max(0, a - _CONNECTIVE_REACH), a)
    return m is not None and m.start() > 0 and text[m.start() - 1] in BOUNDARY


class Marker(NamedTuple):
    """A recognised marker inside one paragraph's matching text.

    (Immutable; a NamedTuple because a parse makes one per marker candidate
    and a frozen dataclass costs three times as much to build.)"""

    style: str
    ordinal: int | None  # None only for 最后: it continues an open sequence
    start: int
    end: int
    text: str
    #: A compilation label (第一篇, 篇一), not an outline marker. (A field, not
    #: a property: it is asked for about three times per paragraph.)
    is_label: bool = False


_new_tuple = tuple.__new__

#: How many candidate texts a table remembers the reading of.
_MAX_READINGS = 8192


@functools.lru_cache(maxsize=16)
def _readings_under(table: StyleTable) -> dict[str, tuple[str, int | None, bool] | None]:
    """Readings of candidate texts under ``table``, shared by the parses that
    use it (the parser keeps one table per set of options): a candidate
    (``（三）``, ``二是``) recurs across a corpus, and reading it means the
    grammar, the numeral and the table."""
    return {}


def _reading(text: str, table: StyleTable) -> tuple[str, int | None, bool] | None:
    """``(style, ordinal, is_label)`` of a candidate under ``table``, or None."""
    got = classify(text)
    if got is None:
        return None
    style, ordinal = got
    is_label = style in LABEL_STYLES
    if style not in table and not is_label:
        return None
    return style, ordinal, is_label


class Recognizer:
    """Finds markers of the styles in ``table`` (labels are always found)."""

    def __init__(self, table: StyleTable) -> None:
        self.table = table
        self._readings = _readings_under(table)
        full, inline = scanners()
        self._candidate = full.pattern
        self._inline = inline.pattern
        #: Every character a marker (or label) can start with.
        self.start_chars = full.start_chars

    def _read(self, m: re.Match[str]) -> Marker | None:
        text = m.group()
        try:
            got = self._readings[text]
        except KeyError:
            got = self._readings[text] = _reading(text, self.table)
            if len(self._readings) > _MAX_READINGS:
                self._readings.clear()
        if got is None:
            return None
        style, ordinal, is_label = got
        a, b = m.span()
        # (tuple.__new__ skips the NamedTuple's own __new__, a Python frame:
        # this runs for every candidate of the text.)
        return _new_tuple(Marker, (style, ordinal, a, b, text, is_label))


    def leading(self, text: str, pos: int = 0) -> Marker | None:
        """The marker that opens ``text`` (or its part from ``pos``), if any."""
        if pos >= len(text):
            return None
        if text[pos] not in self.start_chars:
            # Most paragraphs: one set lookup says so. A counted topic may
            # open its paragraph after a short genitive (党八股的第一条罪状是：):
            # 的第 within its first eight characters, which a find says
            # before the pattern is tried.
            g = (
                _GENITIVE_LEAD.match(text, pos)
                if text[pos] not in _BOUNDARY_CHARS and text.find("的第", pos + 1, pos + 8) >= 0
                else None
            )
            if g is None:
                return None
            mk = self.leading(text, g.end())
            return mk if mk is not None and mk.style in _AFTER_GENITIVE else None
        m = self._candidate.match(text, pos)
        if m is None:
            return None
        mk = self._read(m)
        if mk is None or not self._plausible_after(mk, text):
            return None
        return mk

    def leading_before_space(self, spaced: str) -> Marker | None:
        """A marker that only stands before a space (一　总的目标, 5.1 范围),
        read in a paragraph's text before its spaces are taken out (the
        offsets are those of the text without them: the marker holds none)."""
        core = spaced.lstrip(" \u3000")
        mk = self.leading(core)
        if mk is None or mk.style not in _BEFORE_SPACE:
            return None
        return mk

    def heading_at(self, text: str, pos: int) -> Marker | None:
        """A heading-style marker starting exactly at ``pos`` (for run-in splits)."""
        m = self._candidate.match(text, pos)
        if m is None:
            return None
        mk = self._read(m)
        if mk is None or mk.is_label or not self.table.style(mk.style).heading:
            return None
        if mk.style in _NEVER_RUN_IN:
            return None  # 瘪三⑻ is a note reference, not a heading run in
        if mk.style == "di_topic" and mk.ordinal == 1:
            # …三个阶段之中。第一个阶段，是… : a counted noun inside a
            # paragraph opens a heading only where it continues a count.
            return None
        return mk if self._plausible_after(mk, text) else None

    def inline(self, text: str, start: int = 0) -> list[Marker]:
        """Markers inside ``text`` after position ``start`` that pass the prose filters."""
        # Most paragraphs hold no candidate at all: one search says so.
        first = self._inline.search(text, start)
        if first is None:
            return []
        return list(self._scan(text, start, first.start(), len(text)))

    def iter_inline(
        self, text: str, start: int = 0, end: int | None = None
    ) -> Iterator[Marker]:
        """Like :meth:`inline`, lazily, and only up to ``end`` if given; quote
        nesting is counted from ``start``."""
        return self._scan(text, start, start, len(text) if end is None else end)

    def _scan(self, text: str, start: int, scan_from: int, end: int) -> Iterator[Marker]:
        """Inline markers found from ``scan_from`` (no candidate lies between
        ``start`` and it) to ``end``; quote nesting is counted from ``start``."""
        depth = 0
        pos = start
        #: The last member of each colon-opened list of a block style (listed).
        listed: dict[str, int] = {}
        #: The last item of each family found (for a first marker written again).
        repeated: dict[str, tuple[Marker, str]] = {}
        for m in self._inline.finditer(text, scan_from, end):
            a = m.start()
            if a == 0:
                continue
            depth = _quote_depth(text, pos, a, depth)
            pos = a
            mk = self._read(m)
            if mk is None or mk.is_label:
                continue
            style = self.table.style(mk.style)
            if depth > 0 and _short_quote(text, a):
                continue
            prev = text[a - 1]
            if style.inline is Inline.NEVER:
                # A block marker inside a paragraph only as a list after a
                # colon (：一、…；二、…), each member the next of the last.
                if not style.listed or mk.ordinal is None:
                    continue
                if mk.ordinal == 1:
                    if prev != "：":
                        continue
                elif listed.get(mk.style) != mk.ordinal - 1 or prev not in BOUNDARY:
                    continue
                if not self._plausible_after(mk, text):
                    continue
                listed[mk.style] = mk.ordinal
                yield mk
                continue
            if style.inline is Inline.BOUNDARY and prev not in BOUNDARY and not (
                mk.style in _AFTER_CONNECTIVE
                and mk.ordinal is not None
                and mk.ordinal > 1
                and _after_connective(text, a)
            ):
                continue
            if style.inline is Inline.WORD and not self._word_ok(mk, prev):
                continue
            if (
                mk.style == "fangmian_other"
                and prev not in BOUNDARY
                and text[mk.end : mk.end + 1] in _CLAUSE_PUNCT
                and not _after_connective(text, a - 1 if prev in _SIDE_PREPOSITIONS else a)
            ):
                continue  # 赞成一方面，反对另一方面，: the object of a verb
            if mk.style == "di_shi" and mk.ordinal == 1 and a != start and prev not in _CLAUSE_END:
                continue  # 写文章，第一是大壹贰叁肆，…: a counted list opens a sentence
            if not self._plausible_after(mk, text):
                continue
            if mk.ordinal == 1 and mk.style in _REPEATABLE:
                # 一方面…，一方面…: the first marker written again is the next
                # item (as 另一方面 would be). 一是 only pairs so after a colon
                # (问题有两个：一是…，一是…); 一是…；一是… otherwise nests.
                last, last_prev = repeated.get(style.family, (None, ""))
                if (
                    last is not None
                    and last.style == mk.style
                    and (last.ordinal in (1, None) if mk.style == "fangmian"
                         else last.ordinal == 1 and last_prev == "：")
                ):
                    mk = mk._replace(ordinal=None)
            repeated[style.family] = (mk, prev)
            yield mk

    @staticmethod
    def _word_ok(mk: Marker, prev: str) -> bool:
        if prev in BOUNDARY:
            return True
        if prev in _N or prev.isdigit():
            return False
        if mk.style in _FANGMIAN and prev in _BEFORE_SIDE_NOUN:
            return False  # 问题的一方面, 就一方面说来: the noun 'one side'
        return not (mk.text[0] == "一" and prev in _WORD_BEFORE_ONE)

    @staticmethod
    def _plausible_after(mk: Marker, text: str) -> bool:
        """Reject markers whose next character shows they are prose or figures."""
        # (Fields unpacked once: each read of a NamedTuple's field by name
        # is an attribute lookup, and a parse asks this of every marker.)
        style, _, _, end, written, _ = mk
        if style not in _READ_AFTER:
            return True
        nxt = text[end] if end < len(text) else ""
        if style in ("shi", "yao"):
            if nxt and (nxt in _N or nxt.isdigit() or nxt in "、，。；"):
                return False
            if style == "yao" and nxt in _YAO_NOUN:
                return False
        if style in _FANGMIAN and (nxt == "的" or text[end : end + 2] in _SIDE_FRAME_ENDS):
            return False  # 这是一方面的情形, 从另一方面来看
        if style == "arabic_dun" and nxt.isdigit():
            return False  # 4、5月份
        if style == "cn_dun" and nxt and nxt in _N:
            after = text[end + 1 : end + 2]
            if not after or after in _N or after in "、等月个次级倍线类档":
                return False  # 一、二等奖, 三、四月份, 一、二线城市
        if style == "arabic_dot" and nxt in ("%", "％"):
            return False
        if style == "di_comma" and written[-1] == "、" and (nxt == "第" or nxt in _N):
            return False  # 第三、第四以至最后一仗
        if style == "stem_dun" and nxt in _STEMS:
            return False  # 甲、乙双方
        if style in BARE_HEADINGS:
            # A heading line of its own: short, and no sentence in it.
            rest = text[end : end + _BARE_TITLE_MAX + 1]
            return len(rest) <= _BARE_TITLE_MAX and "。" not in rest
        return True


#: Heading numbers written bare (一　总的目标, 1　范围): a heading line of their
#: own, never a sentence.
BARE_HEADINGS = frozenset(("cn_bare", "decimal1"))
#: The styles :meth:`Recognizer._plausible_after` reads what follows of (every
#: other marker is plausible whatever follows it).
_READ_AFTER = frozenset(
    {"shi", "yao", "arabic_dun", "cn_dun", "arabic_dot", "di_comma", "stem_dun"}
) | _FANGMIAN | BARE_HEADINGS


def lone_numerals_out_of_series(paras: Sequence[tuple[str, Marker | None]]) -> list[int]:
    """Paragraphs that are a bare numeral and nothing else (``一`` on a line of
    its own, the section's title left out) whose count no neighbour carries on.

    Such a numeral heads a section only as one of a series: the previous lone
    numeral is one less, or the next is one more (一 … 二 … 三). A single ``三``
    on its line is a fragment, a page number or a verse line. ``paras`` gives
    each paragraph's text and lead marker; the answer is their indices."""
    lone = [
        (i, mk.ordinal or 0)
        for i, (text, mk) in enumerate(paras)
        if mk is not None and mk.style == "cn_bare" and mk.end == len(text)
    ]
    out: list[int] = []
    for j, (i, k) in enumerate(lone):
        before = j > 0 and lone[j - 1][1] == k - 1
        after = j + 1 < len(lone) and lone[j + 1][1] == k + 1
        if not (before or after):
            out.append(i)
    return out


def _short_quote(text: str, a: int) -> bool:
    """Is position ``a`` inside a short quoted phrase (“一要吃饭、二要建设”)?

    A quotation of whole sentences (it holds a full stop) is quoted speech,
    whose enumerations are real; a short phrase in quotes is a slogan or name.
    """
    lo, hi = max(0, a - _QUOTE_REACH), min(len(text), a + _QUOTE_REACH)
    opened = max(text.rfind(ch, lo, a) for ch in _OPEN)
    closes = [i for i in (text.find(ch, a, hi) for ch in CLOSERS) if i >= 0]
    closed = min(closes) if closes else hi
    return "。" not in text[opened + 1 : closed] and closed - opened <= 40


def _quote_depth(text: str, a: int, b: int, depth: int) -> int:
    """Nesting depth of quotes/brackets at ``b``, continuing from ``depth`` at ``a``."""
    for m in _QUOTE_CHAR.finditer(text, a, b):  # visit the quote marks only
        if m.group() in _OPEN:
            depth += 1
        elif depth > 0:
            depth -= 1
    return depth
