"""Segment stage: paragraphs from lines, layout gaps, broken lines and run-in headings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .markers import Marker, Recognizer
from .normalize import WIDE, Normalized
from .offsets import OffsetMap

#: A gap of two or more spaces with an ideographic one among them separates
#: paragraphs inside a line (single-line scrapes use 　　 as the break). The
#: pattern finds runs of two or more spaces; the code keeps those with a
#: U+3000. (A pattern that opens with a character class is searched in C from
#: one possible start to the next; the exact pattern, which opens with an
#: optional part, cost several µs per indented line.)
_GAP_RUN = re.compile("[ \u3000]{2,}")
_SPACE = re.compile(r"[ \u3000]+")
#: A line ending in one of these ends its sentence; others may be broken.
_ENDERS = set("。！？；：…”’」』）》!?")
#: A line starting with one of these continues the line before it.
_CONTINUERS = set("，。、；：！？）》”’」』…%")
_SENTENCE_END = re.compile(r"[。！？]")
_ANY_PUNCT = re.compile(r"[，。！？；：、]")
#: Heading styles that, right after a full stop, start a new paragraph.
_RUN_IN_AFTER_STOP = frozenset({"cn_dun", "di_comma", "di_topic", "di_part"})
#: A full stop followed by a character those styles can start with.
_STOP_BEFORE_RUN_IN = re.compile(r"[。！？](?=[一二三四五六七八九十第])")
#: A full stop followed by a character any heading can start with.
_STOP_BEFORE_MARKER = re.compile(r"[。！？](?=[（第①-⑳㉑-㉟㊱-㊿0-9一二三四五六七八九十])")
_CLAUSE_END = re.compile(r"[。！？；，]")


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


def raw_paragraphs(nt: Normalized, rec: Recognizer) -> list[Para]:
    """Paragraphs as the layout shows them: lines, split at 　　 gaps."""
    norm = nt.text
    out: list[Para] = []
    pos = 0
    blank = False
    ws = " " + WIDE
    leading = rec.leading
    for line_no, line in enumerate(norm.split("\n"), 1):
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


def _is_marker_only(rec: Recognizer, p: Para) -> bool:
    mk = p.lead
    return mk is not None and not mk.is_label and mk.end == len(p.text)


def _should_join(rec: Recognizer, a: Para, b: Para, after_b: Para | None) -> bool:
    """Is ``b`` the rest of ``a``, which a line break cut? (``a`` and ``b``
    are adjacent lines: ``b`` on the line after ``a``, nothing between.)"""
    b_marked = b.lead is not None
    if _is_marker_only(rec, a):
        # 一是 alone on its line, its text on the next; not 一、 above 二、.
        return not b_marked
    if a.text[-1] in _ENDERS:
        return False
    if b.text[0] in _CONTINUERS:
        return True
    if b.text.startswith("——") or b_marked:
        return False
    if b.text[0] == "（" and b.text[-1] == "）":
        return False  # a note line of its own: （2019年12月27日至2020年1月19日）
    if _trailing_heading(rec, a.text) is not None:
        return False
    lead = a.lead
    if lead is None or (not lead.is_label and _SENTENCE_END.search(a.text)):
        # A long line cut mid-sentence (PDF or fixed-width wrapping).
        return len(a.text) >= 30
    if lead.is_label:
        return False
    # A heading broken over two lines: a short tail with no punctuation,
    # followed by more text.
    return (
        len(b.text) <= 16
        and not _ANY_PUNCT.search(b.text)
        and after_b is not None
        and not b.text.startswith(("附件", "附录", "注", "（"))
    )


def join_broken_lines(rec: Recognizer, paras: list[Para]) -> list[Para]:
    out: list[Para] = []
    n = len(paras)
    i = 0
    while i < n:
        cur = paras[i]
        i += 1
        group = [cur]
        while i < n:
            nxt = paras[i]
            # The next paragraph on the line right after, nothing between.
            if not (
                cur.ends_line
                and nxt.starts_line
                and not nxt.blank_before
                and nxt.line == cur.end_line + 1
            ) or not _should_join(rec, cur, nxt, paras[i + 1] if i + 1 < n else None):
                break
            # Joined once at the end: rebuilding the paragraph at every line
            # made a long run of short lines (a list of names) quadratic.
            cur = _joined_view(rec, cur, nxt)
            group.append(nxt)
            i += 1
        out.append(group[0] if len(group) == 1 else _concat(rec, group))
    return out


def split_run_ins(rec: Recognizer, paras: list[Para]) -> list[Para]:
    """Split paragraphs where a heading is run into the one before it.

    Two cases: a heading line that runs straight into a lower heading before
    any full stop (``三、…短板（一）补齐…。``), and a heading left hanging at the
    end of a paragraph by bad wrapping (``…。（一）第一阶段：迅即应对``).
    """
    out: list[Para] = []
    for p in paras:
        text = p.text
        lead = p.lead
        # A cut needs a full stop before a marker-like character (one search
        # says whether there is any), or room for a run-in after the lead.
        stop = _STOP_BEFORE_MARKER.search(text)
        if (
            stop is None
            or (
                _STOP_BEFORE_RUN_IN.search(text, stop.start()) is None
                and _STOP_BEFORE_MARKER.search(text, max(stop.start(), len(text) - 52)) is None
            )
        ) and (lead is None or lead.is_label or not _run_in_room(text, lead)):
            out.append(p)  # most paragraphs: nothing that could split them
        else:
            out.extend(_split_one(rec, p))
    return out


def _split_one(rec: Recognizer, p: Para) -> list[Para]:
    text = p.text
    cuts = _cuts(rec, text)
    if not cuts:
        return [p]
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
                if mk.style != lead.style:
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
    for stop_m in _STOP_BEFORE_RUN_IN.finditer(text, seg):
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
        return stop_m.end()
    return None


def _trailing_heading(rec: Recognizer, text: str, seg: int = 0) -> int | None:
    """Where a heading left hanging after the paragraph's last full stop starts."""
    window = max(seg, len(text) - 52)
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


def segment(nt: Normalized, rec: Recognizer) -> list[Para]:
    paras = raw_paragraphs(nt, rec)
    paras = join_broken_lines(rec, paras)
    return split_run_ins(rec, paras)
