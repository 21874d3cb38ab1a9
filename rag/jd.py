"""Role → job description (岗位说明书) and KPI sheet (KPI 考核表), every line cited by its span in the article.

The 岗位说明书 has the standard sections, always all of them (`SECTION_TITLES`); where the article says
nothing, a section (or a line of 岗位基本信息) says so — 原文未提及,请补充 — instead of borrowing other text:
- 岗位基本信息: 岗位名称 (the heading), 所属部门 (the chapter, unless it is a catch-all such as 其他…),
  直接上级 and 下属 (`rag.relations`), and the company type where the headings state it;
- 岗位目的: the 核心目标 sentence of 目标动机; 岗位职责: the sentences of 职责职能 (or 岗位描述), except
  those about another role;
- 任职资格: the role's own `任职资格` field where the document has one; otherwise the clauses that ask for an
  ability (需具备…能力 / 要求具备… / 需熟悉… and what follows them in the sentence), never what the job lets one
  develop (可培养… / 能够… / 提升…) nor methods; 学历 and experience: the article gives none;
- 工作关系: 内部 / 外部 sentences (`rag.relations`); 考核指标: the KPI rows and notes (`rag.kpi`);
- 发展通道: the role's `发展通道` field, else the clauses on 职业发展 / 晋升.
The user's 补充要求 come last, marked as theirs, and are checked for discriminatory requirements (`rag.fairness`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain

from ingest.chunk import Citation
from ingest.parse import DESCRIPTION_FIELD, Item, sentence_spans
from rag.catalog import Catalog, RoleEntry
from rag.fairness import Concern, check_lines
from rag.jd_text import (
    COMPANY_TYPES,
    Bullet,
    CompanyType,
    display,
    field_items,
    item_parts,
    part_bullet,
    parts,
    silent,
    subject_role,
)
from rag.kpi import KpiSheet, edit_sheet, kpi_sheet
from rag.relations import reporting_lines, working_relations

BASIC_INFO, PURPOSE, DUTIES, QUALIFICATIONS = "岗位基本信息", "岗位目的", "岗位职责", "任职资格"
RELATIONS, KPIS, CAREER = "工作关系", "考核指标", "发展通道"
SECTION_TITLES = (BASIC_INFO, PURPOSE, DUTIES, QUALIFICATIONS, RELATIONS, KPIS, CAREER)
USER_EXTRA = "补充要求（用户填写）"
KPI_FIELD = "KPI 指标"

_DUTY_FIELDS = ("职责职能", DESCRIPTION_FIELD)
_ABILITY_FIELDS = ("影响分析", "职责职能", DESCRIPTION_FIELD, "目标动机")  # never 运作手法: methods
_DESCRIPTION_PREAMBLE = re.compile(r"[^。;；]*?[:：](?=负责)")  # 7.3.x: "如果以上…不够明确,补充:负责…"
_CHAPTER_SUFFIX = re.compile(r"(?:核心)?(?:岗位)?(?:序列)?(?:相关)?(?:角色|岗位)?(?:深度)?解析$")
_ASKS = re.compile(r"需要|需(?!求)|要求|必须")
_GROWS = re.compile(r"(?<![认许])可(?!靠|视)|能够|培养|提升|保持|积累|得到|奠定|打下|延伸|晋升")
_ABILITY_VERB = re.compile(r"具备|熟悉|精通|掌握")
_ABILITY_NOUN = re.compile(r"能力|知识|思维|技能|功底|素养|视野|眼光")
_CAREER = re.compile(r"职业发展|晋升")


@dataclass(frozen=True)
class JdSection:
    title: str
    items: tuple[Bullet, ...]


@dataclass(frozen=True)
class JobDescription:
    role: str
    company_type: CompanyType
    source_title: str
    sections: tuple[JdSection, ...]
    kpi: KpiSheet  # the 考核指标 as a sheet, for renderers that draw a table (and the user's edits)
    concerns: tuple[Concern, ...] = ()  # discriminatory 补充要求 lines, with the law each conflicts with


def draft_jd(
    role: str,
    catalog: Catalog,
    *,
    company_type: CompanyType = "通用",
    extra: Sequence[str] = (),
    source: str | None = None,
) -> JobDescription:
    """The 岗位说明书 for a role: its key, name, an alias or a close variant (else `UnknownRole` with suggestions;
    `AmbiguousRole` with the choices for a name several documents use, unless `source` names the document).

    `company_type` keeps the article's notes for that model (`ValueError` for another value); each `extra` line
    is the user's own 补充要求, shown as such and uncited.
    """
    if company_type not in COMPANY_TYPES:
        raise ValueError(f"company type must be one of {', '.join(COMPANY_TYPES)}, not {company_type!r}")
    entry = catalog.role(role, source)
    duties = _duties(entry, catalog, company_type)
    kpi = kpi_sheet(entry, entry.section.field(KPI_FIELD), duties)
    sections = [
        JdSection(BASIC_INFO, _basic_info(entry, catalog, company_type)),
        JdSection(PURPOSE, _purpose(entry)),
        JdSection(DUTIES, duties or (silent(),)),
        JdSection(QUALIFICATIONS, _qualifications(entry, company_type)),
        JdSection(RELATIONS, working_relations(entry, catalog, company_type)),
        JdSection(KPIS, _kpi_bullets(kpi)),
        JdSection(CAREER, _career(entry, company_type)),
    ]
    lines = [line.strip() for text in extra for line in text.splitlines() if line.strip()]
    if lines:
        sections.append(JdSection(USER_EXTRA, tuple(Bullet(line, (), user_supplied=True) for line in lines)))
    concerns = tuple(check_lines(lines))
    return JobDescription(entry.name, company_type, entry.article.title, tuple(sections), kpi, concerns)


def draft_kpi_sheet(role: str, catalog: Catalog, *, source: str | None = None) -> KpiSheet:
    """The KPI 考核表 for a role (found as `draft_jd` finds it): one row per KPI item; without KPI 指标, no rows, a
    note and the role's duties."""
    entry = catalog.role(role, source)
    return kpi_sheet(entry, entry.section.field(KPI_FIELD), _duties(entry, catalog, "通用"))


