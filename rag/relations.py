"""Who a role reports to, who reports to it and whom it works with, read from the clauses that say so.

- 直接上级: a clause that reports or takes direction upward (向…汇报, 上报, 承接…的, 按…的, 协助) and names a role
  of a higher level (`rag.careers.role_level`) of the same article. The clause is about the role it opens with
  ("采购经理需按采销总监…", quoted in 采销总监's own notes too), else about its section's role. Where nothing
  is stated, the ladder of the career map (专员 › 经理 › 总监 in a chapter group headed by a 总监) gives it,
  marked as inferred.
- 下属: the same statements and ladder read the other way, and the teams a role 统筹/管理/指导.
- 工作关系: the sentences in which the role 对接/配合/协同/协调/联合/协助/咨询/上报/提交 a party or works 与 one
  (…合作/沟通/协作/同步); 外部 when that party is outside the company (供应商, 商家, 用户, 监管, 律师…), else 内部.
A role whose section states a company type other than the one drafted for is left out of the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.chunk import Citation
from rag.careers import career_graph, role_level
from rag.catalog import Catalog, RoleEntry
from rag.jd_text import (
    Bullet,
    CompanyType,
    display,
    field_items,
    item_parts,
    part_bullet,
    silent,
    subject_role,
)

INFERRED = "(依本章岗位层级推定)"

_TEXT_FIELDS = ("职责职能", "岗位描述", "运作手法")
_ANCHOR = re.compile(r"对接(?![、,，选])|配合|协同|协调|联合|协助|咨询|同步上报|上报|承接|提交(?!的)|同步至|向|(?:需|须|先)经|按")
_WITH = re.compile(r"与([^,，。;；:：(（]{1,30})(?:合作|协作|沟通|协同|对接|同步|交流)")
_UPWARD = ("向", "上报", "同步上报", "承接", "按", "协助")
_STRONG = ("向", "上报", "同步上报", "承接")  # report or take over duties: upward whatever the titles say
_OBJECT_END = re.compile(r"[,，。;；:：(（]")
_OBJECT_CHARS = 14
_PIECES = re.compile(r"[、/和与及]")
_OUTSIDE = re.compile(r"外部|监管|政府|第三方")  # outside the company whatever follows (监管部门, 外部律师团队)
_EXTERNAL = re.compile(r"供应商|服务商|商家|博主|消费者|用户|客户|律师|合作伙伴|意见领袖|KOL|KOC|达人|对方|加盟商")
_INTERNAL = re.compile(r"部门|团队|上级|人员|(?<![内外全头局细])部(?![分位署件])|总监|经理|专员|主管|工程师|分析师")
_TEAM = re.compile(
    r"(?:统筹|管理|带领|领导|指导)([^,，。;；的是(（]{1,20}?(?:团队|人员))|负责([^,，。;；的是(（]{1,12}?团队)的?(?:日常)?(?:管理|运营)"
)


@dataclass(frozen=True)
class _Link:
    lower: str  # the role whose clause it is
    upper: str  # the role it reports to or takes direction from
    citation: Citation  # the clause


@dataclass(frozen=True)
class _Relation:
    """A sentence of a role's text that works with parties: its subject, the roles it names, the party kinds."""

    section: str  # the role whose section holds the sentence
    subject: str
    named: frozenset[str]
    kinds: frozenset[str]  # "内部" / "外部"
    bullet: Bullet


def reporting_lines(entry: RoleEntry, catalog: Catalog, company_type: CompanyType) -> tuple[Bullet, Bullet]:
    """The 直接上级: and 下属: lines: stated links first, then the ladder's (marked), then teams led."""
    links = _read(catalog, entry.article.source, company_type).links
    ladder = _ladder(catalog, entry)
    own_first = sorted(links, key=lambda link: link.citation.role_key != entry.key)  # stable: article order otherwise
    up, down = _first_citation(own_first, "up", entry.key), _first_citation(own_first, "down", entry.key)
    ups = [*up.items(), *((f"{u}{INFERRED}", c) for u, c in ladder["up"] if u not in up)]
    downs = [*down.items(), *((f"{d}{INFERRED}", c) for d, c in ladder["down"] if d not in down)]

    def fitting(names: list[tuple[str, Citation]]) -> list[tuple[str, Citation]]:
        return [(n, c) for n, c in names if _fits(catalog, n, company_type)]

    def named(names: list[tuple[str, Citation]]) -> list[tuple[str, Citation]]:  # keys shown as the roles' names
        return [(_shown(catalog, n), c) for n, c in names]

    return (
        _names_line("直接上级:", [named(fitting(ups))]),
        _names_line("下属:", [named(fitting(downs)), _teams(entry, company_type)]),
    )


def working_relations(entry: RoleEntry, catalog: Catalog, company_type: CompanyType) -> tuple[Bullet, ...]:
    """内部: / 外部: lines, each a whole sentence: the role's own, then other roles' sentences that name it."""
    found: dict[str, Bullet] = {}
    relations = _read(catalog, entry.article.source, company_type).relations
    for relation in sorted(relations, key=lambda r: r.section != entry.key):  # its own sentences first
        if (relation.section, relation.subject) == (entry.key, entry.key) or entry.key in relation.named:
            label = "、".join(k for k in ("内部", "外部") if k in relation.kinds)
            text = relation.bullet.text
            if relation.subject != entry.key and catalog.mentions(text, entry.article.source)[:1] != [relation.subject]:
                label += f"({_shown(catalog, relation.subject)})"  # another role's sentence that does not say whose it is
            found.setdefault(text, Bullet(f"{label}: {text}", relation.bullet.citations))
    return tuple(found.values()) or (silent(),)


