"""Job descriptions and KPI sheets → Markdown, DOCX, XLSX (built in `rag.xlsx`), CSV, the app's table and JSON.

Renderers decide nothing about content: they number the citations in order of first use, put `[n]` marks
after each line and end with the numbered source list — article title · role · field and the quoted text;
the character offsets are in JSON only. Text from documents and users is escaped in Markdown, so a line such
as `![x](http://…)` shows as text and the page loads nothing. File names made from a role's name keep only
letters, digits, `-` and `_`: a name from a corpus file can never point outside the folder written to.
A DOCX or XLSX is built in memory and written in one go, so a full disk is one `OSError`, never a half-closed zip.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ingest.chunk import Citation
from rag.jd import KPIS, USER_EXTRA, JobDescription
from rag.jd_text import Bullet
from rag.kpi import KPI_COLUMNS, SCORING_NOTE, TABLE_COLUMNS, TEMPLATE_ROWS, WEIGHT_NOTE, KpiRow, KpiSheet
from rag.sources import AUTHOR, Key, marks, numbered, numbers, source_label
from rag.xlsx import workbook_bytes

USER_MARK = "（用户补充，非原文内容）"
USER_CELL = "（用户填写）"
BLANK = "待填"  # a cell the article leaves empty, for the user to fill
_CJK_FONT = "Microsoft YaHei"
# Backslash escapes for Markdown's marks; entities for & and <, which must not open an entity or a tag
# (a backslash before < can end up inside an autolinked URL and show).
_MD_LITERAL = str.maketrans({**{c: f"\\{c}" for c in "\\`*_[]|"}, "&": "&amp;", "<": "&lt;"})
_UNSAFE_NAME = re.compile(r"[^\w-]+")


@dataclass(frozen=True)
class DraftFiles:
    docx: Path
    xlsx: Path
    md: Path


def to_dict(doc: JobDescription | KpiSheet) -> dict:
    """The `jd --format json` / `kpi --format json` objects (a contract other tools rely on)."""
    if isinstance(doc, JobDescription):
        sections = [{"title": s.title, "items": [_bullet_json(b) for b in s.items]} for s in doc.sections]
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
            "direction": r.direction,
            "scoring": r.scoring,
            "data_source": r.data_source,
        }
        for r in doc.rows
    ]
    return {"role": doc.role, "rows": rows, "notes": [_bullet_json(b) for b in doc.notes]}


def to_markdown(doc: JobDescription | KpiSheet) -> str:
    return _jd_markdown(doc) if isinstance(doc, JobDescription) else _kpi_markdown(doc)


def to_table(jd: JobDescription) -> list[list[str]]:
    """The KPI rows as the app's editable table (`TABLE_COLUMNS`), marks numbered as in the JD's Markdown;
    blank rows to fill for a role the article gives no KPI 指标."""
    by_key = numbers(_jd_sources(jd))
    rows = [
        [r.name, r.definition, r.direction, r.target, r.redline, r.period, r.data_source, r.scoring, str(r.weight),
         marks(r.citations, by_key)]
        for r in jd.kpi.rows
    ]  # fmt: skip
    return rows or [[""] * len(TABLE_COLUMNS) for _ in range(TEMPLATE_ROWS)]


def to_csv(sheet: KpiSheet) -> str:
    """One line per KPI row; the sources go in the last two columns, as CSV has no second sheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KPI_COLUMNS[:-1] + ("出处", "原文"))
    for n, row in enumerate(sheet.rows, 1):
        where = "; ".join(source_label(sheet.source_title, c) for c in row.citations)
        writer.writerow(_row_cells(row, {}, n, blank="")[:-1] + [where, " | ".join(c.quote for c in row.citations)])
    return out.getvalue()


