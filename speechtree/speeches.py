"""Speeches stage: where each speech of a file starts, its title, its contents block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markers import Marker
from .segment import Para
from .styles import StyleTable

_GENRE = re.compile(
    r"(?:讲话|报告|致辞|发言|演讲|讲稿|说明|总结|意见|决定|通知|贺词|贺信|提纲|纪要|白皮书|行动)"
    r"(?:（[^）]{0,12}）)?(?:\[[^\]]{0,6}\])?$"
)
_GENRE_IN = re.compile(r"讲话|报告|致辞|发言|演讲|讲稿|说明|贺词|会议上|大会上")
_SENTENCE = re.compile(r"[。！？；]")
_ANNEX = re.compile(
    r"(?:(?:附件|附录|附表)[0-9一二三四五六七八九十]*[：:]?.{0,24}|名词解释|名词注释|注释|注解)[：:]?"
)
#: Every text is_annex accepts starts with one of these: a cheap test first
#: (it is asked of nearly every paragraph).
ANNEX_START = frozenset("附名注")
_NOT_TITLE_START = ("——", "来源", "时间", "发表", "发布", "当前位置", "作者", "编辑", "【")


@dataclass
class SpeechPlan:
    """One speech: the paragraphs ``[start, end)`` and the roles of some of them."""

    start: int
    end: int = 0
    label: str | None = None
    label_para: int | None = None
    title_para: int | None = None
    contents: set[int] = field(default_factory=set)


def is_salutation(text: str) -> bool:
    return len(text) <= 30 and text[-1] in "：！" and not _SENTENCE.search(text[:-1])


def _is_subtitle(text: str) -> bool:
    """——在全县农村工作会议上的讲话: the line under a speech's own title."""
    return text.startswith("——") and len(text) <= 80 and _GENRE_IN.search(text) is not None


def is_annex(text: str) -> bool:
    """附件1, 附件2：名词解释, 名词解释: after it, numbering starts from the top again."""
    return text[:1] in ANNEX_START and _ANNEX.fullmatch(text) is not None


def is_title_like(text: str) -> bool:
    return (
        4 <= len(text) <= 60
        and not _SENTENCE.search(text)
        and text[-1] not in "：，、"
        and not text.startswith(_NOT_TITLE_START)
    )


def is_genre_title(text: str) -> bool:
    return is_title_like(text) and _GENRE.search(text) is not None


def _short_plain(p: Para) -> bool:
    return len(p.text) <= 60 and not _SENTENCE.search(p.text[:-1])


def plan_speeches(
    paras: list[Para], leads: list[Marker | None], table: StyleTable, *, split: bool
) -> tuple[list[SpeechPlan], int]:
    """Speech plans in order, and how many leading paragraphs belong to none."""
    n = len(paras)
    if n == 0:
        return [], 0
    all_labels = (
        [i for i, mk in enumerate(leads) if mk is not None and mk.is_label] if split else []
    )
    labels = _drop_repeated_labels(all_labels, leads)
    labels = _drop_container_labels(labels, paras, leads)

    starts: list[tuple[int, int | None]] = [(i, i) for i in labels]
    if split:
        starts = _add_title_starts(starts, all_labels, paras, leads, table)
    if not starts:
        plans = [SpeechPlan(0)]
        unplaced = 0
    else:
        plans = [SpeechPlan(s, label_para=lp) for s, lp in starts]
        unplaced = plans[0].start
        if plans[0].label_para is None:
            # Found by its title: whatever comes before is the speech before it.
            if plans[0].start > 0:
                plans.insert(0, SpeechPlan(0))
            unplaced = 0
    for k, plan in enumerate(plans):
        plan.end = plans[k + 1].start if k + 1 < len(plans) else n
        if plan.label_para is not None:
            mk = leads[plan.label_para]
            assert mk is not None
            plan.label = mk.text.rstrip("，、：")
    return plans, unplaced


def _drop_repeated_labels(labels: list[int], leads: list[Marker | None]) -> list[int]:
    """A label that appears again later (a compilation's own table of contents,
    or a preview) yields to its last appearance."""
    last: dict[tuple[str, int | None], int] = {}
    for i in labels:
        mk = leads[i]
        assert mk is not None
        last[(mk.style, mk.ordinal)] = i
    return [i for i in labels if last[(leads[i].style, leads[i].ordinal)] == i]  # type: ignore[union-attr]


def _drop_container_labels(
    labels: list[int], paras: list[Para], leads: list[Marker | None]
) -> list[int]:
    """第二篇 right before 篇一 (only a title or two between) holds speeches; it is not one."""
    keep: list[int] = []
    for k, i in enumerate(labels):
        nxt = labels[k + 1] if k + 1 < len(labels) else None
        if (
            nxt is not None
            and nxt - i <= 4
            and leads[nxt] is not None
            and leads[i] is not None
            and leads[nxt].style != leads[i].style  # type: ignore[union-attr]
            and all(_short_plain(paras[j]) for j in range(i + 1, nxt))
        ):
            continue
        keep.append(i)
    return keep


