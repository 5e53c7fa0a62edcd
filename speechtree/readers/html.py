"""Reader stage (.html): the article of a saved web page, one paragraph a line.

lxml parses the page (any markup a site serves, quickly); the article is
the element whose paragraphs hold the most running text, scored as
readability does (text length and commas of each paragraph, given to its
parent and half to its grandparent; link-heavy and navigation-like
containers weigh less), and its text is written with a line break at every
``<p>``, ``<br>``, ``<div>`` and other block. The charset comes from the
bytes first: a page that is valid UTF-8 is UTF-8 whatever its ``<meta>``
says (pages re-saved by a browser keep the old declaration), otherwise the
declared charset (GB2312 and GBK read as their superset GB18030), otherwise
the decode stage's detection.
"""

from __future__ import annotations

import codecs
import re
import threading
from typing import Any

from ..decode import decode_bytes
from .base import Extracted, FormatError, require

_SNIFF = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div|br|table|article|section)\b",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "hz-gb-2312"}

#: Elements that never hold the article's text.
_DROP = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "object",
    "embed", "select", "button", "input", "textarea", "nav", "aside", "footer", "head",
)
#: Elements whose end is a line break in the text.
_BLOCKS = frozenset((
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "dd", "dt", "dl", "pre", "center", "form", "hr",
    "header", "main", "figure", "figcaption", "tbody", "thead", "address", "caption",
))
_SCORED = ("p", "td", "pre", "div", "li", "section", "article", "font", "span")
_NEGATIVE = re.compile(
    r"nav|menu|foot|header|share|breadcrumb|crumb|sidebar|toolbar|copyright|login|search|"
    r"related|recommend|comment|banner|tips|print|links?\b|friend|bottom|topbar|qrcode|sweep",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"article|content|text|main|body|detail|zoom|con\b|ucap|trs|news_?con|entry|post",
    re.IGNORECASE,
)
_END_TAGS = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f\v\xa0]+")
_SPACE_CHARS = "\t\r\n\f\v\xa0"  # with " ": what _WS matches
_SPACES = re.compile(" {2,}")
_SENTENCE = re.compile(r"[，。；、,]")
#: Below this many visible characters a page holds no article.
_MIN_ARTICLE = 30


#: Written into the article's tree at every block boundary before its text
#: is collected, then split on: a paragraph separator is what it means.
_BREAK = "\u2029"
_TITLE_CLASS = re.compile(r"\btitle\b|_title|title_")
#: Scored elements that are containers when they hold a block.
_CONTAINERS = frozenset(("div", "section", "article", "span", "font"))
#: The compiled XPath and XSLT the reader runs, per thread (lxml's compiled
#: expressions are not to be shared between threads).
_COMPILED = threading.local()
#: libxml2's errors for bytes that are not in the encoding it was told.
_BAD_BYTES: set[int] = set()


def _xp(name: str) -> Any:
    return getattr(_COMPILED, name)


def _compile(etree: Any) -> None:
    """The XPath expressions and the stylesheet the reader runs, compiled
    once per thread."""
    if getattr(_COMPILED, "string", None) is not None:
        return
    types = etree.ErrorTypes
    _BAD_BYTES.update((types.ERR_INVALID_ENCODING, types.ERR_INVALID_CHAR))
    _COMPILED.string = etree.XPath("string()", smart_strings=False)
    _COMPILED.links = etree.XPath("descendant-or-self::a//text()", smart_strings=False)
    _COMPILED.title = etree.XPath("descendant::title[1]")
    _COMPILED.tostring = etree.tostring
    _COMPILED.lines = etree.XSLT(etree.XML(_LINES_XSLT.encode("utf-8")))


#: The article's text with a break (``_BREAK``) around every block element,
#: a space after a table cell, and the line breaks of <pre> kept: written by
#: libxslt, several times faster than a walk of the tree in Python.
_B = "<xsl:text>&#x2029;</xsl:text>"
_LINES_XSLT = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{'|'.join(sorted(_BLOCKS - {'pre'}))}">
  {_B}<xsl:apply-templates/>{_B}
