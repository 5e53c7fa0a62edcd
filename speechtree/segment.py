"""Segment stage: paragraphs from lines, layout gaps, broken lines and run-in headings."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

from .grammar import chinese_numeral
from .markers import BARE_HEADINGS, CLOSERS, Marker, Recognizer
from .normalize import WIDE, Normalized
from .offsets import OffsetMap
from .styles import NUMERALS, Inline

#: A gap of two or more spaces with an ideographic one among them separates
#: paragraphs inside a line (single-line scrapes use 　　 as the break). The
#: pattern finds runs of two or more spaces; the code keeps those with a
#: U+3000. (A pattern that opens with a character class is searched in C from
#: one possible start to the next; the exact pattern, which opens with an
#: optional part, cost several µs per indented line.)
_GAP_RUN = re.compile("[ \u3000][ \u3000]+")
#: (Written to open with one class, not a repeat, for the same reason.)
_SPACE = re.compile("[ \u3000][ \u3000]*")
#: A line ending in one of these ends its sentence; others may be broken.
_ENDERS = set("。！？；：…”’」』）》!?")
_SENTENCE_STOPS = frozenset("。！？")
#: A line starting with one of these continues the line before it.
_CONTINUERS = set("，。、；：！？）》”’」』…%")
_SENTENCE_END = re.compile(r"[。！？]")
#: What a rule line between texts is drawn with.
_RULE = "-_=~～－—━─*＊"
_ANY_PUNCT = re.compile(r"[，。！？；：、]")
#: Heading styles that, right after a full stop, start a new paragraph.
_RUN_IN_AFTER_STOP = frozenset({"cn_dun", "di_comma", "di_topic", "di_part"})
#: What those styles can start with.
_RUN_IN_CHARS = "一二三四五六七八九十第"
#: A full stop followed by a character those styles can start with; and the
#: same for 。 alone, for a paragraph without ！ or ？ (most): a pattern that
#: opens with one plain character is searched about ten times faster than
#: one that opens with a class (a class test per character).
_STOP_BEFORE_RUN_IN = re.compile(f"[。！？](?=[{_RUN_IN_CHARS}])")
_FULL_STOP_BEFORE_RUN_IN = re.compile(f"。(?=[{_RUN_IN_CHARS}])")
#: What any heading can start with.
_MARKER_CHARS = "（第①-⑳㉑-㉟㊱-㊿0-9一二三四五六七八九十"
#: A full stop followed by a character any heading can start with, one
#: pattern per full stop (for the same reason).
_EACH_STOP_BEFORE_MARKER = tuple(
    re.compile(f"{stop}(?=[{_MARKER_CHARS}])") for stop in "。！？"
)
_CLAUSE_END = re.compile(r"[。！？；，]")
#: The number of an official document (发文字号) on its own line.
DOC_NUMBER = re.compile(r"[^\W\d_]{1,12}[〔［\[（(【][0-9]{4}[〕］\]）)】][0-9]{1,5}号")


@dataclass(slots=True)
class Para:
    """One paragraph: its matching text (no whitespace) and where it came from.

    Most paragraphs are one unbroken stretch of the normalised text; for them
    ``pmap`` is None and character ``i`` is normalised character ``base + i``.
    A paragraph with spaces taken out, or joined from lines, has a ``pmap``.
    """

    text: str
    base: int
    pmap: OffsetMap | None  # text index -> normalised index, when not base + i
    lead: Marker | None  # the marker that opens ``text`` (Recognizer.leading)
    line: int  # 1-based line of its first character
    blank_before: bool
    starts_line: bool
    ends_line: bool
    joined: bool = False
    #: 1-based line of its last character (a joined paragraph spans lines);
    #: 0 means the same as ``line``.
    last_line: int = 0
    #: Where the paragraph starts in the original text when its characters
    #: map one for one to an unbroken stretch of it, else -1; -2 while unknown
    #: (the parser fills it in when it first needs an offset).
    obase: int = -2

    @property
    def end_line(self) -> int:
        return self.last_line or self.line

    def norm_start(self, i: int) -> int:
        """Normalised offset of character ``i``."""
        return self.base + i if self.pmap is None else self.pmap.start(i)

    def norm_end(self, i: int) -> int:
        """Normalised offset just after character ``i``."""
        return self.base + i + 1 if self.pmap is None else self.pmap.end(i)

    def sub(self, rec: Recognizer, a: int, b: int, *, starts_line: bool, ends_line: bool) -> Para:
        """The part ``text[a:b]`` as a paragraph of its own."""
        text = self.text[a:b]
        pm = None if self.pmap is None else self.pmap.slice(a, b)
        return Para(
            text, self.base + a, pm, rec.leading(text), self.line, False, starts_line,
            ends_line, self.joined,
        )


def _piece(
    rec: Recognizer, norm: str, a: int, b: int, line: int, blank_before: bool, sl: bool, el: bool
) -> Para:
    s = norm[a:b]
    if " " not in s and WIDE not in s:  # the common case: nothing to take out
        return Para(s, a, None, rec.leading(s), line, blank_before, sl, el)
    pm = OffsetMap()
    parts: list[str] = []
    pos = a
    for m in _SPACE.finditer(norm, a, b):
        if m.start() > pos:
            parts.append(norm[pos : m.start()])
            pm.copy(pos, m.start() - pos)
        pos = m.end()
    if pos < b:
        parts.append(norm[pos:b])
        pm.copy(pos, b - pos)
    text = "".join(parts)
    lead = rec.leading(text) or rec.leading_before_space(s)
    return Para(text, 0, pm, lead, line, blank_before, sl, el)


def _concat(rec: Recognizer, paras: list[Para]) -> Para:
    """Lines joined into one paragraph (one pass over all of them)."""
    pm = OffsetMap()
    for p in paras:
        if p.pmap is None:
            pm.copy(p.base, len(p.text))
        else:
            pm.extend(p.pmap)
    text = "".join(p.text for p in paras)
    a, b = paras[0], paras[-1]
    return Para(
        text, 0, pm, rec.leading(text), a.line, a.blank_before, a.starts_line, b.ends_line,
        True, b.end_line,
    )


#: What :func:`_should_join` reads of a joined paragraph: its opening (the
#: lead marker), its last 52 characters (a trailing heading), its length up
#: to 30 and whether it holds a full stop. A view keeps this many characters
#: at each end, so each line joined costs its own length, not the paragraph's.
_VIEW_EDGE = 128


def _joined_view(rec: Recognizer, view: Para, nxt: Para) -> Para:
    """What :func:`_should_join` needs of ``view`` joined with ``nxt``: the
    text itself while short; else its ends, with a ``。`` between them when
    the part left out held a sentence end."""
    text = view.text + nxt.text
    if len(text) > 3 * _VIEW_EDGE:
        middle = text[_VIEW_EDGE:-_VIEW_EDGE]
        mid = "。" if _SENTENCE_END.search(middle) else ""
        text = text[:_VIEW_EDGE] + mid + text[-_VIEW_EDGE:]
    return Para(
        text, 0, None, rec.leading(text), view.line, view.blank_before, view.starts_line,
        nxt.ends_line, True, nxt.end_line,
    )


def raw_paragraphs(
    nt: Normalized, rec: Recognizer, starts: list[int] | None = None
) -> list[Para]:
    """Paragraphs as the layout shows them: lines, split at 　　 gaps. The
    offset where each line of ``nt.text`` starts is appended to ``starts``."""
    norm = nt.text
    out: list[Para] = []
    starts = [] if starts is None else starts
    pos = 0
    blank = False
    ws = " " + WIDE
    leading = rec.leading
    for line_no, line in enumerate(norm.split("\n"), 1):
        starts.append(pos)
        end = pos + len(line)
        core = line.strip(ws)  # (the line itself when there is nothing to strip)
        if not core:
            blank = True
        elif " " not in core and WIDE not in core:
            # The common case: one paragraph, at most an indent to take out.
            a = pos + line.find(core[0])
            lead = leading(core)
            out.append(Para(core, a, None, lead, line_no, blank, True, True))
            blank = False
        else:
            bounds: list[tuple[int, int]] = []
            seg_start = pos
            if WIDE in line:
                for g in _GAP_RUN.finditer(norm, pos, end):
                    if not bounds and _clause_number_before(rec, norm, seg_start, g.start(), end):
                        continue  # 7.3　 核电厂文件更新: the number and its title
                    if WIDE in g.group():
                        bounds.append((seg_start, g.start()))
                        seg_start = g.end()
            bounds.append((seg_start, end))
            pieces = [(a, b) for a, b in bounds if norm[a:b].strip(ws)]
            for k, (a, b) in enumerate(pieces):
                p = _piece(
                    rec, norm, a, b, line_no, blank and k == 0, k == 0, k == len(pieces) - 1
                )
                if p.text:
                    out.append(p)
            blank = False
        pos = end + 1
    return out


def _clause_number_before(rec: Recognizer, norm: str, a: int, gap: int, end: int) -> bool:
    """Is ``norm[a:gap]`` a clause number alone (5, 5.1, 5.1.1), whose gap
    before its title (7.3　 文件更新, a U+3000 and a space) is no paragraph
    break?"""
    head = norm[a:gap].strip(" " + WIDE)
    if not head or len(head) > 12:
        return False
    mk = rec.leading_before_space(norm[a:end])
    return mk is not None and mk.style.startswith("decimal") and mk.end == len(head)


def _is_marker_only(rec: Recognizer, p: Para) -> bool:
    mk = p.lead
    return mk is not None and not mk.is_label and mk.end == len(p.text)


class _Wrap:
    """The hard-wrap width of a text (:func:`wrap_width`), read when first
    asked: only a line that does not end its sentence asks."""

    __slots__ = ("counted", "counts", "firsts", "paras", "width")

    def __init__(self, paras: list[Para]) -> None:
        self.paras = paras
        self.width = -1
        #: Index in ``paras`` of the first line of each paragraph so far, the
        #: one being joined last (kept as they come: read only when asked).
        self.firsts: list[int] = []
        #: (family, ordinal) of the markers that opened ``firsts[:counted]``.
        self.counts: set[tuple[str, int]] = set()
        self.counted = 0

    def counts_on(self, rec: Recognizer, mk: Marker) -> bool:
        """Does ``mk`` start a count, or go on with one that opened a
        paragraph before the one being joined?"""
        k = mk.ordinal
        if k is None or k == 1 or mk.is_label:
            return True
        style = rec.table.style
        for i in self.firsts[self.counted : len(self.firsts) - 1]:
            lead = self.paras[i].lead
            if lead is not None and lead.ordinal is not None and not lead.is_label:
                self.counts.add((style(lead.style).family, lead.ordinal))
        self.counted = max(self.counted, len(self.firsts) - 1)
        return (style(mk.style).family, k - 1) in self.counts

    def _indent(self) -> int:
        """The blanks that open the line of the paragraph being joined (with
        any that close the line above it)."""
        i = self.firsts[-1]
        cur = self.paras[i]
        if i == 0 or not cur.starts_line or self.paras[i - 1].end_line != cur.line - 1:
            return 0
        return _gap(self.paras[i - 1], cur) - 1

    def full(self, line: Para, indent: int = 0) -> bool:
        """Does ``line`` (one line, opening with ``indent`` blanks) fill the
        width at which the text is wrapped?"""
        if self.width < 0:
            self.width = wrap_width(self.paras) if len(self.paras) >= _WRAP_MIN_LINES else 0
        return self.width > 0 and line.ends_line and _width(line) + indent >= self.width

    def ends_full(self, a: Para, last: Para | None) -> bool:
        """Does the last line of ``a`` (``last``, the last line joined into it,
        or ``a`` itself) fill the width? A paragraph's first line counts its
        indent (　　 then 36 characters fill 38)."""
        if last is None or last is a:
            return self.full(a, self._indent()) if self.width != 0 else False
        return self.full(last)


def _closes_cut_bracket(a: str, b: Para) -> bool:
    """Does ``b`` open with a marker that has only its closing bracket
    (018）) right after ``a`` left a bracket open (…（NB/T 20513.1-2)?"""
    mk = b.lead
    if mk is None or mk.text[:1] in "（(" or mk.text[-1:] not in "）)":
        return False
    return max(a.rfind("（"), a.rfind("(")) > max(a.rfind("）"), a.rfind(")"))


def _gap(a: Para, b: Para) -> int:
    """How many characters stand between paragraph ``a`` and ``b`` after it."""
    return b.norm_start(0) - a.norm_end(len(a.text) - 1)


def _flush(a: Para, b: Para) -> bool:
    """Is line ``b`` set flush under line ``a``: nothing but the line break
    between them (no indent opening ``b``, no blanks closing ``a``)?"""
    return _gap(a, b) == 1


def _should_join(
    rec: Recognizer, a: Para, b: Para, after_b: Para | None,
    wrap: _Wrap | None = None, last: Para | None = None,
) -> bool:
    """Is ``b`` the rest of ``a``, which a line break cut? (``a`` and ``b``
    are adjacent lines: ``b`` on the line after ``a``, nothing between;
    ``last`` is the last line joined into ``a``, if ``a`` is a view.)"""
    b_marked = b.lead is not None
    if _is_marker_only(rec, a):
        # 一是 alone on its line, its text on the next; not 一、 above 二、.
        # A bare section number (一) takes only a short title from the next
        # line: a sentence there is the section's body (PDF text, no blank
        # line between).
        if a.lead is not None and a.lead.style in BARE_HEADINGS:
            return not b_marked and _title_below(a, b)
        return not b_marked
    if (
        a.text[-1] in _SENTENCE_STOPS and not b_marked and wrap is not None
        and (a.lead is None or not a.lead.is_label)
        and wrap.ends_full(a, last)
        and _flush(last if last is not None else a, b)
    ):
        # A full line that ends a sentence, over an unmarked line set flush
        # (no indent): in wrapped text a sentence ends at the wrap inside a
        # paragraph about four times as often as a paragraph does.
        return True
    if a.text[-1] in _ENDERS and not (
        a.text[-1] in CLOSERS and a.text[-2:-1] not in _ENDERS
        and wrap is not None and wrap.ends_full(a, last)
    ):
        return False  # (a full line that closes a quote mid-sentence, …反对第四次“围剿”, goes on)
    if not b.text.strip("…⋯.．·"):
        return False  # a placeholder line (………) under a heading, not its rest
    if (a.text[-1] in _RULE or b.text[0] in _RULE) and (
        not a.text.strip(_RULE)
    ) != (not b.text.strip(_RULE)):
        return False  # a rule line (------) between texts: text on neither side
    if b.text[0] in _CONTINUERS:
        return True
    if b_marked and _closes_cut_bracket(a.text, b):
        return True  # …（NB/T 20513.1-2 / 018）修订…: a number the wrap cut, not 18）
    if (
        b_marked and wrap is not None and (a.lead is None or not a.lead.is_label)
        and wrap.ends_full(a, last)
        and not wrap.counts_on(rec, b.lead)  # type: ignore[arg-type]
    ):
        return True  # …还犯过了 / ⑸两个错误…: a note number the wrap put first, no count
    if b.text.startswith("——") or b_marked:
        return False
    if b.text[0] == "（" and b.text[-1] == "）":
        return False  # a note line of its own: （2019年12月27日至2020年1月19日）
    if b.text[-1] == "号" and DOC_NUMBER.fullmatch(b.text):
        return False  # a notice's number under its title: 青政办发〔2024〕12号
    lead = a.lead
    if wrap is not None and wrap.ends_full(a, last):
        # The wrap cut it, whatever its shape: a heading longer than the
        # width, an item that starts near a line's end (…。③培训乡村 / 医生…).
        return True
    if _trailing_heading(rec, a.text) is not None:
        return False
    if lead is None and b.text[-1] in "：:" and _ENDS_WITH_GENRE.search(a.text):
        return False  # …的通知 / 各县（市、区）人民政府：: a title over its addressees
    if lead is None or (not lead.is_label and _SENTENCE_END.search(a.text)):
        # A long line cut mid-sentence (PDF or fixed-width wrapping).
        return len(a.text) >= 30
    if lead.is_label:
        return False
    # A heading broken over two lines: a short tail with no punctuation,
    # followed by more text.
    # A short line between a heading and its next sibling is that section's
    # whole body (六、…建议 / 无 / 七、…), not the rest of the title; nor is a
    # signature over its date (…统计表 / 区安委会办公室 / 2024年5月20日).
    return (
        len(b.text) <= 16
        and not _ANY_PUNCT.search(b.text)
        and after_b is not None
        and not (after_b.lead is not None and after_b.lead.style == lead.style)
        and _FULL_DATE.match(b.text) is None
        and _FULL_DATE.match(after_b.text) is None
        and not b.text.startswith(("附件", "附录", "注", "（"))
    )


def join_broken_lines(
    rec: Recognizer, paras: list[Para], own_lines: frozenset[int] = frozenset(),
    bridges: dict[int, int] | None = None,
) -> list[Para]:
    """Lines that a line break cut out of one paragraph, joined again; never
    a line of ``own_lines`` (1-based), which a reader knows to be a
    paragraph of its own (a Word heading). ``bridges`` maps the line after
    page furniture to the line before it (:func:`drop_page_furniture`)."""
    out: list[Para] = []
    wrap = _Wrap(paras)
    n = len(paras)
    i = 0
    while i < n:
        cur = paras[i]
        wrap.firsts.append(i)
        i += 1
        group = [cur]
        while i < n:
            nxt = paras[i]
            last = group[-1]
            # The next paragraph on the line right after, nothing between.
            if not (
                cur.ends_line
                and nxt.starts_line
                and (
                    (nxt.line == (cur.last_line or cur.line) + 1  # (cur.end_line)
                     and not nxt.blank_before)
                    or (bridges is not None and bridges.get(nxt.line) == cur.end_line)
                )
                and not (own_lines and (nxt.line in own_lines or cur.end_line in own_lines))
            ) or not _should_join(rec, cur, nxt, paras[i + 1] if i + 1 < n else None, wrap, last):
                break
            # Joined once at the end: rebuilding the paragraph at every line
            # made a long run of short lines (a list of names) quadratic.
            cur = _joined_view(rec, cur, nxt)
            group.append(nxt)
            i += 1
        out.append(group[0] if len(group) == 1 else _concat(rec, group))
    return out


#: A clause number alone on its line (3.1, 5.2.3): a standard's term entry
#: or clause heading with its title on the next line, or a figure cut off a
#: sentence (PM / 2.5 / 浓度…), told apart by the count and the next line.
_LONE_CLAUSE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){1,3}")
_CLAUSE_STYLES = frozenset({"decimal1", "decimal2", "decimal3", "decimal4"})
#: The longest line that may be a lone clause number's title.
_LONE_TITLE_MAX = 40


def _clause_continues(before: str, number: str) -> bool:
    """Does clause ``number`` come next after clause ``before`` (3 → 3.1,
    3.1 → 3.2, 3.1.4 → 3.2)?"""
    prev = before.split(".")
    num = number.split(".")
    k = len(num) - 1
    if prev == num[:k]:
        return num[k] == "1"
    return len(prev) > k and prev[:k] == num[:k] and int(prev[k]) + 1 == int(num[k])


#: A label whose title stands on the line after it: an annex (附录A, maybe
#: with its （规范性附录） qualifier on its line).
_TITLED_BELOW = frozenset({"annex"})
_QUALIFIER = re.compile(r"[（(][^（）()]{1,12}[)）]")


def _title_below(p: Para, nxt: Para) -> bool:
    """Is ``nxt`` the title of the label line ``p``: on the next line, short,
    unmarked and without punctuation?"""
    return (
        p.ends_line and nxt.starts_line and not nxt.blank_before and nxt.lead is None
        and nxt.line == p.end_line + 1
        and len(nxt.text) <= _LONE_TITLE_MAX and not _ANY_PUNCT.search(nxt.text)
    )


def join_titles_below(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """A heading's number or label alone on its line and its title on the
    next (3.1 / 定期安全评价 periodic safety review; 附录A / （资料性附录） /
    安全要素关联矩阵): one heading paragraph. A lone clause number needs to be
    the next of the document's clause count (and no unit after it: PM / 2.5 /
    浓度… is a figure cut off its sentence)."""
    out: list[Para] = []
    last = ""  # the last clause number that opened a paragraph
    n = len(paras)
    i = 0
    while i < n:
        p = paras[i]
        i += 1
        lead = p.lead
        group = [p]
        if lead is not None:
            if lead.style in _CLAUSE_STYLES:
                last = lead.text
            elif lead.style in _TITLED_BELOW:
                # The label, its qualifier and its title, each maybe on a line.
                rest = p.text[lead.end :]
                while (
                    i < n and (not rest or _QUALIFIER.fullmatch(rest))
                    and _title_below(group[-1], paras[i])
                ):
                    rest += paras[i].text
                    group.append(paras[i])
                    i += 1
        elif (
            p.text[:1].isdigit() and _LONE_CLAUSE.fullmatch(p.text) and i < n
            and _title_below(p, paras[i]) and _clause_continues(last, p.text)
        ):
            lead = rec.leading_before_space(p.text + "\u3000" + paras[i].text)
            if lead is not None and lead.end == len(p.text):
                last = lead.text
                group.append(paras[i])
                i += 1
        if len(group) == 1:
            out.append(p)
            continue
        joined = _concat(rec, group)
        joined.lead = lead
        out.append(joined)
    return out


def split_run_ins(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """Split paragraphs where a heading is run into the one before it.

    Two cases: a heading line that runs straight into a lower heading before
    any full stop (``三、…短板（一）补齐…。``), and a heading left hanging at the
    end of a paragraph by bad wrapping (``…。（一）第一阶段：迅即应对``).
    """
    out: list[Para] = []
    stopped = _stops_before_markers(paras)
    for k, p in enumerate(paras):
        lead = p.lead
        # A cut needs a full stop before 一…十 or 第 (a run-in heading), or
        # before any marker-like character in the last 52 (a trailing
        # heading), or room for a run-in after the lead.
        if k not in stopped and (
            lead is None or lead.is_label or not _run_in_room(p.text, lead)
        ):
            out.append(p)  # most paragraphs: nothing that could split them
        else:
            out.extend(_split_one(rec, p))
    return out


#: How far from its paragraph's end a heading left hanging may start
#: (:func:`_trailing_heading`).
_TAIL_WINDOW = 52


def _joined(paras: list[Para]) -> tuple[str, list[int]]:
    """The paragraphs' texts joined by line breaks (which no paragraph holds
    and no pattern here reads across), and where each paragraph ends in it:
    a whole-document question is then one search in C, not a call per
    paragraph."""
    texts = [p.text for p in paras]
    ends = list(accumulate(map(len, texts)))
    return "\n".join(texts), [e + k for k, e in enumerate(ends)]


def _stops_before_markers(paras: list[Para]) -> set[int]:
    """The paragraphs that hold a full stop before 一…十 or 第, or before any
    character a heading can start with in their last 52 characters: the only
    ones (beside a heading with room after it) that split_run_ins may cut.
    (A few hundred full stops in a corpus of 6,000 paragraphs.)"""
    joined, ends = _joined(paras)
    out: set[int] = set()
    for rx in _EACH_STOP_BEFORE_MARKER:
        for m in rx.finditer(joined):
            i = m.start()
            k = bisect_left(ends, i)  # (i lies inside paragraph k: ends[k] is past it)
            if joined[i + 1] in _RUN_IN_CHARS or i >= ends[k] - _TAIL_WINDOW:
                out.add(k)
    return out


def _split_one(rec: Recognizer, p: Para) -> list[Para]:
    text = p.text
    cuts = _cuts(rec, text)
    if not cuts:
        return [p]
    return _cut(rec, p, cuts)


def _cut(rec: Recognizer, p: Para, cuts: list[int]) -> list[Para]:
    """``p`` cut into paragraphs at the offsets ``cuts`` (ascending)."""
    bounds = [0, *cuts, len(p.text)]
    out: list[Para] = []
    for k in range(len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        piece = p.sub(
            rec,
            a, b, starts_line=p.starts_line and a == 0, ends_line=p.ends_line and b == len(p.text)
        )
        piece.blank_before = p.blank_before and a == 0
        out.append(piece)
    return out


def _run_in_room(text: str, lead: Marker) -> bool:
    """Could a lower heading be run into the heading ``lead`` opens (a
    bracketed or circled marker before its first full stop)?"""
    stop = _SENTENCE_END.search(text, lead.end)
    return _RUN_IN_START.search(text, lead.end, stop.start() if stop else len(text)) is not None


def _cuts(rec: Recognizer, text: str) -> list[int]:
    """Offsets where ``text`` splits into paragraphs, found in one forward pass."""
    cuts: list[int] = []
    n = len(text)
    seg = 0
    # The next full stop at or after a position only moves forward: remember it
    # so a line of many segments is not searched to its end for each one.
    stop_at = -1
    stop_from = n + 1
    while seg < n:
        cut: int | None = None
        lead = rec.leading(text, seg)
        if lead is not None and not lead.is_label:
            if not (stop_from <= lead.end and (stop_at < 0 or stop_at >= lead.end)):
                m = _SENTENCE_END.search(text, lead.end)
                stop_at, stop_from = (m.start() if m else -1), lead.end
            limit = stop_at if stop_at >= 0 else n
            for mk in _run_in_candidates(rec, text, lead.end, limit):
                # A lower heading run into a heading line opens its series
                # (短板（一）补齐); “存乎一心”(37)， is a note reference.
                if mk.style != lead.style and mk.ordinal == 1:
                    cut = mk.start
                    break
        if cut is None:
            cut = _run_in_after_stop(rec, text, seg)
        if cut is None:
            cut = _trailing_heading(rec, text, seg)
        if cut is None or cut <= seg:
            break
        cuts.append(cut)
        seg = cut
    return cuts


def _run_in_after_stop(rec: Recognizer, text: str, seg: int) -> int | None:
    """一、 or 第一， right after a full stop: a heading run into the text before
    it (scraped speeches lose the line break: …意见。一、保护…) — unless it goes
    on a list inside the paragraph (…：第一，…。第二，…)."""
    seen: set[tuple[str, int | None]] = set()
    scanned = seg  # inline markers before here are in ``seen``
    stops = (
        _STOP_BEFORE_RUN_IN if "！" in text or "？" in text else _FULL_STOP_BEFORE_RUN_IN
    )
    for stop_m in stops.finditer(text, seg):
        mk = rec.heading_at(text, stop_m.end())
        if mk is None or mk.style not in _RUN_IN_AFTER_STOP:
            continue
        if mk.ordinal is None or mk.ordinal <= 1:
            return stop_m.end()
        # Scan only the stretch since the last candidate: each character of
        # the paragraph is scanned once, however many candidates it holds.
        for m in rec.iter_inline(text, scanned, mk.start):
            if m.start > seg:
                seen.add((m.style, m.ordinal))
        scanned = mk.start
        if (mk.style, mk.ordinal - 1) in seen:
            continue
        if mk.style == "di_topic" and mk.text[-1] == "，" and _counted_before(text, seg, mk):
            continue  # …。第一个阶段，…。第二个阶段，…: counted nouns of running text
        if mk.style == "di_topic":
            # …。第一个，统一于抗战。…。第二个，…: the run-in list starts at
            # its first member, which alone would have passed for prose.
            first = _member_before_after_stop(text, seg, mk)
            if first is not None:
                return first
        return stop_m.end()
    return None


def _written_before(head: str, ordinal: int) -> tuple[str, int] | None:
    """``head`` (a counted marker: 第二个，, 第二个阶段) written for the ordinal
    before, and how much of it follows the numeral; None if the numeral is
    not in it."""
    written = chinese_numeral(ordinal)
    i = head.find(written)
    if i < 0:
        return None
    rest = head[i + len(written) :]
    return head[:i] + chinese_numeral(ordinal - 1) + rest, len(rest)


def _member_before_after_stop(text: str, seg: int, mk: Marker) -> int | None:
    """Where the member before ``mk``, written the same way but for its
    numeral (第一个， before 第二个，), opens a sentence earlier in the text."""
    assert mk.ordinal is not None
    found = _written_before(mk.text, mk.ordinal)
    if found is None:
        return None
    at = text.rfind(found[0], seg, mk.start)
    if at > seg and text[at - 1] in "。！？":
        return at
    return None


#: How far back a paragraph is searched for the member before a counted noun.
_COUNTED_REACH = 2000


def _counted_before(text: str, seg: int, mk: Marker) -> bool:
    """Does the member before the counted noun ``mk`` (第一个阶段， before
    第二个阶段，) stand earlier in the paragraph? A first counted noun inside a
    paragraph is running text (a heading there only continues a count), and
    the nouns that count on from it are the same running text. (A bare
    第一个，…第二个， counts items, as 第一，… does.)"""
    assert mk.ordinal is not None
    found = _written_before(mk.text.rstrip("，"), mk.ordinal)
    if found is None or found[1] < 2:
        return False  # 第一个，…第二个， with no noun: an enumeration
    return text.find(found[0], max(seg, mk.start - _COUNTED_REACH), mk.start) >= 0


def _trailing_heading(rec: Recognizer, text: str, seg: int = 0) -> int | None:
    """Where a heading left hanging after the paragraph's last full stop starts."""
    window = max(seg, len(text) - _TAIL_WINDOW)
    stops = list(_SENTENCE_END.finditer(text, window))
    if not stops or stops[-1].end() >= len(text):
        return None
    tail = stops[-1].end()
    mk = rec.heading_at(text, tail)
    if (
        mk is not None
        and mk.end < len(text)
        and len(text) - tail <= 50
        and not _CLAUSE_END.search(text, mk.end)
    ):
        return tail
    return None


