"""rag.jd on the seed article: every JD bullet and KPI row cited at its exact span, nothing invented.

Uses conftest's session `catalog` of the shipped corpus; no index is needed.
"""

from __future__ import annotations

import json
import re

import pytest

from ingest.parse import Field
from rag.catalog import Catalog, UnknownRole
from ingest.config import PROJECT_ROOT
from rag.jd import (
    BASIC_INFO,
    CAREER,
    DUTIES,
    KPIS,
    PURPOSE,
    REQUIREMENTS,
    USER_EXTRA,
    JobDescription,
    NoKpi,
    draft_jd,
    draft_kpi_sheet,
)

CASES = [json.loads(line) for line in (PROJECT_ROOT / "evals/cases/jd.jsonl").read_text(encoding="utf-8").splitlines()]
KPI_CASES = [c for c in CASES if c["kpi_count"]]


def source_text(source: str) -> str:
    return (PROJECT_ROOT / source).read_text(encoding="utf-8")


def bullets(jd: JobDescription, title: str | None = None) -> list:
    return [b for s in jd.sections if title in (None, s.title) for b in s.items]


def texts(jd: JobDescription, title: str) -> list[str]:
    return [b.text for b in bullets(jd, title)]


def uncovered(field: Field, spans: list[tuple[int, int]], text: str, skip: tuple[str, ...] = ()) -> str:
    """The non-whitespace characters of the field's items (of kinds not in `skip`) that no span covers."""
    covered = {i for start, end in spans for i in range(start, end)}
    return "".join(
        text[i] for item in field.items if item.kind not in skip for i in range(item.start, item.end) if i not in covered
    ).strip()


def test_all_30_roles_draft_with_every_bullet_cited_at_its_span(catalog: Catalog) -> None:
    text = source_text("corpus/000_c7806a285f499d96.txt")
    uncited, misquoted = [], []
    for case in CASES:
        jd = draft_jd(case["role"], catalog, extra=["熟悉 SAP 系统"])
        assert jd.role == case["role"]
        uncited += [(jd.role, b.text) for b in bullets(jd) if not b.citations and not b.user_supplied]
        misquoted += [(jd.role, c.quote) for b in bullets(jd) for c in b.citations if text[c.start : c.end] != c.quote]
    assert (uncited, misquoted) == ([], [])


def test_every_jd_contains_the_eval_phrases(catalog: Catalog) -> None:
    missing = {}
    for case in CASES:
        body = "\n".join(b.text for b in bullets(draft_jd(case["role"], catalog)))
        if absent := [p for p in case["must_contain"] if p not in body]:
            missing[case["role"]] = absent
    assert missing == {}


def test_kpi_rows_are_exactly_the_kpi_items_of_all_27_roles(catalog: Catalog) -> None:
    for case in KPI_CASES:
        sheet = draft_kpi_sheet(case["role"], catalog)
        items = [i.label for i in catalog.entries[case["role"]].section.field("KPI 指标").items if i.kind == "item"]
        assert ([r.name for r in sheet.rows], len(sheet.rows)) == (items, case["kpi_count"]), case["role"]
    assert len(KPI_CASES) == 27
    assert {c["role"]: c["kpi_count"] for c in KPI_CASES if c["role"] in ("电商运营总监", "采销总监", "营销总监")} == {
        "电商运营总监": 9,
        "营销总监": 8,
        "采销总监": 10,
    }


def test_the_three_roles_without_kpi_raise_no_kpi_and_get_duties_from_their_description(catalog: Catalog) -> None:
    for role in ("仓储主管", "用户运营专员", "合规风控专员"):
        with pytest.raises(NoKpi):
            draft_kpi_sheet(role, catalog)
    jd = draft_jd("仓储主管", catalog)
    assert [s.title for s in jd.sections] == [BASIC_INFO, DUTIES]
    assert texts(jd, DUTIES) == [
        "负责直营电商仓储团队日常运营(人员排班、作业规范),统筹商品入库、拣货、打包全流程",
        "优化仓储空间布局(如按库存ABC分类规划货位),提升出库效率",
        "监控仓储损耗率(如商品破损、丢失),制定仓储安全规范(防火、防潮)",
        "对接库存经理同步库存动态,对接物流管理协调出库配送,是“库存数据落地到实物管理”的核心执行者,缺了它库存管理容易脱节",
    ]
    assert {c.field for b in bullets(jd, DUTIES) for c in b.citations} == {"岗位描述"}


def test_weights_are_whole_percents_summing_to_100(catalog: Catalog) -> None:
    sums = {c["role"]: sum(r.weight for r in draft_kpi_sheet(c["role"], catalog).rows) for c in KPI_CASES}
    assert set(sums.values()) == {100}
    assert [r.weight for r in draft_kpi_sheet("电商运营总监", catalog).rows] == [12] + [11] * 8
    assert [r.weight for r in draft_kpi_sheet("采销总监", catalog).rows] == [10] * 10


