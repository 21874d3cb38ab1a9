"""The roles of documents in other layouts are answered, drafted and matched like the article's: a Markdown
article, a plain-text handbook, a Word file and the article's own layout, indexed together (no shipped corpus)."""

from __future__ import annotations

import shutil

import pytest

from ingest.config import Settings
from ingest.index import build_index, open_index
from ingest.parse import load_corpus
from rag.answer import answer
from rag.catalog import load_catalog
from rag.jd import draft_jd, draft_kpi_sheet
from rag.match import match_profile
from tests.test_layouts import LAYOUTS, write_docx


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, str]]:
    root = tmp_path_factory.mktemp("layout-roles")
    corpus = root / "corpus"
    shutil.copytree(LAYOUTS, corpus)
    write_docx(corpus / "warehouse.docx")
    settings = Settings(corpus_dir=corpus, data_dir=root / "data")
    build_index(settings, progress=False)
    return settings, {a.source: a.text for a in load_corpus(corpus)[0]}


@pytest.mark.parametrize(
    ("question", "role", "field", "source", "phrase"),
    [
        ("直播主播每场要让观众平均看多久?", "直播主播", "KPI 指标", "corpus/live_commerce.md", "不低于90秒"),
        ("客服专员的考核指标都有哪些?", "客服专员", "KPI 指标", "corpus/handbook.txt", "咨询转化率：不低于35%。"),
        ("What does the warehouse supervisor do?", "仓储主管", "职责职能", "corpus/warehouse.docx", "制定月度盘点计划"),
        ("私域社群是用什么方法给会员分层的?", "社群运营专员", "运作手法", "corpus/article_layout.txt", "沉睡客"),
    ],
)
def test_questions_about_each_layouts_roles_cite_their_document(layouts, question, role, field, source, phrase):
    settings, texts = layouts
    result = answer(question, open_index(settings), load_catalog(settings.corpus_dir))
    first = result.citations[0]
    assert result.covered and (first.role, first.field, first.source) == (role, field, source)
    assert phrase in result.text
    assert all(texts[c.source][c.start : c.end] == c.quote for c in result.citations)


def test_job_descriptions_of_other_layouts_use_their_qualifications_and_careers(layouts):
    settings, texts = layouts
    catalog = load_catalog(settings.corpus_dir)
    live = draft_jd("直播运营", catalog)
    sections = {s.title: [b.text for b in s.items] for s in live.sections}
    assert sections["岗位职责"][0] == "制定每场直播的排期、选品节奏和流量投放计划"
    assert sections["任职资格"] == ["两年以上电商或直播运营经验", "熟悉巨量千川等投放后台", "能用Excel或BI工具做场次复盘"]
    assert any("直播运营主管" in line for line in sections["发展通道"])
    warehouse = draft_jd("仓储主管", catalog)
    assert {c.source for s in warehouse.sections for b in s.items for c in b.citations} == {"corpus/warehouse.docx"}
    for s in (*live.sections, *warehouse.sections):
        for b in s.items:
            assert all(texts[c.source][c.start : c.end] == c.quote for c in b.citations)


@pytest.mark.parametrize(
    ("role", "rows"),
    [
        ("直播主播", ["平均观看时长", "直播间转化率", "粉丝团新增"]),  # a Markdown table, one row per KPI
        ("客服专员", ["首次响应时长", "咨询转化率", "客户满意度"]),  # 1、名称：目标
        ("仓储主管", ["库存准确率", "订单出库及时率", "安全事故"]),  # a Word table with merged cells
    ],
)
def test_kpi_sheets_of_other_layouts_have_a_row_per_indicator(layouts, role, rows):
    settings, _ = layouts
    sheet = draft_kpi_sheet(role, load_catalog(settings.corpus_dir))
    assert [r.name for r in sheet.rows] == rows
    assert all(r.citations for r in sheet.rows)


def test_matching_ranks_the_roles_of_other_layouts(layouts):
    settings, _ = layouts
    catalog = load_catalog(settings.corpus_dir)
    matching = match_profile("做过两年淘宝客服,每天接待咨询、处理退换货和投诉,打字很快,很有耐心", open_index(settings), catalog, top=3)
    assert "客服专员" in [m.role for m in matching.roles]
    assert all(e.citation.source == "corpus/handbook.txt" for m in matching.roles if m.role == "客服专员" for e in m.evidence)
