"""Ingest and query timings on the shipped corpus; prints numbers (no assertions).

    .venv/bin/python benchmarks/bench_ask.py

Cold ingest uses a fresh data folder (no embedding cache); then an unchanged re-run; then one role's text
changed; then query latency (retrieval + answer, models loaded) over evals/cases/ask.dev.jsonl and ask.test.jsonl.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from evals.runner import CASES_DIR, load_jsonl
from ingest.index import build_index, open_index
from rag.answer import answer
from rag.catalog import load_catalog
from ingest.config import PROJECT_ROOT, Settings


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(PROJECT_ROOT / "corpus", corpus)
        settings = Settings(corpus_dir=corpus, data_dir=Path(tmp) / "data")
        cold = build_index(settings, progress=False)
        unchanged = build_index(settings, progress=False)
        seed = next(corpus.glob("*.txt"))
        seed.write_text(seed.read_text(encoding="utf-8").replace("采购计划达成率", "采购计划完成率"), encoding="utf-8")
        one_role = build_index(settings, progress=False)
        print(f"ingest cold: {cold.seconds:.1f} s ({cold.roles} roles, {cold.chunks} chunks, {cold.embedded} embedded)")
        print(f"ingest unchanged: {unchanged.seconds:.2f} s")
        print(f"ingest after one role changed: {one_role.seconds:.2f} s ({one_role.embedded} embedded)")

        index, catalog = open_index(settings), load_catalog(corpus)
        cases = load_jsonl(CASES_DIR / "ask.dev.jsonl")
        for case in cases[:5]:  # warm-up: models and jieba loaded
            answer(case["question"], index, catalog)
        timings = {"zh": [], "en": []}
        for case in cases:
            started = time.perf_counter()
            answer(case["question"], index, catalog, history=case["history"])
            timings[case["lang"]].append((time.perf_counter() - started) * 1000)
        everything = sorted(timings["zh"] + timings["en"])
        for name, values in (("all", everything), ("zh", sorted(timings["zh"])), ("en", sorted(timings["en"]))):
            p95 = values[int(0.95 * (len(values) - 1))]
            print(f"query {name} (n={len(values)}): p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
