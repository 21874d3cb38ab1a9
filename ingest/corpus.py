"""What the corpus folder holds, document by document: the documents read (their roles and fields), and the files
skipped with the reason. `python -m ingest` prints it; `python -m rag sources` lists it (and as JSON)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ingest.chunk import role_keys
from ingest.embedding_cache import text_sha
from ingest.parse import Article, load_corpus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str
    text: str | None = None  # what could be read of it (a document without roles), to tell questions about it apart


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]  # each text once: the first file of a text wins
    skipped: tuple[Skipped, ...]

    def json(self) -> dict:
        """Documents with their roles (key, name, fields with item counts), and skipped files with the reason."""
        keys = role_keys(self.articles)
        return {
            "documents": [
                {
                    "source": a.source,
                    "title": a.title,
                    "roles": [
                        {
                            "key": keys[(a.source, s.name)],
                            "name": s.name,
                            "fields": {f.name: sum(i.kind != "lead" for i in f.items) for f in s.fields},
                        }
                        for s in a.roles
                    ],
                }
                for a in self.articles
            ],
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
        }

    def lines(self) -> list[str]:
        """The same, readable: one line per document, one per role (its fields and item counts), one per skipped file."""
        shown = self.json()
        lines = []
        for doc in shown["documents"]:
            lines.append(f"{doc['source']} 《{doc['title']}》: {len(doc['roles'])} roles")
            for role in doc["roles"]:
                fields = ", ".join(f"{name} {count}" for name, count in role["fields"].items()) or "no fields"
                lines.append(f"  {role['key']}: {fields}")
        lines += [f"skipped {s['source']}: {s['reason']}" for s in shown["skipped"]]
        return lines


def read_corpus(corpus_dir: Path) -> Corpus:
    """Every readable document in the folder, each text once; the others as skipped, with the reason (logged)."""
    articles, problems = load_corpus(corpus_dir)
    skipped = [Skipped(p.path, p.reason, p.text) for p in problems]
    first: dict[str, Article] = {}
    for article in articles:
        seen = first.setdefault(text_sha(article.text), article)
        if seen is not article:
            skipped.append(Skipped(article.source, f"the same text as {seen.source}; indexed once, as {seen.source}"))
            log.warning("skipped %s: %s", article.source, skipped[-1].reason)
    return Corpus(tuple(first.values()), tuple(skipped))
