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

Read-side tables. After its collections and before the switch, a build writes what readers need beside the
store, in the data folder: `builds/<build>/` holds the chunk table (chunks.json, columns in corpus order), each
space's vectors as the store holds them and scaled to unit length (.npy, memory-mapped when opened) and the
BM25 index (bm25s, Okapi weights over `tokenize`'s jieba tokens). They are written into a temporary folder
and renamed into place, so a reader sees all of them or none; a build that fails removes them with its
collections, and a build deleted takes its tables with it. Opening a build reads these, not the store's
chunks: it is cheap however large the corpus. A build whose tables are missing or unreadable (built on
another machine that shares the Chroma server, or by an older version) is read from the store as before,
and its tables are written for the next time. `Index` answers the lookups that used to scan every chunk:
rows by role key and field, a role's chunks, the chunk holding a span, the chunks holding given words
(the tables themselves are `ingest.tables`).

One build at a time. A builder holds `build.lock` in the data folder (an flock: the OS drops it when the
process dies) and writes its progress to `build-progress.json` beside it. A command that finds a build
running answers from the current build and says how far the build has got (`BuildInProgress`). A command
other than `python -m ingest` that would have to compute more than `FOREGROUND_EMBED_LIMIT` embeddings before
answering leaves that to `python -m ingest` (`RebuildTooLarge`) and answers from the current build too.
A corpus file whose text is the same as another's is indexed once, with a warning naming both.

Chroma, LangChain, bm25s and the embedding models are imported where a client, a store, an index or a model
is made (after the offline environment is set), so that importing this module — for `Index` or the error
types — stays light: drafting and the light CLI commands never load them.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np

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
from ingest.corpus import Corpus, Skipped, read_corpus
from ingest.embedding_cache import EmbeddingCache, text_sha
from ingest.parse import PARSER_VERSION, Article, CorpusFormatError
from ingest.tables import (
    ChunkTable,
    add_role_words,
    chunk_metadata,
    drop_unused_tables,
    make_tables,
    okapi_idf,
    read_tables,
    read_vectors,
    tables_dir,
    table_count,
    tables_from_store,
    write_tables,
)

if TYPE_CHECKING:
    import bm25s
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

META_COLLECTION = "roleguide_meta"
EMBEDDING_CACHE = "embedding_cache.sqlite"  # in the data folder: every build's embeddings, by model and text
FOREGROUND_EMBED_LIMIT = 500  # embeddings a command computes itself before answering (~30 s on 2 cores)
_LOW_SPACE = 100 * 2**20  # below this much free space a failed build's message mentions it
_ADD_BATCH = 1000  # records per Chroma add: a batch of 64 takes 3.6× as long per record (HNSW and WAL per call)


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
    """An opened build: its chunks by id (in corpus order), a LangChain Chroma store per space, the chunk vectors
    per space (as stored, and scaled to unit length) and the BM25 index, row i of each being the i-th chunk."""

    build_id: str
    chunks: ChunkTable
    stores: dict[str, Chroma]
    bm25: bm25s.BM25
    settings: Settings
    vectors: dict[str, np.ndarray]  # space → the stored vectors (memory-mapped from the build's tables)
    unit_vectors: dict[str, np.ndarray]  # space → the same scaled to unit length: exact dense search is one product

    def embeddings(self, space: str) -> Embeddings:
        """The model that embeds questions (and profiles) for one space's collection."""
        return self.stores[space].embeddings

    def embed_documents(self, space: str, texts: list[str]) -> np.ndarray:
        """`texts` embedded as passages in one space, through the embedding cache the builds use (a text embedded
        once is not embedded again, in this process or the next); straight from the model if the cache is busy."""
        from ingest.embeddings import model_id

        model = self.embeddings(space)
        try:
            with EmbeddingCache(self.settings.data_dir / EMBEDDING_CACHE) as cache:
                return cache.embed(model, model_id(self.settings, space), texts, False, lambda done, total: None)[0]
        except sqlite3.Error as err:  # locked by a long build, a read-only or full disk: only a cache
            log.warning("embedding cache unavailable (%s): embedding %d texts without it", err, len(texts))
            return np.asarray(model.embed_documents(texts), dtype=np.float32)

    def rows(self, roles: Sequence[str] | None = None, fields: Sequence[str] | None = None) -> np.ndarray | None:
        """The rows (ascending) of the chunks of these role keys and fields; None when neither is given: every row."""
        if not roles and not fields:
            return None
        found = None
        for wanted, groups in ((roles, self._role_rows), (fields, self._field_rows)):
            if wanted:
                rows = np.unique(np.concatenate([groups.get(key, _NO_ROWS) for key in wanted]))
                found = rows if found is None else np.intersect1d(found, rows)
        return found

    def role_chunks(self, role_key: str) -> list[Chunk]:
        """A role's chunks (by key), in corpus order."""
        return [self.chunks.at(row) for row in self._role_rows.get(role_key, _NO_ROWS)]

    def chunk_holding(self, source: str, start: int, end: int) -> Chunk | None:
        """The first chunk (in corpus order) of `source` whose span holds [start:end]."""
        rows = self._source_rows.get(source, _NO_ROWS)
        inside = np.flatnonzero((self._starts[rows] <= start) & (end <= self._ends[rows]))
        return self.chunks.at(int(rows[inside[0]])) if len(inside) else None

    def roles_span(self, source: str) -> tuple[int, int] | None:
        """Where `source`'s roles begin and end (the start of its first role chunk, the end of its last): what lies
        before is its opening, what lies after its end. None for a document without roles."""
        rows = self._source_rows.get(source, _NO_ROWS)
        rows = rows[[bool(self.chunks.columns["role_key"][r]) for r in rows]]
        return (int(self._starts[rows].min()), int(self._ends[rows].max())) if len(rows) else None

    def containing(self, terms: Iterable[str]) -> list[Chunk]:
        """The chunks whose lower-cased text holds any of the terms, in corpus order."""
        text, offsets = self._lowered_texts
        rows: set[int] = set()
        for term in {t for t in terms if t}:
            at = text.find(term)
            while at >= 0:
                row = int(np.searchsorted(offsets, at, side="right")) - 1
                rows.add(row)
                at = text.find(term, offsets[row + 1]) if row + 1 < len(offsets) else -1
        return [self.chunks.at(row) for row in sorted(rows)]

    @cached_property
    def idf(self) -> dict[str, float]:
        """Each word's BM25 IDF, as Okapi BM25 weighs it (rank_bm25's formula: a word in more than half the chunks
        weighs a quarter of the mean IDF)."""
        frequencies = np.diff(self.bm25.scores["indptr"])
        return okapi_idf({t: int(frequencies[i]) for t, i in self.bm25.vocab_dict.items() if t}, len(self.chunks))

    def bm25_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Okapi BM25 scores of the tokens (repeats count again) for every row; unknown tokens score nothing."""
        ids = [self.bm25.vocab_dict[t] for t in tokens if t and t in self.bm25.vocab_dict]
        return self.bm25.get_scores_from_ids(ids)

    @cached_property
    def _role_rows(self) -> dict[str, np.ndarray]:
        return _group_rows(self.chunks.columns["role_key"])

    @cached_property
    def _field_rows(self) -> dict[str, np.ndarray]:
        return _group_rows(self.chunks.columns["field"])

    @cached_property
    def _source_rows(self) -> dict[str, np.ndarray]:
        return _group_rows(self.chunks.columns["source"])

    @cached_property
    def _starts(self) -> np.ndarray:
        return np.asarray(self.chunks.columns["start"], dtype=np.int64)

    @cached_property
    def _ends(self) -> np.ndarray:
        return np.asarray(self.chunks.columns["end"], dtype=np.int64)

    @cached_property
    def _lowered_texts(self) -> tuple[str, np.ndarray]:
        """Every chunk's lower-cased text joined by NULs, and where each one starts."""
        texts = [t.lower() for t in self.chunks.columns["text"]]
        offsets = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        return "\0".join(texts), offsets


_NO_ROWS = np.zeros(0, dtype=np.int64)


def _group_rows(column: Sequence[str]) -> dict[str, np.ndarray]:
    """value → the rows (ascending) holding it; empty values left out."""
    groups: dict[str, list[int]] = {}
    for row, value in enumerate(column):
        if value:
            groups.setdefault(value, []).append(row)
    return {value: np.asarray(rows, dtype=np.int64) for value, rows in groups.items()}


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
    with lock, EmbeddingCache(settings.data_dir / EMBEDDING_CACHE) as cache:
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
                shutil.rmtree(tables_dir(settings, plan.build_id), ignore_errors=True)
            raise BuildFailed(err, settings, current) from err
    drop_unused_builds(client, keep={plan.build_id, current})
    drop_unused_tables(settings, client)
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
    """Open a build (by default the one the store points at); chunks come from the build, not from the corpus.

    The chunk table, vectors and BM25 index are the build's tables in the data folder, written with the build and
    memory-mapped here: opening reads no chunk from the store. When they are missing or unreadable (a build made
    on another machine sharing a Chroma server, or by an older version), they are read from the store and
    written for the next time."""
    from langchain_chroma import Chroma

    from ingest.embeddings import get_embeddings

    client = chroma_client(settings)
    try:
        build = build or current_build(client)
        collections = {space: client.get_collection(collection_name(build, space)) for space in settings.spaces}
        # a reader with the build's tables loads no collection: Chroma would hold its HNSW index in memory, and it
        # rewrites a collection's files the first time a process loads one
        count = table_count(settings, build) or min(collection.count() for collection in collections.values())
    except Exception as err:  # chromadb raises several types for a missing or unreadable store
        raise IndexUnavailable(
            f"no usable index in {_where(settings)} ({err}); build it with: .venv/bin/python -m ingest"
        ) from err
    if not count:
        raise IndexUnavailable(f"the index in {_where(settings)} is empty; rebuild it with: .venv/bin/python -m ingest")
    tables = read_tables(settings, build, count)
    if tables is None:
        tables = tables_from_store(collections)
        shutil.rmtree(tables_dir(settings, build), ignore_errors=True)  # unreadable, if there at all
        try:
            write_tables(settings, build, tables)
        except OSError as err:  # a full or read-only disk: this process serves from memory all the same
            log.warning("could not write the tables of build %s (%s); the next open reads the store again", build, err)
    else:
        add_role_words(tables.chunks.columns["role"])
    stores = {
        space: Chroma(
            client=client,
            collection_name=collection.name,
            embedding_function=get_embeddings(settings, space),
            create_collection_if_not_exists=False,  # get_or_create can hang on a full disk (chromadb 1.5)
        )
        for space, collection in collections.items()
    }
    return Index(build, tables.chunks, stores, tables.bm25, settings, tables.vectors, tables.unit_vectors)


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
    written = {}
    for space in settings.spaces:
        model = (embeddings or {}).get(space) or get_embeddings(settings, space)
        step = partial(lock.step, f"embedding ({space})")
        vectors, fresh = cache.embed(model, model_id(settings, space), texts, progress, step)
        embedded += fresh
        written[space] = _write_collection(client, collection_name(plan.build_id, space), plan.chunks, vectors, lock)
    lock.step("writing the read-side tables", 0, 1)
    table = ChunkTable.from_metadata(chunk_metadata(c) for c in plan.chunks)
    stored = {space: read_vectors(collection, table.ids) for space, collection in written.items()}  # as readers see them
    shutil.rmtree(tables_dir(settings, plan.build_id), ignore_errors=True)  # a leftover of a failed build
    write_tables(settings, plan.build_id, make_tables(table, stored))
    return embedded


def _complete(client: chromadb.ClientAPI, settings: Settings, build: str, count: int) -> bool:
    try:
        collections = [client.get_collection(collection_name(build, s)) for s in settings.spaces]
        if table_count(settings, build) == count:  # the tables were written once every collection was complete
            return True
        return all(collection.count() == count for collection in collections)
    except Exception:  # a missing collection
        return False


def _write_collection(
    client: chromadb.ClientAPI, name: str, chunks: list[Chunk], vectors: np.ndarray, lock: BuildLock
) -> chromadb.Collection:
    if name in collection_names(client):  # a leftover of an earlier build of the same corpus that failed
        client.delete_collection(name)
    collection = client.create_collection(name, metadata={"hnsw:space": "cosine"})
    for i in range(0, len(chunks), _ADD_BATCH):
        batch = chunks[i : i + _ADD_BATCH]
        collection.add(
            ids=[c.id for c in batch],
            embeddings=vectors[i : i + _ADD_BATCH],
            documents=[c.embed_text for c in batch],
            metadatas=[chunk_metadata(c) for c in batch],
        )
        lock.step(f"writing {name}", i + len(batch), len(chunks))
    return collection


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
