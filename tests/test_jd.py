"""rag.jd on the seed article: the standard 岗位说明书 for all 30 roles, every line cited at its span or saying
the article is silent, nothing borrowed. Uses conftest's session `catalog`; no index is needed."""

from __future__ import annotations

import json
import re
import pytest

from ingest.config import PROJECT_ROOT
from ingest.parse import Field, read_article
from rag.catalog import Catalog, UnknownRole, build_catalog
from rag.jd import (
    BASIC_INFO,
    CAREER,
    DUTIES,
    KPIS,
    PURPOSE,
    QUALIFICATIONS,
    RELATIONS,
    SECTION_TITLES,
    USER_EXTRA,
    JobDescription,
    draft_jd,
    draft_kpi_sheet,
)
from rag.jd_text import SILENT, subject_role

CASES = [json.loads(line) for line in (PROJECT_ROOT / "evals/cases/jd.jsonl").read_text(encoding="utf-8").splitlines()]
NO_KPI_ROLES = ("仓储主管", "用户运营专员", "合规风控专员")
LAYOUTS = PROJECT_ROOT / "tests" / "fixtures" / "layouts"


def bullets(jd: JobDescription, title: str | None = None) -> list:
    return [b for s in jd.sections if title in (None, s.title) for b in s.items]


def texts(jd: JobDescription, title: str) -> list[str]:
    return [b.text for b in bullets(jd, title)]


def uncovered(field: Field, spans: list[tuple[int, int]], text: str) -> str:
    """The non-whitespace characters of the field's items that no span covers."""
    covered = {i for start, end in spans for i in range(start, end)}
    return "".join(text[i] for item in field.items for i in range(item.start, item.end) if i not in covered).strip()


def test_all_30_roles_have_every_section_with_each_line_cited_exactly_or_silent(catalog: Catalog) -> None:
    text = catalog.articles[0].text
    titles, loose, misquoted, silent_sections = set(), [], [], {}
    for case in CASES:
        jd = draft_jd(case["role"], catalog, extra=["熟悉 SAP 系统"])
        titles.add(tuple(s.title for s in jd.sections))
        for section in jd.sections:
            for b in section.items:
                if not b.citations and not b.user_supplied and SILENT not in b.text:
                    loose.append((jd.role, b.text))
                misquoted += [(jd.role, c.quote) for c in b.citations if text[c.start : c.end] != c.quote]
            if [b.text for b in section.items] == [SILENT]:
                silent_sections.setdefault(section.title, []).append(jd.role)
    assert titles == {SECTION_TITLES + (USER_EXTRA,)}
    assert (loose, misquoted) == ([], [])
    assert silent_sections == {
        PURPOSE: list(NO_KPI_ROLES),
        QUALIFICATIONS: ["采购经理", "采购员", "库存专员", *NO_KPI_ROLES, "电商法务专员"],
        RELATIONS: ["用户运营专员", "电商人力资源管理"],
        KPIS: list(NO_KPI_ROLES),
        CAREER: ["电商运营专员", "市场推广专员", "电商推广专员", "电商文案策划", "物流管理总监", "电商技术开发",
                 "电商数据分析师", "电商客服主管", *NO_KPI_ROLES, "电商财务管理", "电商人力资源管理"],
    }  # fmt: skip


def test_basic_info_begins_with_name_department_superior_and_subordinates_for_all_30(catalog: Catalog) -> None:
    labels = {tuple(t.split(":")[0] for t in texts(draft_jd(case["role"], catalog), BASIC_INFO)[:4]) for case in CASES}
    assert labels == {("岗位名称", "所属部门", "直接上级", "下属")}


