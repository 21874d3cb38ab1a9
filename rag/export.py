"""Job descriptions and KPI sheets → Markdown, DOCX, XLSX, CSV and the JSON contract.

Renderers decide nothing about content: they number the citations in order of first use, put `[n]` marks
after each line, and end with the numbered source list (role · field · file [start:end] · quote).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ingest.chunk import Citation
from rag.jd import KPIS, Bullet, JobDescription, KpiRow, KpiSheet

KPI_COLUMNS = ("序号", "指标名称", "定义/计算口径", "示例目标值", "红线", "考核周期", "权重（建议，%）", "出处")
SOURCE_COLUMNS = ("编号", "岗位", "字段", "文件", "起", "止", "原文")
KPI_SHEET_TITLE, SOURCES_SHEET_TITLE = "KPI 考核表", "出处"
USER_MARK = "（用户补充，非原文内容）"
WEIGHT_NOTE = "权重为建议值：原文未给出权重，按指标数平均分配，可按需调整，合计 100%。"
_KPI_WIDTHS = (6, 24, 60, 20, 36, 10, 14, 12)
_SOURCE_WIDTHS = (6, 14, 10, 34, 8, 8, 90)
_CJK_FONT = "Microsoft YaHei"

_Key = tuple[str, int, int]


def to_dict(doc: JobDescription | KpiSheet) -> dict:
    """The `jd --json` / `kpi --json` objects (a contract other tools rely on)."""
    if isinstance(doc, JobDescription):
        sections = [
            {"title": s.title, "items": [{"text": b.text, "citations": _citations_json(b.citations)} for b in s.items]}
            for s in doc.sections
        ]
        return {"role": doc.role, "sections": sections}
    rows = [
        {
            "name": r.name,
            "definition": r.definition,
            "target": r.target,
            "redline": r.redline,
            "period": r.period,
            "weight": r.weight,
            "citations": _citations_json(r.citations),
        }
        for r in doc.rows
    ]
    return {"role": doc.role, "rows": rows}


def to_markdown(doc: JobDescription | KpiSheet) -> str:
    if isinstance(doc, JobDescription):
        return _jd_markdown(doc)
    return _kpi_markdown(doc)


def to_csv(sheet: KpiSheet) -> str:
    """One line per KPI row; the sources go in two last columns, as CSV has no second sheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KPI_COLUMNS[:-1] + ("出处", "原文"))
    for n, row in enumerate(sheet.rows, 1):
        where = "; ".join(f"{c.source} [{c.start}:{c.end}]" for c in row.citations)
        writer.writerow(_kpi_values(n, row) + [where, " | ".join(c.quote for c in row.citations)])
    return out.getvalue()


def to_docx(jd: JobDescription, path: Path) -> None:
    """Headings, bullet lists, the KPI table and the numbered source list, as a Word file."""
    sources = _sources(b.citations for s in jd.sections for b in s.items)
    numbers = _numbers(sources)
    doc = Document()
    _use_cjk_font(doc)
    doc.add_heading(f"岗位说明书 · {jd.role}", 0)
    doc.add_paragraph(_preamble(jd.source_title, jd.company_type, _has_user_lines(jd)))
    for section in jd.sections:
        doc.add_heading(section.title, 1)
        items: Iterable[Bullet] = section.items
        if section.title == KPIS and jd.kpi:
            _docx_kpi_table(doc, jd.kpi, numbers)
            doc.add_paragraph(WEIGHT_NOTE)
            items = jd.kpi.notes
        for bullet in items:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(bullet.text)
            tail = paragraph.add_run(USER_MARK if bullet.user_supplied else f" {_marks(bullet.citations, numbers)}")
            tail.italic = bullet.user_supplied
    doc.add_heading("出处", 1)
    for n, citation in enumerate(sources, 1):
        doc.add_paragraph(_source_line(n, citation))
    doc.save(path)


def to_xlsx(sheet: KpiSheet, path: Path) -> None:
    """The KPI sheet (header frozen, widths set, weights editable with a live total) and a sources sheet."""
    sources = _sources([r.citations for r in sheet.rows] + [b.citations for b in sheet.notes])
    numbers = _numbers(sources)
    book = Workbook()
    kpi = book.active
    kpi.title = KPI_SHEET_TITLE
    kpi.append(KPI_COLUMNS)
    for n, row in enumerate(sheet.rows, 1):
        kpi.append(_kpi_values(n, row) + [_marks(row.citations, numbers)])
    weight = get_column_letter(KPI_COLUMNS.index("权重（建议，%）") + 1)
    last = len(sheet.rows) + 1
    kpi.append(["", "合计", "", "", "", "", f"=SUM({weight}2:{weight}{last})", ""])
    kpi.append(["", "说明", WEIGHT_NOTE])
    for note in sheet.notes:
        kpi.append(["", "说明", note.text, "", "", "", "", _marks(note.citations, numbers)])
    _format_sheet(kpi, _KPI_WIDTHS)
    listing = book.create_sheet(SOURCES_SHEET_TITLE)
    listing.append(SOURCE_COLUMNS)
    for n, c in enumerate(sources, 1):
        listing.append([n, c.role or "文章", c.field or "标题", c.source, c.start, c.end, c.quote])
    _format_sheet(listing, _SOURCE_WIDTHS)
    book.save(path)


