"""Pictures of the career graph (`rag.careers`): the whole map by chapter, or one role's career path.

The whole map is one small panel per chapter of the article (总监 on top, 经理/主管 below, 专员 and roles
without a rank title at the bottom), each with the places outside the article its roles lead to and the roles
of other chapters they work with, so that nothing crosses the page. One role's picture puts the role in the
middle, where it leads above it (晋升 / 发展方向 / 上一级), who is promoted into it below, and the roles it
works with beside it. Labels and the legend are Chinese; they need a CJK font (see `cjk_font`).
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from functools import cache
from pathlib import Path

import networkx as nx

from rag.careers import EDGE_KINDS, KIND_NAMES, career_graph
from rag.catalog import Catalog

log = logging.getLogger(__name__)

PICTURE_SUFFIXES = (".png", ".svg")
RENDER_SUFFIXES = (*PICTURE_SUFFIXES, ".json")  # what `python -m rag careers --out` writes
PANEL_COLUMNS = 2
MAX_PANEL_ROLES = 5
PANEL_HALF_WIDTH = 3.6  # x units either side of a panel's centre; a box is about 1.3 units wide

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
              "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei")
_CJK_FILE_MARKS = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "wqy", "DroidSansFallback", "uming")
_EDGE_STYLE = {  # colour, line style, width
    "promotion": ("#2e7d32", "solid", 2.2),
    "path": ("#1565c0", "dashed", 1.4),
    "ladder": ("#616161", "solid", 1.6),
    "collaboration": ("#ef6c00", "dotted", 1.1),
}
_FILL = {"role": "#fff3c4", "focus": "#ffd54f", "external": "#eeeeee", "elsewhere": "#e3f2fd"}
_NODE_NAMES = {"role": "文章中的岗位", "external": "文章外的去向", "elsewhere": "其他章节的岗位"}

Positions = dict[str, tuple[float, float]]


class UnsupportedFormat(ValueError):
    """The --out file has a suffix the map cannot be written as."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"cannot draw a career map as '{path.suffix}': use {' or '.join(PICTURE_SUFFIXES)}")


def render_map(graph: nx.DiGraph, path: Path, role: str | None = None) -> None:
    """Draw the map by chapter (or, with `role`, that role's career path) into a PNG or SVG file."""
    if path.suffix.lower() not in PICTURE_SUFFIXES:
        raise UnsupportedFormat(path)
    path.write_bytes(picture(graph, role, path.suffix.lower().lstrip(".")))


