"""Chunks → Chroma collections (one per embedding space), built aside and switched to atomically.

A build is named by a hash of the corpus texts, the parser/chunker versions and the embedding models.
`build_index` writes the new build's collections under that name and only then points the store's
`roleguide_meta` collection at it, so a build that fails half-way (a full disk, a failing model) leaves the
previous one serving, removes what it had written and raises one `BuildFailed` message.

Readers and deletion. A long-running reader (`rag.resources.Live`: the app, `--batch`) reads the pointer on
every request and moves to a new build by itself. It holds a *lease* on the build it serves: a record
(holder, build, until) in the store's `roleguide_leases` collection, so that every builder sees it, embedded
or on a Chroma server. The reader renews it as it reads (at most every third of `LEASE_SECONDS`) and releases
it when it closes; a reader that dies stops renewing, and its lease lapses `LEASE_SECONDS` later. After the
switch, a builder deletes every build but the new one, the one it replaced (one-shot commands hold no lease)
and those under an unexpired lease. A reader that has moved on renews only its new build, so the old one
stays for at least two thirds of `LEASE_SECONDS` after the move — ample for requests still answering from it.
Lease times are the reader's clock: with a shared server, keep the machines' clocks within minutes.

One build at a time. A builder holds `build.lock` in the data folder (an flock: the OS drops it when the
process dies) and writes its progress to `build-progress.json` beside it. A command that finds a build
running answers from the current build and says how far the build has got (`BuildInProgress`). A command
other than `python -m ingest` that would have to compute more than `FOREGROUND_EMBED_LIMIT` embeddings before
answering leaves that to `python -m ingest` (`RebuildTooLarge`) and answers from the current build too.
A corpus file whose text is the same as another's is indexed once, with a warning naming both.

Chroma, LangChain and the embedding models are imported where a client, a store or a model is made (after
the offline environment is set), so that importing this module — for `tokenize`, `Index` or the error
types — stays light: drafting and the light CLI commands never load them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

from ingest.builds import (
    BuildLock,
    build_in_progress,
    collection_name,
    collection_names,
    drop_builds,
    drop_unused_builds,
)
from ingest.chunk import CHUNKER_VERSION, Chunk, chunk_articles
from ingest.config import Settings, use_offline_env
from ingest.embedding_cache import EmbeddingCache, text_sha
from ingest.corpus import Corpus, Skipped, read_corpus
from ingest.parse import PARSER_VERSION, Article, CorpusFormatError

if TYPE_CHECKING:
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

META_COLLECTION = "roleguide_meta"
FOREGROUND_EMBED_LIMIT = 500  # embeddings a command computes itself before answering (~30 s on 2 cores)
_LOW_SPACE = 100 * 2**20  # below this much free space a failed build's message mentions it
_ADD_BATCH = 64
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


class BuildInProgress(IndexUnavailable):
    """Another process is building the index; the message says how far it has got."""

    def __init__(self, progress: str) -> None:
        super().__init__(f"an index build is in progress ({progress})")


class RebuildTooLarge(IndexUnavailable):
    """The corpus changed so much that a command should not rebuild before answering."""

    def __init__(self, embeddings: int) -> None:
        super().__init__(
            f"the corpus changed and {embeddings} passage embeddings are to be computed; "
            "rebuild with: .venv/bin/python -m ingest (it shows progress)"
        )


class BuildFailed(IndexUnavailable):
    """A build stopped half-way (full disk, failing model); what it wrote is removed, the previous build serves."""

    def __init__(self, err: Exception, settings: Settings, previous: str | None) -> None:
        then = f"the previous build {previous} keeps serving" if previous else "there is no earlier build"
        super().__init__(
            f"the new index build could not be written ({type(err).__name__}: {err}{_low_space(settings)}); "
            f"{then}; fix that and run: .venv/bin/python -m ingest"
        )


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    rebuilt: bool
    roles: int
    chunks: int
    embedded: int  # texts that were actually run through a model (the rest came from the cache)
    seconds: float
    skipped: tuple[str, ...]  # corpus files that could not be parsed or repeat another's text, with the reason
    corpus: Corpus  # what was read, document by document

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

    @cached_property
    def unit_vectors(self) -> dict[str, np.ndarray]:
        """Each space's chunk vectors in `chunks` order, scaled to unit length: exact dense search is one product."""
        ids = list(self.chunks)
        found = {}
        for space in self.stores:
            parts = [self.stored_vectors(space, ids[i : i + _GET_BATCH]) for i in range(0, len(ids), _GET_BATCH)]
            vectors = np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)
            found[space] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return found

    def stored_vectors(self, space: str, ids: Sequence[str]) -> np.ndarray:
        """The vectors this build holds for the chunks `ids`, in that order (nothing is embedded again)."""
        records = self.stores[space].get(ids=list(ids), include=["embeddings"])
        position = {cid: i for i, cid in enumerate(records["ids"])}
        vectors = np.asarray(records["embeddings"], dtype=np.float32)
        return vectors[[position[cid] for cid in ids]]


