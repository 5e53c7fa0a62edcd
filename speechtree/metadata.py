"""Metadata stage: who gave a speech, when, where, at which meeting, as its text says.

Read from the speech's own lines, never guessed (not from a file name, not
from what a speech of that kind usually says): the head (title, the lines
before the first outline node, up to the salutation) and the last lines
(a news agency's dateline, the paper and page that printed it). Each field
keeps the span it was read from; a field the text does not state is null.

The forms read (each has a fixture in tests/cases_metadata/):

- subtitle ``——在全市经济工作会议上的讲话``, also with a date and speaker in it
  (``——2025年1月16日省长 李乐成在…会议上的讲话``) or broken over two lines;
- a dateline: ``（2020年2月23日）``, ``二〇二〇年二月二十三日``, ``2020年10月29日上午``,
  ``（2020年6月）`` (kept partial: ``2020-06``), ``2020年2月23日于北京`` (with
  the place), ``时间：2026-02-02`` (the publication date: used only when no
  other date is given);
- a byline: a name alone (``习　近　平``), an office and a name
  (``××市委书记 张三``, ``国务院总理`` over ``李　强``), a name opening the title
  (``胡锦涛在…大会上的讲话``), an office alone in the title (``市长在…``);
- the occasion, from ``在…会议上的讲话`` / ``在…会议上`` / ``在…时的讲话``;
- the origin of a scraped text: ``来源：`` ``出处：`` ``原标题：``, and at the end
  ``（来源：人民网）``, ``《人民日报》（2020年03月07日 02版）``;
- a 公文's signature at its end: the issuer on a line of its own over the
  date it was made (``某某镇人民政府`` / ``二〇二三年十一月二十日``), when no
  earlier line gives a date;
- a news dispatch ``（新华社北京3月6日电）``: the place, and the date, its year
  taken from the paper's date in the same text when it is printed within a
  month after (else kept as ``--03-06``, a date without a year).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, fields

from .buildcache import Patterns
from .clean import clean_title
from .models import Block, MetaField, Span, SpeechMetadata, new_span
from .offsets import line_starts
from .whitespace import WHITESPACE

# (The constructors do not validate: every value is the reader's own, as in parser.py.)
_new_span = new_span  # (positional: start, end, line, end_line)
_new_field = MetaField
_new_metadata = SpeechMetadata

#: Common Chinese surnames: a name alone on a line must start with one (a
#: two-character line such as 下载 or 收藏 is page clutter, not a byline).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟"
    "应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀"
    "郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼满闻厉伊仝郜阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿狄"
    "计索宣晋相初云容敬扈晁芮都阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危"
    "亢嵇哈湛宾戎勾茅於呼揭尉冶斯束檀衣展阴昝幸奉衡尧习宁"
)

#: Office words a role ends with (市委书记, 省长, 国务院总理, 校长 …).
_OFFICE = (
    r"(?:总书记|书记|总理|主席|省长|市长|县长|区长|州长|盟长|旗长|镇长|乡长|部长|厅长|局长|处长|"
    r"主任|委员长|委员|校长|院长|会长|理事长|董事长|总经理|经理|秘书长|司令员|政委|行长|署长|"
    r"关长|台长|社长|馆长|所长|组长|园长)"
)
_HAN = r"[\u4e00-\u9fff]"
_SP = "[" + re.escape(WHITESPACE) + "]"
#: A name: two to four Han characters, with the spaces typesetting puts
#: between them (习　近　平, 王 琛).
_NAME = rf"{_HAN}(?:{_SP}{{0,3}}{_HAN}){{1,3}}"
_ROLE = rf"[^\s，。；：、（）()《》“”]{{0,20}}?{_OFFICE}"

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}
_CN_Y = "[〇零○Ｏ一二三四五六七八九]"
_CN_N = "[一二三四五六七八九十]{1,3}"
_AR_DATE = r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
_CN_DATE = rf"(?P<cy>{_CN_Y}{{4}})年(?P<cm>{_CN_N})月(?:(?P<cd>{_CN_N})日)?"
_ISO_DATE = r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
#: The patterns below, compiled in an earlier process when it can (buildcache).
_re = Patterns("metadata")
_DATE = _re(f"{_AR_DATE}|{_CN_DATE}|{_ISO_DATE}")

#: A line that is a date and at most a time of day or a place: （2020年2月23日）,
#: 2020年10月29日上午, 二〇二〇年二月二十三日, 2020年2月23日于北京.
_DATELINE = _re(
    rf"[（(]?\s*(?P<date>{_AR_DATE}|{_CN_DATE})\s*"
    rf"(?:[，,、]?\s*(?:于\s*)?(?P<place>{_HAN}{{2,6}}?))??\s*"
    r"(?:上午|下午|晚上|晚|早上)?\s*[）)]?"
)
_PAREN_DATE = _re(rf"[（(]\s*(?P<date>{_AR_DATE}|{_CN_DATE})\s*[）)]")
#: A time of day after a date (10:20, 10:20:05).
_TIME = r"(?:\s*[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2})?)?"
_PUBLISHED = _re(
    rf"(?:发布|发表|更新|发稿)?(?:时间|日期)[：:]\s*(?P<date>{_ISO_DATE}|{_AR_DATE}){_TIME}"
)
_SUBTITLE = _re(r"[—－-]{1,2}\s*(?P<rest>.+)", re.S)
_OCCASION = _re(
    r"在(?P<occ>[^，。；：！？]{2,60}?(?:会议|大会|会|典礼|仪式|式|论坛|峰会|活动|年会))"
    r"(?:[上时]|(?=研究|讨论|审议|听取))"
)
_OCCASION_LOOSE = _re(
    r"在(?P<occ>[^，。；：！？]{2,60}?)[上时]的(?:重要|主旨|总结)?(?:讲话|报告|致辞|发言|演讲|说明)"
)
#: An office word anywhere: every pattern with a role needs one, and one
#: search says a text holds none (a role is tried from each of up to twenty
#: characters before each of forty office words).
_OFFICE_IN = _re(_OFFICE)
_ROLE_NAME_AT = _re(rf"(?P<role>{_ROLE}){_SP}*(?P<name>{_NAME}?)(?:在|作|同志)")
_NAME_AT = _re(rf"^(?P<name>{_NAME}?)(?:同志)?在")
_ROLE_AT = _re(rf"^(?P<role>{_ROLE})在")
_ROLE_NAME_LINE = _re(rf"(?P<role>{_ROLE}){_SP}*(?P<name>{_NAME})")
_ROLE_LINE = _re(rf"(?P<role>{_ROLE})")
_NAME_LINE = _re(rf"(?P<name>{_NAME})")
_NAME_AFTER_PAREN = _re(rf"[）)]{_SP}*(?P<name>{_NAME})$")
#: The keys that name where a text comes from.
_SOURCE_KEYS = "来源|出处|稿件来源|文章来源|原标题|转自|本文来源"
_SOURCE = _re(
    rf"[（(【\[]?\s*(?P<key>{_SOURCE_KEYS})\s*[：:]\s*(?P<v>[^）)】\]]*)"
)
_SALUTATION = _re(
    r"(?:同志们|代表|朋友们|老师|同学|家长|先生|女士|来宾|大家|各位|职工|乡亲|嘉宾)[^。]{0,20}[：！:!]$"
)
_DISPATCH = _re(
    r"[（(]\s*新华社\s*(?P<place>[\u4e00-\u9fff]{2,8}?)\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*电\s*[）)]"
)
_PAPER = _re(
    r"《\s*(?P<outlet>[^》\n]{2,16}?)\s*》\s*[（(]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月"
    r"\s*(?P<d>\d{1,2})\s*日[^）)\n]{0,12}[）)]"
)
_TAIL_SOURCE = _re(r"[（(]\s*来源\s*[：:]\s*(?P<v>[^）)\n]{2,40}?)\s*[）)]")
#: The keys of a scraped page's field line (来源：… 发布时间：… 作者：…).
_FIELD_KEYS = (
    rf"(?:{_SOURCE_KEYS}|作者|编辑|责任编辑|浏览次数|点击数"
    r"|(?:发布|发表|更新|发稿)?(?:时间|日期))\s*[：:]"
)
_FIELD = _re(_FIELD_KEYS)
#: A scrape's bare date and time (2024-05-08 10:20), its publication date.
_STAMP = _re(rf"(?P<date>{_ISO_DATE}){_TIME}")
#: Another field after a space on the same line.
_NEXT_FIELD = _re(rf"(?<=[ \t\u3000]){_FIELD_KEYS}")
#: A paragraph gap inside a line (　　 between a title and its body).
#: (Each alternative opens with one plain character, so re searches from one
#: of the three to the next in C; ``[\u3000]{2,}`` first made it try every
#: alternative at every character.)
_GAP = _re("\u3000\u3000+|\r\n?|\n")
_HEAD_LONG = 80
_TAIL_CHARS = 400
#: A 公文's signature: the issuer on a short line of its own over the date
#: it was made (成文日期), alone on its line: 某某省人民政府办公厅 / 2023年6月1日.
_SIGNED = _re(
    rf"\n[ \t\u3000]*(?P<issuer>{_HAN}[^\n。！？；：，]{{1,29}})[ \t\u3000]*\r?\n"
    rf"[ \t\u3000]*(?P<date>{_AR_DATE}|{_CN_DATE})[ \t\u3000]*(?=\r?\n|$)"
)


@dataclass
class _Piece:
    """A line (or a stretch between paragraph gaps) of the original, stripped."""

    text: str
    start: int


def _pieces(original: str, a: int, b: int) -> Iterator[_Piece]:
    pos = a
    for m in _GAP.finditer(original, a, b):
        yield from _piece(original, pos, m.start())
        pos = m.end()
    yield from _piece(original, pos, b)


def _piece(original: str, a: int, b: int) -> Iterator[_Piece]:
    raw = original[a:b]
    stripped = raw.strip(WHITESPACE)
    if not stripped:
        return
    start = a + len(raw) - len(raw.lstrip(WHITESPACE))
    # A scraped page's line of fields (发布时间：2024-05-08 来源：市政府办公室):
    # each field a piece of its own, read as if it stood on its own line.
    cuts = [m.start() for m in _NEXT_FIELD.finditer(stripped)]
    if not cuts or (_FIELD.match(stripped) is None and _STAMP.match(stripped) is None):
        yield _Piece(stripped, start)
        return
    for x, y in zip([0, *cuts], [*cuts, len(stripped)], strict=True):
        field = stripped[x:y].rstrip(WHITESPACE)
        if field:
            yield _Piece(field, start + x)


def _cn_number(s: str) -> int:
    """一 … 三十一 (days and months)."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def iso_date(m: re.Match[str]) -> str | None:
    """The ISO 8601 form of a date match, as precise as the text: 2020-02-23, 2020-06."""
    g = m.groupdict()
    if g.get("y"):
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"]) if g.get("d") else None
    elif g.get("cy"):
        y = int("".join(str(_CN_DIGIT[c]) for c in g["cy"]))
        mo = _cn_number(g["cm"])
        d = _cn_number(g["cd"]) if g.get("cd") else None
    elif g.get("iy"):
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
    else:
        return None
    if not 1 <= mo <= 12 or (d is not None and not 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if d is not None else "")


