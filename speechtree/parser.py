"""The pipeline: decode → normalise → segment → recognise → speeches → tree → models."""

from __future__ import annotations

import codecs
import functools
import gc
import hashlib
import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import readers
from .clean import clean_marker, clean_text, clean_title
from .conventions import canonical_encoding, warning_code
from .decode import Decoded, check_text, decode_bytes, read_limited, replaced_warning
from .errors import InputError, LimitError, display_path
from .markers import Marker, Recognizer, lone_numerals_out_of_series
from .metadata import read_metadata
from .models import (
    SCHEMA_VERSION,
    Block,
    Document,
    Node,
    OutlineWarning,
    Source,
    Span,
    Speech,
    new_span,
)
from .normalize import Normalized, normalize
from .offsets import line_starts
from .options import DEFAULT_OPTIONS, ParseOptions
from .segment import Layout, Para, segment
from .speeches import (
    ANNEX_START,
    PART_STYLE,
    SpeechPlan,
    attached_titles,
    choose_title,
    find_contents,
    is_annex,
    is_title_like,
    part_labels,
    plan_speeches,
    prose_labels,
    split_annex_lists,
    title_span,
)
from .styles import DEFAULT_TABLE, StyleTable
from .tree import Built, Event, TreeBuilder, drop_previews

_HEADING_END = re.compile(r"[。！？]")
_ITEM_END = re.compile(r"[。；！？]")
#: The longest paragraph after its marker that is a heading and nothing else.
_TITLE_ONLY_MAX = 30
_WS = " \t\r\n\u3000\u00a0\u2003"


@dataclass
class _Context:
    """Everything one parse shares between stages (never a module global)."""

    nt: Normalized
    paras: list[Para]
    line_starts: list[int]
    _same: bool = False
    #: The original holds no zero-width character and no CR: its slices are
    #: cleaned without looking for them (clean.is_plain, Normalized.plain).
    plain: bool = False
    #: Original spans of page furniture left out of the paragraphs (page
    #: numbers, running headers: segment.drop_page_furniture), in order.
    furniture: tuple[tuple[int, int], ...] = ()
    #: The text lost its line structure (segment.lost_layout).
    lost: bool = False

    @property
    def original(self) -> str:
        return self.nt.original

    def __post_init__(self) -> None:
        # Most texts need no normalising edit that moves characters: then a
        # normalised offset is the original one and the map can be skipped.
        self._same = self.nt.map.is_identity()
        self.plain = self.nt.plain

    def obase(self, p: Para) -> int:
        """Where ``p`` starts in the original when its characters map one for
        one to an unbroken stretch of it (most paragraphs), else -1."""
        ob = p.obase
        if ob == -2:
            ob = -1
            if p.pmap is None:
                ob = p.base
            elif len(p.text):
                ob = p.pmap.run_start(0, len(p.text))
            if ob >= 0 and not self._same:
                ob = self.nt.map.run_start(ob, len(p.text))
            p.obase = ob
        return ob

    def ostart(self, p: Para, i: int) -> int:
        """Original offset of paragraph character ``i``."""
        ob = p.obase if p.obase != -2 else self.obase(p)
        if ob >= 0:
            return ob + i
        n = p.norm_start(i)
        return n if self._same else self.nt.map.start(n)

    def oend(self, p: Para, i: int) -> int:
        """Original offset just after paragraph character ``i``."""
        ob = p.obase if p.obase != -2 else self.obase(p)
        if ob >= 0:
            return ob + i + 1
        n = p.norm_end(i)
        return n if self._same else self.nt.map.end(n - 1)

    def para_span(self, p: Para) -> tuple[int, int]:
        return self.ostart(p, 0), self.oend(p, len(p.text) - 1)

    def merged_in(self, a: int, b: int) -> frozenset[int]:
        """The paragraphs of ``[a, b)`` that hold what were several, in a
        text that lost its line structure (segment.lost_layout)."""
        if not self.lost:
            return frozenset()
        return frozenset(range(a, b))

    def text(self, a: int, b: int) -> str:
        """``original[a:b]`` without the page furniture inside it."""
        fur = self.furniture
        return cut_out(self.original, a, b, fur) if fur else self.original[a:b]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def span(self, a: int, b: int) -> Span:
        b = max(a, b)
        ls = self.line_starts
        return _new_span(a, b, bisect_right(ls, a), bisect_right(ls, max(a, b - 1)))


