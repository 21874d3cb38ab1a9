"""Corpus file → Article tree (Section → Field → Item), every node with its exact character span.

A role document is read by its own outline (`ingest.outline`): Markdown headings, DOCX heading styles, or
numbering such as `2.1 电商运营总监:…`, `一、客服专员`, `(一)…`, `## 3. 直播主播`. A heading opens a role
when its own text holds field labels (职责职能:…, ### 岗位职责, (一)岗位职责), when its name is a job title
(…专员, …经理, …主播), or when it is a numbered leaf where that document's other roles sit; headings above
roles are chapters and groups, closing sections (结语…) are article-level. Field labels map through one
synonym table (`FIELD_SYNONYMS`) to canonical fields. Lines become items: list markers are left out of a
role's items, a table row is one item with the header row as its label, the `| --- |` rule is none.
DOCX files are read into one text first (`ingest.docx_text`); a citation points into that text.
This module is the only place that reads those shapes; everything downstream reads the tree.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.fields import (  # noqa: F401  (the field names are part of this module's interface)
    CANONICAL_FIELDS,
    CAREER_FIELD,
    DESCRIPTION_FIELD,
    DUTIES_FIELD,
    FIELD_NAMES,
    FIELD_SYNONYMS,
    GOALS_FIELD,
    IMPACT_FIELD,
    KPI_FIELD,
    METHODS_FIELD,
    QUALIFICATIONS_FIELD,
    field_label,
    line_label,
)
from ingest.outline import Heading, Line, LineHint, Outline, read_outline, split_lines
from ingest.parse_cache import cached_article
from ingest.roles import business_mode, find_roles, role_heading

log = logging.getLogger(__name__)

PARSER_VERSION = "5"
CORPUS_SUFFIXES = (".txt", ".md", ".docx")
MARKDOWN_SUFFIXES = (".md", ".markdown")

_ITEM_MARK = re.compile(
    r"^(?:[-*+][ \t]+|[•·▪●○■◆]\s*|\d{1,3}[.、．)）](?!\d)\s*|[(（](?:\d{1,3}|[一二三四五六七八九十]+)[)）]\s*|"
    r"[一二三四五六七八九十]+、\s*|[①-⑳]\s*|#{1,6}[ \t]+)(?=\S)"
)
_LABEL = re.compile(r"^([^,，。:：;；]{1,24}?)\s*[:：]")
_NOTE_LABEL = re.compile(r"^(注意.*|备注|.*红线.*|法务.*协同.*|供应链协作方面|区分.*)$")
_IMPACT_LABEL = {"对自身的影响": "对自身", "对社会整体的影响": "对社会", "对社会的影响": "对社会"}
_SENTENCE_END = re.compile(r"[。;；!！?？]")
_ID_FORMAT = {"cn_paren": "{}({})", "paren": "{}({})", "circled": "{}-{}"}


class CorpusFormatError(ValueError):
    """A corpus file that cannot be read as a role document (empty, unreadable, or without roles)."""

    def __init__(self, path: str, reason: str, text: str | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.text = text  # the document's text when it could be read (it holds no roles)


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its column's header (when the table has one) and its own span."""

    header: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Item:
    """One paragraph, list line or table row of a field: a duty, a KPI, a method, a note."""

    id: str
    kind: str  # "item" | "lead" (an intro line such as "…主要关注以下指标:") | "note" (注意/备注/红线…)
    label: str | None  # text before the first colon (the KPI name), a table row's header; 影响分析: 对自身/对社会
    text: str
    start: int
    end: int
    cells: tuple[Cell, ...] = ()  # a table row's cells


