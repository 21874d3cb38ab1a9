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

import logging
import re
import warnings
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import networkx as nx

from ingest.parse import Article, Section, sentence_spans
from ingest.chunk import Citation
from rag.catalog import Catalog

log = logging.getLogger(__name__)

EDGE_KINDS = ("promotion", "path", "ladder", "collaboration")  # strongest first
PICTURE_SUFFIXES = (".png", ".svg")
RENDER_SUFFIXES = (*PICTURE_SUFFIXES, ".json")  # what `python -m rag careers --out` writes
LEVEL_NAMES = {3: "总监", 2: "经理", 1: "专员"}
KIND_NAMES = {"promotion": "晋升", "path": "发展方向", "ladder": "上一级", "collaboration": "协作"}

_PROMOTION = re.compile(r"晋升\s*(?:[(（]\s*如)?(?P<targets>[^()（）,，。;；]+?)[)）]?\s*(?:打下|奠定|做准备)")
_PATH = re.compile(r"职业发展可向(?P<targets>[^,，。;；]+?)延伸")
_TARGET_SPLIT = re.compile(r"[、/]|与|和|及")
_COLLABORATION = re.compile(r"对接|协同|配合|审核|汇报|上报|承接")
_CLAUSE_END = re.compile(r"[,，;；:：。]")
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
              "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei")
_CJK_FILE_MARKS = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "wqy", "DroidSansFallback", "uming")
_EDGE_STYLE = {  # colour, line style, width
    "promotion": ("#2e7d32", "solid", 2.2),
    "path": ("#1565c0", "dashed", 1.4),
    "ladder": ("#616161", "solid", 1.6),
    "collaboration": ("#ef6c00", "dotted", 0.9),
}


