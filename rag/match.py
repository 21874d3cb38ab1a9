"""Job-seeker profile → the roles that suit it, with the passages that matched and the abilities still to show.

Each role is scored on
- content: every profile sentence is compared with the role's passages (职责职能, 运作手法, 岗位描述 and the
  对自身 item of 影响分析) — dense, with the best passage per sentence averaged over sentences, and, for
  Chinese, BM25 over the whole profile; both standardised across the roles;
- level: the seniority the profile shows (years, graduate, managing people) against the role's level
  (总监 > 经理/主管/管理 > 专员…), so a graduate is not sent to a 总监 role nor a ten-year manager only to 专员;
- the article's own hints: its navigation (文章导航: which chapter suits whom) and 基础岗 for beginners;
- the caller's company type (直营 / 平台型) and preference for management or hands-on work.

A profile is personal data: it only lives in memory here. Nothing in this module logs it or writes it anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np

from ingest.chunk import Chunk, Citation
from ingest.index import Index, tokenize
from ingest.parse import Article, Item
from rag.careers import CareerEdge, career_graph, next_steps, role_level
from rag.catalog import Catalog
from rag.question import detect_lang

Preference = Literal["management", "hands-on"]

PASSAGE_FIELDS = ("职责职能", "运作手法", "岗位描述", "影响分析")
MAX_SENTENCES = 12  # a longer profile is read up to its 12th sentence
MAX_EVIDENCE = 3
EVIDENCE_MARGIN = 0.03  # evidence is within this cosine similarity of the role's best pair

# Weights of the score terms; content terms are z-scores across roles (one unit = one standard deviation).
W_LEXICAL = 0.5
W_TOO_SENIOR = 1.2  # per level the role sits above the profile, beyond half a level
W_TOO_JUNIOR = 0.8  # per level the role sits below it
W_HINT = 0.4  # the chapter the navigation recommends for what the profile mentions
W_ENTRY = 0.3  # 基础岗 for a beginner
BEGINNER_LEVEL = 1.2  # a graduate, or up to two years of experience
W_PREFERENCE = 0.6
W_TYPE_MATCH, W_TYPE_OTHER = 0.3, -2.0  # a role only the other company type has
GAP_Z = 1.0  # an ability this many standard deviations closer to the profile than the average ability is shown

_SENTENCE = re.compile(r"[。;；!！?？\n]+|(?<=[a-z0-9\)])\.(?:\s+|$)")
_CN_NUMBER = {c: n for n, c in enumerate("零一二三四五六七八九十", 0)} | {"两": 2}
_EN_NUMBER = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_YEARS = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*(?P<more>多|几|余)?\s*年(?![级代底初度])"
    rf"|(?P<en>\d+(?:\.\d+)?|{'|'.join(_EN_NUMBER)})\+?\s*(?:years?|yrs?)\b",
    re.I,
)
_GRADUATE = re.compile(
    r"应届|毕业生|刚毕业|在校|实习|研究生|本科生|学生|fresh graduate|recent graduate|new graduate|graduate\b"
    r"|student|intern(?:ship)?\b|master'?s\b|bachelor",
    re.I,
)
_MANAGES = re.compile(
    r"带(?:过|了|领)?[^,，。]{0,10}?(?:团队|小组|人)|管(?:过|理过)?[^,，。]{0,8}?\d*[一二两三四五六七八九十几多]*(?:个)?人"
    r"|(?:担任|现任|当过|做过|是)[^,，。]{0,6}?(?:主管|经理)|组长|负责人|一把手|总监"
    r"|\b(?:led|lead|leading|managed?|managing|supervis\w*|head of|director|manager)\b|team of",
    re.I,
)
_TOP = re.compile(r"一把手|总监|副总|\bhead of\b|\bdirector\b|\bvp\b|chief", re.I)
_ASKS = re.compile(r"(?:需|需要|要求)(?:从业者)?(?:同时)?(?:具备|熟悉|精通)|(?<![可速])熟悉")
_ASK_LIST_END = re.compile(r"[,，。;；]")
_LEADERSHIP = re.compile(r"领导|团队管理|统筹")
_ENTRY = re.compile(r"基础(?:入门)?岗")
_ASK_SPLIT = re.compile(r"、|与|和|及")
_MODIFIER = re.compile(r"(?:较强的|良好的|扎实的|深厚的|全面的|细致的|出色的|严谨的)")
_NAV = re.compile(r"^\d+\.\s*(?P<name>[^(（]+)[(（](?P<audience>[^)）]+)[)）]$")
_GENERIC = frozenset("电商 岗 岗位 角色 解析 深度 核心 相关 能力 具备".split())
_AUDIENCE_GENERIC = _GENERIC | frozenset("适合 从业 业者 从业者 人员 企业 管理 管理者 企业管理者".split())


class EmptyProfile(ValueError):
    """The profile has no text to match."""

    def __init__(self) -> None:
        super().__init__("the profile is empty: describe your studies, experience, skills and what you like doing")


@dataclass(frozen=True)
class Seniority:
    years: float | None  # the longest stated experience
    graduate: bool
    manages: bool
    level: float  # 1 (entry) … 3 (director), on the scale of `careers.role_level`


@dataclass(frozen=True)
class Evidence:
    sentence: str  # the profile's sentence (memory only)
    citation: Citation  # the role's passage it matched
    similarity: float


@dataclass(frozen=True)
class RoleMatch:
    role: str
    score: float  # higher is better; comparable within one profile's ranking
    level: int  # the role's level (3 总监, 2 经理/主管/管理, 1 专员…)
    evidence: tuple[Evidence, ...]
    gaps: tuple[Citation, ...]  # abilities the role's 对自身 asks for that the profile does not show
    next_steps: tuple[CareerEdge, ...]  # where the role leads, from the career map


@dataclass(frozen=True)
class _Roles:
    """What matching needs from one index build and catalog, computed once."""

    names: list[str]
    passages: list[Chunk]
    owner: np.ndarray  # role number of each passage
    vectors: dict[str, np.ndarray]  # space → unit passage vectors
    bm25_rows: np.ndarray  # each passage's row in index.bm25
    levels: np.ndarray
    entry: np.ndarray  # 基础岗 / 基础入门岗
    modes: list[str | None]
    hints: list[tuple[frozenset[str], np.ndarray]]  # navigation audience words → roles of that chapter
    abilities: list[Citation]  # what each role's 对自身 asks for, all roles in order
    ability_owner: np.ndarray
    ability_words: list[frozenset[str]]
    ability_vectors: np.ndarray  # passage vectors, in the first query space
    leadership: np.ndarray  # abilities that managing people shows (领导力, 团队管理能力, 统筹…)
    graph: nx.DiGraph


def read_seniority(profile: str) -> Seniority:
    """How senior a profile reads: years of experience, graduate or not, managing people or not."""
    years = [y for m in _YEARS.finditer(profile) if (y := _years(m)) is not None and y <= 45]
    graduate = bool(_GRADUATE.search(profile))
    manages = bool(_MANAGES.search(profile))
    # 1 up to a year, +0.15 a year after (2 at about 8 years, 3 from 14), +0.4 for managing people, +0.3 for a
    # top title; a profile that states neither years nor studies sits between 专员 and 经理.
    if years:
        level = 1.0 + max(0.0, max(years) - 1.0) * 0.15
    else:
        level = 1.0 if graduate else 1.6
    level += 0.4 * manages + 0.3 * bool(_TOP.search(profile))
    return Seniority(max(years) if years else None, graduate and not years, manages, round(min(3.0, level), 2))


def rank_roles(
    profile: str,
    index: Index,
    catalog: Catalog,
    *,
    top: int = 5,
    company_type: str | None = None,
    prefer: Preference | None = None,
) -> list[RoleMatch]:
    """The `top` roles that best suit the profile, best first, each with its evidence, gaps and next steps.

    `company_type` 直营 or 平台型 moves down the roles only the other model has (通用 or None: no change);
    `prefer` favours 经理/总监-level roles ("management") or 专员-level ones ("hands-on")."""
    if prefer not in (None, "management", "hands-on"):
        raise ValueError(f"prefer must be 'management' or 'hands-on', not {prefer!r}")
    sentences = profile_sentences(profile)
    if not sentences:
        raise EmptyProfile()
    roles = _roles(index, catalog)
    lang = detect_lang(profile)
    queries = {space: _embed_queries(sentences, index, space) for space in index.settings.query_spaces(lang)}
    similarity = {space: q @ roles.vectors[space].T for space, q in queries.items()}
    score = np.mean([_standardise(_best_per_sentence(s, roles).mean(axis=0)) for s in similarity.values()], axis=0)
    tokens = set(tokenize(profile)) if lang == "zh" else set()
    if tokens:
        score += W_LEXICAL * _standardise(_lexical(tokens, index, roles))
    seniority = read_seniority(profile)
    score += _level_fit(seniority, roles) + _hints(tokens, roles) + _preferences(roles, company_type, prefer)
    first = next(iter(queries))
    shown = _abilities_shown(queries[first], tokens, seniority.manages, roles)
    return [
        _role_match(int(r), float(score[r]), sentences, similarity[first], shown, roles)
        for r in np.argsort(-score, kind="stable")[:top]
    ]


def profile_sentences(profile: str) -> list[str]:
    """The profile cut at sentence ends (Chinese or English), up to MAX_SENTENCES."""
    parts = (p.strip(" ,，、") for p in _SENTENCE.split(profile))
    return [p for p in parts if len(p) >= 2][:MAX_SENTENCES]


def _years(m: re.Match[str]) -> float | None:
    raw = (m.group("n") or m.group("en")).lower()
    if raw in _EN_NUMBER:
        return float(_EN_NUMBER[raw])
    if raw[0].isdigit():
        return float(raw)
    value = _chinese_number(raw)
    return None if value is None else value + {"几": 3.0, "多": 0.5, "余": 0.5}.get(m.group("more") or "", 0.0)


def _chinese_number(text: str) -> float | None:
    """一 … 九十九 (两 included); None for anything else."""
    if not all(c in _CN_NUMBER for c in text):
        return None
    if "十" not in text:
        return float(_CN_NUMBER[text]) if len(text) == 1 else None
    tens, _, ones = text.rpartition("十")
    return float((_CN_NUMBER[tens] if tens else 1) * 10 + (_CN_NUMBER[ones] if ones else 0))


def _embed_queries(sentences: Sequence[str], index: Index, space: str) -> np.ndarray:
    model = index.embeddings(space)
    return _unit(np.asarray([model.embed_query(s) for s in sentences], dtype=np.float32))


def _best_per_sentence(similarity: np.ndarray, roles: _Roles) -> np.ndarray:
    """sentences × roles: each sentence's similarity to its closest passage of the role."""
    best = np.full((similarity.shape[0], len(roles.names)), -1.0, dtype=np.float32)
    np.maximum.at(best.T, roles.owner, similarity.T)
    return best