def tokenize(text: str, *, whole_words: bool = False) -> list[str]:
    """Search tokens: jieba's fine-grained cut for Chinese (its precise cut with `whole_words`: 供应商 without 供应),
    lower-cased words otherwise, stopwords out."""
    cut = jieba.lcut if whole_words else jieba.lcut_for_search
    return [
        t
        for t in (tok.strip().lower() for tok in cut(text))
        if t and t not in STOPWORDS and _WORD.search(t)
    ]


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """The one place a Chroma client is made: embedded on disk, or HTTP when `chroma_url` is set."""
    use_offline_env()
    import chromadb
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
        _forget_clients()
        raise StoreUnreadable(path, err) from err


def _forget_clients() -> None:
    """Make the next `chroma_client` a new one: chromadb shares one per path, and a broken one stays broken."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def build_id(settings: Settings, articles: Sequence[Article]) -> str:
    from ingest.embeddings import model_id

    digest = hashlib.sha256(f"parser={PARSER_VERSION};chunker={CHUNKER_VERSION}".encode())
    for space in settings.spaces:
        digest.update(f";{space}={model_id(settings, space)}".encode())
    for article in sorted(articles, key=lambda a: a.source):
        digest.update(f";{article.source}={text_sha(article.text)}".encode())
        digest.update(repr((article.title, article.aliases)).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class _Plan:
    """What a build of the corpus as it is now would hold."""

    build_id: str
    chunks: list[Chunk]
    roles: int
    skipped: tuple[str, ...]
    corpus: Corpus

    def report(self, rebuilt: bool, embedded: int, started: float) -> BuildReport:
        seconds = time.perf_counter() - started
        return BuildReport(self.build_id, rebuilt, self.roles, len(self.chunks), embedded, seconds, self.skipped, self.corpus)


def build_index(
    settings: Settings,
    *,
    progress: bool = True,
    embeddings: dict[str, Embeddings] | None = None,
    max_embed: int | None = None,
) -> BuildReport:
    """Bring the index up to date with the corpus: a no-op when nothing changed, a switch when the corpus is back
    to a build still stored. With `max_embed`, a rebuild that would compute more embeddings than that while a
    current build exists is left to `python -m ingest` (RebuildTooLarge)."""
    started = time.perf_counter()
    if running := build_in_progress(settings.data_dir):
        raise BuildInProgress(running)
    plan = _plan(settings)
    client = chroma_client(settings)
    meta = client.get_or_create_collection(META_COLLECTION)
    current = current_build(client)
    if current == plan.build_id and _complete(client, settings, plan.build_id, len(plan.chunks)):
        return plan.report(False, 0, started)
    lock = BuildLock.acquire(settings.data_dir, plan.build_id)
    if lock is None:
        raise BuildInProgress(build_in_progress(settings.data_dir) or "just started")
    with lock, EmbeddingCache(settings.data_dir / "embedding_cache.sqlite") as cache:
        if max_embed is not None:
            _check_size(settings, plan, cache, max_embed, current)
        complete = _complete(client, settings, plan.build_id, len(plan.chunks))
        try:
            embedded = 0 if complete else _write_build(client, settings, plan, cache, lock, embeddings, progress)
            meta.modify(metadata={"build": plan.build_id, "previous": current or "", "chunks": len(plan.chunks)})
        except Exception as err:  # whatever stopped it (Chroma or SQLite on a full disk, the model), same outcome
            _forget_clients()  # after a failed write, chromadb 1.5 can hang even reads on the same client
            if not complete:  # free what it took; what cannot be freed now, the next build replaces
                drop_builds(chroma_client(settings), {plan.build_id})
                _forget_clients()
            raise BuildFailed(err, settings, current) from err
    drop_unused_builds(client, keep={plan.build_id, current})
    report = plan.report(True, embedded, started)
    log.info(report.summary())
    return report


def current_build(client: chromadb.ClientAPI) -> str | None:
    """The build the store points at (None before the first); IndexUnavailable when the store cannot be reached."""
    from chromadb.errors import NotFoundError

    try:
        meta = client.get_collection(META_COLLECTION)
    except NotFoundError:
        return None
    except Exception as err:  # an HTTP client raises its transport's errors when the server is down
        raise IndexUnavailable(f"cannot read the index pointer ({type(err).__name__}: {err})") from err
    return (meta.metadata or {}).get("build") or None


def open_index(settings: Settings, build: str | None = None) -> Index:
    """Open a build (by default the one the store points at); chunks come from the store, not from the corpus."""
    from langchain_chroma import Chroma

    from ingest.embeddings import get_embeddings

    client = chroma_client(settings)
    try:
        build = build or current_build(client)
        collections = {space: client.get_collection(collection_name(build, space)) for space in settings.spaces}
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
            create_collection_if_not_exists=False,  # get_or_create can hang on a full disk (chromadb 1.5)
        )
        for space, collection in collections.items()
    }
    jieba.setLogLevel(logging.WARNING)  # its own handler prints dictionary loading at DEBUG on every command
    for role in {c.role for c in chunks if c.role}:
        jieba.add_word(role)
    bm25 = BM25Okapi([tokenize(c.embed_text) for c in chunks])
    return Index(build, {c.id: c for c in chunks}, stores, bm25, settings)


def ensure_index(settings: Settings, *, progress: bool = False) -> Index:
    """Open the current build, first bringing it up to date when a command can do that quickly. A build running
    elsewhere, a rebuild too large for a command, or a failed rebuild leave the current build serving, with a
    warning; with no build to serve, that error is raised. An unreadable embedded store is set aside (renamed,
    not deleted) and rebuilt from the embedding cache."""
    try:
        build_index(settings, progress=progress, max_embed=FOREGROUND_EMBED_LIMIT)
    except StoreUnreadable as err:
        aside = err.path.with_name(f"{err.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        err.path.rename(aside)
        log.warning("%s; moved it to %s and rebuilt the index", err, aside)
        build_index(settings, progress=progress)
    except (IndexUnavailable, CorpusFormatError, OSError, ValueError) as err:
        try:
            index = open_index(settings)
        except IndexUnavailable:
            raise err from None
        log.warning("%s; answering from the current build %s", err, index.build_id)
        return index
    return open_index(settings)


def _plan(settings: Settings) -> _Plan:
    corpus = read_corpus(settings.corpus_dir)
    if not corpus.articles:
        raise IndexUnavailable(_no_articles_message(settings, corpus.skipped))
    chunks = chunk_articles(list(corpus.articles))
    roles = len({c.role_key for c in chunks if c.role_key})
    skipped = tuple(f"{s.source}: {s.reason}" for s in corpus.skipped)
    return _Plan(build_id(settings, corpus.articles), chunks, roles, skipped, corpus)


def _check_size(settings: Settings, plan: _Plan, cache: EmbeddingCache, max_embed: int, current: str | None) -> None:
    """Refuse a large rebuild while a current build can answer; say so when there is none and it must be built."""
    from ingest.embeddings import model_id

    texts = [c.embed_text for c in plan.chunks]
    missing = sum(cache.missing(model_id(settings, space), texts) for space in settings.spaces)
    if missing > max_embed and current:
        raise RebuildTooLarge(missing)
    if missing > max_embed:
        log.warning("no index yet: building it before answering (%d passage embeddings to compute)", missing)


def _write_build(
    client: chromadb.ClientAPI,
    settings: Settings,
    plan: _Plan,
    cache: EmbeddingCache,
    lock: BuildLock,
    embeddings: dict[str, Embeddings] | None,
    progress: bool,
) -> int:
    """Embed (what the cache lacks) and write every space's collection; returns how many texts were embedded."""
    from ingest.embeddings import get_embeddings, model_id

    texts = [c.embed_text for c in plan.chunks]
    embedded = 0
    for space in settings.spaces:
        model = (embeddings or {}).get(space) or get_embeddings(settings, space)
        step = partial(lock.step, f"embedding ({space})")
        vectors, fresh = cache.embed(model, model_id(settings, space), texts, progress, step)
        embedded += fresh
        _write_collection(client, collection_name(plan.build_id, space), plan.chunks, vectors, lock)
    return embedded


