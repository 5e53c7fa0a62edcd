"""The HTML reader: charset, the article without the site's chrome, paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("lxml")

from formats_fixtures import text_to_html

import speechtree
from speechtree.check import verify_lossless
from speechtree.readers import FormatError, read

TALK = (
    "在全市安全生产工作会议上的讲话\n同志们：\n今天的会议很重要，大家要认真领会，抓好落实。\n"
    "一、提高认识，切实增强责任感\n安全生产事关人民群众生命财产安全。一是要树牢安全发展理念；"
    "二是要压实各方责任；三是要强化源头治理。\n二、突出重点，全面排查整治隐患\n"
    "（一）抓好重点行业领域。要聚焦危化品、矿山、交通运输等行业，开展拉网式排查。\n"
    "（二）抓好重要时段。要在节假日和重大活动期间加强值班值守。\n"
)


def _outline(doc: speechtree.Document) -> list[tuple[int, str, str]]:
    return [(n.level, n.marker, n.title) for _, n in doc.walk()]


def test_article_without_chrome() -> None:
    got = read(text_to_html(TALK))
    assert got is not None and got.format == "html" and got.encoding == "utf-8"
    assert got.text == TALK
    doc = speechtree.parse(text_to_html(TALK), path="talk.html")
    assert doc.source.format == "html"
    assert _outline(doc) == _outline(speechtree.parse(TALK))
    assert verify_lossless(doc) == []


def test_gbk_page_and_a_page_that_lies_about_its_charset() -> None:
    page = text_to_html(TALK).decode("utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    gbk = read(page.encode("gbk"))
    assert gbk is not None and gbk.encoding == "gb18030" and gbk.text == TALK
    lying = read(page.encode("utf-8"))  # declares GB2312, is UTF-8: the bytes win
    assert lying is not None and lying.encoding == "utf-8" and lying.text == TALK


def test_paragraphs_from_br_and_div() -> None:
    page = (
        "<html><body><div class='nav'><a href='/'>首页</a> <a href='/x'>新闻</a></div>"
        "<div id='content'><div>一、总体要求。这一段说明总体要求，内容比较长，有好几句话。</div>"
        "<div>二、主要任务。第一项任务是这样，第二项任务是那样。<br>三、保障措施。要加强组织领导，"
        "强化督促检查，确保各项任务落到实处。</div></div>"
        "<div class='footer'>版权所有 联系我们</div></body></html>"
    )
    got = read(page.encode("utf-8"))
    assert got is not None
    assert [ln[:2] for ln in got.text.split("\n") if ln] == ["一、", "二、", "三、"]


def test_a_page_without_an_article_says_so() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>首页</title><script>var a = 1;</script></head>"
        "<body><ul class='menu'><li><a href='/a'>首页</a></li><li><a href='/b'>新闻</a></li>"
        "</ul><div class='footer'>版权所有</div></body></html>"
    )
    with pytest.raises(FormatError, match="no article") as info:
        speechtree.parse(page.encode("utf-8"), path="index.html")
    assert info.value.exit_code == 3


def test_html_text_in_a_str_needs_the_format_named() -> None:
    page = text_to_html(TALK).decode("utf-8")
    doc = speechtree.parse(page, options=speechtree.ParseOptions(input_format="html"))
    assert doc.source.format == "html" and _outline(doc) == _outline(speechtree.parse(TALK))


def test_real_pages(corpus_dir: Path) -> None:
    folder = corpus_dir / "formats"
    expect = {
        "html_national_govcn_2007_npc_standing_committee_resolution.html": "第十届全国人民代表大会",
        "html_national_cmse_2012_spokesperson_press_statement.html": "女士们、先生们：",
        "html_prov_shanxi_university_2018_supervision_law_page.html": "第六十九条",
        "html_national_peoplecn_2019_culture_gb2312_declared_utf8_bytes.html": "冬夜读书示子聿",
        "html_prov_shanxi_gov_2019_portal_news.html": "山西品牌丝路行",
    }
    for name, phrase in expect.items():
        got = read((folder / name).read_bytes())
        assert got is not None and got.encoding == "utf-8", name
        assert phrase in got.text, name
        for chrome in ("首页", "打印", "版权所有", "主办单位"):
            assert chrome not in got.text, (name, chrome)


def test_dev_corpus_round_trips_through_html(corpus_dir: Path) -> None:
    checked = 0
    for txt in sorted(corpus_dir.glob("*.txt")):
        try:
            text = txt.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        want = _outline(speechtree.parse(text))
        doc = speechtree.parse(text_to_html(text), path=txt.with_suffix(".html").name)
        assert _outline(doc) == want, txt.name
        assert verify_lossless(doc) == []
        checked += 1
    assert checked >= 20


def test_page_closed_early_pre_lines_and_source_newlines() -> None:
    # An included header that closes </body></html> before the article; a
    # <pre> whose line breaks are the text's; a line break in a <p>'s source
    # is a space, as a browser shows it.
    page = (
        "<html><head><title>通知</title></head><body><div class='nav'><a href='/'>首页</a>"
        "</div></body></html>\n<div class='content'><p>一、总体要求。要坚持问题导向，\n"
        "突出重点，这一段说明总体要求。</p><pre>二、主要任务。第一项任务，第二项任务。\n"
        "三、保障措施。加强组织领导，强化督促检查。</pre></div>"
    )
    got = read(page.encode("utf-8"))
    assert got is not None
    assert got.text.split("\n")[:3] == [
        "一、总体要求。要坚持问题导向， 突出重点，这一段说明总体要求。",
        "二、主要任务。第一项任务，第二项任务。",
        "三、保障措施。加强组织领导，强化督促检查。",
    ]


def test_reading_pages_from_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    pages = [text_to_html(TALK)] * 8
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda d: read(d).text, pages))  # type: ignore[union-attr]
    assert texts == [TALK] * 8


def test_a_headline_broken_by_br_is_one_title() -> None:
    page = (
        "<html><head><title>某某市人民政府关于加强城市道路照明管理的通知_政府信息公开_某某市</title>"
        "</head><body><div class='nav'><a href='/'>首页</a></div><div id='content'>"
        "<p align='center'><strong>某某市人民政府<br>关于加强城市道路照明<br>管理的通知"
        "</strong></p>"
        "<p>各区人民政府，市政府各部门：</p><p>一、明确职责。各区要落实属地责任，做好日常管理。</p>"
        "<p>二、加强养护。市政部门要定期巡查，发现问题及时处理。</p></div></body></html>"
    )
    got = read(page.encode("utf-8"))
    assert got is not None and got.title_lines == (1, 3)
    doc = speechtree.parse(page.encode("utf-8"), path="notice.html")
    assert doc.speeches[0].title == "某某市人民政府关于加强城市道路照明管理的通知"
    assert [n.marker for n in doc.speeches[0].sections] == ["一、", "二、"]


def _para(k: int, commas: bool) -> str:
    """A paragraph of 139 characters, with 19 commas or none."""
    words = "".join(f"第{k}段文字写的是工作安排与落实要求" for _ in range(10))
    if not commas:
        return f"<p>{words[:139]}</p>"
    return "<p>" + "，".join(words[i : i + 6] for i in range(0, 120, 6)) + "</p>"


@pytest.mark.parametrize("commas_in_bigger", [False, True])
def test_commas_still_decide_between_two_runs_of_paragraphs(commas_in_bigger: bool) -> None:
    # Two runs of paragraphs of equal length side by side: the one with more
    # paragraphs has the higher sum, and one of them has the commas (19 a
    # paragraph, which outweigh the sums and the smaller run's class). The
    # reader counts the bigger run's commas only when they could change the
    # winner: the run with the commas must win whichever of the two it is.
    many = "".join(_para(k, commas_in_bigger) for k in range(25))
    fewer = "".join(_para(k, not commas_in_bigger) for k in range(100, 124))
    page = f"<html><body><div>{many}</div><div class='content'>{fewer}</div></body></html>"
    got = read(page.encode("utf-8"))
    assert got is not None
    lines = got.text.splitlines()
    assert len(lines) == (25 if commas_in_bigger else 24)
    assert all("，" in line for line in lines)
