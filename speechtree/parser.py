"""The pipeline: decode → normalise → segment → recognise → speeches → tree → models."""

from __future__ import annotations

import gc
import hashlib
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .decode import check_text, decode, read_limited
from .errors import InputError, LimitError
from .markers import Marker, Recognizer
from .models import Block, Document, Node, OutlineWarning, Source, Span, Speech, trusted
from .normalize import Normalized, normalize
from .options import ParseOptions
from .segment import Para, segment
from .speeches import (
    SpeechPlan,
    choose_title,
    find_contents,
    is_annex,
    is_title_like,
    plan_speeches,
)
from .styles import DEFAULT_TABLE, StyleTable
from .tree import Built, Event, TreeBuilder

_HEADING_END = re.compile(r"[。！？]")
_ITEM_END = re.compile(r"[。；！？]")
_LINEBREAK = re.compile(r"[ \t\u3000]*[\r\n]+[\s\u3000]*")
#: Every space character str.isspace() knows, so no title keeps one at an edge.
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_TRIM_TITLE = "，；：。、！？,;:.!?" + _SPACES
_LEAD_TRIM = "，：、,:" + _SPACES
_WS = " \t\r\n\u3000\u00a0\u2003"


@dataclass
class _Context:
    """Everything one parse shares between stages (never a module global)."""

    nt: Normalized
    paras: list[Para]
    line_starts: list[int]
    _ends: dict[tuple[int, bool], list[int]] = field(default_factory=dict)

    @property
    def original(self) -> str:
        return self.nt.original

    def ostart(self, p: Para, i: int) -> int:
        return self.nt.map.start(p.pmap.start(i))

    def oend(self, p: Para, i: int) -> int:
        """Original offset just after paragraph character ``i``."""
        return self.nt.map.end(p.pmap.end(i) - 1)

    def para_span(self, p: Para) -> tuple[int, int]:
        return self.ostart(p, 0), self.oend(p, len(p.text) - 1)

    def title_end(self, para: int, start: int, stop: int, *, heading_rule: bool) -> int:
        """End of a title that starts at ``start`` in paragraph ``para``: just
        after the first sentence end (``。！？``, and ``；`` for items) before
        ``stop``, else ``stop``. Sentence ends are found once per paragraph."""
        key = (para, heading_rule)
        ends = self._ends.get(key)
        if ends is None:
            rx = _HEADING_END if heading_rule else _ITEM_END
            ends = [m.end() for m in rx.finditer(self.paras[para].text)]
            self._ends[key] = ends
        k = bisect_right(ends, start)
        return ends[k] if k < len(ends) and ends[k] - 1 < stop else stop

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def span(self, a: int, b: int) -> Span:
        b = max(a, b)
        # Built from checked offsets: construct without re-validating (hot path).
        return trusted(
            Span, start=a, end=b, line=self.line_of(a), end_line=self.line_of(max(a, b - 1))
        )


def _table(options: ParseOptions) -> StyleTable:
    if options.disabled_styles:
        return DEFAULT_TABLE.without(options.disabled_styles)
    return DEFAULT_TABLE


def parse(
    data: str | bytes,
    *,
    path: str | os.PathLike[str] | None = None,
    options: ParseOptions | None = None,
) -> Document:
    """Parse a speech (text, or bytes in any supported encoding) into its outline."""
    opts = options or ParseOptions()
    spath = os.fspath(path) if path is not None else None
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > opts.max_bytes:
            raise LimitError(
                f"input is {len(raw):,} bytes, over the limit of {opts.max_bytes:,} "
                "(raise it with max_bytes / --max-bytes)",
                path=spath,
            )
        text, encoding = decode(raw, opts.encoding, spath)
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

    source = Source(
        path=spath,
        encoding=encoding,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        length=len(text),
    )
    # The parse allocates many small objects and frees few: pausing the cyclic
    # collector keeps the cost per MB flat as documents grow.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Parser(_table(opts), opts).run(text, source)
    finally:
        if gc_was_enabled:
            gc.enable()


def parse_file(path: str | os.PathLike[str], *, options: ParseOptions | None = None) -> Document:
    """Read and parse one file."""
    p = Path(path)
    limit = (options or ParseOptions()).max_bytes
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


