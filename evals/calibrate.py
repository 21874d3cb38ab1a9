"""Fit the "covered or not" model on the dev split: one logistic model per language over `CoverageSignals`.

Platt-style: scikit-learn's LogisticRegression on the signals of every dev question whose topic the article
could cover (questions on a topic it never covers are refused before the model), then the threshold that
refuses the most unanswerable dev questions while refusing at most `MAX_FALSE_REFUSAL` of the answerable ones.
The result goes to `rag/calibration.json`, the one file the answerer reads. The test split is never read here.
"""

from __future__ import annotations

import json

import numpy as np
from sklearn.linear_model import LogisticRegression

from ingest.index import Index
from rag.answer import scope_question
from rag.catalog import Catalog
from rag.coverage import CALIBRATION, coverage_signals

MAX_FALSE_REFUSAL = 0.02


def calibrate(cases: list[dict], index: Index, catalog: Catalog) -> dict:
    """Fit, write and return {"zh": model, "en": model}, each {"weights", "bias", "threshold", "cases"}."""
    rows: dict[str, list[tuple[list[float], bool]]] = {"zh": [], "en": []}
    for case in cases:
        q, evidence = scope_question(case["question"], index, catalog, history=case.get("history", []))
        signals = coverage_signals(q, evidence, index, catalog)
        if not signals.topics and not (q.asks_self and not q.roles):
            rows["zh" if q.lang == "zh" else "en"].append((signals.features(), bool(case["covered"])))
    fitted = {lang: _fit(data) for lang, data in rows.items() if len({y for _, y in data}) == 2}
    CALIBRATION.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
    return fitted


def _fit(data: list[tuple[list[float], bool]]) -> dict:
    x = np.array([features for features, _ in data])
    y = np.array([covered for _, covered in data])
    model = LogisticRegression(class_weight="balanced", C=1.0).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    threshold = _threshold(p, y)
    return {
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "threshold": round(threshold, 6),
        "cases": int(len(y)),
        "refused_unanswerable": int(np.sum((p < threshold) & ~y)),
        "unanswerable": int(np.sum(~y)),
        "refused_answerable": int(np.sum((p < threshold) & y)),
        "answerable": int(np.sum(y)),
    }


def _threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The highest probability cut whose false refusals stay within MAX_FALSE_REFUSAL (transformers' find_best_thresh
    scans the sorted scores the same way)."""
    allowed = int(MAX_FALSE_REFUSAL * np.sum(y))
    answerable = np.sort(p[y])
    return float(answerable[allowed]) if len(answerable) > allowed else 0.5
