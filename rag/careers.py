"""Career-path map: a directed graph of roles built from what the article states, each edge with its citation.

Edges, strongest first (a pair the article links twice keeps the stronger statement):
- `promotion`: 为晋升库存经理、仓储主管打下基础 / 为后续职业晋升(如采购经理)做准备;
- `path`: 职业发展可向平台生态运营、招商负责人延伸 (targets the article does not describe are external nodes);
- `ladder`: inside a chapter group headed by a 总监, each role leads to the next level up (专员 → 经理 → 总监),
  cited by the heading of the role above;
- `collaboration`: a sentence of a role's text with 对接/协同/配合/审核/汇报/上报/承接 that names another role.
All edges point the way a career or a report goes: from the role whose text states it to the role named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import networkx as nx

from ingest.chunk import Citation
from ingest.parse import sentence_spans
from rag.catalog import Catalog, RoleEntry

EDGE_KINDS = ("promotion", "path", "ladder", "collaboration")  # strongest first
LEVEL_NAMES: dict[int | None, str] = {3: "总监级", 2: "经理 · 主管级", 1: "专员级", None: "专业岗(不分级)"}
KIND_NAMES = {"promotion": "晋升", "path": "发展方向", "ladder": "上一级", "collaboration": "协作"}

_PROMOTION = re.compile(r"晋升\s*(?:[(（]\s*如)?(?P<targets>[^()（）,，。;；]+?)[)）]?\s*(?:打下|奠定|做准备)")
_PATH = re.compile(r"职业发展可向(?P<targets>[^,，。;；]+?)延伸")
_TARGET_SPLIT = re.compile(r"[、/]|与|和|及")
_COLLABORATION = re.compile(r"对接|协同|配合|审核|汇报|上报|承接")
_CLAUSE_END = re.compile(r"[,，;；:：。]")


@dataclass(frozen=True)
class CareerEdge:
    source: str
    target: str
    kind: str  # one of EDGE_KINDS
    citation: Citation  # the sentence (or, for a ladder, the heading) that states the edge
    external: bool = False  # the target is not a role the article describes


def role_level(name: str) -> int | None:
    """The rank in a role's title: 3 for 总监, 2 for 经理/主管, 1 for 专员/员; None for a name without a rank
    title (电商技术开发, 电商数据分析师, 电商财务管理): the article gives those no level, so they fit any."""
    if "总监" in name:
        return 3
    if "经理" in name or "主管" in name:
        return 2
    return 1 if name.endswith("员") else None


@cache
def career_graph(catalog: Catalog) -> nx.DiGraph:
    """Roles (and external targets) as nodes, stated career and collaboration links as edges (attribute `edge`).

    Shared per catalog: read it, or copy it (`neighbourhood` does) before changing it."""
    graph = nx.DiGraph()
    for key, entry in catalog.entries.items():
        section = entry.section
        graph.add_node(key, external=False, level=role_level(entry.name), chapter=section.chapter or "", group=section.group or "")
    for edge in _stated_edges(catalog):
        if edge.external and edge.target not in graph:
            graph.add_node(edge.target, external=True, level=0, chapter="", group="")
        known = graph.edges[edge.source, edge.target]["edge"] if graph.has_edge(edge.source, edge.target) else None
        if known is None or EDGE_KINDS.index(edge.kind) < EDGE_KINDS.index(known.kind):
            graph.add_edge(edge.source, edge.target, edge=edge, kind=edge.kind)
    return graph


def career_edges(graph: nx.DiGraph) -> list[CareerEdge]:
    return [data["edge"] for _, _, data in graph.edges(data=True)]


def next_steps(graph: nx.DiGraph, role: str) -> list[CareerEdge]:
    """Where a role can lead: its promotion, path and ladder edges, strongest first."""
    if role not in graph:
        return []
    steps = [data["edge"] for _, _, data in graph.out_edges(role, data=True) if data["kind"] != "collaboration"]
    return sorted(steps, key=lambda e: (EDGE_KINDS.index(e.kind), e.target))


def role_edges(graph: nx.DiGraph, role: str) -> list[CareerEdge]:
    """Every edge from or to a role: where it leads first, then who leads to it, then its collaborations."""
    edges = [data["edge"] for _, _, data in graph.out_edges(role, data=True)]
    edges += [data["edge"] for _, _, data in graph.in_edges(role, data=True)]
    return sorted(edges, key=lambda e: (e.kind == "collaboration", e.source != role, EDGE_KINDS.index(e.kind), e.source, e.target))


def neighbourhood(graph: nx.DiGraph, role: str) -> nx.DiGraph:
    """The role with every node one edge away from it, either way, and the edges among them (in the map's order)."""
    near = {role} | set(graph.successors(role)) | set(graph.predecessors(role))
    sub = nx.DiGraph()
    sub.add_nodes_from((node, data) for node, data in graph.nodes(data=True) if node in near)
    sub.add_edges_from((u, v, data) for u, v, data in graph.edges(data=True) if u in near and v in near)
    return sub


def career_json(graph: nx.DiGraph) -> dict:
    """The map as data: nodes and edges, each edge with its kind and citation."""
    return {
        "nodes": [
            {"id": node, "external": data["external"], "level": data["level"], "chapter": data["chapter"]}
            for node, data in graph.nodes(data=True)
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "external": e.external,
                "citation": e.citation.as_json(),
            }
            for e in career_edges(graph)
        ],
    }