def test_purchasing_manager_jd_in_full(catalog: Catalog) -> None:
    jd = draft_jd("采购经理", catalog, extra=["熟练使用 SAP\n有快消行业经验优先"])
    assert texts(jd, BASIC_INFO) == [
        "岗位名称: 采购经理（采购执行与供应商管理的核心推动者）",
        "所属部门: 供应链与采购(原文章节:供应链与采购相关岗位解析)",
        "直接上级: 供应链总监、采销总监",
        "下属: 采购员",
    ]
    assert texts(jd, PURPOSE) == ["核心目标是在控制成本的前提下,保障采购商品的质量与交付时效,满足电商运营的商品需求"]
    assert texts(jd, DUTIES) == [
        "承接供应链总监的战略规划,负责制定具体采购计划,包括商品选型、价格谈判、订单下达与交付跟进",
        "深入调研市场价格与竞品采购策略,确保采购成本低于行业平均水平",
        "主导供应商日常管理,包括订单对接、质量抽检、问题沟通(如货期延误、质量瑕疵),并定期开展供应商绩效评估,优化供应商结构",
        "配合运营团队调整采购品类与数量,例如在大促前增加热销商品采购量,避免库存不足",
        "协同财务部门控制采购付款节奏,保障资金合理使用",
        "注意监管:采购经理需按采销总监(或供应链总监,基于直营电商和平台电商,区分类型不同)的选品规划制定采购计划",
    ]  # the note's next sentence is about 运营经理: not this role's duty
    assert texts(jd, QUALIFICATIONS) == [SILENT]  # 岗位可培养…能力,熟悉…: what the job develops, not what it asks
    assert texts(jd, KPIS) == [
        "采购成本节约率: 实际采购成本与预算成本的差额占预算成本比例",
        "采购订单准时交付率: 供应商按约定时间交付的订单占比",
        "采购商品合格率: 抽检合格的采购商品数量占总采购量比例",
        "供应商绩效评分: 基于交付、质量、价格的综合评分(满分100分)",
        "采购计划达成率: 按既定采购计划完成的采购金额占比",
    ]
    assert texts(jd, CAREER) == ["为晋升供应链管理岗位奠定基础"]
    assert [(b.text, b.citations, b.user_supplied) for b in bullets(jd, USER_EXTRA)] == [
        ("熟练使用 SAP", (), True),
        ("有快消行业经验优先", (), True),
    ]
    assert jd.concerns == ()


def test_qualifications_are_only_statements_of_ability_never_methods_or_growth(catalog: Catalog) -> None:
    asked = re.compile(r"具备|熟悉|精通|掌握|(?:需要|需|要求).*(?:能力|知识)")
    drawn = {}
    for case in CASES:
        for b in bullets(draft_jd(case["role"], catalog), QUALIFICATIONS):
            for c in b.citations:
                drawn.setdefault((c.field, bool(asked.search(c.quote)), bool(re.search("培养|可快速|提升", c.quote))), []).append(c.quote)
    assert sorted(drawn) == [("影响分析", True, False)]
    assert len(drawn[("影响分析", True, False)]) == 27
    assert texts(draft_jd("商家运营经理", catalog), QUALIFICATIONS) == [
        "具备招商谈判、商家管理与跨部门协同能力",
        "熟悉平台型电商生态",
        "学历、专业与工作经验: 原文未提及,请补充",
    ]
    assert texts(draft_jd("电商数据分析师", catalog), QUALIFICATIONS) == [
        "具备良好的数学基础、统计知识和编程能力",
        "电商数据分析师还需要深入了解业务和行业知识",
        "学历、专业与工作经验: 原文未提及,请补充",
    ]  # …,提升跨领域思考的能力: a growth clause, left out


def test_a_document_with_its_own_qualifications_and_career_fields_uses_them() -> None:
    article = read_article(LAYOUTS / "handbook.txt", "corpus/handbook.txt")
    jd = draft_jd("采购员", build_catalog([article]))
    assert texts(jd, QUALIFICATIONS) == ["学历：本科及以上学历，物流或供应链相关专业优先", "经验：一年以上采购或跟单经验，熟悉ERP系统"]
    assert texts(jd, CAREER) == ["采购员满两年且考核优秀者，可晋升为采购主管"]
    assert {c.field for b in bullets(jd, QUALIFICATIONS) + bullets(jd, CAREER) for c in b.citations} == {"任职资格", "发展通道"}
    assert all(article.text[c.start : c.end] == c.quote for b in bullets(jd) for c in b.citations)


def test_a_catch_all_chapter_names_no_department(catalog: Catalog) -> None:
    departments = {case["role"]: texts(draft_jd(case["role"], catalog), BASIC_INFO)[1] for case in CASES}
    assert sorted({d for d in departments.values()}) == [
        "所属部门: 供应链与采购(原文章节:供应链与采购相关岗位解析)",
        "所属部门: 原文未提及,请补充",
        "所属部门: 电商技术与支持(原文章节:电商技术与支持角色深度解析)",
        "所属部门: 电商支持与管理(原文章节:电商支持与管理角色深度解析)",
        "所属部门: 电商法务部(原文章节:电商法务部核心岗位序列角色解析)",
        "所属部门: 电商物流管理(原文章节:电商物流管理(岗位解析):高效配送的组织者)",
        "所属部门: 电商营销与推广(原文章节:电商营销与推广角色深度解析)",
        "所属部门: 电商运营(原文章节:电商运营核心角色深度解析)",
    ]
    assert [r for r, d in departments.items() if "原文未提及" in d] == [
        "营销总监", "采销总监", "产品评审专员", "算法推荐工程师", "作品评审专员", *NO_KPI_ROLES
    ]  # fmt: skip  (七、其他差异化岗位角色深度解析)


