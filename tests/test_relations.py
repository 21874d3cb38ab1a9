"""rag.relations on the seed article: reporting lines stated or from the chapter's ladder, teams led, and the
working relations as whole sentences marked 内部 / 外部."""

from __future__ import annotations

from rag.catalog import Catalog
from rag.relations import INFERRED, reporting_lines, working_relations


def lines(catalog: Catalog, role: str, company_type: str = "通用") -> dict[str, tuple[str, list[str]]]:
    up, down = reporting_lines(catalog.entries[role], catalog, company_type)
    return {b.text.split(":")[0]: (b.text, [(c.role, c.quote) for c in b.citations]) for b in (up, down)}


def test_stated_reporting_lines_cite_the_clause_that_states_them(catalog: Catalog) -> None:
    assert lines(catalog, "采购经理") == {
        "直接上级": ("直接上级: 供应链总监、采销总监", [
            ("采购经理", "承接供应链总监的战略规划"),
            ("采购经理", "采购经理需按采销总监(或供应链总监,基于直营电商和平台电商,区分类型不同)的选品规划制定采购计划"),
        ]),
        "下属": ("下属: 采购员", [("采购员", "每周向采购经理汇报采购进度与问题")]),
    }  # fmt: skip
    assert lines(catalog, "库存专员")["直接上级"] == ("直接上级: 库存管理经理、仓储主管", [
        ("库存专员", "第一时间上报库存经理"), ("库存专员", "同步上报库存经理与仓储主管"),
    ])  # fmt: skip


def test_a_superior_of_the_other_company_type_is_left_out(catalog: Catalog) -> None:
    assert lines(catalog, "采购经理", "平台型")["直接上级"][0] == "直接上级: 供应链总监"
    assert lines(catalog, "采购经理", "直营")["直接上级"][0] == "直接上级: 供应链总监、采销总监"


def test_the_ladder_fills_in_where_nothing_is_stated_and_says_so(catalog: Catalog) -> None:
    assert lines(catalog, "电商运营专员") == {
        "直接上级": (f"直接上级: 电商运营经理{INFERRED}", [("电商运营经理", "2.2 电商运营经理:战略落地与执行的推动者")]),
        "下属": ("下属: 原文未提及,请补充", []),
    }
    assert lines(catalog, "电商法务总监")["下属"] == (f"下属: 电商法务专员、数据合规专员{INFERRED}", [
        ("电商法务专员", "承接法务总监的工作部署"), ("数据合规专员", "9.3 数据合规专员(法务部下属专项岗,全模式通用)"),
    ])  # fmt: skip


def test_teams_a_role_leads_are_its_subordinates_too(catalog: Catalog) -> None:
    assert lines(catalog, "营销总监")["下属"][0] == "下属: 市场推广专员、电商推广专员;市场推广、电商推广、文案策划等团队"
    assert lines(catalog, "电商客服主管")["下属"][0] == "下属: 客服团队、客服人员"
    assert lines(catalog, "仓储主管")["下属"][0] == "下属: 库存专员;直营电商仓储团队"
    assert lines(catalog, "电商财务管理")["下属"][0] == "下属: 原文未提及,请补充"  # "…管理是电商团队中…": no team led


def test_working_relations_are_whole_sentences_inside_or_outside_the_company(catalog: Catalog) -> None:
    found = [b.text for b in working_relations(catalog.entries["采购员"], catalog, "通用")]
    assert found == [
        "外部: 及时与供应商沟通订单细节(如规格、数量、交货期),确保订单信息准确无误",
        "内部、外部: 到货后配合仓储部门完成商品清点与验收,若出现数量短缺或质量问题,第一时间与供应商对接处理",
        "内部、外部: 整理采购单据(如订单、发票、验收单),提交财务部门走付款流程,并定期更新采购台账,记录采购明细与供应商合作情况",
        "外部: 建立到货问题台账,分类记录短缺、质量等问题,明确与供应商的沟通结果及处理时限",
        "内部: 每周向采购经理汇报采购进度与问题,协助优化采购执行流程",
    ]


def test_another_role_s_sentence_that_names_the_role_says_whose_it_is(catalog: Catalog) -> None:
    found = [b.text for b in working_relations(catalog.entries["库存管理经理"], catalog, "通用")][-3:]
    assert found == [
        "内部(库存专员): 发现库存异常(如短缺、破损)时,第一时间上报库存经理,并协助追溯原因(如物流损耗、拣货错误)",
        "内部(库存专员): 发现商品破损、短缺时,拍照留存证据,填写《库存异常单》,同步上报库存经理与仓储主管",
        "内部(仓储主管): 对接库存经理同步库存动态,对接物流管理协调出库配送,是“库存数据落地到实物管理”的核心执行者,缺了它库存管理容易脱节",
    ]


def test_no_relation_line_is_a_clause_fragment_or_a_word_that_only_looks_like_a_verb(catalog: Catalog) -> None:
    found = {b.text for e in catalog.entries.values() for b in working_relations(e, catalog, "通用")}
    text = catalog.articles[0].text
    fragments = [t for t in found if t.endswith(("确保图文搭配合理", ": 第一时间与供应商对接处理"))]
    starts = {c.start for e in catalog.entries.values() for b in working_relations(e, catalog, "通用") for c in b.citations}
    mid_sentence = [s for s in starts if text[s - 1] not in "\n;；。:："]
    assert (fragments, mid_sentence) == ([], [])
    assert "外部: 对接监管部门,处理合规投诉与检查——现在电商监管趋严,这个角色能避免企业因局部合规漏洞踩坑" in found