def _jd_markdown(jd: JobDescription) -> str:
    sources = _sources(b.citations for s in jd.sections for b in s.items)
    numbers = _numbers(sources)
    lines = [f"# 岗位说明书 · {jd.role}", "", _preamble(jd.source_title, jd.company_type, _has_user_lines(jd)), ""]
    for section in jd.sections:
        lines += [f"## {section.title}", ""]
        lines += [f"- {_bullet_line(b, numbers)}" for b in section.items]
        lines.append("")
    return "\n".join(lines + _sources_markdown(sources))


def _kpi_markdown(sheet: KpiSheet) -> str:
    sources = _sources([r.citations for r in sheet.rows] + [b.citations for b in sheet.notes])
    numbers = _numbers(sources)
    lines = [f"# KPI 考核表 · {sheet.role}", "", f"依据《{sheet.source_title}》整理。{WEIGHT_NOTE}", ""]
    lines.append("| " + " | ".join(KPI_COLUMNS) + " |")
    lines.append("|" + "---|" * len(KPI_COLUMNS))
    for n, row in enumerate(sheet.rows, 1):
        cells = [str(v) for v in _kpi_values(n, row)] + [_marks(row.citations, numbers)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    if sheet.notes:
        lines += ["说明：", ""] + [f"- {_bullet_line(b, numbers)}" for b in sheet.notes] + [""]
    return "\n".join(lines + _sources_markdown(sources))


def _preamble(source_title: str, company_type: str, user_lines: bool) -> str:
    text = f"依据《{source_title}》整理，企业类型：{company_type}。每条末尾的 [n] 指向文末“出处”中的原文位置。"
    return text + ("标注“用户补充”的条目由使用者提供，不在原文中。" if user_lines else "")


def _has_user_lines(jd: JobDescription) -> bool:
    return any(b.user_supplied for s in jd.sections for b in s.items)


def _bullet_line(bullet: Bullet, numbers: dict[_Key, int]) -> str:
    if bullet.user_supplied:
        return f"{bullet.text}{USER_MARK}"
    return f"{bullet.text} {_marks(bullet.citations, numbers)}"


def _kpi_values(n: int, row: KpiRow) -> list:
    return [n, row.name, row.definition, row.target, row.redline, row.period, row.weight]


def _sources(groups: Iterable[Sequence[Citation]]) -> list[Citation]:
    """Every distinct citation, in order of first use: the numbered source list."""
    unique: dict[_Key, Citation] = {}
    for group in groups:
        for citation in group:
            unique.setdefault(_key(citation), citation)
    return list(unique.values())


def _numbers(sources: list[Citation]) -> dict[_Key, int]:
    return {_key(c): n for n, c in enumerate(sources, 1)}


def _key(citation: Citation) -> _Key:
    return (citation.source, citation.start, citation.end)


def _marks(citations: Sequence[Citation], numbers: dict[_Key, int]) -> str:
    return "".join(f"[{numbers[_key(c)]}]" for c in citations)


def _source_line(n: int, c: Citation) -> str:
    return f"[{n}] {c.role or '文章'} · {c.field or '标题'} · {c.source} [{c.start}:{c.end}] · {c.quote}"


def _sources_markdown(sources: list[Citation]) -> list[str]:
    return ["## 出处", ""] + [f"{_source_line(n, c)}  " for n, c in enumerate(sources, 1)] + [""]


def _citations_json(citations: Sequence[Citation]) -> list[dict]:
    return [{k: v for k, v in asdict(c).items() if k != "node_id"} for c in citations]


def _use_cjk_font(doc: DocxDocument) -> None:
    """Word picks the East Asian font separately; without it Chinese text falls back to a serif font."""
    for name in ("Normal", "Title", "Heading 1"):
        style = doc.styles[name]
        style.font.name = _CJK_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _CJK_FONT)


def _docx_kpi_table(doc: DocxDocument, sheet: KpiSheet, numbers: dict[_Key, int]) -> None:
    table = doc.add_table(rows=1, cols=len(KPI_COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, KPI_COLUMNS):
        cell.paragraphs[0].add_run(title).bold = True
    for n, row in enumerate(sheet.rows, 1):
        values = [str(v) for v in _kpi_values(n, row)] + [_marks(row.citations, numbers)]
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value


def _format_sheet(sheet: Worksheet, widths: Sequence[int]) -> None:
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