@dataclass(frozen=True)
class Field:
    id: str
    name: str
    start: int
    end: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Section:
    """A role (kind "role") or an article-level part: preface, chapter intro, overview, closing."""

    id: str
    kind: str  # "role" | "article"
    name: str
    heading: str
    subtitle: str | None
    chapter: str | None
    group: str | None
    mode: str | None  # 直营 | 平台型 | 通用, where the headings state it
    start: int
    end: int
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Article:
    source: str  # path as cited, e.g. "corpus/000_….txt"
    title: str
    text: str  # the file's text; for a .docx, the text built from its paragraphs and table rows
    sections: tuple[Section, ...]
    publisher: str | None = None
    date: str | None = None
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # extra names for roles, from the metadata file

    @property
    def roles(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "role")


@dataclass
class _Block:
    """A heading and the lines it owns, before they become a Section."""

    id: str
    kind: str
    heading: str
    name: str
    subtitle: str | None
    chapter: str | None
    group: str | None
    mode: str | None
    start: int
    lines: list[Line] = field(default_factory=list)


def parse_article(text: str, source: str, *, hints: Mapping[int, LineHint] | None = None) -> Article:
    """Parse a document's text; `source` is the path citations will name, `hints` what a DOCX said per line."""
    if not text.strip():
        raise CorpusFormatError(source, "the file is empty")
    markdown = Path(source).suffix.lower() in MARKDOWN_SUFFIXES
    lines = split_lines(text, hints)
    outline = read_outline(lines, is_label=lambda t: field_label(t) is not None, markdown=markdown)
    blocks = _blocks(outline, find_roles(outline.headings))
    if not any(b.kind == "role" for b in blocks):
        raise CorpusFormatError(
            source,
            "no role sections were found: give each role a heading ('2.1 岗位名称', '## 岗位名称', '一、岗位名称' "
            "or a Word heading) followed by fields such as 岗位职责 / 考核指标",
            text,
        )
    sections = tuple(_section(b, markdown) for b in blocks if b.lines or b.kind == "role")
    first = outline.preface[0].text if outline.preface else None
    title = outline.title or (_strip_marks(first, 0, lists=False, markdown=markdown)[0] if first else Path(source).stem)
    return Article(source=source, title=title, text=text, sections=sections)


def read_article(path: Path, source: str) -> Article:
    """Read and parse one corpus file, with its optional metadata file `<stem>.meta.json` beside it."""
    text, hints = _read_source(path, source)
    article = parse_article(text, source, hints=hints)
    meta_path = path.with_name(f"{path.stem}.meta.json")
    if not meta_path.is_file():
        return article
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CorpusFormatError(f"{source} metadata", f"{meta_path.name} is not valid JSON: {err}") from err
    aliases = tuple((role, tuple(names)) for role, names in meta.get("aliases", {}).items())
    return replace(
        article,
        title=meta.get("title", article.title),
        publisher=meta.get("publisher"),
        date=meta.get("date"),
        aliases=aliases,
    )


def source_text(path: Path) -> str:
    """The text citations of a corpus file point into: the file itself, or the text built from a .docx."""
    return _read_source(path, str(path))[0]


def load_corpus(corpus_dir: Path) -> tuple[list[Article], list[CorpusFormatError]]:
    """Every document in the corpus folder; files that cannot be parsed are skipped and returned as problems."""
    articles: list[Article] = []
    problems: list[CorpusFormatError] = []
    paths = sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES and not p.name.startswith("~$")  # Word's lock files
    )
    for path in paths:
        source = f"corpus/{path.relative_to(corpus_dir).as_posix()}"
        try:
            articles.append(cached_article(path, source, read_article))
        except CorpusFormatError as err:
            log.warning("skipped %s", err)
            problems.append(err)
    return articles, problems


def sentence_spans(text: str, start: int) -> list[tuple[int, int]]:
    """Spans of the sentences of `text` (which begins at offset `start`), each ending after its stop."""
    spans, begin = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[begin : m.end()].strip():
            spans.append((start + begin, start + m.end()))
        begin = m.end()
    if text[begin:].strip():
        spans.append((start + begin, start + len(text.rstrip())))
    return spans


