"""The .docx reader: paragraphs, tables, fields, and Word's automatic numbering."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from formats_fixtures import AUTO_STYLES, DocxWriter, typed_form

import speechtree
from speechtree.check import verify_lossless
from speechtree.readers import FormatError, read
from speechtree.readers.wordnum import format_number


def _outline(doc: speechtree.Document) -> list[tuple[int, str, str]]:
    return [(n.level, n.marker, n.title) for _, n in doc.walk()]


@pytest.mark.parametrize(
    ("n", "fmt", "want"),
    [
        (1, "chineseCounting", "一"), (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"), (20, "chineseCountingThousand", "二十"),
        (101, "chineseCountingThousand", "一百零一"), (110, "chineseCounting", "一百一十"),
        (3, "ideographTraditional", "丙"), (12, "decimalFullWidth", "１２"),
        (2, "decimalEnclosedCircle", "②"), (3, "decimalEnclosedParen", "⑶"),
        (10, "chineseLegalSimplified", "壹拾"), (28, "lowerLetter", "bb"),
        (14, "upperRoman", "XIV"), (5, "none", ""), (7, "decimalZero", "07"),
        (10, "ideographDigital", "一〇"),
    ],
)
def test_number_formats(n: int, fmt: str, want: str) -> None:
    assert format_number(n, fmt) == want


def test_automatic_numbering_levels_restarts_and_overrides() -> None:
    w = DocxWriter()
    # lvlText names levels by number: level 2 shows its own counter as %2.
    aid = w.list_def([("chineseCounting", "%1、"), ("chineseCounting", "（%2）"),
                      ("decimal", "%3."), ("decimal", "（%4）")])
    nid = w.instance(aid)
    w.para("讲话标题")
    w.para("总体要求", nid, 0)
    w.para("指导思想", nid, 1)
    w.para("基本原则", nid, 1)
    w.para("坚持稳中求进", nid, 2)
    w.para("坚持系统观念", nid, 2)
    w.para("重点任务", nid, 0)  # deeper levels restart after a higher one
    w.para("扩大内需", nid, 1)
    w.para("细化举措", nid, 3)  # level 4 straight under level 2: a count of its own
    other = w.instance(aid)  # another instance of the same list goes on counting
    w.para("保障措施", other, 0)
    restarted = w.instance(aid, {0: 1})  # startOverride: starts again
    w.para("附：分工", restarted, 0)
    text = read(w.bytes())
    assert text is not None and text.format == "docx"
    assert text.text.split("\n") == [
        "讲话标题", "一、总体要求", "（一）指导思想", "（二）基本原则", "1.坚持稳中求进",
        "2.坚持系统观念", "二、重点任务", "（一）扩大内需", "（1）细化举措", "三、保障措施",
        "一、附：分工", "",
    ]


def test_start_values_lvltext_with_two_levels_and_legal() -> None:
    w = DocxWriter()
    aid = w.list_def([("decimal", "%1"), ("decimal", "%1.%2"), ("lowerLetter", "%3)")],
                     starts=[3, 1, 1])
    nid = w.instance(aid)
    w.para("范围", nid, 0)
    w.para("术语", nid, 1)
    w.para("一项", nid, 2)
    w.para("二项", nid, 2)
    w.para("方法", nid, 1)
    lines = read(w.bytes()).text.split("\n")  # type: ignore[union-attr]
    assert lines[:5] == ["3 范围", "3.1 术语", "a)一项", "b)二项", "3.2 方法"]


def test_style_linked_numbering() -> None:
    """Headings numbered through their paragraph style (numPr in styles.xml)."""
    w = DocxWriter()
    aid = w.list_def([("chineseCounting", "%1、"), ("chineseCounting", "（%2）")])
    nid = w.instance(aid)
    styles = w.doc.styles.element
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    for sid, name, ilvl in (("H1Num", "标题 1", 0), ("H2Num", "标题 2", 1)):
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{sid}">'
            f'<w:name w:val="{name}"/><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/>'
            f'<w:numId w:val="{nid}"/></w:numPr></w:pPr></w:style>'
        ))
    w.para("讲话")
    w.para("形势", style="标题 1")
    w.para("成绩", style="标题 2")
    w.para("问题", style="标题 2")
    w.para("任务", style="标题 1")
    got = read(w.bytes())
    assert got is not None
    assert got.text.split("\n")[:5] == ["讲话", "一、形势", "（一）成绩", "（二）问题", "二、任务"]
    assert [(h.line, h.level) for h in got.headings] == [(2, 1), (3, 2), (4, 2), (5, 1)]


def test_tables_fields_deletions_and_footnotes() -> None:
    w = DocxWriter()
    w.para("正文第一段。")
    table = w.doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "金额"
    table.cell(1, 0).text, table.cell(1, 1).text = "教育", "100"
    w.para("正文第二段。")
    body = w.doc.element.body
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    # A field (its code is not shown, its result is), a tracked deletion, hidden text.
    body.insert(len(body) - 1, parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t>见第</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> PAGEREF _Toc1 </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r>'
        '<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    ))
    got = read(w.bytes())
    assert got is not None
    assert got.text.split("\n")[:5] == ["正文第一段。", "项目\t金额", "教育\t100", "正文第二段。",
                                        "见第3页"]


def test_parse_records_format_and_keeps_spans_lossless() -> None:
    w = DocxWriter()
    aid = w.list_def([("chineseCounting", "%1、")])
    nid = w.instance(aid)
    w.para("在全市工作会议上的讲话")
    w.para("统一思想。一是提高认识；二是明确目标。", nid)
    w.para("狠抓落实。", nid)
    doc = speechtree.parse(w.bytes(), path="x.docx")
    assert doc.source.format == "docx"
    assert [n.marker for _, n in doc.walk()] == ["一、", "一是", "二是", "二、"]
    assert verify_lossless(doc) == []
    again = speechtree.Document.from_json(
        speechtree.render.render(doc, "json", with_text=True)
    )
    assert again.original_text == doc.original_text and verify_lossless(again) == []


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 50, "corrupt .docx"),
        (_zip({"xl/workbook.xml": b"<x/>"}), "Excel"),
        (_zip({"word/document.xml": b"<w:document"}), "corrupt .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), ".docx first"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
    ],
)
def test_refused_inputs_say_why(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message) as info:
        speechtree.parse(data, path="in.docx")
    assert info.value.exit_code == 3


def test_input_format_overrides_sniffing() -> None:
    w = DocxWriter()
    w.para("一、总体要求")
    data = w.bytes()
    assert speechtree.parse(data).source.format == "docx"
    with pytest.raises(speechtree.SpeechtreeError):
        speechtree.parse(data, options=speechtree.ParseOptions(input_format="text"))


# -- the dev corpus, written as Word would hold it ------------------------------


def corpus_as_docx(text: str) -> bytes:
    """``text`` as a .docx whose block headings of the common styles carry
    Word automatic numbering (a list per style, restarted where the typed
    numbering restarts) and whose other markers stay typed."""
    doc = speechtree.parse(text)
    auto: dict[int, tuple[str, int]] = {}  # line → (style, ordinal)
    lines = text.split("\n")
    for _, node in doc.walk():
        if node.kind != "heading" or node.style not in AUTO_STYLES or node.ordinal is None:
            continue
        if node.ordinal > 20 or node.marker != typed_form(node.style, node.ordinal):
            continue
        line = lines[node.span.line - 1]
        if line.strip().startswith(node.marker) and node.span.line not in auto:
            auto[node.span.line] = (node.style, node.ordinal)
    w = DocxWriter()
    lists: dict[str, tuple[int, int, int]] = {}  # style → (abstract, num, next ordinal)
    for i, line in enumerate(lines, 1):
        if i not in auto:
            w.para(line)
            continue
        style, ordinal = auto[i]
        if style not in lists:
            aid = w.list_def([AUTO_STYLES[style][0]])
            lists[style] = (aid, w.instance(aid, {0: ordinal}), ordinal)
        aid, nid, nxt = lists[style]
        if ordinal != nxt:
            nid = w.instance(aid, {0: ordinal})
        lists[style] = (aid, nid, ordinal + 1)
        w.para(line.strip()[len(typed_form(style, ordinal)):], nid)
    return w.bytes()


def test_dev_corpus_round_trips_through_docx(corpus_dir: Path) -> None:
    checked = numbered = 0
    for txt in sorted(corpus_dir.glob("*.txt")):
        data = txt.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        want = _outline(speechtree.parse(text))
        docx_bytes = corpus_as_docx(text)
        got_doc = speechtree.parse(docx_bytes, path=txt.with_suffix(".docx").name)
        assert _outline(got_doc) == want, txt.name
        assert verify_lossless(got_doc) == []
        numbered += b"numId" in zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml")
        checked += 1
    assert checked >= 20 and numbered >= 20


def test_standard_with_numbering_styles(corpus_dir: Path) -> None:
    # GB/T 1.1 layout: chapter and clause numbers from numbering in the
    # heading styles (1　范围, 5.1　…), a) b) lists, a typed table of contents.
    name = "docx_national_2023_nb_psr_standard_draft_part1_autonum_styles.docx"
    path = corpus_dir / "formats" / name
    doc = speechtree.parse_file(path)
    (speech,) = doc.speeches
    chapters = [(n.marker, n.title) for n in speech.sections]
    assert chapters[:7] == [
        ("1", "范围"), ("2", "规范性引用文件"), ("3", "术语和定义"), ("4", "缩略语"),
        ("5", "定期安全评价的策划和准备"), ("6", "执行评价"), ("7", "定期安全评价后工作"),
    ]  # once each: the contents entries are not nodes
    five = speech.sections[4]
    assert [n.marker for n in five.children] == [f"5.{i}" for i in range(1, 8)]
    items = five.children[0].children[0].children  # under 5.1.1
    assert [n.marker for n in items] == [f"{c})" for c in "abcdefghijklmn"]
    assert items[0].title == "核电厂设计（SF1）"
    assert [n.marker for n in speech.sections[5].children] == ["6.1", "6.2", "6.3"]
    # Term numbers alone on their line, the term on the next.
    terms = [(n.marker, n.title) for n in speech.sections[2].children]
    assert terms == [("3.1", "定期安全评价 periodic safety review"),
                     ("3.2", "总体评价 global assessment"), ("3.3", "差异项 difference")]
    # The annexes: top-level divisions, their lists under them.
    annexes = speech.sections[7:]
    assert [("".join(n.marker.split()), n.title) for n in annexes] == [
        ("附录A", "（资料性附录）安全要素关联矩阵"),
        ("附录B", "（资料性附录）核电厂PSR大纲的一般内容"),
        ("附录C", "（资料性附录）收益成本分析的一般方法"),
    ]
    assert [n.marker for n in annexes[1].children] == [f"{c})" for c in "abcdefghi"]
    assert speech.title == "核电厂定期安全评价 第1部分：通用要求"


def _cover_docx(
    lines: list[tuple[str, int | None]], body: list[str], style: str | None = None
) -> bytes:
    """Centred cover lines (text, size in points; None: not centred), then body paragraphs."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    d = docx.Document()
    for text, size in lines:
        p = d.add_paragraph(style=style)
        run = p.add_run(text)
        if size is not None:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.font.size = Pt(size)
    for text in body:
        d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


