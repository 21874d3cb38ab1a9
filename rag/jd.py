"""Role → job description (岗位说明书) and KPI sheet (KPI 考核表), every line cited by its span in the article.

Everything comes from the parsed tree. Duties are the sentences of 职责职能 (or 岗位描述 for the 7.3.x roles);
reporting lines, abilities and career paths are the clauses that name them (承接/配合/对接/汇报…, 具备/熟悉…,
职业发展/晋升); KPI rows are the items of KPI 指标. A section the article has no material for is left out.
A bullet's text is its quote with connective openings (此外, 他们需要…) and trailing separators trimmed; its
citations are the exact spans.

Company type: a clause that opens with 直营电商… or 平台型电商… (after an optional `注意:`-style label) is
addressed to that model, and so are the clauses after it in the same sentence; 直营 / 平台型 drop what is
addressed to the other model, 通用 keeps everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Literal

from ingest.parse import DESCRIPTION_FIELD, Field, Item, sentence_spans
from ingest.chunk import Citation
from rag.catalog import Catalog, RoleEntry

CompanyType = Literal["直营", "平台型", "通用"]
COMPANY_TYPES: tuple[CompanyType, ...] = ("直营", "平台型", "通用")

BASIC_INFO, PURPOSE, DUTIES, REQUIREMENTS = "岗位基本信息", "岗位目的", "岗位职责", "任职要求"
KPIS, CAREER, USER_EXTRA = "考核指标", "发展通道", "补充要求（用户填写）"

KPI_FIELD = "KPI 指标"
_DUTY_FIELDS = ("职责职能", DESCRIPTION_FIELD)
_RELATION_FIELDS = ("职责职能", DESCRIPTION_FIELD, "运作手法")
_RELATION = re.compile(r"承接|配合|需按|对接(?![、,，选])|汇报|上报|法务部")  # not 订单对接、… nor 对接选项
_SUBJECT = re.compile(r"^([^,，:：需]{2,10})需")  # "运营经理需配合…": a clause about another role
_ABILITY = re.compile(r"具备|熟悉|精通|掌握|培养[^,，。;；]*(?:能力|意识|思维)")
_CAREER = re.compile(r"职业发展|晋升")
_MODE_WORDS = {"直营电商": "直营", "平台型电商": "平台型", "平台电商": "平台型"}
_MODE_LEAD = re.compile(r"(?:[^,，:：]{1,24}[:：])?\s*(直营电商|平台型电商|平台电商)")
_CLAUSE_END = ",，;；。!！?？"
_OPENERS, _CLOSERS = "(（“‘《", ")）”’》"
# Openings a bullet does without: 此外, / 他们还需要 / 电商物流管理岗位能够 / 电商运营经理的另一项重要职责是
_OPENING = re.compile(
    r"^(?:[^,，。]{0,24}?的另一项重要职责是"
    r"|(?:(?:此外|同时|另外|因此)[,，]?)?(?:(?:他们|她们|这一角色|[^,，。]{0,10}?岗位)(?=还|可|能够|需|要求))?"
    r"还?(?:可|能够)?(?:需要|需(?!求)|要求从业者|要求(?=具备))?)"
)
_LABEL_END = re.compile(r"[^:：]*[:：]\s*")
_TRAILING = " \t,，;；:：、。"
_DESCRIPTION_PREAMBLE = re.compile(r"[^。;；]*?[:：](?=负责)")  # 7.3.x: "如果以上…不够明确,补充:负责…"
_CHAPTER_SUFFIX = re.compile(r"(?:序列)?(?:相关)?(?:角色|岗位)?(?:深度)?解析$")
# A target is a number with a comparator, a percent sign or 以上/以下/以内; 满分100分 and 满1年 are not targets.
_TARGET = re.compile(
    r"(?<![满\d.])(?<!满分)(?P<cmp>[≤≥<>＜＞])?\d+(?:\.\d+)?(?P<pct>[%％])?"
    r"(?:个工作日|小时|天|次|倍|分)?(?P<bound>以上|以下|以内)?"
)
_PERIOD = re.compile(r"月度|每月|季度|年度|每年|(?<![\d半])年|月")
_PERIOD_NAMES = {"月度": "月度", "每月": "月度", "月": "月度", "季度": "季度", "年度": "年度", "每年": "年度", "年": "年度"}


class NoKpi(LookupError):
    """The article gives the role no KPI 指标 (the three 7.3.x roles have only a 岗位描述)."""

    def __init__(self, role: str) -> None:
        super().__init__(f"the article gives no KPI 指标 for {role}; draft its job description instead (jd {role})")
        self.role = role


@dataclass(frozen=True)
class Bullet:
    text: str
    citations: tuple[Citation, ...]
    user_supplied: bool = False  # the user's own 补充要求: no citation, rendered as the user's line


@dataclass(frozen=True)
class JdSection:
    title: str
    items: tuple[Bullet, ...]


@dataclass(frozen=True)
class KpiRow:
    name: str
    definition: str  # the item's own text after the name
    target: str  # the numbers the article gives in the item (≤30天、35%), "" if none
    redline: str  # the 红线 the article attaches to this metric, "" if none
    period: str  # 月度 | 季度 | 年度 where the name or text states it, else ""
    weight: int  # percent; the article gives no weights, so an equal split labelled 建议 (editable)
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class KpiSheet:
    role: str
    source_title: str
    rows: tuple[KpiRow, ...]
    notes: tuple[Bullet, ...]  # the KPI field's notes (红线指标 / 核心红线 / 备注) not attached to a row


@dataclass(frozen=True)
class JobDescription:
    role: str
    company_type: CompanyType
    source_title: str
    sections: tuple[JdSection, ...]
    kpi: KpiSheet | None  # the same KPI rows as the 考核指标 section, for renderers that draw a table


@dataclass(frozen=True)
class _Part:
    """One sentence of an item, reduced to the clauses that apply to the company type."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...]
    whole: bool  # every clause applies: the part is the whole sentence