def _read_source(path: Path, source: str) -> tuple[str, dict[int, LineHint] | None]:
    if path.suffix.lower() == ".docx":
        from docx.opc.exceptions import PackageNotFoundError

        from ingest.docx_text import docx_text

        try:
            return docx_text(path)
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as err:  # lxml's too
            raise CorpusFormatError(source, f"not a readable Word document ({type(err).__name__}: {err})") from err
    try:
        return path.read_text(encoding="utf-8-sig"), None  # universal newlines: \r\n and \r become \n
    except UnicodeDecodeError as err:
        raise CorpusFormatError(source, f"not UTF-8 text (byte {err.start})") from err


def _blocks(outline: Outline, roles: set[int]) -> list[_Block]:
    blocks = [_Block("preface", "article", "", "导读", None, None, None, None, 0, list(outline.preface))]
    ids: dict[int, str] = {}
    owner: dict[int, _Block] = {}  # a heading inside a role → the role's block
    used = {"preface"}
    for h in outline.headings:
        m = h.marker
        if h.parent is not None and id(h.parent) in owner:
            block = owner[id(h)] = owner[id(h.parent)]
            block.lines += [Line(m.text, m.text_start), *h.body]
            continue
        ids[id(h)] = sid = _unique(_local_id(h, ids), used)
        chain = _ancestors(h)
        chapter = chain[0].marker.title if chain else None
        if id(h) in roles:
            name, subtitle, mode = role_heading(m.title)
            group = chain[-1].marker.title if len(chain) > 1 else None
            mode = mode or next(filter(None, (business_mode(a.marker.title) for a in reversed(chain[1:]))), None)
            block = owner[id(h)] = _Block(sid, "role", m.text, name, subtitle, chapter, group, mode, m.text_start)
        elif m.closing:
            block = _Block(sid, "article", m.text, m.text, None, None, None, None, m.text_start)
        elif chain:  # a group under a chapter: (一)…, 2.4…
            block = _Block(sid, "article", m.text, m.title, None, chapter, m.title, business_mode(m.title), m.text_start)
        else:  # a chapter
            block = _Block(sid, "article", m.text, m.title, None, m.title, None, None, m.text_start)
        block.lines = list(h.body)
        blocks.append(block)
    return blocks


def _ancestors(h: Heading) -> list[Heading]:
    chain = []
    while h.parent is not None:
        h = h.parent
        chain.append(h)
    return chain[::-1]


def _local_id(h: Heading, ids: dict[int, str]) -> str:
    """`2.4.1` for dotted numbers; `7` for 七、; `7(3)` for (三) under it; the heading's text when unnumbered."""
    m = h.marker
    if m.closing or not m.number:
        return m.text if m.closing else m.title
    if m.scheme == "dotted":
        return ".".join(map(str, m.number))
    if h.parent is None or id(h.parent) not in ids:
        return str(m.number[0])
    return _ID_FORMAT.get(m.scheme or "", "{}.{}").format(ids[id(h.parent)], m.number[0])


def _unique(section_id: str, used: set[str]) -> str:
    candidate, n = section_id, 1
    while candidate in used:
        n += 1
        candidate = f"{section_id}~{n}"
    used.add(candidate)
    return candidate


def _section(block: _Block, markdown: bool) -> Section:
    end = block.lines[-1].end if block.lines else block.start + len(block.heading)
    if block.kind == "role":
        fields = _role_fields(block)
    else:
        fields = (_field(f"{block.id}/正文", "正文", block.lines, role=False, markdown=markdown),) if block.lines else ()
    return Section(
        id=block.id,
        kind=block.kind,
        name=block.name,
        heading=block.heading,
        subtitle=block.subtitle,
        chapter=block.chapter,
        group=block.group,
        mode=block.mode,
        start=block.start,
        end=end,
        fields=tuple(f for f in fields if f.items),
    )