def to_docx(jd: JobDescription, path: Path) -> None:
    """A4, Word heading styles, bullet lists, the KPI table and the numbered sources; title and author set."""
    sources = _jd_sources(jd)
    by_key = numbers(sources)
    doc = Document()
    _page_and_properties(doc, f"岗位说明书 · {jd.role}", jd.source_title)
    doc.add_heading(f"岗位说明书 · {jd.role}", 0)
    doc.add_paragraph(_preamble(jd))
    for section in jd.sections:
        doc.add_heading(section.title, 1)
        items: Iterable[Bullet] = section.items
        if section.title == KPIS and jd.kpi.rows:
            _docx_kpi_table(doc, jd.kpi, by_key)
            for note in (WEIGHT_NOTE, SCORING_NOTE):
                doc.add_paragraph(note)
            items = jd.kpi.notes
        for bullet in items:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(bullet.text)
            tail = paragraph.add_run(USER_MARK if bullet.user_supplied else marks(bullet.citations, by_key, " "))
            tail.italic = bullet.user_supplied
        if section.title == USER_EXTRA:
            for concern in jd.concerns:
                doc.add_paragraph(f"⚠️ {concern.message}")
    doc.add_heading("出处", 1)
    for n, citation in enumerate(sources, 1):
        doc.add_paragraph(f"[{n}] {source_label(jd.source_title, citation)}:“{citation.quote}”")
    out = io.BytesIO()
    doc.save(out)
    path.write_bytes(out.getvalue())


def to_xlsx(sheet: KpiSheet, path: Path) -> None:
    """The KPI 考核表 as an XLSX that scores entered 实际值 itself (`rag.xlsx`)."""
    path.write_bytes(workbook_bytes(sheet))


def write_drafts(jd: JobDescription, folder: Path) -> DraftFiles:
    """The DOCX, KPI XLSX and Markdown of a draft, written into `folder` under names made safe from the role."""
    stem = safe_stem(jd.role)
    files = DraftFiles(*(folder / f"{stem}-{kind}" for kind in ("岗位说明书.docx", "KPI考核表.xlsx", "岗位说明书.md")))
    to_docx(jd, files.docx)
    to_xlsx(jd.kpi, files.xlsx)
    files.md.write_text(to_markdown(jd), encoding="utf-8")
    return files


def safe_stem(name: str) -> str:
    """A file-name stem from document text: letters (Chinese included), digits, `-` and `_` only, at most 40."""
    return _UNSAFE_NAME.sub("_", name).strip("_.")[:40] or "岗位"


def md_escape(text: str) -> str:
    """Text as literal Markdown: no links, images, HTML or emphasis made of it."""
    return text.translate(_MD_LITERAL)


def _jd_markdown(jd: JobDescription) -> str:
    sources = _jd_sources(jd)
    by_key = numbers(sources)
    lines = [f"# 岗位说明书 · {md_escape(jd.role)}", "", md_escape(_preamble(jd)), ""]
    for section in jd.sections:
        lines += [f"## {section.title}", ""]
        items: Iterable[Bullet] = section.items
        if section.title == KPIS and jd.kpi.rows:
            lines += _table_markdown(jd.kpi, by_key) + ["", WEIGHT_NOTE, "", SCORING_NOTE, ""]
            items = jd.kpi.notes
        lines += [f"- {_bullet_line(b, by_key)}" for b in items]
        if section.title == USER_EXTRA:
            lines += [line for c in jd.concerns for line in ("", f"> ⚠️ {md_escape(c.message)}")]
        lines.append("")
    return "\n".join(lines + _sources_markdown(jd.source_title, sources))


def _kpi_markdown(sheet: KpiSheet) -> str:
    sources = numbered([r.citations for r in sheet.rows] + [b.citations for b in sheet.notes + sheet.basis])
    by_key = numbers(sources)
    lines = [f"# KPI 考核表 · {md_escape(sheet.role)}", "", md_escape(f"依据《{sheet.source_title}》整理。"), ""]
    lines += _table_markdown(sheet, by_key) + ["", WEIGHT_NOTE, "", SCORING_NOTE, ""]
    if sheet.notes:
        lines += ["说明：", ""] + [f"- {_bullet_line(b, by_key)}" for b in sheet.notes] + [""]
    if sheet.basis:
        lines += ["岗位职责（据以设定指标）：", ""] + [f"- {_bullet_line(b, by_key)}" for b in sheet.basis] + [""]
    return "\n".join(lines + _sources_markdown(sheet.source_title, sources))