def cut_out(text: str, a: int, b: int, spans: tuple[tuple[int, int], ...]) -> str:
    """``text[a:b]`` without the ``spans`` (ordered, apart) inside it, a line
    break for each."""
    parts: list[str] = []
    pos = a
    for fa, fb in spans[max(0, bisect_right(spans, (a, a)) - 1) :]:
        if fa >= b:
            break
        if fb > pos:
            parts.append(text[pos : max(pos, fa)])
            pos = fb
    parts.append(text[pos:b])
    return "\n".join(parts)


def _original_spans(nt: Normalized, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    m = nt.map
    if m.is_identity():
        return tuple(spans)
    return tuple((m.start(a), m.end(b - 1)) for a, b in spans)


def furniture_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The original spans of the page furniture (page numbers, running
    headers) that a parse of ``text`` leaves out of titles and bodies
    (segment.drop_page_furniture); check.verify_lossless allows for them."""
    nt = normalize(text)
    layout = Layout([])
    segment(nt, Recognizer(DEFAULT_TABLE), layout=layout)
    return _original_spans(nt, layout.furniture)


# The models' constructors do not validate (dataclasses): values are checked here.
_new_span = new_span  # (positional: start, end, line, end_line)
_new_node = Node
_new_block = Block
_new_speech = Speech
_new_source = Source
_new_document = Document
_new_warning = OutlineWarning


def _table(options: ParseOptions) -> StyleTable:
    return _table_without(options.disabled_styles) if options.disabled_styles else DEFAULT_TABLE


@functools.lru_cache(maxsize=32)
def _table_without(disabled: frozenset[str]) -> StyleTable:
    """One table per set of disabled styles, so the readings of candidates
    kept per table (markers) serve every parse with the same options."""
    return DEFAULT_TABLE.without(disabled)


def parse(
    data: str | bytes,
    *,
    path: str | os.PathLike[str] | None = None,
    options: ParseOptions | None = None,
) -> Document:
    """Parse a speech (text, or bytes in any supported encoding) into its outline."""
    opts = options or DEFAULT_OPTIONS
    spath = display_path(os.fspath(path)) if path is not None else None
    utf8: bytes | None = None
    decoded: Decoded | None = None
    fmt = "text"
    title_lines: tuple[int, int] | None = None
    own_lines: frozenset[int] = frozenset()
    if isinstance(data, str) and opts.input_format not in (None, "text"):
        data = data.encode("utf-8")  # a named format is read from its bytes
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > opts.max_bytes:
            raise LimitError(
                f"input is {len(raw):,} bytes, over the limit of {opts.max_bytes:,} "
                "(raise it with max_bytes / --max-bytes)",
                path=spath,
            )
        extracted = readers.read(
            raw, spath, input_format=opts.input_format, max_bytes=opts.max_bytes
        )
        if extracted is not None:
            text, encoding, fmt = extracted.text, extracted.encoding, extracted.format
            title_lines = extracted.title_lines
            # A paragraph the file marks as a heading is whole: never a line
            # broken off the paragraph before or after it.
            own_lines = frozenset(h.line for h in extracted.headings)
            check_text(text, spath)
        else:
            decoded = decode_bytes(raw, opts.encoding, spath, strict=opts.strict_decode)
            text, encoding = decoded.text, decoded.encoding
            if encoding == "utf-8" and not raw.startswith(codecs.BOM_UTF8):
                utf8 = raw  # the text's UTF-8 already: no re-encoding for the hash
    elif isinstance(data, str):
        text, encoding = data, "unicode"
        if len(text) > opts.max_bytes:
            raise LimitError(
                f"input is {len(text):,} characters, over the limit of {opts.max_bytes:,}",
                path=spath,
            )
        check_text(text, spath)
    else:
        raise TypeError(f"parse() takes str or bytes, not {type(data).__name__}")

    if utf8 is None:
        utf8 = text.encode("utf-8", "surrogatepass")
    source = _new_source(
        path=spath,
        encoding=encoding if encoding == "unicode" else canonical_encoding(encoding),
        sha256=hashlib.sha256(utf8).hexdigest(),
        length=len(text),
        format=fmt,
        text=None,
    )
    # The parse allocates many small objects and frees few: pausing the cyclic
    # collector keeps the cost per MB flat as documents grow.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        doc = _Parser(_table(opts), opts).run(text, source, title_lines, own_lines)
    finally:
        if gc_was_enabled:
            gc.enable()
    if decoded is not None and decoded.replaced:
        doc.warnings.insert(0, replaced_warning(decoded))
    return doc


def parse_file(path: str | os.PathLike[str], *, options: ParseOptions | None = None) -> Document:
    """Read and parse one file."""
    p = Path(path)
    limit = (options or DEFAULT_OPTIONS).max_bytes
    try:
        with p.open("rb") as fh:
            data = read_limited(fh, limit, os.fspath(path))
    except FileNotFoundError:
        raise InputError("no such file", path=os.fspath(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=os.fspath(path)) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), path=os.fspath(path)) from None
    return parse(data, path=path, options=options)


def _hinted_title(
    ctx: _Context, plan: SpeechPlan, leads: list[Marker | None],
    title_lines: tuple[int, int] | None,
) -> tuple[int, int, int, int] | None:
    """The title the reader found (a Word title style, a cover's largest
    centred lines, a page's headline) when it opens this speech and carries
    no marker: the paragraphs that hold its lines, and the offsets of those
    lines themselves (the segmenter may have joined a title line to the
    line above or below it)."""
    if title_lines is None or plan.label_para is not None:
        return None
    first, last = title_lines
    paras = ctx.paras
    inside = [
        i for i in range(plan.start, plan.end)
        if paras[i].line <= last and paras[i].end_line >= first
    ]
    if not inside or any(leads[i] is not None for i in inside):
        return None
    starts, text = ctx.line_starts, ctx.original
    if not 1 <= first <= last <= len(starts):
        return None
    a = starts[first - 1]
    b = starts[last] - 1 if last < len(starts) else len(text)
    while a < b and text[a] in _WS:
        a += 1
    while b > a and text[b - 1] in _WS:
        b -= 1
    return (inside[0], inside[-1], a, b) if a < b else None


class _Parser:
    def __init__(self, table: StyleTable, options: ParseOptions) -> None:
        self.table = table
        self.options = options
        self.rec = Recognizer(table)
        self.builder = TreeBuilder(table)
        self.n_nodes = 0  # across the speeches so far (options.max_nodes)

    def run(
        self, text: str, source: Source, title_lines: tuple[int, int] | None = None,
        own_lines: frozenset[int] = frozenset(),
    ) -> Document:
        nt = normalize(text)
        layout = Layout([])
        paras = segment(nt, self.rec, own_lines, layout)
        for i in lone_numerals_out_of_series([(p.text, p.lead) for p in paras]):
            paras[i].lead = None
        if self.options.split_speeches:
            for i in part_labels(paras, self.table) + prose_labels(paras, self.table):
                mk = paras[i].lead
                assert mk is not None
                paras[i].lead = mk._replace(style=PART_STYLE, is_label=False)
        paras = split_annex_lists(self._split_labels(paras), self.rec)
        # Lines end where the normaliser ends them: CRLF, LF, or a lone CR.
        # Where no edit moved a character, they are the lines segment split.
        ctx = _Context(
            nt, paras, layout.line_starts if nt.map.is_identity() else line_starts(text)
        )
        if layout.furniture:
            ctx.furniture = _original_spans(nt, layout.furniture)
        ctx.lost = layout.lost
        leads = [
            p.lead if p.lead is None or not p.lead.is_label else self._lead(p) for p in paras
        ]
        contents = (
            find_contents(paras, leads, self.table) if self.options.detect_contents else set()
        )
        plans, n_unplaced = plan_speeches(
            paras, leads, self.table, split=self.options.split_speeches, contents=contents
        )
        doc = _new_document(
            schema_version=SCHEMA_VERSION, source=source, speeches=[], unplaced=[], warnings=[]
        )
        doc._original = text
        if n_unplaced:
            doc.unplaced = [
                _new_block(kind="unplaced", text=self._clean_block(ctx, *ctx.para_span(p)),
                      span=ctx.span(*ctx.para_span(p)))
                for p in paras[:n_unplaced]
            ]
        for si, plan in enumerate(plans):
            speech, warns = self._speech(
                ctx, plan, leads, contents, title_lines if si == 0 else None
            )
            doc.speeches.append(speech)
            for w in warns:
                w.speech = si + 1  # 1-based, as every number a user reads
                doc.warnings.append(w)
        return doc

    # -- paragraphs ---------------------------------------------------------

    def _lead(self, p: Para) -> Marker | None:
        mk = p.lead
        if mk is not None and mk.is_label and not self._label_ok(mk, p.text):
            return None
        return mk

    def _label_ok(self, mk: Marker, text: str) -> bool:
        rest = text[mk.end :]
        return (
            not rest
            or mk.text[-1] in "，、："
            or self.rec.leading(rest) is not None
            or is_title_like(rest)
        )

    def _split_labels(self, paras: list[Para]) -> list[Para]:
        """``第一篇：在…上的讲话`` → the label and the title as two paragraphs."""
        out: list[Para] = []
        for p in paras:
            mk = p.lead
            if (
                mk is not None
                and mk.is_label
                and mk.end < len(p.text)
                and self._label_ok(mk, p.text)
            ):
                rec = self.rec
                first = p.sub(rec, 0, mk.end, starts_line=p.starts_line, ends_line=False)
                first.blank_before = p.blank_before
                out.append(first)
                out.append(
                    p.sub(rec, mk.end, len(p.text), starts_line=False, ends_line=p.ends_line)
                )
            else:
                out.append(p)
        return out

    # -- one speech ---------------------------------------------------------

    def _speech(
        self,
        ctx: _Context,
        plan: SpeechPlan,
        leads: list[Marker | None],
        contents: set[int],
        title_lines: tuple[int, int] | None = None,
    ) -> tuple[Speech, list[OutlineWarning]]:
        paras = ctx.paras
        title_para: int | None
        hinted = _hinted_title(ctx, plan, leads, title_lines)
        if hinted is not None:
            title_para, title_last = hinted[0], hinted[1]
        else:
            title_para = choose_title(plan, paras, leads)
            title_last = -1
            if title_para is not None:
                title_para, title_last = title_span(
                    paras, leads, title_para,
                    plan.start if plan.label_para is None else plan.label_para + 1, plan.end,
                )
        # Not a copy of ``contents`` per speech: a long table of contents
        # before many speeches made that quadratic.
        skip = {plan.label_para, title_para, title_last}
        if title_para is not None:
            skip.update(range(title_para, title_last + 1))

        events: list[Event] = []
        inline = self.rec.inline
        # One pass over the speech's paragraphs: its events, and the annex
        # labels (after which every series closes) and the paragraphs cut out
        # of the line before them that the tree builder is given.
        annexes: list[int] = []
        cut: list[int] = []
        for i in range(plan.start, plan.end):
            lead = leads[i]
            p = paras[i]
            text = p.text
            if lead is None:
                if text[0] in ANNEX_START and is_annex(text):
                    annexes.append(i)
            elif not p.starts_line:
                cut.append(i)
            if i in skip or i in contents:
                continue
            start = 0
            lead_in = i > 0 and paras[i - 1].text[-1] == "："
            if lead is not None and not lead.is_label:
                # (para, marker, at_start, after_lead_in, own_lead_in,
                # ends_lead_in, title_only: positional, as for the nodes.)
                events.append(Event(
                    i, lead, True, lead_in, False, text[-1] == "：",
                    len(text) - lead.end <= _TITLE_ONLY_MAX
                    and _HEADING_END.search(text, lead.end) is None,
                ))
                start = lead.end
            for mk in inline(text, start):
                events.append(Event(i, mk, False, lead_in, _own_lead_in(text, mk.start)))
        events = self.builder.keep_enumerations(drop_previews(events, paras))
        resets = frozenset(annexes) | attached_titles(paras, leads, plan.start, plan.end)
        built, tree_warnings = self.builder.build(
            events, resets, frozenset(cut), ctx.merged_in(plan.start, plan.end)
        )
        self.n_nodes += len(built)
        if self.n_nodes > self.options.max_nodes:  # before the models, which cost the most
            raise LimitError(
                f"the outline has over {self.options.max_nodes:,} nodes "
                "(each costs about 3.5 KB of memory; raise the limit with max_nodes / --max-nodes)"
            )

        region_start = ctx.para_span(paras[plan.start])[0]
        region_end = ctx.para_span(paras[plan.end - 1])[1]
        nodes = self._nodes(ctx, built, region_end)
        first_node = nodes[0].span.start if nodes else region_end

        preamble: list[Block] = []
        # A run of contents lines becomes one block, sliced once when the run
        # ends (re-slicing it from its start at every line was quadratic).
        run: list[int] = []  # [start, end] of the open contents run

        def close_run() -> None:
            if run:
                preamble.append(_new_block(
                    kind="contents", text=self._clean_block(ctx, *run), span=ctx.span(*run)
                ))
                run.clear()

        for i in range(plan.start, plan.end):
            a, b = ctx.para_span(paras[i])
            if a >= first_node:
                break
            b = min(b, first_node)
            kind: Literal["label", "title", "paragraph", "contents"]
            if i == plan.label_para:
                kind = "label"
            elif title_para is not None and title_para <= i <= title_last:
                kind = "title"
            elif i in contents:
                kind = "contents"
            else:
                kind = "paragraph"
            if kind == "contents" and run:
                run[1] = b
                continue
            text = self._clean_block(ctx, a, b)
            if not text:
                continue
            close_run()
            if kind == "contents":
                run.extend((a, b))
            elif kind == "title" and preamble and preamble[-1].kind == "title":
                # a title over two lines: one block
                start = preamble[-1].span.start
                preamble[-1] = _new_block(
                    kind="title", text=self._clean_block(ctx, start, b), span=ctx.span(start, b)
                )
            else:
                preamble.append(_new_block(kind=kind, text=text, span=ctx.span(a, b)))
        close_run()

        title = ""
        speech_title_span = None
        if hinted is not None:
            ta, tb = hinted[2], hinted[3]
            title = clean_title(ctx.original[ta:tb], plain=ctx.plain).rstrip("*")
            speech_title_span = ctx.span(ta, tb)
        elif title_para is not None:
            ta = ctx.para_span(paras[title_para])[0]
            tb = ctx.para_span(paras[title_last])[1]
            title = clean_title(ctx.text(ta, tb), plain=ctx.plain).rstrip("*")
            speech_title_span = ctx.span(ta, tb)
        roots = [n for n, b in zip(nodes, built, strict=True) if b.parent is None]
        span = ctx.span(region_start, region_end)
        speech = _new_speech(
            label=plan.label,
            title=title,
            title_span=speech_title_span,
            span=span,
            # The metadata stage reads the title, preamble and last lines.
            metadata=read_metadata(ctx.original, span, speech_title_span, preamble,
                                   ctx.line_starts),
            preamble=preamble,
            sections=roots,
        )
        warns = [
            _new_warning(
                code=(code := warning_code(w.code))[0],
                name=code[1],
                message=w.message,
                line=ctx.line_of(ctx.para_span(paras[w.para])[0]),
                speech=None,
            )
            for w in tree_warnings
        ]
        return speech, warns

    def _nodes(self, ctx: _Context, built: list[Built], region_end: int) -> list[Node]:
        """Model nodes for the built tree, with titles, bodies and spans."""
        paras = ctx.paras
        original = ctx.original
        ostart, oend = ctx.ostart, ctx.oend
        plain = ctx.plain
        fur = ctx.furniture
        ls = ctx.line_starts  # (spans built here, not by ctx.span: two per node)
        n = len(built)
        starts = [ostart(paras[b.event.para], b.event.marker.start) for b in built]
        nodes: list[Node] = []
        # Last to first, so a node's children exist when it is built.
        for k in range(n - 1, -1, -1):
            b = built[k]
            e = b.event
            p = paras[e.para]
            text = p.text
            mk = e.marker
            # The title stops at the first sentence end (。！？, and ； for
            # items), or at the next marker in the same paragraph, if any.
            stop = len(text)
            if k + 1 < n and built[k + 1].event.para == e.para:
                stop = built[k + 1].event.marker.start
            end_m = (_HEADING_END if e.at_start else _ITEM_END).search(text, mk.end, stop)
            t_end = end_m.end() if end_m is not None else stop
            m_start = starts[k]
            ob = p.obase  # (known: ``starts`` asked for this paragraph)
            if ob >= 0:  # the common case: offsets are obase + i
                m_end = t_start = ob + mk.end
                t_stop = ob + t_end if t_end > mk.end else t_start
            else:
                m_end = oend(p, mk.end - 1)
                t_start = ostart(p, mk.end) if mk.end < len(text) else m_end
                t_stop = oend(p, t_end - 1) if t_end > mk.end else t_start
            body_end = starts[k + 1] if k + 1 < n else region_end
            # A heading line that is all title keeps its closing ？/！; one
            # that ends a sentence before its body loses it.
            whole_line = e.at_start and t_end == len(text) and p.ends_line
            # (Positional, in Node's field order: a type called with keywords
            # builds a dict of them first, which doubled the cost of a node.)
            nodes.append(
                _new_node(
                    b.kind,  # kind
                    mk.style,  # style
                    clean_marker(original[m_start:m_end].strip(_WS)),  # marker
                    b.ordinal,  # ordinal
                    b.level,  # level
                    clean_title(  # title
                        original[t_start:t_stop] if not fur else ctx.text(t_start, t_stop),
                        keep_mark=whole_line, plain=plain,
                    ),
                    clean_text(  # text
                        original[t_stop:body_end] if not fur else ctx.text(t_stop, body_end),
                        plain=plain,
                    ),
                    _new_span(  # span
                        m_start, (end := max(m_start, body_end, t_stop)),
                        bisect_right(ls, m_start), bisect_right(ls, max(m_start, end - 1)),
                    ),
                    _new_span(  # title_span
                        t_start, (t_last := max(t_start, t_stop)),
                        bisect_right(ls, t_start), bisect_right(ls, max(t_start, t_last - 1)),
                    ),
                    [nodes[n - 1 - c] for c in b.children],  # children
                )
            )
        nodes.reverse()
        return nodes

    @staticmethod
    def _clean_block(ctx: _Context, a: int, b: int) -> str:
        text = clean_text(ctx.text(a, b), plain=ctx.plain)
        if not text and ctx.furniture:  # a page number or header of its own
            text = clean_text(ctx.original[a:b], plain=ctx.plain)
        return text


def _own_lead_in(text: str, pos: int) -> bool:
    """Is the marker at ``pos`` introduced by a clause of its own: ``：`` right
    before it, and a full stop before that clause (…。今年要采取四项措施：一要)?"""
    if pos == 0 or text[pos - 1] != "：":
        return False
    # A full stop after the colon before this one: searched back only to that
    # colon, not to the paragraph's start for every marker (quadratic).
    colon = text.rfind("：", 0, pos - 1)
    return text.rfind("。", colon + 1, pos) >= 0 or text.rfind("；", colon + 1, pos) >= 0
