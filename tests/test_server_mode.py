"""Chroma server mode: a real `chroma run` on 127.0.0.1; ingest through it, answer through it, same answers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.index import IndexUnavailable, build_index, chroma_client, open_index
from rag.answer import answer
from ingest.config import Settings
from tests.conftest import free_port

QUESTIONS = ["采购经理的KPI有哪些?", "商家合规专员收到投诉后多久要完成调查?", "What does a buyer do?", "电商运营总监的年薪一般多少?"]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
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
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ingest_and_answer_through_a_chroma_server(chroma_server, seed_settings, seed_index, catalog, tmp_path):
    data = tmp_path / "client-data"
    data.mkdir()
    shutil.copy(seed_settings.data_dir / "embedding_cache.sqlite", data)  # embeddings are cached client-side
    settings = Settings(chroma_url=chroma_server, data_dir=data)
    report = build_index(settings, progress=False)
    assert (report.rebuilt, report.build_id, report.embedded) == (True, seed_index.build_id, 0)
    assert not (data / "chroma").exists()  # nothing written to an embedded store
    served = open_index(settings)
    assert served.chunks == seed_index.chunks
    for question in QUESTIONS:
        assert answer(question, served, catalog) == answer(question, seed_index, catalog)
    assert build_index(settings, progress=False).rebuilt is False


def test_unreachable_server_is_a_clear_error(tmp_path):
    settings = Settings(chroma_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        open_index(settings)
