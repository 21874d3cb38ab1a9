"""What matching needs from one index build and catalog, computed once per build: the roles' passages cut into
parts with their vectors, the roles' ranks, 基础岗, company models, the navigation's hints, the asked
abilities and the career ladder.

A part is a clause of a duty, method or description item — cut at its sentence, semicolon, comma and colon
marks, never inside brackets — embedded on its own in every space, so that a profile clause, which says one
thing, meets passages that each say one thing (an item's vector blurs its three clauses, and a role described in
three long items would meet a profile through three blurs, a role of twelve short items through twelve clear
ones); parts several roles share word for word are the article's boilerplate and left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ingest.chunk import Chunk, Citation
from ingest.index import Index
from ingest.tables import tokenize
from ingest.parse import Article
from rag.abilities import AbilityTable, ability_table, self_item, unit_rows
from rag.careers import career_graph, role_level
from rag.catalog import Catalog

PASSAGE_FIELDS = ("职责职能", "运作手法", "岗位描述", "影响分析")
PART_CHARS = 6
BOILERPLATE_ROLES = 3  # a part this many roles share word for word is boilerplate

_PART = re.compile(r"(?:[^;；。,，:：(（]|[(（][^)）]*[)）])+[;；。,，:：]?")  # a clause, its bracketed asides whole
_SENTENCE = re.compile(r"[^;；。]+[;；。]?")
_NAV = re.compile(r"^\d+\.\s*(?P<name>[^(（]+)[(（](?P<audience>[^)）]+)[)）]$")
_ENTRY = re.compile(r"基础(?:入门)?岗")
_GENERIC = frozenset(["电商", "岗", "岗位", "角色", "解析", "深度", "核心", "相关", "能力", "具备"])
_AUDIENCE_GENERIC = _GENERIC | frozenset(["适合", "从业", "业者", "从业者", "人员", "企业", "管理", "管理者", "企业管理者"])


@dataclass(frozen=True)
class RoleTable:
    """What matching needs from one index build and catalog, computed once."""

    names: list[str]
    passages: list[Citation]  # the parts of the roles' passages (a clause of an item)
    contexts: list[Citation]  # each part's sentence or ；-clause: what a profile's evidence quotes
    owner: np.ndarray  # role number of each part
    vectors: dict[str, np.ndarray]  # space → unit part vectors
    bm25_rows: np.ndarray  # each part's chunk's row in index.bm25
    ranks: np.ndarray  # role_level, NaN for a role without a rank title
    entry: np.ndarray  # 基础岗 / 基础入门岗
    modes: np.ndarray  # 直营 / 平台型 / 通用 / ""
    hints: list[tuple[frozenset[str], np.ndarray]]  # navigation audience words → roles of that chapter
    ladder: list[tuple[int, int]]  # (role, the role it is promoted to), lower ranks first
    abilities: AbilityTable
    graph: nx.DiGraph


_BUILT: dict[tuple[str, Catalog], RoleTable] = {}


def role_table(index: Index, catalog: Catalog) -> RoleTable:
    """The role table for this index build and catalog, made on first use (a new build replaces the old one)."""
    key = (index.build_id, catalog)
    if key not in _BUILT:
        _BUILT.clear()
        _BUILT[key] = _build_roles(index, catalog)
    return _BUILT[key]


def _build_roles(index: Index, catalog: Catalog) -> RoleTable:
    names = catalog.names
    number = {name: i for i, name in enumerate(names)}
    chunks = [c for c in index.chunks.values() if c.role_key in number and _is_passage(c)]
    parts = _distinctive([(chunk, chunk.cite(*span)) for chunk in chunks for span in _part_spans(chunk)])
    row = {cid: i for i, cid in enumerate(index.chunks)}
    return RoleTable(
        names=names,
        passages=[part for _, part in parts],
        contexts=[_context(chunk, part) for chunk, part in parts],
        owner=np.array([number[chunk.role_key] for chunk, _ in parts]),
        vectors={space: _part_vectors(index, space, parts) for space in index.stores},
        bm25_rows=np.array([row[chunk.id] for chunk, _ in parts]),
        ranks=np.array([np.nan if (lv := role_level(catalog.entries[key].name)) is None else lv for key in names], dtype=float),
        entry=np.array([_is_entry_role(catalog, name) for name in names], dtype=bool),
        modes=np.array([catalog.entries[name].section.mode or "" for name in names]),
        hints=_navigation_hints(catalog),
        ladder=_ladder(career_graph(catalog), number),
        abilities=ability_table(catalog, index, names, [part for _, part in parts]),
        graph=career_graph(catalog),
    )


def _part_spans(chunk: Chunk) -> list[tuple[int, int]]:
    """A chunk's clauses of at least PART_CHARS characters (the chunk itself when it has one)."""
    spans = [(chunk.start + m.start(), chunk.start + m.end()) for m in _PART.finditer(chunk.text)]
    spans = [(a, b) for a, b in spans if b - a >= PART_CHARS]
    return spans if len(spans) > 1 else [(chunk.start, chunk.end)]


