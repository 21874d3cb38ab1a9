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
from openpyxl import load_workbook
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
def page(request, browser, url: str) -> Iterator[Page]:
    """A fresh page (1280×900 unless parametrized indirectly with a viewport) that must fetch nothing from outside."""
    viewport = getattr(request, "param", {"width": 1280, "height": 900})
    context = browser.new_context(viewport=viewport, accept_downloads=True)
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


def draft(page: Page, role: str, extra: str = "") -> None:
    """Open the Draft tab, enter a role (and 补充要求 lines) and ask for the draft."""
    page.get_by_role("tab", name="岗位说明书 / KPI").click()
    field = page.locator("#draft-role input")
    field.fill(role)
    field.press("Enter")
    page.locator("#draft-extra textarea").fill(extra)
    page.get_by_role("button", name="生成草稿").click()


def edit_cell(page: Page, row: int, column: int, value: str) -> None:
    """Type a value into a cell of the KPI table, as a user does: double-click, replace, Enter."""
    cell = page.locator(f'#kpi-table [data-testid="cell-{row}-{column}"]')
    cell.dblclick()
    editor = cell.locator("input, textarea").first
    expect(editor).to_be_focused(timeout=15_000)  # keys pressed before the editor opens would go to the old text
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    expect(editor).to_have_value(value)
    page.keyboard.press("Enter")
    expect(cell).to_contain_text(value, timeout=15_000)  # the table re-renders after each edit: wait for this one


def download(page: Page, button: str, path: Path) -> Path:
    with page.expect_download() as started:
        page.locator(button).click()
    started.value.save_as(path)
    assert path.stat().st_size > 0, f"{button} downloaded nothing from {started.value.url}"
    return path


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


def test_draft_weights_must_sum_to_100_and_the_downloads_carry_the_edits(page: Page, tmp_path: Path) -> None:
    draft(page, "采购经理")
    status = page.locator("#kpi-status")
    expect(page.locator('#kpi-table [data-testid="cell-0-8"]')).to_have_text("29", timeout=30_000)
    edit_cell(page, 0, 8, "35")
    expect(status).to_have_text("⚠️ 权重合计为 106,应为 100:请调整权重后再下载。", timeout=15_000)
    expect(page.locator("#dl-xlsx")).to_be_disabled()
    edit_cell(page, 4, 8, "23")
    expect(status).to_have_text("✓ 权重合计 100。下载的文件已按表格更新。", timeout=15_000)
    expect(page.locator("#dl-xlsx")).to_be_enabled()
    sheet = load_workbook(download(page, "#dl-xlsx", tmp_path / "kpi.xlsx"))["KPI 考核表"]
    assert [(sheet[f"B{r}"].value, sheet[f"J{r}"].value) for r in range(2, 7)] == [
        ("采购成本节约率", 35), ("采购订单准时交付率", 14), ("采购商品合格率", 14), ("供应商绩效评分", 14), ("采购计划达成率", 23),
    ]  # fmt: skip
    table = docx.Document(str(download(page, "#dl-docx", tmp_path / "jd.docx"))).tables[0]
    assert [r.cells[9].text for r in table.rows[1:]] == ["35", "14", "14", "14", "23"]
    expect(page.locator("#jd-view tbody tr").first.locator("td").nth(9)).to_have_text("35")  # the preview, too


@pytest.mark.parametrize("page", [{"width": 390, "height": 844}], indirect=True)
def test_draft_tab_on_a_phone_is_one_column_and_the_sheet_scrolls_instead_of_clipping(page: Page) -> None:
    draft(page, "采购经理")
    header = page.locator("#kpi-table th[data-testid^='header-']")
    expect(header.first).to_be_visible(timeout=30_000)
    jd_box, table_box = page.locator("#jd-view").bounding_box(), page.locator("#kpi-table").bounding_box()
    viewport = page.locator("#kpi-table .virtual-table-viewport")
    scroll = viewport.evaluate("e => [e.scrollWidth > e.clientWidth, getComputedStyle(e).overflowX]")
    clipped = header.evaluate_all("hs => hs.filter(h => h.querySelector('.header-content').scrollWidth > h.clientWidth)"
                                  ".map(h => h.innerText)")  # fmt: skip
    widths = header.evaluate_all("hs => hs.map(h => Math.round(h.getBoundingClientRect().width))")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out of the page
    assert table_box["y"] >= jd_box["y"] + jd_box["height"]  # the sheet under the JD, not beside it
    assert (scroll, clipped, min(widths) >= 70) == ([True, "auto"], [], True)
    jd_table = page.locator("#jd-view table").evaluate("e => [e.scrollWidth > e.clientWidth, getComputedStyle(e).overflowX]")
    assert jd_table == [True, "auto"]
    page.screenshot(path=SHOTS / "draft-390.png", full_page=True)


