"""ingest.index: a real Chroma store on disk — build, no-op, partial re-embed, failed rebuild, second article,
leases that keep a build a reader holds, one build at a time, a repeated article indexed once; the build's
read-side tables (written with it, read at open, rebuilt from the store when missing, deleted with it)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from ingest.builds import LEASES_COLLECTION, BuildLock, Leases, collection_names
from ingest.config import Settings
import ingest.index as index_module
from ingest.embeddings import get_embeddings
from ingest.index import (
    FOREGROUND_EMBED_LIMIT,
    BuildFailed,
    BuildInProgress,
    IndexUnavailable,
    build_index,
    chroma_client,
    ensure_index,
    open_index,
)
from ingest.tables import tables_dir
from rag.answer import answer
from rag.catalog import load_catalog

SECOND_ARTICLE = """直播电商岗位解析

一、直播岗位

1.1 直播场控专员:直播间节奏的掌控者

职责职能:负责直播间的节奏把控与互动氛围管理,在直播中实时调整上架顺序与优惠节奏。

KPI 指标:直播场控专员的绩效考核主要关注以下指标:

直播间停留时长:观众在直播间的平均停留时间

互动率:评论与点赞人数占观看人数的比例
"""


def large_article(kpis: int) -> str:
    """SECOND_ARTICLE with `kpis` distinct KPI lines: twice as many passages to embed (one per space)."""
    lines = "\n\n".join(f"指标{n}:第{n}项考核指标的定义与计算口径" for n in range(kpis))
    return SECOND_ARTICLE.replace("互动率:评论与点赞人数占观看人数的比例", lines)


class Recorder(Embeddings):
    """The real model, recording what it was asked to embed; optionally failing after some calls."""

    def __init__(self, inner: Embeddings, fail_after: int | None = None) -> None:
        self.inner, self.fail_after, self.embedded = inner, fail_after, []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and len(self.embedded) >= self.fail_after:
            raise OSError("disk full while embedding")
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _recorders(settings: Settings, fail_after: int | None = None) -> dict[str, Recorder]:
    return {space: Recorder(get_embeddings(settings, space), fail_after) for space in ("e5", "use")}


def test_seed_index_holds_every_chunk_with_role_field_and_span(seed_index, seed_text):
    chunks = list(seed_index.chunks.values())
    assert {c.role for c in chunks if c.role} == set(load_catalog(seed_index.settings.corpus_dir).names)
    assert all(seed_text[c.start : c.end] == c.text for c in chunks)
    kpi = [c.text.split(":")[0] for c in chunks if c.role == "采购经理" and c.field == "KPI 指标"]
    assert kpi == ["采购成本节约率", "采购订单准时交付率", "采购商品合格率", "供应商绩效评分", "采购计划达成率"]


def test_unchanged_corpus_is_a_no_op(seed_settings, seed_index):
    recorders = _recorders(seed_settings)
    report = build_index(seed_settings, progress=False, embeddings=recorders)
    assert (report.rebuilt, report.embedded, report.build_id) == (False, 0, seed_index.build_id)
    assert [r.embedded for r in recorders.values()] == [[], []]


def test_changing_one_role_re_embeds_only_its_changed_chunks(corpus_copy):
    seed = corpus_copy.corpus_dir / "000_c7806a285f499d96.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("采购计划达成率:按既定采购计划", "采购计划完成率:按既定采购计划"), encoding="utf-8")
    recorders = _recorders(corpus_copy)
    report = build_index(corpus_copy, progress=False, embeddings=recorders)
    assert report.rebuilt
    assert recorders["e5"].embedded == ["【4.2 采购经理】KPI 指标:采购计划完成率:按既定采购计划完成的采购金额占比"]
    assert recorders["use"].embedded == recorders["e5"].embedded
    index = open_index(corpus_copy)
    assert index.build_id == report.build_id
    assert "采购计划完成率" in answer("采购经理的KPI有哪些", index, load_catalog(corpus_copy.corpus_dir)).text


def test_failed_rebuild_leaves_the_previous_index_serving(corpus_copy):
    before = open_index(corpus_copy)
    catalog = load_catalog(corpus_copy.corpus_dir)
    expected = answer("商家投诉要在多长时间内调查完?", before, catalog)
    stored = collection_names(chroma_client(corpus_copy))
    (corpus_copy.corpus_dir / "extra.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    with pytest.raises(BuildFailed, match=f"OSError: disk full while embedding.*previous build {before.build_id} keeps"):
        build_index(corpus_copy, progress=False, embeddings=_recorders(corpus_copy, fail_after=0))
    assert collection_names(chroma_client(corpus_copy)) == stored  # nothing of the failed build is left
    after = open_index(corpus_copy)
    assert after.build_id == before.build_id
    assert answer("商家投诉要在多长时间内调查完?", after, catalog) == expected


def test_a_second_article_is_indexed_without_code_change(corpus_copy):
    (corpus_copy.corpus_dir / "live.md").write_text(SECOND_ARTICLE, encoding="utf-8")
    report = build_index(corpus_copy, progress=False)
    assert (report.roles, report.embedded) == (31, 2 * 6)
    index = open_index(corpus_copy)
    result = answer("直播场控专员的KPI有哪些?", index, load_catalog(corpus_copy.corpus_dir))
    assert [(c.source, c.role, c.field) for c in result.citations] == [
        ("corpus/live.md", "直播场控专员", "KPI 指标"),
        ("corpus/live.md", "直播场控专员", "KPI 指标"),
    ]
    assert [c.quote for c in result.citations] == [
        SECOND_ARTICLE[c.start : c.end] for c in result.citations
    ]


def test_persist_reopen_same_answer(seed_settings, seed_index, catalog):
    first = answer("电商法务专员审核常规合同最多用几天?", seed_index, catalog)
    assert answer("电商法务专员审核常规合同最多用几天?", open_index(seed_settings), catalog) == first


def test_deleted_index_is_rebuilt_automatically_and_reported_clearly(corpus_copy):
    shutil.rmtree(corpus_copy.data_dir / "chroma")
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        open_index(corpus_copy)
    assert ensure_index(corpus_copy).build_id == build_index(corpus_copy, progress=False).build_id


def test_chroma_telemetry_is_off(seed_settings):
    assert chroma_client(seed_settings).get_settings().anonymized_telemetry is False


def _edit_seed(settings: Settings, old: str, new: str) -> None:
    seed = settings.corpus_dir / "000_c7806a285f499d96.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _stored_builds(settings: Settings) -> list[str]:
    names = collection_names(chroma_client(settings))
    return sorted({name.split("_")[1] for name in names if name.endswith("_e5")})


def test_a_build_under_a_lease_outlives_two_rebuilds_and_goes_once_released(corpus_copy):
    client = chroma_client(corpus_copy)
    if LEASES_COLLECTION in collection_names(client):
        client.delete_collection(LEASES_COLLECTION)  # copied from the seed store along with the app's lease
    held = open_index(corpus_copy)
    expected = answer("采购经理的KPI有哪些", held, load_catalog(corpus_copy.corpus_dir))
    leases = Leases(client)
    leases.hold(held.build_id)
    _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
    second = build_index(corpus_copy, progress=False).build_id
    _edit_seed(corpus_copy, "采购计划完成率", "采购计划实现率")
    third = build_index(corpus_copy, progress=False).build_id
    assert _stored_builds(corpus_copy) == sorted({held.build_id, second, third})
    assert answer("采购经理的KPI有哪些", held, load_catalog(corpus_copy.corpus_dir)) == expected  # still readable
    leases.release()
    _edit_seed(corpus_copy, "采购计划实现率", "采购计划达标率")
    fourth = build_index(corpus_copy, progress=False).build_id
    assert _stored_builds(corpus_copy) == sorted({third, fourth})  # the current and the one it replaced


def test_a_corpus_back_to_a_stored_build_switches_to_it_without_rewriting_it(corpus_copy):
    first = open_index(corpus_copy).build_id
    kept = {c.name: c.id for c in chroma_client(corpus_copy).list_collections()}
    _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
    build_index(corpus_copy, progress=False)
    _edit_seed(corpus_copy, "采购计划完成率", "采购计划达成率")
    report = build_index(corpus_copy, progress=False)
    assert (report.build_id, report.rebuilt, report.embedded, open_index(corpus_copy).build_id) == (first, True, 0, first)
    now = {c.name: c.id for c in chroma_client(corpus_copy).list_collections()}
    assert {name: now[name] for name in kept if first in name} == {name: i for name, i in kept.items() if first in name}


def test_a_build_running_elsewhere_is_reported_with_its_progress_and_the_current_build_answers(corpus_copy, caplog):
    current = open_index(corpus_copy).build_id
    _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
    with BuildLock.acquire(corpus_copy.data_dir, "0123456789abcdef") as lock:
        lock.step("embedding (e5)", 120, 400)
        with pytest.raises(BuildInProgress, match=r"in progress \(pid \d+, started \d\d:\d\d:\d\d, embedding \(e5\) 120 of 400\)"):
            build_index(corpus_copy, progress=False)
        assert ensure_index(corpus_copy).build_id == current
    assert "in progress" in caplog.text and f"answering from the current build {current}" in caplog.text
    assert build_index(corpus_copy, progress=False).rebuilt  # the lock is free again


def test_a_command_leaves_a_large_rebuild_to_ingest_and_answers_from_the_current_build(corpus_copy, caplog):
    current = open_index(corpus_copy).build_id
    (corpus_copy.corpus_dir / "big.txt").write_text(large_article(FOREGROUND_EMBED_LIMIT), encoding="utf-8")
    assert ensure_index(corpus_copy).build_id == current
    assert "passage embeddings are to be computed; rebuild with: .venv/bin/python -m ingest" in caplog.text
    assert f"answering from the current build {current}" in caplog.text


def test_a_copy_of_an_article_is_indexed_once_with_a_warning_naming_both(corpus_copy, seed_index):
    seed = corpus_copy.corpus_dir / "000_c7806a285f499d96.txt"
    shutil.copy(seed, corpus_copy.corpus_dir / "copy.txt")
    report = build_index(corpus_copy, progress=False)
    assert report.skipped == (
        "corpus/copy.txt: the same text as corpus/000_c7806a285f499d96.txt; indexed once, as corpus/000_c7806a285f499d96.txt",
    )
    assert (report.rebuilt, report.chunks, open_index(corpus_copy).chunks) == (False, 522, seed_index.chunks)


def test_a_build_writes_its_tables_and_opening_reads_no_chunk_from_the_store(corpus_copy, seed_index, monkeypatch):
    _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
    built = build_index(corpus_copy, progress=False).build_id
    assert (tables_dir(corpus_copy, built) / "manifest.json").is_file()

    def no_store_reads(*args: object) -> None:
        raise AssertionError("open_index read the chunks from the store")

    monkeypatch.setattr(index_module, "tables_from_store", no_store_reads)
    index = open_index(corpus_copy)
    assert (index.build_id, len(index.chunks)) == (built, len(seed_index.chunks))
    assert "采购计划完成率" in answer("采购经理的KPI有哪些", index, load_catalog(corpus_copy.corpus_dir)).text


@pytest.mark.parametrize("damage", ["missing", "unreadable", "miscoded"])
def test_tables_missing_or_unreadable_are_read_from_the_store_and_written_again(corpus_copy, seed_index, damage):
    folder = tables_dir(corpus_copy, seed_index.build_id)
    if damage == "missing":
        shutil.rmtree(folder)
    elif damage == "unreadable":
        (folder / "chunks.json").write_text("{not json", encoding="utf-8")
    else:  # a repeated column is stored as its distinct values and a code per row: a code past them is damage
        columns = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        columns["role"]["codes"][0] = len(columns["role"]["values"])
        (folder / "chunks.json").write_text(json.dumps(columns, ensure_ascii=False), encoding="utf-8")
    index = open_index(corpus_copy)
    assert index.chunks == seed_index.chunks and index.idf == seed_index.idf
    for space in corpus_copy.spaces:
        assert np.array_equal(index.unit_vectors[space], seed_index.unit_vectors[space])
    assert np.array_equal(index.bm25_scores(["采购", "供应商"]), seed_index.bm25_scores(["采购", "供应商"]))
    assert (folder / "manifest.json").is_file() and json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
    reopened = open_index(corpus_copy)  # from the tables written again
    assert reopened.chunks == seed_index.chunks


def test_a_deleted_build_takes_its_tables_with_it(corpus_copy):
    first = open_index(corpus_copy).build_id
    client = chroma_client(corpus_copy)
    if LEASES_COLLECTION in collection_names(client):
        client.delete_collection(LEASES_COLLECTION)  # copied from the seed store along with the app's lease
    _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
    second = build_index(corpus_copy, progress=False).build_id
    assert tables_dir(corpus_copy, first).is_dir()  # the build it replaced stays, with its tables
    _edit_seed(corpus_copy, "采购计划完成率", "采购计划实现率")
    third = build_index(corpus_copy, progress=False).build_id
    assert _stored_builds(corpus_copy) == sorted({second, third})
    assert sorted(p.name for p in tables_dir(corpus_copy, first).parent.iterdir()) == sorted({second, third})


def test_index_lookups_agree_with_a_scan_of_every_chunk(seed_index):
    chunks = list(seed_index.chunks.values())
    assert list(seed_index.chunks) == [c.id for c in chunks] and len(seed_index.chunks) == len(chunks)
    for role in ("采购经理", "采购员", "商家合规专员"):
        assert seed_index.role_chunks(role) == [c for c in chunks if c.role_key == role]
    assert seed_index.role_chunks("没有这个岗位") == []
    for chunk in chunks[::37]:
        middle = (chunk.start + chunk.end) // 2
        held = next(c for c in chunks if c.source == chunk.source and c.start <= middle and middle + 1 <= c.end)
        assert seed_index.chunk_holding(chunk.source, middle, middle + 1) == held
    assert seed_index.chunk_holding("corpus/nowhere.txt", 0, 1) is None
    terms = ["供应商", "投诉", "roi"]
    assert seed_index.containing(terms) == [c for c in chunks if any(t in c.text.lower() for t in terms)]
    rows = seed_index.rows(["采购经理", "采购员"], ["KPI 指标"])
    expected = [i for i, c in enumerate(chunks) if c.role_key in ("采购经理", "采购员") and c.field == "KPI 指标"]
    assert rows.tolist() == expected and seed_index.rows() is None