def _context(chunk: Chunk, part: Citation) -> Citation:
    """The sentences or ；-clauses of the chunk that hold the part (a clause such as 需从公司业务目标出发 reads as
    nothing on its own; a part that is the whole chunk keeps it whole)."""
    start, end = part.start - chunk.start, part.end - chunk.start
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(chunk.text) if m.start() < end and start < m.end()]
    return chunk.cite(chunk.start + spans[0][0], chunk.start + spans[-1][1])


def _distinctive(parts: list[tuple[Chunk, Citation]]) -> list[tuple[Chunk, Citation]]:
    """The parts without the article's boilerplate: a part several roles share word for word (通过不断实践和学习,
    个人的综合能力将得到显著提升) says nothing about any of them."""
    roles_of: dict[str, set[str]] = {}
    for chunk, part in parts:
        roles_of.setdefault(_bare(part.quote), set()).add(chunk.role_key)
    return [(chunk, part) for chunk, part in parts if len(roles_of[_bare(part.quote)]) < BOILERPLATE_ROLES]


def _bare(text: str) -> str:
    return re.sub(r"\W", "", text)


def _part_vectors(index: Index, space: str, parts: list[tuple[Chunk, Citation]]) -> np.ndarray:
    """Each part's own words embedded (about six seconds for the article on 2 cores, once: the cache keeps them)."""
    return unit_rows(index.embed_documents(space, [p.quote for _, p in parts]))


def _is_passage(chunk: Chunk) -> bool:
    """A passage a profile is matched against: duties, methods, a short role's description, its 对自身 item."""
    own = chunk.field != "影响分析" or chunk.label == "对自身"
    return chunk.kind == "item" and chunk.field in PASSAGE_FIELDS and own


def _ladder(graph: nx.DiGraph, number: dict[str, int]) -> list[tuple[int, int]]:
    """The promotion and ladder edges between described roles, climbing from the lowest rank."""
    edges = [(u, v) for u, v, kind in graph.edges(data="kind") if kind in ("promotion", "ladder") and u in number and v in number]
    return sorted(((number[u], number[v]) for u, v in edges), key=lambda e: (graph.nodes[list(number)[e[1]]]["level"] or 0, e))


def _is_entry_role(catalog: Catalog, name: str) -> bool:
    item = self_item(catalog, name)
    return bool(item and _ENTRY.search(item.text))


def _navigation_hints(catalog: Catalog) -> list[tuple[frozenset[str], np.ndarray]]:
    """文章导航 lines such as '4. 供应链&采购岗(适合供应链/采购从业者)': audience words → roles of that chapter."""
    names = catalog.names
    chapters = {name: catalog.entries[name].section.chapter or "" for name in names}
    chapter_words = {ch: frozenset(tokenize(ch)) - _GENERIC for ch in sorted(set(chapters.values()))}
    hints = []
    for line in _article_lines(catalog.articles):
        if not (m := _NAV.match(line)):
            continue
        topic = frozenset(tokenize(m.group("name"))) - _GENERIC
        overlap = {ch: len(topic & words) for ch, words in chapter_words.items()}
        most = max(overlap.values(), default=0)
        audience = frozenset(t for t in tokenize(m.group("audience")) if len(t) >= 2) - _AUDIENCE_GENERIC
        if most and audience:
            hints.append((audience, np.array([float(overlap[chapters[n]] == most) for n in names])))
    return hints


def _article_lines(articles: Sequence[Article]) -> list[str]:
    """The lines of the article-level sections (preface, chapter intros), where the navigation is."""
    sections = (s for a in articles for s in a.sections if s.kind == "article")
    return [item.text for s in sections for f in s.fields for item in f.items]
