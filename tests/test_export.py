"""rag.export and the `jd` / `kpi` commands: files read back with the libraries that wrote them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from rag.__main__ import main
from rag.catalog import Catalog
from ingest.config import PROJECT_ROOT
from rag.export import KPI_COLUMNS, USER_MARK, to_csv, to_dict, to_docx, to_markdown, to_xlsx
from rag.jd import JobDescription, KpiSheet, draft_jd, draft_kpi_sheet

CITATION_KEYS = ["source", "role", "field", "start", "end", "quote"]


@pytest.fixture(scope="module")
def jd(catalog: Catalog) -> JobDescription:
    return draft_jd("采销总监", catalog, company_type="直营", extra=["有快消行业经验者优先"])


@pytest.fixture(scope="module")
def sheet(catalog: Catalog) -> KpiSheet:
    return draft_kpi_sheet("采销总监", catalog)


def jd_quotes(jd: JobDescription) -> set[str]:
    return {c.quote for s in jd.sections for b in s.items for c in b.citations}


def sheet_quotes(sheet: KpiSheet) -> set[str]:
    return {c.quote for group in [r.citations for r in sheet.rows] + [n.citations for n in sheet.notes] for c in group}


def test_markdown_jd_has_every_section_line_and_source(jd: JobDescription) -> None:
    text = to_markdown(jd)
    body, sources = text.split("\n## 出处\n")
    assert [line[3:] for line in body.splitlines() if line.startswith("## ")] == [s.title for s in jd.sections]
    assert [b.text for s in jd.sections for b in s.items if f"- {b.text}" not in body] == []
    assert [q for q in jd_quotes(jd) if q not in sources] == []
    assert f"- 有快消行业经验者优先{USER_MARK}" in body
    assert "- 岗位名称：采销总监（直营电商“采购+销售”协同的核心管理者） [1]" in body
    assert sources.splitlines()[1] == (
        "[1] 采销总监 · 标题 · corpus/000_c7806a285f499d96.txt [21156:21186] · 7.1.2 采销总监:直营电商“采购+销售”协同的核心管理者  "
    )


def test_markdown_kpi_sheet_is_a_table_with_notes(sheet: KpiSheet) -> None:
    text = to_markdown(sheet)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| " + " | ".join(KPI_COLUMNS) + " |"
    assert [row.split(" | ")[1] for row in table[1:]] == [r.name for r in sheet.rows]
    assert "- 核心红线:负责品类库存预警(红色)超3天未处理,关联月度绩效扣减 [11]" in text
    assert [q for q in sheet_quotes(sheet) if q not in text.split("\n## 出处\n")[1]] == []


def test_docx_reads_back_with_headings_bullets_kpi_table_and_sources(jd: JobDescription, tmp_path: Path) -> None:
    path = tmp_path / "jd.docx"
    to_docx(jd, path)
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [s.title for s in jd.sections] + ["出处"]
    assert doc.paragraphs[0].text == "岗位说明书 · 采销总监"
    listed = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert listed[0] == "岗位名称：采销总监（直营电商“采购+销售”协同的核心管理者） [1]"
    assert listed[-1] == f"有快消行业经验者优先{USER_MARK}"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(KPI_COLUMNS)
    assert [r.cells[1].text for r in table.rows[1:]] == [r.name for r in jd.kpi.rows]
    sources = "\n".join(p.text for p in doc.paragraphs[[p.text for p in doc.paragraphs].index("出处") :])
    assert [q for q in jd_quotes(jd) if q not in sources] == []


def test_xlsx_has_frozen_header_widths_editable_weights_and_a_sources_sheet(sheet: KpiSheet, tmp_path: Path) -> None:
    path = tmp_path / "kpi.xlsx"
    to_xlsx(sheet, path)
    book = load_workbook(path)
    assert book.sheetnames == ["KPI 考核表", "出处"]
    kpi, listing = book["KPI 考核表"], book["出处"]
    assert (kpi.freeze_panes, listing.freeze_panes) == ("A2", "A2")
    assert [c.value for c in kpi[1]] == list(KPI_COLUMNS)
    rows = list(kpi.iter_rows(min_row=2, max_row=len(sheet.rows) + 1, values_only=True))
    assert [(r[1], r[6]) for r in rows] == [(r.name, 10) for r in sheet.rows]
    assert [c.value for c in kpi[len(sheet.rows) + 2]][1:7] == ["合计", None, None, None, None, "=SUM(G2:G11)"]
    assert (kpi.column_dimensions["C"].width, listing.column_dimensions["G"].width) == (60, 90)
    assert [q for q in sheet_quotes(sheet) if q not in {row[6] for row in listing.iter_rows(values_only=True)}] == []
    assert [c.value for c in listing[2]][:3] == [1, "采销总监", "KPI 指标"]


def test_csv_has_one_line_per_row_with_sources_and_quotes(sheet: KpiSheet) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(sheet))))
    assert rows[0] == list(KPI_COLUMNS[:-1]) + ["出处", "原文"]
    assert [(r[1], r[6]) for r in rows[1:]] == [(r.name, "10") for r in sheet.rows]
    assert [r[8] for r in rows[1:]] == [r.citations[0].quote for r in sheet.rows]
    assert rows[1][7] == f"corpus/000_c7806a285f499d96.txt [{sheet.rows[0].citations[0].start}:{sheet.rows[0].citations[0].end}]"


def test_json_shapes_are_the_contract(jd: JobDescription, sheet: KpiSheet) -> None:
    jd_json, kpi_json = to_dict(jd), to_dict(sheet)
    assert list(jd_json) == ["role", "sections"]
    assert {tuple(s) for s in jd_json["sections"]} == {("title", "items")}
    assert {tuple(i) for s in jd_json["sections"] for i in s["items"]} == {("text", "citations")}
    assert {tuple(c) for s in jd_json["sections"] for i in s["items"] for c in i["citations"]} == {tuple(CITATION_KEYS)}
    assert list(kpi_json) == ["role", "rows"]
    assert {tuple(r) for r in kpi_json["rows"]} == {
        ("name", "definition", "target", "redline", "period", "weight", "citations")
    }


def test_cli_jd_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jd", "库存经理", "--type", "直营", "--format", "json", "--extra", "持有叉车证"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (list(result), result["role"]) == (["role", "sections"], "库存管理经理")
    assert result["sections"][-1] == {"title": "补充要求（用户填写）", "items": [{"text": "持有叉车证", "citations": []}]}
    first = result["sections"][0]["items"][0]["citations"][0]
    assert list(first) == CITATION_KEYS
    text = (PROJECT_ROOT / first["source"]).read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["quote"]


def test_cli_kpi_json_and_text_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi", "采购经理", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["weight"]) for r in result["rows"]] == [
        ("采购成本节约率", 20),
        ("采购订单准时交付率", 20),
        ("采购商品合格率", 20),
        ("供应商绩效评分", 20),
        ("采购计划达成率", 20),
    ]
    assert main(["kpi", "采购经理", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("1,采购成本节约率,实际采购成本与预算成本的差额占预算成本比例,")
    assert main(["jd", "采购经理"]) == 0
    assert capsys.readouterr().out.startswith("# 岗位说明书 · 采购经理\n")


def test_cli_writes_binary_formats_only_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["jd", "采购经理", "--format", "docx"]) == 2
    assert capsys.readouterr().err == "error: --format docx writes a binary file: add --out FILE\n"
    assert main(["kpi", "采购经理", "--format", "xlsx", "--out", str(tmp_path / "k.xlsx")]) == 0
    assert main(["jd", "采购经理", "--format", "docx", "--out", str(tmp_path / "j.docx")]) == 0
    assert main(["kpi", "采购经理", "--format", "csv", "--out", str(tmp_path / "k.csv")]) == 0
    assert capsys.readouterr().out == ""
    assert load_workbook(tmp_path / "k.xlsx")["KPI 考核表"]["B2"].value == "采购成本节约率"
    assert Document(str(tmp_path / "j.docx")).paragraphs[0].text == "岗位说明书 · 采购经理"
    assert (tmp_path / "k.csv").read_bytes().startswith("\ufeff序号,指标名称".encode())


def test_cli_unknown_role_and_role_without_kpi_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jd", "直播带货运营"]) == 2
    err = capsys.readouterr().err
    assert (err.count("\n"), err.startswith("error: no role named '直播带货运营'"), "电商运营专员" in err) == (1, True, True)
    assert main(["kpi", "仓储主管"]) == 2
    assert capsys.readouterr().err == "error: the article gives no KPI 指标 for 仓储主管; draft its job description instead (jd 仓储主管)\n"
