"""The lines of a draft, cut from a role's items: sentences and clauses, kept or dropped by company type.

A bullet's text is its quote with connective openings (此外, 他们需要…) and trailing separators trimmed; its
citations are the exact spans. Company type: a clause that opens with 直营电商… or 平台型电商… (after an
optional `注意:`-style label) is addressed to that model, and so are the clauses after it in the same sentence;
直营 / 平台型 drop what is addressed to the other model, 通用 keeps everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from ingest.chunk import Citation
from ingest.parse import Item, sentence_spans
from rag.catalog import Catalog, RoleEntry

CompanyType = Literal["直营", "平台型", "通用"]
COMPANY_TYPES: tuple[CompanyType, ...] = ("直营", "平台型", "通用")
SILENT = "原文未提及,请补充"

_MODE_WORDS = {"直营电商": "直营", "平台型电商": "平台型", "平台电商": "平台型"}
_MODE_LEAD = re.compile(r"(?:[^,，:：]{1,24}[:：])?\s*(直营电商|平台型电商|平台电商)")
_CLAUSE_END = ",，;；。!！?？"
_OPENERS, _CLOSERS = "(（“‘《", ")）”’》"
# Openings a bullet does without: 此外, / 他们还需要 / 电商物流管理岗位能够 / 电商运营经理的另一项重要职责是
_OPENING = re.compile(
    r"^(?:[^,，。]{0,24}?的另一项重要职责是"
    r"|(?:(?:此外|同时|另外|因此)[,，]?)?(?:(?:他们|她们|这一角色|[^,，。]{0,10}?岗位)(?=还|可|能够|需|要求))?"
    r"还?(?:可|能够)?(?:需要|需(?!求)|要求从业者|要求(?=具备))?)"
)
_LABEL_END = re.compile(r"[^:：]*[:：]\s*")
_SUBJECT = re.compile(r"^(?:[^,，:：]{1,24}[:：])?([^,，:：需]{2,10})需")  # "注意监管:运营经理需配合…"
TRAILING = " \t,，;；:：、。"


@dataclass(frozen=True)
class Bullet:
    text: str
    citations: tuple[Citation, ...]
    user_supplied: bool = False  # the user's own line (补充要求): no citation, rendered as the user's


@dataclass(frozen=True)
class Part:
    """One sentence of an item, reduced to the clauses that apply to the company type."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...]
    whole: bool  # every clause applies: the part is the whole sentence


def silent(topic: str = "") -> Bullet:
    """The line of a section (or a field of one) the article says nothing about: uncited, never borrowed."""
    return Bullet(f"{topic}{SILENT}", ())


def field_items(entry: RoleEntry, names: Iterable[str], label: str | None = None) -> Iterator[tuple[str, Item]]:
    """(field name, item) for the items of these fields, intro lines left out; only those labelled `label` if given."""
    for name in names:
        field = entry.section.field(name)
        for item in field.items if field else ():
            if item.kind != "lead" and (label is None or item.label == label):
                yield name, item


def label_end(item: Item) -> int:
    """Where the item's text starts after its label ("客单价:" / "注意监管:"), or 0 for an unlabelled item."""
    label = _LABEL_END.match(item.text) if item.label else None
    return label.end() if label else 0


def item_parts(item: Item, company_type: CompanyType) -> list[Part]:
    """The parts of an item's text after its label."""
    offset = label_end(item)
    return parts(item.text[offset:], item.start + offset, company_type)


def parts(text: str, start: int, company_type: CompanyType) -> list[Part]:
    """The sentences of `text` (at offset `start`), each reduced to the clauses that apply to the company type."""
    found = []
    for s, e in sentence_spans(text, start):
        spans = clauses(text[s - start : e - start], s)
        modes, mode = [], None
        for cs, ce in spans:
            if m := _MODE_LEAD.match(text[cs - start : ce - start]):
                mode = _MODE_WORDS[m.group(1)]
            modes.append(mode)
        applies = [company_type == "通用" or m in (None, company_type) for m in modes]
        if any(modes) and not any(m and ok for m, ok in zip(modes, applies)):
            applies = [False] * len(spans)  # only a lead-in such as "数据分析范畴方面," would be left
        found.append(Part(s, e, tuple(c for c, ok in zip(spans, applies) if ok), all(applies)))
    return found


def clauses(text: str, start: int) -> list[tuple[int, int]]:
    """Spans of the comma-separated clauses of `text` (at `start`), never split inside brackets or quotes."""
    bounds, begin, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif ch in _CLAUSE_END and depth == 0:
            bounds.append((begin, i))
            begin = i + 1
    bounds.append((begin, len(text)))
    spans = []
    for b, e in bounds:
        piece = text[b:e]
        if piece.strip():
            spans.append((start + b + len(piece) - len(piece.lstrip()), start + e - (len(piece) - len(piece.rstrip()))))
    return spans


def part_bullet(entry: RoleEntry, node_id: str, field: str, part: Part) -> Bullet | None:
    """The whole sentence, or its applicable clauses: one citation per run of adjacent clauses."""
    runs: list[tuple[int, int]] = []
    if part.whole:
        runs.append((part.start, part.end))
    else:
        for start, end in part.clauses:
            if runs and len(entry.article.text[runs[-1][1] : start].strip()) <= 1:  # only a separator between
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
    if not runs:
        return None
    text = "，".join(display(entry.article.text[s:e]) for s, e in runs)
    return Bullet(text, tuple(entry.cite(node_id, field, s, e) for s, e in runs))


def display(quote: str) -> str:
    text = quote.strip().rstrip(TRAILING)
    return text[_OPENING.match(text).end() :] or text


def subject_role(clause: str, catalog: Catalog, source: str | None = None) -> str | None:
    """The role (key) a clause of the document `source` is about when it opens with one ("运营经理需配合…" in a
    note shared by two roles)."""
    m = _SUBJECT.match(clause)
    return catalog.find(m.group(1), source) if m else None
