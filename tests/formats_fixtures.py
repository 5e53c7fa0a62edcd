"""Test helpers: write .docx (with Word automatic numbering) and .html inputs.

python-docx writes the package; the numbering definitions are added to its
numbering part as Word itself writes them (abstractNum + num with
startOverride), so the reader is tested on the XML Word produces, not on a
shape of our own.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

#: A numbered level: (numFmt, lvlText) as Word stores them.
LevelDef = tuple[str, str]


@dataclass
class DocxWriter:
    """Paragraphs in order; ``numbered`` ones get their marker from Word."""

    doc: docx.document.Document = field(default_factory=docx.Document)
    _next_abstract: int = 100
    _next_num: int = 100

    def _numbering(self):  # type: ignore[no-untyped-def]
        return self.doc.part.numbering_part.element

    def list_def(self, levels: list[LevelDef], starts: list[int] | None = None) -> int:
        """A new abstract list with these levels; returns its abstractNumId."""
        aid = self._next_abstract
        self._next_abstract += 1
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{(starts or [1] * 9)[i]}"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{html.escape(text)}"/>'
            f'<w:lvlJc w:val="left"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        el = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
            f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
        )
        numbering = self._numbering()
        # abstractNum elements must come before every num element.
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)
        return aid

    def instance(self, abstract_id: int, start_override: dict[int, int] | None = None) -> int:
        """A list instance (w:num) of ``abstract_id``; returns its numId."""
        nid = self._next_num
        self._next_num += 1
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
            for lvl, v in (start_override or {}).items()
        )
        self._numbering().append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{overrides}</w:num>"
        ))
        return nid

    def para(self, text: str, num_id: int | None = None, ilvl: int = 0,
             style: str | None = None) -> None:
        p = self.doc.add_paragraph(text, style=style)
        if num_id is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                f'<w:numId w:val="{num_id}"/></w:numPr>'
            ))

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


#: Automatic numbering that reproduces a typed marker exactly, by style name.
AUTO_STYLES: dict[str, tuple[LevelDef, str]] = {
    "cn_dun": (("chineseCounting", "%1、"), "{cn}、"),
    "paren_cn": (("chineseCountingThousand", "（%1）"), "（{cn}）"),
    "arabic_dot": (("decimal", "%1."), "{n}."),
    "paren_arabic": (("decimal", "（%1）"), "（{n}）"),
    "circled": (("decimalEnclosedCircle", "%1"), "{circled}"),
}


def cn_numeral(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def typed_form(style: str, n: int) -> str:
    return AUTO_STYLES[style][1].format(
        cn=cn_numeral(n), n=n, circled=chr(0x2460 + n - 1) if 1 <= n <= 20 else ""
    )


def text_to_html(text: str, title: str = "页面") -> bytes:
    """A saved-web-page rendering of a plain text: site chrome around an
    article whose paragraphs are <p> elements (a line with breaks inside
    a paragraph keeps them as <br>)."""
    paras = "\n".join(
        f"<p>{html.escape(line.strip())}</p>" if line.strip() else "" for line in text.split("\n")
    )
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script>var nav = "首页 新闻 政务 服务";</script><style>p {{margin: 0}}</style></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li>
<li><a href="/news">新闻中心</a></li><li><a href="/gov">政务公开</a></li>
<li><a href="/srv">办事服务</a></li></ul></div>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/news">要闻</a></div>
<div class="main"><div class="article">
{paras}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div></div>
<div class="footer">主办单位：某某市人民政府办公室 版权所有
<a href="/about">关于我们</a> 备案号：X000000</div>
</body></html>"""
    return page.encode("utf-8")


def text_to_pdf(
    paragraphs: list[str], *, columns: int = 1, header: str | None = None,
    encrypt: str | None = None, lines_per_page: int = 40,
) -> bytes:
    """A PDF laid out as a printed document: each paragraph wrapped to the
    column width with a two-character first-line indent, a running header
    and a page number ``- N -`` on every page, ``columns`` columns side by
    side. Uses reportlab's built-in STSong-Light (no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size = "STSong-Light", 12.0
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    margin, gutter = 72.0, 24.0
    col_w = (width - 2 * margin - gutter * (columns - 1)) / columns
    lines: list[tuple[str, float]] = []  # (text, x offset inside the column)
    for para in paragraphs:
        indent = 2 * size
        rest = para
        while rest:
            avail = col_w - indent
            n = 1
            while n < len(rest) and pdfmetrics.stringWidth(rest[: n + 1], font, size) <= avail:
                n += 1
            lines.append((rest[:n], indent))
            rest, indent = rest[n:], 0.0
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    per_page = lines_per_page * columns
    for page_no, first in enumerate(range(0, len(lines), per_page), 1):
        c.setFont(font, 10)
        if header:
            c.drawString(margin, height - 40, header)
        c.drawCentredString(width / 2, 30, f"- {page_no} -")
        c.setFont(font, size)
        for k, (text, dx) in enumerate(lines[first : first + per_page]):
            col, row = divmod(k, lines_per_page)
            x = margin + col * (col_w + gutter) + dx
            c.drawString(x, height - margin - row * size * 1.5, text)
        c.showPage()
    c.save()
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' PDF: pages with drawings and no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for _ in range(2):
        c.rect(72, 72, 400, 600, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()
