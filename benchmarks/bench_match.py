"""Role matching on evals/cases/match.jsonl: top-1 / top-3 accuracy, quote checks and matching time per profile.

Run from the repo root: `.venv/bin/python benchmarks/bench_match.py [--repeat N] [--cases FILE]`. Builds the index
in the default data dir if it is missing (`.venv/bin/python -m ingest` does the same). A top-k hit is any
acceptable role among the first k. Times are warm: the first profile pays for loading the role table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from ingest.index import ensure_index
from rag.catalog import load_catalog
from ingest.config import PROJECT_ROOT, load_settings
from rag.match import rank_roles

TARGET_TOP3 = 0.85
TARGET_MS = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per profile to time")
    parser.add_argument("--cases", type=Path, default=PROJECT_ROOT / "evals/cases/match.jsonl", help="JSONL profiles")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = load_settings()
    index, catalog = ensure_index(settings), load_catalog(settings.corpus_dir)
    texts = {a.source: a.text for a in catalog.articles}
    started = time.perf_counter()
    rank_roles(cases[0]["profile"], index, catalog)
    print(f"first match (cold: role table and models) {1000 * (time.perf_counter() - started):.0f} ms")
    top1 = top3 = quotes = verified = 0
    times: list[float] = []
    print(f"{'id':<10} {'lang':<4} {'hit':<5} {'median ms':>9}  top 3 (acceptable)")
    for case in cases:
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            matches = rank_roles(case["profile"], index, catalog)
            runs.append(1000 * (time.perf_counter() - t0))
        times += runs
        ranked = [m.role for m in matches]
        acceptable = set(case["acceptable"])
        hit = "top1" if ranked[0] in acceptable else "top3" if acceptable & set(ranked[:3]) else "miss"
        top1 += hit == "top1"
        top3 += hit != "miss"
        citations = [e.citation for m in matches for e in m.evidence] + [g for m in matches for g in m.gaps]
        quotes += len(citations)
        verified += sum(1 for c in citations if texts[c.source][c.start : c.end] == c.quote)
        print(
            f"{case['id']:<10} {case['lang']:<4} {hit:<5} {statistics.median(runs):>9.1f}  "
            f"{' > '.join(ranked[:3])} ({' / '.join(case['acceptable'])})"
        )
    n = len(cases)
    print()
    print(f"top-1 accuracy: {top1}/{n} = {top1 / n:.3f}")
    print(f"top-3 accuracy: {top3}/{n} = {top3 / n:.3f} — target ≥ {TARGET_TOP3}: {'ok' if top3 / n >= TARGET_TOP3 else 'BELOW'}")
    print(f"quotes verified at spans: {verified}/{quotes}")
    median = statistics.median(times)
    print(
        f"matching time per profile (warm, {args.repeat} runs × {n}): median {median:.1f} ms, "
        f"p95 {statistics.quantiles(times, n=20)[-1]:.1f} ms, max {max(times):.1f} ms — "
        f"target median ≤ {TARGET_MS:.0f} ms: {'ok' if median <= TARGET_MS else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