#: Where a run-in heading inside a heading line may start: bracketed and
#: circled markers only — a bare 2. or 3） inside a heading is more likely a
#: figure (（10+3）), and 第三十九条 or 质量第一， a reference or a phrase.
_RUN_IN_START = re.compile(r"[（①-⑳]")
_RUN_IN_STYLES = frozenset({"paren_cn", "paren_arabic", "circled"})


def _run_in_candidates(rec: Recognizer, text: str, a: int, b: int) -> Iterator[Marker]:
    for m in _RUN_IN_START.finditer(text, a, b):
        mk = rec.heading_at(text, m.start())
        if mk is not None and mk.end < len(text) and mk.style in _RUN_IN_STYLES:
            yield mk


#: After these a heading glued into running text may start (…。（三）, …2021）二、).
_GLUE_AFTER = frozenset("。！？）")


#: A text has lost its line structure (sections or the whole document on one
#: line) when most of it stands in paragraphs this long: only there are
#: headings cut out of running text. In a normal layout, …：（1）…。（2）… is a
#: list inside its paragraph. (Normal texts of the corpora keep at most a
#: third of their text in such paragraphs; one-line exports all of it.)
LOST_LAYOUT_CHARS = 1000
LOST_LAYOUT_SHARE = 0.5


class _OpenSeries:
    """The heading series open at a point of the document, outermost first:
    ``(family, last ordinal)``, updated as paragraphs that open with a heading
    go by (a family seen again closes the series opened after it)."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []

    def see(self, family: str, ordinal: int) -> None:
        for k, (fam, _) in enumerate(self.stack):
            if fam == family:
                del self.stack[k:]
                break
        self.stack.append((family, ordinal))

    def continues(self, family: str, ordinal: int) -> bool:
        return any(f == family and o + 1 == ordinal for f, o in self.stack)


def lost_layout(paras: list[Para]) -> bool:
    """Has the text lost its line structure (most of it in very long paragraphs)?"""
    lengths = [len(p.text) for p in paras]
    total = sum(lengths)
    long = sum(n for n in lengths if n >= LOST_LAYOUT_CHARS)
    return total > 0 and long >= LOST_LAYOUT_SHARE * total


def split_continuations(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """Split paragraphs where a heading was glued into the text before it
    because the line structure was lost (a one-line export, a PDF page).

    The shape of a marker is not enough; the count licenses the split: a
    heading is cut out when its ordinal continues a series open at that point
    of the document (…。（三） while （二） is the last open （） heading), or
    starts a series that another member in the same paragraph goes on
    (…。（一）…。（二）…). It may stand after a full stop, a closing bracket or a
    removed space (a page number, a gap) — or anywhere when it goes on the
    series the paragraph itself opens with a block-only marker (一、总体要求二、…).
    """
    table = rec.table
    open_series = _OpenSeries()
    out: list[Para] = []
    for k, p in enumerate(paras):
        after = paras[k + 1].lead if k + 1 < len(paras) else None
        pieces = _split_continuing(rec, p, open_series, after)
        for piece in pieces:
            mk = piece.lead
            annex = _ANNEX_AT.match(piece.text) if piece.text.startswith("附件") else None
            if annex is not None and _annex_number(annex.group(1)):
                # 附件12026年…: a paragraph of its own opens the annexes' count
                # (附件2 glued further on goes on it).
                open_series.stack.clear()
                open_series.see("label:annex", _annex_number(annex.group(1)))
            elif mk is not None and mk.is_label and mk.ordinal is not None:
                open_series.stack.clear()  # a new text: its numbering starts afresh
                open_series.see("label:" + mk.style, mk.ordinal)
            elif mk is not None and mk.ordinal is not None:
                st = table.style(mk.style)
                if st.heading:
                    open_series.see(st.family, mk.ordinal)
        out.extend(pieces)
    return out


def _split_continuing(
    rec: Recognizer, p: Para, open_series: _OpenSeries, after: Marker | None
) -> list[Para]:
    """``p`` cut where the count licenses it; ``after`` opens the next paragraph."""
    text = p.text
    if len(text) < 8:
        return [p]
    table = rec.table
    lead = p.lead
    lead_fam: str | None = None
    lead_ord = 0
    if lead is not None and not lead.is_label and lead.ordinal is not None:
        st = table.style(lead.style)
        if st.heading:
            lead_fam, lead_ord = st.family, lead.ordinal
    # Candidates: heading markers at glue points, in order.
    cands: list[tuple[int, Marker, str]] = []
    #: First members run into the title of the heading candidate before them
    #: (一、总体要求1.坚持…。2.…): cut only if that heading is.
    in_title: dict[int, int] = {}
    #: Bracketed members that follow no glue point (licensed by the count
    #: alone), kept apart from the other candidates until they are licensed.
    unglued: dict[int, tuple[int, Marker, str]] = {}
    #: Other candidates glued to no sentence end (run into a title, after a colon).
    loose: set[int] = set()
    #: Bare numeral headings found at a gap (their piece's lead is set here).
    bare: dict[int, Marker] = {}
    start = lead.end if lead is not None else 1
    positions = (m.start() for m in _start_points(rec).finditer(text, max(1, start)))
    annexes = _glued_annexes(text, start)
    # Where text was taken out (the line break of joined lines, a space): one
    # pass over the map, not two searches in it per candidate (a long joined
    # paragraph of numbered lines has a candidate at every digit).
    gaps = p.pmap.gaps() if p.pmap is not None else ()
    for i in positions:
        if i >= len(text):
            continue
        while annexes and annexes[0][0] < i:
            cands.append(annexes.pop(0))
        prev = text[i - 1]
        glued = prev in _GLUE_AFTER or i in gaps
        before = cands[-1] if cands else (0, lead, lead_fam) if lead_fam is not None else None
        run_in = (
            not glued and before is not None and _in_title(text, before[1], i)  # type: ignore[arg-type]
        )
        if not glued and not run_in and text[i] in _OPENING_BRACKETS and prev.isalnum():
            # 问题的提起（一）…, …为什么是持久战（九）…: a bracketed member run
            # into an unnumbered heading or a sentence. Only the count licenses
            # it: a first member if 2 and 3 follow, a later one if it goes on
            # a series cut out here (not a note reference: 战争（21）。).
            bracketed = rec.heading_at(text, i)
            if (
                bracketed is not None and bracketed.ordinal is not None
                and bracketed.end < len(text) and not _ANY_PUNCT.match(text, bracketed.end)
            ):
                unglued[i] = (i, bracketed, table.style(bracketed.style).family)
            continue
        if not glued and lead_fam is None and prev != "：" and text[i] not in "一1" and not run_in:
            continue
        mk = rec.heading_at(text, i)
        if mk is None and glued and text[i] in NUMERALS:
            # …。二　肃反问题: a bare numeral heading whose space went with the
            # line breaks (the gap after it says where it stood).
            mk = _bare_at_gap(rec, text, i, gaps)
            if mk is not None:
                bare[i] = mk
        if mk is None and glued and prev != "）":
            label = rec.leading(text, i)  # 。篇二：在…的讲话: a compilation label
            if label is not None and label.is_label and label.ordinal is not None:
                cands.append((i, label, "label:" + label.style))
            continue
        if mk is None or mk.ordinal is None or mk.end >= len(text):
            continue
        st = table.style(mk.style)
        if not glued and mk.ordinal == 1 and (prev == "：" or st.inline is Inline.NEVER):
            # …工作：（一）…, 意见一、…: a first heading after a lead-in or
            # straight after a title; licensed only if its second member follows.
            glued = True
        if run_in and before is not None and (
            before[2] != st.family or before[1].ordinal + 1 == mk.ordinal  # type: ignore[union-attr, operator]
        ):
            # Run straight into the title before it: a first member under that
            # heading, or the next member after a title-only one (1.…表2.…).
            in_title[i] = before[0]
            glued = True
        if not glued and lead_fam is None:
            continue
        if not glued and not (
            st.family == lead_fam and mk.style == lead.style and st.inline is Inline.NEVER  # type: ignore[union-attr]
        ):
            continue
        cands.append((i, mk, st.family))
        if not (prev in _GLUE_AFTER or i in gaps):
            loose.add(i)
    cands.extend(annexes)
    owned = _genitive_topics(rec, text, start) if "的第" in text else []
    if unglued or owned:
        cands = sorted([*cands, *unglued.values(), *owned], key=lambda c: c[0])
    if not cands:
        return [p]
    # Which candidates the count licenses.
    cuts: list[int] = []
    local: dict[str, int] = {}  # series opened inside this paragraph
    if lead_fam is not None:
        local[lead_fam] = lead_ord
    inline_seen = {(m.style, m.ordinal) for m in rec.inline(text, start)}
    annexes_at = {j for j, m, _ in cands if m.style == _ANNEX}
    for k, (i, mk, fam) in enumerate(cands):
        n = mk.ordinal
        assert n is not None
        if mk.is_label:
            if n == 1 or local.get(fam, -1) + 1 == n or open_series.continues(fam, n):
                cuts.append(i)
                local[fam] = n
            continue
        if i in unglued:
            if n == 1 and _chain_follows(
                cands, k, mk, unglued.keys() | loose,
                2 if _NOTES_HEADING.search(text, max(0, i - 4), i) else 3,
            ):
                cuts.append(i)
                local[fam] = 1
            elif n > 1 and local.get(fam, -1) + 1 == n:
                # The member before cut out, and a sentence between (…注〔6〕
                # inside note 5 is a reference).
                before_at = next(
                    (j for j, m2, _ in cands if j in cuts and m2.style == mk.style
                     and m2.ordinal == n - 1),
                    -1,
                )
                if before_at >= 0 and _SENTENCE_END.search(text, before_at, i):
                    cuts.append(i)
                    local[fam] = n
            continue
        if local.get(fam, -1) + 1 == n or (fam not in local and open_series.continues(fam, n)):
            if n > 1 and (mk.style, n - 1) in inline_seen and not _member_cut(cuts, cands, mk, n):
                continue  # an in-paragraph list going on (…：（一）…；（二）…)
            cuts.append(i)
            local[fam] = n
        elif n == 1 and (
            # (a list restarted under an annex run into its title: 附件1…实事一、)
            fam != lead_fam or in_title.get(i, -1) in annexes_at
        ) and (in_title.get(i, 0) in (0, *cuts)) and (
            any(
                m2.style == mk.style and m2.ordinal == 2 and i2 not in unglued
                for i2, m2, _ in cands[k + 1 :]
            )
            or (after is not None and after.style == mk.style and after.ordinal == 2)
        ):
            cuts.append(i)
            local[fam] = 1
    if not cuts:
        return [p]
    for i, mk, _ in cands:
        if i in cuts and mk.ordinal == 1 and not mk.is_label and table.style(mk.style).top_level:
            # …借以教育干部。注释[1]…: the notes' own heading, a line of its
            # own, so that the notes stand at the top level, not under the
            # section whose body it closes.
            m = _NOTES_HEADING.search(text, max(0, i - 4), i)
            if m is not None and m.start() > 0:
                cuts.append(m.start())
    cuts.sort()
    pieces = _cut(rec, p, cuts)
    for piece, i in zip(pieces[1:], cuts, strict=True):
        if i in bare and piece.lead is None:
            mk = bare[i]
            piece.lead = mk._replace(start=0, end=mk.end - i)
    return pieces


#: The heading of a list of notes, run into the notes' first number.
_NOTES_HEADING = re.compile("(?:注释|注解|附注|参考文献)$")
#: What a bracketed member (（一）, 〔1〕) opens with.
_OPENING_BRACKETS = "（(〔［["


def _genitive_topics(rec: Recognizer, text: str, start: int) -> list[tuple[int, Marker, str]]:
    """Counted topics that open a sentence after a short genitive
    (…。党八股的第一条罪状是：…), as the paragraph's lead would read them: the
    cut goes before the genitive, where the sentence starts."""
    out: list[tuple[int, Marker, str]] = []
    for m in _GENITIVE_TOPIC.finditer(text, start):
        i = m.start() + 1
        mk = rec.leading(text, i)
        if mk is not None and mk.ordinal is not None and not mk.is_label:
            out.append((i, mk._replace(start=i), rec.table.style(mk.style).family))
    return out


#: A sentence opened by a short genitive before a counted ordinal.
_GENITIVE_TOPIC = re.compile(r"[。！？][^\W\d_]{1,6}的(?=第)")


def _chain_follows(
    cands: list[tuple[int, Marker, str]], k: int, mk: Marker, skip: Container[int],
    upto: int = 3,
) -> bool:
    """Do members 2 to ``upto`` of ``mk``'s style follow candidate ``k``, each
    at a glue point (in order, before the style starts again at 1)? (A
    contents list run together, 历程（一）…应对突发疫情（二）…, glues none: the
    members in ``skip``, glued to no sentence end, do not count.) Under a
    notes heading (注释〔1〕…。〔2〕…) the second is enough."""
    want = 2
    for i, m2, _ in cands[k + 1 :]:
        if m2.style != mk.style or i in skip:
            continue  # (注〔1〕 inside a note: a reference, neither member nor restart)
        if m2.ordinal == want:
            want += 1
            if want > upto:
                return True
        elif m2.ordinal == 1:
            return False
    return False


def _bare_at_gap(rec: Recognizer, text: str, i: int, gaps: Container[int]) -> Marker | None:
    """The bare numeral heading (``二　肃反问题``) at ``i`` if a space was
    taken out right after its numeral; None otherwise."""
    # (The space may follow any of the first three numerals: 一 二十二个月.)
    j = next(
        (j for j in range(i + 1, min(i + 4, len(text))) if j in gaps),
        0,
    )
    if not j or any(c not in NUMERALS for c in text[i:j]):
        return None
    # (Read alone: the title that follows ran into its body, so its length
    # says nothing.)
    mk = rec.leading_before_space(text[i:j] + WIDE)
    if mk is None or mk.style != "cn_bare" or mk.end != j - i:
        return None
    return mk._replace(start=i, end=j)


#: A multi-level clause number (5.1.1, 6.1.2.1) inside a paragraph.
_GLUED_CLAUSE = re.compile(r"(?<![0-9.])[0-9]{1,2}(?:\.[0-9]{1,2}){2,3}(?![0-9.])")
#: What a clause number cited in a sentence follows (见5.2.1, 第5.1.1条, 按照5.3.1).
_CLAUSE_CITED_AFTER = frozenset("见按照第和及与至或、～~-—/《“")
_GLUED_CLAUSE_STYLES = frozenset({"decimal3", "decimal4"})


def _next_clause(prev: tuple[int, ...], cur: tuple[int, ...]) -> bool:
    """Is clause ``cur`` the one right after ``prev`` in a standard's
    numbering (5.1.5 → 5.2.1, 6.1.2 → 6.1.2.1, 6.1.2.2 → 6.1.3, 5.6.3 → 6.1.1)?"""
    n = len(prev)
    if len(cur) > n and cur[:n] == prev and all(x == 1 for x in cur[n:]):
        return True  # its first child
    return any(
        cur[:k] == prev[:k] and cur[k] == prev[k] + 1 and all(x == 1 for x in cur[k + 1 :])
        for k in range(min(n, len(cur)))
    )


def split_clause_numbers(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """Clause numbers of a standard glued into the text before them once the
    line breaks are gone (…确定评价范围和内容5.1.1 一般而言…). The number
    itself says where it stands: a clause is cut out when it is the one right
    after the last cut (5.1.5 → 5.2.1), or a first one whose next follows."""
    table = rec.table
    if not any(name in table for name in _GLUED_CLAUSE_STYLES):
        return paras
    last: tuple[int, ...] | None = None
    out: list[Para] = []
    for p in paras:
        text = p.text
        if p.lead is not None and p.lead.style in _GLUED_CLAUSE_STYLES:
            last = tuple(int(x) for x in p.lead.text.split("."))
        found: list[tuple[int, tuple[int, ...]]] = []
        for m in _GLUED_CLAUSE.finditer(text, 1):
            if text[m.start() - 1] in _CLAUSE_CITED_AFTER:
                continue
            mk = rec.heading_at(text, m.start())
            if mk is not None and mk.style in _GLUED_CLAUSE_STYLES and mk.end == m.end():
                found.append((m.start(), tuple(int(x) for x in m.group().split("."))))
        cuts: list[int] = []
        for k, (i, num) in enumerate(found):
            if (last is not None and _next_clause(last, num)) or (
                num[-1] == 1 and k + 1 < len(found) and _next_clause(num, found[k + 1][1])
            ):
                cuts.append(i)
                last = num
        out.extend(_cut(rec, p, cuts) if cuts else [p])
    return out


#: What heads a contents list (目录, 目  次 with its spaces taken out).
_CONTENTS_WORD = re.compile("目录|目次")
#: The longest contents entry's title.
_ENTRY_MAX = 60
#: A contents entry holds no sentence or clause break.
_ENTRY_BREAK = re.compile(r"[。！？；：]")


def _contents_titles(rec: Recognizer, text: str) -> dict[str, set[str]]:
    """The entries of a contents list run together on one line
    (目录第一篇奋力开创…新局面第一章发展环境第二章…): marker → titles."""
    out: dict[str, set[str]] = {}
    m = _CONTENTS_WORD.search(text)
    if m is None:
        return out
    entries: list[Marker] = []
    for pm in _start_points(rec).finditer(text, m.end()):
        i = pm.start()
        if entries and i < entries[-1].end:
            continue
        mk = rec.leading(text, i)
        if mk is None or mk.ordinal is None:
            continue
        if entries and (
            i - entries[-1].end > _ENTRY_MAX or _ENTRY_BREAK.search(text, entries[-1].end, i)
        ):
            break  # the list ended before this marker
        entries.append(mk)
    for a, b in pairwise(entries):
        if b.start - a.end >= 2:
            out.setdefault(a.text, set()).add(text[a.end : b.start])
    if len(entries) >= 2:
        # The last entry runs into what follows the list (…第三章特色农业前言本规划…):
        # its tail, of which the heading in the body shares only the title.
        last = entries[-1]
        stop = _ENTRY_BREAK.search(text, last.end, last.end + _ENTRY_MAX)
        tail = text[last.end : stop.start() if stop else last.end + _ENTRY_MAX]
        out.setdefault(last.text, set()).add(_TAIL + tail)
    return out


#: Marks a contents entry's tail, whose end is not known (see _contents_titles).
_TAIL = "\0"


def _shared_title(rest: str, entry: str) -> str:
    """The title a heading's ``rest`` shares with a contents ``entry``."""
    if not entry.startswith(_TAIL):
        return entry if rest.startswith(entry) else ""
    tail = entry[1:]
    n = 0
    while n < min(len(rest), len(tail)) and rest[n] == tail[n]:
        n += 1
    return rest[:n] if n >= 2 else ""


