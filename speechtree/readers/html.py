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
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f\v\xa0]+")
_SENTENCE = re.compile(r"[，。；、,]")
#: Below this many visible characters a page holds no article.
_MIN_ARTICLE = 30


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
    return _WS.sub(" ", el.text_content()).strip()


def _visible(s: str | None) -> int:
    """Characters of ``s`` that are not whitespace (str.split runs in C)."""
    return len("".join(s.split())) if s else 0


def _lengths(root: Any) -> tuple[dict[Any, int], dict[Any, int]]:
    """Visible characters under every element, and those inside links, in
    one pass from the leaves up (children follow their parent in document
    order, so the reversed order meets every child first)."""
    total: dict[Any, int] = {}
    links: dict[Any, int] = {}
    for el in reversed(list(root.iter())):
        n = _visible(el.text) if isinstance(el.tag, str) else 0
        ln = 0
        for child in el:
            n += total.get(child, 0) + _visible(child.tail)
            ln += links.get(child, 0)
        total[el] = n
        links[el] = n if el.tag == "a" else ln
    return total, links


def _link_density(el: Any, length: int) -> float:
    if length == 0:
        return 1.0
    links = sum(_visible(a.text_content()) for a in el.iter("a"))
    return min(links / length, 1.0)


def _class_weight(el: Any) -> float:
    names = f"{el.get('class', '')} {el.get('id', '')}"
    weight = 0.0
    if _NEGATIVE.search(names):
        weight -= 25
    if _POSITIVE.search(names):
        weight += 25
    return weight


def _best(root: Any) -> tuple[Any | None, dict[Any, int], dict[Any, int]]:
    total, links = _lengths(root)
    scores: dict[Any, float] = {}
    for el in root.iter(*_SCORED):
        length = total.get(el, 0)
        if length < 10:
            continue
        if el.tag in ("div", "section", "article", "span", "font") and any(
            child.tag in _BLOCKS for child in el
        ):
            continue  # a container: scored through its paragraphs
        parent = el.getparent()
        if parent is None:
            continue
        commas = len(_SENTENCE.findall(el.text_content()))
        score = 1 + commas + min(length / 100, 3)
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    best, best_score = None, 0.0
    for el, score in scores.items():
        length = total.get(el, 0)
        density = min(links.get(el, 0) / length, 1.0) if length else 1.0
        final = (score + _class_weight(el)) * (1 - density)
        if final > best_score:
            best, best_score = el, final
    return best, total, links


def _drop_link_lists(best: Any, total: dict[Any, int], links: dict[Any, int]) -> None:
    """Inside the article, blocks made of links only (pagination 【1】【2】,
    "related articles" lists) are not its text."""
    for el in list(best.iter(*_BLOCKS, "span")):
        if el is best or el.getparent() is None:
            continue
        n = total.get(el, 0)
        if n and links.get(el, 0) >= 0.8 * n:
            el.drop_tree()


def _lines(el: Any, out: list[str]) -> None:
    """Write the text under ``el`` into ``out``: a new line at every block."""
    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag in _BLOCKS
        if block:
            out.append("\n")
        if tag == "pre":
            out.append(node.text_content())
        else:
            if node.text and tag:
                out.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    out.append(child.tail)
        if block:
            out.append("\n")
        elif tag in ("td", "th"):
            out.append("\t")

    walk(el)


def _title_before(root: Any, best: Any, text: str, page_title: str = "") -> str | None:
    """The page's headline when it sits outside the article element: the
    last h1-h3 before it (else the last element classed as a title)."""
    heading = classed = None
    named = False
    for el in root.iter():
        if el is best:
            break
        if not isinstance(el.tag, str):
            continue
        cls = f"{el.get('class', '')} {el.get('id', '')}".lower()
        is_h = el.tag in ("h1", "h2", "h3")
        if is_h or re.search(r"\btitle\b|_title|title_", cls):
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
    found = heading or classed
    if found and found not in text[: len(found) + 200]:
        return found
    return None


class HtmlReader:
    name = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes) -> bool:
        return sniff_html(head)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        lxml_html = require("lxml.html", "web pages", path)
        text, charset = decode_html(data, path)
        # A page put together from includes may close </html> early (the
        # gov.cn portal does, after its header); libxml2 drops what follows.
        text = _END_TAGS.sub("", text)
        parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
        try:
            root = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
        except Exception as exc:  # lxml's ParserError and friends: an empty or broken page
            raise FormatError(f"not a readable web page ({exc})", path=path) from None
        title_el = root.find(".//title")
        page_title = _own_text(title_el) if title_el is not None else ""
        for el in list(root.iter(*_DROP)):
            if el.getparent() is not None:
                el.drop_tree()
        best, total, links = _best(root)
        lines: list[str] = []
        if best is not None:
            _drop_link_lists(best, total, links)
            parts: list[str] = []
            _lines(best, parts)
            for raw in "".join(parts).split("\n"):
                line = _WS.sub(" ", raw).strip(" ")
                if line.strip():
                    lines.append(line)
        article = "\n".join(lines)
        if len(_WS.sub("", article)) < _MIN_ARTICLE:
            raise FormatError(
                "no article in this web page: only navigation, links or scripts "
                "(save the page once it has loaded, or pass the article's own page)", path=path
            )
        title = _title_before(root, best, article, page_title)
        if title:
            article = title + "\n" + article
        return Extracted(text=article + "\n", format="html", encoding=charset)