def _add_title_starts(
    starts: list[tuple[int, int | None]],
    all_labels: list[int],
    paras: list[Para],
    leads: list[Marker | None],
    table: StyleTable,
) -> list[tuple[int, int | None]]:
    """Speeches written one after another without labels: a speech-title line
    (…的讲话, or any title over a ——在…上的讲话 subtitle), after a speech that
    already has numbered content, followed closely by a salutation, a series
    that starts again at one, or that subtitle."""
    label_at = {s for s, _ in starts}
    out = list(starts)
    label_set = set(all_labels)
    seen_heading = False
    region_start = 0
    for i, p in enumerate(paras):
        if i in label_at:
            seen_heading = False
            region_start = i
            continue
        mk = leads[i]
        if mk is not None and not mk.is_label:
            seen_heading = True
            continue
        if not seen_heading or i - region_start < 3 or not 4 <= len(p.text) <= 60:
            continue  # (a title, genre or over a subtitle, is title-like: 4–60 long)
        subtitled = i + 1 < len(paras) and _is_subtitle(paras[i + 1].text)
        if not (is_genre_title(p.text) or (subtitled and is_title_like(p.text))):
            continue
        # Near a compilation label the title belongs to that label's speech;
        # an annex (附件：…的说明) belongs to the speech it is appended to.
        if any(j in label_set for j in range(i - 3, i + 5)) or any(
            is_annex(paras[j].text) for j in range(max(0, i - 3), i)
        ):
            continue
        window = range(i + 1, min(len(paras), i + 6))
        opens = subtitled or any(is_salutation(paras[j].text) for j in window) or any(
            leads[j] is not None
            and not leads[j].is_label  # type: ignore[union-attr]
            and table.style(leads[j].style).heading  # type: ignore[union-attr]
            and leads[j].ordinal == 1  # type: ignore[union-attr]
            for j in window
        )
        if opens:
            out.append((i, None))
            seen_heading = False
            region_start = i
    out.sort()
    return out


def choose_title(plan: SpeechPlan, paras: list[Para], leads: list[Marker | None]) -> int | None:
    """The paragraph that is the speech's title, if one is."""
    first = plan.start
    if plan.label_para is not None:
        first = plan.label_para + 1
        if first < plan.end and leads[first] is None and is_title_like(paras[first].text):
            return first
        return None
    best: int | None = None
    for j in range(first, plan.end):
        p = paras[j]
        if leads[j] is not None or is_salutation(p.text) or _SENTENCE.search(p.text):
            break
        if is_genre_title(p.text):
            return j
        if best is None and is_title_like(p.text) and len(p.text) >= 6:
            best = j
    return best


def find_contents(paras: list[Para], leads: list[Marker | None], table: StyleTable) -> set[int]:
    """Paragraphs of a table of contents or an outline preview.

    A run of at least three short heading-only paragraphs is a contents block
    when most of its headings appear again later as headings, or when it
    follows a 目录 line.
    """
    out: set[int] = set()
    n = len(paras)
    last_at: dict[tuple[str, int | None, str], int] = {}
    for i, mk in enumerate(leads):
        if mk is not None and not mk.is_label:
            last_at[_key(mk, paras[i].text)] = i

    toc = [mk is not None and _toc_line(p, mk, table) for p, mk in zip(paras, leads, strict=True)]
    i = 0
    while i < n:
        if not toc[i]:
            i += 1
            continue
        j = i
        marked: list[int] = []
        while j < n and (
            toc[j] or (len(paras[j].text) <= 20 and not _SENTENCE.search(paras[j].text))
        ):
            if toc[j]:
                marked.append(j)
            j += 1
        # A 目录 line may sit a few short lines (前言) above the first entry.
        mulu = next(
            (
                k
                for k in range(i - 1, max(-1, i - 4), -1)
                if paras[k].text in ("目录", "目次", "提纲", "目錄")
            ),
            None,
        )
        after_mulu = mulu is not None and all(len(paras[k].text) <= 10 for k in range(mulu, i))
        if len(marked) >= 3 or (after_mulu and marked):
            repeated = 0
            for k in marked:
                mk = leads[k]
                assert mk is not None
                if last_at.get(_key(mk, paras[k].text), -1) >= j:
                    repeated += 1
            if after_mulu or repeated >= 0.6 * len(marked):
                out.update(range(mulu if mulu is not None and after_mulu else i, j))
        i = max(j, i + 1)
    return out


def _key(mk: Marker, text: str) -> tuple[str, int | None, str]:
    return (mk.style, mk.ordinal, text[mk.end : mk.end + 8])


def _toc_line(p: Para, mk: Marker | None, table: StyleTable) -> bool:
    """A heading with no body: at most a stray fragment after its full stop
    (a line broken off the paragraph below, …短板。1)."""
    if mk is None or mk.is_label or not table.style(mk.style).heading or len(p.text) > 60:
        return False
    stop = _SENTENCE.search(p.text)
    return stop is None or len(p.text) - stop.end() <= 3
