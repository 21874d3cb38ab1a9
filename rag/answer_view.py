"""An `Answer` as the chat shows it: Markdown and a little HTML, the answer first, its sources folded below.

Sources are named by the document's title and role · field (never a file path); each cited paragraph is shown
once, with every span the answer quotes from it marked. A comparison is a table, roles side by side. All
text from the article or the user is escaped, so nothing in it can become a link, an image or markup.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest.chunk import Chunk, Citation
from ingest.index import Index
from rag.answer import Answer
from rag.catalog import Catalog

POSITION = "定位"  # the row of a comparison that holds each role's heading line
_LITERAL = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]!*_`#|~\\"})


def plain(text: str) -> str:
    """Text shown as it is: HTML special characters and Markdown's link, image, emphasis and table marks as entities."""
    return text.translate(_LITERAL)


def answer_json(result: Answer, case_id: object, catalog: Catalog) -> dict:
    """The `ask --json` object, also returned by the app's /ask_json endpoint (a contract other tools rely on);
    each citation names its document's title beside its source."""
    return {
        "id": case_id,
        "covered": result.covered,
        "answer": result.text,
        "citations": [c.as_json(catalog.titles.get(c.source)) for c in result.citations],
        "backend": result.backend,
        "notice": result.notice,
        "unsupported": list(result.unsupported),
        "intent": result.intent,
        "roles": list(result.roles),
    }


def answer_chunks(result: Answer, index: Index, catalog: Catalog) -> Iterator[str]:
    """The answer's Markdown, growing one line at a time (what the chat streams); the last one is complete."""
    parts: list[str] = []
    notice = result.notice_zh if result.lang == "zh" else result.notice
    if notice:
        parts.append(f"> ℹ️ {plain(notice)}")
    if not result.covered:
        parts.append(f'<div class="not-covered">⚠️ <strong>{plain(result.text)}</strong></div>')
        yield "\n\n".join(parts)
        return
    if result.intent == "compare" and len(result.roles) >= 2:
        parts.append(comparison_table(result))
        yield "\n\n".join(parts)
    else:
        for sentence, numbers in result.segments:
            marks = "".join(f"[{n}]" for n in numbers)
            parts.append(f"- {plain(sentence)} {marks}" if numbers else f"**{plain(sentence)}**")
            yield "\n\n".join(parts)
    if result.backend != "extractive":
        parts.append(f"<small>由 {plain(result.backend)} 根据下列原文改写,每句已与所引原文核对。</small>")
    if result.unsupported:
        parts.append(f"<small>⚠️ 已删除 {len(result.unsupported)} 句在所引原文中找不到依据的生成内容。</small>")
    if result.citations:
        parts.append(sources(result, index, catalog))
    yield "\n\n".join(parts)


def answer_markdown(result: Answer, index: Index, catalog: Catalog) -> str:
    """The whole answer at once (the /ask endpoint)."""
    *_, full = answer_chunks(result, index, catalog)
    return full


def comparison_table(result: Answer) -> str:
    """Roles as columns, the article's fields as rows (its heading first), each cell its cited quotes."""
    roles = list(result.roles)
    rows: dict[str, dict[str, list[str]]] = {}
    for n, c in enumerate(result.citations, 1):
        if c.role_key in roles:
            cell = rows.setdefault(c.field or POSITION, {}).setdefault(c.role_key, [])
            cell.append(f"{plain(c.quote)} [{n}]")
    lines = [f"| | {' | '.join(plain(r) for r in roles)} |", "|---" * (len(roles) + 1) + "|"]
    for field, cells in rows.items():
        lines.append(f"| **{plain(field)}** | " + " | ".join("<br>".join(cells.get(r, ["—"])) for r in roles) + " |")
    return "\n".join(lines)


def sources(result: Answer, index: Index, catalog: Catalog) -> str:
    """The cited paragraphs, each once, folded: `[1][3] title · role · field` and the paragraph with its spans marked."""
    paragraphs: dict[str, tuple[Chunk | None, list[tuple[int, Citation]]]] = {}
    for n, citation in enumerate(result.citations, 1):
        chunk = _paragraph(citation, index)
        key = chunk.id if chunk else f"{citation.source}:{citation.start}"
        paragraphs.setdefault(key, (chunk, []))[1].append((n, citation))
    items = []
    for chunk, cited in paragraphs.values():
        first = cited[0][1]
        where = " · ".join(p for p in (catalog.titles.get(first.source, "文章"), first.role, first.field) if p)
        marks = "".join(f"[{n}]" for n, _ in cited)
        body = _marked(chunk, [c for _, c in cited]) if chunk else f"<mark>{plain(first.quote)}</mark>"
        items.append(f"<p>{marks} <strong>{plain(where)}</strong><br>{body}</p>")
    return f"<details><summary>来源({len(result.citations)} 处原文)</summary>\n\n" + "\n".join(items) + "\n\n</details>"


def _paragraph(citation: Citation, index: Index) -> Chunk | None:
    """The indexed chunk that holds the cited span."""
    return index.chunk_holding(citation.source, citation.start, citation.end)


def _marked(chunk: Chunk, cited: list[Citation]) -> str:
    """The paragraph's text with each cited span in <mark> (spans of one paragraph never overlap)."""
    out, at = [], chunk.start
    for c in sorted(cited, key=lambda c: c.start):
        if c.start < at:
            continue
        out += [plain(chunk.text[at - chunk.start : c.start - chunk.start]), f"<mark>{plain(c.quote)}</mark>"]
        at = c.end
    out.append(plain(chunk.text[at - chunk.start :]))
    return "".join(out)
