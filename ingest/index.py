"""Chunks → Chroma collections (one per embedding space), built aside and switched to atomically.

A build is named by a hash of the corpus texts, the parser/chunker versions and the embedding models.
`build_index` writes the new build's collections under that name and only then points the store's
`roleguide_meta` collection at it, so a build that fails half-way leaves the previous one serving. The
previous build is kept (a running app may still be reading it); older ones are deleted.

Chroma, LangChain and the embedding models are imported where a client, a store or a model is made (after
the offline environment is set), so that importing this module — for `tokenize`, `Index` or the error
types — stays light: drafting and the light CLI commands never load them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import jieba
import numpy as np
from rank_bm25 import BM25Okapi
from tqdm import tqdm

from ingest.chunk import CHUNKER_VERSION, Chunk, chunk_articles
from ingest.config import Settings, use_offline_env
from ingest.parse import PARSER_VERSION, Article, CorpusFormatError, load_corpus

if TYPE_CHECKING:
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

META_COLLECTION = "roleguide_meta"
_ADD_BATCH = 64
_EMBED_BATCH = 16
_GET_BATCH = 5000
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 把 被 对 由 从 为 以 之 其 这 那 这个 那个 它 他们 她 他 吗 呢 吧 啊 呀 么 什么 哪些 哪个 "
    "怎么 怎样 如何 多少 几 是否 有没有 请问 请 一下 一般 主要 通常 可以 能 会 要 有 都 也 还 就 而 并 且 "
    "the a an of to in on for and or is are be what which how who does do did with as by at it its this that".split()
)


class IndexUnavailable(RuntimeError):
    """The index cannot be built or opened; the message says what to do."""


class StoreUnreadable(IndexUnavailable):
    """The embedded Chroma folder exists but cannot be read (corrupted, or written by an incompatible Chroma)."""

    def __init__(self, path: Path, err: Exception) -> None:
        super().__init__(
            f"the index store {path} cannot be read ({type(err).__name__}: {err}); "
            "rebuild it with: .venv/bin/python -m ingest"
        )
        self.path = path


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    rebuilt: bool
    roles: int
    chunks: int
    embedded: int  # texts that were actually run through a model (the rest came from the cache)
    seconds: float
    skipped: tuple[str, ...]  # corpus files that could not be parsed, with the reason

    def summary(self) -> str:
        verb = "built" if self.rebuilt else "up to date:"
        skipped = f", skipped {len(self.skipped)} file(s)" if self.skipped else ""
        return (
            f"index {verb} {self.build_id}: {self.roles} roles, {self.chunks} chunks, "
            f"{self.embedded} embedded, {self.seconds:.1f} s{skipped}"
        )


@dataclass(frozen=True)
class Index:
    """An opened build: its chunks by id (in corpus order), a LangChain Chroma store per space, and BM25."""

    build_id: str
    chunks: dict[str, Chunk]
    stores: dict[str, Chroma]
    bm25: BM25Okapi
    settings: Settings

    def embeddings(self, space: str) -> Embeddings:
        """The model that embeds questions (and profiles) for one space's collection."""
        return self.stores[space].embeddings

    def stored_vectors(self, space: str, ids: Sequence[str]) -> np.ndarray:
        """The vectors this build holds for the chunks `ids`, in that order (nothing is embedded again)."""
        records = self.stores[space].get(ids=list(ids), include=["embeddings"])
        position = {cid: i for i, cid in enumerate(records["ids"])}
        vectors = np.asarray(records["embeddings"], dtype=np.float32)
        return vectors[[position[cid] for cid in ids]]


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba's fine-grained cut for Chinese, lower-cased words otherwise, stopwords out."""
    return [
        t
        for t in (tok.strip().lower() for tok in jieba.lcut_for_search(text))
        if t and t not in STOPWORDS and _WORD.search(t)
    ]


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """The one place a Chroma client is made: embedded on disk, or HTTP when `chroma_url` is set."""
    use_offline_env()
    import chromadb
    from chromadb.api.client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except ValueError as err:  # chromadb's way of saying the server did not answer
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_url} ({err}); start it, or unset "
                "ROLEGUIDE_CHROMA_URL to use the embedded store, then run: .venv/bin/python -m ingest"
            ) from err
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as err:  # chromadb raises its Rust bindings' own error types for a damaged store
        SharedSystemClient.clear_system_cache()  # else the next client for this path reuses the broken one
        raise StoreUnreadable(path, err) from err