def _table_markdown(sheet: KpiSheet, by_key: dict[Key, int]) -> list[str]:
    rows = [_row_cells(r, by_key, n) for n, r in enumerate(sheet.rows, 1)]
    rows = rows or [[str(n)] + [""] * (len(KPI_COLUMNS) - 1) for n in range(1, TEMPLATE_ROWS + 1)]
    lines = ["| " + " | ".join(KPI_COLUMNS) + " |", "|" + "---|" * len(KPI_COLUMNS)]
    return lines + ["| " + " | ".join(md_escape(c) for c in cells) + " |" for cells in rows]


def _row_cells(row: KpiRow, by_key: dict[Key, int], n: int = 0, blank: str = BLANK) -> list[str]:
    """序号 and the row's cells in `KPI_COLUMNS` order; the user's cells marked, empty ones shown as `blank`."""

    def cell(name: str, value: str) -> str:
        return f"{value}{USER_CELL}" if name in row.user_fields and value else value or blank

    return [
        str(n),
        cell("name", row.name),
        cell("definition", row.definition),
        cell("direction", row.direction),
        cell("target", row.target),
        cell("redline", row.redline),
        cell("period", row.period),
        cell("data_source", row.data_source),
        row.scoring,
        str(row.weight),
        marks(row.citations, by_key),
    ]


def _preamble(jd: JobDescription) -> str:
    text = (
        f"依据《{jd.source_title}》整理，企业类型：{jd.company_type}。每条末尾的 [n] 指向文末“出处”中的原文；"
        f"“原文未提及,请补充”处原文没有相应内容，请按企业实际填写。"
    )
    return text + ("标注“用户补充”的条目由使用者提供，不在原文中。" if _has_user_lines(jd) else "")


def _has_user_lines(jd: JobDescription) -> bool:
    return any(b.user_supplied for s in jd.sections for b in s.items)


def _bullet_line(bullet: Bullet, by_key: dict[Key, int]) -> str:
    if bullet.user_supplied:
        return f"{md_escape(bullet.text)}{USER_MARK}"
    return md_escape(bullet.text) + marks(bullet.citations, by_key, " ")


def _jd_sources(jd: JobDescription) -> list[Citation]:
    groups = [b.citations for s in jd.sections for b in s.items]
    return numbered(groups + [r.citations for r in jd.kpi.rows] + [b.citations for b in jd.kpi.notes])


def _sources_markdown(title: str, sources: list[Citation]) -> list[str]:
    lines = [f"[{n}] {md_escape(source_label(title, c))}:“{md_escape(c.quote)}”  " for n, c in enumerate(sources, 1)]
    return ["## 出处", ""] + lines + [""]


def _bullet_json(bullet: Bullet) -> dict:
    return {"text": bullet.text, "citations": _citations_json(bullet.citations)}


def _citations_json(citations: Sequence[Citation]) -> list[dict]:
    return [c.as_json() for c in citations]


def _page_and_properties(doc: DocxDocument, title: str, subject: str) -> None:
    """A4 with 2 cm margins, the CJK font, and the document's own title and author (not python-docx's)."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(20)
    for name in ("Normal", "Title", "Heading 1"):
        style = doc.styles[name]
        style.font.name = _CJK_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _CJK_FONT)  # Word's CJK font slot
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, AUTHOR, AUTHOR
    props.subject, props.language, props.comments = f"依据《{subject}》", "zh-CN", "由 RoleGuide 依据原文生成，条目均标注出处。"


def _docx_kpi_table(doc: DocxDocument, sheet: KpiSheet, by_key: dict[Key, int]) -> None:
    table = doc.add_table(rows=1, cols=len(KPI_COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, KPI_COLUMNS):
        cell.paragraphs[0].add_run(title).bold = True
    for n, row in enumerate(sheet.rows, 1):
        for cell, value in zip(table.add_row().cells, _row_cells(row, by_key, n)):
            cell.text = value
    for row in table.rows:
        for cell in row.cells:
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.font.size = Pt(8)
