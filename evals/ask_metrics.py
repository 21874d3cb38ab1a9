"""Fidelity metrics of the question-answering path over evals/cases/ask.jsonl."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ingest.index import Index
from rag.answer import Answer, answer
from rag.question import read_question
from rag.catalog import Catalog
from rag.retrieve import retrieve


@dataclass(frozen=True)
class AskOutcome:
    case: dict
    answer: Answer
    roles_top5: tuple[str | None, ...]
    found: int  # must_contain phrases present in the answer
    quotes_exact: int
    sentences_supported: int
    sentences: int
    seconds: float


def run_ask_cases(cases: list[dict], index: Index, catalog: Catalog, corpus_dir: Path) -> list[AskOutcome]:
    texts: dict[str, str] = {}
    outcomes = []
    for case in cases:
        started = time.perf_counter()
        result = answer(case["question"], index, catalog, history=case.get("history", []))
        seconds = time.perf_counter() - started
        q = read_question(case["question"], catalog, history=case.get("history", []))
        hits = retrieve(q.text, index, k=5, roles=q.roles or None)
        exact = 0
        for c in result.citations:
            if c.source not in texts:
                texts[c.source] = (corpus_dir / c.source.removeprefix("corpus/")).read_text(encoding="utf-8")
            exact += texts[c.source][c.start : c.end] == c.quote
        supported, sentences = _support(result)
        outcomes.append(
            AskOutcome(
                case=case,
                answer=result,
                roles_top5=tuple(h.chunk.role for h in hits),
                found=sum(p in result.text for p in case["must_contain"]),
                quotes_exact=exact,
                sentences_supported=supported,
                sentences=sentences,
                seconds=seconds,
            )
        )
    return outcomes


def ask_metrics(outcomes: list[AskOutcome]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.case["covered"]]
    with_role = [o for o in answerable if o.case["role"]]
    unanswerable = [o for o in outcomes if not o.case["covered"]]
    refused = [o for o in outcomes if not o.answer.covered]
    phrases = sum(len(o.case["must_contain"]) for o in answerable)
    citations = sum(len(o.answer.citations) for o in outcomes)
    sentences = sum(o.sentences for o in outcomes)
    return {
        "cases": float(len(outcomes)),
        "hit_at_1": _share(sum(o.roles_top5[:1] == (o.case["role"],) for o in with_role), len(with_role)),
        "hit_at_5": _share(sum(o.case["role"] in o.roles_top5 for o in with_role), len(with_role)),
        "must_contain": _share(sum(o.found for o in answerable), phrases),
        "citation_precision": _share(sum(o.quotes_exact for o in outcomes), citations),
        "citation_support": _share(sum(o.sentences_supported for o in outcomes), sentences),
        "refusal_precision": _share(sum(not o.case["covered"] for o in refused), len(refused)),
        "refusal_recall": _share(sum(not o.answer.covered for o in unanswerable), len(unanswerable)),
    }


def _support(result: Answer) -> tuple[int, int]:
    """Answer sentences that carry citations, and how many of them are found in their cited spans."""
    cited = [(text, numbers) for text, numbers in result.segments if numbers]
    supported = sum(
        any(text.strip() in result.citations[n - 1].quote or result.citations[n - 1].quote in text for n in numbers)
        for text, numbers in cited
    )
    return supported, len(cited)


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 1.0