_BODY = ["一、工作背景", "近年来，各地积极推进这项工作，取得了明显成效。", "二、主要内容",
         "本次修订主要调整了适用范围和技术要求。"]


def test_a_cover_title_over_two_centred_lines() -> None:
    # The name of the text (18 pt) over its genre (26 pt): one title; the
    # code line above and the bracketed note below are not part of it.
    data = _cover_docx(
        [("DB/T 0000—2024", 16), ("城市道路照明设施养护规范", 18), ("编制说明", 26),
         ("（征求意见稿）", 14)], _BODY,
    )
    got = read(data)
    assert got is not None and got.title_lines == (2, 3)
    doc = speechtree.parse(data)
    assert doc.speeches[0].title == "城市道路照明设施养护规范编制说明"
    assert [n.marker for n in doc.speeches[0].sections] == ["一、", "二、"]
    assert verify_lossless(doc) == []


def test_a_title_style_over_two_paragraphs() -> None:
    d = docx.Document()
    d.add_paragraph("关于进一步加强城市道路", style="Title")
    d.add_paragraph("照明设施养护管理的意见", style="Title")
    for text in _BODY:
        d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    got = read(out.getvalue())
    assert got is not None and got.title_lines == (1, 2)
    title = speechtree.parse(out.getvalue()).speeches[0].title
    assert title == "关于进一步加强城市道路照明设施养护管理的意见"


