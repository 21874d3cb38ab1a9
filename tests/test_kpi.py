"""rag.kpi on the seed article: one row per KPI item with what the article says of it, red lines and notes kept,
suggested weights and scoring, and the user's table edits read back (weights must sum to 100)."""

from __future__ import annotations

import json

import pytest

from ingest.config import PROJECT_ROOT
from ingest.parse import Field
from rag.catalog import Catalog
from rag.jd import KPI_FIELD, draft_kpi_sheet
from rag.kpi import (
    HIGHER,
    LOWER,
    NO_KPI_NOTE,
    KpiTableError,
    direction_of,
    edit_sheet,
    suggested_weights,
    target_number,
)

CASES = [json.loads(line) for line in (PROJECT_ROOT / "evals/cases/jd.jsonl").read_text(encoding="utf-8").splitlines()]
KPI_CASES = [c for c in CASES if c["kpi_count"]]


def uncovered(field: Field, spans: list[tuple[int, int]], text: str) -> str:
    covered = {i for start, end in spans for i in range(start, end)}
    return "".join(
        text[i] for item in field.items if item.kind != "lead" for i in range(item.start, item.end) if i not in covered
    ).strip()


def table(sheet) -> list[list[str]]:
    return [[r.name, r.definition, r.direction, r.target, r.redline, r.period, r.data_source, r.scoring, str(r.weight), ""]
            for r in sheet.rows]  # fmt: skip


def test_kpi_rows_are_exactly_the_kpi_items_of_all_27_roles(catalog: Catalog) -> None:
    for case in KPI_CASES:
        sheet = draft_kpi_sheet(case["role"], catalog)
        items = [i.label for i in catalog.entries[case["role"]].section.field(KPI_FIELD).items if i.kind == "item"]
        assert ([r.name for r in sheet.rows], len(sheet.rows)) == (items, case["kpi_count"]), case["role"]
    assert len(KPI_CASES) == 27


def test_rows_and_notes_cover_every_kpi_item_and_red_line_of_all_27_roles(catalog: Catalog) -> None:
    gaps, weights = {}, set()
    for case in KPI_CASES:
        entry = catalog.entries[case["role"]]
        sheet = draft_kpi_sheet(case["role"], catalog)
        spans = [(c.start, c.end) for g in [r.citations for r in sheet.rows] + [n.citations for n in sheet.notes] for c in g]
        if gap := uncovered(entry.section.field(KPI_FIELD), spans, entry.article.text):
            gaps[case["role"]] = gap
        weights.add(sum(r.weight for r in sheet.rows))
    assert (gaps, weights) == ({}, {100})


def test_red_lines_go_to_the_row_they_name_or_stay_as_sheet_notes(catalog: Catalog) -> None:
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


def test_targets_are_the_standards_and_examples_the_article_gives(catalog: Catalog) -> None:
    targets = {(n, r.name): r.target for n in catalog.names for r in draft_kpi_sheet(n, catalog).rows if r.target}
    assert targets == {
        ("电商运营总监", "核心业务贡献率"): "例:35%",
        ("电商运营总监", "利润贡献占比"): "例:40%",
        ("电商运营总监", "库存周转天数(跨部门协同指标)"): "例:≤30天",
        ("供应链总监", "供应链利润贡献率"): "例:15%",
        ("供应链总监", "核心品类周转达标率"): "例:90%以上",
        ("供应链总监", "重大供应链风险规避率"): "例:100%",
        ("供应链总监", "账期与库存周转匹配度"): "例:100%",
        ("营销总监", "营销利润贡献率"): "例:30%",
        ("营销总监", "核心客群贡献占比"): "例:60%",
        ("营销总监", "全域营销ROI(高管级细化)"): "例:≥3.5",
        ("采销总监", "品类销售额贡献占比"): "例:80%",
        ("采销总监", "品类综合利润率"): "例:≥18%",
        ("采销总监", "利润贡献增长率"): "例:25%",
        ("采销总监", "核心供应商平均账期达成率"): "例:90%",
        ("采销总监", "账期优化带来的资金占用降低率"): "例:25%",
        ("作品评审专员", "作品评审时效"): "≤2小时、≤12小时",
        ("电商法务专员", "合同审核时效"): "≤2个工作日",
        ("数据合规专员", "数据合规投诉处理时效"): "≤3个工作日",
    }  # 选品成功率's "超80%的品类" and 商家满意度's "满分100分" define the metric: no targets


def test_periods_directions_and_data_sources_come_from_the_text(catalog: Catalog) -> None:
    rows = {r.name: r for n in ("电商运营总监", "库存管理经理", "商家运营经理", "市场推广专员") for r in draft_kpi_sheet(n, catalog).rows}
    assert [(n, rows[n].period, rows[n].direction) for n in ("年销售额增长率", "库存周转天数(跨部门协同指标)", "客单价", "流量指标(PV、UV)")] == [
        ("年销售额增长率", "年度", HIGHER),
        ("库存周转天数(跨部门协同指标)", "月度", LOWER),
        ("客单价", "", HIGHER),
        ("流量指标(PV、UV)", "", ""),
    ]
    assert (rows["库存周转天数"].direction, rows["缺货率"].direction) == (LOWER, LOWER)  # 越短越优; a bad outcome counted
    assert {n: rows[n].data_source for n in ("商家满意度", "品牌知名度提升", "商家入驻率")} == {
        "商家满意度": "季度调研",
        "品牌知名度提升": "调研或指数、第三方品牌指数(如百度指数、阿里指数)",
        "商家入驻率": "",
    }


