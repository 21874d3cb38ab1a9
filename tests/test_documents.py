"""Roles belong to a document: the shipped article beside a company handbook that also has a 采购员, and a file
that holds no roles. Both 采购员 are reachable (ask, jd, kpi, the app's pickers), citations name their document,
`rag sources` and `python -m ingest` say what was read, and a question about the skipped file is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.__main__ import main as ingest_main
from ingest.config import PROJECT_ROOT, Settings
from ingest.index import build_index, open_index
from rag.__main__ import main as rag_main
from rag.answer import answer
from rag.answer_view import answer_json
from rag.catalog import AmbiguousRole, load_catalog
from rag.jd import draft_jd, draft_kpi_sheet

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
ARTICLE = "电商从业者全链条角色深度解析一(电商内部):职责、KPI 与社会影响"
HANDBOOK = "华南优选电商有限公司岗位说明手册（2025年版）"
ARTICLE_BUYER = "采购员 · 电商从业者全链条角色深度解析一"
HANDBOOK_BUYER = "采购员 · 华南优选电商有限公司岗位说明手册"
NOTES = "直播带货复盘笔记\n\n每场直播结束后，主播和场控一起看回放，记录话术里的口误。\n"


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory: pytest.TempPathFactory, seed_settings: Settings) -> Settings:
    """The shipped article, the handbook fixture and a notes file without roles; the seed's embedding cache."""
    root = tmp_path_factory.mktemp("two-documents")
    corpus = root / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    shutil.copy(LAYOUTS / "handbook.txt", corpus / "handbook.txt")
    (corpus / "notes.txt").write_text(NOTES, encoding="utf-8")
    shutil.copytree(seed_settings.data_dir, root / "data")
    settings = Settings(corpus_dir=corpus, data_dir=root / "data")
    build_index(settings, progress=False)
    return settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, two_documents: Settings) -> Settings:
    monkeypatch.setenv("ROLEGUIDE_CORPUS_DIR", str(two_documents.corpus_dir))
    monkeypatch.setenv("ROLEGUIDE_DATA_DIR", str(two_documents.data_dir))
    return two_documents


def test_the_shipped_article_alone_knows_its_roles_by_name(catalog):
    assert len(catalog.names) == 30 and catalog.names[10] == "采购员"
    assert catalog.role("采购员").key == "采购员"


def test_same_named_roles_of_two_documents_are_both_in_the_catalog(two_documents: Settings):
    catalog = load_catalog(two_documents.corpus_dir)
    assert [k for k in catalog.names if k.startswith("采购员")] == [ARTICLE_BUYER, HANDBOOK_BUYER]
    assert len(catalog.names) == 32
    with pytest.raises(AmbiguousRole) as err:
        catalog.role("采购员")
    assert err.value.suggestions == [ARTICLE_BUYER, HANDBOOK_BUYER]
    assert catalog.role("采购员", "handbook.txt").article.title == HANDBOOK
    assert catalog.role("采购员", "华南优选").article.title == HANDBOOK
    assert catalog.role(HANDBOOK_BUYER).article.source == "corpus/handbook.txt"
    assert catalog.role("客服专员").key == "客服专员"  # a name only one document uses keeps it
    assert [s.source for s in catalog.skipped] == ["corpus/notes.txt"]


