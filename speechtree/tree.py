"""Tree stage: levels from the document's own numbering.

Levels are not looked up in a fixed table. Each marker either continues an
open series (its ordinal follows the series' last one: a sibling), or starts a
new series under the node that holds it (a child). A series that restarts at
one inside another nests under its current item; an item whose ordinal
continues an outer series returns to it (一要 二要 [一要 二要 三要] 三是).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol

from .markers import Marker
from .styles import StyleTable


class Event(NamedTuple):
    """A marker in document order: which paragraph, and whether it opens it.

    (Immutable; a NamedTuple because it is built once per marker.)"""

    para: int
    marker: Marker
    at_start: bool
    #: The paragraph before this one ends with a colon (…有以下特征：), so it
    #: introduces this paragraph's list.
    after_lead_in: bool = False
    #: The marker follows a colon that ends a clause of its own, begun after a
    #: full stop (…。今年要采取四项措施：一要…).
    own_lead_in: bool = False
    #: The marker's own paragraph ends with a colon (（六）…抄录几段如下：):
    #: the paragraphs after it are what it introduces.
    ends_lead_in: bool = False
    #: The paragraph holds its heading and nothing else (（一）金融): a
    #: sub-heading, not a numbered paragraph with a body.
    title_only: bool = False


@dataclass(slots=True)
class Built:
    event: Event
    kind: Literal["heading", "item"]  # (models.NodeKind)
    ordinal: int | None
    level: int
    parent: int | None  # index into the built list
    children: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class TreeWarning:
    code: str
    message: str
    para: int


@dataclass(slots=True)
class _Frame:
    node: int
    family: str
    style: str
    ordinal: int
    para: int
    heading: bool
    level: int
    opens_para: bool = False
    #: Its paragraph ends with a colon: the unnumbered paragraphs after it
    #: belong to it (a quotation, the list it introduces).
    ends_lead_in: bool = False
    #: Members of this series so far, and whether each earlier one was a single
    #: paragraph (its body run in, the next member in the next paragraph).
    members: int = 1
    single: bool = True


#: How many paragraphs after the previous item a 最后 may still close a list;
#: a 最后 much later (最后，我再强调…) closes the speech, not the list.
MAX_SEQUENCE_DISTANCE = 3

#: A series needs this many one-paragraph members before paragraphs after its
#: last member are read as belonging to the section above.
MIN_RUN_IN_MEMBERS = 2

#: How far an ordinal may jump ahead and still continue its series (with a warning).
MAX_GAP = 3

#: The deepest level a node may have. Serialisers recurse (orjson stops at 255
#: nested containers, about 125 node levels; pydantic and YAML soon after), so a
#: pathological input (①…①…① in one paragraph, thousands deep) would build a
#: tree nobody can write out. Deeper nodes are placed at this level.
MAX_DEPTH = 100


#: Where a heading's title ends, and an item's.
_HEADING_TITLE_END = re.compile("[。！？]")
_ITEM_TITLE_END = re.compile("[。；！？]")
#: Shorter titles are too common to say an item previews a heading.
MIN_PREVIEW_TITLE = 4
_TITLE_TRIM = "，、：；。！？ \u3000"


class _Paragraph(Protocol):
    @property
    def text(self) -> str: ...


def drop_previews(events: list[Event], paras: Sequence[_Paragraph]) -> list[Event]:
    """Drop in-paragraph items that preview headings: a sentence listing the
    parts to come (报告分六个部分：一、三年来的斗争…；二、…) whose item titles
    come back later as the titles of headings (一、三年来的斗争…, or 第一节
    积极防御… after （一）积极防御…). The headings are the outline; the
    sentence is a table of contents run into the text. (Members that no later
    heading takes up then stand alone and fall as prose.)"""
    if not any(not e.at_start for e in events):
        return events
    # The last paragraph at which each heading title appears.
    last_heading: dict[str, int] = {}
    for e in events:
        if e.at_start:
            text = paras[e.para].text
            m = _HEADING_TITLE_END.search(text, e.marker.end)
            title = text[e.marker.end : m.start() if m else len(text)].strip(_TITLE_TRIM)
            if len(title) >= MIN_PREVIEW_TITLE:
                last_heading[title] = e.para
    if not last_heading:
        return events
    out: list[Event] = []
    for k, e in enumerate(events):
        if not e.at_start:
            text = paras[e.para].text
            stop = len(text)
            if k + 1 < len(events) and events[k + 1].para == e.para:
                stop = events[k + 1].marker.start
            m = _ITEM_TITLE_END.search(text, e.marker.end, stop)
            title = text[e.marker.end : m.start() if m else stop].strip(_TITLE_TRIM)
            if last_heading.get(title, -1) > e.para:
                continue
        out.append(e)
    return out


def _clause_parent(text: str) -> str:
    """The clause a multi-level number belongs to (5.2 for 5.2.1; a marker
    with no dot inside, 一、 or （1）, belongs to none)."""
    head, dot, _ = text.rstrip(".．").rpartition(".")
    return head if dot and head[-1:].isdigit() else ""


class TreeBuilder:
    def __init__(self, table: StyleTable) -> None:
        self.table = table

    def keep_enumerations(self, events: list[Event]) -> list[Event]:
        """Drop list items that start a series nobody continues: a lone 首先 or
        一是 is prose, not a list. Headings opening paragraphs are kept."""
        # One backward pass: which families have a second item (or a 最后)
        # ahead of this event before the next heading paragraph.
        keep = [True] * len(events)
        seconds: set[str] = set()
        #: A second item opening the next heading's paragraph right after its
        #: marker ((二一)…第一是日本方面。(二二)第二是中国方面。): the list goes on
        #: in the next numbered paragraphs' titles, so its first item is one.
        carried: str | None = None
        for i in range(len(events) - 1, -1, -1):
            e = events[i]
            if self._is_heading(e):
                seconds.clear()
                if carried is not None:
                    seconds.add(carried)
                    carried = None
                if e.marker.ordinal == 2:
                    # 这就是：第一，…。 then a paragraph 第二，…: the list goes on
                    # as paragraphs, so its first item is one.
                    seconds.add(self.table.style(e.marker.style).family)
                continue
            fam = self.table.style(e.marker.style).family
            if e.marker.ordinal == 1 and fam not in seconds:
                keep[i] = False
            if e.marker.ordinal in (2, None):
                seconds.add(fam)
                before = events[i - 1] if i > 0 else None
                if (
                    e.marker.ordinal == 2
                    and before is not None
                    and before.para == e.para
                    and before.marker.end == e.marker.start
                    and self._is_heading(before)
                ):
                    carried = fam
        return [e for e, k in zip(events, keep, strict=True) if k]

    @staticmethod
    def _close_run_in_series(stack: list[_Frame], e: Event, last_para: int) -> None:
        """Close a series of one-paragraph headings when unnumbered paragraphs follow.

        When every member so far ran its body into its own paragraph
        (（一）…。（二）…。 one paragraph each), paragraphs after the last one
        that carry no marker belong to the section above: a list that comes
        after them (我们也清醒看到…：一是…) is not the last member's.
        """
        h = next((f for f in reversed(stack) if f.heading), None)
        if (
            h is not None
            and h.members >= MIN_RUN_IN_MEMBERS
            and h.single
            and not h.ends_lead_in
            and last_para == h.para
            and e.para >= h.para + 2
            and not (e.marker.ordinal is not None and e.marker.ordinal == h.ordinal + 1)
        ):
            del stack[stack.index(h) :]

    def _hoists(self, stack: list[_Frame], j: int, built: list[Built], e: Event) -> bool:
        """Does the member ``e`` going on the series at ``stack[j]`` take the
        sub-heading right above as its parent, instead of returning beside it?

        Only a title-only heading of a style above the member's in the
        conventional order (（一） above 1.), opened as the last member's only
        child so far: the order of appearance alone put it there."""
        if len(stack) != j + 2:
            return False
        hf = stack[j + 1]
        hb = built[hf.node]
        style = self.table.style
        return (
            hf.heading
            and hb.event.title_only
            and not hb.children
            and hb.parent == stack[j].node
            and e.at_start
            and style(hf.style).rank < style(e.marker.style).rank
        )

    def _last_members(
        self, events: list[Event]
    ) -> tuple[list[int], dict[tuple[int, str, int], int]]:
        """For :meth:`build` on merged paragraphs: the stretch between
        headings each event is in, and the last event of each (stretch,
        style, ordinal)."""
        stretch: list[int] = []
        last: dict[tuple[int, str, int], int] = {}
        k = 0
        for i, e in enumerate(events):
            if self._is_heading(e):
                k += 1
            stretch.append(k)
            if e.marker.ordinal is not None:
                last[(k, e.marker.style, e.marker.ordinal)] = i
        return stretch, last

    def _is_heading(self, e: Event) -> bool:
        return e.at_start and self.table.style(e.marker.style).heading

    def build(
        self,
        events: list[Event],
        resets: frozenset[int] = frozenset(),
        cut_out: frozenset[int] = frozenset(),
        merged: frozenset[int] = frozenset(),
    ) -> tuple[list[Built], list[TreeWarning]]:
        """Build the tree. ``resets`` are paragraphs (annex labels) after which
        every open series is closed: an appendix numbers from the top level.
        ``cut_out`` are paragraphs opening with a marker cut out of the line
        before them (…。第一，…): a series member whose line holds them is
        still a single paragraph of the text. ``merged`` are paragraphs of a
        text that lost its line structure, which may hold what were several
        paragraphs (a section on one line)."""
        built: list[Built] = []
        pending = sorted(resets, reverse=True)
        warnings: list[TreeWarning] = []
        stack: list[_Frame] = []
        too_deep: list[int] = []
        #: The last heading ordinal of each family in the speech: a heading
        #: that goes on from it under a new parent (4. opening 二、 after 1.–3.
        #: under 一、, 第四章 opening 第二篇) belongs to a series that runs
        #: through the document. Whether a series runs is read from the
        #: document's own count, for any style; ``Style.running`` (第N条)
        #: only adds that gaps in such a style are reported as gaps.
        running_last: dict[str, int] = {}
        runs: set[str] = set()  # families seen running on across a heading

        def add(
            e: Event,
            ordinal: int,
            parent: _Frame | None,
            heading: bool,
            family: str,
            prev: _Frame | None = None,
        ) -> _Frame:
            if parent is not None and parent.level >= MAX_DEPTH:
                if not too_deep:  # once: a hostile input may do it a million times
                    too_deep.append(e.para)
                    warn("too-deep", f"{e.marker.text} nests deeper than {MAX_DEPTH} levels", e)
                parent = pop_to(MAX_DEPTH - 1)  # the stack is the chain of open ancestors
            level = parent.level + 1 if parent else 1
            idx = len(built)
            built.append(
                Built(e, "heading" if heading else "item", ordinal, level,
                      parent.node if parent else None)
            )
            if parent is not None:
                built[parent.node].children.append(idx)
            fr = _Frame(
                idx, family, e.marker.style, ordinal, e.para, heading, level, e.at_start,
                e.at_start and e.ends_lead_in,
            )
            if prev is not None:
                fr.members = prev.members + 1
                # (No paragraph between, or none cut out at all: answered
                # without a generator, as most members are.)
                fr.single = prev.single and (
                    e.para <= prev.para + 1
                    or (bool(cut_out) and all(i in cut_out for i in range(prev.para + 1, e.para)))
                )
            stack.append(fr)
            if heading:
                running_last[family] = ordinal
            return fr

        def warn(code: str, msg: str, e: Event) -> None:
            warnings.append(TreeWarning(code, msg, e.para))

        def pop_to(k: int) -> _Frame | None:
            """Close frames above and including index k; return the new parent."""
            del stack[k:]
            return stack[-1] if stack else None

        def top_heading() -> int:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k].heading:
                    return k
            return -1

        last_para = -1
        later: tuple[list[int], dict[tuple[int, str, int], int]] | None = None
        for ei, e in enumerate(events):
            if pending and pending[-1] < e.para:
                while pending and pending[-1] < e.para:
                    pending.pop()
                stack.clear()
                running_last.clear()
                runs.clear()
            if e.para >= last_para + 2:  # (the series can only close after a gap)
                self._close_run_in_series(stack, e, last_para)
            last_para = e.para
            mk = e.marker
            style = self.table.style(mk.style)
            fam = style.family
            heading = e.at_start and style.heading
            k = mk.ordinal
            if heading and style.top_level:
                # Notes after the body (注释: 〔1〕…) are at the top level; a
                # list right under a heading (七、参考资料 [1]…) is its child.
                j = next((j for j, f in enumerate(stack) if f.family == fam), None)
                if j is not None:
                    del stack[j + 1 :]
                elif not (stack and stack[-1].heading and stack[-1].para == e.para - 1):
                    stack.clear()
            top = stack[-1] if stack else None
            if top is not None and k is not None and top.family == fam and top.ordinal + 1 == k:
                # The common case, and the first the search below would find:
                # the innermost open series goes on.
                add(e, k, pop_to(len(stack) - 1), heading, fam, top)
                continue
            # Items may only continue the innermost heading's series (①… ②)
            # or item series below it; headings any series of their family.
            lo = 0 if heading else max(0, top_heading())
            same = [j for j in range(len(stack) - 1, lo - 1, -1) if stack[j].family == fam]

            if k is None:  # 最后: next in the open sequence, if it is near
                if not same or e.para - stack[same[0]].para > MAX_SEQUENCE_DISTANCE:
                    continue
                j = same[0]
                ordinal = stack[j].ordinal + 1
                parent = pop_to(j)
                add(e, ordinal, parent, heading, fam)
                continue

            cont = next((j for j in same if stack[j].ordinal + 1 == k), None)
            if cont is not None and heading and self._hoists(stack, cont, built, e):
                # 4. （一）金融 5.: paragraph numbers run through a sub-heading
                # that the order put under 4.; the count says it holds 5.
                prev = stack[cont]
                hf = stack[cont + 1]
                hb, jb = built[hf.node], built[prev.node]
                jb.children.remove(hf.node)
                hb.parent, hb.level = jb.parent, jb.level
                if jb.parent is not None:
                    built[jb.parent].children.append(hf.node)
                hf.level = jb.level
                del stack[cont:]
                stack.append(hf)
                add(e, k, hf, True, fam, prev)
                runs.add(fam)
                continue
            if cont is not None:
                prev = stack[cont]
                parent = pop_to(cont)
                add(e, k, parent, heading, fam, prev)
                continue

            if k == 1:
                if heading:
                    if same:  # the same family restarts: a new series beside the old
                        j = same[-1] if stack[same[-1]].heading else same[0]
                        before = built[stack[j].node].event.marker.text
                        if _clause_parent(before) != _clause_parent(mk.text):
                            pass  # 5.2.1 after 5.1.5: the number says a new parent
                        elif stack[j].ordinal == 1:
                            warn("duplicate", f"{mk.text} repeats ordinal 1", e)
                        else:
                            warn("series-restart", f"{mk.text} starts its numbering again", e)
                        parent = pop_to(j)
                    else:
                        parent = pop_to(top_heading() + 1)
                    add(e, 1, parent, True, fam)
                    continue
                top = stack[-1] if stack else None
                nest = False
                if top is not None and not top.heading:
                    if top.para == e.para:
                        # A list inside the paragraph an item opens elaborates
                        # it (三要…。…四个提高：一是…). Inside running text,
                        # 二要…。…一要…二要… nests, but a list with a lead-in
                        # sentence of its own (…。今年要采取四项措施：一要…) or
                        # 三是… then 一要… is a new list.
                        other_kind = top.family == fam and top.style != mk.style
                        nest = top.opens_para or not (other_kind or e.own_lead_in)
                        ask = e.para in merged if nest else other_kind and not e.own_lead_in
                        if ask:
                            # What were several paragraphs, their breaks lost,
                            # or a list of another kind right after an item
                            # (一是…，一要…二要…。二是…): the list nests in
                            # the item before it only if the item's own list
                            # goes on after it, before the next heading
                            # (三是… 一要… 二要… 四是); else it is a list of
                            # its own.
                            if later is None:
                                later = self._last_members(events)
                            key = (later[0][ei], top.style, top.ordinal + 1)
                            nest = later[1].get(key, -1) > ei
                    else:
                        # A list of another kind right after an item and its
                        # lead-in (其次是…。…特征：一是…) elaborates that item;
                        # a list of the same kind in a new paragraph is a new list.
                        nest = (
                            top.family != fam
                            and e.after_lead_in
                            and e.para - top.para <= 2
                        )
                if nest:
                    add(e, 1, top, False, fam)
                else:
                    parent = pop_to(top_heading() + 1)
                    add(e, 1, parent, False, fam)
                continue

            # k > 1 and no series to continue: a gap, a duplicate, or prose.
            # Headings continue their open series across any gap; items only
            # across a small one (a far-off 五是 in running text is prose).
            reach = k if heading else MAX_GAP
            near = next((j for j in same if stack[j].ordinal < k <= stack[j].ordinal + reach), None)
            dup = next((j for j in same if stack[j].ordinal == k), None)
            if near is not None:
                warn("gap", f"{mk.text} follows ordinal {stack[near].ordinal}: numbering skips", e)
                parent = pop_to(near)
                add(e, k, parent, heading, fam)
            elif dup is not None:
                warn("duplicate", f"{mk.text} repeats ordinal {k}", e)
                parent = pop_to(dup)
                add(e, k, parent, heading, fam)
            elif heading:
                last = running_last.get(fam)
                if k == (last or 0) + 1:
                    runs.add(fam)  # the numbering runs on under a new heading
                elif last is None or not (style.running or fam in runs):
                    warn("start-not-one", f"{mk.text} starts a series at {k}, not at one", e)
                elif k > last + 1:
                    warn("gap", f"{mk.text} follows ordinal {last}: numbering skips", e)
                elif k <= last:
                    warn("duplicate" if k == last else "series-restart",
                         f"{mk.text} comes after ordinal {last}", e)
                parent = pop_to(top_heading() + 1)
                add(e, k, parent, True, fam)
            # an item out of any series is an ordinal in prose: not a node
        return built, warnings
