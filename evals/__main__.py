"""`python -m evals`: run the eval set, print one table, write evals/report.md and evals/report.json.

Exit code 1 when a metric falls below its threshold in evals/thresholds.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from evals.runner import CASES_DIR, THRESHOLDS, ask_cases, below_thresholds, render_table, run_all
from ingest.index import ensure_index
from rag.catalog import load_catalog
from rag.coverage import calibration
from ingest.config import load_settings, use_offline_env

REPORT_DIR = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    parser.add_argument("--cases", type=Path, default=CASES_DIR, help="folder of ask/jd/match .jsonl files")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="where report.md and report.json go")
    parser.add_argument("--calibrate", action="store_true", help="refit rag/calibration.json on the dev split first")
    args = parser.parse_args(argv)
    use_offline_env()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    index, catalog = ensure_index(settings), load_catalog(settings.corpus_dir)
    if args.calibrate:
        from evals.calibrate import calibrate  # scikit-learn: only the calibration needs it

        for lang, model in calibrate(ask_cases(args.cases, "dev"), index, catalog).items():
            print(f"calibrated {lang}: {model}", file=sys.stderr)
        calibration.cache_clear()
    report = run_all(args.cases, index, catalog, settings.corpus_dir)
    table = render_table(report)
    print(table)
    (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (args.out / "report.md").write_text(f"# RoleGuide eval report\n\n{table}\n", encoding="utf-8")
    failures = below_thresholds(report, json.loads(THRESHOLDS.read_text(encoding="utf-8")))
    for failure in failures:
        print(f"below threshold: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
