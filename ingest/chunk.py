"""Article tree → retrieval chunks: one per item (long items split at sentence ends), with their spans.

A chunk's `text` is always `article.text[start:end]`, the span a citation quotes. What gets embedded is
`embed_text`: the same text behind a heading such as `【2.1 电商运营总监】KPI 指标:`, so that a passage
like 注意监管…, which repeats word for word in several roles, is still found under the right role. A table
row's heading adds the table's header (`【3 直播主播】KPI 指标(指标 | 目标):`), so its cells read as what they are.
A `Citation` is a span of a chunk's source: the light type every answer, draft and match hands out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.parse import Article, Field, Item, Section, sentence_spans

CHUNKER_VERSION = "4"
MAX_CHARS = 320


@dataclass(frozen=True)
class Citation:
    source: str
    node_id: str
    role: str | None
    field: str | None
    start: int
    end: int
    quote: str  # always the source text at [start:end]
    role_key: str | None = None  # the role's key in the corpus (see role_keys); `role` is its name

    def as_json(self, title: str | None = None) -> dict[str, object]:
        """The citation as every JSON output shows it (with the document's title when given)."""
        shown: dict[str, object] = {"source": self.source}
        if title is not None:
            shown["title"] = title
        return shown | {k: getattr(self, k) for k in ("role", "field", "start", "end", "quote")}


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    node_id: str
    section_id: str
    role: str | None
    field: str | None
    kind: str  # item kind ("item" | "lead" | "note"), or "heading" for a role's heading line
    label: str | None
    text: str
    start: int
    end: int
    heading: str
    role_key: str | None = None  # the role as the corpus knows it: its name, or `采购员 · <title>` (see role_keys)

    @property
    def embed_text(self) -> str:
        return f"{self.heading}{self.text}"

    def cite(self, start: int | None = None, end: int | None = None) -> Citation:
        """The span [start:end] of this chunk (its whole span by default) as a citation."""
        start = self.start if start is None else start
        end = self.end if end is None else end
        quote = self.text[start - self.start : end - self.start]
        return Citation(self.source, self.node_id, self.role, self.field, start, end, quote, self.role_key)


def role_keys(articles: Sequence[Article]) -> dict[tuple[str, str], str]:
    """(source, role name) → the key a role is known by across the corpus: its name, or `采购员 · <document title>`
    when documents hold different roles of that name (same-named roles with the same text are one role)."""
    texts: dict[str, set[str]] = {}
    for article in articles:
        for section in article.roles:
            texts.setdefault(section.name, set()).add(_role_text(section))
    short = [_short_title(a.title) for a in articles]
    keys: dict[tuple[str, str], str] = {}
    for article, title in zip(articles, short):
        where = title if short.count(title) == 1 else Path(article.source).name
        for section in article.roles:
            shared = len(texts[section.name]) > 1
            keys.setdefault((article.source, section.name), f"{section.name} · {where}" if shared else section.name)
    return keys


def _short_title(title: str) -> str:
    """A title without its subtitle or parenthesis (《…解析一(电商内部):职责…》 → …解析一), when 4+ characters remain."""
    head = re.split(r"[:：(（]", title, maxsplit=1)[0].strip()
    return head if len(head) >= 4 else title


def _role_text(section: Section) -> str:
    return "\n".join(f"{f.name}:{item.text}" for f in section.fields for item in f.items)


def chunk_articles(articles: list[Article]) -> list[Chunk]:
    keys = role_keys(articles)
    return [chunk for article in articles for chunk in chunk_article(article, keys)]


def chunk_article(article: Article, keys: dict[tuple[str, str], str] | None = None) -> list[Chunk]:
    keys = keys if keys is not None else role_keys([article])
    chunks: list[Chunk] = []
    for section in article.sections:
        key = keys.get((article.source, section.name)) if section.kind == "role" else None
        if section.kind == "role":
            chunks.append(_heading_chunk(article, section, key))
        for fld in section.fields:
            for item in fld.items:
                chunks.extend(_item_chunks(article, section, fld, item, key))
    return chunks


def _heading_chunk(article: Article, section: Section, key: str | None) -> Chunk:
    start = section.start
    return Chunk(
        id=f"{article.source}#{section.id}",
        source=article.source,
        node_id=section.id,
        section_id=section.id,
        role=section.name,
        field=None,
        kind="heading",
        label=None,
        text=section.heading,
        start=start,
        end=start + len(section.heading),
        heading="",
        role_key=key,
    )


def _item_chunks(article: Article, section: Section, fld: Field, item: Item, key: str | None) -> list[Chunk]:
    role = section.name if section.kind == "role" else None
    field = fld.name if section.kind == "role" else None
    title = f"{section.id} {section.name}" if section.kind == "role" and section.id != section.name else section.name
    heading = f"【{title}】{fld.name}:" if field else f"【{title}】"
    if item.cells and item.label:  # a table row: its header says what each cell is
        heading = f"{heading[:-1]}({item.label}):" if field else f"{heading}{item.label}:"
    parts = _parts(item)
    return [
        Chunk(
            id=f"{article.source}#{item.id}" + (f"#{n}" if len(parts) > 1 else ""),
            source=article.source,
            node_id=item.id,
            section_id=section.id,
            role=role,
            field=field,
            kind=item.kind,
            label=item.label,
            text=article.text[start:end],
            start=start,
            end=end,
            heading=heading,
            role_key=key,
        )
        for n, (start, end) in enumerate(parts, 1)
    ]


def _parts(item: Item) -> list[tuple[int, int]]:
    """Split an item longer than MAX_CHARS into runs of whole sentences."""
    if len(item.text) <= MAX_CHARS:
        return [(item.start, item.end)]
    parts: list[tuple[int, int]] = []
    for start, end in sentence_spans(item.text, item.start):
        if parts and end - parts[-1][0] <= MAX_CHARS:
            parts[-1] = (parts[-1][0], end)
        else:
            parts.append((start, end))
    return parts
