"""What every edge (the CLI, the app, evals) opens and which errors are the user's to fix.

A user error's message says what to do; the edges show it as one line (CLI) or a message (app), never a trace.
"""

from __future__ import annotations

from ingest.config import Settings, SettingsError
from ingest.index import Index, IndexUnavailable, ensure_index
from ingest.parse import CorpusFormatError
from rag.catalog import Catalog, UnknownRole, load_catalog
from rag.jd import NoKpi
from rag.question import EmptyQuestion

# Errors of input (exit code 2 in the CLI) and of the index, corpus or settings (exit code 1).
INPUT_ERRORS: tuple[type[Exception], ...] = (EmptyQuestion, UnknownRole, NoKpi)
USER_ERRORS: tuple[type[Exception], ...] = INPUT_ERRORS + (IndexUnavailable, CorpusFormatError, SettingsError)


class Live:
    """The index and catalog a long-running server answers from; read `.index` and `.catalog` per request."""

    def __init__(self, settings: Settings, index: Index, catalog: Catalog) -> None:
        self.settings = settings
        self._index = index
        self._catalog = catalog

    @property
    def index(self) -> Index:
        return self._index

    @property
    def catalog(self) -> Catalog:
        return self._catalog


def open_all(settings: Settings) -> tuple[Index, Catalog]:
    """Build the index if it is missing or stale, open it, and read the catalog."""
    return ensure_index(settings), load_catalog(settings.corpus_dir)