</xsl:template>
<xsl:template match="td|th"><xsl:apply-templates/><xsl:text> </xsl:text></xsl:template>
<xsl:template match="pre">
  {_B}<xsl:value-of select="translate(., '&#10;', '&#x2029;')"/>{_B}
</xsl:template>
</xsl:stylesheet>"""


def _string(el: Any) -> str:
    """The text under ``el``, collected by libxml2."""
    return str(_xp("string")(el))


def _serialised(el: Any) -> str:
    return str(_xp("tostring")(el, method="text", encoding=str, with_tail=False))


def _link_text(el: Any) -> list[str]:
    return list(_xp("links")(el))


def sniff_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") and _SNIFF.search(start[:4096]) is not None


def decode_html(data: bytes, path: str | None) -> tuple[str, str]:
    """The page as text and the charset it was read in."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, "replace").lstrip("\ufeff"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if m is not None:
        name = m.group(1).decode("ascii").lower()
        name = "gb18030" if name in _GB else name
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    decoded = decode_bytes(data, None, path)
    return decoded.text, decoded.encoding


def _own_text(el: Any) -> str:
    return _WS.sub(" ", _string(el)).strip()


def _visible(s: str | None) -> int:
    """Characters of ``s`` that are not whitespace (str.split runs in C)."""
    return len("".join(s.split())) if s else 0


def _text_of(el: Any) -> str:
    """The text under ``el`` (as XPath ``string()`` gives it): its own text
    when it has no child (most paragraphs), else libxml2's text
    serialisation (measured: faster than putting even a paragraph with one
    link together in Python)."""
    return _serialised(el) if len(el) else el.text or ""


class _Lengths:
    """Visible characters under an element and inside its links, each worked
    out when first asked for: only the elements that could be the article
    and those that hold a link inside it need them, not every one. Also the
    text of each element without children that the scoring met, so that
    the article's lines need not collect it again."""

    def __init__(self) -> None:
        self.total: dict[Any, int] = {}
        self.links: dict[Any, int] = {}
        self.leaves: dict[Any, str] = {}

    def of(self, el: Any) -> tuple[int, int]:
        n = self.total.get(el)
        if n is None:
            n = self.total[el] = _visible(_text_of(el))
            self.links[el] = _visible("".join(_link_text(el))) if n else 0
        return n, self.links[el]

    def density(self, el: Any) -> float:
        """The share of ``el``'s text that is links. Only called on elements
        that hold scored paragraphs (text), so without a link the share is
        0 and the whole text need not be measured."""
        if el not in self.total and not _xp("links")(el):
            return 0.0
        length, links = self.of(el)
        return min(links / length, 1.0) if length else 1.0


def _link_density(el: Any, length: int) -> float:
    if length == 0:
        return 1.0
    return min(_visible("".join(_link_text(el))) / length, 1.0)


def _class_weight(el: Any) -> float:
    names = f"{el.get('class', '')} {el.get('id', '')}"
    weight = 0.0
    if _NEGATIVE.search(names):
        weight -= 25
    if _POSITIVE.search(names):
        weight += 25
    return weight


def _commas(s: str) -> int:
    """How many of ，。；、, ``s`` holds (str.count is several times faster
    than a regexp here)."""
    return s.count("，") + s.count("。") + s.count("；") + s.count("、") + s.count(",")


