"""A build's read-side tables, written with the build beside the store and memory-mapped when it is opened.

Row i of each table is the i-th chunk in corpus order: the chunk table (one column per chunk field; a `Chunk` is
made when it is asked for), the vectors each space's collection holds (as stored, and scaled to unit length:
exact dense search is one matrix product) and a bm25s index over jieba tokens holding Okapi BM25 as rank_bm25
scores it. They live in `<data_dir>/builds/<build>/`, written to a folder of their own and renamed into place,
so a reader sees all of a build's tables or none; a build whose tables are missing (made on another machine
sharing a Chroma server, or by an older version) has them read from its collections and written again.
bm25s and Chroma are imported where an index or a client is used, so that `tokenize` stays light.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jieba
import numpy as np

from ingest.builds import LEASE_SECONDS, stored_builds
from ingest.chunk import Chunk
from ingest.config import Settings

if TYPE_CHECKING:
    import bm25s
    import chromadb

log = logging.getLogger(__name__)

GET_BATCH = 5000


TABLES_DIR = "builds"  # <data_dir>/builds/<build>/: the build's read-side tables (see open_index)


_TABLES_VERSION = 2  # 2: repeated columns stored as their distinct values and a code per row


_K1, _B, _EPSILON = 1.5, 0.75, 0.25  # Okapi BM25 as rank_bm25's BM25Okapi has it


_CHUNK_COLUMNS = {  # a chunk's store metadata, as the chunk table keeps it (one list per name)
    "id": str, "source": str, "node_id": str, "section_id": str, "role": str, "role_key": str, "field": str,
    "kind": str, "label": str, "text": str, "start": int, "end": int, "heading": str,
}  # fmt: skip


# Columns with a value of their own in (nearly) every chunk; the others repeat a few values (a document's name, a
# role, a field) and are stored as those values and a code per row, so that each value is one string in memory.
_FREE_TEXT = frozenset({"id", "text"})


_WORD = re.compile(r"[\w\u4e00-\u9fff]")


STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 把 被 对 由 从 为 以 之 其 这 那 这个 那个 它 他们 她 他 吗 呢 吧 啊 呀 么 什么 哪些 哪个 "
    "怎么 怎样 如何 多少 几 是否 有没有 请问 请 一下 一般 主要 通常 可以 能 会 要 有 都 也 还 就 而 并 且 "
    "the a an of to in on for and or is are be what which how who does do did with as by at it its this that".split()
)


class ChunkTable(Mapping[str, Chunk]):
    """A build's chunks by id, in corpus order, kept as columns: a `Chunk` is made when it is asked for."""

    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns
        self.ids: list[str] = columns["id"]
        self._rows = {cid: row for row, cid in enumerate(self.ids)}
        self._made: dict[int, Chunk] = {}

    def __getitem__(self, cid: str) -> Chunk:
        return self.at(self._rows[cid])

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, cid: object) -> bool:
        return cid in self._rows

    def row(self, cid: str) -> int:
        """The chunk's position in corpus order: its row in the vectors and the BM25 index."""
        return self._rows[cid]

    def at(self, row: int) -> Chunk:
        chunk = self._made.get(row)
        if chunk is None:
            chunk = self._made[row] = chunk_from_metadata({name: column[row] for name, column in self.columns.items()})
        return chunk

    @classmethod
    def from_metadata(cls, metadatas: Iterable[dict]) -> ChunkTable:
        """The table of the chunks these store records (or `chunk_metadata` dicts) describe, sorted into corpus order."""
        records = sorted(metadatas, key=lambda m: (m["source"], int(m["start"]), m["id"]))
        return cls({name: [_CHUNK_COLUMNS[name](m[name]) for m in records] for name in _CHUNK_COLUMNS})


def tokenize(text: str, *, whole_words: bool = False) -> list[str]:
    """Search tokens: jieba's fine-grained cut for Chinese (its precise cut with `whole_words`: 供应商 without 供应),
    lower-cased words otherwise, stopwords out."""
    cut = jieba.lcut if whole_words else jieba.lcut_for_search
    return [
        t
        for t in (tok.strip().lower() for tok in cut(text))
        if t and t not in STOPWORDS and _WORD.search(t)
    ]


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
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


def chunk_from_metadata(meta: dict) -> Chunk:
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


