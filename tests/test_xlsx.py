"""rag.xlsx: the 考核表 scores itself. Actual values are entered with openpyxl and the workbook is computed by a
real formula engine (`formulas`), as a spreadsheet would."""

from __future__ import annotations

from pathlib import Path

import formulas
from openpyxl import load_workbook

from rag.catalog import Catalog
from rag.jd import draft_kpi_sheet
from rag.kpi import edit_sheet
from rag.export import to_xlsx
from rag.xlsx import KPI_SHEET_TITLE, SOURCE_COLUMNS, XLSX_COLUMNS

COL = {title: chr(ord("A") + i) for i, title in enumerate(XLSX_COLUMNS)}


def computed(path: Path, entries: dict[str, float | str]) -> dict[str, object]:
    """Enter values into the KPI sheet, then compute every formula; cell address → value."""
    book = load_workbook(path)
    for cell, value in entries.items():
        book[KPI_SHEET_TITLE][cell] = value
    book.save(path)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    prefix = f"'[{path.name}]{KPI_SHEET_TITLE}'!".upper()
    return {k.upper().removeprefix(prefix): v.value[0][0] for k, v in solution.items() if k.upper().startswith(prefix) and ":" not in k}


def test_scores_follow_the_suggested_rule_for_each_direction_and_red_line(catalog: Catalog, tmp_path: Path) -> None:
    sheet = draft_kpi_sheet("供应链总监", catalog)
    path = tmp_path / "kpi.xlsx"
    to_xlsx(sheet, path)
    book = load_workbook(path)[KPI_SHEET_TITLE]
    assert [c.value for c in book[1]] == list(XLSX_COLUMNS)
    assert [book[f"{COL[t]}10"].value for t in ("方向", "目标值", "红线", "目标数值", "红线数值")] == [
        "越高越好", "例:100%", "账期与库存周转匹配度低于90%,需提交专项整改方案", 1.0, 0.9,
    ]  # fmt: skip
    values = computed(path, {
        "M10": 0.95,             # 账期与库存周转匹配度: between red line 90% and target 100%
        "K2": 0.25, "M2": 0.3,   # 供应链总成本控制率, 越低越好 without a red line: 0 points at twice the target
        "K3": 0.98, "M3": 0.49,  # 订单履约率, 越高越好 without a red line: actual ÷ target
        "K7": 0.15, "M7": 0.30,  # 供应链利润贡献率 above its target: capped at 100
        "M4": 5,                 # 库存周转率 has no target yet: no score
    })  # fmt: skip
    rows = {r: (values[f"N{r}"], values[f"O{r}"]) for r in (10, 2, 3, 7, 4)}
    assert rows == {10: (50.0, 8.5), 2: (80.0, 13.6), 3: (50.0, 4.5), 7: (100.0, 17.0), 4: ("", "")}
    assert (values["J11"], values["O11"], values["C11"]) == (100, 43.6, "权重合计 100")


def test_a_role_without_kpi_gets_blank_rows_that_score_once_filled(catalog: Catalog, tmp_path: Path) -> None:
    sheet = draft_kpi_sheet("合规风控专员", catalog)
    path = tmp_path / "template.xlsx"
    to_xlsx(sheet, path)
    kpi = load_workbook(path)[KPI_SHEET_TITLE]
    assert [kpi[f"A{r}"].value for r in range(2, 7)] == [1, 2, 3, 4, 5]
    assert [kpi[f"B{r}"].value for r in range(2, 7)] == [None] * 5
    notes = [kpi[f"C{r}"].value for r in range(8, kpi.max_row + 1)]
    assert notes[3] == sheet.notes[0].text and notes[4:] == [b.text for b in sheet.basis]
    values = computed(path, {
        "B2": "合规排查完成率", "D2": "越高越好", "J2": 60, "K2": 1, "L2": 0.8, "M2": 0.9,
        "B3": "合规投诉处理时长", "D3": "越低越好", "J3": 40, "K3": 3, "M3": 4.5,
    })  # fmt: skip
    assert [values[c] for c in ("N2", "O2", "N3", "O3", "J7", "O7", "C7")] == [50.0, 30.0, 50.0, 20.0, 100, 50.0, "权重合计 100"]


def test_weights_are_validated_and_a_wrong_total_is_shown(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "kpi.xlsx"
    to_xlsx(draft_kpi_sheet("采购经理", catalog), path)
    kpi = load_workbook(path)[KPI_SHEET_TITLE]
    rules = {(v.type, str(v.sqref), v.formula1, v.formula2) for v in kpi.data_validations.dataValidation}
    assert rules == {
        ("whole", "J2:J6", "0", "100"),
        ("list", "D2:D6", '"越高越好,越低越好"', None),
        ("decimal", "K2:M6", "-1E+15", "1E+15"),
    }
    assert computed(path, {"J2": 40})["C7"] == "⚠ 权重合计应为 100,当前为 111"


def test_the_user_s_edits_are_what_the_sheet_scores(catalog: Catalog, tmp_path: Path) -> None:
    sheet = draft_kpi_sheet("采购经理", catalog)
    table = [[r.name, r.definition, r.direction, r.target, r.redline, r.period, r.data_source, "", str(r.weight), ""]
             for r in sheet.rows]  # fmt: skip
    table[0][3], table[0][4], table[0][8], table[1][8] = "5%", "1%", "43", "0"
    path = tmp_path / "edited.xlsx"
    to_xlsx(edit_sheet(sheet, table), path)
    kpi = load_workbook(path)[KPI_SHEET_TITLE]
    assert [kpi[f"{COL['权重（%）']}{r}"].value for r in range(2, 7)] == [43, 0, 14, 14, 29]
    assert (kpi["K2"].value, kpi["L2"].value, kpi["K2"].number_format) == (0.05, 0.01, "0.0%")
    assert computed(path, {"M2": 0.03})["N2"] == 50.0


def test_properties_and_a_sources_sheet_without_offsets(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "kpi.xlsx"
    sheet = draft_kpi_sheet("采销总监", catalog)
    to_xlsx(sheet, path)
    book = load_workbook(path)
    assert (book.properties.creator, book.properties.title) == ("RoleGuide", "KPI 考核表 · 采销总监")
    listing = list(book["出处"].iter_rows(values_only=True))
    assert listing[0] == SOURCE_COLUMNS
    assert listing[1] == (1, f"《{sheet.source_title}》", "采销总监", "KPI 指标", sheet.rows[0].citations[0].quote)
    assert len(listing) == 1 + 12  # ten rows and the two notes