def draft_jd(
    role: str, catalog: Catalog, *, company_type: CompanyType = "通用", extra: Sequence[str] = ()
) -> JobDescription:
    """The 岗位说明书 for a role: its name, an alias or a close variant (else `UnknownRole` with suggestions).

    `company_type` keeps the article's notes for that model (`ValueError` for another value); each `extra` line
    is the user's own 补充要求, shown as such and uncited.
    """
    if company_type not in COMPANY_TYPES:
        raise ValueError(f"company type must be one of {', '.join(COMPANY_TYPES)}, not {company_type!r}")
    entry = catalog.role(role)
    kpi_field = entry.section.field(KPI_FIELD)
    kpi = _kpi_sheet(entry, kpi_field) if kpi_field else None
    sections = (
        JdSection(BASIC_INFO, _basic_info(entry, catalog, company_type)),
        JdSection(PURPOSE, _purpose(entry)),
        JdSection(DUTIES, _duties(entry, company_type)),
        JdSection(REQUIREMENTS, _requirements(entry, company_type)),
        JdSection(KPIS, _kpi_bullets(kpi) if kpi else ()),
        JdSection(CAREER, _career(entry, company_type)),
        JdSection(USER_EXTRA, tuple(_user_lines(extra))),
    )
    return JobDescription(entry.name, company_type, entry.article.title, tuple(s for s in sections if s.items), kpi)


def draft_kpi_sheet(role: str, catalog: Catalog) -> KpiSheet:
    """The KPI 考核表 for a role: one row per KPI item; `NoKpi` if the article gives the role none."""
    entry = catalog.role(role)
    field = entry.section.field(KPI_FIELD)
    if field is None:
        raise NoKpi(entry.name)
    return _kpi_sheet(entry, field)


def _cite(entry: RoleEntry, node_id: str, field: str | None, start: int, end: int) -> Citation:
    text = entry.article.text
    return Citation(entry.article.source, node_id, entry.name, field, start, end, text[start:end])


def _field_items(entry: RoleEntry, names: Iterable[str], label: str | None = None) -> Iterator[tuple[str, Item]]:
    """(field name, item) for the items of these fields, intro lines left out; only those labelled `label` if given."""
    for name in names:
        field = entry.section.field(name)
        for item in field.items if field else ():
            if item.kind != "lead" and (label is None or item.label == label):
                yield name, item


def _basic_info(entry: RoleEntry, catalog: Catalog, company_type: CompanyType) -> tuple[Bullet, ...]:
    section = entry.section
    heading = _cite(entry, section.id, None, section.start, section.start + len(section.heading))
    name = f"{section.name}（{section.subtitle}）" if section.subtitle else section.name
    bullets = [Bullet(f"岗位名称：{name}", (heading,))]
    if section.chapter:
        bullets.append(Bullet(f"所属序列：{_short_chapter(section.chapter)}", (_chapter_citation(entry) or heading,)))
    if mode := section.mode:
        bullets.append(Bullet(f"适用模式：{mode}", (heading,)))
    relations = _matching_clauses(entry, _field_items(entry, _RELATION_FIELDS), _RELATION, company_type)
    bullets += [
        Bullet(f"汇报/协作关系：{b.text}", b.citations)
        for b in relations
        if _subject_role(b.citations[0].quote, catalog) in (None, entry.name)
    ]
    return tuple(bullets)