def _best(root: Any) -> tuple[Any | None, _Lengths]:
    """The article: the element whose paragraphs score highest (see the
    module's docstring), weighed by its class and id and by how little of
    its text is links."""
    lengths = _Lengths()
    # Per parent: the sum of its paragraphs' 1 + min(length / 100, 3), and
    # their texts, whose commas are counted once per parent (one str.count per
    # comma for all of them, not per paragraph: this loop meets every element).
    base: dict[Any, float] = {}
    texts: dict[Any, list[str]] = {}
    cur: Any = None  # the parent of the paragraphs being summed (siblings come in runs)
    cur_base = 0.0
    cur_texts: list[str] = []
    leaves = lengths.leaves
    for el in root.iter(*_SCORED):
        if len(el):
            if el.tag in _CONTAINERS and any(child.tag in _BLOCKS for child in el):
                continue  # a container: scored through its paragraphs
            s = _text_of(el)
        else:
            s = el.text  # most paragraphs: no child
            if s is None:
                continue
            leaves[el] = s
        s = s.strip()
        length = len(s)
        if length < 10:
            continue
        if length < 40:  # short: spaces inside could make it too short
            length = _visible(s)
            if length < 10:
                continue
        parent = el.getparent()
        if parent is not cur:
            if cur is not None:
                base[cur] = base.get(cur, 0.0) + cur_base
                texts.setdefault(cur, []).extend(cur_texts)
            cur, cur_base, cur_texts = parent, 0.0, []
        cur_base += 1 + (length / 100 if length < 300 else 3)
        cur_texts.append(s)
    if cur is not None:
        base[cur] = base.get(cur, 0.0) + cur_base
        texts.setdefault(cur, []).extend(cur_texts)
    parent_of = {parent: parent.getparent() for parent in base}
    commas = {parent: 0 for parent in base}
    # Counting the commas is five passes over the text (str.count, one per
    # comma): for the parent with the most text (the article's, where it is a
    # run of paragraphs) they are counted only when they could change the
    # winner. Its comma count c is between 0 and its length n; every final
    # score is linear in c (its own score has c, its grandparent's c / 2),
    # so an element that wins clearly both at c = 0 and at c = n wins at the
    # true c too.
    big = max(base, key=base.__getitem__, default=None)
    for parent in base:
        if parent is not big:
            commas[parent] = _commas("".join(texts[parent]))
    if big is not None:
        n = sum(map(len, texts[big]))
        if n >= _LAZY_COMMAS:
            low = _pick(_scores(base, commas, parent_of), lengths, _MARGIN)
            commas[big] = n
            high = _pick(_scores(base, commas, parent_of), lengths, _MARGIN)
            if low is not None and high is not None and low is high:
                return low, lengths
        commas[big] = _commas("".join(texts[big]))
    return _pick(_scores(base, commas, parent_of), lengths), lengths


#: Below this many characters of text the commas of the article's parent are
#: simply counted (the two trial picks would cost more).
_LAZY_COMMAS = 2000
#: How much (relative) a winner must be ahead for the pick to be clear: far
#: above the rounding of the sums, far below any real difference in score.
_MARGIN = 1e-9


def _scores(
    base: dict[Any, float], commas: dict[Any, int], parent_of: dict[Any, Any]
) -> dict[Any, float]:
    """Each scored element's paragraph score: the values of the paragraphs
    it holds (sum plus commas), and half those of its grandchildren."""
    scores: dict[Any, float] = {}
    for parent, value in base.items():
        value += commas[parent]
        scores[parent] = scores.get(parent, 0.0) + value
        grand = parent_of[parent]
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + value / 2
    return scores


