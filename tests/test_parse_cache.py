"""ingest.parse_cache: a document is parsed once; an edit, new metadata or a damaged entry parses it again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ingest.parse as parse_module
from ingest.config import PROJECT_ROOT
from ingest.parse import load_corpus

SEED = "000_c7806a285f499d96"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "corpus"
    folder.mkdir()
    for suffix in (".txt", ".meta.json"):
        shutil.copyfile(PROJECT_ROOT / "corpus" / f"{SEED}{suffix}", folder / f"{SEED}{suffix}")
    return folder


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the document was parsed again")

    monkeypatch.setattr(parse_module, "parse_article", refuse)


def test_a_document_read_again_comes_from_the_cache_unchanged(corpus, monkeypatch):
    (first,), _ = load_corpus(corpus)
    _no_parsing(monkeypatch)
    (again,), _ = load_corpus(corpus)
    assert again == first and len(again.sections) == len(first.sections)


def test_an_edited_document_or_metadata_is_parsed_again_and_its_old_entry_dropped(corpus, tmp_path, monkeypatch):
    load_corpus(corpus)
    text = corpus / f"{SEED}.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("采购计划达成率", "采购计划完成率"), encoding="utf-8")
    (edited,), _ = load_corpus(corpus)
    assert "采购计划完成率" in edited.text
    meta = corpus / f"{SEED}.meta.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"title": "', '"title": "新版 '), encoding="utf-8")
    (retitled,), _ = load_corpus(corpus)
    assert retitled.title.startswith("新版 ")
    assert len(list((tmp_path / "cache" / "roleguide" / "parsed").glob("*.pickle"))) == 1


def test_a_damaged_entry_is_parsed_again(corpus, tmp_path, caplog):
    (first,), _ = load_corpus(corpus)
    (entry,) = (tmp_path / "cache" / "roleguide" / "parsed").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    (again,), _ = load_corpus(corpus)
    assert again == first and "cannot be read" in caplog.text


def test_an_unwritable_cache_still_reads_the_corpus(corpus, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    (article,), problems = load_corpus(corpus)
    assert article.sections and not problems
