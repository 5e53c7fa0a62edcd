"""Reader stage (.pdf): the text layer in reading order, as paragraphs.

pypdfium2 (PDFium, the PDF engine of Chrome; Apache/BSD licensed, wheels
with no system dependency) gives each page's characters with their boxes.
From those: lines in reading order (two-column pages column by column),
running headers, footers and page numbers dropped, and lines joined into
paragraphs where the layout says the paragraph goes on (a full line followed
by a line that is not indented). A PDF without a text layer is a scan and
is refused: an empty outline would look like a result.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .base import Extracted, FormatError, looks_like_pdf, require

#: Share of the page height at the top and at the bottom where running
#: headers, footers and page numbers sit.
_MARGIN = 0.1
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—―−_~·•*=]*(?:第\s*)?(?:\d{1,4}|[ivxlcdm]{1,6}|[IVXLCDM]{1,6})"
    r"(?:\s*页)?(?:\s*(?:/|of|共)\s*\d{1,4}\s*页?)?[\s\-–—―−_~·•*=]*$"
)
_DIGITS = re.compile(r"\d+")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")
_BREAK = re.compile(r"\r\n|\r|\n")
#: Fewer visible characters than this per page, on average: no text layer.
_MIN_CHARS_PER_PAGE = 5


@dataclass
class _Line:
    text: str
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 0.0)


def _box(tp: Any, i: int) -> tuple[float, float, float, float]:
    left, bottom, right, top = tp.get_charbox(i)
    return float(left), float(bottom), float(right), float(top)


def _page_lines(tp: Any) -> list[_Line]:
    """The page's lines as PDFium breaks them, each split again where a wide
    gap shows two columns side by side on one baseline."""
    text: str = tp.get_text_range()
    geometric = len(text) == tp.count_chars()
    out: list[_Line] = []
    pos = 0
    for m in [*_BREAK.finditer(text), None]:
        end = len(text) if m is None else m.start()
        a, b = pos, end
        pos = len(text) if m is None else m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a == b:
            continue
        if not geometric:
            out.append(_Line(text[a:b], 0.0, 0.0, 0.0, 0.0))
            continue
        start = a
        first = _box(tp, a)
        size = max(first[3] - first[1], 1.0)
        for i in range(a + 1, b - 1):
            if text[i] != " ":
                continue
            lb, rb = _box(tp, i - 1), _box(tp, i + 1)
            if rb[0] - lb[2] > max(3 * size, 18.0):  # a gutter, not a word space
                out.append(_make(text, start, i, first, lb))
                start, first = i + 1, rb
                while start < b and text[start] == " ":
                    start += 1
        out.append(_make(text, start, b, first, _box(tp, b - 1)))
    return out


def _make(text: str, a: int, b: int, first: tuple[float, float, float, float],
          last: tuple[float, float, float, float]) -> _Line:
    return _Line(
        text=text[a:b].strip(),
        left=first[0],
        right=max(last[2], first[2]),
        top=max(first[3], last[3]),
        bottom=min(first[1], last[1]),
    )


def _running_key(text: str) -> str:
    return _DIGITS.sub("#", re.sub(r"\s+", "", text))


def _drop_running(pages: list[tuple[list[_Line], float]]) -> list[list[_Line]]:
    """Page numbers, and lines in the top or bottom margin that come back on
    other pages (digits aside: 第3页, 2024年第5期), are not the text."""
    in_margin = [
        [ln for ln in lines if ln.top >= h * (1 - _MARGIN) or ln.bottom <= h * _MARGIN]
        for lines, h in pages
    ]
    seen = Counter(k for lines in in_margin for k in {_running_key(ln.text) for ln in lines})
    repeated = {k for k, n in seen.items() if n >= 2}
    out = []
    for (lines, _h), margin in zip(pages, in_margin, strict=True):
        drop = {
            id(ln) for ln in margin
            if _PAGE_NUMBER.match(ln.text) or _running_key(ln.text) in repeated
        }
        out.append([ln for ln in lines if id(ln) not in drop])
    return out


def _reading_order(lines: list[_Line], width: float) -> list[list[_Line]]:
    """Columns of lines, each top to bottom: a two-column page gives the left
    column, then the right one, between lines that span both."""
    lines = sorted(lines, key=lambda ln: (-round(ln.top), ln.left))
    mid = width / 2
    left = [ln for ln in lines if ln.right <= mid + 2]
    right = [ln for ln in lines if ln.left >= mid - 2]
    if len(right) < 3 or len(left) < 3 or len(right) < 0.25 * len(lines):
        return [lines]
    blocks: list[list[_Line]] = []
    band_l: list[_Line] = []
    band_r: list[_Line] = []
    lset, rset = {id(x) for x in left}, {id(x) for x in right}
    for ln in lines:
        if id(ln) in lset:
            band_l.append(ln)
        elif id(ln) in rset:
            band_r.append(ln)
        else:  # spans both columns: the band above it is done
            blocks += [b for b in (band_l, band_r) if b]
            blocks.append([ln])
            band_l, band_r = [], []
    blocks += [b for b in (band_l, band_r) if b]
    return blocks


def _full(ln: _Line, margin_l: float, margin_r: float, size: float) -> bool:
    """Does the line run across the whole column (so its paragraph may go on)?
    A first line indented two characters still does; a right-aligned date or
    signature does not. (A glyph's box is tighter than its cell: a line that
    opens with a full-width bracket seems to start later than it does.)"""
    return ln.right >= margin_r - 1.5 * size and ln.left <= margin_l + 3 * size


def _paragraphs(blocks: list[list[_Line]]) -> list[tuple[str, bool, bool]]:
    """``(text, starts indented, ends on a full line)`` per paragraph."""
    out: list[tuple[str, bool, bool]] = []
    for block in blocks:
        if not block:
            continue
        heights = [ln.height for ln in block if ln.height > 0]
        size = statistics.median(heights) if heights else 0.0
        margin_l = min(ln.left for ln in block)
        margin_r = max(ln.right for ln in block)
        para: list[str] = []
        indented = False
        prev: _Line | None = None
        for ln in block:
            starts_new = True
            if prev is not None and size > 0:
                full = _full(prev, margin_l, margin_r, size)
                flush = ln.left <= margin_l + 0.8 * size
                close = prev.bottom - ln.top < 1.5 * size
                starts_new = not (full and flush and close)
            if starts_new and para:
                out.append(("".join(para), indented, False))
                para = []
            if not para:
                indented = size > 0 and ln.left > margin_l + 0.8 * size
            elif _ASCII_WORD_END.search(para[-1]) and _ASCII_WORD_START.match(ln.text):
                para.append(" ")
            para.append(ln.text)
            prev = ln
        if para:
            full = prev is not None and size > 0 and _full(prev, margin_l, margin_r, size)
            out.append(("".join(para), indented, full))
    return out


class PdfReader:
    name = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes) -> bool:
        return looks_like_pdf(head)

    def read(self, data: bytes, path: str | None, max_bytes: int) -> Extracted:
        pdfium = require("pypdfium2", "PDF files", path)
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise FormatError(
                    "an encrypted (password-protected) PDF: remove the password first, "
                    "e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf", path=path
                ) from None
            raise FormatError(f"corrupt PDF: PDFium cannot open it ({exc})", path=path) from None
        try:
            pages: list[tuple[list[_Line], float]] = []
            widths: list[float] = []
            visible = 0
            for i in range(len(pdf)):
                page = pdf[i]
                try:
                    width, height = page.get_size()
                    tp = page.get_textpage()
                    try:
                        lines = _page_lines(tp)
                    finally:
                        tp.close()
                finally:
                    page.close()
                visible += sum(len(ln.text) for ln in lines)
                pages.append((lines, float(height)))
                widths.append(float(width))
        finally:
            pdf.close()
        if visible < _MIN_CHARS_PER_PAGE * max(len(pages), 1):
            raise FormatError(
                f"a PDF without a text layer ({len(pages)} pages of images, a scan?): "
                "speechtree reads the text layer only; run OCR first, e.g. "
                "ocrmypdf -l chi_sim in.pdf out.pdf", path=path
            )
        paras: list[str] = []
        last_full = False
        for lines, width in zip(_drop_running(pages), widths, strict=True):
            page_paras = _paragraphs(_reading_order(lines, width))
            for j, (text, indented, _full) in enumerate(page_paras):
                # A paragraph that runs over the page break goes on here.
                if j == 0 and paras and not indented and last_full:
                    paras[-1] += text
                else:
                    paras.append(text)
            if page_paras:
                last_full = page_paras[-1][2]
        return Extracted(
            text="\n".join(paras) + "\n" if paras else "",
            format="pdf",
            encoding="pdf",
            pages=len(pages),
        )
