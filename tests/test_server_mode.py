"""Chroma server mode: a real `chroma run` on 127.0.0.1; ingest through it, answer through it, same answers."""

from __future__ import annotations

import shutil

import pytest

from ingest.index import IndexUnavailable, build_index, open_index
from rag.answer import answer
from ingest.config import Settings
from tests.conftest import free_port

QUESTIONS = ["采购经理的KPI有哪些?", "商家合规专员收到投诉后多久要完成调查?", "What does a buyer do?", "电商运营总监的年薪一般多少?"]


def test_ingest_and_answer_through_a_chroma_server(chroma_process, seed_settings, seed_index, catalog, tmp_path):
    data = tmp_path / "client-data"
    data.mkdir()
    shutil.copy(seed_settings.data_dir / "embedding_cache.sqlite", data)  # embeddings are cached client-side
    settings = Settings(chroma_url=chroma_process[0], data_dir=data)
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