def _subject_role(clause: str, catalog: Catalog) -> str | None:
    """The role a clause is about when it opens with one ("运营经理需配合…" in a note shared by two roles)."""
    m = _SUBJECT.match(clause)
    return catalog.find(m.group(1)) if m else None


def _short_chapter(chapter: str) -> str:
    """二、供应链与采购相关岗位解析 → 供应链与采购; 电商物流管理(岗位解析):高效配送的组织者 → 电商物流管理."""
    head = re.split(r"[(（:：]", chapter, maxsplit=1)[0].strip()
    return _CHAPTER_SUFFIX.sub("", head) or head


def _chapter_citation(entry: RoleEntry) -> Citation | None:
    """The chapter's heading line, when the tree keeps it (chapters with intro text of their own)."""
    chapter = next(
        (s for s in entry.article.sections if s.kind == "article" and s.name == entry.section.chapter and not s.group),
        None,
    )
    if chapter is None:
        return None
    return replace(_cite(entry, chapter.id, None, chapter.start, chapter.start + len(chapter.heading)), role=None)


def _purpose(entry: RoleEntry) -> tuple[Bullet, ...]:
    field = entry.section.field("目标动机")
    item = next((i for i in field.items if i.kind == "item"), None) if field else None
    if item is None:
        return ()
    spans = sentence_spans(item.text, item.start)
    start, end = next((s for s in spans if "核心目标" in entry.article.text[s[0] : s[1]]), spans[0])
    return (Bullet(_display(entry.article.text[start:end]), (_cite(entry, item.id, field.name, start, end),)),)


def _duties(entry: RoleEntry, company_type: CompanyType) -> tuple[Bullet, ...]:
    bullets = []
    for name, item in _field_items(entry, _DUTY_FIELDS):
        if item.label == "备注":  # the article's remark about itself, not a duty
            continue
        text, start = item.text, item.start
        if name == DESCRIPTION_FIELD and (m := _DESCRIPTION_PREAMBLE.match(text)):
            text, start = text[m.end() :], start + m.end()
        for part in _parts(text, start, company_type):
            if bullet := _part_bullet(entry, item.id, name, part):
                bullets.append(bullet)
    return tuple(bullets)


def _part_bullet(entry: RoleEntry, node_id: str, field: str, part: _Part) -> Bullet | None:
    """The whole sentence, or its applicable clauses: one citation per run of adjacent clauses."""
    runs: list[tuple[int, int]] = []
    if part.whole:
        runs.append((part.start, part.end))
    else:
        for start, end in part.clauses:
            if runs and len(entry.article.text[runs[-1][1] : start].strip()) <= 1:  # only a separator between
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
    if not runs:
        return None
    text = "，".join(_display(entry.article.text[s:e]) for s, e in runs)
    return Bullet(text, tuple(_cite(entry, node_id, field, s, e) for s, e in runs))


def _career(entry: RoleEntry, company_type: CompanyType) -> tuple[Bullet, ...]:
    items = chain(_field_items(entry, ("影响分析",), "对自身"), _field_items(entry, ("目标动机",)))
    return _matching_clauses(entry, items, _CAREER, company_type)


def _requirements(entry: RoleEntry, company_type: CompanyType) -> tuple[Bullet, ...]:
    abilities = _matching_clauses(entry, _field_items(entry, ("影响分析",), "对自身"), _ABILITY, company_type)
    field = entry.section.field("运作手法")
    methods = [
        Bullet(item.text.rstrip(_TRAILING), (_cite(entry, item.id, field.name, item.start, item.end),))
        for item in (field.items if field else ())
        if item.kind == "item"
    ]
    return tuple(abilities) + tuple(methods)


def _matching_clauses(
    entry: RoleEntry, items: Iterable[tuple[str, Item]], pattern: re.Pattern[str], company_type: CompanyType
) -> tuple[Bullet, ...]:
    """The clauses of these items (labels skipped) that match `pattern`, one bullet each, repeats dropped."""
    found: dict[str, Citation] = {}
    for field, item in items:
        offset = _label_end(item)
        for part in _parts(item.text[offset:], item.start + offset, company_type):
            for start, end in part.clauses:
                quote = entry.article.text[start:end]
                if pattern.search(quote):
                    found.setdefault(_display(quote), _cite(entry, item.id, field, start, end))
    return tuple(Bullet(text, (citation,)) for text, citation in found.items())


