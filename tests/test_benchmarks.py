"""The benchmarks' pure helpers: the replicated-corpus writer, the baseline splitter and role mapping, percentiles.

The benchmark scripts import each other as `bench_*` (they run as `python benchmarks/<script>.py`), so the
folder goes on the path here the way it does for them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ingest.parse import Article, load_corpus
from ingest.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

from bench_baseline import CHUNK_SIZE, latency_ms, role_at, split_baseline  # noqa: E402
from bench_scale import write_replicated_corpus  # noqa: E402

SEED_NAME = "000_c7806a285f499d96"


def test_replicated_corpus_has_copies_with_distinct_titles_under_distinct_sources(tmp_path: Path) -> None:
    corpus = write_replicated_corpus(PROJECT_ROOT / "corpus", tmp_path / "corpus", 2)
    assert sorted(p.name for p in corpus.iterdir()) == [
        f"copy_001_{SEED_NAME}.meta.json",
        f"copy_001_{SEED_NAME}.txt",
        f"copy_002_{SEED_NAME}.meta.json",
        f"copy_002_{SEED_NAME}.txt",
    ]
    articles, problems = load_corpus(corpus)
    seed = (PROJECT_ROOT / "corpus" / f"{SEED_NAME}.txt").read_text(encoding="utf-8")
    assert problems == []
    assert [a.source for a in articles] == [f"corpus/copy_001_{SEED_NAME}.txt", f"corpus/copy_002_{SEED_NAME}.txt"]
    title, rest = seed.split("\n", 1)
    assert [a.text for a in articles] == [f"{title}(副本 1)\n{rest}", f"{title}(副本 2)\n{rest}"]
    assert articles[0].aliases == articles[1].aliases != ()


def test_baseline_chunks_are_spans_of_the_article_within_the_chunk_size(seed_article: Article) -> None:
    documents = split_baseline([seed_article])
    starts = [d.metadata["start_index"] for d in documents]
    assert max(len(d.page_content) for d in documents) <= CHUNK_SIZE
    assert all(seed_article.text[s : s + len(d.page_content)] == d.page_content for s, d in zip(starts, documents))
    assert starts == sorted(starts)
    assert [d.metadata["role"] for d in documents] == [role_at(seed_article, s) or "" for s in starts]
    assert {d.metadata["source"] for d in documents} == {seed_article.source}


def test_role_at_reads_the_role_section_spans(seed_article: Article) -> None:
    first, second = seed_article.roles[:2]
    offsets = [0, first.start, first.end - 1, second.start]
    assert [role_at(seed_article, o) for o in offsets] == [None, first.name, first.name, second.name]


def test_latency_percentiles_in_milliseconds() -> None:
    assert latency_ms([n / 1000 for n in range(1, 101)]) == {"p50_ms": 50.5, "p95_ms": 95.0}