def _role_fields(block: _Block) -> tuple[Field, ...]:
    groups: dict[str, list[Line]] = {}
    current: list[Line] | None = None
    for ln in block.lines:
        if name := line_label(ln):
            current = groups.setdefault(name, [])
        elif current is None:
            current = groups.setdefault(DESCRIPTION_FIELD, [])
        current.append(ln)
    return tuple(
        _field(f"{block.id}/{name.replace(' ', '')}", name, lns, role=True, markdown=False) for name, lns in groups.items()
    )


def _field(field_id: str, name: str, lines: list[Line], *, role: bool, markdown: bool) -> Field:
    items: list[Item] = []

    def add(kind: str | None, text: str, start: int, label: str | None = None, cells: tuple[Cell, ...] = ()) -> None:
        item_id = f"{field_id}/{len(items) + 1}"
        item = _item(item_id, text, start) if kind is None else Item(item_id, kind, label, text, start, start + len(text))
        items.append(replace(item, cells=cells))

    for ln in lines:
        if ln.row:
            for text, start, label, cells in _row_items(ln):
                add("item" if label is not None or cells else None, text, start, label, cells)
            continue
        text, start = ln.text, ln.start
        if found := field_label(text):
            rest = found[1]
            if not rest:
                continue
            start += found[2]
            text = rest
            if rest.endswith((":", "：")):
                add("lead", text, start)
                continue
        else:
            text, start = _strip_marks(text, start, lists=role, markdown=markdown)
        add(None, text, start)
    return Field(field_id, name, lines[0].start, lines[-1].end, tuple(items))


def _row_items(ln: Line) -> list[tuple[str, int, str | None, tuple[Cell, ...]]]:
    """A table row as items: one per row, labelled by the header row; or, after a label cell
    (`岗位职责 | 负责…`, a Word form), one per remaining cell. Header and `| --- |` rows are no items."""
    filled = [(s, e) for s, e in ln.cells if e > s]
    if ln.row == "rule" or not filled:
        return []
    if line_label(ln):
        return [(_cell_text(ln, s, e), s, None, ()) for s, e in filled[1:]]
    if ln.row == "header":
        return []
    header = ln.header if ln.header is not None and not line_label(ln.header) else None
    heads = {col: _cell_text(header, s, e) for col, (s, e) in zip(header.columns, header.cells)} if header else {}
    cells = tuple(
        Cell(heads.get(col) or None, _cell_text(ln, s, e), s, e) for col, (s, e) in zip(ln.columns, ln.cells) if e > s
    )
    start, end = filled[0][0], filled[-1][1]
    label = " | ".join(h for h in heads.values() if h) if header else (cells[0].text if len(cells) > 1 else None)
    return [(_cell_text(ln, start, end), start, label, cells)]


def _cell_text(ln: Line, start: int, end: int) -> str:
    return ln.text[start - ln.start : end - ln.start]


def _strip_marks(text: str, at: int, *, lists: bool, markdown: bool) -> tuple[str, int]:
    """The text without its list marker (-, 1., 1、, (1), ①) and whole-line bold when `lists`, else only
    without Markdown heading marks (in a .md file); and the offset where it now starts."""
    if lists and (m := _ITEM_MARK.match(text) or re.match(r"^(?:\*\*|__)(?=.+(?:\*\*|__)$)", text)):
        text, at = text[m.end() :], at + m.end()
        return (text[:-2], at) if m.group().startswith(("**", "__")) else (text, at)
    if markdown and (m := re.match(r"^#{1,6}[ \t]+(?=\S)", text)):
        return text[m.end() :], at + m.end()
    return text, at


def _item(item_id: str, text: str, start: int) -> Item:
    label = None
    if m := _LABEL.match(text):
        label = m.group(1).strip().strip("*_").strip() or None
    kind = "note" if label and _NOTE_LABEL.match(label) else "item"
    if label in _IMPACT_LABEL:
        label = _IMPACT_LABEL[label]
    return Item(item_id, kind, label, text, start, start + len(text))
