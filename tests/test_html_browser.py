"""The html view in a real browser: headless Chromium driven by Selenium.

Uses the system's Chromium and chromedriver (Debian: ``chromium`` and
``chromium-driver``; ``.ci/run`` installs them) and never downloads a browser.
Skips when either is missing. Set ``SPEECHTREE_CHROMIUM`` and
``SPEECHTREE_CHROMEDRIVER`` to use other binaries.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import speechtree
from speechtree.models import Document
from speechtree.render import render

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
]

# Long enough that the last nodes start below the fold, so scrolling is tested;
# CRLF ends and characters outside the BMP, so offsets are tested.
FILLER = "这一段文字只是为了让页面足够长，需要滚动才能看到后面的内容。" * 4
SPEECH = (
    "测试报告\r\n\r\n"
    "一、第一部分\r\n"
    + "".join(f"{FILLER}\r\n" for _ in range(12))
    + "（一）第一项𠀋🎉工作。正文里有𠀋和🎉两个增补平面字符。\r\n"
    "（二）第二项<b>工作</b>。正文。\r\n"
    + "".join(f"{FILLER}\r\n" for _ in range(12))
    + "二、第二部分\r\n"
    "（一）最后一项工作。最后的正文。\r\n"
)


def _binary(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    return next((p for p in map(shutil.which, names) if p), None)


@contextmanager
def chromium(*flags: str, prefs: dict[str, Any] | None = None) -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile (skips the test without one)."""
    browser = _binary("SPEECHTREE_CHROMIUM", "chromium", "chromium-browser")
    chromedriver = _binary("SPEECHTREE_CHROMEDRIVER", "chromedriver")
    if not browser or not chromedriver:
        pytest.skip("no chromium and chromedriver on PATH")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    with tempfile.TemporaryDirectory(prefix="speechtree-chromium-") as profile:
        for flag in [*FLAGS, *flags, f"--user-data-dir={profile}"]:
            opts.add_argument(flag)
        if prefs:
            opts.add_experimental_option("prefs", prefs)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Giving both paths keeps Selenium Manager from looking anything up.
        drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)
        try:
            yield drv
        finally:
            drv.quit()


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    with chromium() as drv:
        yield drv


def _open(driver: WebDriver, doc: Document, tmp_path: Path, name: str = "page.html") -> None:
    page = tmp_path / name
    page.write_text(render(doc, "html"), encoding="utf-8")
    driver.get(page.as_uri())
    _console(driver)  # start each page with an empty console


def _console(driver: WebDriver) -> list[dict[str, Any]]:
    """Console entries since the last call (selenium leaves get_log unannotated)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def _errors(driver: WebDriver) -> list[dict[str, Any]]:
    return [e for e in _console(driver) if e.get("level") == "SEVERE"]


def _highlighted(driver: WebDriver) -> str:
    text: str = driver.execute_script(
        "return Array.from(document.querySelectorAll('#text .hl'))"
        ".map(function (e) { return e.textContent; }).join('');"
    )
    return text


def _in_view(driver: WebDriver, css: str) -> bool:
    inside: bool = driver.execute_script(
        "var e = document.querySelector(arguments[0]);"
        "var p = document.getElementById('text').getBoundingClientRect();"
        "var r = e.getBoundingClientRect();"
        "return r.bottom > p.top && r.top < p.bottom;",
        css,
    )
    return inside


@pytest.fixture(scope="module")
def doc() -> Document:
    d = speechtree.parse(SPEECH)
    assert [n.marker for _, n in d.walk()] == ["一、", "（一）", "（二）", "二、", "（一）"]
    return d


def test_loads_and_shows_every_node(driver: WebDriver, doc: Document, tmp_path: Path) -> None:
    _open(driver, doc, tmp_path)
    links = driver.find_elements(By.CSS_SELECTOR, "#outline a.node[data-id^='n']")
    walked = [n for _, n in doc.walk()]
    assert len(links) == len(walked)
    for link, node in zip(links, walked, strict=True):
        assert link.is_displayed()
        assert link.text.replace("\n", "") == f"{node.marker}{node.title}{node.span.line}"
    # The text pane holds the original, CRLF and astral characters included.
    shown = driver.execute_script("return document.querySelector('#text .src').textContent;")
    assert shown == SPEECH
    assert _errors(driver) == []


def test_click_highlights_and_scrolls_to_the_span(
    driver: WebDriver, doc: Document, tmp_path: Path
) -> None:
    _open(driver, doc, tmp_path)
    assert _highlighted(driver) == ""
    for k, (_, node) in enumerate(doc.walk()):
        driver.find_element(By.CSS_SELECTOR, f"a.node[data-id='n{k}']").click()
        assert _highlighted(driver) == SPEECH[node.span.start : node.span.end], k
        assert _in_view(driver, f"[data-cover~='n{k}']"), k
        active = driver.find_elements(By.CSS_SELECTOR, "a.node.active")
        assert [a.get_attribute("data-id") for a in active] == [f"n{k}"]
        assert driver.current_url.endswith(f"#t-n{k}")
    assert _errors(driver) == []


def test_collapse_and_select_from_the_text(
    driver: WebDriver, doc: Document, tmp_path: Path
) -> None:
    _open(driver, doc, tmp_path)
    driver.find_element(By.ID, "collapse-all").click()
    nested = driver.find_element(By.CSS_SELECTOR, "a.node[data-id='n2']")
    assert not nested.is_displayed()
    # Clicking a node's text in the right pane selects it and reveals it.
    seg = driver.find_element(By.CSS_SELECTOR, "#text [data-cover~='n2']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", seg)
    seg.click()
    assert nested.is_displayed()
    assert "active" in (nested.get_attribute("class") or "")
    span = list(doc.walk())[2][1].span
    assert _highlighted(driver) == SPEECH[span.start : span.end]
    # The toggle of the first section collapses and expands its children.
    toggle = driver.find_element(By.CSS_SELECTOR, "li.has-kids > .tog")
    child = driver.find_element(By.CSS_SELECTOR, "a.node[data-id='n1']")
    toggle.click()
    assert not child.is_displayed()
    toggle.click()
    assert child.is_displayed()
    assert _errors(driver) == []


def test_opening_with_a_fragment_selects_that_node(
    driver: WebDriver, doc: Document, tmp_path: Path
) -> None:
    _open(driver, doc, tmp_path)
    last = len(list(doc.walk())) - 1
    driver.get(driver.current_url.split("#")[0] + f"#t-n{last}")
    driver.refresh()
    node = list(doc.walk())[last][1]
    assert _highlighted(driver) == SPEECH[node.span.start : node.span.end]
    assert _errors(driver) == []


def test_corpus_speech(driver: WebDriver, corpus_dir: Path, tmp_path: Path) -> None:
    path = corpus_dir / "gwr_2024_national.txt"
    if not path.is_file():
        pytest.skip(f"{path.name} not in the corpus")
    d = speechtree.parse_file(path)
    text = d.original_text
    assert text is not None
    _open(driver, d, tmp_path, "corpus.html")
    walked = list(d.walk())
    links = driver.find_elements(By.CSS_SELECTOR, "#outline a.node[data-id^='n']")
    assert len(links) == len(walked) > 0
    for k, (_, node) in enumerate(walked):
        links[k].click()
        assert _highlighted(driver) == text[node.span.start : node.span.end], k
    assert _errors(driver) == []