def test_draft_warns_of_discriminatory_extra_lines_and_loads_no_image_from_them(page: Page) -> None:
    draft(page, "采购员", "限男性,35岁以下\n![x](http://example.invalid/x.png)\n<img src=http://example.invalid/y.png>")
    concerns = page.locator("#draft-concerns")
    expect(concerns).to_contain_text("「限男性,35岁以下」涉及性别要求", timeout=30_000)
    expect(concerns).to_contain_text("《就业促进法》第三条、第二十七条,《妇女权益保障法》第四十三条")
    expect(concerns).to_contain_text("涉及年龄要求")
    expect(page.locator("#jd-view")).to_contain_text("![x](http://example.invalid/x.png)（用户补充，非原文内容）")
    expect(page.locator("#jd-view")).to_contain_text("<img src=http://example.invalid/y.png>")
    assert page.locator("#jd-view img").count() == 0  # and the page fixture checks that nothing was fetched


def test_a_role_without_kpi_gets_a_sheet_to_fill_and_its_download(page: Page, tmp_path: Path) -> None:
    draft(page, "仓储主管")
    expect(page.locator("#kpi-status")).to_contain_text("原文未提及该岗位的 KPI 指标", timeout=30_000)
    expect(page.locator("#kpi-table [data-testid^='cell-'][data-testid$='-0']")).to_have_count(5)
    edit_cell(page, 0, 0, "仓储损耗率")
    edit_cell(page, 0, 8, "100")
    expect(page.locator("#kpi-status")).to_have_text("✓ 权重合计 100。下载的文件已按表格更新。", timeout=15_000)
    sheet = load_workbook(download(page, "#dl-xlsx", tmp_path / "kpi.xlsx"))["KPI 考核表"]
    assert [(sheet["B2"].value, sheet["J2"].value, sheet["P2"].value)] == [("仓储损耗率", 100, None)]


def test_draft_unknown_role_lists_suggestions(page: Page) -> None:
    draft(page, "宇航员")
    expect(page.get_by_text("你是不是要找:采购员").first).to_be_visible(timeout=15_000)


def test_match_ranks_roles(page: Page) -> None:
    page.get_by_role("tab", name="求职匹配").click()
    expect(page.get_by_text("不会被保存").first).to_be_visible()
    page.locator("#profile textarea").fill("三年供应链经验,熟悉供应商谈判和成本控制,带过5人团队")
    page.get_by_role("button", name="匹配岗位").click()
    results = page.locator("#match-results")
    expect(results.locator("h3").first).to_contain_text("采购经理", timeout=60_000)
    expect(results).to_contain_text("你的层级: 经理 · 主管级")
    expect(results).to_contain_text("相关经验")
    pictured = results.locator("img[alt$='的职业路径']")
    expect(pictured).to_have_count(2)  # of the first three, 电商数据分析师 has no career link in the article
    assert [pictured.nth(i).get_attribute("alt") for i in range(2)] == ["采购经理 的职业路径", "供应链总监 的职业路径"]
    assert results.locator("img").first.evaluate("i => i.complete && i.naturalWidth > 0")  # drawn from a data URI
    page.screenshot(path=SHOTS / "match.png", full_page=True)


def test_the_full_career_map_opens_in_the_match_tab(page: Page) -> None:
    page.get_by_role("tab", name="求职匹配").click()
    page.get_by_text("完整职业地图(按章节)").click()
    page.get_by_role("button", name="显示完整职业地图").click()
    picture = page.locator("#career-map img")
    expect(picture).to_have_attribute("alt", "电商岗位职业地图(按章节)", timeout=60_000)
    assert picture.evaluate("i => i.naturalWidth") >= 1000
    page.screenshot(path=SHOTS / "career-map.png", full_page=True)


def test_browse_shows_a_role(page: Page) -> None:
    page.get_by_role("tab", name="岗位浏览").click()
    role = page.locator("#browse-role input")
    role.fill("采购经理")
    role.press("Enter")
    expect(page.get_by_role("heading", name="4.2 采购经理")).to_be_visible(timeout=15_000)
    page.screenshot(path=SHOTS / "browse.png", full_page=True)