def test_rows_and_notes_cover_the_whole_kpi_field_but_its_intro_line(catalog: Catalog) -> None:
    gaps = {}
    for case in KPI_CASES:
        entry = catalog.entries[case["role"]]
        sheet = draft_kpi_sheet(case["role"], catalog)
        spans = [(c.start, c.end) for group in [r.citations for r in sheet.rows] + [n.citations for n in sheet.notes]
                 for c in group]
        if gap := uncovered(entry.section.field("KPI 指标"), spans, entry.article.text, skip=("lead",)):
            gaps[case["role"]] = gap
    assert gaps == {}


def test_duty_bullets_cover_the_whole_duties_field(catalog: Catalog) -> None:
    gaps = {}
    for entry in catalog.entries.values():
        field = entry.section.field("职责职能")
        if field is None:
            continue
        spans = [(c.start, c.end) for b in bullets(draft_jd(entry.name, catalog), DUTIES) for c in b.citations]
        if gap := uncovered(field, spans, entry.article.text):
            gaps[entry.name] = gap
    assert (gaps, len([e for e in catalog.entries.values() if e.section.field("职责职能")])) == ({}, 27)


def test_redlines_go_to_the_row_they_name_or_stay_as_sheet_notes(catalog: Catalog) -> None:
    supply = draft_kpi_sheet("供应链总监", catalog)
    assert {r.name: r.redline for r in supply.rows if r.redline} == {
        "账期与库存周转匹配度": "账期与库存周转匹配度低于90%,需提交专项整改方案"
    }
    assert [c.quote for c in supply.rows[-1].citations][1:] == ["红线指标:账期与库存周转匹配度低于90%,需提交专项整改方案"]
    assert supply.notes == ()
    buying = draft_kpi_sheet("采销总监", catalog)
    assert [n.text[:5] for n in buying.notes] == ["核心红线:", "备注:不同"]
    assert buying.notes[0].text == "核心红线:负责品类库存预警(红色)超3天未处理,关联月度绩效扣减"
    assert [r.redline for r in buying.rows] == [""] * 10


def test_targets_are_the_numbers_the_article_gives(catalog: Catalog) -> None:
    ops = draft_kpi_sheet("电商运营总监", catalog)
    assert {r.name: r.target for r in ops.rows if r.target} == {
        "核心业务贡献率": "35%",
        "利润贡献占比": "40%",
        "库存周转天数(跨部门协同指标)": "≤30天",
    }
    targets = {r.name: r.target for c in ("营销总监", "供应链总监", "商家运营经理", "电商法务专员")
               for r in draft_kpi_sheet(c, catalog).rows}
    assert targets["全域营销ROI(高管级细化)"] == "≥3.5"
    assert targets["核心品类周转达标率"] == "90%以上"
    assert targets["合同审核时效"] == "≤2个工作日"
    assert (targets["商家满意度"], targets["商家留存率"]) == ("", "")  # 满分100分 is a scale, 满1年 a definition


def test_periods_come_from_the_name_or_the_text(catalog: Catalog) -> None:
    assert [(r.name, r.period) for r in draft_kpi_sheet("电商运营经理", catalog).rows][:3] == [
        ("月度销售额", "月度"),
        ("季度销售额增长率", "季度"),
        ("店铺页面浏览量(PV)", ""),
    ]
    periods = {r.name: r.period for r in draft_kpi_sheet("电商运营总监", catalog).rows}
    assert (periods["年销售额增长率"], periods["库存周转天数(跨部门协同指标)"], periods["客单价"]) == ("年度", "月度", "")
    assert {r.name: r.period for r in draft_kpi_sheet("商家运营经理", catalog).rows}["商家满意度"] == "季度"


def test_company_type_keeps_only_the_notes_for_that_model(catalog: Catalog) -> None:
    direct = "注意:直营电商物流需对接库存部门,按库存出库计划安排配送"
    platform = "平台型电商物流需为入驻商家提供物流服务商对接选项,协助商家优化配送成本"
    found = {
        kind: [t for t in texts(draft_jd("物流管理总监", catalog, company_type=kind), DUTIES) if t in (direct, platform)]
        for kind in ("直营", "平台型", "通用")
    }
    assert found == {"直营": [direct], "平台型": [platform], "通用": [direct, platform]}
    review = {
        kind: [t for t in texts(draft_jd("产品评审专员", catalog, company_type=kind), DUTIES) if "电商侧重" in t]
        for kind in ("直营", "平台型", "通用")
    }
    assert review == {
        "直营": ["区分直营与平台型电商差异:直营电商侧重采购商品评审"],
        "平台型": ["平台型电商侧重入驻商家商品评审"],
        "通用": ["区分直营与平台型电商差异:直营电商侧重采购商品评审,平台型电商侧重入驻商家商品评审"],
    }
    with pytest.raises(ValueError, match="company type"):
        draft_jd("物流管理总监", catalog, company_type="自营")  # type: ignore[arg-type]


