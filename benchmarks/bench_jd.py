"""Job descriptions and KPI sheets for all 30 roles: citation shares, KPI coverage, quote checks, drafting time.

Run from the repo root: `.venv/bin/python benchmarks/bench_jd.py [--repeat N]`. Reads only the corpus (no index).
"""

from __future__ import annotations

import argparse
import statistics
import time

from rag.catalog import load_catalog
from ingest.config import PROJECT_ROOT
from rag.jd import KPI_FIELD, draft_jd

TARGET_MS = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="warm drafts per role to time")
    repeat = parser.parse_args().repeat
    started = time.perf_counter()
    catalog = load_catalog(PROJECT_ROOT / "corpus")
    print(f"catalog loaded in {1000 * (time.perf_counter() - started):.0f} ms (cold: parse the corpus)")
    texts = {a.source: (PROJECT_ROOT / a.source).read_text(encoding="utf-8") for a in catalog.articles}
    totals = {"bullets": 0, "cited": 0, "kpi_items": 0, "kpi_rows": 0, "quotes": 0, "verified": 0}
    times: list[float] = []
    print(f"{'role':<12} {'bullets':>7} {'cited':>6} {'KPI items':>9} {'rows':>5} {'quotes ok':>10} {'median ms':>9} {'max ms':>7}")
    for name, entry in catalog.entries.items():
        jd = draft_jd(name, catalog, extra=["用户补充的一行"])
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            draft_jd(name, catalog)
            runs.append(1000 * (time.perf_counter() - t0))
        times += runs
        bullets = [b for s in jd.sections for b in s.items if not b.user_supplied]
        citations = [c for s in jd.sections for b in s.items for c in b.citations]
        field = entry.section.field(KPI_FIELD)
        items = [i.label for i in field.items if i.kind == "item"] if field else []
        rows = [r.name for r in jd.kpi.rows] if jd.kpi else []
        counts = {
            "bullets": len(bullets),
            "cited": sum(1 for b in bullets if b.citations),
            "kpi_items": len(items),
            "kpi_rows": sum(1 for name_ in items if name_ in rows),
            "quotes": len(citations),
            "verified": sum(1 for c in citations if texts[c.source][c.start : c.end] == c.quote),
        }
        for key, value in counts.items():
            totals[key] += value
        print(
            f"{name:<12} {counts['bullets']:>7} {counts['cited']:>6} {counts['kpi_items']:>9} {counts['kpi_rows']:>5} "
            f"{counts['verified']:>4}/{counts['quotes']:<5} {statistics.median(runs):>9.2f} {max(runs):>7.2f}"
        )
    print()
    print(f"bullets with a citation:  {_share(totals['cited'], totals['bullets'])}")
    print(f"KPI items covered:        {_share(totals['kpi_rows'], totals['kpi_items'])}")
    print(f"quotes verified at spans: {_share(totals['verified'], totals['quotes'])}")
    worst = max(times)
    verdict = "ok" if worst <= TARGET_MS else "OVER TARGET"
    print(
        f"drafting time per role (warm, {repeat} runs × {len(catalog.entries)} roles): median "
        f"{statistics.median(times):.2f} ms, p95 {statistics.quantiles(times, n=20)[-1]:.2f} ms, "
        f"max {worst:.2f} ms — target ≤ {TARGET_MS:.0f} ms: {verdict}"
    )


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "n/a"


if __name__ == "__main__":
    main()
