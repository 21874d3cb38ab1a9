"""Job descriptions and KPI sheets for all 30 roles: coverage per role, quote checks, drafting time.

Per role: sections present of the 7, lines (cited / saying the article is silent), quotes verified at their
spans, KPI items of the role's KPI 指标 covered by rows, red-line and note items covered (attached to a row or
listed under the sheet), rows with a target / direction / period from the text, and the drafting time.
Run from the repo root: `.venv/bin/python benchmarks/bench_jd.py [--repeat N]`. Reads only the corpus (no index).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter

from ingest.config import PROJECT_ROOT
from rag.catalog import RoleEntry, load_catalog
from rag.jd import KPI_FIELD, SECTION_TITLES, JobDescription, draft_jd
from rag.jd_text import SILENT

TARGET_MS = 200.0
COLUMNS = ("sections", "lines", "cited", "silent", "quotes ok", "KPI items", "in rows", "notes", "covered",
           "target", "dir", "period", "median ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="warm drafts per role to time")
    repeat = parser.parse_args().repeat
    started = time.perf_counter()
    catalog = load_catalog(PROJECT_ROOT / "corpus")
    print(f"catalog loaded in {1000 * (time.perf_counter() - started):.0f} ms (cold: parse the corpus)")
    totals: Counter[str] = Counter()
    times: list[float] = []
    print(f"{'role':<10} " + " ".join(f"{c:>9}" for c in COLUMNS))
    for name, entry in catalog.entries.items():
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            draft_jd(name, catalog)
            runs.append(1000 * (time.perf_counter() - t0))
        times += runs
        counts = coverage(draft_jd(name, catalog, extra=["用户补充的一行"]), entry)
        totals.update(counts)
        print(f"{name:<10} " + " ".join(f"{counts[c]:>9}" for c in COLUMNS[:-1]) + f" {statistics.median(runs):>9.2f}")
    print()
    print(f"sections present:                {_share(totals['sections'], 7 * len(catalog.entries))}")
    print(f"lines cited (others say silent): {_share(totals['cited'], totals['lines'] - totals['silent'])}")
    print(f"quotes verified at spans:        {_share(totals['quotes ok'], totals['quotes'])}")
    print(f"KPI items in rows:               {_share(totals['in rows'], totals['KPI items'])}")
    print(f"red-line / note items covered:   {_share(totals['covered'], totals['notes'])}")
    print(f"rows with target / direction / period from the text: {totals['target']} / {totals['dir']} / "
          f"{totals['period']} of {totals['in rows']}")  # fmt: skip
    worst = max(times)
    verdict = "ok" if worst <= TARGET_MS else "OVER TARGET"
    print(
        f"drafting time per role (warm, {repeat} runs × {len(catalog.entries)} roles): median "
        f"{statistics.median(times):.2f} ms, p95 {statistics.quantiles(times, n=20)[-1]:.2f} ms, "
        f"max {worst:.2f} ms — target ≤ {TARGET_MS:.0f} ms: {verdict}"
    )


def coverage(jd: JobDescription, entry: RoleEntry) -> Counter[str]:
    """The per-role figures of `COLUMNS` (and the number of quotes) for one draft."""
    text = entry.article.text
    lines = [b for s in jd.sections for b in s.items if not b.user_supplied]
    quotes = [c for b in lines for c in b.citations]
    field = entry.section.field(KPI_FIELD)
    items = [i for i in field.items if i.kind == "item"] if field else []
    notes = [i for i in field.items if i.kind == "note"] if field else []
    cited_items = {c.node_id for group in [r.citations for r in jd.kpi.rows] + [b.citations for b in jd.kpi.notes] for c in group}
    return Counter({
        "sections": len({s.title for s in jd.sections} & set(SECTION_TITLES)),
        "lines": len(lines),
        "cited": sum(1 for b in lines if b.citations),
        "silent": sum(1 for b in lines if not b.citations and SILENT in b.text),
        "quotes ok": sum(1 for c in quotes if text[c.start : c.end] == c.quote),
        "quotes": len(quotes),
        "KPI items": len(items),
        "in rows": sum(1 for i in items if i.id in {r.citations[0].node_id for r in jd.kpi.rows}),
        "notes": len(notes),
        "covered": sum(1 for n in notes if n.id in cited_items),
        "target": sum(1 for r in jd.kpi.rows if r.target),
        "dir": sum(1 for r in jd.kpi.rows if r.direction),
        "period": sum(1 for r in jd.kpi.rows if r.period),
    })  # fmt: skip


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "n/a"


if __name__ == "__main__":
    main()