def test_roles_with_the_same_text_in_two_files_are_one_role(tmp_path: Path):
    text = (LAYOUTS / "handbook.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("华南优选", "华北优选"), encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert catalog.names == ["客服专员", "采购员"]
    assert catalog.role("采购员").article.source == "corpus/a.txt"


def test_answers_name_the_document_and_reach_either_buyer(two_documents: Settings):
    index, catalog = open_index(two_documents), load_catalog(two_documents.corpus_dir)
    handbook = answer_json(answer("华南优选那边的采购员要满足什么任职条件?", index, catalog), None, catalog)
    assert handbook["covered"] and handbook["roles"] == [HANDBOOK_BUYER]
    first = handbook["citations"][0]
    assert (first["title"], first["role"], first["field"]) == (HANDBOOK, "采购员", "任职资格")
    assert {c["source"] for c in handbook["citations"]} == {"corpus/handbook.txt"}
    article = answer_json(answer("采购员每周要向谁汇报采购进度?", index, catalog), None, catalog)
    assert article["citations"][0]["title"] == ARTICLE and "采购经理" in article["citations"][0]["quote"]
    both = answer("采购员的KPI有哪些?", index, catalog)  # a whole field of a name both use: each document's
    assert both.roles == (ARTICLE_BUYER, HANDBOOK_BUYER)
    assert {c.source for c in both.citations} == {"corpus/000_c7806a285f499d96.txt", "corpus/handbook.txt"}
    assert "来料合格率：不低于98%。" in both.text and "采购单据准确率" in both.text


def test_a_question_about_a_skipped_file_is_not_answered_from_another(two_documents: Settings):
    index, catalog = open_index(two_documents), load_catalog(two_documents.corpus_dir)
    result = answer("场控每场直播之后要做什么?", index, catalog)
    assert not result.covered and "notes.txt" in result.text and "场控" in result.text
    assert result.notice.startswith("corpus/notes.txt was skipped: no role sections were found")
    assert answer("客服专员的首次响应时长要求", index, catalog).covered  # the handbook's own roles are answered


def test_drafts_of_an_ambiguous_name_need_the_document(two_documents: Settings, env, capsys):
    catalog = load_catalog(two_documents.corpus_dir)
    jd = draft_jd("采购员", catalog, source="handbook.txt")
    assert (jd.role, jd.source_title) == ("采购员", HANDBOOK)
    assert [r.name for r in draft_kpi_sheet("采购员", catalog, source="handbook.txt").rows] == [
        "采购到货及时率", "采购成本降低率", "来料合格率",
    ]  # fmt: skip
    assert rag_main(["jd", "采购员"]) == 2
    error = capsys.readouterr().err
    assert ARTICLE_BUYER in error and HANDBOOK_BUYER in error and "--source" in error
    assert rag_main(["kpi", "采购员", "--source", "handbook.txt", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["citations"][0]["source"] == "corpus/handbook.txt"
    assert rag_main(["kpi", HANDBOOK_BUYER, "--format", "json"]) == 0  # the picker's name works too


def test_sources_lists_documents_roles_fields_and_skipped_files(env, capsys):
    assert rag_main(["sources", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    handbook = next(d for d in listing["documents"] if d["source"] == "corpus/handbook.txt")
    assert handbook["title"] == HANDBOOK
    assert handbook["roles"] == [
        {"key": "客服专员", "name": "客服专员", "fields": {"职责职能": 3, "任职资格": 3, "KPI 指标": 3}},
        {"key": HANDBOOK_BUYER, "name": "采购员", "fields": {"职责职能": 3, "任职资格": 2, "KPI 指标": 3, "发展通道": 1}},
    ]
    assert [len(d["roles"]) for d in listing["documents"]] == [30, 2]
    assert [s["source"] for s in listing["skipped"]] == ["corpus/notes.txt"]
    assert listing["skipped"][0]["reason"].startswith("no role sections were found")
    assert rag_main(["sources"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"corpus/handbook.txt 《{HANDBOOK}》: 2 roles" in lines
    assert f"  {HANDBOOK_BUYER}: 职责职能 3, 任职资格 2, KPI 指标 3, 发展通道 1" in lines
    assert any(line.startswith("skipped corpus/notes.txt: no role sections were found") for line in lines)


def test_ingest_prints_what_it_read_per_document(env, capsys):
    assert ingest_main(["--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"corpus/000_c7806a285f499d96.txt 《{ARTICLE}》: 30 roles"
    assert f"  {ARTICLE_BUYER}: 职责职能 1, KPI 指标 5, 目标动机 1, 运作手法 4, 影响分析 2" in out
    assert "  客服专员: 职责职能 3, 任职资格 3, KPI 指标 3" in out
    assert "skipped corpus/notes.txt: no role sections were found" in out[-2]
    assert out[-1].startswith("index up to date:") and "32 roles, 545 chunks, 0 embedded" in out[-1]


def test_the_apps_role_pickers_name_the_document_of_a_shared_name(two_documents: Settings):
    import gradio as gr

    from app import build_app, role_markdown
    from rag.resources import Live

    catalog = load_catalog(two_documents.corpus_dir)
    app = build_app(two_documents, Live(two_documents, open_index(two_documents), catalog))
    pickers = [b for b in app.blocks.values() if isinstance(b, gr.Dropdown) and b.elem_id in ("draft-role", "browse-role")]
    assert len(pickers) == 2
    for picker in pickers:
        shown = [value for _, value in picker.choices]
        assert ARTICLE_BUYER in shown and HANDBOOK_BUYER in shown and "采购员" not in shown
    assert f"来源:{HANDBOOK}" in role_markdown(HANDBOOK_BUYER, catalog)
    assert "请选择其中一个" in role_markdown("采购员", catalog)