def with_edits(jd: JobDescription, table: Sequence[Sequence[object]]) -> JobDescription:
    """The draft with its KPI sheet as the user edited it in a table (`rag.kpi.edit_sheet`; `KpiTableError`)."""
    return replace(jd, kpi=edit_sheet(jd.kpi, table))


def _basic_info(entry: RoleEntry, catalog: Catalog, company_type: CompanyType) -> tuple[Bullet, ...]:
    section = entry.section
    name = f"{section.name}（{section.subtitle}）" if section.subtitle else section.name
    bullets = [Bullet(f"岗位名称: {name}", (entry.heading_citation(),)), _department(entry)]
    bullets += reporting_lines(entry, catalog, company_type)
    if section.mode:
        bullets.append(Bullet(f"适用模式: {section.mode}", (entry.heading_citation(),)))
    return tuple(bullets)


def _department(entry: RoleEntry) -> Bullet:
    """所属部门 from the chapter's name (二、供应链与采购相关岗位解析 → 供应链与采购); a catch-all chapter names none."""
    chapter = entry.section.chapter
    head = re.split(r"[(（:：]", chapter, maxsplit=1)[0].strip() if chapter else ""
    department = _CHAPTER_SUFFIX.sub("", head) or head
    if not department or department.startswith("其他"):
        return silent("所属部门: ")
    return Bullet(f"所属部门: {department}(原文章节:{chapter})", (_chapter_citation(entry) or entry.heading_citation(),))


def _chapter_citation(entry: RoleEntry) -> Citation | None:
    """The chapter's heading line, when the tree keeps it (chapters with intro text of their own)."""
    chapter = next(
        (s for s in entry.article.sections if s.kind == "article" and s.name == entry.section.chapter and not s.group),
        None,
    )
    if chapter is None:
        return None
    return replace(entry.cite(chapter.id, None, chapter.start, chapter.start + len(chapter.heading)), role=None)


