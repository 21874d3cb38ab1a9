"""Hybrid retrieval: exact dense search over the vectors the Chroma build holds, and BM25 over jieba tokens, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.chunk import Chunk
from ingest.index import Index
from ingest.tables import tokenize
from rag.lexicon import article_words, english_words
from rag.question import detect_lang

_CANDIDATES = 30


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused reciprocal-rank score
    similarity: float  # cosine similarity in the first dense space (0 when dense search missed it)
    lexical: float  # BM25 score (of the article's words for them, for a question not in Chinese: rag.lexicon)


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: ids by the sum of 1/(k + rank) over the rankings, best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def retrieve(
    question: str,
    index: Index,
    *,
    k: int = 8,
    roles: Sequence[str] | None = None,
    fields: Sequence[str] | None = None,
) -> list[Hit]:
    """The k chunks that best answer `question`, optionally only from the given roles (keys) and fields."""
    lang = detect_lang(question)
    allowed = index.rows(roles, fields)  # None: every row
    if allowed is not None and not len(allowed):
        return []
    rankings: list[list[str]] = []
    similarity: dict[str, float] = {}
    for n, space in enumerate(index.settings.query_spaces(lang)):
        ranked = _dense(question, index, space, allowed)
        rankings.append([cid for cid, _ in ranked])
        if n == 0:
            similarity = dict(ranked)
    lexical = _bm25(question, index, allowed, lang)
    if lexical is not None:
        rankings.append(_best_lexical(index, lexical))
    bm25 = (lambda cid: float(lexical[index.chunks.row(cid)])) if lexical is not None else (lambda cid: 0.0)
    return [
        Hit(index.chunks[cid], score, similarity.get(cid, 0.0), bm25(cid))
        for cid, score in rrf(rankings)[:k]
        if cid in index.chunks
    ]


def _dense(question: str, index: Index, space: str, allowed: np.ndarray | None) -> list[tuple[str, float]]:
    """The allowed chunks closest to the question in one space, by exact cosine similarity, ties by position.

    Exact, not Chroma's HNSW: the approximate search returns a different tail from one process to the next
    (issue 17), and a scan of the unit vectors is one matrix product (over the allowed rows only)."""
    query = query_vector(index.embeddings(space), question)
    vectors = index.unit_vectors[space]
    similarity = (vectors if allowed is None else vectors[allowed]) @ query
    rows = np.arange(len(similarity)) if allowed is None else allowed
    best = _top(similarity, _CANDIDATES)
    return [(index.chunks.ids[rows[i]], float(similarity[i])) for i in best]


def query_vector(embeddings: Embeddings, text: str) -> np.ndarray:
    """The unit vector of a question in one model's space, read-only. Cached: one answer retrieves for the same
    question several times (its evidence, its asked field, each role of a comparison, the coverage check)."""
    _MODELS.setdefault(id(embeddings), embeddings)
    return _query_vector(id(embeddings), text)


# Models by id: a langchain Embeddings may be an unhashable pydantic model; kept here, so that no id is reused.
_MODELS: dict[int, Embeddings] = {}


@lru_cache(maxsize=256)
def _query_vector(model: int, text: str) -> np.ndarray:
    query = np.asarray(_MODELS[model].embed_query(text), dtype=np.float32)
    query /= max(float(np.linalg.norm(query)), 1e-12)
    query.setflags(write=False)
    return query


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n highest scores, best first, ties by position (a full sort's answer, without one)."""
    if len(scores) > n:
        threshold = np.partition(scores, len(scores) - n)[len(scores) - n]
        kept = np.flatnonzero(scores >= threshold)
    else:
        kept = np.arange(len(scores))
    return kept[np.lexsort((kept, -scores[kept]))][:n]


def _bm25(question: str, index: Index, allowed: np.ndarray | None, lang: str) -> np.ndarray | None:
    """BM25 scores of the question's tokens for every row, the rows not allowed at 0; None when no allowed
    chunk holds any of them (or the question has none). A question not in Chinese is scored by the article's
    words for its own."""
    tokens = tokenize(question) if lang == "zh" else [t for t in article_words(english_words(question), index.idf) if t in index.idf]
    if not tokens:
        return None
    scores = index.bm25_scores(tokens)
    if allowed is not None:
        kept = np.zeros_like(scores)
        kept[allowed] = scores[allowed]
        scores = kept
    return scores if (scores > 0).any() else None


def _best_lexical(index: Index, scores: np.ndarray) -> list[str]:
    """The ids of the best-scoring chunks by BM25, ties by id."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > _CANDIDATES:
        threshold = np.partition(scores[positive], len(positive) - _CANDIDATES)[len(positive) - _CANDIDATES]
        positive = positive[scores[positive] >= threshold]
    ids = index.chunks.ids
    return sorted((ids[row] for row in positive), key=lambda cid: (-scores[index.chunks.row(cid)], cid))[:_CANDIDATES]
