"""What every edge (the CLI, the app, evals) opens and which errors are the user's to fix.

A user error's message says what to do; the edges show it as one line (CLI) or a message (app), never a trace.
"""

from __future__ import annotations

import hmac
import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ingest.builds import LEASE_SECONDS, Leases
from ingest.config import Settings, SettingsError
from ingest.index import (
    Index,
    IndexUnavailable,
    chroma_client,
    current_build,
    ensure_index,
    open_index,
)
from ingest.parse import CorpusFormatError
from rag.catalog import Catalog, UnknownRole, load_catalog
from rag.question import EmptyQuestion

log = logging.getLogger(__name__)

# Errors of input (exit code 2 in the CLI) and of the index, corpus or settings (exit code 1).
INPUT_ERRORS: tuple[type[Exception], ...] = (EmptyQuestion, UnknownRole)
USER_ERRORS: tuple[type[Exception], ...] = INPUT_ERRORS + (IndexUnavailable, CorpusFormatError, SettingsError)

_RETRY_SECONDS = 5.0  # after a new build failed to open, wait this long before trying again
LOGIN_FAILURES = 5  # wrong passwords within LOGIN_WINDOW seconds before logins are refused
LOGIN_WINDOW = 300.0


class Live:
    """The index and catalog a long-running reader answers from; read `.index` and `.catalog` per request.

    Every read checks the store's pointer (a fraction of a millisecond). When it has moved, the new build and
    the catalog of the corpus it was built from are opened in a background thread while requests go on being
    answered from the pair in hand, which is then swapped for the new one. The reader holds a lease on the build
    it serves (see `ingest.index`), renewed as it reads, so no build is deleted under it; `close()` releases it.
    `unreachable` turns a store that cannot be reached (a Chroma server down) into the error the edge shows.
    """

    def __init__(
        self,
        settings: Settings,
        index: Index,
        catalog: Catalog,
        *,
        unreachable: Callable[[IndexUnavailable], Exception] = lambda err: err,
    ) -> None:
        self.settings = settings
        self._served = (index, catalog)
        self._unreachable = unreachable
        self._client = chroma_client(settings)
        self._leases = Leases(self._client)
        self._lock = threading.Lock()
        self._switching = False
        self._next_try = 0.0
        self._renewed = 0.0
        self._renew(index.build_id)

    @property
    def index(self) -> Index:
        try:
            self._follow()
        except IndexUnavailable as err:
            log.warning("%s", err)
            raise self._unreachable(err) from err
        return self._served[0]

    @property
    def catalog(self) -> Catalog:
        try:
            self._follow()
        except IndexUnavailable as err:  # drafting reads only the corpus: it goes on without the store
            log.debug("catalog kept: %s", err)
        return self._served[1]

    def __enter__(self) -> Live:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release this reader's leases (they would lapse anyway, `LEASE_SECONDS` after the last read)."""
        try:
            self._leases.release()
        except Exception as err:  # noqa: BLE001 - leaving is best effort; the leases lapse by themselves
            log.warning("could not release the index leases: %s", err)

    def _follow(self) -> None:
        build = current_build(self._client)
        served = self._served[0].build_id
        if build and build != served:
            self._switch_soon(build)
        if time.monotonic() - self._renewed > LEASE_SECONDS / 3:
            self._renew(served)

    def _switch_soon(self, build: str) -> None:
        with self._lock:
            if self._switching or time.monotonic() < self._next_try:
                return
            self._switching = True
        threading.Thread(target=self._switch, args=(build,), name=f"open-build-{build}", daemon=True).start()

    def _switch(self, build: str) -> None:
        try:
            self._renew(build)  # before opening: no builder may delete it meanwhile
            self._served = (open_index(self.settings, build), load_catalog(self.settings.corpus_dir))
            log.info("now answering from index build %s", build)
        except Exception as err:  # noqa: BLE001 - a thread's error would only print a traceback; keep serving
            log.warning("could not open the new index build %s (%s); still answering from the previous one", build, err)
            self._next_try = time.monotonic() + _RETRY_SECONDS
        finally:
            self._switching = False

    def _renew(self, build: str) -> None:
        self._renewed = time.monotonic()  # after a failure too: the next try is a third of a lease later
        try:
            self._leases.hold(build)
        except Exception as err:  # noqa: BLE001 - a full disk or a busy store must not fail the request
            log.warning("could not renew the lease on index build %s: %s", build, err)


def open_all(settings: Settings) -> tuple[Index, Catalog]:
    """Build the index if it is missing or stale (and that is quick), open it, and read the catalog."""
    return ensure_index(settings), load_catalog(settings.corpus_dir)


class LoginThrottle:
    """Gradio's `auth` callable for one 'user:password'. After `LOGIN_FAILURES` wrong passwords for that user
    within `LOGIN_WINDOW` seconds, every login is refused until the oldest of them is that old. (Gradio does not
    pass the client's address to `auth`; other user names cannot succeed, so they need no throttle.)"""

    def __init__(self, credentials: str) -> None:
        self._user = credentials.partition(":")[0]
        self._expected = credentials.encode()
        self._failures: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        now = time.monotonic()
        with self._lock:
            self._failures = [t for t in self._failures if now - t < LOGIN_WINDOW]
            if len(self._failures) >= LOGIN_FAILURES:
                return False
            right = hmac.compare_digest(f"{user}:{password}".encode(), self._expected)
            if not right and user == self._user:
                self._failures.append(now)
            return right


def remove_stale_drafts(folder: Path, max_age: float) -> list[Path]:
    """Delete the app's `roleguide-*` draft folders in `folder` older than `max_age` seconds; returns them."""
    cutoff = time.time() - max_age
    stale = [p for p in folder.glob("roleguide-*") if p.is_dir() and p.stat().st_mtime < cutoff]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale
