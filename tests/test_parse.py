"""ingest.parse against the real seed article: roles, fields, items, spans, and the traps in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse import (
    FIELD_NAMES,
    CorpusFormatError,
    load_corpus,
    parse_article,
    read_article,
)
from tests.conftest import SEED, SEED_SOURCE, load_cases

SEED_NODES = Path(__file__).parent / "fixtures" / "seed_nodes.tsv"

ROLES = [
    "电商运营总监", "电商运营经理", "电商运营专员", "商家运营经理", "商家合规专员", "市场推广专员", "电商推广专员",
    "电商文案策划", "供应链总监", "采购经理", "采购员", "物流管理总监", "库存管理经理", "库存专员", "电商技术开发",
    "电商数据分析师", "电商客服主管", "营销总监", "采销总监", "产品评审专员", "算法推荐工程师", "作品评审专员",
    "仓储主管", "用户运营专员", "合规风控专员", "电商财务管理", "电商人力资源管理", "电商法务总监", "电商法务专员",
    "数据合规专员",
]  # fmt: skip


def test_finds_exactly_the_thirty_roles_in_order(seed_article):
    assert [s.name for s in seed_article.roles] == ROLES


def test_every_node_id_and_span_is_as_before_the_layout_parser(seed_article, seed_text):
    """The tree of the shipped article, node by node, as dumped from the parser before issue 14 (PARSER_VERSION 4)."""
    rows = []
    for s in seed_article.sections:
        rows.append(
            f"section\t{s.id}\t{s.kind}\t{s.name}\t{s.subtitle or ''}\t{s.chapter or ''}\t{s.group or ''}\t"
            f"{s.mode or ''}\t{s.start}\t{s.end}"
        )
        for f in s.fields:
            rows.append(f"field\t{f.id}\t{f.name}\t{f.start}\t{f.end}")
            rows += [f"item\t{i.id}\t{i.kind}\t{i.label or ''}\t{i.start}\t{i.end}" for i in f.items]
    assert rows == SEED_NODES.read_text(encoding="utf-8").splitlines()
    assert parse_article(seed_text, SEED_SOURCE).title == seed_text.splitlines()[0]  # without the metadata file


def test_twenty_seven_roles_carry_all_five_fields_and_three_are_descriptions(seed_article):
    full = [s.name for s in seed_article.roles if tuple(f.name for f in s.fields) == FIELD_NAMES]
    short = {s.name: [f.name for f in s.fields] for s in seed_article.roles if s.name not in full}
    assert len(full) == 27
    assert short == {"仓储主管": ["岗位描述"], "用户运营专员": ["岗位描述"], "合规风控专员": ["岗位描述"]}


def test_every_node_span_is_exactly_its_text(seed_article, seed_text):
    assert seed_article.text == seed_text
    for section in seed_article.sections:
        assert seed_text[section.start : section.start + len(section.heading)] == section.heading
        for field in section.fields:
            assert field.start <= field.items[0].start and field.items[-1].end <= field.end
            for item in field.items:
                assert seed_text[item.start : item.end] == item.text


def test_kpi_items_per_role_match_the_article():
    article = read_article(SEED, SEED_SOURCE)
    counts = {
        s.name: sum(i.kind == "item" for i in s.field("KPI 指标").items) if s.field("KPI 指标") else 0
        for s in article.roles
    }
    assert counts == {case["role"]: case["kpi_count"] for case in load_cases("jd.jsonl")}
    assert counts["电商运营总监"] == 9


def test_kpi_notes_stay_with_their_role(seed_article):
    notes = {
        s.name: [i.label for i in s.field("KPI 指标").items if i.kind == "note"]
        for s in seed_article.roles
        if s.field("KPI 指标") and any(i.kind == "note" for i in s.field("KPI 指标").items)
    }
    assert notes == {"供应链总监": ["红线指标"], "采销总监": ["核心红线", "备注"]}


def test_both_field_heading_forms_parse(seed_article):
    inline = next(s for s in seed_article.roles if s.id == "2.1").field("KPI 指标")
    bare = next(s for s in seed_article.roles if s.id == "2.4.1").field("KPI 指标")
    assert [i.kind for i in inline.items][:2] == ["lead", "item"]
    assert inline.items[0].text == "电商运营总监的绩效考核主要围绕以下指标展开:"
    assert [i.label for i in bare.items] == ["商家入驻率", "商家留存率", "商家合规率", "商家GMV贡献", "商家满意度"]


def test_headings_without_space_subtitle_or_with_prefix(seed_article):
    by_id = {s.id: s for s in seed_article.roles}
    assert (by_id["5.1"].name, by_id["5.1"].subtitle) == ("物流管理总监", None)
    assert (by_id["7.3.1"].name, by_id["7.3.1"].subtitle, by_id["7.3.1"].mode) == (
        "仓储主管",
        "衔接库存与物流的关键岗",
        "直营",
    )
    assert (by_id["2.4.1"].group, by_id["2.4.1"].mode) == ("平台型电商(开放加盟/入驻模式)专属角色", "平台型")
    assert by_id["7.2.1"].mode == "通用"
    assert by_id["6.1"].mode is None  # "平台稳定与创新的保障" is the shop's platform, not the business model
    assert by_id["2.1"].chapter == "电商运营核心角色深度解析"


def test_group_headings_chapters_and_closing_are_not_roles(seed_article):
    articles = [(s.id, s.name) for s in seed_article.sections if s.kind == "article"]
    assert articles == [
        ("preface", "导读"),
        ("1", "电商行业生态系统概述"),
        ("7", "其他差异化岗位角色深度解析"),
        ("7(3)", "业务闭环关键补充岗"),
        ("9", "电商法务部核心岗位序列角色解析"),
        ("结语", "结语"),
    ]


def test_line_starting_with_yibanxing_does_not_cut_9_2_short(seed_article):
    role = next(s for s in seed_article.roles if s.id == "9.2")
    assert [f.name for f in role.fields] == list(FIELD_NAMES)
    assert [i.label for i in role.field("运作手法").items] == ["合同审核", "咨询处理", "纠纷处理", "文件管理"]


def test_impact_labels_are_normalised(seed_article):
    for role in seed_article.roles:
        if field := role.field("影响分析"):
            assert {"对自身", "对社会"} <= {i.label for i in field.items}, role.name


def test_ids_are_stable_and_readable(seed_article, seed_text):
    again = parse_article(seed_text, SEED_SOURCE)
    assert [i.id for s in again.sections for f in s.fields for i in f.items] == [
        i.id for s in seed_article.sections for f in s.fields for i in f.items
    ]
    kpi = next(s for s in seed_article.roles if s.id == "2.4.1").field("KPI 指标")
    assert kpi.items[2].id == "2.4.1/KPI指标/3"


def test_metadata_beside_the_article(seed_article):
    assert (seed_article.publisher, seed_article.date) == ("意昂体育", "2025-08-27")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00broken", "not UTF-8"),
        ("只是一段没有编号小节的文字。\n".encode(), "no role sections were found"),
    ],
)
def test_bad_corpus_files_are_skipped_with_a_reason(tmp_path: Path, content: bytes, reason: str):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.md").write_text("一、岗位\n\n1.1 测试专员:测试\n\n职责职能:负责测试。\n", encoding="utf-8")
    articles, problems = load_corpus(tmp_path)
    assert [a.source for a in articles] == ["corpus/good.md"]
    assert [(p.path, reason in p.reason) for p in problems] == [("corpus/bad.txt", True)]
    with pytest.raises(CorpusFormatError):
        read_article(tmp_path / "bad.txt", "corpus/bad.txt")