def _purpose(entry: RoleEntry) -> tuple[Bullet, ...]:
    field = entry.section.field("目标动机")
    item = next((i for i in field.items if i.kind == "item"), None) if field else None
    if item is None:
        return (silent(),)
    spans = sentence_spans(item.text, item.start)
    start, end = next((s for s in spans if "核心目标" in entry.article.text[s[0] : s[1]]), spans[0])
    return (Bullet(display(entry.article.text[start:end]), (entry.cite(item.id, field.name, start, end),)),)


def _duties(entry: RoleEntry, catalog: Catalog, company_type: CompanyType) -> tuple[Bullet, ...]:
    """The duty sentences, without the article's remark about itself (备注) and those about another role."""
    bullets = []
    for name, item in field_items(entry, _DUTY_FIELDS):
        if item.label == "备注":
            continue
        offset = m.end() if name == DESCRIPTION_FIELD and (m := _DESCRIPTION_PREAMBLE.match(item.text)) else 0
        for part in parts(item.text[offset:], item.start + offset, company_type):
            about = subject_role(entry.article.text[part.start : part.end], catalog, entry.article.source)
            if about in (None, entry.key) and (bullet := part_bullet(entry, item.id, name, part)):
                bullets.append(bullet)
    return tuple(bullets)


def _stated(entry: RoleEntry, field: str) -> tuple[Bullet, ...]:
    """The items of a field the document has (任职资格, 发展通道), a cited line each; a silent line if it is empty."""
    items = field_items(entry, (field,))
    return tuple(Bullet(display(i.text), (entry.cite(i.id, f, i.start, i.end),)) for f, i in items) or (silent(),)


def _qualifications(entry: RoleEntry, company_type: CompanyType) -> tuple[Bullet, ...]:
    if entry.section.field(QUALIFICATIONS):
        return _stated(entry, QUALIFICATIONS)
    abilities = tuple(_ability_clauses(entry, field_items(entry, _ABILITY_FIELDS), company_type))
    return abilities + (silent("学历、专业与工作经验: "),) if abilities else (silent(),)


def _ability_clauses(
    entry: RoleEntry, items: Iterable[tuple[str, Item]], company_type: CompanyType
) -> Iterator[Bullet]:
    """Clauses that ask for an ability: 具备/熟悉/精通/掌握…, or 需要…能力/知识 in one clause; a clause with no
    asking or developing word of its own (",熟悉…") is read as the sentence's clause before it was."""
    seen: set[str] = set()
    for field, item in items:
        for part in item_parts(item, company_type):
            asking = False
            for start, end in part.clauses:
                quote = entry.article.text[start:end]
                asks = bool(_ASKS.search(quote))
                asking = False if _GROWS.search(quote) else asks or asking
                ability = _ABILITY_VERB.search(quote) or (asks and _ABILITY_NOUN.search(quote))
                text = display(quote)
                if asking and ability and text not in seen:
                    seen.add(text)
                    yield Bullet(text, (entry.cite(item.id, field, start, end),))


def _career(entry: RoleEntry, company_type: CompanyType) -> tuple[Bullet, ...]:
    if entry.section.field(CAREER):
        return _stated(entry, CAREER)
    items = chain(field_items(entry, ("影响分析",), "对自身"), field_items(entry, ("目标动机",)))
    found: dict[str, Citation] = {}
    for field, item in items:
        for part in item_parts(item, company_type):
            for start, end in part.clauses:
                if _CAREER.search(quote := entry.article.text[start:end]):
                    found.setdefault(display(quote), entry.cite(item.id, field, start, end))
    return tuple(Bullet(text, (c,)) for text, c in found.items()) or (silent(),)


def _kpi_bullets(sheet: KpiSheet) -> tuple[Bullet, ...]:
    if not sheet.rows:
        return (silent(),)
    rows = tuple(
        Bullet(f"{r.name}: {r.definition}" + (f"(红线: {r.redline})" if r.redline else ""), r.citations)
        for r in sheet.rows
    )
    return rows + sheet.notes
