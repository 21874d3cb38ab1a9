"""The app in a real browser (Playwright + system chromium): streaming, highlights, downloads, screenshots."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import docx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from ingest.config import PROJECT_ROOT

# Screenshots go to test-artifacts/ (ignored by git); scripts/screenshots.py points them at docs/ for the README.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", PROJECT_ROOT / "test-artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def url(app_url: str) -> str:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return app_url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and outside.append(r.url))
    page.goto(url)
    expect(page.get_by_role("tab", name="问答")).to_be_visible(timeout=30_000)
    yield page
    context.close()
    assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []  # offline: no fonts, no analytics


def ask(page: Page, question: str) -> None:
    """Type a question and wait until its streamed answer stops growing (a submit during streaming is dropped)."""
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    if not question.strip():
        return
    chat, last, deadline = page.locator("#chat"), None, time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(400)
        text = chat.inner_text()
        if question in text and text == last:
            return
        last = text


def test_ask_streams_a_cited_answer_and_follow_up(page: Page) -> None:
    ask(page, "采购经理的KPI有哪些")
    highlighted = page.locator("#chat mark").first
    expect(highlighted).to_have_text("采购成本节约率:实际采购成本与预算成本的差额占预算成本比例", timeout=30_000)
    expect(page.locator("#chat")).to_contain_text("采购计划达成率")
    ask(page, "商家运营经理负责什么?")
    expect(page.locator("#chat")).to_contain_text("【商家运营经理 · 职责职能】", timeout=30_000)
    ask(page, "那它的KPI呢?")
    expect(page.locator("#chat")).to_contain_text("【商家运营经理 · KPI 指标】", timeout=30_000)
    ask(page, "主播的年薪是多少?")
    expect(page.locator("#chat .not-covered")).to_contain_text("⚠️", timeout=30_000)
    page.screenshot(path=SHOTS / "ask.png", full_page=True)


def test_empty_question_shows_a_message(page: Page) -> None:
    ask(page, "   ")
    expect(page.get_by_text("请输入一个关于文章中岗位的问题。").first).to_be_visible(timeout=15_000)


def draft(page: Page, role: str) -> None:
    """Open the Draft tab, enter a role and ask for the draft."""
    page.get_by_role("tab", name="岗位说明书 / KPI").click()
    field = page.locator("#draft-role input")
    field.fill(role)
    field.press("Enter")
    page.get_by_role("button", name="生成草稿").click()


def test_draft_jd_downloads_a_docx(page: Page, tmp_path: Path) -> None:
    draft(page, "采购经理")
    expect(page.get_by_text("采购成本节约率").first).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.locator("#dl-docx").click()
    saved = tmp_path / "jd.docx"
    download.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "采购经理" in text
    page.screenshot(path=SHOTS / "draft.png", full_page=True)


def test_draft_unknown_role_lists_suggestions(page: Page) -> None:
    draft(page, "宇航员")
    expect(page.get_by_text("你是不是要找:采购员").first).to_be_visible(timeout=15_000)


def test_match_ranks_roles(page: Page) -> None:
    page.get_by_role("tab", name="求职匹配").click()
    expect(page.get_by_text("不会被保存").first).to_be_visible()
    page.locator("#profile textarea").fill("三年供应链经验,熟悉供应商谈判和成本控制,带过5人团队")
    page.get_by_role("button", name="匹配岗位").click()
    expect(page.locator("#match-results h3").first).to_contain_text("采购经理", timeout=60_000)
    page.screenshot(path=SHOTS / "match.png", full_page=True)


def test_browse_shows_a_role(page: Page) -> None:
    page.get_by_role("tab", name="岗位浏览").click()
    role = page.locator("#browse-role input")
    role.fill("采购经理")
    role.press("Enter")
    expect(page.get_by_role("heading", name="4.2 采购经理")).to_be_visible(timeout=15_000)
    page.screenshot(path=SHOTS / "browse.png", full_page=True)
