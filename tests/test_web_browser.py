"""The ``speechtree serve`` page in a real browser: headless Chromium driven by Selenium,
against a real server process on 127.0.0.1.

Skips when Chromium and chromedriver are missing (as tests/test_html_browser.py
does). With ``SPEECHTREE_SCREENSHOTS=DIR`` it saves the page as it goes
(``docs/web-app.png`` was made so).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_html_browser import chromium
from webserver import Served, serve

import speechtree
from speechtree.cli import main

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

FILLER = "这一段文字只是为了让页面足够长，需要滚动才能看到后面的内容。" * 3
DRAFT = (
    "关于2025年重点工作的报告\n\n各位代表：\n\n"
    "一、总体要求\n"
    "（一）指导思想。坚持稳中求进工作总基调。\n"
    "（三）基本原则。坚持以人民为中心。\n"
    + "".join(f"{FILLER}\n" for _ in range(10))
    + "二、重点任务\n"
    "（一）稳增长。一是扩大有效投资；二是提振消费；三是稳定外贸。\n"
    "（二）促改革。深化重点领域改革。\n"
    "1.推进国企改革。\n"
    "2.优化营商环境。\n"
    "三、保障措施\n"
    "（一）加强组织领导。\n"
)
# The second draft: 基本原则 moved under 二、, 扩大开放 added, 保障措施 retitled.
OTHER = (
    "关于2025年重点工作的报告\n\n各位代表：\n\n"
    "一、总体要求\n"
    "（一）指导思想。坚持稳中求进工作总基调。\n"
    "二、重点任务\n"
    "（一）稳增长。一是扩大有效投资；二是提振消费；三是稳定外贸。\n"
    "（二）促改革。深化重点领域改革。\n"
    "1.推进国企改革。\n"
    "2.优化营商环境。\n"
    "（三）基本原则。坚持以人民为中心。\n"
    "（四）扩大开放。\n"
    "三、加强政府自身建设\n"
    "（一）加强组织领导。\n"
)
HOSTILE = (
    "一、总体要求<script>window.__ran = 1; alert(1)</script>\n"
    "（一）</textarea><img src=x onerror=\"window.__ran = 2\">指导思想\n"
    "（二）<b onclick=\"window.__ran = 3\">基本原则</b>&amp;\n"
)


@pytest.fixture(scope="module")
def downloads() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="speechtree-downloads-") as d:
        yield Path(d)


@pytest.fixture(scope="module")
def driver(downloads: Path) -> Iterator[WebDriver]:
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    with chromium("--window-size=1400,900", prefs=prefs) as drv:
        drv.execute_cdp_cmd("Page.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
        yield drv


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve(tmp_path_factory.mktemp("serve")) as s:
        yield s


def _wait(what: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _console(driver: WebDriver) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def _severe(driver: WebDriver) -> list[dict[str, Any]]:
    """Errors in the console: a script error, or anything the CSP blocked."""
    return [e for e in _console(driver) if e.get("level") == "SEVERE"]


def _js(driver: WebDriver, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def _shot(driver: WebDriver, name: str) -> None:
    folder = os.environ.get("SPEECHTREE_SCREENSHOTS")
    if folder:
        driver.save_screenshot(str(Path(folder) / name))


def _paste_and_check(driver: WebDriver, server: Served, text: str) -> None:
    driver.get(server.url + "/")
    _console(driver)
    box = driver.find_element(By.ID, "draft")
    box.send_keys(text)
    assert box.get_attribute("value") == text
    driver.find_element(By.ID, "check").click()
    _wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")
          in ("shown", "error"))
    assert driver.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "shown"


def _highlighted(driver: WebDriver) -> str:
    text: str = _js(driver, "return Array.from(document.querySelectorAll('#text .hl'))"
                    ".map(function (e) { return e.textContent; }).join('');")
    return text


def test_check_a_draft_end_to_end(driver: WebDriver, server: Served, downloads: Path,
                                  tmp_path: Path) -> None:
    doc = speechtree.parse(DRAFT.encode())
    _paste_and_check(driver, server, DRAFT)

    # The outline, node by node.
    links = driver.find_elements(By.CSS_SELECTOR, "#outline a.node[data-id^='n']")
    walked = [n for _, n in doc.walk()]
    assert [link.text.replace("\n", "") for link in links] == [
        f"{n.marker}{n.title}{n.span.line}" for n in walked
    ]
    # The text pane holds the draft exactly.
    assert _js(driver, "return document.querySelector('#text .src').textContent") == DRAFT

    # ST101 at its line: in the list, and on the line of the text.
    gap = next(n for n in walked if n.marker == "（三）")
    findings = driver.find_elements(By.CSS_SELECTOR, "#lint-list li.finding")
    assert [f.get_attribute("data-code") for f in findings] == ["ST101"]
    assert f"line {gap.span.line}" in findings[0].text
    assert findings[0].find_element(By.CSS_SELECTOR, ".name").text == "skipped-ordinal"
    row = driver.find_element(By.ID, f"L{gap.span.line}")
    assert "lint" in (row.get_attribute("class") or "").split()
    assert (row.get_attribute("data-lint") or "").startswith("ST101 （三） follows （一）")
    # The parser's numbering warning and the metadata are shown too.
    warnings = driver.find_elements(By.CSS_SELECTOR, "#warning-list li.finding")
    assert [w.find_element(By.CSS_SELECTOR, "code").text for w in warnings] == [
        w.code for w in doc.warnings
    ]
    assert [w.find_element(By.CSS_SELECTOR, ".name").text for w in warnings] == [
        w.name for w in doc.warnings
    ]
    meta = driver.find_element(By.ID, "meta").text
    assert "utf-8" in meta and doc.speeches[0].title in meta
    _shot(driver, "web-app.png")

    # Click a node: its text is highlighted and scrolled to.
    last = len(walked) - 1
    for k in (1, last):
        driver.find_element(By.CSS_SELECTOR, f"#outline a.node[data-id='n{k}']").click()
        node = walked[k]
        assert _highlighted(driver) == DRAFT[node.span.start : node.span.end]
        assert _js(driver, "var e = document.querySelector(arguments[0]);"
                   "var p = document.getElementById('text').getBoundingClientRect();"
                   "var r = e.getBoundingClientRect();"
                   "return r.bottom > p.top && r.top < p.bottom;", f"[data-cover~='n{k}']")
    # Collapse all hides nested nodes; expand all shows them again.
    driver.find_element(By.ID, "collapse-all").click()
    assert not driver.find_element(By.CSS_SELECTOR, "a.node[data-id='n1']").is_displayed()
    driver.find_element(By.ID, "expand-all").click()
    assert driver.find_element(By.CSS_SELECTOR, "a.node[data-id='n1']").is_displayed()

    # Download the JSON: it parses, and it is the CLI's answer for the same text.
    driver.find_element(By.ID, "dl-json").click()
    saved = _wait(lambda: [p for p in downloads.glob("*.json")])
    _wait(lambda: saved[0].stat().st_size > 0 and not list(downloads.glob("*.crdownload")))
    data = saved[0].read_bytes()
    assert json.loads(data)["speeches"][0]["sections"]
    cli = CliRunner().invoke(main, ["parse", "-"], input=DRAFT.encode())
    assert data == cli.stdout_bytes
    assert _severe(driver) == []

    # Upload a second draft: the diff, and the changed nodes marked in both outlines.
    other = tmp_path / "第二稿.txt"
    other.write_text(OTHER, encoding="utf-8")
    driver.find_element(By.ID, "file-b").send_keys(str(other))
    _wait(lambda: driver.find_element(By.TAG_NAME, "body").get_attribute("data-compare"))
    assert driver.find_element(By.ID, "compare-view").is_displayed()
    assert not driver.find_element(By.ID, "check-view").is_displayed()
    want = speechtree.diff.diff(doc, speechtree.parse(OTHER.encode()))
    items = driver.find_elements(By.CSS_SELECTOR, "#diff-list li.change")
    assert [i.get_attribute("data-kind") for i in items] == [c.kind for c in want.changes]
    assert {"moved", "added", "retitled"} <= {c.kind for c in want.changes}
    for kind in ("moved", "added", "retitled"):
        marked = driver.find_elements(By.CSS_SELECTOR, f"#outline-b a.node.chg-{kind}")
        assert marked, kind
        assert all(kind in (m.get_attribute("data-change") or "") for m in marked)
    moved = next(c for c in want.changes if c.kind == "moved")
    assert moved.b is not None
    item = next(i for i in items if i.get_attribute("data-kind") == "moved")
    assert moved.b.title in item.text
    _shot(driver, "web-app-compare.png")
    item.click()
    active = driver.find_elements(By.CSS_SELECTOR, "#outline-b a.node.active")
    assert [a.text.replace("\n", "").split(str(moved.b.line))[0] for a in active] == [
        moved.b.marker + moved.b.title
    ]
    assert "第二稿.txt" in driver.find_element(By.ID, "name-b").text
    assert _severe(driver) == []


def test_document_text_stays_text(driver: WebDriver, server: Served) -> None:
    _paste_and_check(driver, server, HOSTILE)
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - reading it is the check
    assert _js(driver, "return window.__ran === undefined")
    assert _js(driver, "return document.querySelector('#text .src').textContent") == HOSTILE
    assert _js(driver, "return document.querySelectorAll("
               "'#text script, #outline script, #text img, #outline img, #text b').length") == 0
    titles = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#outline a.node .ti")]
    assert any("<script>" in t for t in titles)
    # Nothing escaped twice either: &amp; in the draft shows as &amp;.
    assert "&amp;" in driver.find_element(By.ID, "text").text
    assert driver.find_element(By.ID, "draft").get_attribute("value") == HOSTILE
    assert _severe(driver) == []


def test_an_error_is_shown_not_thrown(driver: WebDriver, server: Served, tmp_path: Path) -> None:
    driver.get(server.url + "/")
    _console(driver)
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" + bytes((i * 167 + 13) % 256 for i in range(4000)))
    driver.find_element(By.ID, "file").send_keys(str(binary))
    _wait(lambda: driver.find_element(By.ID, "error").is_displayed())
    assert "DecodeError" in driver.find_element(By.ID, "error").text
    # The failed request is in the console as a network error; no script error.
    assert [e for e in _severe(driver) if e.get("source") != "network"] == []
