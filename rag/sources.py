"""The numbered source list of a draft: citations in order of first use, `[n]` marks, readable labels.

Shared by every renderer (`rag.export`, `rag.xlsx`), so a draft's marks mean the same in each of its files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ingest.chunk import Citation

Key = tuple[str, int, int]
AUTHOR = "RoleGuide"  # the author and creator every exported file names


def numbered(groups: Iterable[Sequence[Citation]]) -> list[Citation]:
    """Every distinct citation, in order of first use: the numbered source list."""
    unique: dict[Key, Citation] = {}
    for group in groups:
        for citation in group:
            unique.setdefault(key(citation), citation)
    return list(unique.values())


def numbers(sources: list[Citation]) -> dict[Key, int]:
    return {key(c): n for n, c in enumerate(sources, 1)}


def key(citation: Citation) -> Key:
    return (citation.source, citation.start, citation.end)


def marks(citations: Sequence[Citation], by_key: dict[Key, int], lead: str = "") -> str:
    """`[1][3]` for the citations (with `lead` before it), "" for none."""
    found = "".join(f"[{by_key[key(c)]}]" for c in citations if key(c) in by_key)
    return f"{lead}{found}" if found else ""


def source_label(title: str, citation: Citation) -> str:
    """《article》 · role · field — where a citation comes from, as a reader names it (no offsets)."""
    return f"《{title}》 · {citation.role or '文章'} · {citation.field or '标题'}"
