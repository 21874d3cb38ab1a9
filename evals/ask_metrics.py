"""Fidelity metrics of the question-answering path over one split of the ask cases (dev or test).

Every figure is measured on the answer a user sees: the role of its first citation, the phrases in its text,
whether a list cites every item of the field (node ids from the parsed tree), whether a comparison cites
every role, how many of the roles a which-roles question has the answer names, and refusals both ways.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ingest.index import Index
from ingest.parse import source_text
from rag.answer import Answer, answer
from rag.catalog import Catalog

LIST_KINDS = ("list_all", "jd_request")
ITEM_OPENING = 12  # characters of an item that show it is in an answer


@dataclass(frozen=True)
class AskOutcome:
    case: dict
    answer: Answer
    found: int  # must_contain phrases present in the answer
    quotes_exact: int
    complete: bool  # list-like cases: every item of the gold field is cited
    seconds: float

    @property
    def first_role(self) -> str | None:
        return self.answer.citations[0].role if self.answer.citations else None

    @property
    def cited_roles(self) -> list[str | None]:
        return [c.role for c in self.answer.citations]


def run_ask_cases(cases: list[dict], index: Index, catalog: Catalog, corpus_dir: Path) -> list[AskOutcome]:
    texts: dict[str, str] = {}
    outcomes = []
    for case in cases:
        started = time.perf_counter()
        result = answer(case["question"], index, catalog, history=case.get("history", []))
        seconds = time.perf_counter() - started
        exact = 0
        for c in result.citations:
            if c.source not in texts:
                texts[c.source] = source_text(corpus_dir / c.source.removeprefix("corpus/"))
            exact += texts[c.source][c.start : c.end] == c.quote
        outcomes.append(
            AskOutcome(
                case=case,
                answer=result,
                found=sum(p in result.text for p in case["must_contain"]),
                quotes_exact=exact,
                complete=is_complete(case, result, catalog),
                seconds=seconds,
            )
        )
    return outcomes


def ask_metrics(outcomes: list[AskOutcome]) -> dict[str, float]:
    """The gate's figures (flat keys, each a share in [0, 1] unless its name says otherwise)."""
    answerable = [o for o in outcomes if o.case["covered"]]
    with_role = [o for o in answerable if o.case["role"]]
    unanswerable = [o for o in outcomes if not o.case["covered"]]
    refused = [o for o in outcomes if not o.answer.covered]
    lists = [o for o in answerable if o.case["kind"] in LIST_KINDS]
    compares = [o for o in answerable if o.case["kind"] == "compare"]
    which = [o for o in answerable if o.case["kind"] == "which_roles"]
    described = [o for o in with_role if not o.case.get("names_role", True)]
    citations = sum(len(o.answer.citations) for o in outcomes)
    return {
        "cases": float(len(outcomes)),
        "hit_at_1": _share(sum(o.first_role == o.case["role"] for o in with_role), len(with_role)),
        "hit_at_1_zh": _hit_at_1([o for o in with_role if o.case["lang"] == "zh"]),
        "hit_at_1_en": _hit_at_1([o for o in with_role if o.case["lang"] == "en"]),
        "hit_at_1_described": _hit_at_1(described),
        "hit_at_5": _share(sum(o.case["role"] in o.cited_roles[:5] for o in with_role), len(with_role)),
        "must_contain": _share(sum(o.found for o in answerable), sum(len(o.case["must_contain"]) for o in answerable)),
        "list_complete": _share(sum(o.complete for o in lists), len(lists)),
        "compare_both": _share(sum(set(o.case["roles"]) <= set(o.cited_roles) for o in compares), len(compares)),
        "which_roles_recall": _mean([_recall(o) for o in which]),
        "citation_precision": _share(sum(o.quotes_exact for o in outcomes), citations),
        "citation_support": _share(*map(sum, zip(*(_support(o.answer) for o in outcomes)))) if outcomes else 1.0,
        "refusal_precision": _share(sum(not o.case["covered"] for o in refused), len(refused)),
        "refusal_recall": _share(sum(not o.answer.covered for o in unanswerable), len(unanswerable)),
        "false_refusal": _share(sum(not o.answer.covered for o in answerable), len(answerable)),
        "median_answer_chars": float(statistics.median([len(o.answer.text) for o in answerable] or [0])),
    }


def per_kind(outcomes: list[AskOutcome]) -> dict[str, dict[str, float]]:
    """By kind: cases, role hit@1, must-contain, refused share (what the report's category table shows)."""
    kinds: dict[str, list[AskOutcome]] = defaultdict(list)
    for o in outcomes:
        kinds[o.case["kind"]].append(o)
    table = {}
    for kind in sorted(kinds):
        rows = kinds[kind]
        with_role = [o for o in rows if o.case["role"] and o.case["covered"]]
        table[kind] = {
            "cases": float(len(rows)),
            **({"hit_at_1": _hit_at_1(with_role)} if with_role else {}),  # no gold role (which-roles, refusals): none
            "must_contain": _share(sum(o.found for o in rows), sum(len(o.case["must_contain"]) for o in rows)),
            "refused": _share(sum(not o.answer.covered for o in rows), len(rows)),
        }
    return table


def is_complete(case: dict, result: Answer, catalog: Catalog) -> bool:
    """A list-like case is complete when the answer holds every item of the gold role's gold field (its opening
    words: an item may be quoted in parts, and a system without citations is scored the same way)."""
    if case["kind"] not in LIST_KINDS or not case["role"] or case["role"] not in catalog.entries:
        return False
    field = catalog.entries[case["role"]].section.field(case["field"])
    wanted = [item.text[:ITEM_OPENING] for item in field.items if item.kind != "lead"] if field else []
    return bool(wanted) and all(opening in result.text for opening in wanted)


def _support(result: Answer) -> tuple[int, int]:
    """Answer sentences that carry citations, and how many of them are found in their cited spans."""
    cited = [(text, numbers) for text, numbers in result.segments if numbers]
    supported = sum(
        any(text.strip() in result.citations[n - 1].quote or result.citations[n - 1].quote in text for n in numbers)
        for text, numbers in cited
    )
    return supported, len(cited)


def _recall(o: AskOutcome) -> float:
    gold = set(o.case["roles"])
    return len(gold & set(o.cited_roles)) / len(gold) if gold else 1.0


def _hit_at_1(rows: list[AskOutcome]) -> float:
    return _share(sum(o.first_role == o.case["role"] for o in rows), len(rows))


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 1.0


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 1.0
