"""Reader stage (.docx): the paragraphs of a Word document, with the numbers
Word puts in front of them.

Read straight from the package's XML with the standard library: the body in
order (tables row by row, content controls opened), tracked deletions and
field codes left out, footnotes, headers and footers left out (they are
other parts of the package), and the automatic numbering rendered by
:mod:`.wordnum`.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from typing import Any

from ..errors import LimitError
from .base import Extracted, FormatError, Heading, looks_like_zip
from .wordnum import Numbering, W

#: A .docx is a zip archive; these parts tell Word documents from other
#: Office files (and OpenDocument) that share the container.
_OTHER_ZIPS = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
    ("content.xml", "an OpenDocument file (.odt): save it as .docx first"),
)
#: How much larger than the file its unpacked XML may be (a zip bomb guard).
_MAX_RATIO = 40

try:  # lxml parses the package's XML several times faster than expat-backed
    # ElementTree; both give the same Element API for what is used here.
    from lxml import etree as _lxml

    _LXML_PARSER: Any = _lxml.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    _XML_ERRORS: tuple[type[Exception], ...] = (ET.ParseError, _lxml.XMLSyntaxError)
except ImportError:  # pragma: no cover - lxml is in speechtree[formats]
    _lxml = None
    _XML_ERRORS = (ET.ParseError,)


def _xml(data: bytes) -> Any:
    if _lxml is not None:
        return _lxml.fromstring(data, parser=_LXML_PARSER)
    return ET.fromstring(data)


#: Paragraph styles of a document's title: Word's own (Title, 标题, 副标题
#: not) and the name styles of standard templates (封面标准名称, 标准名称).
_TITLE_STYLE = re.compile(r"^(?:Title|标题)$|标准名称$", re.IGNORECASE)
#: A cover is at most this many lines; its title is set at 15 pt or more.
_COVER_LINES = 12
_TITLE_MIN_SIZE = 30
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DATE = re.compile(
    r"[0-9０-９〇一二三四五六七八九]{2,4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,2}\s*月"
)
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


def _styles(xml: bytes | None) -> dict[str, _Style]:
    out: dict[str, _Style] = {}
    if not xml:
        return out
    for st in _xml(xml).iter(W + "style"):
        if st.get(W + "type") not in (None, "paragraph"):
            continue
        sid = st.get(W + "styleId", "")
        name_el = st.find(W + "name")
        based = st.find(W + "basedOn")
        ppr = st.find(W + "pPr")
        num_id = ilvl = outline = None
        if ppr is not None:
            num_id, ilvl = _num_pr(ppr)
            ol = ppr.find(W + "outlineLvl")
            if ol is not None:
                outline = _to_int(ol.get(W + "val"))
        out[sid] = _Style(
            name="" if name_el is None else name_el.get(W + "val", ""),
            based_on=None if based is None else based.get(W + "val"),
            num_id=num_id,
            ilvl=ilvl,
            outline=outline,
        )
    return out


def _to_int(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


def _num_pr(ppr: ET.Element) -> tuple[str | None, int | None]:
    np = ppr.find(W + "numPr")
    if np is None:
        return None, None
    nid = np.find(W + "numId")
    il = np.find(W + "ilvl")
    return (
        None if nid is None else nid.get(W + "val"),
        None if il is None else _to_int(il.get(W + "val")),
    )


class _Doc:
    """One document being read: its styles, lists and the lines written so far."""

    def __init__(self, styles: dict[str, _Style], numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.lines: list[str] = []
        self.headings: list[Heading] = []
        #: Body paragraphs that could hold the title: (line, centred, font
        #: size in half-points, in a title style).
        self.looks: list[tuple[int, bool, int, bool]] = []
        self._look: tuple[bool, int, bool] = (False, 0, False)

    def style_chain(self, sid: str | None) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            st = self.styles[sid]
            chain.append(st)
            sid = st.based_on
        return chain

    def paragraph_text(self, p: ET.Element) -> str:
        ppr = p.find(W + "pPr")
        sid = None
        num_id: str | None = None
        ilvl: int | None = None
        outline: int | None = None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            sid = None if ps is None else ps.get(W + "val")
            num_id, ilvl = _num_pr(ppr)
            ol = ppr.find(W + "outlineLvl")
            if ol is not None:
                outline = _to_int(ol.get(W + "val"))
        chain = self.style_chain(sid)
        # The paragraph's own numPr wins; what it leaves out comes from its styles.
        for st in chain:
            if num_id is None and st.num_id is not None:
                num_id = st.num_id
                if ilvl is None:
                    ilvl = st.ilvl
            if outline is None and st.outline is not None:
                outline = st.outline
        marker = ""
        if num_id is not None and num_id != "0":
            if ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, sid)
            marker = self.numbering.marker(num_id, ilvl) or ""
        text = marker + "".join(_runs(p))
        level = None
        style_name = chain[0].name if chain else ""
        for st in chain:
            m = _HEADING_NAME.match(st.name.strip())
            if m:
                level, style_name = int(m.group(1)), st.name
                break
        if level is None and outline is not None and 0 <= outline <= 8:
            level = outline + 1
        if level is not None and text.strip():
            self.headings.append(Heading(len(self.lines) + 1, level, style_name))
        jc = None if ppr is None else ppr.find(W + "jc")
        centred = jc is not None and jc.get(W + "val") == "center"
        sizes = [_to_int(sz.get(W + "val")) or 0 for sz in p.iter(W + "sz")]
        titled = bool(chain) and _TITLE_STYLE.search(chain[0].name.strip()) is not None
        self._look = (centred, max(sizes, default=0), titled)
        return text

    def title_lines(self) -> tuple[int, int] | None:
        """The lines of the document's title: the first run of paragraphs in
        a title style (Word's Title, a standard template's 标准名称), else on
        a cover of centred lines the one set largest with its neighbours of
        nearly that size (the name of the text over its genre: 核电厂… /
        编制说明), but not a code, a date or a bracketed note."""
        run: list[int] = []
        for line, _c, _s, titled in self.looks:
            if titled and (not run or line == run[-1] + 1):
                run.append(line)
            elif run:
                break
        if run:
            return run[0], run[-1]
        cover = []
        for look in self.looks[:_COVER_LINES]:
            if not look[1]:
                break
            cover.append(look)
        sized = [k for k, look in enumerate(cover) if look[2]]
        if not sized:
            return None
        top = max(sized, key=lambda k: cover[k][2])
        if cover[top][2] < _TITLE_MIN_SIZE or not self._title_text(cover[top][0]):
            return None

        def near(k: int) -> bool:
            return (
                0 <= k < len(cover)
                and cover[k][2] >= 0.6 * cover[top][2]
                and self._title_text(cover[k][0])
            )

        a = b = top
        while near(a - 1) and cover[a - 1][0] == cover[a][0] - 1:
            a -= 1
        while near(b + 1) and cover[b + 1][0] == cover[b][0] + 1:
            b += 1
        return (cover[a][0], cover[b][0]) if b > a else None

    def _title_text(self, line: int) -> bool:
        text = self.lines[line - 1].strip()
        return (
            _HAN.search(text) is not None
            and text[0] not in "（(［[【"
            and _DATE.search(text) is None
            and len(text) <= 60
        )

    def add(self, line: str) -> None:
        """One line; runs of empty paragraphs (spacing) become one blank line."""
        line = line.rstrip()
        if line or (self.lines and self.lines[-1]):
            self.lines.append(line)

    def block(self, el: ET.Element) -> None:
        """Write the lines of a body-level element (paragraph, table, control)."""
        tag = el.tag
        if tag == W + "p":
            text = self.paragraph_text(el)
            for line in text.split("\n"):
                self.add(line)
            if text.strip() and "\n" not in text:
                self.looks.append((len(self.lines), *self._look))
        elif tag == W + "tbl":
            for tr in el.iter(W + "tr"):
                cells = []
                for tc in tr.findall(W + "tc"):
                    paras = []  # (text, look) of each paragraph of the cell
                    for p in tc.iter(W + "p"):
                        paras.append((self.paragraph_text(p).strip(), self._look))
                    if any(t for t, _ in paras):
                        cells.append([(t.replace("\n", " "), lk) for t, lk in paras if t])
                if len(cells) == 1:
                    # A row of one cell is page layout (a cover, a boxed
                    # note): its paragraphs stay paragraphs.
                    for line, look in cells[0]:
                        self.add(line)
                        self.looks.append((len(self.lines), *look))
                else:
                    self.add("\t".join(" ".join(t for t, _ in c) for c in cells))
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
            for child in el:
                self.block(child)


_SKIP = frozenset(W + t for t in (
    "del", "moveFrom", "instrText", "delText", "footnoteReference", "endnoteReference",
    "commentReference", "drawing", "pict", "object", "rPr", "pPr",
))


def _runs(p: ET.Element) -> list[str]:
    """The visible text of a paragraph: runs in order, fields shown by their result."""
    out: list[str] = []
    in_code = False  # between a field's begin and separate: its code, not shown

    def walk(el: ET.Element) -> None:
        nonlocal in_code
        for ch in el:
            tag = ch.tag
            if tag in _SKIP:
                continue
            if tag == W + "fldChar":
                kind = ch.get(W + "fldCharType")
                in_code = kind == "begin"
                continue
            if tag == W + "r":
                rpr = ch.find(W + "rPr")
                if rpr is not None and rpr.find(W + "vanish") is not None:
                    v = rpr.find(W + "vanish")
                    if v is not None and v.get(W + "val", "1") not in ("0", "false"):
                        continue
                walk(ch)
                continue
            if in_code:
                continue
            if tag == W + "t":
                out.append(ch.text or "")
            elif tag == W + "tab" or tag == W + "ptab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent":
                continue  # text boxes and shapes: both branches hold the same text
            else:
                walk(ch)

    walk(p)
    return out


class DocxReader:
    name = "docx"
    suffixes: tuple[str, ...] = (".docx", ".docm", ".dotx")

    def sniff(self, head: bytes) -> bool:
        return looks_like_zip(head)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise FormatError(
                "corrupt .docx: not a readable zip archive (damaged or cut short; "
                "open it in Word and save it again)", path=path
            ) from None
        if "word/document.xml" not in names:
            for member, what in _OTHER_ZIPS:
                if member in names:
                    raise FormatError(f"unsupported format: {what}", path=path)
            raise FormatError(
                "unsupported format: a zip archive without word/document.xml, not a .docx",
                path=path,
            )
        limit = max(max_bytes, len(data) * _MAX_RATIO)

        def part(name: str) -> bytes | None:
            if name not in names:
                return None
            info = zf.getinfo(name)
            if info.file_size > limit:
                raise LimitError(
                    f"{name} unpacks to {info.file_size:,} bytes, over the limit of {limit:,}",
                    path=path,
                )
            try:
                return zf.read(name)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
                raise FormatError(f"corrupt .docx: {name} cannot be unpacked ({exc})",
                                  path=path) from None

        try:
            styles = _styles(part("word/styles.xml"))
            style_num = {
                sid: (st.num_id, st.ilvl) for sid, st in styles.items() if st.num_id
            }
            numbering = part("word/numbering.xml")
            doc = _Doc(styles, Numbering(_xml(numbering) if numbering else None, style_num))
            root = _xml(part("word/document.xml") or b"")
        except _XML_ERRORS as exc:
            raise FormatError(f"corrupt .docx: its XML does not parse ({exc})", path=path) \
                from None
        body = root.find(W + "body")
        if body is not None:
            for el in body:
                doc.block(el)
        while doc.lines and not doc.lines[-1]:
            doc.lines.pop()
        return Extracted(
            text="\n".join(doc.lines) + "\n" if doc.lines else "",
            format="docx",
            encoding="utf-8",
            headings=tuple(doc.headings),
            title_lines=doc.title_lines(),
        )

