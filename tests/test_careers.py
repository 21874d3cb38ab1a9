"""rag.careers on the seed article: the stated edges with their cited sentences, the picture, the JSON, the CLI."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from rag import career_map
from rag.__main__ import main
from rag.career_map import PANEL_COLUMNS, map_picture, picture, render_map, role_picture
from rag.catalog import Catalog
from rag.careers import KIND_NAMES, career_edges, career_graph, career_json, neighbourhood, next_steps, role_edges, role_level

INVENTORY_SENTENCE = (
    "对自身:岗位是库存管理领域的基础岗,可快速熟悉库存操作流程与WMS系统使用,培养细致的执行力与责任意识,"
    "为晋升库存经理、仓储主管打下基础。"
)
CITATION_KEYS = ["end", "field", "quote", "role", "source", "start"]


def test_role_level_reads_the_name() -> None:
    names = ["电商运营总监", "采购经理", "仓储主管", "电商财务管理", "采购员", "电商文案策划", "算法推荐工程师", "电商数据分析师"]
    assert [role_level(n) for n in names] == [3, 2, 2, None, 1, None, None, None]  # no rank title: no level


def test_promotions_cite_the_sentence_that_states_them(catalog: Catalog, seed_text: str) -> None:
    graph = career_graph(catalog)
    steps = next_steps(graph, "库存专员")
    assert [(s.source, s.target, s.kind, s.external, s.citation.quote) for s in steps] == [
        ("库存专员", "仓储主管", "promotion", False, INVENTORY_SENTENCE),
        ("库存专员", "库存管理经理", "promotion", False, INVENTORY_SENTENCE),
    ]
    assert [seed_text[s.citation.start : s.citation.end] for s in steps] == [INVENTORY_SENTENCE] * 2
    assert [(s.target, s.kind, s.citation.quote) for s in next_steps(graph, "采购员")] == [
        ("采购经理", "promotion", "同时通过积累供应商沟通与订单处理经验,提升自身专业技能,为后续职业晋升(如采购经理)做准备。")
    ]


def test_paths_outside_the_article_are_external_nodes(catalog: Catalog) -> None:
    graph = career_graph(catalog)
    assert [(s.target, s.kind, s.external) for s in next_steps(graph, "商家运营经理")] == [
        ("平台生态运营", "path", True),
        ("招商负责人", "path", True),
    ]
    assert [(s.target, s.external) for s in next_steps(graph, "商家合规专员")] == [("合规管理", True), ("合规风控专员", False)]
    assert (graph.nodes["招商负责人"]["external"], graph.nodes["商家运营经理"]["external"]) == (True, False)


def test_ladders_climb_inside_groups_headed_by_a_director(catalog: Catalog) -> None:
    ladders = {(e.source, e.target, e.citation.quote) for e in career_edges(career_graph(catalog)) if e.kind == "ladder"}
    assert ladders == {
        ("电商运营专员", "电商运营经理", "2.2 电商运营经理:战略落地与执行的推动者"),
        ("电商运营经理", "电商运营总监", "2.1 电商运营总监:战略规划与执行的指挥者"),
        ("采购经理", "供应链总监", "4.1 供应链总监:端到端供应链的战略统筹者"),
        ("库存管理经理", "物流管理总监", "5.1物流管理总监"),
        ("数据合规专员", "电商法务总监", "9.1 电商法务总监:法律战略与风险防控的总负责人"),
    }


def test_collaboration_edges_name_another_role_next_to_the_verb(catalog: Catalog) -> None:
    pairs = {(e.source, e.target) for e in career_edges(career_graph(catalog)) if e.kind == "collaboration"}
    assert pairs == {
        ("仓储主管", "库存管理经理"),
        ("市场推广专员", "营销总监"),
        ("电商推广专员", "营销总监"),
        ("电商技术开发", "数据合规专员"),
        ("电商运营经理", "采销总监"),
        ("采购经理", "电商财务管理"),
    }


def test_every_edge_citation_is_the_text_at_its_span(catalog: Catalog, seed_text: str) -> None:
    edges = career_edges(career_graph(catalog))
    assert [e.citation.quote for e in edges] == [seed_text[e.citation.start : e.citation.end] for e in edges]
    assert {e.kind for e in edges} == {"promotion", "path", "ladder", "collaboration"}


def test_the_map_renders_as_png_and_svg(catalog: Catalog, tmp_path: Path) -> None:
    graph = career_graph(catalog)
    render_map(graph, tmp_path / "map.png")
    render_map(graph, tmp_path / "map.svg", role="采购员")
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "map.svg").read_text(encoding="utf-8")[:1000]
    with pytest.raises(career_map.UnsupportedFormat):
        render_map(graph, tmp_path / "map.gif")


def test_the_whole_map_is_drawn_chapter_by_chapter_at_screen_size(catalog: Catalog) -> None:
    from PIL import Image

    panels = career_map._chapters(career_graph(catalog))
    assert [(title.split(" · ")[-1][:6], len(roles)) for title, roles in panels] == [
        ("电商运营核心", 5), ("电商营销与推", 3), ("供应链与采购", 3), ("电商物流管理", 3), ("电商技术与支", 3),
        ("核心管理岗:", 2), ("专业执行岗:", 3), ("业务闭环关键", 3), ("电商支持与管", 2), ("电商法务部核", 3),
    ]
    assert max(len(roles) for _, roles in panels) <= career_map.MAX_PANEL_ROLES
    width, height = Image.open(io.BytesIO(map_picture(catalog))).size
    assert (1000 <= width <= 1700, height <= 2200, PANEL_COLUMNS) == (True, True, 2)


def test_a_role_picture_shows_where_it_leads_and_who_leads_to_it(catalog: Catalog) -> None:
    graph = career_graph(catalog)
    assert career_map._role_layout(graph, "库存管理经理") == {
        "库存管理经理": (0.0, 0.0),
        "仓储运营": (-1.6, 1.0),
        "供应链管理": (0.0, 1.0),
        "物流管理总监": (1.6, 1.0),
        "库存专员": (0.0, -1.0),  # promoted into it
        "仓储主管": (1.7, 0.0),  # works with it
    }
    assert role_picture(catalog, "库存管理经理") is role_picture(catalog, "库存管理经理")  # drawn once
    assert picture(graph, "库存管理经理")[:8] == b"\x89PNG\r\n\x1a\n"
    edges = role_edges(graph, "库存管理经理")
    assert [(e.source, e.target, KIND_NAMES[e.kind]) for e in edges] == [
        ("库存管理经理", "仓储运营", "发展方向"),
        ("库存管理经理", "供应链管理", "发展方向"),
        ("库存管理经理", "物流管理总监", "上一级"),
        ("库存专员", "库存管理经理", "晋升"),
        ("仓储主管", "库存管理经理", "协作"),
    ]


def test_the_map_still_renders_without_a_cjk_font(catalog: Catalog, tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(career_map, "_CJK_FONTS", ())
    monkeypatch.setattr(career_map, "_CJK_FILE_MARKS", ())
    career_map.cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="rag.career_map"):
            render_map(career_graph(catalog), tmp_path / "plain.png")
    finally:
        career_map.cjk_font.cache_clear()
    assert (tmp_path / "plain.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [r.getMessage() for r in caplog.records] == [
        "no CJK font found: Chinese labels will show as boxes; install one: apt-get install -y fonts-noto-cjk"
    ]


def test_the_map_as_data_keeps_kinds_and_citations(catalog: Catalog) -> None:
    data = career_json(neighbourhood(career_graph(catalog), "库存专员"))
    assert sorted(n["id"] for n in data["nodes"]) == sorted(["库存专员", "库存管理经理", "仓储主管"])
    assert [(e["source"], e["target"], e["kind"], sorted(e["citation"])) for e in data["edges"]] == [
        ("库存专员", "库存管理经理", "promotion", CITATION_KEYS),
        ("库存专员", "仓储主管", "promotion", CITATION_KEYS),
        ("仓储主管", "库存管理经理", "collaboration", CITATION_KEYS),
    ]


def test_careers_cli_writes_by_suffix(tmp_path: Path, capsys) -> None:
    assert main(["careers", "--role", "采购员", "--out", str(tmp_path / "m.json")]) == 0
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert [(e["source"], e["target"], e["kind"]) for e in data["edges"]] == [("采购员", "采购经理", "promotion")]
    assert main(["careers", "--out", str(tmp_path / "m.png")]) == 0
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["careers", "--out", str(tmp_path / "m.gif")]) == 2
    assert capsys.readouterr().err.startswith("error: --out must end in .png, .svg, .json")


def test_careers_cli_lists_edges_of_one_role(capsys) -> None:
    assert main(["careers", "--role", "库存经理"]) == 0
    assert [line.split(" [")[0] for line in capsys.readouterr().out.splitlines()] == [
        "库存管理经理 → 供应链管理",
        "库存管理经理 → 仓储运营",
        "库存管理经理 → 物流管理总监",
        "库存专员 → 库存管理经理",
        "库存专员 → 仓储主管",
        "仓储主管 → 库存管理经理",
    ]