class _Reader:
    def __init__(self, original: str, lines: list[int] | None = None) -> None:
        self.original = original
        self.lines = line_starts(original) if lines is None else lines
        self.found: dict[str, MetaField] = {}
        self.weak_date: MetaField | None = None

    def span(self, a: int, b: int) -> Span:
        return _new_span(a, b, bisect_right(self.lines, a), bisect_right(self.lines, max(a, b - 1)))

    def put(self, field: str, value: str | None, a: int, b: int) -> bool:
        """Record ``field`` unless already read (the first statement wins)."""
        if value is None or field in self.found:
            return False
        value = clean_title(value) if field not in ("speaker", "date") else value
        if field == "speaker":
            value = "".join(value.split())
        if not value:
            return False
        self.found[field] = _new_field(value=value, span=self.span(a, b))
        return True

    def put_group(self, field: str, m: re.Match[str], group: str, base: int,
                  value: str | None = None) -> bool:
        a, b = m.span(group)
        return self.put(field, m.group(group) if value is None else value, base + a, base + b)

    # -- pieces of the head ----------------------------------------------------

    def date_in(self, p: _Piece, m: re.Match[str] | None, group: str = "date") -> bool:
        if m is None:
            return False
        dm = _DATE.search(m.group(group))
        if dm is None:
            return False
        return self.put_group("date", m, group, p.start, iso_date(dm))

    def people_in(self, text: str, base: int) -> None:
        """Role and name in a subtitle or a title (省长 李乐成在…, 胡锦涛在…, 市长在…)."""
        office = _OFFICE_IN.search(text) is not None
        m = _ROLE_NAME_AT.search(text) if office else None
        if m and self._is_name(m.group("name")):
            self.put_group("speaker_role", m, "role", base)
            self.put_group("speaker", m, "name", base)
            return
        m = _NAME_AT.search(text)
        if m and self._is_name(m.group("name")):
            self.put_group("speaker", m, "name", base)
            return
        m = _ROLE_AT.search(text) if office else None
        if m:
            self.put_group("speaker_role", m, "role", base)

    def occasion_in(self, text: str, base: int) -> None:
        m = _OCCASION.search(text) or _OCCASION_LOOSE.search(text)
        if m:
            self.put_group("occasion", m, "occ", base)

    @staticmethod
    def _is_name(name: str) -> bool:
        bare = "".join(name.split())
        return 2 <= len(bare) <= 4 and bare[0] in SURNAMES

    def byline(self, p: _Piece, nxt: _Piece | None) -> bool:
        """A name, an office and a name, or an office over a name on the next line."""
        t = p.text
        if _OFFICE_IN.search(t) is None:
            return False  # (both shapes need an office)
        m = _ROLE_NAME_LINE.fullmatch(t)
        if m and self._is_name(m.group("name")):
            self.put_group("speaker_role", m, "role", p.start)
            self.put_group("speaker", m, "name", p.start)
            return True
        m = _ROLE_LINE.fullmatch(t)
        if m and nxt is not None:
            n = _NAME_LINE.fullmatch(nxt.text)
            if n and self._is_name(n.group("name")):
                self.put_group("speaker_role", m, "role", p.start)
                self.put_group("speaker", n, "name", nxt.start)
                return True
        return False

    def head(self, pieces: list[_Piece], title_at: int | None) -> None:
        anchors: set[int] = set() if title_at is None else {title_at}
        names: list[int] = []
        i = 0
        while i < len(pieces):
            p = pieces[i]
            t = p.text
            nxt = pieces[i + 1] if i + 1 < len(pieces) else None
            if len(t) > _HEAD_LONG:
                break  # the body has begun
            if self._source(p, nxt):
                i += 1
                continue
            pm = _PUBLISHED.fullmatch(t) or _STAMP.fullmatch(t)
            if pm:
                dm = _DATE.search(pm.group("date"))
                if dm is not None and self.weak_date is None:
                    a, b = pm.span("date")
                    v = iso_date(dm)
                    if v:
                        self.weak_date = _new_field(
                            value=v, span=self.span(p.start + a, p.start + b)
                        )
            elif re.fullmatch(r"(?:发布|发表|更新)?(?:时间|日期)[：:]", t) and nxt is not None:
                dm = _DATE.match(nxt.text)
                if dm is not None and self.weak_date is None and (v := iso_date(dm)):
                    self.weak_date = _new_field(
                        value=v, span=self.span(nxt.start + dm.start(), nxt.start + dm.end())
                    )
                i += 2
                continue
            sm = _SUBTITLE.fullmatch(t) if t.startswith(("—", "－")) else None
            if sm:
                a, b = p.start, p.start + len(t)
                rest = sm.group("rest")
                # A subtitle broken over two lines: 在广东省第十四届 / 人民代表大会…上
                if ("在" in rest and not re.search(r"[上时](?:的\S*)?$", rest) and nxt is not None
                        and len(nxt.text) <= 40 and re.search(r"[上时](?:的\S*)?$", nxt.text)):
                    b = nxt.start + len(nxt.text)
                    i += 1
                text = self.original[a:b]
                self.put("subtitle", text[sm.start("rest"):], a + sm.start("rest"), b)
                self.date_in_text(text, a)
                self.people_in(_after_date(text), a + len(text) - len(_after_date(text)))
                self.occasion_in(text, a)
                anchors.add(i)
                i += 1
                continue
            dl = _DATELINE.fullmatch(t)
            if dl:
                self.date_in(p, dl)
                if dl.group("place"):
                    self.put_group("place", dl, "place", p.start)
                anchors.add(i)
                i += 1
                continue
            if _DATE.match(t) and "在" in t and len(t) <= _HEAD_LONG:
                # 2025年1月14日在…会议上省长毛伟明作政府工作报告。
                self.date_in_text(t, p.start)
                self.occasion_in(t, p.start)
                self.people_in(_after_occasion(t), p.start + len(t) - len(_after_occasion(t)))
                anchors.add(i)
                i += 1
                continue
            if i == title_at:
                pd = _PAREN_DATE.search(t)
                if pd:
                    self.date_in(p, pd)
                    after = _NAME_AFTER_PAREN.search(t)
                    if after and self._is_name(after.group("name")):
                        self.put_group("speaker", after, "name", p.start)
                self.people_in(t, p.start)
                self.occasion_in(t, p.start)
                i += 1
                continue
            if self.byline(p, nxt):
                anchors.update((i, i + 1))
                i += 1
                continue
            if _NAME_LINE.fullmatch(t) and self._is_name(t):
                names.append(i)
            if _SALUTATION.search(t):
                break
            i += 1
        for k in names:  # a name alone counts only beside the title, a date, a byline
            if anchors & {k - 1, k + 1}:
                p = pieces[k]
                if self.put("speaker", p.text, p.start, p.start + len(p.text)):
                    break

    def date_in_text(self, text: str, base: int) -> None:
        dm = _DATE.search(text)
        if dm is not None:
            self.put("date", iso_date(dm), base + dm.start(), base + dm.end())

    def _source(self, p: _Piece, nxt: _Piece | None) -> bool:
        m = _SOURCE.match(p.text)
        if m is None:
            return False
        field = "original_title" if m.group("key") == "原标题" else "source"
        if m.group("v").strip(WHITESPACE):
            self.put_group(field, m, "v", p.start)
        elif nxt is not None and len(nxt.text) <= 30 and not _SOURCE.match(nxt.text):
            self.put(field, nxt.text, nxt.start, nxt.start + len(nxt.text))  # 来源： / 宁夏日报
        return True

    # -- the last lines --------------------------------------------------------

    def tail(self, a: int, b: int) -> None:
        base = max(a, b - _TAIL_CHARS)
        text = self.original[base:b]
        paper = None
        for m in _PAPER.finditer(text):
            paper = m
        if paper is not None:
            self.put_group("source", paper, "outlet", base)
        for m in _TAIL_SOURCE.finditer(text):
            self.put_group("source", m, "v", base)
        dispatch = None
        for m in _DISPATCH.finditer(text):
            dispatch = m
        if dispatch is None:
            signed = None
            for m in _SIGNED.finditer(text):
                signed = m
            if signed is not None and (dm := _DATE.fullmatch(signed.group("date"))):
                self.put_group("date", signed, "date", base, iso_date(dm))
            return
        self.put_group("place", dispatch, "place", base)
        mo, d = int(dispatch.group("m")), int(dispatch.group("d"))
        year = None
        if paper is not None:  # the paper's date gives the dispatch its year
            py, pm, pd = (int(paper.group(k)) for k in "ymd")
            if (pm, pd) >= (mo, d) and pm - mo <= 1:
                year = py
            elif pm == 1 and mo == 12:
                year = py - 1
        if 1 <= mo <= 12 and 1 <= d <= 31:
            value = f"{year:04d}-{mo:02d}-{d:02d}" if year else f"--{mo:02d}-{d:02d}"
            da, db = dispatch.span("m")[0], dispatch.end("d") + 1
            self.put("date", value, base + da, base + db)