def test_a_standards_title_keeps_the_space_before_its_part() -> None:
    # GB/T 1.1 sets a title's elements apart (城市供水服务规范 第2部分：…);
    # a title broken over two lines is otherwise joined without a space.
    d = docx.Document()
    d.add_paragraph("城市供水服务规范", style="Title")
    d.add_paragraph("第2部分：水质检测", style="Title")
    for text in ["1　范围", "本部分规定了水质检测的要求。", "2　检测项目", "检测项目见表1。"]:
        d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    doc = speechtree.parse(out.getvalue())
    assert doc.speeches[0].title == "城市供水服务规范 第2部分：水质检测"
    assert [n.marker for n in doc.speeches[0].sections] == ["1", "2"]


def test_a_heading_paragraph_is_never_a_broken_line() -> None:
    # As plain text, a long line without a full stop followed by more text
    # reads as a line cut by wrapping; a Word heading is a paragraph of its own.
    title = "关于进一步加强和改进新时代城市社区治理和服务体系建设情况的调研报告"
    body = "近年来，我市认真贯彻落实各项决策部署，社区治理工作取得明显成效。"
    rest = ["一、基本情况", "全市共有社区五百个。", "二、存在问题", "一些社区服务能力不足。"]
    d = docx.Document()
    d.add_paragraph(title, style="Heading 1")
    for text in [body, *rest]:
        d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    doc = speechtree.parse(out.getvalue())
    assert doc.speeches[0].title == title
    assert [b.text for b in doc.speeches[0].preamble if b.kind == "paragraph"] == [body]
    # The same lines as plain text: joined (the reader's knowledge is what differs).
    as_text = speechtree.parse("\n".join([title, body, *rest]))
    assert as_text.speeches[0].title != title


def test_no_title_hint_without_a_cover() -> None:
    got = read(_cover_docx([], _BODY))
    assert got is not None and got.title_lines is None
