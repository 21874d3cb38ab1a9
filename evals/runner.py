"""Run every eval case file and gather the scoreboard's numbers.

The ask cases come in two splits: `ask.dev.jsonl` (tune and calibrate on it) and `ask.test.jsonl` (never tuned
on; the thresholds gate it). The report's top-level figures are the test split's; `dev` and `test` hold both
side by side, and `per_kind` the figures by category.
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.ask_metrics import ask_metrics, per_kind, run_ask_cases
from evals.match_metrics import match_metrics
from ingest.index import Index
from rag.catalog import Catalog
from rag.jd import KPI_FIELD, draft_jd, draft_kpi_sheet
from rag.jd_text import SILENT

CASES_DIR = Path(__file__).resolve().parent / "cases"
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


SPLITS = ("dev", "test")


def ask_cases(cases_dir: Path, split: str) -> list[dict]:
    return load_jsonl(cases_dir / f"ask.{split}.jsonl")


def run_all(cases_dir: Path, index: Index, catalog: Catalog, corpus_dir: Path) -> dict:
    splits = {split: run_ask_cases(ask_cases(cases_dir, split), index, catalog, corpus_dir) for split in SPLITS}
    report: dict = dict(ask_metrics(splits["test"]))
    report["dev"] = ask_metrics(splits["dev"])
    report["test"] = dict(report)
    report["test"].pop("dev")
    report["per_kind"] = {split: per_kind(outcomes) for split, outcomes in splits.items()}
    report.update(draft_metrics(load_jsonl(cases_dir / "jd.jsonl"), catalog))
    matching = {split: match_metrics(load_jsonl(cases_dir / f"match.{split}.jsonl"), index, catalog) for split in SPLITS}
    report.update(matching["test"])
    report["match"] = matching
    return report


def draft_metrics(cases: list[dict], catalog: Catalog) -> dict[str, float]:
    """JD bullets with a verified citation (lines saying the article is silent are uncited by design and not
    counted), and KPI items of each role that appear as rows of its sheet."""

    bullets = cited = items = covered = 0
    for case in cases:
        entry = catalog.role(case["role"])
        text = entry.article.text
        jd = draft_jd(case["role"], catalog)
        for section in jd.sections:
            for bullet in section.items:
                if SILENT in bullet.text and not bullet.citations:
                    continue
                bullets += 1
                cited += bool(bullet.citations) and all(text[c.start : c.end] == c.quote for c in bullet.citations)
        field = entry.section.field(KPI_FIELD)
        if field is None:
            continue
        rows = {c.start for row in draft_kpi_sheet(case["role"], catalog).rows for c in row.citations}
        kpis = [i for i in field.items if i.kind == "item"]
        items += len(kpis)
        covered += sum(i.start in rows for i in kpis)
    return {
        "jd_citation_coverage": round(cited / bullets, 4) if bullets else 1.0,
        "kpi_coverage": round(covered / items, 4) if items else 1.0,
    }


def below_thresholds(report: dict, thresholds: dict[str, float]) -> list[str]:
    """Each gated figure on the wrong side of its threshold (`max_…` keys are ceilings, the rest floors)."""
    failures = []
    for key, bound in thresholds.items():
        name = key.removeprefix("max_")
        value = report[name]
        if (value > bound) if key.startswith("max_") else (value < bound):
            failures.append(f"{name} = {value} {'>' if key.startswith('max_') else '<'} {bound}")
    return failures


def render_table(report: dict) -> str:
    """The figures, dev and test side by side, then by category; drafting and matching figures last."""
    lines = ["| metric | dev | test |", "|---|---|---|"]
    lines += [f"| {key} | {report['dev'][key]:g} | {value:g} |" for key, value in report["test"].items()]
    for split in SPLITS:
        lines += ["", f"**By category ({split})**", "", "| kind | cases | hit@1 | must_contain | refused |", "|---|---|---|---|---|"]
        lines += [
            "| " + " | ".join([kind, *(_cell(row, key) for key in ("cases", "hit_at_1", "must_contain", "refused"))]) + " |"
            for kind, row in report["per_kind"][split].items()
        ]
    lines += ["", "**Matching**", "", "| metric | dev | test |", "|---|---|---|"]
    lines += [f"| {key} | {report['match']['dev'].get(key, float('nan')):g} | {value:g} |" for key, value in report["match"]["test"].items()]
    drafts = [key for key in ("jd_citation_coverage", "kpi_coverage") if key in report]
    lines += ["", "| metric | value |", "|---|---|"] + [f"| {key} | {report[key]:g} |" for key in drafts]
    return "\n".join(lines)


def _cell(row: dict[str, float], key: str) -> str:
    return f"{row[key]:g}" if key in row else "—"