def _first_citation(links: list[_Link], way: str, role: str) -> dict[str, Citation]:
    """The roles above (`way` "up") or below the role, each with the first clause that states the link."""
    found: dict[str, Citation] = {}
    for link in links:
        if (link.lower if way == "up" else link.upper) == role:
            found.setdefault(link.upper if way == "up" else link.lower, link.citation)
    return found


def _names_line(prefix: str, groups: list[list[tuple[str, Citation]]]) -> Bullet:
    """`prefix` and the names of each non-empty group (、 within a group, ; between groups), every one cited."""
    groups = [g for g in groups if g]
    if not groups:
        return silent(prefix + " ")
    text = ";".join("、".join(dict.fromkeys(n for n, _ in g)) for g in groups)
    return Bullet(f"{prefix} {text}", tuple(dict.fromkeys(c for g in groups for _, c in g)))


def _shown(catalog: Catalog, key: str) -> str:
    """A role's name as a line shows it (its document is the draft's own); other text as it is."""
    bare = key.removesuffix(INFERRED)
    return catalog.entries[bare].name + key[len(bare) :] if bare in catalog.entries else key


def _fits(catalog: Catalog, name: str, company_type: CompanyType) -> bool:
    """False for a role the article places in the other company type (a team phrase always fits)."""
    entry = catalog.entries.get(name.removesuffix(INFERRED))
    mode = entry.section.mode if entry else None
    return company_type == "通用" or mode in (None, "通用", company_type)


@dataclass(frozen=True)
class _Reading:
    relations: tuple[_Relation, ...]
    links: tuple[_Link, ...]


@cache
def _read(catalog: Catalog, source: str, company_type: CompanyType) -> _Reading:
    """Every sentence of the article's roles that works with a party, and every stated upward link."""
    relations, links = [], []
    for entry in (e for e in catalog.entries.values() if e.article.source == source):
        for field, item in field_items(entry, _TEXT_FIELDS):
            for part in item_parts(item, company_type):
                subject, named, kinds = entry.key, set(), set()
                for start, end in part.clauses:
                    clause = entry.article.text[start:end]
                    subject = subject_role(clause, catalog, source) or subject
                    for verb, party in _verb_objects(clause):
                        kinds |= _kinds(party)
                        named |= set(catalog.mentions(party, source))
                        uppers = _uppers(verb, party, subject, catalog, source)
                        links += [_Link(subject, upper, entry.cite(item.id, field, start, end)) for upper in uppers]
                if kinds and (bullet := part_bullet(entry, item.id, field, part)):
                    relations.append(_Relation(entry.key, subject, frozenset(named), frozenset(kinds), bullet))
    return _Reading(tuple(relations), tuple(links))


def _verb_objects(clause: str) -> list[tuple[str, str]]:
    """(verb, the phrase it takes as partner) for each relation verb (对接X, 配合X, 向X汇报…; 与 for 与X合作)."""
    found = [("与", m.group(1)) for m in _WITH.finditer(clause)]
    for m in _ANCHOR.finditer(clause):
        end = _OBJECT_END.search(clause, m.end())
        found.append((m.group(0), clause[m.end() : min(end.start() if end else len(clause), m.end() + _OBJECT_CHARS)]))
    return found


def _kinds(party: str) -> set[str]:
    """内部 for a department, team or role (商家运营部门 too); 外部 for a party outside the company."""
    kinds = set()
    for piece in _PIECES.split(party):
        if _OUTSIDE.search(piece) or (_EXTERNAL.search(piece) and not _INTERNAL.search(piece)):
            kinds.add("外部")
        elif _INTERNAL.search(piece):
            kinds.add("内部")
    return kinds


def _uppers(verb: str, party: str, subject: str, catalog: Catalog, source: str) -> list[str]:
    """The roles a reporting or directed verb's phrase names above the subject (向 only with 汇报)."""
    if verb not in _UPWARD or (verb == "向" and "汇报" not in party):
        return []
    return [r for r in catalog.mentions(party, source) if _higher(catalog, r, subject, strong=verb in _STRONG)]


def _higher(catalog: Catalog, upper: str, lower: str, *, strong: bool) -> bool:
    """`upper` ranks above `lower`; for a role without a rank title, only a reporting verb (`_STRONG`) says so."""
    up, low = role_level(catalog.entries[upper].name), role_level(catalog.entries[lower].name)
    return strong if up is None or low is None else up > low


def _ladder(catalog: Catalog, entry: RoleEntry) -> dict[str, list[tuple[str, Citation]]]:
    """The career map's ladder rungs above and below the role, each cited by its own role's heading."""
    graph = career_graph(catalog)
    same = {n for n, e in catalog.entries.items() if e.article.source == entry.article.source}
    rungs: dict[str, list[tuple[str, Citation]]] = {"up": [], "down": []}
    for lower, upper, kind in graph.edges(data="kind"):
        if kind != "ladder" or not {lower, upper} <= same or entry.key not in (lower, upper):
            continue
        other = upper if lower == entry.key else lower
        rungs["up" if other == upper else "down"].append((other, catalog.entries[other].heading_citation()))
    return rungs


def _teams(entry: RoleEntry, company_type: CompanyType) -> list[tuple[str, Citation]]:
    """The teams the role's duties lead (统筹市场推广、…等团队 / 负责客服团队的日常管理), each cited by its clause."""
    teams = []
    for field, item in field_items(entry, ("职责职能", "岗位描述")):
        for part in item_parts(item, company_type):
            for start, end in part.clauses:
                for m in _TEAM.finditer(entry.article.text, start, end):
                    teams.append((display(m.group(1) or m.group(2)), entry.cite(item.id, field, start, end)))
    return teams
