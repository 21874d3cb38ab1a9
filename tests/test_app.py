"""The Gradio app through its named API (gradio_client), launched on a free local port."""

from __future__ import annotations


import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from app import role_markdown
from rag.answer_view import answer_markdown
from ingest.index import Index
from rag.answer import answer
from rag.catalog import Catalog

PURCHASING_KPIS = ["采购成本节约率", "采购订单准时交付率", "采购商品合格率", "供应商绩效评分", "采购计划达成率"]


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


def test_named_endpoints_are_exactly_the_contract(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert sorted(endpoints) == ["/ask", "/ask_json", "/jd", "/kpi", "/match"]
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == ["question"]
    assert [p["parameter_name"] for p in endpoints["/ask_json"]["parameters"]] == ["question"]


def test_ask_lists_every_kpi_with_numbered_highlighted_sources(client: Client) -> None:
    text = client.predict("采购经理的KPI有哪些", api_name="/ask")
    answer_part, sources = text.split("<details>")
    assert [name in answer_part for name in PURCHASING_KPIS] == [True] * 5  # the answer comes first, sources folded
    assert [f"[{n}]" in answer_part for n in range(1, 6)] == [True] * 5
    assert sources.count("电商从业者全链条角色深度解析一(电商内部):职责、KPI 与社会影响 · 采购经理 · KPI 指标") == 5
    assert "<mark>采购成本节约率:实际采购成本与预算成本的差额占预算成本比例</mark>" in sources
    assert "corpus/" not in text  # sources are named by title and role · field, not by file


def test_ask_json_is_the_cli_object_with_intent_and_roles(client: Client, seed_index, catalog) -> None:
    from rag.answer_view import answer_json

    got = client.predict("采购经理和采购员有什么区别?", api_name="/ask_json")
    assert got == answer_json(answer("采购经理和采购员有什么区别?", seed_index, catalog), None, catalog)
    assert (got["intent"], got["roles"]) == ("compare", ["采购经理", "采购员"])
    assert {c["role"] for c in got["citations"]} == {"采购经理", "采购员"}


def test_a_comparison_is_a_table_with_a_column_per_role(client: Client) -> None:
    text = client.predict("采购经理和采购员有什么区别?", api_name="/ask")
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert table[0] == "| | 采购经理 | 采购员 |"
    assert [row.split(" | ")[0] for row in table[2:]] == ["| **定位**", "| **职责职能**", "| **目标动机**"]


def test_ask_not_covered_is_marked(client: Client) -> None:
    text = client.predict("主播的年薪是多少?", api_name="/ask")
    assert text.startswith('<div class="not-covered">⚠️')
    assert "[1]" not in text


def test_ask_empty_question_is_a_message(client: Client) -> None:
    with pytest.raises(AppError) as err:
        client.predict("   ", api_name="/ask")
    assert str(err.value) == "请输入一个关于文章中岗位的问题。"


def test_ask_very_long_question_is_read_with_a_notice(client: Client) -> None:
    text = client.predict("采购经理的KPI有哪些" + "。" * 20_000, api_name="/ask")
    assert text.splitlines()[0] == "> ℹ️ 问题共 20011 个字符,只读取了前 2000 个。"


def test_kpi_sheet_has_the_five_kpis(client: Client) -> None:
    text = client.predict("采购经理", api_name="/kpi")
    assert text.startswith("# KPI 考核表 · 采购经理")
    rows = [line.split(" | ")[1] for line in text.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert rows == PURCHASING_KPIS


def test_jd_is_the_role_description(client: Client) -> None:
    text = client.predict("采购经理", api_name="/jd")
    assert "采购经理" in text.splitlines()[0]
    assert [name in text for name in PURCHASING_KPIS] == [True] * 5


def test_jd_unknown_role_is_a_message_with_suggestions(client: Client) -> None:
    with pytest.raises(AppError) as err:
        client.predict("宇航员", api_name="/jd")
    assert str(err.value) == "文章中没有名为「宇航员」的岗位。你是不是要找:采购员?"


def test_match_ranks_roles_with_evidence(client: Client) -> None:
    text = client.predict("三年供应链经验,熟悉供应商谈判和成本控制,带过5人团队", api_name="/match")
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert [h.split(" ")[1] for h in headings] == ["1.", "2.", "3.", "4.", "5."]
    assert "采购经理" in headings[0]
    assert text.count("<mark>") >= 5


def test_follow_up_answer_stays_on_the_role(seed_index: Index, catalog: Catalog) -> None:
    first = "商家运营经理负责什么?"
    text = answer_markdown(answer("那它的KPI呢?", seed_index, catalog, history=[first]), seed_index, catalog)
    assert text.splitlines()[0] == "**【商家运营经理 · KPI 指标】**"


def test_browse_shows_section_number_and_chapter(catalog: Catalog) -> None:
    text = role_markdown("采购经理", catalog)
    assert text.splitlines()[0] == "## 4.2 采购经理"
    assert "*供应链与采购相关岗位解析*" in text
    assert [f"### {f}" in text for f in ("职责职能", "KPI 指标", "目标动机", "运作手法", "影响分析")] == [True] * 5


def test_twenty_concurrent_askers_all_get_their_answers(client: Client, seed_index: Index, catalog: Catalog) -> None:
    questions = ["采购经理的KPI有哪些", "商家运营经理负责什么?", "库存专员的KPI有哪些", "主播的年薪是多少?"] * 5
    jobs = [client.submit(q, api_name="/ask") for q in questions]
    results = [job.result(timeout=120) for job in jobs]
    assert results == [answer_markdown(answer(q, seed_index, catalog), seed_index, catalog) for q in questions]