def _complete(client: chromadb.ClientAPI, settings: Settings, build: str, count: int) -> bool:
    try:
        return all(client.get_collection(collection_name(build, s)).count() == count for s in settings.spaces)
    except Exception:  # a missing collection
        return False


def _write_collection(client: chromadb.ClientAPI, name: str, chunks: list[Chunk], vectors: np.ndarray, lock: BuildLock) -> None:
    if name in collection_names(client):  # a leftover of an earlier build of the same corpus that failed
        client.delete_collection(name)
    collection = client.create_collection(name, metadata={"hnsw:space": "cosine"})
    for i in range(0, len(chunks), _ADD_BATCH):
        batch = chunks[i : i + _ADD_BATCH]
        collection.add(
            ids=[c.id for c in batch],
            embeddings=vectors[i : i + _ADD_BATCH],
            documents=[c.embed_text for c in batch],
            metadatas=[_chunk_metadata(c) for c in batch],
        )
        lock.step(f"writing {name}", i + len(batch), len(chunks))


def _chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "id": chunk.id,
        "source": chunk.source,
        "node_id": chunk.node_id,
        "section_id": chunk.section_id,
        "role": chunk.role or "",
        "role_key": chunk.role_key or "",
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
        role_key=meta["role_key"] or None,
    )


def _no_articles_message(settings: Settings, skipped: Sequence[Skipped]) -> str:
    if skipped:
        return f"no article in {settings.corpus_dir} could be read: " + "; ".join(f"{s.source}: {s.reason}" for s in skipped)
    return f"no .txt, .md or .docx article in {settings.corpus_dir}"


def _where(settings: Settings) -> str:
    return settings.chroma_url or str(settings.data_dir / "chroma")


def _low_space(settings: Settings) -> str:
    """", only 0.4 MB free on the disk of …" when the embedded store's disk is (nearly) full, else ""."""
    if settings.chroma_url:
        return ""
    free = shutil.disk_usage(settings.data_dir).free
    return f"; only {free / 2**20:.1f} MB free on the disk of {settings.data_dir}" if free < _LOW_SPACE else ""