def build_id(settings: Settings, articles: Sequence[Article]) -> str:
    from ingest.embeddings import model_id

    digest = hashlib.sha256(f"parser={PARSER_VERSION};chunker={CHUNKER_VERSION}".encode())
    for space in settings.spaces:
        digest.update(f";{space}={model_id(settings, space)}".encode())
    for article in sorted(articles, key=lambda a: a.source):
        digest.update(f";{article.source}={_sha(article.text)}".encode())
        digest.update(repr(article.aliases).encode())
    return digest.hexdigest()[:16]


def build_index(settings: Settings, *, progress: bool = True, embeddings: dict[str, Embeddings] | None = None) -> BuildReport:
    """Bring the index up to date with the corpus: a no-op when nothing changed."""
    from ingest.embeddings import get_embeddings, model_id

    started = time.perf_counter()
    articles, problems = load_corpus(settings.corpus_dir)
    if not articles:
        raise IndexUnavailable(_no_articles_message(settings, problems))
    new_id = build_id(settings, articles)
    chunks = chunk_articles(articles)
    roles = len({s.name for a in articles for s in a.roles})
    skipped = tuple(str(p) for p in problems)
    client = chroma_client(settings)
    meta = client.get_or_create_collection(META_COLLECTION)
    current = (meta.metadata or {}).get("build")
    if current == new_id and _complete(client, settings, new_id, len(chunks)):
        return BuildReport(new_id, False, roles, len(chunks), 0, time.perf_counter() - started, skipped)
    embedded = 0
    with _EmbeddingCache(settings.data_dir / "embedding_cache.sqlite") as cache:
        for space in settings.spaces:
            model = (embeddings or {}).get(space) or get_embeddings(settings, space)
            vectors, fresh = cache.embed(model, model_id(settings, space), [c.embed_text for c in chunks], progress)
            embedded += fresh
            _write_collection(client, _collection_name(new_id, space), chunks, vectors)
    meta.modify(metadata={"build": new_id, "previous": current or "", "chunks": len(chunks)})
    _drop_old_builds(client, keep={new_id, current})
    report = BuildReport(new_id, True, roles, len(chunks), embedded, time.perf_counter() - started, skipped)
    log.info(report.summary())
    return report


def open_index(settings: Settings) -> Index:
    """Open the build the store currently points at; chunks come from the store, not from the corpus."""
    from langchain_chroma import Chroma

    from ingest.embeddings import get_embeddings

    client = chroma_client(settings)
    try:
        meta = client.get_collection(META_COLLECTION)
        current = (meta.metadata or {}).get("build")
        collections = {space: client.get_collection(_collection_name(current, space)) for space in settings.spaces}
    except Exception as err:  # chromadb raises several types for a missing or unreadable store
        raise IndexUnavailable(
            f"no usable index in {_where(settings)} ({err}); build it with: .venv/bin/python -m ingest"
        ) from err
    first = next(iter(collections.values()))
    metadatas = [  # paged: one get() of a large collection exceeds SQLite's limit on query variables
        meta
        for offset in range(0, first.count(), _GET_BATCH)
        for meta in first.get(include=["metadatas"], limit=_GET_BATCH, offset=offset)["metadatas"]
    ]
    chunks = sorted((_chunk_from_metadata(m) for m in metadatas), key=lambda c: (c.source, c.start, c.id))
    if not chunks:
        raise IndexUnavailable(f"the index in {_where(settings)} is empty; rebuild it with: .venv/bin/python -m ingest")
    stores = {
        space: Chroma(
            client=client,
            collection_name=collection.name,
            embedding_function=get_embeddings(settings, space),
        )
        for space, collection in collections.items()
    }
    for role in {c.role for c in chunks if c.role}:
        jieba.add_word(role)
    bm25 = BM25Okapi([tokenize(c.embed_text) for c in chunks])
    return Index(current, {c.id: c for c in chunks}, stores, bm25, settings)