def _pick(scores: dict[Any, float], lengths: _Lengths, margin: float | None = None) -> Any:
    """The element whose final score is highest (paragraph score and class
    weight, times the share of its text that is not links), the first of
    equals in document order, None when none is above 0.

    With ``margin``, None as well unless the winner is ahead of every other
    element by more than ``margin`` times its score (a clear win)."""
    # The final score is at most the paragraph score plus 25 for a class or
    # id (links and negative names only take from it): elements are weighed
    # from the highest such bound down, and the search stops where no bound
    # reaches the best so far. The first of equal scores wins, as in
    # document order.
    bounded = sorted(
        (
            (score + (25 if el.get("class") or el.get("id") else 0), i, el, score)
            for i, (el, score) in enumerate(scores.items())
        ),
        key=lambda t: (-t[0], t[1]),
    )
    best, best_score, best_i = None, 0.0, -1
    second = 0.0  # the highest final score of the others (0: those not weighed)
    ahead = 0.0 if margin is None else margin * best_score
    for bound, i, el, score in bounded:
        if bound <= 0 or bound < best_score - ahead:
            break
        final = (score + _class_weight(el)) * (1 - lengths.density(el))
        if final > best_score or (final == best_score and best is not None and i < best_i):
            if best is not None:
                second = max(second, best_score)
            best, best_score, best_i = el, final, i
            if margin is not None:
                ahead = margin * best_score
        else:
            second = max(second, final)
    if margin is not None and (best is None or best_score - second <= margin * best_score):
        return None
    return best


def _drop_link_lists(best: Any, lengths: _Lengths) -> None:
    """Inside the article, blocks made of links only (pagination 【1】【2】,
    "related articles" lists) are not its text. Only an element that holds
    a link can be one: the ancestors of the article's links are checked."""
    holders: dict[Any, None] = {}
    for a in best.iter("a"):
        el = a
        while el is not None and el is not best and el not in holders:
            holders[el] = None
            el = el.getparent()
    doomed = []
    for el in holders:
        if el.tag in _BLOCKS or el.tag == "span":
            n, links = lengths.of(el)
            if n and links >= 0.8 * n:
                doomed.append(el)
    for el in doomed:
        _drop(el)


#: Blocks whose text is one line of the article (the lines of <pre> are its own).
_LINE_BLOCKS = _BLOCKS - {"pre"}


def _leaf_text(best: Any, leaves: dict[Any, str]) -> str | None:
    """The article's text, as the stylesheet writes it but for what is only
    whitespace, when the article is a run of blocks without children (an
    article of <p>s, the common case): from the texts the scoring collected.
    None when it is anything else."""
    if best.text and not best.text.isspace():
        return None
    parts = []
    for child in best:
        if len(child) or child.tag not in _LINE_BLOCKS:
            return None
        tail = child.tail
        if tail and not tail.isspace():
            return None
        text = leaves.get(child)
        parts.append(child.text or "" if text is None else text)
    return _BREAK.join(parts)


def _lines(best: Any, leaves: dict[Any, str]) -> list[str]:
    """The article's lines: a break at every block element, other whitespace
    as the browser shows it (one space)."""
    text = _leaf_text(best, leaves)
    if text is None:
        text = str(_xp("lines")(best))
    # Whitespace as one space: str.replace per character and a regexp only
    # on the lines left with a run of spaces (a regexp over the whole text
    # costs more than the parse).
    for ch in _SPACE_CHARS:
        text = text.replace(ch, " ")  # no copy when ``ch`` is absent
    lines = []
    for raw in text.split(_BREAK):
        if "  " in raw:
            raw = _SPACES.sub(" ", raw)
        line = raw.strip(" ")
        if line and line.strip():
            lines.append(line)
    return lines


def _holds(lines: list[str], n: int) -> bool:
    """Do ``lines`` hold ``n`` visible characters? (Counted until they do.)"""
    seen = 0
    for line in lines:
        seen += _visible(line)
        if seen >= n:
            return True
    return False


def _title_before(best: Any, page_title: str = "") -> str | None:
    """The page's headline when it sits outside the article element: the
    last h1-h3 before it (else the last element classed as a title)."""
    heading = classed = None
    named = False
    for el in best.getroottree().getroot().iter():
        if el is best:
            break
        is_h = el.tag in ("h1", "h2", "h3")
        if not is_h:
            names = el.get("class"), el.get("id")
            if names == (None, None):
                continue
            cls = f"{names[0] or ''} {names[1] or ''}".lower()
            if not _TITLE_CLASS.search(cls):
                continue
        t = _own_text(el)
        if 4 <= len(t) <= 100 and _link_density(el, len(t)) < 0.5:
            if page_title and t in page_title:  # the headline the <title> repeats
                heading = classed = t
                named = True
            elif named:
                continue
            elif is_h:
                heading = t
            else:
                classed = t
    return heading or classed


