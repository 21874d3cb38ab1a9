"""The store's builds: their collections, readers' leases on them, their deletion, and the one-builder lock.

The design is described in `ingest.index`, which decides when builds are written, switched to and dropped.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import socket
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import chromadb

log = logging.getLogger(__name__)

LEASES_COLLECTION = "roleguide_leases"
_BUILD_COLLECTION = re.compile(r"^roleguide_([0-9a-f]{16})_\w+$")
LEASE_SECONDS = 600.0  # a lease not renewed for this long has lapsed (its reader died or moved on)
_LOCK_FILE = "build.lock"
_PROGRESS_FILE = "build-progress.json"
_PROGRESS_EVERY = 1.0  # seconds between progress-file writes
_LOCK_TRIES = 5  # a reader probing the lock holds it for microseconds: retry before calling it taken


def collection_name(build: str, space: str) -> str:
    return f"roleguide_{build}_{space}"


def collection_names(client: chromadb.ClientAPI) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def stored_builds(client: chromadb.ClientAPI) -> set[str]:
    """The builds whose collections the store holds."""
    return {m.group(1) for name in collection_names(client) if (m := _BUILD_COLLECTION.match(name))}


def drop_builds(client: chromadb.ClientAPI, builds: set[str]) -> list[str]:
    """Delete these builds' collections; returns why some could not be (never raises: it is housekeeping)."""
    problems = []
    for name in collection_names(client):
        if (m := _BUILD_COLLECTION.match(name)) and m.group(1) in builds:
            try:
                client.delete_collection(name)
            except Exception as err:  # Chroma's own error types, or a full disk
                problems.append(f"{name}: {err}")
    return problems


def drop_unused_builds(client: chromadb.ClientAPI, keep: set[str | None]) -> None:
    """Delete every build but `keep` and those under an unexpired lease (after a switch: failures are logged)."""
    try:
        problems = drop_builds(client, stored_builds(client) - keep - leased_builds(client))
    except Exception as err:  # as in drop_builds
        problems = [str(err)]
    for problem in problems:
        log.warning("could not delete an old index build: %s", problem)


class Leases:
    """One reader's leases on the builds it serves."""

    def __init__(self, client: chromadb.ClientAPI) -> None:
        self._client = client
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def hold(self, build: str) -> None:
        """Claim `build` for the next `LEASE_SECONDS` (again: renewing it)."""
        self._client.get_or_create_collection(LEASES_COLLECTION).upsert(
            ids=[f"{self.holder}|{build}"],
            embeddings=[[0.0]],  # Chroma stores records with a vector; a lease has nothing to embed
            metadatas=[{"holder": self.holder, "build": build, "until": time.time() + LEASE_SECONDS}],
        )

    def release(self) -> None:
        self._client.get_or_create_collection(LEASES_COLLECTION).delete(where={"holder": self.holder})


def leased_builds(client: chromadb.ClientAPI) -> set[str]:
    """The builds some reader holds an unexpired lease on; lapsed leases are removed on the way."""
    collection = client.get_or_create_collection(LEASES_COLLECTION)
    records = collection.get(include=["metadatas"])
    now = time.time()
    lapsed = [rid for rid, meta in zip(records["ids"], records["metadatas"]) if meta["until"] <= now]
    if lapsed:
        collection.delete(ids=lapsed)
    return {meta["build"] for meta in records["metadatas"] if meta["until"] > now}


class BuildLock:
    """The one running build of a data folder: an flock on `build.lock` and its progress file."""

    def __init__(self, data_dir: Path, handle: int, build: str) -> None:
        self._progress = data_dir / _PROGRESS_FILE
        self._handle = handle
        self._state: dict[str, object] = {"build": build, "pid": os.getpid(), "started": time.time(), "phase": "starting"}
        self._written = 0.0
        self._write()

    @classmethod
    def acquire(cls, data_dir: Path, build: str) -> BuildLock | None:
        """The lock, or None when another process is building."""
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(data_dir / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        for _ in range(_LOCK_TRIES):
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return cls(data_dir, handle, build)
            except BlockingIOError:
                time.sleep(0.05)
        os.close(handle)
        return None

    def step(self, phase: str, done: int, total: int) -> None:
        """Record how far the build has got (at most once a second, and never failing the build)."""
        if phase == self._state["phase"] and done < total and time.monotonic() - self._written < _PROGRESS_EVERY:
            return
        self._state |= {"phase": phase, "done": done, "total": total}
        self._write()

    def _write(self) -> None:
        self._written = time.monotonic()
        try:
            partial = self._progress.with_suffix(".tmp")
            partial.write_text(json.dumps(self._state), encoding="utf-8")
            partial.replace(self._progress)
        except OSError as err:  # a full disk: the build will say so itself
            log.debug("cannot write build progress: %s", err)

    def release(self) -> None:
        self._progress.unlink(missing_ok=True)
        self._progress.with_suffix(".tmp").unlink(missing_ok=True)
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        os.close(self._handle)

    def __enter__(self) -> BuildLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def build_in_progress(data_dir: Path) -> str | None:
    """How far another process's build has got, e.g. "pid 812, started 14:02:05, embedding (e5) 1200 of 40000",
    or None when no build is running (a progress file left by a killed build does not count)."""
    try:
        state = json.loads((data_dir / _PROGRESS_FILE).read_text(encoding="utf-8"))
        handle = os.open(data_dir / _LOCK_FILE, os.O_RDONLY)
    except (OSError, ValueError):
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
    except BlockingIOError:
        started = time.strftime("%H:%M:%S", time.localtime(state["started"]))
        done = f" {state['done']} of {state['total']}" if state.get("total") else ""
        return f"pid {state['pid']}, started {started}, {state['phase']}{done}"
    finally:
        os.close(handle)