def _lexical(tokens: set[str], index: Index, roles: _Roles) -> np.ndarray:
    scores = index.bm25.get_scores(sorted(tokens))[roles.bm25_rows]
    best = np.zeros(len(roles.names))
    np.maximum.at(best, roles.owner, scores)
    return best


def _level_fit(seniority: Seniority, roles: _Roles) -> np.ndarray:
    above = np.clip(roles.levels - seniority.level - 0.5, 0, None)
    below = np.clip(seniority.level - roles.levels - 0.5, 0, None)
    entry = W_ENTRY * roles.entry * (seniority.level < BEGINNER_LEVEL)
    return -W_TOO_SENIOR * (above + above**2) - W_TOO_JUNIOR * (below + below**2) + entry


def _hints(tokens: set[str], roles: _Roles) -> np.ndarray:
    """The navigation's advice: a chapter 'suits' people whose profile uses its audience words."""
    bonus = np.zeros(len(roles.names))
    for words, members in roles.hints:
        if words & tokens:
            bonus += W_HINT * members
    return bonus


def _preferences(roles: _Roles, company_type: str | None, prefer: Preference | None) -> np.ndarray:
    bonus = np.zeros(len(roles.names))
    if company_type in ("直营", "平台型"):
        modes = np.array([m or "" for m in roles.modes])
        other = np.isin(modes, ["直营", "平台型"]) & (modes != company_type)
        bonus += W_TYPE_MATCH * (modes == company_type) + W_TYPE_OTHER * other
    if prefer is not None:
        bonus += W_PREFERENCE * ((roles.levels >= 2) if prefer == "management" else (roles.levels == 1))
    return bonus


def _abilities_shown(queries: np.ndarray, tokens: set[str], manages: bool, roles: _Roles) -> np.ndarray:
    """For every ability of every role, whether the profile shows it: its words, managing people for a
    leadership ability, or a sentence that is closer to it than to most abilities (absolute e5 similarities
    all sit in a narrow band, so the test is relative to the profile's own spread)."""
    closest = (queries @ roles.ability_vectors.T).max(axis=0)
    close = _standardise(closest) >= GAP_Z
    worded = np.array([bool(words) and len(words & tokens) * 2 >= len(words) for words in roles.ability_words])
    return close | worded | (roles.leadership & manages)


def _role_match(
    r: int, score: float, sentences: list[str], similarity: np.ndarray, shown: np.ndarray, roles: _Roles
) -> RoleMatch:
    name = roles.names[r]
    gaps = tuple(a for a, owner, ok in zip(roles.abilities, roles.ability_owner, shown) if owner == r and not ok)
    evidence = _evidence(similarity[:, roles.owner == r], sentences, [p for p in roles.passages if p.role == name])
    steps = tuple(next_steps(roles.graph, name))
    return RoleMatch(name, round(score, 4), int(roles.levels[r]), evidence, gaps, steps)


def _evidence(block: np.ndarray, sentences: list[str], passages: list[Chunk]) -> tuple[Evidence, ...]:
    """The closest (sentence, passage) pairs, each sentence's best passage before any second-best, no passage twice."""
    order = np.argsort(-block, axis=1)[:, :MAX_EVIDENCE]
    candidates = sorted((rank, -block[i, j], i, j) for i, row in enumerate(order) for rank, j in enumerate(row))
    floor = block.max() - EVIDENCE_MARGIN
    evidence: list[Evidence] = []
    used: set[int] = set()
    for _, negative, i, j in candidates:
        if -negative >= floor and j not in used and len(evidence) < MAX_EVIDENCE:
            used.add(j)
            evidence.append(Evidence(sentences[i], passages[j].cite(), round(float(-negative), 4)))
    return tuple(evidence)


