"""Matching figures on profile cases (`match.dev.jsonl`, `match.test.jsonl`, or the older `match.jsonl`).

- `match_top1` / `match_top3`: an acceptable role first / among the first three;
- `match_top1_<kind>`: top-1 for each kind of profile in the file (graduate, colloquial, mid, senior, …);
- `match_level_first`: of the mid and senior profiles, the share whose first role is at their level — a role
  whose title has that rank (经理/主管 for mid, 总监 for senior), or one whose title has no rank at all
  (电商技术开发, 电商数据分析师: the article gives those no level, so they fit any);
- `match_false_gaps`: gaps, over the first three roles of every profile, that name a skill the case says the
  profile has (`has_skills`): the skill inside the gap's words or the gap's words inside the skill, ignoring a
  trailing 能力/知识 and letter case. It must be 0;
- `match_quotes_exact`: the share of evidence and gap citations whose quote is the article's text at its span.
Cases written without `kind`, `level` or `has_skills` (the older file) count only where they can.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.index import Index
from rag.catalog import Catalog
from rag.match import RoleMatch, rank_roles

BAND_RANKS = {"entry": 1, "mid": 2, "senior": 3}
_SUFFIXES = ("能力", "知识")


def match_metrics(cases: Sequence[dict], index: Index, catalog: Catalog) -> dict[str, float]:
    texts = {a.source: a.text for a in catalog.articles}
    outcomes = [(case, rank_roles(case["profile"], index, catalog, top=3)) for case in cases]
    kinds = sorted({case["kind"] for case in cases if "kind" in case})
    leveled = [(case, ranked) for case, ranked in outcomes if case.get("level") in ("mid", "senior")]
    citations = [c for _, ranked in outcomes for m in ranked for c in (*(e.citation for e in m.evidence), *m.gaps)]
    report = {
        "match_top1": _share([_top1(case, ranked) for case, ranked in outcomes]),
        "match_top3": _share([bool(set(case["acceptable"]) & {m.role for m in ranked}) for case, ranked in outcomes]),
    }
    report |= {f"match_top1_{kind}": _share([_top1(c, r) for c, r in outcomes if c.get("kind") == kind]) for kind in kinds}
    report["match_level_first"] = _share([bool(r) and at_level(r[0], BAND_RANKS[c["level"]]) for c, r in leveled])
    report["match_false_gaps"] = float(sum(len(false_gaps(case, ranked)) for case, ranked in outcomes))
    report["match_quotes_exact"] = _share([texts[c.source][c.start : c.end] == c.quote for c in citations])
    return report


def at_level(match: RoleMatch, rank: int) -> bool:
    return match.level is None or match.level == rank


def false_gaps(case: dict, ranked: Sequence[RoleMatch]) -> list[tuple[str, str, str]]:
    """(role, gap, skill) for every gap of the ranked roles that names one of the case's `has_skills`."""
    skills = [(skill, _core(skill)) for skill in case.get("has_skills", [])]
    found = []
    for match in ranked:
        for gap in match.gaps:
            core = _core(gap.quote)
            found += [(match.role, gap.quote, skill) for skill, s in skills if s and core and (s in core or core in s)]
    return found


def _core(text: str) -> str:
    text = text.strip().lower()
    for suffix in _SUFFIXES:
        text = text.removesuffix(suffix)
    return text


def _top1(case: dict, ranked: Sequence[RoleMatch]) -> bool:
    return bool(ranked) and ranked[0].role in case["acceptable"]


def _share(hits: Sequence[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else 1.0
