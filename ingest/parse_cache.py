"""Parsed documents kept between processes, so that a corpus of many documents is parsed once, not by every command.

A document's parse is stored in the user's cache folder (`user_cache_dir()/parsed/`) under a key made of its file's
bytes, its metadata file's bytes, its name in the corpus and the parser's own source code: editing a document, its
metadata or the parser makes a new entry, and writing one deletes the document's older entries. An entry that
cannot be read or written is parsed again; the cache never fails a read (a document that cannot be parsed is not
cached: it raises as before).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.config import user_cache_dir

if TYPE_CHECKING:
    from ingest.parse import Article  # ingest.parse reads the corpus through this module

log = logging.getLogger(__name__)

# the modules whose code decides what a document parses to
_PARSER_MODULES = ("parse.py", "outline.py", "fields.py", "roles.py", "docx_text.py")


def cached_article(path: Path, source: str, parse: Callable[[Path, str], Article]) -> Article:
    """The parse of one corpus file: from the cache when this file, its metadata and the parser are unchanged."""
    meta = path.with_name(f"{path.stem}.meta.json")
    try:
        content = path.read_bytes() + b"\0" + (meta.read_bytes() if meta.is_file() else b"")
    except OSError:
        return parse(path, source)  # unreadable now: the parser says why
    key = hashlib.sha256(_parser_version().encode() + b"\0" + content).hexdigest()
    folder = user_cache_dir() / "parsed"
    named = hashlib.sha256(source.encode()).hexdigest()[:16]
    entry = folder / f"{named}-{key[:32]}.pickle"
    try:
        with entry.open("rb") as stored:
            article = pickle.load(stored)
        if getattr(article, "source", None) == source:
            return article
    except FileNotFoundError:
        pass
    except Exception as err:  # a damaged or foreign entry (any unpickling error): parse again
        log.warning("parsing %s again: its cached parse %s cannot be read (%s)", source, entry, err)
    article = parse(path, source)
    _store(folder, named, entry, article)
    return article


def _store(folder: Path, named: str, entry: Path, article: Article) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        with partial.open("wb") as out:
            pickle.dump(article, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, entry)
        for older in folder.glob(f"{named}-*.pickle"):
            if older != entry:
                older.unlink(missing_ok=True)
    except OSError as err:
        log.warning("could not cache the parse of %s in %s (%s)", article.source, folder, err)


@cache
def _parser_version() -> str:
    here = Path(__file__).parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in _PARSER_MODULES)).hexdigest()[:16]