def _standardise(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


_BUILT: dict[tuple[str, Catalog], _Roles] = {}


def _roles(index: Index, catalog: Catalog) -> _Roles:
    """The role table for this index build and catalog, made on first use (a new build replaces the old one)."""
    key = (index.build_id, catalog)
    if key not in _BUILT:
        _BUILT.clear()
        _BUILT[key] = _build_roles(index, catalog)
    return _BUILT[key]


def _build_roles(index: Index, catalog: Catalog) -> _Roles:
    names = catalog.names
    number = {name: i for i, name in enumerate(names)}
    passages = [c for c in index.chunks.values() if c.role in number and _is_passage(c)]
    ids = [c.id for c in passages]
    row = {cid: i for i, cid in enumerate(index.chunks)}
    abilities = [(number[name], a) for name in names for a in asked_abilities(catalog, name)]
    quotes = [a.quote for _, a in abilities]
    ability_model = index.embeddings(index.settings.query_spaces("zh")[0])
    return _Roles(
        names=names,
        passages=passages,
        owner=np.array([number[c.role] for c in passages]),
        vectors={space: _unit(index.stored_vectors(space, ids)) for space in index.stores},
        bm25_rows=np.array([row[cid] for cid in ids]),
        levels=np.array([role_level(name) for name in names], dtype=float),
        entry=np.array([_is_entry_role(catalog, name) for name in names], dtype=float),
        modes=[catalog.entries[name].section.mode for name in names],
        hints=_navigation_hints(catalog),
        abilities=[a for _, a in abilities],
        ability_owner=np.array([r for r, _ in abilities]),
        ability_words=[frozenset(t for t in tokenize(q) if len(t) >= 2) - _GENERIC for q in quotes],
        leadership=np.array([bool(_LEADERSHIP.search(q)) for q in quotes]),
        ability_vectors=_unit(np.asarray(ability_model.embed_documents(quotes), dtype=np.float32)),
        graph=career_graph(catalog),
    )


def _is_passage(chunk: Chunk) -> bool:
    """A passage a profile is matched against: duties, methods, a short role's description, its 对自身 item."""
    own = chunk.field != "影响分析" or chunk.label == "对自身"
    return chunk.kind == "item" and chunk.field in PASSAGE_FIELDS and own


def _self_item(catalog: Catalog, name: str) -> Item | None:
    fld = catalog.entries[name].section.field("影响分析")
    return next((item for item in fld.items if item.label == "对自身"), None) if fld else None


def _is_entry_role(catalog: Catalog, name: str) -> bool:
    item = _self_item(catalog, name)
    return bool(item and _ENTRY.search(item.text))


def asked_abilities(catalog: Catalog, name: str) -> list[Citation]:
    """The abilities a role's 对自身 asks for (需具备…, 需要具备…, 熟悉…), each as the exact span of its words."""
    item = _self_item(catalog, name)
    if item is None:
        return []
    source, text = catalog.entries[name].article.source, item.text
    found = []
    for ask in _ASKS.finditer(text):
        end = next((m.start() for m in _ASK_LIST_END.finditer(text, ask.end())), len(text))
        cuts = [ask.end(), *(p for m in _ASK_SPLIT.finditer(text, ask.end(), end) for p in m.span()), end]
        for begin, stop in zip(cuts[::2], cuts[1::2]):
            begin = m.end() if (m := _MODIFIER.match(text, begin, stop)) else begin
            if stop - begin >= 2:
                span = (item.start + begin, item.start + stop)
                found.append(Citation(source, item.id, name, "影响分析", *span, text[begin:stop]))
    return found


def _navigation_hints(catalog: Catalog) -> list[tuple[frozenset[str], np.ndarray]]:
    """文章导航 lines such as '4. 供应链&采购岗(适合供应链/采购从业者)': audience words → roles of that chapter."""
    names = catalog.names
    chapters = {name: catalog.entries[name].section.chapter or "" for name in names}
    chapter_words = {ch: frozenset(tokenize(ch)) - _GENERIC for ch in set(chapters.values())}
    hints = []
    for line in _article_lines(catalog.articles):
        if not (m := _NAV.match(line)):
            continue
        topic = frozenset(tokenize(m.group("name"))) - _GENERIC
        overlap = {ch: len(topic & words) for ch, words in chapter_words.items()}
        most = max(overlap.values(), default=0)
        audience = frozenset(t for t in tokenize(m.group("audience")) if len(t) >= 2) - _AUDIENCE_GENERIC
        if most and audience:
            hints.append((audience, np.array([float(overlap[chapters[n]] == most) for n in names])))
    return hints


def _article_lines(articles: Sequence[Article]) -> list[str]:
    """The lines of the article-level sections (preface, chapter intros), where the navigation is."""
    sections = (s for a in articles for s in a.sections if s.kind == "article")
    return [item.text for s in sections for f in s.fields for item in f.items]
