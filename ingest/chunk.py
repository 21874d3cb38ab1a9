"""Article tree → retrieval chunks: one per item (long items split at sentence ends), with their spans.

A chunk's `text` is always `article.text[start:end]`, the span a citation quotes. What gets embedded is
`embed_text`: the same text behind a heading such as `【2.1 电商运营总监】KPI 指标:`, so that a passage
like 注意监管…, which repeats word for word in several roles, is still found under the right role. A table
row's heading adds the table's header (`【3 直播主播】KPI 指标(指标 | 目标):`), so its cells read as what they are.
A `Citation` is a span of a chunk's source: the light type every answer, draft and match hands out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.parse import Article, Field, Item, Section, sentence_spans

CHUNKER_VERSION = "3"
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

    @property
    def embed_text(self) -> str:
        return f"{self.heading}{self.text}"

    def cite(self, start: int | None = None, end: int | None = None) -> Citation:
        """The span [start:end] of this chunk (its whole span by default) as a citation."""
        start = self.start if start is None else start
        end = self.end if end is None else end
        quote = self.text[start - self.start : end - self.start]
        return Citation(self.source, self.node_id, self.role, self.field, start, end, quote)


def chunk_articles(articles: list[Article]) -> list[Chunk]:
    return [chunk for article in articles for chunk in chunk_article(article)]


def chunk_article(article: Article) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in article.sections:
        if section.kind == "role":
            chunks.append(_heading_chunk(article, section))
        for fld in section.fields:
            for item in fld.items:
                chunks.extend(_item_chunks(article, section, fld, item))
    return chunks


def _heading_chunk(article: Article, section: Section) -> Chunk:
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
    )


def _item_chunks(article: Article, section: Section, fld: Field, item: Item) -> list[Chunk]:
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
