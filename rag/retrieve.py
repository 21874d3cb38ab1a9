"""Hybrid retrieval: exact dense search over the vectors the Chroma build holds, and BM25 over jieba tokens, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.chunk import Chunk
from ingest.index import Index, tokenize
from rag.question import detect_lang

_CANDIDATES = 30


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused reciprocal-rank score
    similarity: float  # cosine similarity in the first dense space (0 when dense search missed it)
    lexical: float  # BM25 score (0 for questions without Chinese)


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
    """The k chunks that best answer `question`, optionally only from the given roles and fields."""
    lang = detect_lang(question)
    chunks = list(index.chunks.values())  # in BM25's document order
    allowed = [
        i for i, c in enumerate(chunks) if (not roles or c.role_key in roles) and (not fields or c.field in fields)
    ]
    if not allowed:
        return []
    rankings: list[list[str]] = []
    similarity: dict[str, float] = {}
    for n, space in enumerate(index.settings.query_spaces(lang)):
        ranked = _dense(question, index, space, chunks, allowed)
        rankings.append([cid for cid, _ in ranked])
        if n == 0:
            similarity = dict(ranked)
    lexical = _bm25(question, index, chunks, allowed) if lang == "zh" else {}
    if lexical:
        rankings.append(sorted(lexical, key=lambda cid: (-lexical[cid], cid))[:_CANDIDATES])
    return [
        Hit(index.chunks[cid], score, similarity.get(cid, 0.0), lexical.get(cid, 0.0))
        for cid, score in rrf(rankings)[:k]
        if cid in index.chunks
    ]


def _dense(question: str, index: Index, space: str, chunks: list[Chunk], allowed: list[int]) -> list[tuple[str, float]]:
    """The allowed chunks closest to the question in one space, by exact cosine similarity, ties by position.

    Exact, not Chroma's HNSW: the approximate search returns a different tail from one process to the next
    (issue 17), and a scan of a few thousand unit vectors is one matrix product."""
    query = np.asarray(index.embeddings(space).embed_query(question), dtype=np.float32)
    query /= max(float(np.linalg.norm(query)), 1e-12)
    similarity = index.unit_vectors[space][allowed] @ query
    order = np.lexsort((np.arange(len(allowed)), -similarity))[:_CANDIDATES]
    return [(chunks[allowed[i]].id, float(similarity[i])) for i in order]


def _bm25(question: str, index: Index, chunks: list[Chunk], allowed: list[int]) -> dict[str, float]:
    """BM25 scores of the allowed chunks only (by position), for the question's tokens."""
    tokens = tokenize(question)
    if not tokens:
        return {}
    scores = index.bm25.get_batch_scores(tokens, allowed)
    return {chunks[i].id: float(s) for i, s in zip(allowed, scores) if s > 0}