@dataclass(frozen=True)
class BuildTables:
    """A build's read side, row i of each being the i-th chunk in corpus order."""

    chunks: ChunkTable
    vectors: dict[str, np.ndarray]
    unit_vectors: dict[str, np.ndarray]
    bm25: bm25s.BM25


def tables_dir(settings: Settings, build: str) -> Path:
    """Where a build's read-side tables are kept: beside the store, in this machine's data folder."""
    return settings.data_dir / TABLES_DIR / build


def make_tables(chunks: ChunkTable, vectors: dict[str, np.ndarray]) -> BuildTables:
    """The tables of these chunks and their stored vectors (in the chunks' order): unit vectors and BM25 over
    jieba tokens of the embedded text (a text repeated in the corpus is cut once)."""
    vectors = {space: np.asarray(v, dtype=np.float32) for space, v in vectors.items()}
    units = {space: v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12) for space, v in vectors.items()}
    add_role_words(chunks.columns["role"])
    cut: dict[str, list[str]] = {}
    texts = [heading + text for heading, text in zip(chunks.columns["heading"], chunks.columns["text"])]
    tokens = [cut[t] if t in cut else cut.setdefault(t, tokenize(t)) for t in texts]
    return BuildTables(chunks, vectors, units, _bm25_index(tokens))


def _bm25_index(tokens: list[list[str]]) -> bm25s.BM25:
    """bm25s's sparse index holding Okapi BM25 as rank_bm25 scores it: bm25s's Lucene weights, each word's
    rescaled from Lucene's IDF to Okapi's (times k1 + 1)."""
    import bm25s

    model = bm25s.BM25(k1=_K1, b=_B, method="lucene", dtype="float64")
    model.index(tokens, show_progress=False)
    frequencies = np.diff(model.scores["indptr"])
    n = model.scores["num_docs"]
    okapi = okapi_idf({t: int(frequencies[i]) for t, i in model.vocab_dict.items() if t}, n)
    weight = np.zeros(len(frequencies))
    for token, i in model.vocab_dict.items():
        if token:
            lucene = math.log(1 + (n - frequencies[i] + 0.5) / (frequencies[i] + 0.5))
            weight[i] = (_K1 + 1) * okapi[token] / lucene
    model.scores["data"] = model.scores["data"] * np.repeat(weight, frequencies)
    return model


def okapi_idf(frequencies: dict[str, int], n: int) -> dict[str, float]:
    """Okapi IDF of each word from the number of chunks holding it; a negative one becomes a quarter of the mean."""
    idf = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in frequencies.items()}
    floor = _EPSILON * math.fsum(idf.values()) / len(idf) if idf else 0.0
    return {t: floor if w < 0 else w for t, w in idf.items()}


def add_role_words(roles: Iterable[str]) -> None:
    """Let jieba cut role names whole, in the chunks and in questions alike."""
    jieba.setLogLevel(logging.WARNING)  # its own handler prints dictionary loading at DEBUG on every command
    for role in sorted({r for r in roles if r}):
        jieba.add_word(role)


def tables_from_store(collections: dict[str, chromadb.Collection]) -> BuildTables:
    """The tables read from the store itself: every chunk's metadata and vectors (slow for a large build)."""
    first = next(iter(collections.values()))
    metadatas = [  # paged: one get() of a large collection exceeds SQLite's limit on query variables
        meta
        for offset in range(0, first.count(), GET_BATCH)
        for meta in first.get(include=["metadatas"], limit=GET_BATCH, offset=offset)["metadatas"]
    ]
    chunks = ChunkTable.from_metadata(metadatas)
    return make_tables(chunks, {space: read_vectors(collection, chunks.ids) for space, collection in collections.items()})


def read_vectors(collection: chromadb.Collection, ids: list[str]) -> np.ndarray:
    """The vectors a collection holds for `ids`, in that order: as stored (a cosine collection keeps them
    normalised, which moves the last bits of the vectors it was given)."""
    parts = []
    for i in range(0, len(ids), GET_BATCH):
        batch = ids[i : i + GET_BATCH]
        records = collection.get(ids=batch, include=["embeddings"])
        position = {cid: j for j, cid in enumerate(records["ids"])}
        parts.append(np.asarray(records["embeddings"], dtype=np.float32)[[position[cid] for cid in batch]])
    return np.vstack(parts)


