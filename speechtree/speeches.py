"""Speeches stage: where each speech of a file starts, its title, its contents block."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from .markers import Marker, Recognizer
from .segment import DOC_NUMBER, QUOTED_NAME, Para
from .styles import StyleTable

_GENRE = re.compile(
    r"(?:讲话|报告|致辞|发言|演讲|讲稿|说明|总结|意见|决定|通知|贺词|贺信|提纲|纪要|白皮书|行动)"
    r"(?:（[^）]{0,12}）)?(?:\[[^\]]{0,6}\])?$"
)
_GENRE_IN = re.compile(r"讲话|报告|致辞|发言|演讲|讲稿|说明|贺词|会议上|大会上")
_SENTENCE = re.compile(r"[。！？；]")
_ANNEX = re.compile(
    r"(?:(?:附件|附录|附表)[0-9一二三四五六七八九十]*[：:]?[^。！？；]{0,24}|名词解释|名词注释|注释|注解)[：:]?"
)
#: Every text is_annex accepts starts with one of these: a cheap test first
#: (it is asked of nearly every paragraph).
ANNEX_START = frozenset("附名注")
_NOT_TITLE_START = ("——", "来源", "时间", "发表", "发布", "当前位置", "作者", "编辑", "【")
_YEAR = r"(?:[0-9]{4}|[一二三四五六七八九〇○零O]{4})年"
#: A date line under a title: （二〇一九年三月五日）, (一九五○年十二月——…), or
#: a bare 2016年3月4日 (maybe with its source after it).
_DATE_LINE = re.compile(
    rf"[（(]{_YEAR}[^（）()。]{{0,30}}[)）]|{_YEAR}[0-9一二三四五六七八九十]{{1,3}}月[^。！？]{{0,40}}"
)
#: A source or origin line of a scraped or collected text.
_SOURCE_LINE = re.compile(r"(?:出处|来源|原标题|原载|作者|发布时间|发布日期)[：:]")
_ORIGINAL_TITLE = ("原标题：", "原标题:")
#: An item number of a collection on a line of its own (031): a label, not a node.
_ITEM_NUMBER = re.compile(r"[0-9]{1,4}")


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
    return (
        text[:1] in ANNEX_START
        and _ANNEX.fullmatch(text) is not None
        and not _SENTENCE.search(text)  # 附录B给出了…。 is a sentence, not a label
    )


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
    paras: list[Para], leads: list[Marker | None], table: StyleTable, *, split: bool,
    contents: AbstractSet[int] = frozenset(),
) -> tuple[list[SpeechPlan], int]:
    """Speech plans in order, and how many leading paragraphs belong to none
    (``contents``: the paragraphs of a table of contents)."""
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
        starts = _add_dated_starts(starts, paras, leads)
    if not starts:
        plans = [SpeechPlan(0)]
        unplaced = 0
    else:
        plans = [SpeechPlan(s, label_para=lp) for s, lp in starts]
        unplaced = plans[0].start
        if plans[0].label_para is None or _holds_headings(leads, table, unplaced, contents):
            # Found by its title: whatever comes before is the speech before it.
            if plans[0].start > 0:
                plans.insert(0, SpeechPlan(0))
            unplaced = 0
    for k, plan in enumerate(plans):
        plan.end = plans[k + 1].start if k + 1 < len(plans) else n
        if plan.label_para is not None:
            mk = leads[plan.label_para]
            text = paras[plan.label_para].text if mk is None else mk.text
            plan.label = text.rstrip("，、：")
    return plans, unplaced


def _holds_headings(
    leads: list[Marker | None], table: StyleTable, end: int, contents: AbstractSet[int]
) -> bool:
    """Do the paragraphs before ``end`` (the first label) hold a numbered
    series of headings, outside a table of contents? Then they are a text of
    their own, not a compilation's front matter: its outline is not to be
    dropped."""
    seen: set[tuple[str, int]] = set()
    for i, mk in enumerate(leads[:end]):
        if mk is None or mk.is_label or mk.ordinal is None or i in contents:
            continue
        fam = table.style(mk.style).family
        if (fam, mk.ordinal - 1) in seen:
            return True
        seen.add((fam, mk.ordinal))
    return False


def is_date_line(text: str) -> bool:
    """（一九三九年五月一日）, 2016年3月4日 来源：新华网: the date under a title."""
    return len(text) <= 48 and _DATE_LINE.fullmatch(text) is not None


#: A scrape's date and time before its source: 2024-04-15 10:02　来源：…
_STAMP = re.compile(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?:[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2})?)?"
)


def _is_source_line(text: str) -> bool:
    if len(text) > 80:
        return False
    stamp = _STAMP.match(text)
    return _SOURCE_LINE.match(text, stamp.end() if stamp else 0) is not None


def _is_body(p: Para) -> bool:
    return len(p.text) >= 20 and _SENTENCE.search(p.text) is not None


def _is_item_number(p: Para) -> bool:
    return p.starts_line and p.ends_line and _ITEM_NUMBER.fullmatch(p.text) is not None


def _heads_text(paras: list[Para], i: int, leads: list[Marker | None]) -> bool:
    """Is paragraph ``i`` the title of a text of its own: a title line with
    its date or source line right under it (a byline may sit between), and
    a body after that (a signature over a bare date ends a text instead)?"""
    p = paras[i]
    n = len(paras)
    if leads[i] is not None or not (2 <= len(p.text) <= 60) or _SENTENCE.search(p.text):
        return False
    if p.text[-1] in "：，、" or p.text.startswith(_NOT_TITLE_START) or is_date_line(p.text):
        return False
    if p.text[0] in "（(" and p.text[-1] in "）)":
        return False  # （征求意见稿）: a note line, not a title
    if _is_item_number(p):
        return False  # 032 over a title: the text's label, not its title
    for j in (i + 1, i + 2):
        if j >= n:
            return False
        t = paras[j].text
        if _is_source_line(t) or (t[0] in "（(" and is_date_line(t)):
            return True
        if is_date_line(t):
            # A bare date: a body must follow it, not the end of a text. A
            # short body is a lead-in to a list (会议研究了以下事项：); a
            # closing's labels (附件： 抄送： 联系人：) are shorter.
            nxt = paras[j + 1].text if j + 1 < n else ""
            if nxt.startswith(("（《", "(《")):
                return False
            return len(nxt) >= 20 or (len(nxt) > 4 and nxt[-1] in "：:")
        if j == i + 2 or len(t) > 30 or _SENTENCE.search(t):
            return False
    return False


def _original_title_opens(paras: list[Para], i: int) -> bool:
    """A scrape's 原标题：… line between a body above and a body below: the
    next text, reposted without its own title line, begins there."""
    return (
        paras[i].text.startswith(_ORIGINAL_TITLE)
        and 0 < i < len(paras) - 1
        and _is_body(paras[i - 1])
        and _is_body(paras[i + 1])
    )


def _source_opens(paras: list[Para], i: int, leads: list[Marker | None]) -> bool:
    """A scrape's source line above the next text's title (…。 / 2024-06-05
    来源：… / 县长调研… / 6月4日，…): between a body above and a title over a
    body below, it opens that text."""
    if not (0 < i < len(paras) - 2) or not _is_source_line(paras[i].text):
        return False
    title, body = paras[i + 1], paras[i + 2]
    return (
        paras[i].text[0] not in "（(【["  # （来源：…） closes the text above
        and _is_body(paras[i - 1])
        and leads[i + 1] is None
        and is_title_like(title.text)
        and not _is_source_line(title.text)
        and _is_body(body)
    )


def _add_dated_starts(
    starts: list[tuple[int, int | None]], paras: list[Para], leads: list[Marker | None]
) -> list[tuple[int, int | None]]:
    """Texts collected one after another without labels: each opens with its
    title over a date or source line (an item number 031 may stand above the
    title). A text whose title the one before it names in 《》 (a notice that
    issues a plan) is part of it, not a text of its own."""
    # (Its first test inline: most paragraphs are marked or longer than a title.)
    heads = [
        i
        for i, p in enumerate(paras)
        if leads[i] is None
        and 2 <= len(p.text) <= 60
        and (
            _heads_text(paras, i, leads)
            or _original_title_opens(paras, i)
            or _source_opens(paras, i, leads)
        )
    ]
    if not heads:
        return starts
    taken = {s for s, _ in starts}
    near_label = {j for s, lp in starts if lp is not None for j in range(s, s + 4)}
    out = list(starts)
    region = 0  # where the current text starts
    last_head = -10
    for i in heads:
        at = i - 1 if i > 0 and _is_item_number(paras[i - 1]) else i
        close = i - last_head < 3  # (a title and its subtitle over one date)
        last_head = i
        if at < i and (i, None) in out and at not in taken:
            # Found by its title already: the item number above is its label.
            out[out.index((i, None))] = (at, at)
            taken.add(at)
            region = at
            continue
        if at in taken or i in near_label or (at == 0 and at == i) or (close and at == i):
            continue
        if at == i and not any(_is_body(paras[k]) for k in range(region, i)):
            continue  # (still the head of the text before: status and date lines)
        quoted = "《" + paras[i].text.rstrip("*") + "》"
        if at == i and any(quoted in paras[k].text for k in range(region, i)):
            continue
        out.append((at, at if at < i else None))
        taken.add(at)
        region = at
    out.sort()
    return out


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
    found: int | None = None  # the title the head gives, once the search settles
    settled = False
    past_fields = False  # a date, source or field line after a candidate title
    best: int | None = None
    for j in range(first, plan.end):
        p = paras[j]
        if leads[j] is not None or _SENTENCE.search(p.text):
            break
        if is_salutation(p.text) and not _is_field_label(paras, leads, j):
            break
        if (
            past_fields
            and j + 1 < plan.end
            and _is_subtitle(paras[j + 1].text)
            and is_title_like(p.text)
        ):
            return j  # over its ——在…上的讲话, under a page's headline and fields
        if (found is not None or best is not None) and (
            is_date_line(p.text) or _is_source_line(p.text) or _is_field_label(paras, leads, j)
        ):
            past_fields = True
        if settled:
            continue
        if is_date_line(p.text):
            if best is None and j > first and len(paras[j - 1].text) >= 2:
                found = j - 1 if leads[j - 1] is None else None  # 论持久战 over its date
                settled = True
            continue
        if is_genre_title(p.text) or (p.text.startswith("关于") and is_title_like(p.text)):
            found, settled = j, True  # (关于…的若干措施: a 公文's title, whatever its kind)
        elif (
            best is None
            and is_title_like(p.text)
            and len(p.text) >= 6
            and not _is_masthead(p.text)
            and len(_HAN.findall(p.text)) * 2 >= len(p.text)  # not ICS 27.120.99
            # (a source line is none; 原标题： is the nearest a repost has)
            and (not _is_source_line(p.text) or p.text.startswith(_ORIGINAL_TITLE))
        ):
            best = j
    return found if settled else best


def _is_field_label(paras: list[Para], leads: list[Marker | None], j: int) -> bool:
    """备案号： over NB, 标题： over the title, 索引号： over its number: a field of
    the document's head whose value is the next line, not a salutation (after
    同志们： or 各省、自治区人民政府： the next line is text: a sentence)."""
    t = paras[j].text
    if len(t) > 8 or t[-1] not in "：:" or j + 1 >= len(paras) or leads[j + 1] is not None:
        return False
    value = paras[j + 1].text
    return len(value) <= 60 and not _SENTENCE.search(value) and "，" not in value


#: A standard's class over its title: 中华人民共和国能源行业标准.
_STANDARD_CLASS = re.compile(r".{0,12}(?:国家|行业|地方|团体|企业)标准")
#: The separators of a web page's navigation trail: 首页 > 新闻中心 > 要闻.
_TRAIL = re.compile(r"\s*[>＞»›]\s*")


def _is_masthead(text: str) -> bool:
    """The issuer's mark over a 公文 (某某省人民政府办公厅文件) or a standard's
    class (…地方标准), an issue number, or a saved page's navigation trail:
    the head of the document, not its title."""
    if (text.endswith("文件") and "关于" not in text) or _STANDARD_CLASS.fullmatch(text):
        return True
    parts = _TRAIL.split(text)
    if len(parts) >= 2 and all(0 < len(part) <= 12 for part in parts):
        return True
    return DOC_NUMBER.fullmatch(text) is not None  # 国办发〔2023〕12号


def title_span(
    paras: list[Para], leads: list[Marker | None], j: int, start: int, end: int
) -> tuple[int, int]:
    """First and last paragraph of the title found at ``j``: a title broken
    over two lines (关于正确处理 / 人民内部矛盾的问题, PDF layout) above its date
    line is one title, whichever of its lines was found."""
    if j - 1 >= start and _title_pair(paras, leads, j - 1, end):
        return j - 1, j
    if _title_pair(paras, leads, j, end):
        return j, j + 1
    if j - 1 >= start and _title_head(paras, leads, j - 1):
        return j - 1, j
    return j, j


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _title_head(paras: list[Para], leads: list[Marker | None], j: int) -> bool:
    """Is paragraph ``j`` the first line of the genre title under it (核电厂定期
    安全评价 第1部分：通用要求 / 编制说明; 中共某县委 某县人民政府 / 关于…的意见)?
    A line of its own right above, mostly Chinese, that no reader takes for a
    number, date, status or salutation line — and only where the genre line
    lacks a subject of its own (关于…, or a bare genre: 编制说明); a full title
    (《…》白皮书) does not go on a series line above it (…学习材料第六专题)."""
    a, b = paras[j], paras[j + 1]
    t = a.text
    return (
        leads[j] is None
        and (
            (b.text.startswith("关于") and is_title_like(b.text))
            or (len(b.text) <= 8 and is_genre_title(b.text))
        )
        and not is_genre_title(t)
        and is_title_like(t)
        and len(t) <= 40
        and b.starts_line
        and a.ends_line
        and not b.blank_before
        and b.line == a.end_line + 1
        and t[0] not in "（(《“"
        and "〔" not in t
        and not is_date_line(t)
        and not _is_source_line(t)
        and len(_HAN.findall(t)) >= 0.7 * len(t)
    )


def _title_pair(paras: list[Para], leads: list[Marker | None], j: int, end: int) -> bool:
    """Are paragraphs ``j`` and ``j + 1`` one title broken over two lines?"""
    k = j + 1
    if k + 1 >= end or leads[j] is not None or leads[k] is not None:
        return False
    if not is_date_line(paras[k + 1].text):
        return False
    a, b = paras[j], paras[k]
    return (
        len(a.text) <= 12
        and len(_HAN.findall(a.text)) * 2 >= len(a.text)  # not 】 closing a page's toolbar
        and not _is_item_number(a)
        and not is_genre_title(a.text)
        and a.text[-1] not in "，。：；！？、"
        and b.starts_line
        and not b.blank_before
        and b.line == a.end_line + 1
        and 6 <= len(b.text) <= 30
        and is_title_like(b.text)
        and not is_date_line(b.text)
        and b.text[0] not in "（(《"
    )


def find_contents(paras: list[Para], leads: list[Marker | None], table: StyleTable) -> set[int]:
    """Paragraphs of a table of contents or an outline preview.

    A run of at least three short heading-only paragraphs is a contents block
    when most of its headings appear again later as headings, or when it
    follows a 目录 line.
    """
    out: set[int] = set()
    n = len(paras)
    #: Where each heading appears last; read only for a block of three
    #: entries (most texts have none), so built then.
    last_at: dict[tuple[str, int | None, str], int] = {}

    def last_seen(key: tuple[str, int | None, str]) -> int:
        if not last_at:
            for i, mk in enumerate(leads):
                if mk is not None and not mk.is_label:
                    last_at[_key(mk, paras[i].text)] = i
        return last_at.get(key, -1)

    toc = [mk is not None and _toc_line(p, mk, table) for p, mk in zip(paras, leads, strict=True)]
    i = 0
    while i < n:
        if not toc[i]:
            i += 1
            continue
        j = i
        marked: list[int] = []
        listed: set[tuple[str, int | None, str]] = set()
        repeats = 0  # entries at the end of ``marked`` listed before them
        while j < n and (
            toc[j]
            or (
                len(paras[j].text) <= 20
                and not _SENTENCE.search(paras[j].text)
                and not is_salutation(paras[j].text)  # (同志们： opens a text, lists nothing)
            )
        ):
            if toc[j]:
                key = _key(leads[j], paras[j].text)  # type: ignore[arg-type]
                if key in listed and j + 1 < n and not toc[j + 1]:
                    # A contents block lists a heading once: the body begins
                    # at the repeated heading its text follows, or at the few
                    # repeated heading-only lines right above it (第一篇 over
                    # 第一章, both listed; a long run of repeats is no body).
                    if 0 < repeats <= _BODY_HEAD_LINES:
                        j = marked[-repeats]
                        del marked[-repeats:]
                    break
                repeats = repeats + 1 if key in listed else 0
                listed.add(key)
                marked.append(j)
            j += 1
        # A 目录 line may sit a few short lines (前言) above the first entry.
        mulu = next(
            (
                k
                for k in range(i - 1, max(-1, i - 4), -1)
                if _is_contents_title(paras, k)
            ),
            None,
        )
        after_mulu = mulu is not None and all(len(paras[k].text) <= 10 for k in range(mulu, i))
        if len(marked) >= 3 or (after_mulu and marked):
            repeated = 0
            for k in marked:
                mk = leads[k]
                assert mk is not None
                if last_seen(_key(mk, paras[k].text)) >= j:
                    repeated += 1
            if after_mulu or repeated >= 0.6 * len(marked):
                # To its last entry: the short lines after it (前言) open the text.
                out.update(range(mulu if mulu is not None and after_mulu else i, marked[-1] + 1))
        i = max(j, i + 1)
    return out


_PAGE_NUMBER = "0123456789IVXivx\t .…"
#: Heading-only lines that may open a body over its first text (篇, 章, 节).
_BODY_HEAD_LINES = 3


def _key(mk: Marker, text: str) -> tuple[str, int | None, str]:
    # A contents entry ends in its page number (1 范围<TAB>1, 前言 II): the
    # heading it lists does not.
    return (mk.style, mk.ordinal, text[mk.end : mk.end + 8].rstrip(_PAGE_NUMBER))


def _is_contents_title(paras: list[Para], k: int) -> bool:
    """目录 / 目次 (also 目　　次, whose wide gap may split it in two)."""
    text = paras[k].text
    if k > 0 and paras[k - 1].line == paras[k].line:
        text = paras[k - 1].text + text
    return "".join(text.split()) in ("目录", "目次", "提纲", "目錄")


def _toc_line(p: Para, mk: Marker | None, table: StyleTable) -> bool:
    """A heading with no body: at most a stray fragment after its full stop
    (a line broken off the paragraph below, …短板。1)."""
    if mk is None or mk.is_label or not table.style(mk.style).heading or len(p.text) > 60:
        return False
    stop = _SENTENCE.search(p.text)
    return stop is None or len(p.text) - stop.end() <= 3


#: The heading style a part label (第一篇) becomes inside one document.
PART_STYLE = "di_part"


def part_labels(paras: list[Para], table: StyleTable) -> list[int]:
    """Labels (第一篇, 篇一) that divide one document into parts, not a file into speeches.

    The document's own numbering decides: when the top heading series under
    the labels goes on across them (第三章 ends 第一篇, 第四章 opens 第二篇)
    instead of starting again at one, the labelled stretches are parts of one
    text. All labels of that style are then parts, those of a contents block
    listing them too.
    """
    if PART_STYLE not in table:
        return []
    labels = [i for i, p in enumerate(paras) if p.lead is not None and p.lead.is_label]
    if len(labels) < 2:
        return []
    # The body's labels: a label repeated (contents first) counts where it last stands.
    last: dict[tuple[str, int | None], int] = {}
    for i in labels:
        mk = paras[i].lead
        assert mk is not None
        last[(mk.style, mk.ordinal)] = i
    body = sorted(last.values())
    goes_on = restarts = 0
    for k in range(1, len(body)):
        a, b = body[k - 1], body[k]
        end = body[k + 1] if k + 1 < len(body) else len(paras)
        fmk = next(
            (m for m in (_heading(paras[j], table) for j in range(b + 1, end)) if m), None
        )
        if fmk is None or fmk.ordinal is None:
            continue
        fam = table.style(fmk.style).family
        before = [
            m.ordinal
            for m in (_heading(paras[j], table) for j in range(a + 1, b))
            if m is not None and m.ordinal is not None and table.style(m.style).family == fam
        ]
        if not before:
            continue
        if fmk.ordinal > 1 and fmk.ordinal == before[-1] + 1:
            goes_on += 1
        elif fmk.ordinal == 1:
            restarts += 1
    if goes_on == 0 or goes_on < restarts:
        return []
    styles = {paras[i].lead.style for i in body}  # type: ignore[union-attr]
    return [i for i in labels if paras[i].lead.style in styles]  # type: ignore[union-attr]


def prose_labels(paras: list[Para], table: StyleTable) -> list[int]:
    """Labels run into a sentence of prose (第一篇，是从…摘下来的。): a speech
    counting the texts it talks about, not a compilation label. They are
    headings of the speech they stand in."""
    if PART_STYLE not in table:
        return []
    out = []
    for i, p in enumerate(paras):
        mk = p.lead
        if mk is not None and mk.is_label and mk.text[-1] == "，":
            if _SENTENCE.search(p.text, mk.end) is not None and len(p.text) - mk.end > 30:
                out.append(i)
    return out


def _heading(p: Para, table: StyleTable) -> Marker | None:
    """The heading marker that opens ``p``, if one does."""
    mk = p.lead
    return mk if mk is not None and not mk.is_label and table.style(mk.style).heading else None


#: The label of a notice's attachment list: 附件：1.…
_ANNEX_LIST_HEAD = re.compile(r"(?:附件|附录|附表)[：:]")


def split_annex_lists(paras: list[Para], rec: Recognizer) -> list[Para]:
    """``附件：1.重点任务分工表`` → the label and the list's first item as two
    paragraphs: the item is a node like the ``2.`` on the line below it, and the
    label closes the body's numbering before it (an annex restarts it)."""
    out: list[Para] = []
    for p in paras:
        m = _ANNEX_LIST_HEAD.match(p.text) if p.lead is None and p.text[:1] == "附" else None
        mk = rec.leading(p.text, m.end()) if m is not None else None
        if m is None or mk is None or mk.is_label or mk.ordinal != 1 or mk.end >= len(p.text):
            out.append(p)
            continue
        first = p.sub(rec, 0, m.end(), starts_line=p.starts_line, ends_line=False)
        first.blank_before = p.blank_before
        out.append(first)
        out.append(p.sub(rec, m.end(), len(p.text), starts_line=False, ends_line=p.ends_line))
    return out


def attached_titles(
    paras: list[Para], leads: list[Marker | None], start: int, end: int
) -> set[int]:
    """Titles of texts a notice issues (关于印发《…方案》的通知 … 现将《…方案》印发给
    你们 … then the plan itself under its own title): where the attached text
    begins, its numbering starts from the top again, a sibling of the notice's."""
    named: dict[str, int] = {}  # quoted name -> first paragraph naming it
    out: set[int] = set()
    for i in range(start, end):
        text = paras[i].text
        if (
            leads[i] is None
            and 4 <= len(text) <= 60  # (is_title_like's first test: no hashing a long text)
            and named.get(text.rstrip("*"), i) < i - 1
            and is_title_like(text)
        ):
            out.add(i)
        if "《" in text:
            for m in QUOTED_NAME.finditer(text):
                named.setdefault(m.group(1), i)
    return out