def split_contents_titles(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """Where the text lost its lines, a heading's title runs into its body
    (第一章发展环境站在新的起点上，…); the document's own contents list, if it
    has one, says where each title ends: the heading is cut there, as its line
    ended."""
    titles: dict[str, set[str]] = {}
    for p in paras:
        if "目" in p.text:
            for key, got in _contents_titles(rec, p.text).items():
                titles.setdefault(key, set()).update(got)
    if not titles:
        return paras
    out: list[Para] = []
    for p in paras:
        mk = p.lead
        known = titles.get(mk.text) if mk is not None else None
        if mk is not None and known:
            rest = p.text[mk.end :]
            title = max((_shared_title(rest, t) for t in known), key=len)
            if title and len(rest) > len(title):
                out.extend(_cut(rec, p, [mk.end + len(title)]))
                continue
        out.append(p)
    return out


#: The longest heading title a first member may be run into.
_RUN_IN_TITLE_MAX = 30


#: An annex label glued to the text before it (…。附件2名词解释1.…; 附件12026年…
#: is 附件1 over a title that opens with its year).
_ANNEX_GLUED = re.compile(
    r"(?<=[。！？）])附件(?:([0-9](?=(?:19|20)[0-9]{2}年)|[0-9]{1,2}|[一二三四五六七八九十]{1,3})[：:]?|[：:])"
)
#: The same label opening a paragraph cut out before.
_ANNEX_AT = re.compile(_ANNEX_GLUED.pattern.removeprefix("(?<=[。！？）])"))
_CN_DIGIT = {c: k for k, c in enumerate("一二三四五六七八九十", 1)}
#: The pseudo-style of an annex label among the cut candidates.
_ANNEX = "annex"


def _glued_annexes(text: str, start: int) -> list[tuple[int, Marker, str]]:
    """Annex labels glued to the text before them, as label candidates: the
    count (附件1, 附件2) licenses the cut, like a compilation label's."""
    if "附件" not in text:
        return []
    out: list[tuple[int, Marker, str]] = []
    for m in _ANNEX_GLUED.finditer(text, start):
        n = _annex_number(m.group(1))
        if n:
            mk = Marker(_ANNEX, n, m.start(), m.end(), m.group(), True)
            out.append((m.start(), mk, "label:annex"))
    return out


def _annex_number(num: str | None) -> int:
    """The number of 附件N (附件： alone is 1); 0 for one too long to read."""
    if num is None:
        return 1
    if num.isdigit():
        return int(num)
    return _CN_DIGIT[num] if len(num) == 1 else 0  # (附件十二: rare enough to leave glued)


def _in_title(text: str, before: Marker, i: int) -> bool:
    """Does the heading ``before`` have its title run straight into position
    ``i`` (no punctuation between: the line break after the title was lost)?"""
    return (
        (not before.is_label or before.style == _ANNEX)
        and before.end < i <= before.end + _RUN_IN_TITLE_MAX
        and _ANY_PUNCT.search(text, before.end, i) is None
    )


@functools.lru_cache(maxsize=8)
def _start_points(rec: Recognizer) -> re.Pattern[str]:
    """Where a marker can start."""
    return re.compile("[" + re.escape("".join(sorted(rec.start_chars))) + "]")


def _member_cut(cuts: list[int], cands: list[tuple[int, Marker, str]], mk: Marker, n: int) -> bool:
    """Was the member before ``mk`` itself cut out as a heading?"""
    return any(i in cuts and m.style == mk.style and m.ordinal == n - 1 for i, m, _ in cands)


#: What ends the head of a text run into its body when the layout is lost:
#: its number (青政办发〔2024〕12号), its date in brackets, its source line.
#: (One character class first, then each kind by its first character: a
#: pattern that opens with a class is searched in C from one possible start to
#: the next, an alternation of three was tried at every character.)
_HEAD_END = re.compile(
    r"[〔［\[【（(来出原发](?:"
    r"(?<=[〔［\[【])(?P<num>[0-9]{4}[〕］\]】][0-9]{1,5}号)"
    r"|(?<=[（(])(?P<date>(?:[0-9]{4}|[一二三四五六七八九〇○零]{4})年[^（）()。，：]{0,20}[)）])"
    r"|(?P<src>(?:(?<=来)源|(?<=出)处|(?<=原)标题|(?<=发)布(?:时间|日期))[：:]))"
)
#: The genre word that ends a document's title (…的通知, …实施方案).
#: The genres a 公文's title ends with.
_GENRES = "通知|意见|方案|要点|决定|通报|报告|办法|规划|纲要|细则|规定|批复|讲话|函"
_TITLE_GENRE = re.compile(rf"(?:{_GENRES})(?=[^》”的]|$)")
_ENDS_WITH_GENRE = re.compile(rf"(?:{_GENRES})$")
#: How long a title run into what follows it may be.
_HEAD_TITLE_MAX = 60


def split_heads(rec: Recognizer, paras: list[Para], *, lost: bool) -> list[Para]:
    """Cut a text's head out of its body where the layout was lost: the title
    before its document number, bracketed date or source line, and a title the
    text itself names in 《》 (the plan a notice issues) standing unquoted.
    Only a stretch a title can be (short, no sentence or clause punctuation
    since the last full stop) is cut off."""
    named: set[str] = set()
    signers: set[str] = set()
    out: list[Para] = []
    for p in paras:
        text = p.text
        cuts: list[int] = []
        own_lines: set[int] = set()  # pieces that stood on lines of their own
        if not (lost or "号" in text or "来源" in text or "发布" in text or "出处" in text):
            out.append(p)  # (nearly every paragraph of a normal layout)
            continue
        if lost and "《" in text:
            named.update(m.group(1) for m in QUOTED_NAME.finditer(text))
        for m in _HEAD_END.finditer(text):
            a = _title_before(text, m.start(), lost=lost)
            if a is None or (m.group("date") and not lost) or len(text) - m.end() < 20:
                # A normal layout's bracketed date stands on its own line, and
                # a head has a text after it.
                continue
            end = m.start()
            if m.group("num"):
                genres = [g.end() for g in _TITLE_GENRE.finditer(text, a, m.start())]
                if not genres or m.start() - genres[-1] > 8:
                    continue
                end = genres[-1]
                cuts += [a, end, m.end()]
            elif m.group("date"):
                if text[m.end()] in "，、；：。":
                    continue  # …打两仗（一九三○年…），于是…: a date inside a sentence
                num = _ITEM_LABEL.match(text, a, end)
                if num is not None and end - num.end() >= 2:
                    # 。032青年运动的方向（一九三九年…）: a collection's item number
                    # over the title, a line of its own.
                    cuts.append(num.end())
                    own_lines.add(a)
                cuts += [a, end, m.end()]
            else:
                cuts += [a, end]
            organ = text[a : text.find("关于", a, end)] if "关于" in text[a:end] else ""
            if lost and len(organ) >= 4:
                signers.add(organ)
        if lost and not out and not cuts:
            # The document's title run into its first sentence (…工作要点2024年
            # 全市…): cut after the genre word that ends it.
            head = _ANY_PUNCT.search(text)
            g = _TITLE_GENRE.search(text, 0, min(head.start(), _HEAD_TITLE_MAX)) if head else None
            if g is not None and g.end() >= 6:
                cuts.append(g.end())
        for organ in signers:
            # The issuing organ named before 关于 in the title signs the text
            # over its date: that signature ends the last item before it.
            for m in re.finditer(re.escape(organ) + _SIGNED_DATE, text):
                if m.start() > 0 and text[m.start() - 1] not in "，、：《“":
                    cuts += [m.start()]
        for name in named:
            i = text.find(name)
            while i > 0:
                if text[i - 1] in _GLUE_AFTER and not text.startswith("》", i + len(name)):
                    cuts += [i, i + len(name)]
                i = text.find(name, i + 1)
        cuts = sorted({c for c in cuts if 0 < c < len(text)})
        if not cuts:
            out.append(p)
            continue
        for a, piece in zip([0, *cuts], _cut(rec, p, cuts), strict=True):
            if a in own_lines:
                piece.starts_line = piece.ends_line = True
            out.append(piece)
    return out


#: A collection's item number run into the title under it (not a year or a count).
_ITEM_LABEL = re.compile("[0-9]{1,4}(?![0-9年月日号届次个周期])")
#: A rule drawn between two texts, run into the next title (three or more).
_RULE_RUN = re.compile(f"[{re.escape(_RULE)}]{{3,}}")
#: A document named in 《》 (a notice names the plan it issues).
QUOTED_NAME = re.compile(r"《([^《》]{6,60})》")
_YEAR_MONTH = r"(?:[0-9]{4}|[一二三四五六七八九〇○零]{4})年[0-9一二三四五六七八九十]{1,3}月"
_FULL_DATE = re.compile(_YEAR_MONTH + "[0-9一二三四五六七八九十]{1,3}日")
_SIGNED_DATE = f"(?={_YEAR_MONTH})"


def _title_before(text: str, end: int, *, lost: bool = False) -> int | None:
    """Where a title ending at ``end`` starts: the paragraph's start or the
    last full stop (or closing bracket) before it, if what lies between can be
    a title. Where the layout was lost, after a closing quote too
    (…七十有二人。”033反对投降活动), and a title may hold a 、."""
    a = max(text.rfind(c, 0, end) for c in "。！？）")
    a = 0 if a < 0 else a + 1
    if lost:
        while a < end and text[a] in "”’」』":
            a += 1
    rule = _RULE_RUN.match(text, a, end)
    if rule is not None:
        a = rule.end()  # …。-------给…的命令(一九五○年…): the rule ends the text before
    elif text.startswith("——", a):
        return None  # a subtitle (——2026年1月25日在…上): its date opens it
    for d in _FULL_DATE.finditer(text, a, end):
        a = d.end()  # a signature's date ends the text before this one
    span = text[a:end]
    # (A 、 between quoted names is no clause break: 关于“三反”、“五反”的斗争.)
    if (
        not 4 <= len(span) <= _HEAD_TITLE_MAX
        or _ANY_PUNCT.search(span.replace("、", "") if lost else span.replace("”、“", "”“"))
        or span[-1] == "》"
    ):
        return None  # (…电）《人民日报》（2020年…版）: where a report was printed)
    return a


#: The longest first member left at the end of its lead-in paragraph.
_TAIL_MEMBER_MAX = 80


def split_tail_members(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """A list's first member left at the end of its lead-in paragraph while the
    second opens the next one (…规定如下：（一）有利于团结…； / （二）有利于…, a
    PDF's lines): cut out, a heading beside the second. The count licenses it:
    the member is 1, the next paragraph opens with 2 of the same style."""
    out: list[Para] = []
    for k, p in enumerate(paras):
        nxt = paras[k + 1].lead if k + 1 < len(paras) else None
        cut = None
        if nxt is not None and nxt.ordinal == 2 and not nxt.is_label:
            text = p.text
            pos = text.rfind(nxt.text[0], max(1, len(text) - _TAIL_MEMBER_MAX))
            mk = rec.heading_at(text, pos) if pos > 0 and text[pos - 1] in "：:" else None
            if (
                mk is not None
                and mk.style == nxt.style
                and mk.ordinal == 1
                and mk.end < len(text)
                and _SENTENCE_END.search(text, mk.end) is None
                and (p.lead is None or p.lead.style != mk.style)
            ):
                cut = pos
        out.extend(_cut(rec, p, [cut]) if cut is not None else [p])
    return out


#: Fewer lines than this hold no page furniture and no wrap width to read.
_FURNITURE_MIN_LINES = _WRAP_MIN_LINES = 12
#: Lines at least this long are body lines that a hard wrap may have cut.
_WRAP_LINE_MIN = 16
#: Share of body lines at the wrap width (±1) in a hard-wrapped text; in
#: normal layouts the most common length holds at most a fifth of them.
_WRAP_SHARE = 0.4
#: Share of body lines longer than the width that a hard-wrapped text allows.
_WRAP_OVER = 0.1
#: The lines read to find the width (a wrap is the same through a text).
_WRAP_SAMPLE = 400


def _width(p: Para) -> int:
    """How much of its line ``p`` fills (spaces taken out count)."""
    if p.pmap is None:
        return len(p.text)
    return p.pmap.end(len(p.text) - 1) - p.pmap.start(0)


def wrap_width(paras: list[Para]) -> int:
    """The width at which the text is hard-wrapped (fixed-width export, PDF
    text), or 0: most body lines have the same length and hardly any is
    longer. A line that fills that width and does not end its sentence was
    cut by the wrap."""
    lengths: dict[int, int] = {}
    total = 0
    for p in paras[:_WRAP_SAMPLE]:
        k = len(p.text) if p.pmap is None else _width(p)
        if k >= _WRAP_LINE_MIN and p.starts_line and p.ends_line:
            lengths[k] = lengths.get(k, 0) + 1
            total += 1
    if total < _WRAP_MIN_LINES:
        return 0
    # (The most common width, the longest of a tie, and the lines longer than
    # it by more than one: in C, not a Python call per width seen.)
    width = max(zip(lengths.values(), lengths.keys(), strict=True))[1]
    near = sum(lengths.get(k, 0) for k in (width - 1, width, width + 1))
    over = sum(map(lengths.__getitem__, filter((width + 1).__lt__, lengths)))
    if near < _WRAP_SHARE * total or over > _WRAP_OVER * total:
        return 0
    return width


#: A page number line: 5, — 5 —, - 5 -, 第5页, 第5页共20页, 5/20.
_PAGE_NUMBER = re.compile(
    r"(?P<deco>[-—–－‒―~～·•.]*)(?:第|[Pp]age)?(?P<n>[0-9]{1,4})(?:页)?"
    r"(?:(?:/|共|of)[0-9]{1,4}页?)?(?P<tail>[-—–－‒―~～·•.]*)"
)
#: What a page number line starts or ends with; its longest form.
_PAGE_EDGE = frozenset("0123456789-—–－‒―~～·•.第页Pp")
_PAGE_MAX = 16
#: The longest line that may be a running header or footer.
_FURNITURE_MAX = 40
#: Running headers shorter than this are left alone (一, 注释 under each text).
_HEADER_MIN = 4
#: Lines between two occurrences of a running header, at least.
_HEADER_GAP = 5


def _page_number(text: str) -> int:
    """The number of a page number line, or -1."""
    m = _PAGE_NUMBER.fullmatch(text)
    return -1 if m is None else int(m.group("n"))


def drop_page_furniture(
    paras: list[Para],
) -> tuple[list[Para], dict[int, int] | None, list[Para]]:
    """Page numbers and running headers or footers of a text extracted from
    pages (PDF, OCR), taken out; decided from repetition, not from words.

    A page number line is a number (maybe dashed: — 5 —) repeated down the
    text with the number growing; a running header is the same short line
    repeated at intervals. Each must show it is no line of the text: a
    decorated page number by its count; a bare number or a header by
    standing inside a sentence (the body line before it, long, does not end
    one), or for a header beside a page number. Returns the paragraphs left,
    ``bridges`` (the line after each run of furniture → the line before it,
    for :func:`join_broken_lines`) and the furniture taken out."""
    # Short whole lines by their text, and page number lines by their shape
    # (what is left of them without the number).
    groups: dict[str, list[int]] = {}
    pages: dict[str, list[int]] = {}
    for i, p in enumerate(paras):
        t = p.text
        if len(t) <= _FURNITURE_MAX and p.starts_line and p.ends_line:
            if (t[0] in _PAGE_EDGE or t[-1] in _PAGE_EDGE) and len(t) <= _PAGE_MAX:
                m = _PAGE_NUMBER.fullmatch(t)
                if m is not None:
                    pages.setdefault(t[: m.start("n")] + t[m.end("n") :], []).append(i)
                    continue
            groups.setdefault(t, []).append(i)
    if not any(len(g) >= 2 for g in pages.values()) and not any(
        len(g) >= 3 for g in groups.values()
    ):
        return paras, None, []

    def interrupts(i: int) -> bool:
        # The nearest line before is body text cut mid-sentence.
        j = i - 1
        while j >= 0 and j in drop:
            j -= 1
        if j < 0:
            return False
        t = paras[j].text
        return len(t) >= _WRAP_LINE_MIN and t[-1] not in _ENDERS

    drop: set[int] = set()
    numbers: set[int] = set()
    for shape, idx in pages.items():
        if len(idx) < 2:
            continue
        values = [_page_number(paras[i].text) for i in idx]
        if any(b <= a for a, b in pairwise(values)):
            continue  # not a count that grows page by page
        if shape or (len(idx) >= 3 and 2 * sum(map(interrupts, idx)) >= len(idx)):
            numbers.update(idx)
    drop |= numbers
    for text, idx in groups.items():
        p0 = paras[idx[0]]
        if (
            len(idx) < 3 or len(text) < _HEADER_MIN or p0.lead is not None
            or _ANY_PUNCT.search(text) or not any(ch.isalnum() for ch in text)
            or any(
                paras[b].line - paras[a].line < _HEADER_GAP
                for a, b in pairwise(idx)
            )
        ):
            continue
        near_number = any(j in numbers for i in idx for j in (i - 2, i - 1, i + 1, i + 2))
        cut = sum(map(interrupts, idx))
        if cut >= 2 or (cut and near_number):
            drop.update(idx)
    if not drop:
        return paras, None, []
    out: list[Para] = []
    bridges: dict[int, int] = {}
    dropped: list[Para] = []
    after_drop = False
    for i, p in enumerate(paras):
        if i in drop:
            dropped.append(p)
            after_drop = True
            continue
        if after_drop and out:
            bridges[p.line] = out[-1].end_line
        after_drop = False
        out.append(p)
    return out, bridges, dropped


def restore_furniture(paras: list[Para], dropped: list[Para]) -> list[Para]:
    """The furniture ``dropped`` put back as paragraphs where no paragraph
    was joined over it, so that every character stays in a piece of the
    outline (check.verify_lossless); the titles and bodies around it leave it
    out all the same (parser._Context.text)."""
    out: list[Para] = []
    k = 0
    for p in paras:
        while k < len(dropped) and dropped[k].line < p.line:
            out.append(dropped[k])
            k += 1
        while k < len(dropped) and dropped[k].line <= p.end_line:
            k += 1  # inside p: left out of its text
        out.append(p)
    out.extend(dropped[k:])
    return out


@dataclass(slots=True)
class Layout:
    """What :func:`segment` found of the text's layout: the normalised spans of
    the page furniture left out (:func:`drop_page_furniture`), whether the
    text lost its line structure (:func:`lost_layout`), and its line starts."""

    furniture: list[tuple[int, int]]
    lost: bool = False
    #: Where each line of the normalised text starts (as offsets.line_starts
    #: finds them: the normaliser leaves no CR).
    line_starts: list[int] = field(default_factory=list)


def segment(
    nt: Normalized, rec: Recognizer, own_lines: frozenset[int] = frozenset(),
    layout: Layout | None = None,
) -> list[Para]:
    """Paragraphs of ``nt``; ``own_lines`` are lines a reader knows to be
    paragraphs of their own (see :func:`join_broken_lines`). What it finds of
    the layout goes into ``layout``."""
    paras = raw_paragraphs(nt, rec, None if layout is None else layout.line_starts)
    bridges: dict[int, int] | None = None
    dropped: list[Para] = []
    if len(paras) >= _FURNITURE_MIN_LINES:
        paras, bridges, dropped = drop_page_furniture(paras)
    paras = join_broken_lines(rec, paras, own_lines, bridges)
    if dropped:
        paras = restore_furniture(paras, dropped)
        if layout is not None:
            layout.furniture.extend(
                (d.norm_start(0), d.norm_end(len(d.text) - 1)) for d in dropped
            )
    paras = join_titles_below(rec, paras)
    if lost_layout(paras):
        if layout is not None:
            layout.lost = True
        paras = split_continuations(rec, split_run_ins(rec, split_heads(rec, paras, lost=True)))
        paras = split_contents_titles(rec, split_clause_numbers(rec, paras))
    else:
        paras = split_run_ins(rec, split_heads(rec, paras, lost=False))
    return split_tail_members(rec, paras)
