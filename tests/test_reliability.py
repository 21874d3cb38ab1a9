"""Bad input and load: damaged stores, bad corpus files, concurrent questions, re-indexing while serving."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest.index import IndexUnavailable, build_index, ensure_index, open_index
from rag.answer import answer
from rag.catalog import load_catalog
from tests.conftest import load_cases


def test_damaged_store_is_reported_then_set_aside_and_rebuilt(corpus_copy):
    (corpus_copy.data_dir / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        open_index(corpus_copy)
    index = ensure_index(corpus_copy)
    assert len(index.chunks) == 522
    assert sorted(p.name.split("-")[0] for p in corpus_copy.data_dir.iterdir()) == [
        "chroma",
        "chroma.unreadable",
        "embedding_cache.sqlite",
    ]


def test_damaged_embedding_cache_is_started_afresh(corpus_copy):
    (corpus_copy.data_dir / "embedding_cache.sqlite").write_bytes(b"junk" * 100)
    seed = corpus_copy.corpus_dir / "000_c7806a285f499d96.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build_index(corpus_copy, progress=False)
    assert (report.rebuilt, report.embedded) == (True, 1040)


def test_bad_corpus_files_are_skipped_by_name_and_the_rest_indexed(corpus_copy):
    (corpus_copy.corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    (corpus_copy.corpus_dir / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (corpus_copy.corpus_dir / "notes.md").write_text("随手记下的几句话,没有任何编号小节。\n", encoding="utf-8")
    report = build_index(corpus_copy, progress=False)
    assert report.roles == 30
    assert sorted(s.split(":")[0] for s in report.skipped) == ["corpus/empty.txt", "corpus/latin1.txt", "corpus/notes.md"]


def test_fifty_concurrent_questions_get_the_sequential_answers(seed_index, catalog):
    questions = [case["question"] for case in load_cases("ask.jsonl")][:50]
    sequential = [answer(q, seed_index, catalog) for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        concurrent = list(pool.map(lambda q: answer(q, seed_index, catalog), questions))
    assert concurrent == sequential


def test_reindexing_while_serving_never_serves_a_half_built_index(corpus_copy):
    catalog = load_catalog(corpus_copy.corpus_dir)
    old = open_index(corpus_copy)
    seed = corpus_copy.corpus_dir / "000_c7806a285f499d96.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("采购计划达成率", "采购计划完成率"), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            index = open_index(corpus_copy)
            result = answer("采购经理的KPI有哪些?", index, catalog)
            seen.append((index.build_id, len(index.chunks), len(result.citations)))

    reader = threading.Thread(target=serve)
    reader.start()
    try:
        new = build_index(corpus_copy, progress=False)
    finally:
        done.set()
        reader.join()
    assert {build for build, _, _ in seen} <= {old.build_id, new.build_id}
    assert {(chunks, cited) for _, chunks, cited in seen} == {(522, 5)}
