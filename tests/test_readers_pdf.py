"""The PDF reader: reading order, paragraphs, running headers, refusals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")

from formats_fixtures import image_only_pdf, text_to_pdf

import speechtree
from speechtree.check import verify_lossless
from speechtree.readers import FormatError, MissingExtraError, read

SPEECH = [
    "在全县重点工作推进会上的讲话",
    "同志们：",
    "今天召开这次会议，主要任务是总结上半年工作，分析当前形势，安排部署下半年重点工作。"
    "刚才，几位同志作了发言，讲得都很好，我完全同意。",
    "一、认清形势，增强做好工作的责任感",
    "上半年，全县经济运行稳中有进。一是工业生产持续向好，规模以上工业增加值增长百分之六点五；"
    "二是项目建设加快推进，新开工项目三十八个；三是消费市场逐步回暖，社会消费品零售总额稳步增长。",
    "二、突出重点，抓好下半年各项工作",
    "（一）抓项目、扩投资。要围绕产业链谋划一批大项目好项目，加快在建项目进度，确保早日投产达效。",
    "（二）抓改革、优环境。要深化放管服改革，持续优化营商环境，让企业办事更方便更快捷。",
]


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n") if p]


def test_lines_join_into_paragraphs_and_running_text_goes() -> None:
    data = text_to_pdf(SPEECH * 3, header="某某县人民政府办公室文件", lines_per_page=20)
    got = read(data)
    assert got is not None and got.format == "pdf" and got.pages is not None
    assert got.pages >= 2
    assert _paras(got.text) == SPEECH * 3  # no header, no page number, no broken line


def test_two_columns_are_read_column_by_column() -> None:
    data = text_to_pdf(SPEECH, columns=2, lines_per_page=14)
    got = read(data)
    assert got is not None
    assert _paras(got.text) == SPEECH


def test_outline_of_a_pdf_is_the_outline_of_its_text() -> None:
    doc = speechtree.parse(text_to_pdf(SPEECH, lines_per_page=12), path="talk.pdf")
    want = speechtree.parse("\n".join(SPEECH))
    assert doc.source.format == "pdf"
    assert [(n.level, n.marker, n.title) for _, n in doc.walk()] == [
        (n.level, n.marker, n.title) for _, n in want.walk()
    ]
    assert verify_lossless(doc) == []


def test_scanned_and_encrypted_pdfs_are_refused() -> None:
    with pytest.raises(FormatError, match="without a text layer") as info:
        speechtree.parse(image_only_pdf())
    assert info.value.exit_code == 3
    with pytest.raises(FormatError, match="encrypted"):
        speechtree.parse(text_to_pdf(SPEECH, encrypt="secret"))
    with pytest.raises(FormatError, match="corrupt PDF"):
        speechtree.parse(b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_real_pdfs(corpus_dir: Path) -> None:
    folder = corpus_dir / "formats"
    gongwen = read((folder / "pdf_synthetic_gongwen_notice_wps_2pages_text_layer.pdf").read_bytes())
    assert gongwen is not None
    lines = _paras(gongwen.text)
    assert "国防部关于放假的通知" in lines and not any("––" in ln for ln in lines)
    assert "2012 年 12 月 12 日" in lines  # the date of page 1 does not run into page 2
    with pytest.raises(FormatError, match="without a text layer"):
        speechtree.parse_file(
            folder / "pdf_national_das_kapital_zh_pages_scanned_no_text_layer.pdf"
        )


def test_a_missing_library_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import fails as when absent
    with pytest.raises(MissingExtraError, match=r"pip install 'speechtree\[formats\]'") as info:
        speechtree.parse(text_to_pdf(SPEECH[:2]))
    assert info.value.exit_code == 3


def test_a_missing_submodule_names_its_library(monkeypatch: pytest.MonkeyPatch) -> None:
    # The HTML reader imports lxml.etree: the message names lxml, the package to install.
    monkeypatch.setitem(sys.modules, "lxml.etree", None)
    page = "<html><body><article><p>一、总体要求</p><p>正文。</p></article></body></html>"
    with pytest.raises(MissingExtraError, match=r"needs the 'lxml' library: pip install") as info:
        speechtree.parse(page.encode())
    assert info.value.exit_code == 3