@pytest.mark.parametrize(
    ("name", "definition", "direction"),
    [
        ("合规投诉处理时效", "从接收投诉到处理完毕的平均时长", LOWER),
        ("采销协同效率", "从采购到货到上架销售的平均时长", LOWER),
        ("物流成本", "每单平均物流费用", LOWER),
        ("用户质量投诉率降低幅度", "因商品质量引发的用户投诉同比/环比下降比例", HIGHER),
        ("采购成本节约率", "实际采购成本与预算成本的差额占预算成本比例", HIGHER),
        ("成本控制", "各项成本的控制情况和优化效果", ""),
    ],
)
def test_direction_rules(name: str, definition: str, direction: str) -> None:
    assert direction_of(name, definition) == direction


def test_suggested_weights_favour_results_and_red_lines_and_sum_to_100(catalog: Catalog) -> None:
    assert [(r.name, r.weight) for r in draft_kpi_sheet("采购经理", catalog).rows] == [
        ("采购成本节约率", 29), ("采购订单准时交付率", 14), ("采购商品合格率", 14), ("供应商绩效评分", 14), ("采购计划达成率", 29),
    ]  # fmt: skip
    assert draft_kpi_sheet("供应链总监", catalog).rows[-1].weight == 17  # the row with the 红线
    assert (suggested_weights([1, 1, 1]), suggested_weights([2, 1, 1, 1, 2]), suggested_weights([])) == (
        [34, 33, 33], [29, 14, 14, 14, 29], []
    )  # fmt: skip


def test_scoring_is_the_stated_rule_for_the_direction_and_red_line(catalog: Catalog) -> None:
    rows = {r.name: r.scoring for r in draft_kpi_sheet("供应链总监", catalog).rows}
    assert (rows["订单履约率"], rows["供应链响应时效"], rows["账期与库存周转匹配度"]) == (
        "建议:实际值÷目标值×100,最高100分",
        "建议:不高于目标值得100分,达到目标值2倍得0分,其间线性计分",
        "建议:达到目标值得100分,达到红线得0分,其间线性计分",
    )
    assert [target_number(t) for t in ("例:35%", "≤2个工作日", "≤2小时、≤12小时", "账期与库存周转匹配度低于90%,需提交专项整改方案", "")] == [
        (0.35, True), (2.0, False), None, (0.9, True), None,
    ]  # fmt: skip


def test_roles_without_kpi_get_no_rows_a_note_and_their_duties(catalog: Catalog) -> None:
    sheet = draft_kpi_sheet("用户运营专员", catalog)
    assert (sheet.rows, [n.text for n in sheet.notes], [n.citations for n in sheet.notes]) == ((), [NO_KPI_NOTE], [()])
    assert [b.citations[0].field for b in sheet.basis] == ["岗位描述"] * 3
    assert sheet.basis[0].text.startswith("负责平台用户拉新")


def test_an_edited_table_keeps_citations_marks_the_user_s_cells_and_checks_weights(catalog: Catalog) -> None:
    sheet = draft_kpi_sheet("采购经理", catalog)
    rows = table(sheet)
    rows[0][3], rows[0][4], rows[0][8], rows[4][8] = "5%", "0%", "35", "23"
    rows.append(["", "", "", "", "", "", "", "", "", ""])
    edited = edit_sheet(sheet, rows)
    assert [(r.name, r.weight, r.target, r.redline, sorted(r.user_fields)) for r in edited.rows] == [
        ("采购成本节约率", 35, "5%", "0%", ["redline", "target", "weight"]),
        ("采购订单准时交付率", 14, "", "", []),
        ("采购商品合格率", 14, "", "", []),
        ("供应商绩效评分", 14, "", "", []),
        ("采购计划达成率", 23, "", "", ["weight"]),
    ]
    assert edited.rows[0].scoring == "建议:达到目标值得100分,达到红线得0分,其间线性计分"
    assert [r.citations for r in edited.rows] == [r.citations for r in sheet.rows]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({(0, 8): "30"}, "权重合计为 101,应为 100:请调整权重后再下载。"),
        ({(1, 8): "abc"}, "第 2 行「采购订单准时交付率」的权重“abc”应为 0–100 的整数。"),
        ({(2, 2): "越大越好"}, "「采购商品合格率」的方向应为“越高越好”或“越低越好”(或留空),不是“越大越好”。"),
        ({(3, 0): ""}, "第 4 行填写了内容但没有指标名称:请填写指标名称,或清空这一行。"),
    ],
)
def test_a_table_that_cannot_be_a_sheet_says_what_to_fix(catalog: Catalog, change: dict, message: str) -> None:
    rows = table(draft_kpi_sheet("采购经理", catalog))
    for (r, c), value in change.items():
        rows[r][c] = value
    with pytest.raises(KpiTableError) as err:
        edit_sheet(draft_kpi_sheet("采购经理", catalog), rows)
    assert str(err.value) == message


def test_rows_filled_in_for_a_role_without_kpi_are_the_user_s_own(catalog: Catalog) -> None:
    sheet = draft_kpi_sheet("仓储主管", catalog)
    blank = [[""] * 10 for _ in range(5)]
    assert edit_sheet(sheet, blank).rows == ()
    blank[0][:9] = ["仓储损耗率", "破损丢失商品金额占库存金额比例", LOWER, "0.5%", "", "月度", "WMS", "", "60"]
    blank[1][0], blank[1][8] = "出库及时率", "40"
    rows = edit_sheet(sheet, blank).rows
    assert [(r.name, r.direction, r.weight, r.citations, sorted(r.user_fields)) for r in rows] == [
        ("仓储损耗率", LOWER, 60, (), ["data_source", "definition", "direction", "name", "period", "target", "weight"]),
        ("出库及时率", "", 40, (), ["name", "weight"]),
    ]