def ensure_index(settings: Settings, *, progress: bool = False) -> Index:
    """Build the index when it is missing or stale, then open it. A failed rebuild keeps serving the old build;
    an unreadable embedded store is set aside (renamed, not deleted) and rebuilt from the embedding cache."""
    try:
        build_index(settings, progress=progress)
    except StoreUnreadable as err:
        aside = err.path.with_name(f"{err.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        err.path.rename(aside)
        log.warning("%s; moved it to %s and rebuilt the index", err, aside)
        build_index(settings, progress=progress)
    except (IndexUnavailable, CorpusFormatError, OSError, ValueError) as err:
        log.warning("index rebuild failed, serving the previous build: %s", err)
    return open_index(settings)


def _collection_name(build: str, space: str) -> str:
    return f"roleguide_{build}_{space}"


def _complete(client: chromadb.ClientAPI, settings: Settings, build: str, count: int) -> bool:
    try:
        return all(client.get_collection(_collection_name(build, s)).count() == count for s in settings.spaces)
    except Exception:  # a missing collection
        return False


def _write_collection(client: chromadb.ClientAPI, name: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
    try:
        client.delete_collection(name)  # a leftover of an earlier build of the same corpus that failed
    except Exception:
        pass
    collection = client.create_collection(name, metadata={"hnsw:space": "cosine"})
    for i in range(0, len(chunks), _ADD_BATCH):
        batch = chunks[i : i + _ADD_BATCH]
        collection.add(
            ids=[c.id for c in batch],
            embeddings=vectors[i : i + _ADD_BATCH],
            documents=[c.embed_text for c in batch],
            metadatas=[_chunk_metadata(c) for c in batch],
        )


def _drop_old_builds(client: chromadb.ClientAPI, keep: set[str | None]) -> None:
    keep_names = {_collection_name(b, "") for b in keep if b}
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith("roleguide_") and name != META_COLLECTION:
            if not any(name.startswith(prefix) for prefix in keep_names):
                client.delete_collection(name)


def _chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "id": chunk.id,
        "source": chunk.source,
        "node_id": chunk.node_id,
        "section_id": chunk.section_id,
        "role": chunk.role or "",
        "field": chunk.field or "",
        "kind": chunk.kind,
        "label": chunk.label or "",
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
        "heading": chunk.heading,
    }


def _chunk_from_metadata(meta: dict) -> Chunk:
    return Chunk(
        id=meta["id"],
        source=meta["source"],
        node_id=meta["node_id"],
        section_id=meta["section_id"],
        role=meta["role"] or None,
        field=meta["field"] or None,
        kind=meta["kind"],
        label=meta["label"] or None,
        text=meta["text"],
        start=int(meta["start"]),
        end=int(meta["end"]),
        heading=meta["heading"],
    )


def _no_articles_message(settings: Settings, problems: list[CorpusFormatError]) -> str:
    if problems:
        return f"no article in {settings.corpus_dir} could be read: " + "; ".join(str(p) for p in problems)
    return f"no .txt or .md article in {settings.corpus_dir}"


def _where(settings: Settings) -> str:
    return settings.chroma_url or str(settings.data_dir / "chroma")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _EmbeddingCache:
    """Chunk embeddings by (model id, sha256 of the embedded text), so a changed corpus re-embeds only what changed."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path

    def __enter__(self) -> _EmbeddingCache:
        try:
            self._open()
        except sqlite3.DatabaseError as err:  # only a cache: start it afresh
            log.warning("embedding cache %s is unreadable (%s); starting a new one", self._path, err)
            self._db.close()
            self._path.unlink()
            self._open()
        return self

    def _open(self) -> None:
        self._db = sqlite3.connect(self._path, timeout=60)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embedding (model TEXT, sha TEXT, vector BLOB, PRIMARY KEY (model, sha))"
        )

    def __exit__(self, *exc: object) -> None:
        self._db.close()

    def embed(self, model: Embeddings, model_key: str, texts: list[str], progress: bool) -> tuple[np.ndarray, int]:
        """Vectors for `texts` (cached or computed) and how many had to be computed."""
        shas = [_sha(t) for t in texts]
        known = self._lookup(model_key, set(shas))
        missing = list(dict.fromkeys(sha for sha in shas if sha not in known))
        by_sha = dict(zip(shas, texts))
        bar = tqdm(total=len(missing), desc=f"embedding ({model_key.split('/')[0]})", unit="chunk", disable=not progress)
        with bar:
            for i in range(0, len(missing), _EMBED_BATCH):
                batch = missing[i : i + _EMBED_BATCH]
                vectors = np.asarray(model.embed_documents([by_sha[s] for s in batch]), dtype=np.float32)
                with self._lock, self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)",
                        [(model_key, s, v.tobytes()) for s, v in zip(batch, vectors)],
                    )
                known.update(zip(batch, vectors))
                bar.update(len(batch))
        return np.vstack([known[s] for s in shas]), len(missing)

    def _lookup(self, model_key: str, shas: set[str]) -> dict[str, np.ndarray]:
        rows = self._db.execute("SELECT sha, vector FROM embedding WHERE model = ?", (model_key,)).fetchall()
        return {sha: np.frombuffer(blob, dtype=np.float32) for sha, blob in rows if sha in shas}
