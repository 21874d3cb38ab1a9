"""KPI sheet → an XLSX 考核表 (as bytes; `rag.export.to_xlsx` writes it) that scores itself: 实际值 input cells, 得分 formulas, a total, checked weights.

Per row the article's 目标值 and 红线 text stay as written; beside them, 目标数值 and 红线数值 hold the one number
each text gives (35% → 0.35, shown as a percentage), for the formulas and for the user to change. 得分 follows
`rag.kpi.SCORING_NOTE`: linear from the red line (0) to the target (100), clamped; without a red line, 0 for
越高越好 and twice the target for 越低越好. Weights are checked (whole numbers 0–100) and their total is shown.
A role without KPI 指标 gets `TEMPLATE_ROWS` blank rows with the same formulas, and its duties below them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rag.kpi import (
    HIGHER,
    KPI_COLUMNS,
    LOWER,
    SCORING_NOTE,
    TEMPLATE_ROWS,
    WEIGHT_NOTE,
    KpiRow,
    KpiSheet,
    target_number,
)
from rag.sources import AUTHOR, Key, marks, numbered, numbers

XLSX_COLUMNS = KPI_COLUMNS[:-1] + ("目标数值", "红线数值", "实际值", "得分", "加权得分", "出处")
SOURCE_COLUMNS = ("编号", "文章", "岗位", "字段", "原文")
KPI_SHEET_TITLE, SOURCES_SHEET_TITLE = "KPI 考核表", "出处"
INPUT_NOTE = "黄色单元格可填写:实际值填入后自动计分;目标数值、红线数值为计分所用的数(百分比可直接填 35%)。"
_COLUMN = {title: get_column_letter(i) for i, title in enumerate(XLSX_COLUMNS, 1)}
_WIDTHS = (6, 22, 48, 10, 16, 30, 10, 18, 30, 10, 10, 10, 10, 8, 10, 10)
_SOURCE_WIDTHS = (6, 40, 14, 10, 90)
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_INPUT_COLUMNS = ("方向", "权重（%）", "目标数值", "红线数值", "实际值")


def workbook_bytes(sheet: KpiSheet) -> bytes:
    """The XLSX file: the scoring sheet and a sheet of the numbered sources (article · role · field · quote)."""
    sources = numbered([r.citations for r in sheet.rows] + [b.citations for b in sheet.notes + sheet.basis])
    by_key = numbers(sources)
    book = Workbook()
    book.properties.creator = book.properties.lastModifiedBy = AUTHOR
    book.properties.title = f"KPI 考核表 · {sheet.role}"
    kpi = book.active
    kpi.title = KPI_SHEET_TITLE
    kpi.append(XLSX_COLUMNS)
    rows: Sequence[KpiRow | None] = sheet.rows or [None] * TEMPLATE_ROWS
    for n, row in enumerate(rows, 2):
        kpi.append(_row_values(n, row, by_key))
        _number_formats(kpi, n, row)
    last = len(rows) + 1
    _totals(kpi, last)
    for text, cited in [(WEIGHT_NOTE, ""), (SCORING_NOTE, ""), (INPUT_NOTE, "")] + [
        (b.text, marks(b.citations, by_key)) for b in sheet.notes + sheet.basis
    ]:
        kpi.append(["", "说明", text] + [""] * (len(XLSX_COLUMNS) - 4) + [cited])
    _validate(kpi, last)
    _format(kpi, _WIDTHS)
    for letter in (_COLUMN[t] for t in _INPUT_COLUMNS):
        for r in range(2, last + 1):
            kpi[f"{letter}{r}"].fill = _INPUT
    listing = book.create_sheet(SOURCES_SHEET_TITLE)
    listing.append(SOURCE_COLUMNS)
    for n, c in enumerate(sources, 1):
        listing.append([n, f"《{sheet.source_title}》", c.role or "文章", c.field or "标题", c.quote])
    _format(listing, _SOURCE_WIDTHS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_values(r: int, row: KpiRow | None, by_key: dict[Key, int]) -> list:
    c = {title: f"{letter}{r}" for title, letter in _COLUMN.items()}
    floor = (
        f'IF(ISNUMBER({c["红线数值"]}),{c["红线数值"]},IF({c["方向"]}="{HIGHER}",0,'
        f'IF({c["方向"]}="{LOWER}",2*{c["目标数值"]},"")))'
    )
    score = (
        f'=IF(OR({c["实际值"]}="",NOT(ISNUMBER({c["目标数值"]})),NOT(ISNUMBER({floor}))),"",'
        f'IF({c["目标数值"]}={floor},"",ROUND(MAX(0,MIN(100,({c["实际值"]}-{floor})/({c["目标数值"]}-{floor})*100)),1)))'
    )
    weighted = f'=IF({c["得分"]}="","",ROUND({c["得分"]}*{c["权重（%）"]}/100,2))'
    if row is None:
        return [r - 1] + [None] * 12 + [score, weighted, None]
    target, red = target_number(row.target), target_number(row.redline)
    return [
        r - 1, row.name, row.definition, row.direction, row.target, row.redline, row.period, row.data_source,
        row.scoring, row.weight, target[0] if target else None, red[0] if red else None, None, score, weighted,
        marks(row.citations, by_key) or None,
    ]  # fmt: skip


def _number_formats(kpi: Worksheet, r: int, row: KpiRow | None) -> None:
    """Percent targets and red lines (and the actual value beside them) show as percentages."""
    target, red = (target_number(row.target), target_number(row.redline)) if row else (None, None)
    for title, figure in (("目标数值", target), ("红线数值", red), ("实际值", target or red)):
        if figure and figure[1]:
            kpi[f"{_COLUMN[title]}{r}"].number_format = "0.0%"


def _totals(kpi: Worksheet, last: int) -> None:
    weight, weighted = _COLUMN["权重（%）"], _COLUMN["加权得分"]
    total = last + 1
    row = [""] * len(XLSX_COLUMNS)
    row[1] = "合计"
    row[2] = f'=IF({weight}{total}=100,"权重合计 100","⚠ 权重合计应为 100,当前为 "&{weight}{total})'
    row[XLSX_COLUMNS.index("权重（%）")] = f"=SUM({weight}2:{weight}{last})"
    row[XLSX_COLUMNS.index("加权得分")] = f"=SUM({weighted}2:{weighted}{last})"
    kpi.append(row)
    for cell in kpi[total]:
        cell.font = Font(bold=True)


def _validate(kpi: Worksheet, last: int) -> None:
    weights = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                             showErrorMessage=True, errorTitle="权重", error="权重须为 0–100 的整数,全部指标合计 100。")  # fmt: skip
    direction = DataValidation(type="list", formula1=f'"{HIGHER},{LOWER}"', allow_blank=True, showErrorMessage=True,
                               errorTitle="方向", error=f"请选择“{HIGHER}”或“{LOWER}”。")  # fmt: skip
    figures = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True,
                             showErrorMessage=True, errorTitle="数值", error="请填写数值(百分比可填 35%)。")  # fmt: skip
    weights.add(f"{_COLUMN['权重（%）']}2:{_COLUMN['权重（%）']}{last}")
    direction.add(f"{_COLUMN['方向']}2:{_COLUMN['方向']}{last}")
    figures.add(f"{_COLUMN['目标数值']}2:{_COLUMN['实际值']}{last}")
    for validation in (weights, direction, figures):
        kpi.add_data_validation(validation)


def _format(sheet: Worksheet, widths: Sequence[int]) -> None:
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