def _stated_edges(catalog: Catalog) -> list[CareerEdge]:
    edges: list[CareerEdge] = []
    for entry in catalog.entries.values():
        for fld in entry.section.fields:
            for item in fld.items:
                for start, end in sentence_spans(item.text, item.start):
                    cite = entry.cite(item.id, fld.name, start, end)
                    edges += _career_statements(cite, catalog) + _collaborations(cite, catalog)
    return edges + _ladders(catalog)


def _career_statements(cite: Citation, catalog: Catalog) -> list[CareerEdge]:
    edges = []
    for kind, pattern in (("promotion", _PROMOTION), ("path", _PATH)):
        for m in pattern.finditer(cite.quote):
            for raw in _TARGET_SPLIT.split(m.group("targets")):
                name = re.sub(r"(岗位|岗)$", "", raw.strip())
                role = catalog.find(name, cite.source)
                if name and role != cite.role_key:
                    edges.append(CareerEdge(cite.role_key, role or name, kind, cite, external=role is None))
    return edges


def _collaborations(cite: Citation, catalog: Catalog) -> list[CareerEdge]:
    """Roles named in the clause of a 对接/配合/汇报… verb; the subject is a role named before the verb, else the
    section's own ('运营经理需配合采销总监…' quoted under 采购经理 is 电商运营经理 → 采销总监)."""
    edges = []
    for verb in _COLLABORATION.finditer(cite.quote):
        start = max((m.end() for m in _CLAUSE_END.finditer(cite.quote, 0, verb.start())), default=0)
        end = next((m.start() for m in _CLAUSE_END.finditer(cite.quote, verb.end())), len(cite.quote))
        named_before = catalog.mentions(cite.quote[start : verb.start()], cite.source)
        subject = named_before[0] if named_before else cite.role_key
        others = catalog.mentions(cite.quote[start:end], cite.source)
        edges += [CareerEdge(subject, other, "collaboration", cite) for other in others if other != subject]
    return edges


def _ladders(catalog: Catalog) -> list[CareerEdge]:
    groups: dict[tuple[str, str | None, str | None], list[RoleEntry]] = {}
    for entry in catalog.entries.values():
        groups.setdefault((entry.article.source, entry.section.chapter, entry.section.group), []).append(entry)
    edges = []
    for members in groups.values():
        levels = sorted({level for e in members if (level := role_level(e.name)) is not None})
        if not levels or levels[-1] < 3:  # a ladder is a group headed by a 总监
            continue
        for lower in members:
            own = role_level(lower.name)
            above = next((level for level in levels if own is not None and level > own), None)
            for upper in members:
                if role_level(upper.name) == above:
                    edges.append(CareerEdge(lower.key, upper.key, "ladder", upper.heading_citation()))
    return edges
