"""Marker styles: the one ordered table of named styles speechtree knows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum


class Inline(str, Enum):
    """Where a style may stand inside a paragraph (not at its start)."""

    NEVER = "never"  # block headings only: 一、 mid-sentence is prose
    BOUNDARY = "boundary"  # right after punctuation: ：（1）…；（2）…
    WORD = "word"  # after punctuation or a word that does not swallow the numeral: 今后一是要
    ANYWHERE = "anywhere"  # ① needs no lead-in


@dataclass(frozen=True)
class Style:
    """One marker style.

    ``name`` is the rule name in ``grammars/markers.lark``. ``family`` groups
    styles whose series continue each other (``一要 二要 三是``). ``heading``
    styles open a paragraph as a block heading; the others are list items,
    which only count when a second item follows. ``rank`` is the
    GB/T 9704 order (lower is higher in the outline); the tree builder does
    not use it — levels come from each document's own numbering — but lint
    does. A ``running`` style numbers through a whole speech instead of
    starting again under each parent (第一条 … 第七条 across 第一章, 第二章).
    """

    name: str
    example: str
    family: str
    heading: bool
    inline: Inline
    rank: int
    description: str
    running: bool = False
    #: Characters the marker may not follow (十二、 holds no 二、): the
    #: scanners look behind the marker for them (``speechtree/shapes.py``).
    not_after: str = ""
    #: A look-ahead the text after the marker must pass (``(?![0-9.])``: 1.5
    #: is a figure, not 1.), also written into the scanners.
    then: str = ""
    #: Items of a list after the body (notes): at the top level, unless the
    #: list comes right under a heading of its own.
    top_level: bool = False
    #: A block style (``inline`` NEVER) that may still enumerate inside a
    #: paragraph as a list opened after a colon and counted on in the same
    #: paragraph (…三个问题：一、能不能打；二、能不能守): only in such a run.
    listed: bool = False


#: Chinese numeral characters (a marker's numeral does not continue one).
NUMERALS = "一二三四五六七八九十百零〇○"
_NUM = NUMERALS
_FIGURE = "0123456789."
#: What may not follow a clause number (5.1, 5.1.1): more digits, or a unit
#: that makes it a figure (2.5亿, 3.5%).
_CLAUSE_THEN = "(?![0-9.%％万亿千倍元个年月日号米吨])"
#: A year after an item number is the item's text, not more of a figure
#: (附件：1.2024年度检查表; 1.5亿 is a figure).
_NOT_FIGURE = "(?!(?:19|20)[0-9]{2}年)"
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: What must follow a bare chapter number (1　范围): a space, then not a
#: figure or its unit (1 9 9 7 年, 12 月, 3 名).
_CHAPTER_THEN = "(?=[ \u3000]+[^ \u30000-9.%％年月日号个名人次元万亿千倍米吨])"

STYLES: tuple[Style, ...] = (
    Style("stem_dun", "甲、", "stem_dun", True, Inline.NEVER, 0, "heavenly stem",
          not_after="甲乙丙丁戊己庚辛壬癸"),
    Style("paren_stem", "（甲）", "paren_stem", True, Inline.NEVER, 0, "heavenly stem in brackets"),
    Style("roman", "Ⅰ、", "roman", True, Inline.NEVER, 0, "Roman numeral",
          not_after=_LATIN, then="(?![A-Za-z0-9])"),
    Style("di_part", "第一部分", "di_part", True, Inline.NEVER, 0, "part"),
    Style("di_chapter", "第一章", "di_chapter", True, Inline.NEVER, 0, "chapter"),
    Style("di_section", "第一节", "di_section", True, Inline.NEVER, 1, "section"),
    Style("di_topic", "第一个问题：", "di_topic", True, Inline.NEVER, 1, "numbered topic"),
    Style("cn_dun", "一、", "cn_dun", True, Inline.NEVER, 1, "GB/T level 1",
          not_after=_NUM, listed=True),
    Style("cn_dot", "一.", "cn_dun", True, Inline.NEVER, 1, "level 1, non-standard dot",
          not_after=_NUM, then="(?![0-9.])"),
    # Its own family: a document headed 一　…二　… (or a numeral alone on its
    # line) numbers the lists inside its sections 一、二、 (a new series).
    Style("cn_bare", "一", "cn_bare", True, Inline.NEVER, 1,
          "bare numeral before spaces or alone in its paragraph, short heading",
          not_after=_NUM, then="(?=[ \u3000]|$)"),
    Style("di_article", "第一条", "di_article", True, Inline.NEVER, 2, "article",
          running=True),
    Style("paren_cn", "（一）", "paren_cn", True, Inline.BOUNDARY, 2, "GB/T level 2"),
    Style("di_comma", "第一，", "di_comma", True, Inline.BOUNDARY, 2, "ordinal word"),
    Style("arabic_dot", "1.", "arabic_dot", True, Inline.BOUNDARY, 3, "GB/T level 3",
          not_after=_FIGURE, then=f"(?!{_NOT_FIGURE}[0-9.])"),
    Style("arabic_dun", "1、", "arabic_dot", True, Inline.NEVER, 3, "level 3, 、 form",
          not_after=_FIGURE, then=f"(?!{_NOT_FIGURE}[0-9])", listed=True),
    Style("decimal1", "5", "decimal1", True, Inline.NEVER, 2,
          "chapter number of a standard before its title (5　要求)",
          not_after=_FIGURE, then=_CHAPTER_THEN),
    Style("decimal2", "5.1", "decimal2", True, Inline.NEVER, 3, "clause number 5.1",
          not_after=_FIGURE, then="(?=[ \u3000])"),  # 2.5 alone is a figure
    Style("decimal3", "5.1.1", "decimal3", True, Inline.NEVER, 4, "clause number 5.1.1",
          not_after=_FIGURE, then=_CLAUSE_THEN),
    Style("decimal4", "5.1.1.1", "decimal4", True, Inline.NEVER, 5, "clause number 5.1.1.1",
          not_after=_FIGURE, then=_CLAUSE_THEN),
    Style("paren_arabic", "（1）", "paren_arabic", True, Inline.BOUNDARY, 4, "GB/T level 4"),
    Style("paren_num", "⑴", "paren_arabic", True, Inline.BOUNDARY, 4, "（1） as one character"),
    Style("arabic_rparen", "1）", "paren_arabic", True, Inline.BOUNDARY, 4, "half bracket",
          not_after=_FIGURE),
    Style("latin_rparen", "a）", "latin_rparen", True, Inline.NEVER, 4,
          "list item of a standard (GB/T 1.1)", not_after=_LATIN),
    Style("circled", "①", "circled", True, Inline.ANYWHERE, 5, "below （1）"),
    Style("shi", "一是", "directive", False, Inline.WORD, 6, "一是…二是…",
          not_after=_NUM),
    Style("yao", "一要", "directive", False, Inline.WORD, 6, "一要…二要…",
          not_after=_NUM),
    Style("di_shi", "第一是", "di_shi", False, Inline.BOUNDARY, 6, "第一是…第二是…"),
    Style("qi", "其一", "qi", False, Inline.BOUNDARY, 6, "其一…其二…",
          not_after="尤极", then="(?=[，、：是])"),
    Style("qi_again", "又其一", "qi", False, Inline.BOUNDARY, 6, "其一…又其一…",
          then="(?=[，、：是])"),
    Style("fangmian", "一方面", "fangmian", False, Inline.WORD, 6, "一方面…"),
    Style("fangmian_other", "另一方面", "fangmian", False, Inline.WORD, 6, "…另一方面"),
    Style("fangmian_again", "又一方面", "fangmian", False, Inline.BOUNDARY, 6, "一方面…又一方面…"),
    Style("sequence", "首先", "sequence", False, Inline.BOUNDARY, 6, "首先…其次…最后",
          then="(?=[，：是要])"),
    Style("note", "〔1〕", "note", True, Inline.NEVER, 7, "note or reference number",
          top_level=True),
    # A standard's annex (GB/T 1.1: 附录A, then （规范性） and its title) is a
    # division of the document like a chapter, numbered by its letter: at
    # the top level, its lists under it. Only as a label line, not in a
    # sentence (附录A给出了…). 附件1 of a notice stays a label (not a node).
    Style("annex", "附录A", "annex", True, Inline.NEVER, 1, "lettered annex of a standard",
          then="(?=[ \u3000（(]|$)", top_level=True),
)

#: Compilation labels (第一篇 / 篇一) open speeches, not outline nodes.
LABEL_STYLES: frozenset[str] = frozenset({"label_di", "label_pian"})


class StyleTable:
    """Lookup over an ordered style table; can be narrowed by name."""

    def __init__(self, styles: Iterable[Style] = STYLES) -> None:
        self._styles = tuple(styles)
        self._by_name = {s.name: s for s in self._styles}
        #: ``table.style(name)`` is ``table[name]`` as a bound dict method, for
        #: the hot paths (a Python ``__getitem__`` costs three times as much).
        self.style: Callable[[str], Style] = self._by_name.__getitem__

    def __iter__(self) -> Iterator[Style]:
        return iter(self._styles)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Style:
        return self._by_name[name]

    def without(self, names: Iterable[str]) -> StyleTable:
        drop = set(names)
        unknown = drop - set(self._by_name)
        if unknown:
            raise KeyError(f"unknown style(s): {', '.join(sorted(unknown))}")
        return StyleTable(s for s in self._styles if s.name not in drop)

    def names(self) -> list[str]:
        return [s.name for s in self._styles]


DEFAULT_TABLE = StyleTable()