class UnsupportedFormat(ValueError):
    """The --out file has a suffix the map cannot be written as."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"cannot draw a career map as '{path.suffix}': use {' or '.join(PICTURE_SUFFIXES)}")


@dataclass(frozen=True)
class CareerEdge:
    source: str
    target: str
    kind: str  # one of EDGE_KINDS
    citation: Citation  # the sentence (or, for a ladder, the heading) that states the edge
    external: bool = False  # the target is not a role the article describes


def role_level(name: str) -> int:
    """3 for 总监, 2 for 经理/主管/管理 roles, 1 for 专员/员/策划/工程师/分析师/开发 and the rest."""
    if "总监" in name:
        return 3
    if any(word in name for word in ("经理", "主管", "管理")):
        return 2
    return 1


@cache
def career_graph(catalog: Catalog) -> nx.DiGraph:
    """Roles (and external targets) as nodes, stated career and collaboration links as edges (attribute `edge`).

    Shared per catalog: read it, or copy it (`neighbourhood` does) before changing it."""
    graph = nx.DiGraph()
    for name, entry in catalog.entries.items():
        graph.add_node(name, external=False, level=role_level(name), chapter=entry.section.chapter or "")
    for edge in _stated_edges(catalog):
        if edge.external and edge.target not in graph:
            graph.add_node(edge.target, external=True, level=0, chapter="")
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
                "citation": {k: v for k, v in asdict(e.citation).items() if k != "node_id"},
            }
            for e in career_edges(graph)
        ],
    }


def render_map(graph: nx.DiGraph, path: Path) -> None:
    """Draw the map into a PNG or SVG file (the suffix decides); Chinese labels need a CJK font, see `cjk_font`."""
    if path.suffix.lower() not in PICTURE_SUFFIXES:
        raise UnsupportedFormat(path)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    positions = _layout(graph)
    columns = 1 + max((x for x, _ in positions.values()), default=0)
    figure = Figure(figsize=(max(6.0, 1.15 * columns), 8.0))
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    ax.set_axis_off()
    for kind in EDGE_KINDS:
        colour, style, edge_width = _EDGE_STYLE[kind]
        edges = [(u, v) for u, v, k in graph.edges(data="kind") if k == kind]
        nx.draw_networkx_edges(
            graph, positions, edgelist=edges, ax=ax, edge_color=colour, style=style, width=edge_width,
            arrowsize=11, node_size=1500, connectionstyle="arc3,rad=0.1",
        )
    font = cjk_font()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")  # without a CJK font: boxes, warned once
        for node, (x, y) in positions.items():
            external = graph.nodes[node]["external"]
            ax.text(
                x, y, node, ha="center", va="center", fontsize=7.5, family=font or "sans-serif",
                bbox={"boxstyle": "round,pad=0.35", "fc": "#eeeeee" if external else "#fff3c4", "ec": "#777777"},
            )
        handles = [Line2D([], [], color=c, linestyle=s, linewidth=w) for c, s, w in _EDGE_STYLE.values()]
        ax.legend(handles, EDGE_KINDS, loc="lower left", fontsize=8, frameon=False, bbox_to_anchor=(0, -0.08))
        figure.savefig(path, bbox_inches="tight", dpi=150)


@cache
def cjk_font() -> str | None:
    """A font family with Chinese glyphs (registering an installed one matplotlib's font cache predates), else None."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if found := next((name for name in _CJK_FONTS if name in known), None):
        return found
    for font_path in sorted(font_manager.findSystemFonts(), key=lambda p: "Regular" not in p):
        if any(mark in Path(font_path).name for mark in _CJK_FILE_MARKS):
            font_manager.fontManager.addfont(font_path)
            return font_manager.FontProperties(fname=font_path).get_name()
    log.warning("no CJK font found: Chinese labels will show as boxes; install one: apt-get install -y fonts-noto-cjk")
    return None


def _stated_edges(catalog: Catalog) -> list[CareerEdge]:
    edges: list[CareerEdge] = []
    for entry in catalog.entries.values():
        section, article = entry.section, entry.article
        for fld in section.fields:
            for item in fld.items:
                for start, end in sentence_spans(item.text, item.start):
                    quote = article.text[start:end]
                    cite = Citation(article.source, item.id, section.name, fld.name, start, end, quote)
                    edges += _career_statements(cite, catalog) + _collaborations(cite, catalog)
    return edges + _ladders(catalog)


def _career_statements(cite: Citation, catalog: Catalog) -> list[CareerEdge]:
    edges = []
    for kind, pattern in (("promotion", _PROMOTION), ("path", _PATH)):
        for m in pattern.finditer(cite.quote):
            for raw in _TARGET_SPLIT.split(m.group("targets")):
                name = re.sub(r"(岗位|岗)$", "", raw.strip())
                role = catalog.find(name)
                if name and role != cite.role:
                    edges.append(CareerEdge(cite.role, role or name, kind, cite, external=role is None))
    return edges


def _collaborations(cite: Citation, catalog: Catalog) -> list[CareerEdge]:
    """Roles named in the clause of a 对接/配合/汇报… verb; the subject is a role named before the verb, else the
    section's own ('运营经理需配合采销总监…' quoted under 采购经理 is 电商运营经理 → 采销总监)."""
    edges = []
    for verb in _COLLABORATION.finditer(cite.quote):
        start = max((m.end() for m in _CLAUSE_END.finditer(cite.quote, 0, verb.start())), default=0)
        end = next((m.start() for m in _CLAUSE_END.finditer(cite.quote, verb.end())), len(cite.quote))
        named_before = catalog.mentions(cite.quote[start : verb.start()])
        subject = named_before[0] if named_before else cite.role
        others = catalog.mentions(cite.quote[start:end])
        edges += [CareerEdge(subject, other, "collaboration", cite) for other in others if other != subject]
    return edges


def _ladders(catalog: Catalog) -> list[CareerEdge]:
    groups: dict[tuple[str | None, str | None], list[tuple[Section, Article]]] = {}
    for entry in catalog.entries.values():
        groups.setdefault((entry.section.chapter, entry.section.group), []).append((entry.section, entry.article))
    edges = []
    for members in groups.values():
        levels = sorted({role_level(s.name) for s, _ in members})
        if levels[-1] < 3:  # a ladder is a group headed by a 总监
            continue
        for lower, _ in members:
            above = next((level for level in levels if level > role_level(lower.name)), None)
            for upper, article in members:
                if role_level(upper.name) == above:
                    edges.append(CareerEdge(lower.name, upper.name, "ladder", _heading_citation(upper, article)))
    return edges


def _heading_citation(section: Section, article: Article) -> Citation:
    end = section.start + len(section.heading)
    return Citation(article.source, section.id, section.name, None, section.start, end, article.text[section.start : end])


def _layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Roles in chapter columns with 总监 on top; external targets in a row above, near the role that leads there."""
    chapters = list(dict.fromkeys(data["chapter"] for _, data in graph.nodes(data=True) if not data["external"]))
    positions: dict[str, tuple[float, float]] = {}
    x = 0.0
    for chapter in chapters:
        members = [n for n, data in graph.nodes(data=True) if data["chapter"] == chapter and not data["external"]]
        rows = {lv: [n for n in members if graph.nodes[n]["level"] == lv] for lv in (3, 2, 1)}
        width = max(len(names) for names in rows.values())
        for level, names in rows.items():
            for i, name in enumerate(names):
                positions[name] = (x + i + (width - len(names)) / 2, float(level) + 0.3 * (i % 2))
        x += width + 0.5
    external = [n for n, data in graph.nodes(data=True) if data["external"]]
    anchored = sorted(external, key=lambda n: min(positions[p][0] for p in graph.predecessors(n)))
    last = -1.0
    for i, node in enumerate(anchored):
        last = max(min(positions[p][0] for p in graph.predecessors(node)), last + 1.0)
        positions[node] = (last, 4.2 + 0.35 * (i % 2))
    return positions