#: What ends a headline in a page's <title> (…的决议__2007年第23号国务院公报_中国政府网).
_TITLE_END = frozenset("_|-–—·:：")


def _title_lines(lines: list[str], page_title: str) -> tuple[int, int] | None:
    """The article's first lines when together they are the headline the
    page's <title> opens with (a headline broken by <br> over two or three
    lines is one title)."""
    want = "".join(page_title.split())
    got = ""
    for k, line in enumerate(lines[:4], 1):
        got += "".join(line.split())
        if not want.startswith(got):
            return None
        if k >= 2 and (len(got) == len(want) or want[len(got)] in _TITLE_END):
            return 1, k
    return None


def _drop(el: Any) -> None:
    """Take ``el`` and what it holds out of the tree, keeping the text after it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _cut_end_tags(data: bytes) -> bytes:
    """A page put together from includes may close </html> or </body> early
    (the gov.cn portal does, after its header); libxml2 drops what follows,
    so such end tags are taken out. Most pages close them only at the end:
    one search of the bytes says so."""
    m = _END_TAGS.search(data)
    if m is None:
        return data
    rest = data[m.end():]
    if len(rest) < 4096 and not _END_TAGS.sub(b"", rest).strip():
        return data  # closed at the end only: nothing to take out
    return _END_TAGS.sub(b"", data)


def _parse(etree: Any, data: bytes, path: str | None) -> tuple[Any, str]:
    """The page's tree and the charset its bytes were read in.

    Nearly every page is UTF-8: its bytes go to libxml2 as they are, and only
    when libxml2 reports bytes that are not UTF-8 is the page decoded here
    (declared charset, detection) and parsed again."""
    charset = "utf-8"
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, collect_ids=False)
        root = _fromstring(etree, _cut_end_tags(data), parser, path)
        if not any(e.type in _BAD_BYTES for e in parser.error_log):
            return root, charset
    text, charset = decode_html(data, path)
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, collect_ids=False)
    return _fromstring(etree, _cut_end_tags(text.encode("utf-8", "replace")), parser, path), \
        charset


def _fromstring(etree: Any, data: bytes, parser: Any, path: str | None) -> Any:
    try:
        root = etree.fromstring(data, parser)
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a broken page
        raise FormatError(f"not a readable web page ({exc})", path=path) from None
    if root is None:
        raise FormatError("not a readable web page (it is empty)", path=path)
    return root


class HtmlReader:
    name = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes) -> bool:
        return sniff_html(head)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        etree = require("lxml.etree", "web pages", path)
        _compile(etree)
        root, charset = _parse(etree, data, path)
        title_el = _xp("title")(root)
        page_title = _own_text(title_el[0]) if title_el else ""
        etree.strip_elements(root, *_DROP, with_tail=False)
        best, lengths = _best(root)
        lines: list[str] = []
        title = None
        if best is not None:
            _drop_link_lists(best, lengths)
            title = _title_before(best, page_title)
            lines = _lines(best, lengths.leaves)
        if not _holds(lines, _MIN_ARTICLE):
            raise FormatError(
                "no article in this web page: only navigation, links or scripts "
                "(save the page once it has loaded, or pass the article's own page)", path=path
            )
        article = "\n".join(lines)
        if title and title not in article[: len(title) + 200]:
            lines.insert(0, title)
            article = title + "\n" + article
        return Extracted(
            text=article + "\n", format="html", encoding=charset,
            title_lines=_title_lines(lines, page_title),
        )