def picture(graph: nx.DiGraph, role: str | None = None, fmt: str = "png") -> bytes:
    """The map by chapter, or one role's career path, as PNG or SVG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")  # without a CJK font: boxes, warned once
        used: set[str] = set()
        if role is None:
            panels = _chapters(graph)
            rows = math.ceil(len(panels) / PANEL_COLUMNS)
            figure = Figure(figsize=(8.0 * PANEL_COLUMNS, 4.2 * rows + 0.6))
            figure.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.5 / (4.2 * rows + 0.6), hspace=0.22)
            for n, (title, members) in enumerate(panels):
                ax = figure.add_subplot(rows, PANEL_COLUMNS, n + 1)
                used |= _draw(ax, graph, _chapter_layout(graph, members), set(members), title)
                ax.set_ylim(-0.45, 4.45)  # the same five rows in every panel: outside places, 总监, 经理, 专员, others
        else:
            figure = Figure(figsize=(7.5, 3.8))
            used = _draw(figure.add_subplot(), graph, _role_layout(graph, role), {role}, f"{role} 的职业路径", focus=role)
        FigureCanvasAgg(figure)
        _legend(figure, used)
        out = io.BytesIO()
        figure.savefig(out, format=fmt, bbox_inches="tight", dpi=100)
    return out.getvalue()


@cache
def cjk_font() -> str | None:
    """A font family with Chinese glyphs (registering an installed one matplotlib's font cache predates), else None."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if found := next((name for name in _CJK_FONTS if name in known), None):
        return found
    for font_path in sorted(font_manager.findSystemFonts(), key=lambda p: ("Regular" not in p, p)):
        if any(mark in Path(font_path).name for mark in _CJK_FILE_MARKS):
            font_manager.fontManager.addfont(font_path)
            return font_manager.FontProperties(fname=font_path).get_name()
    log.warning("no CJK font found: Chinese labels will show as boxes; install one: apt-get install -y fonts-noto-cjk")
    return None


def _chapters(graph: nx.DiGraph) -> list[tuple[str, list[str]]]:
    """The article's chapters in order, each with its roles; a chapter of more than MAX_PANEL_ROLES roles is
    drawn group by group (七's 核心管理岗 / 平台专属 / 补充岗位)."""
    chapters: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if not data["external"]:
            chapters.setdefault(data["chapter"] or "其他", []).append(node)
    panels = []
    for chapter, members in chapters.items():
        if len(members) <= MAX_PANEL_ROLES:
            panels.append((chapter, members))
            continue
        groups: dict[str, list[str]] = {}
        for node in members:
            groups.setdefault(graph.nodes[node]["group"], []).append(node)
        panels += [(f"{chapter} · {group}" if group else chapter, names) for group, names in groups.items()]
    return panels


def _chapter_layout(graph: nx.DiGraph, members: list[str]) -> Positions:
    """Members in rows by rank; above them the outside places they lead to, below them other chapters' roles."""
    rows = {lv: [n for n in members if float(graph.nodes[n]["level"] or 1) == lv] for lv in (3.0, 2.0, 1.0)}
    inside = set(members)
    linked = sorted({v for u in members for v in nx.all_neighbors(graph, u) if v not in inside})
    rows[4.0] = [n for n in linked if graph.nodes[n]["external"]]
    rows[0.0] = [n for n in linked if not graph.nodes[n]["external"]]
    return {name: xy for level, names in rows.items() for name, xy in _row(names, level).items()}


def _row(names: list[str], y: float) -> Positions:
    """A row of boxes across the panel's width; a crowded row staggers them so that neighbours do not touch."""
    step = min(1.6, 2 * PANEL_HALF_WIDTH / max(len(names), 1))
    crowded = len(names) > 3 and step < 1.7
    return {name: (step * (i - (len(names) - 1) / 2), y + 0.22 * crowded * (1 if i % 2 else -1)) for i, name in enumerate(names)}


def _role_layout(graph: nx.DiGraph, role: str) -> Positions:
    """The role in the middle; where it leads above, who is promoted into it below, collaborators beside."""
    up = sorted(v for _, v, k in graph.out_edges(role, data="kind") if k != "collaboration")
    down = sorted(u for u, _, k in graph.in_edges(role, data="kind") if k != "collaboration")
    side = sorted(set(nx.all_neighbors(graph, role)) - set(up) - set(down))
    beside = {name: (1.7 * (i // 2 + 1) * (-1) ** i, 0.0) for i, name in enumerate(side)}
    return {role: (0.0, 0.0)} | _row(up, 1.0) | _row(down, -1.0) | beside


def _draw(ax, graph: nx.DiGraph, positions: Positions, own: set[str], title: str, focus: str | None = None) -> set[str]:
    """Boxes and arrows into `ax`; returns the edge and box kinds it drew, for the legend."""
    ax.set_axis_off()
    used = set()
    ax.set_title(title, fontsize=11, family=cjk_font() or "sans-serif")
    shown = graph.subgraph(positions)
    for kind in EDGE_KINDS:
        colour, style, width = _EDGE_STYLE[kind]
        edges = [(u, v) for u, v, k in shown.edges(data="kind") if k == kind and (u in own or v in own)]
        used |= {kind} if edges else set()
        nx.draw_networkx_edges(
            shown, positions, edgelist=edges, ax=ax, edge_color=colour, style=style, width=width,
            arrowsize=12, node_size=900, connectionstyle="arc3,rad=0.08",
        )
    for node, (x, y) in positions.items():
        box = _node_kind(graph, node, own, focus)
        used.add(box)
        ax.text(x, y, node, ha="center", va="center", fontsize=9, family=cjk_font() or "sans-serif",
                bbox={"boxstyle": "round,pad=0.35", "fc": _FILL[box], "ec": "#777777"})
    ys = [y for _, y in positions.values()]
    ax.set_xlim(-PANEL_HALF_WIDTH - 0.6, PANEL_HALF_WIDTH + 0.6)
    ax.set_ylim(min(ys) - 0.45, max(ys) + 0.45)
    return used


def _node_kind(graph: nx.DiGraph, node: str, own: set[str], focus: str | None) -> str:
    if node == focus:
        return "focus"
    if graph.nodes[node]["external"]:
        return "external"
    return "role" if node in own or focus else "elsewhere"


def _legend(figure, used: set[str]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    kinds = [k for k in EDGE_KINDS if k in used]
    lines = [Line2D([], [], color=c, linestyle=s, linewidth=w) for c, s, w in (_EDGE_STYLE[k] for k in kinds)]
    boxes = [Patch(facecolor=_FILL[k], edgecolor="#777777") for k in _NODE_NAMES if k in used]
    labels = [KIND_NAMES[k] for k in kinds] + [name for k, name in _NODE_NAMES.items() if k in used]
    if not labels:  # a role the article links to nothing
        return
    figure.legend(lines + boxes, labels, loc="lower center", ncol=len(labels), fontsize=9, frameon=False,
                  prop={"family": cjk_font() or "sans-serif", "size": 9}, bbox_to_anchor=(0.5, 0.0))


@cache
def role_picture(catalog: Catalog, role: str) -> bytes:
    """One role's career path as PNG, drawn once per catalog and role (the app shows it beside each match)."""
    return picture(career_graph(catalog), role)


@cache
def map_picture(catalog: Catalog) -> bytes:
    """The whole map by chapter as PNG, drawn once per catalog."""
    return picture(career_graph(catalog))