def _parts(text: str, start: int, company_type: CompanyType) -> list[_Part]:
    """The sentences of `text` (at offset `start`), each reduced to the clauses that apply to the company type."""
    parts = []
    for s, e in sentence_spans(text, start):
        clauses = _clauses(text[s - start : e - start], s)
        modes, mode = [], None
        for cs, ce in clauses:
            if m := _MODE_LEAD.match(text[cs - start : ce - start]):
                mode = _MODE_WORDS[m.group(1)]
            modes.append(mode)
        applies = [company_type == "通用" or m in (None, company_type) for m in modes]
        if any(modes) and not any(m and ok for m, ok in zip(modes, applies)):
            applies = [False] * len(clauses)  # only a lead-in such as "数据分析范畴方面," would be left
        parts.append(_Part(s, e, tuple(c for c, ok in zip(clauses, applies) if ok), all(applies)))
    return parts


def _clauses(text: str, start: int) -> list[tuple[int, int]]:
    """Spans of the comma-separated clauses of `text` (at `start`), never split inside brackets or quotes."""
    bounds, begin, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif ch in _CLAUSE_END and depth == 0:
            bounds.append((begin, i))
            begin = i + 1
    bounds.append((begin, len(text)))
    spans = []
    for b, e in bounds:
        piece = text[b:e]
        if piece.strip():
            spans.append((start + b + len(piece) - len(piece.lstrip()), start + e - (len(piece) - len(piece.rstrip()))))
    return spans


def _display(quote: str) -> str:
    text = quote.strip().rstrip(_TRAILING)
    return text[_OPENING.match(text).end() :] or text


def _kpi_sheet(entry: RoleEntry, field: Field) -> KpiSheet:
    items = [i for i in field.items if i.kind == "item"]
    notes = [i for i in field.items if i.kind == "note"]
    attached: dict[str, Item] = {}
    for note in notes:
        concerned = [i for i in items if i.label and i.label in note.text[_label_end(note) :]]
        if "红线" in (note.label or "") and concerned:
            attached[max(concerned, key=lambda i: len(i.label or "")).id] = note
    weights = _equal_weights(len(items))
    rows = tuple(_kpi_row(entry, field.name, item, attached.get(item.id), w) for item, w in zip(items, weights))
    loose = tuple(
        Bullet(n.text, (_cite(entry, n.id, field.name, n.start, n.end),)) for n in notes if n not in attached.values()
    )
    return KpiSheet(entry.name, entry.article.title, rows, loose)


def _kpi_row(entry: RoleEntry, field: str, item: Item, redline: Item | None, weight: int) -> KpiRow:
    definition = item.text[_label_end(item) :] if item.label else ""
    targets = (m for m in _TARGET.finditer(definition) if m.group("cmp") or m.group("pct") or m.group("bound"))
    period = _PERIOD.search(item.label or "") or _PERIOD.search(definition)
    citations = [_cite(entry, item.id, field, item.start, item.end)]
    if redline:
        citations.append(_cite(entry, redline.id, field, redline.start, redline.end))
    return KpiRow(
        name=item.label or item.text,
        definition=definition,
        target="、".join(dict.fromkeys(m.group(0) for m in targets)),
        redline=redline.text[_label_end(redline) :].rstrip(_TRAILING) if redline else "",
        period=_PERIOD_NAMES[period.group(0)] if period else "",
        weight=weight,
        citations=tuple(citations),
    )


def _label_end(item: Item) -> int:
    """Where the item's text starts after its label ("客单价:" / "注意监管:"), or 0 for an unlabelled item."""
    label = _LABEL_END.match(item.text) if item.label else None
    return label.end() if label else 0


def _equal_weights(n: int) -> list[int]:
    """Whole percents summing to exactly 100: the remainder goes to the first rows (9 rows: 12, 11, …, 11)."""
    if not n:
        return []
    base, rest = divmod(100, n)
    return [base + 1 if i < rest else base for i in range(n)]


def _kpi_bullets(sheet: KpiSheet) -> tuple[Bullet, ...]:
    rows = tuple(
        Bullet(f"{r.name}：{r.definition}" + (f"（红线：{r.redline}）" if r.redline else ""), r.citations)
        for r in sheet.rows
    )
    return rows + sheet.notes


def _user_lines(extra: Sequence[str]) -> Iterator[Bullet]:
    for text in extra:
        for line in text.splitlines():
            if line.strip():
                yield Bullet(line.strip(), (), user_supplied=True)