def test_the_three_roles_without_kpi_get_their_description_as_duties_and_say_the_rest_is_silent(catalog: Catalog) -> None:
    jd = draft_jd("仓储主管", catalog)
    assert texts(jd, DUTIES) == [
        "负责直营电商仓储团队日常运营(人员排班、作业规范),统筹商品入库、拣货、打包全流程",
        "优化仓储空间布局(如按库存ABC分类规划货位),提升出库效率",
        "监控仓储损耗率(如商品破损、丢失),制定仓储安全规范(防火、防潮)",
        "对接库存经理同步库存动态,对接物流管理协调出库配送,是“库存数据落地到实物管理”的核心执行者,缺了它库存管理容易脱节",
    ]
    assert {c.field for b in bullets(jd, DUTIES) for c in b.citations} == {"岗位描述"}
    assert [texts(jd, t) for t in (PURPOSE, QUALIFICATIONS, KPIS, CAREER)] == [[SILENT]] * 4
    assert jd.kpi.basis == tuple(bullets(jd, DUTIES))


def test_duty_bullets_cover_the_duties_field_except_sentences_about_another_role(catalog: Catalog) -> None:
    gaps, about_others = {}, {}
    for entry in catalog.entries.values():
        field = entry.section.field("职责职能")
        if field is None:
            continue
        spans = [(c.start, c.end) for b in bullets(draft_jd(entry.name, catalog), DUTIES) for c in b.citations]
        if gap := uncovered(field, spans, entry.article.text):
            gaps[entry.name] = gap
    for name, gap in gaps.items():
        about_others[name] = sorted({r for part in re.split(r"(?<=[。;；])", gap) if (r := subject_role(part, catalog))})
    assert about_others == {
        "电商运营经理": ["采购经理"],
        "采购经理": ["电商运营经理"],
        "采销总监": ["电商运营经理", "采购经理"],
    }
    assert gaps["采购经理"] == "运营经理需配合采销总监制定商品销售策略,同步销售数据,强化采销协同逻辑。"


def test_every_jd_contains_the_eval_phrases(catalog: Catalog) -> None:
    missing = {}
    for case in CASES:
        body = "\n".join(b.text for b in bullets(draft_jd(case["role"], catalog)))
        if absent := [p for p in case["must_contain"] if p not in body]:
            missing[case["role"]] = absent
    assert missing == {}


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


def test_mode_is_stated_only_where_the_article_states_it(catalog: Catalog) -> None:
    modes = {
        role: [t for t in texts(draft_jd(role, catalog), BASIC_INFO) if t.startswith("适用模式")]
        for role in ("库存管理经理", "采销总监", "产品评审专员", "算法推荐工程师", "电商运营总监")
    }
    assert modes == {
        "库存管理经理": ["适用模式: 直营"],
        "采销总监": ["适用模式: 直营"],
        "产品评审专员": ["适用模式: 通用"],
        "算法推荐工程师": ["适用模式: 平台型"],
        "电商运营总监": [],
    }


def test_discriminatory_extra_lines_are_flagged_on_the_draft(catalog: Catalog) -> None:
    jd = draft_jd("采购员", catalog, extra=["限男性\n熟悉 ERP 系统\n已婚已育优先"])
    assert [(c.line, c.ground) for c in jd.concerns] == [("限男性", "性别"), ("已婚已育优先", "婚育")]


def test_aliases_resolve_and_free_text_gets_suggestions(catalog: Catalog) -> None:
    assert (draft_jd("库存经理", catalog).role, draft_kpi_sheet("HR", catalog).role) == ("库存管理经理", "电商人力资源管理")
    with pytest.raises(UnknownRole) as err:
        draft_jd("直播带货运营", catalog)
    assert "电商运营专员" in err.value.suggestions
    assert re.search(r"did you mean .*电商运营专员", str(err.value))