def write_tables(settings: Settings, build: str, tables: BuildTables) -> None:
    """Write a build's tables into a folder of their own and rename it into place (a reader sees all or nothing);
    when another process got there first, its copy stays."""
    final = tables_dir(settings, build)
    partial = final.with_name(f".{build}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        partial.mkdir(parents=True)
        columns = {name: _encoded(name, column) for name, column in tables.chunks.columns.items()}
        (partial / "chunks.json").write_text(json.dumps(columns, ensure_ascii=False), encoding="utf-8")
        for space in tables.vectors:
            np.save(partial / f"vectors.{space}.npy", tables.vectors[space])
            np.save(partial / f"unit.{space}.npy", tables.unit_vectors[space])
        tables.bm25.save(partial / "bm25", show_progress=False)
        manifest = _manifest(build, len(tables.chunks), list(tables.vectors))
        (partial / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        try:
            partial.rename(final)
        except OSError:
            if not final.is_dir():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _encoded(name: str, column: list) -> list | dict[str, list]:
    """A column as chunks.json keeps it: free text and numbers as they are, the rest as distinct values and codes."""
    if name in _FREE_TEXT or _CHUNK_COLUMNS[name] is not str:
        return column
    values = list(dict.fromkeys(column))
    code = {value: i for i, value in enumerate(values)}
    return {"values": values, "codes": [code[value] for value in column]}


def _decoded(column: list | dict[str, list]) -> list:
    """A column read back: rows of a coded column share their value's one string."""
    if isinstance(column, dict):
        values = column["values"]
        return [values[c] for c in column["codes"]]
    return column


def table_count(settings: Settings, build: str) -> int | None:
    """How many chunks a build's tables hold, from their manifest (None without usable tables). The tables are
    written only once every collection of the build is complete, so this is the build's size too."""
    try:
        manifest = json.loads((tables_dir(settings, build) / "manifest.json").read_text(encoding="utf-8"))
        count = int(manifest["chunks"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return count if manifest == _manifest(build, count, list(settings.spaces)) else None


def read_tables(settings: Settings, build: str, count: int) -> BuildTables | None:
    """A build's tables, memory-mapped, or None when they are missing, of another version or unreadable."""
    import bm25s

    folder = tables_dir(settings, build)
    if not (folder / "manifest.json").is_file():
        return None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest != _manifest(build, count, list(settings.spaces)):
            raise ValueError(f"they describe {manifest}")
        stored = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        chunks = ChunkTable({name: _decoded(column) for name, column in stored.items()})
        vectors = {s: np.load(folder / f"vectors.{s}.npy", mmap_mode="r") for s in settings.spaces}
        units = {s: np.load(folder / f"unit.{s}.npy", mmap_mode="r") for s in settings.spaces}
        bm25 = bm25s.BM25.load(folder / "bm25", mmap=True, show_progress=False)
        shapes = {len(chunks), bm25.scores["num_docs"]} | {len(v) for v in (*vectors.values(), *units.values())}
        if shapes != {count}:
            raise ValueError(f"they hold {sorted(shapes)} rows, not {count}")
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        log.warning("the tables of build %s in %s cannot be used (%s); reading the store instead", build, folder, err)
        return None
    return BuildTables(chunks, vectors, units, bm25)


def _manifest(build: str, count: int, spaces: list[str]) -> dict[str, object]:
    return {"version": _TABLES_VERSION, "build": build, "chunks": count, "spaces": spaces}


def drop_unused_tables(settings: Settings, client: chromadb.ClientAPI) -> None:
    """Delete the tables of builds the store no longer holds, and writes of them that were abandoned."""
    folder = settings.data_dir / TABLES_DIR
    if not folder.is_dir():
        return
    try:
        stored = stored_builds(client)
    except Exception as err:  # as in drop_unused_builds: housekeeping never fails a build
        log.warning("could not list the stored builds to delete old tables: %s", err)
        return
    for path in folder.iterdir():
        abandoned = path.name.endswith(".tmp") and time.time() - path.stat().st_mtime > LEASE_SECONDS
        if abandoned or (not path.name.endswith(".tmp") and path.name not in stored):
            shutil.rmtree(path, ignore_errors=True)
