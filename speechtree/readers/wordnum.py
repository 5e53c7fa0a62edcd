"""Reader stage (.docx): Word's automatic numbering, counted as Word counts it.

``word/numbering.xml`` holds abstract lists (``w:abstractNum``: up to nine
levels, each with a start value, a number format, a text such as ``（%1）``
and when it restarts) and list instances (``w:num``) that point to one and
may override a level's start. A paragraph takes part in a list through
``w:numPr`` (its own, or its style's). This module turns that into the
marker a reader of the document sees.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TW_LEGAL = "零壹貳參肆伍陸柒捌玖"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """Counting numerals: 1 一, 10 十, 11 十一, 20 二十, 101 一百零一."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        if not (value == 10 and d == 1 and not parts and digits is _CN_DIGITS):
            parts.append(digits[d])
        parts.append(unit)
    return "".join(parts)


def _letters(n: int) -> str:
    """a … z, aa … zz, aaa …: Word repeats the letter."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _enclosed(n: int, first: int, last: int, fallback: str) -> str:
    return chr(first + n - 1) if 1 <= n <= last else fallback.format(n)


def format_number(n: int, fmt: str) -> str:
    """``n`` in the Word number format ``fmt`` (``w:numFmt``)."""
    if fmt in ("decimal", "decimalHalfWidth", "ordinal", "cardinalText", "ordinalText"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(_FULLWIDTH)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        if 1 <= n <= 20:
            return chr(0x2460 + n - 1)
        return str(n)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474, 20, "({})")
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488, 20, "{}.")
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting"):
        return _chinese(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand",
               "koreanDigital"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return _chinese(n, _TW_LEGAL, "拾佰仟")
    if fmt == "ideographTraditional":
        return _HEAVENLY[n - 1] if 1 <= n <= 10 else str(n)
    if fmt == "ideographZodiac":
        return _EARTHLY[n - 1] if 1 <= n <= 12 else str(n)
    if fmt == "ideographEnclosedCircle":
        return _enclosed(n, 0x3280, 10, "{}")
    if fmt == "ideographZodiacTraditional":
        return _HEAVENLY[(n - 1) % 10] + _EARTHLY[(n - 1) % 12] if n >= 1 else str(n)
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)  # hex, chicago and the rest: rare in Chinese documents


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    #: Restart after a level below this one (0-based) is used; None: after any
    #: higher level (Word's default); 0: never.
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


def _val(el: ET.Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(W + "val", default)


def _int(el: ET.Element | None, default: int) -> int:
    v = _val(el)
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


def _on(el: ET.Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    return el is not None and el.get(W + "val", "1") not in ("0", "false", "off")


def _level(el: ET.Element) -> Level:
    restart_el = el.find(W + "lvlRestart")
    return Level(
        start=_int(el.find(W + "start"), 1),
        fmt=_val(el.find(W + "numFmt"), "decimal") or "decimal",
        text=_val(el.find(W + "lvlText"), "") or "",
        restart=None if restart_el is None else _int(restart_el, 0),
        legal=_on(el.find(W + "isLgl")),
        suffix=_val(el.find(W + "suff"), "tab") or "tab",
        style=_val(el.find(W + "pStyle")),
    )


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, Level] = field(default_factory=dict)  # whole-level overrides


_BULLET_PUA = re.compile(r"[\uf000-\uf8ff]")
_ENDS_OPEN = re.compile(r"[\s、，．.。:：）)\]】」』〕]$")


class Numbering:
    """The lists of one document and their counters, fed paragraph by paragraph."""

    def __init__(
        self, root: ET.Element | None, style_num: Mapping[str, tuple[str | None, int | None]]
    ) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum with numStyleLink → style id
        self.style_links: dict[str, str] = {}  # style id → abstractNum that defines it
        self.nums: dict[str, _Num] = {}
        self.style_num = style_num
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        if root is not None:
            self._load(root)

    def _load(self, root: ET.Element) -> None:
        for an in root.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId", "")
            self.abstract[aid] = {
                _int_attr(lv, "ilvl"): _level(lv) for lv in an.findall(W + "lvl")
            }
            link = _val(an.find(W + "numStyleLink"))
            if link:
                self.links[aid] = link
            slink = _val(an.find(W + "styleLink"))
            if slink:
                self.style_links[slink] = aid
        for num in root.iter(W + "num"):
            nid = num.get(W + "numId", "")
            n = _Num(_val(num.find(W + "abstractNumId"), "") or "")
            for ov in num.findall(W + "lvlOverride"):
                ilvl = _int_attr(ov, "ilvl")
                so = ov.find(W + "startOverride")
                if so is not None:
                    n.starts[ilvl] = _int(so, 1)
                lv = ov.find(W + "lvl")
                if lv is not None:
                    n.levels[ilvl] = _level(lv)
            self.nums[nid] = n

    def _abstract_of(self, num: _Num) -> str:
        aid = num.abstract
        # A list defined through a numbering style: follow the link once.
        style = self.links.get(aid)
        if style is not None:
            target = self.style_links.get(style)
            if target is not None:
                return target
            snum = self.style_num.get(style)
            if snum and snum[0] in self.nums:
                return self.nums[snum[0]].abstract
        return aid

    def level_for_style(self, num_id: str, style: str | None) -> int:
        """The level a style-linked paragraph without ``w:ilvl`` is at."""
        num = self.nums.get(num_id)
        if num is not None and style is not None:
            for ilvl, lv in self.abstract.get(self._abstract_of(num), {}).items():
                if lv.style == style:
                    return ilvl
        return 0

    def _lvl(self, num: _Num, aid: str, ilvl: int) -> Level:
        return num.levels.get(ilvl) or self.abstract.get(aid, {}).get(ilvl) or Level()

    def marker(self, num_id: str, ilvl: int) -> str | None:
        """Count one paragraph of list ``num_id`` at level ``ilvl`` and return
        its marker with the gap after it (None when the list does not exist)."""
        num = self.nums.get(num_id)
        if num is None or not 0 <= ilvl <= 8:
            return None
        aid = self._abstract_of(num)
        levels = [self._lvl(num, aid, i) for i in range(9)]
        # Instances of one abstract list share its counters (so a list goes
        # on across them), except where an instance overrides a start: there
        # the count starts again at its first paragraph.
        counts = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.seen:
            self.seen.add(num_id)
            for lvl_i, start in num.starts.items():
                if 0 <= lvl_i <= 8:
                    counts[lvl_i] = start - 1
        cur = counts[ilvl]
        counts[ilvl] = (levels[ilvl].start if cur is None else cur + 1)
        for d in range(ilvl + 1, 9):
            r = levels[d].restart
            if r is None or ilvl < r:
                counts[d] = None
        lv = levels[ilvl]
        if lv.fmt == "bullet":
            text = _BULLET_PUA.sub("•", lv.text) or "•"
        else:
            def sub(m: re.Match[str]) -> str:
                k = int(m.group(1)) - 1
                if not 0 <= k <= 8:
                    return ""
                value = counts[k]
                if value is None:
                    value = levels[k].start
                fmt = "decimal" if lv.legal and k != ilvl else levels[k].fmt
                return format_number(value, fmt)

            text = re.sub(r"%([1-9])", sub, lv.text)
        if not text:
            return ""
        if lv.suffix == "nothing" or _ENDS_OPEN.search(text):
            return text
        return text + " "


def _int_attr(el: ET.Element, name: str) -> int:
    try:
        return int(el.get(W + name, "0"))
    except ValueError:
        return 0