def _after_date(text: str) -> str:
    dm = _DATE.search(text)
    return text[dm.end():] if dm else text


def _after_occasion(text: str) -> str:
    m = _OCCASION.search(text) or _OCCASION_LOOSE.search(text)
    return text[m.end():] if m else text


FIELDS = tuple(f.name for f in fields(SpeechMetadata))


def read_metadata(
    original: str, span: Span, title_span: Span | None, preamble: list[Block],
    lines: list[int] | None = None,
) -> SpeechMetadata:
    """The facts a speech's title, preamble and closing lines state.
    ``lines``: the line starts of ``original`` (:func:`line_starts`), when
    the caller has them: a compilation of many speeches would otherwise
    count the lines of the whole text once per speech."""
    r = _Reader(original, lines)
    # The head's lines: its blocks but the label and any table of contents
    # (which say nothing about the speech), and the title.
    regions = [(b.span.start, b.span.end) for b in preamble if b.kind not in ("contents", "label")]
    if title_span is not None and (title_span.start, title_span.end) not in regions:
        regions.append((title_span.start, title_span.end))
    pieces = [p for a, b in sorted(regions) for p in _pieces(original, a, b)]
    title_at = None
    if title_span is not None:
        title_at = next((k for k, p in enumerate(pieces) if p.start >= title_span.start), None)
    r.head(pieces, title_at)
    r.tail(span.start, span.end)
    if "date" not in r.found and r.weak_date is not None:
        r.found["date"] = r.weak_date
    return _new_metadata(**{f: r.found.get(f) for f in FIELDS})


_re.save()  # (after the last pattern: a no-op unless one was compiled afresh)
