"""The eval set gates the suite: every scoreboard metric at or above its threshold in evals/thresholds.json."""

from __future__ import annotations

import json

from evals.ask_metrics import ask_metrics, run_ask_cases
from evals.match_metrics import match_metrics
from evals.runner import CASES_DIR, THRESHOLDS, ask_cases, below_thresholds, draft_metrics, load_jsonl


def test_answer_fidelity_on_the_test_split_meets_thresholds(seed_index, catalog, seed_settings):
    outcomes = run_ask_cases(ask_cases(CASES_DIR, "test"), seed_index, catalog, seed_settings.corpus_dir)
    report = ask_metrics(outcomes)
    thresholds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    assert report["cases"] >= 200
    assert below_thresholds(report, {k: v for k, v in thresholds.items() if k.removeprefix("max_") in report}) == []


def test_drafts_meet_thresholds(catalog):
    report = draft_metrics(load_jsonl(CASES_DIR / "jd.jsonl"), catalog)
    assert report == {"jd_citation_coverage": 1.0, "kpi_coverage": 1.0}


def test_matching_meets_thresholds(seed_index, catalog):
    report = match_metrics(load_jsonl(CASES_DIR / "match.test.jsonl"), seed_index, catalog)
    thresholds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    assert below_thresholds(report, {k: v for k, v in thresholds.items() if k.removeprefix("max_") in report}) == []


def test_thresholds_flag_a_metric_below_its_floor_or_above_its_ceiling():
    report = {"hit_at_1": 0.5, "must_contain": 0.9, "false_refusal": 0.05}
    bounds = {"hit_at_1": 0.9, "must_contain": 0.7, "max_false_refusal": 0.03}
    assert below_thresholds(report, bounds) == ["hit_at_1 = 0.5 < 0.9", "false_refusal = 0.05 > 0.03"]