class _Parser:
    def __init__(self, table: StyleTable, options: ParseOptions) -> None:
        self.table = table
        self.options = options
        self.rec = Recognizer(table)
        self.builder = TreeBuilder(table)

    def run(self, text: str, source: Source) -> Document:
        nt = normalize(text)
        paras = self._split_labels(segment(nt, self.rec))
        # Lines end where the normaliser ends them: CRLF, LF, or a lone CR.
        line_starts = [0] + [m.end() for m in re.finditer(r"\r\n?|\n", text)]
        ctx = _Context(nt, paras, line_starts)
        leads = [self._lead(p) for p in paras]
        contents = (
            find_contents(paras, leads, self.table) if self.options.detect_contents else set()
        )
        plans, n_unplaced = plan_speeches(
            paras, leads, self.table, split=self.options.split_speeches
        )
        doc = Document(source=source)
        doc._original = text
        if n_unplaced:
            doc.unplaced = [
                Block(kind="unplaced", text=self._clean_block(ctx, *ctx.para_span(p)),
                      span=ctx.span(*ctx.para_span(p)))
                for p in paras[:n_unplaced]
            ]
        for si, plan in enumerate(plans):
            speech, warns = self._speech(ctx, plan, leads, contents)
            doc.speeches.append(speech)
            for w in warns:
                w.speech = si
                doc.warnings.append(w)
        return doc

    # -- paragraphs ---------------------------------------------------------

    def _lead(self, p: Para) -> Marker | None:
        mk = self.rec.leading(p.text)
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
            mk = self.rec.leading(p.text)
            if (
                mk is not None
                and mk.is_label
                and mk.end < len(p.text)
                and self._label_ok(mk, p.text)
            ):
                first = p.sub(0, mk.end, starts_line=p.starts_line, ends_line=False)
                first.blank_before = p.blank_before
                out.append(first)
                out.append(p.sub(mk.end, len(p.text), starts_line=False, ends_line=p.ends_line))
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
    ) -> tuple[Speech, list[OutlineWarning]]:
        paras = ctx.paras
        title_para = choose_title(plan, paras, leads)
        skip = set(contents)
        if plan.label_para is not None:
            skip.add(plan.label_para)
        if title_para is not None:
            skip.add(title_para)

        events: list[Event] = []
        for i in range(plan.start, plan.end):
            if i in skip:
                continue
            lead = leads[i]
            start = 0
            lead_in = i > 0 and paras[i - 1].text.endswith("：")
            if lead is not None and not lead.is_label:
                events.append(Event(i, lead, True, lead_in))
                start = lead.end
            text = paras[i].text
            events.extend(
                Event(i, mk, False, lead_in, _own_lead_in(text, mk.start))
                for mk in self.rec.inline(text, start)
            )
        events = self.builder.keep_enumerations(events)
        resets = frozenset(
            i for i in range(plan.start, plan.end) if leads[i] is None and is_annex(paras[i].text)
        )
        built, tree_warnings = self.builder.build(events, resets)

        region_start = ctx.para_span(paras[plan.start])[0]
        region_end = ctx.para_span(paras[plan.end - 1])[1]
        nodes = self._nodes(ctx, built, region_end)
        first_node = nodes[0].span.start if nodes else region_end

        preamble: list[Block] = []
        for i in range(plan.start, plan.end):
            a, b = ctx.para_span(paras[i])
            if a >= first_node:
                break
            b = min(b, first_node)
            kind: Literal["label", "title", "paragraph", "contents"]
            if i == plan.label_para:
                kind = "label"
            elif i == title_para:
                kind = "title"
            elif i in contents:
                kind = "contents"
            else:
                kind = "paragraph"
            if kind == "contents" and preamble and preamble[-1].kind == "contents":
                prev = preamble[-1]
                preamble[-1] = Block(
                    kind="contents",
                    text=self._clean_block(ctx, prev.span.start, b),
                    span=ctx.span(prev.span.start, b),
                )
                continue
            text = self._clean_block(ctx, a, b)
            if text:
                preamble.append(Block(kind=kind, text=text, span=ctx.span(a, b)))

        title = ""
        if title_para is not None:
            title = _clean_title(ctx.original[slice(*ctx.para_span(paras[title_para]))])
        roots = [n for n, b in zip(nodes, built, strict=True) if b.parent is None]
        speech = Speech(
            label=plan.label,
            title=title,
            span=ctx.span(region_start, region_end),
            preamble=preamble,
            sections=roots,
        )
        warns = [
            OutlineWarning(
                code=w.code, message=w.message, line=ctx.line_of(ctx.para_span(paras[w.para])[0])
            )
            for w in tree_warnings
        ]
        return speech, warns

    def _nodes(self, ctx: _Context, built: list[Built], region_end: int) -> list[Node]:
        """Model nodes for the built tree, with titles, bodies and spans."""
        paras = ctx.paras
        starts = [ctx.ostart(paras[b.event.para], b.event.marker.start) for b in built]
        nodes: list[Node] = []
        for k, b in enumerate(built):
            e = b.event
            p = paras[e.para]
            mk = e.marker
            # The title stops at the next marker in the same paragraph, if any.
            stop = len(p.text)
            if k + 1 < len(built) and built[k + 1].event.para == e.para:
                stop = built[k + 1].event.marker.start
            t_end = ctx.title_end(e.para, mk.end, stop, heading_rule=e.at_start)
            m_start = starts[k]
            t_start = ctx.ostart(p, mk.end) if mk.end < len(p.text) else ctx.oend(p, mk.end - 1)
            t_stop = ctx.oend(p, t_end - 1) if t_end > mk.end else t_start
            body_end = starts[k + 1] if k + 1 < len(built) else region_end
            body = ctx.original[t_stop:body_end].strip(_WS)
            nodes.append(
                trusted(
                    Node,
                    kind=b.kind,
                    style=mk.style,
                    marker=ctx.original[m_start : ctx.oend(p, mk.end - 1)].strip(_WS),
                    ordinal=b.ordinal,
                    level=b.level,
                    title=_clean_title(ctx.original[t_start:t_stop]),
                    text=body,
                    span=ctx.span(m_start, max(body_end, t_stop)),
                    title_span=ctx.span(t_start, t_stop),
                    children=[],
                )
            )
        for k, b in enumerate(built):
            nodes[k].children = [nodes[c] for c in b.children]
        return nodes

    @staticmethod
    def _clean_block(ctx: _Context, a: int, b: int) -> str:
        return ctx.original[a:b].strip(_WS)


def _own_lead_in(text: str, pos: int) -> bool:
    """Is the marker at ``pos`` introduced by a clause of its own: ``：`` right
    before it, and a full stop before that clause (…。今年要采取四项措施：一要)?"""
    if pos == 0 or text[pos - 1] != "：":
        return False
    stop = max(text.rfind("。", 0, pos), text.rfind("；", 0, pos))
    colon = text.rfind("：", 0, pos - 1)
    return stop >= 0 and colon < stop


def _clean_title(raw: str) -> str:
    """A title as one line: line breaks inside it removed, edge punctuation dropped."""
    return _LINEBREAK.sub("", raw).lstrip(_LEAD_TRIM).rstrip(_TRIM_TITLE)
