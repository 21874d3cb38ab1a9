"""rag.export and the `jd` / `kpi` commands: files read back with the libraries that wrote them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ingest.config import PROJECT_ROOT
from ingest.parse import read_article
from rag.__main__ import main
from rag.catalog import Catalog, build_catalog
from rag.export import KPI_COLUMNS, USER_MARK, md_escape, safe_stem, to_csv, to_dict, to_docx, to_markdown, write_drafts
from rag.jd import SECTION_TITLES, USER_EXTRA, JobDescription, KpiSheet, draft_jd, draft_kpi_sheet

CITATION_KEYS = ["source", "role", "field", "start", "end", "quote"]
ROW_KEYS = ("name", "definition", "target", "redline", "period", "weight", "citations", "direction", "scoring", "data_source")
TITLE = "电商从业者全链条角色深度解析一(电商内部):职责、KPI 与社会影响"


@pytest.fixture(scope="module")
def jd(catalog: Catalog) -> JobDescription:
    return draft_jd("采销总监", catalog, company_type="直营", extra=["有快消行业经验者优先"])


@pytest.fixture(scope="module")
def sheet(catalog: Catalog) -> KpiSheet:
    return draft_kpi_sheet("采销总监", catalog)


def jd_quotes(jd: JobDescription) -> set[str]:
    return {c.quote for s in jd.sections for b in s.items for c in b.citations}


def test_markdown_jd_has_every_section_and_a_readable_source_list(jd: JobDescription) -> None:
    body, sources = to_markdown(jd).split("\n## 出处\n")
    assert [line[3:] for line in body.splitlines() if line.startswith("## ")] == [*SECTION_TITLES, USER_EXTRA]
    assert f"- 有快消行业经验者优先{USER_MARK}" in body
    assert "- 岗位名称: 采销总监（直营电商“采购+销售”协同的核心管理者） [1]" in body
    assert sources.splitlines()[1] == f"[1] 《{TITLE}》 · 采销总监 · 标题:“7.1.2 采销总监:直营电商“采购+销售”协同的核心管理者”  "
    assert [q for q in jd_quotes(jd) if md_escape(q) not in sources] == []
    assert "corpus/" not in sources and "[21156:" not in sources  # offsets and paths only in JSON


def test_markdown_jd_draws_the_kpi_section_as_the_sheet_table(jd: JobDescription) -> None:
    text = to_markdown(jd)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| " + " | ".join(KPI_COLUMNS) + " |"
    assert [row.split(" | ")[1] for row in table[1:]] == [r.name for r in jd.kpi.rows]
    assert table[2] == (
        "| 2 | 选品成功率 | 采购商品中,销售达成率超80%的品类占比 | 越高越好 | 待填 | 待填 | 待填 | 待填 | "
        "建议:实际值÷目标值×100,最高100分 | 7 | \\[14\\] |"
    )


def test_markdown_kpi_sheet_is_a_table_with_notes(sheet: KpiSheet) -> None:
    text = to_markdown(sheet)
    assert text.startswith("# KPI 考核表 · 采销总监\n")
    assert [row.split(" | ")[1] for row in text.splitlines() if row.startswith("| ")][1:] == [r.name for r in sheet.rows]
    assert "- 核心红线:负责品类库存预警(红色)超3天未处理,关联月度绩效扣减 [11]" in text


def test_markdown_escapes_document_and_user_text_so_nothing_becomes_an_image_or_html(tmp_path: Path) -> None:
    text = (
        "一、测试章节\n\n2.1 测试专员:说明![t](http://example.invalid/t.png)\n\n"
        "职责职能:负责测试<img src=http://example.invalid/i.png>。\n\nKPI 指标:\n\n测试通过率:通过的用例占比\n"
    )
    path = tmp_path / "evil.txt"
    path.write_text(text, encoding="utf-8")
    catalog = build_catalog([read_article(path, "corpus/evil.txt")])
    out = to_markdown(draft_jd("测试专员", catalog, extra=["![x](http://example.invalid/x.png)"]))
    assert ("![" in out, "<img" in out, re.search(r"(?<!\\)\]\(", out)) == (False, False, None)
    assert "!\\[x\\](http://example.invalid/x.png)" + USER_MARK in out
    assert "负责测试&lt;img src=http://example.invalid/i.png>" in out


def test_docx_is_a4_with_its_metadata_heading_styles_kpi_table_and_sources(jd: JobDescription, tmp_path: Path) -> None:
    path = tmp_path / "jd.docx"
    to_docx(jd, path)
    doc = Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    props = doc.core_properties
    assert (props.title, props.author, props.last_modified_by) == ("岗位说明书 · 采销总监", "RoleGuide", "RoleGuide")
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [("Title", "岗位说明书 · 采销总监")] + [("Heading 1", t) for t in (*SECTION_TITLES, USER_EXTRA, "出处")]
    listed = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert listed[0] == "岗位名称: 采销总监（直营电商“采购+销售”协同的核心管理者） [1]"
    assert listed[-1] == f"有快消行业经验者优先{USER_MARK}"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(KPI_COLUMNS)
    assert [r.cells[1].text for r in table.rows[1:]] == [r.name for r in jd.kpi.rows]
    texts = [p.text for p in doc.paragraphs]
    sources = texts[texts.index("出处") + 1 :]
    assert sources[0] == f"[1] 《{TITLE}》 · 采销总监 · 标题:“7.1.2 采销总监:直营电商“采购+销售”协同的核心管理者”"
    assert [q for q in jd_quotes(jd) if not any(q in s for s in sources)] == []


def test_docx_warns_under_the_extra_lines_that_discriminate(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "jd.docx"
    to_docx(draft_jd("采购员", catalog, extra=["限女性"]), path)
    texts = [p.text for p in Document(str(path)).paragraphs]
    at = texts.index(f"限女性{USER_MARK}")
    assert texts[at + 1].startswith("⚠️ 「限女性」涉及性别要求(“限女性”),可能违反《就业促进法》第三条、第二十七条")


def test_csv_has_one_line_per_row_with_readable_sources_and_quotes(sheet: KpiSheet) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(sheet))))
    assert rows[0] == list(KPI_COLUMNS[:-1]) + ["出处", "原文"]
    assert [(r[1], r[9]) for r in rows[1:]] == [(r.name, str(r.weight)) for r in sheet.rows]
    assert rows[1][10:] == [f"《{TITLE}》 · 采销总监 · KPI 指标", sheet.rows[0].citations[0].quote]
    assert rows[2][3:8] == ["越高越好", "", "", "", ""]


def test_json_shapes_are_the_contract(jd: JobDescription, sheet: KpiSheet, catalog: Catalog) -> None:
    jd_json, kpi_json = to_dict(jd), to_dict(sheet)
    assert list(jd_json) == ["role", "sections"]
    assert [s["title"] for s in jd_json["sections"]] == [*SECTION_TITLES, USER_EXTRA]
    assert {tuple(i) for s in jd_json["sections"] for i in s["items"]} == {("text", "citations")}
    assert {tuple(c) for s in jd_json["sections"] for i in s["items"] for c in i["citations"]} == {tuple(CITATION_KEYS)}
    assert [i["text"].split(":")[0] for i in jd_json["sections"][0]["items"]][:4] == ["岗位名称", "所属部门", "直接上级", "下属"]
    assert list(kpi_json) == ["role", "rows", "notes"]
    assert {tuple(r) for r in kpi_json["rows"]} == {ROW_KEYS}
    assert [n["text"][:5] for n in kpi_json["notes"]] == ["核心红线:", "备注:不同"]
    assert kpi_json["rows"][2]["direction"] == "越低越好"
    silent = to_dict(draft_jd("仓储主管", catalog))["sections"][1]
    assert silent == {"title": "岗位目的", "items": [{"text": "原文未提及,请补充", "citations": []}]}


def test_draft_files_are_named_from_a_safe_stem_inside_their_folder(tmp_path: Path) -> None:
    text = "一、测试章节\n\n2.2 ../../../../somewhere/pwned:测试角色\n\n职责职能:负责测试。\n\nKPI 指标:\n\n测试通过率:通过的用例占比\n"
    path = tmp_path / "evil.txt"
    path.write_text(text, encoding="utf-8")
    catalog = build_catalog([read_article(path, "corpus/evil.txt")])
    folder = tmp_path / "roleguide-draft"
    folder.mkdir()
    files = write_drafts(draft_jd("../../../../somewhere/pwned", catalog), folder)
    assert sorted(p.name for p in folder.iterdir()) == ["somewhere_pwned-KPI考核表.xlsx", "somewhere_pwned-岗位说明书.docx",
                                                        "somewhere_pwned-岗位说明书.md"]  # fmt: skip
    assert {p.resolve().parent for p in (files.docx, files.xlsx, files.md)} == {folder.resolve()}
    assert sorted(p.name for p in tmp_path.rglob("*pwned*")) == sorted(p.name for p in folder.iterdir())
    assert [safe_stem(n) for n in ("采购经理", "..", "a/b\\c:d", "C:\\x", "电商 运营")] == ["采购经理", "岗位", "a_b_c_d", "C_x", "电商_运营"]


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
    assert [(r["name"], r["weight"], r["direction"]) for r in result["rows"]] == [
        ("采购成本节约率", 29, "越高越好"),
        ("采购订单准时交付率", 14, "越高越好"),
        ("采购商品合格率", 14, "越高越好"),
        ("供应商绩效评分", 14, "越高越好"),
        ("采购计划达成率", 29, "越高越好"),
    ]
    assert result["notes"] == []
    assert main(["kpi", "采购经理", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("1,采购成本节约率,实际采购成本与预算成本的差额占预算成本比例,越高越好,")
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


def test_cli_unknown_role_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jd", "直播带货运营"]) == 2
    err = capsys.readouterr().err
    assert (err.count("\n"), err.startswith("error: no role named '直播带货运营'"), "电商运营专员" in err) == (1, True, True)
