"""Chunk embeddings cached on disk by (model id, sha256 of the embedded text): a changed corpus re-embeds only
what changed, and a copy of a text under a new id is not embedded again."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

_EMBED_BATCH = 16


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Chunk embeddings by (model id, sha256 of the embedded text), so a changed corpus re-embeds only what changed."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path

    def __enter__(self) -> EmbeddingCache:
        try:
            self._open()
        except sqlite3.DatabaseError as err:  # only a cache: start it afresh
            if isinstance(err, sqlite3.OperationalError):  # locked, or a full disk: not damage
                raise
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

    def missing(self, model_key: str, texts: list[str]) -> int:
        """How many distinct `texts` the cache holds no vector for."""
        known = {sha for (sha,) in self._db.execute("SELECT sha FROM embedding WHERE model = ?", (model_key,))}
        return len({text_sha(t) for t in texts} - known)

    def embed(
        self, model: Embeddings, model_key: str, texts: list[str], progress: bool, step: Callable[[int, int], None]
    ) -> tuple[np.ndarray, int]:
        """Vectors for `texts` (cached or computed) and how many had to be computed; `step(done, total)` as it goes."""
        shas = [text_sha(t) for t in texts]
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
                step(i + len(batch), len(missing))
        return np.vstack([known[s] for s in shas]), len(missing)

    def _lookup(self, model_key: str, shas: set[str]) -> dict[str, np.ndarray]:
        rows = self._db.execute("SELECT sha, vector FROM embedding WHERE model = ?", (model_key,)).fetchall()
        return {sha: np.frombuffer(blob, dtype=np.float32) for sha, blob in rows if sha in shas}