def test_a_partial_sentence_cites_exactly_the_part_it_keeps(catalog: Catalog) -> None:
    jd = draft_jd("产品评审专员", catalog, company_type="直营")
    bullet = next(b for b in bullets(jd, DUTIES) if "电商侧重" in b.text)
    assert [c.quote for c in bullet.citations] == ["区分直营与平台型电商差异:直营电商侧重采购商品评审"]


def test_purchasing_manager_jd_in_full(catalog: Catalog) -> None:
    jd = draft_jd("采购经理", catalog, extra=["熟练使用 SAP\n有快消行业经验优先"])
    assert [s.title for s in jd.sections] == [BASIC_INFO, PURPOSE, DUTIES, REQUIREMENTS, KPIS, CAREER, USER_EXTRA]
    assert texts(jd, BASIC_INFO) == [
        "岗位名称：采购经理（采购执行与供应商管理的核心推动者）",
        "所属序列：供应链与采购",
        "汇报/协作关系：承接供应链总监的战略规划",
        "汇报/协作关系：配合运营团队调整采购品类与数量",
        "汇报/协作关系：采购经理需按采销总监(或供应链总监,基于直营电商和平台电商,区分类型不同)的选品规划制定采购计划",
    ]
    assert texts(jd, PURPOSE) == ["核心目标是在控制成本的前提下,保障采购商品的质量与交付时效,满足电商运营的商品需求"]
    assert texts(jd, DUTIES) == [
        "承接供应链总监的战略规划,负责制定具体采购计划,包括商品选型、价格谈判、订单下达与交付跟进",
        "深入调研市场价格与竞品采购策略,确保采购成本低于行业平均水平",
        "主导供应商日常管理,包括订单对接、质量抽检、问题沟通(如货期延误、质量瑕疵),并定期开展供应商绩效评估,优化供应商结构",
        "配合运营团队调整采购品类与数量,例如在大促前增加热销商品采购量,避免库存不足",
        "协同财务部门控制采购付款节奏,保障资金合理使用",
        "注意监管:采购经理需按采销总监(或供应链总监,基于直营电商和平台电商,区分类型不同)的选品规划制定采购计划",
        "运营经理需配合采销总监制定商品销售策略,同步销售数据,强化采销协同逻辑",
    ]
    assert texts(jd, REQUIREMENTS) == [
        "培养扎实的采购谈判、成本分析与供应商管理能力",
        "熟悉商品市场行情与采购流程",
        "成本管控:通过集中采购、长期协议、批量下单等方式降低采购单价,对比3家以上供应商报价筛选最优方案",
        "供应商管理:建立供应商档案,每季度开展绩效评估,对评分低的供应商提出整改要求或终止合作",
        "需求协同:每周与运营团队同步销售数据,调整采购计划,避免过量采购或采购不足",
        "质量把控:制定采购商品抽检标准,到货后按比例抽检,不合格商品要求供应商退换货",
    ]
    assert texts(jd, KPIS) == [
        "采购成本节约率：实际采购成本与预算成本的差额占预算成本比例",
        "采购订单准时交付率：供应商按约定时间交付的订单占比",
        "采购商品合格率：抽检合格的采购商品数量占总采购量比例",
        "供应商绩效评分：基于交付、质量、价格的综合评分(满分100分)",
        "采购计划达成率：按既定采购计划完成的采购金额占比",
    ]
    assert texts(jd, CAREER) == ["为晋升供应链管理岗位奠定基础"]
    assert [(b.text, b.citations, b.user_supplied) for b in bullets(jd, USER_EXTRA)] == [
        ("熟练使用 SAP", (), True),
        ("有快消行业经验优先", (), True),
    ]


def test_a_clause_about_another_role_is_not_a_reporting_line(catalog: Catalog) -> None:
    shared = "运营经理需配合采销总监制定商品销售策略"
    assert [t for t in texts(draft_jd("采购经理", catalog), BASIC_INFO) if "运营经理" in t] == []
    assert [t for t in texts(draft_jd("电商运营经理", catalog), BASIC_INFO) if "采销总监" in t] == [
        f"汇报/协作关系：{shared}"
    ]


def test_mode_is_stated_only_where_the_article_states_it(catalog: Catalog) -> None:
    modes = {
        role: [t for t in texts(draft_jd(role, catalog), BASIC_INFO) if t.startswith("适用模式")]
        for role in ("库存管理经理", "采销总监", "产品评审专员", "算法推荐工程师", "电商运营总监")
    }
    assert modes == {
        "库存管理经理": ["适用模式：直营"],
        "采销总监": ["适用模式：直营"],
        "产品评审专员": ["适用模式：通用"],
        "算法推荐工程师": ["适用模式：平台型"],
        "电商运营总监": [],
    }


def test_aliases_resolve_and_free_text_gets_suggestions(catalog: Catalog) -> None:
    assert (draft_jd("库存经理", catalog).role, draft_kpi_sheet("HR", catalog).role) == ("库存管理经理", "电商人力资源管理")
    with pytest.raises(UnknownRole) as err:
        draft_jd("直播带货运营", catalog)
    assert "电商运营专员" in err.value.suggestions
    assert re.search(r"did you mean .*电商运营专员", str(err.value))
