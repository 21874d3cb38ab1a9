"""A document's outline: which lines are headings, how deep, under which heading — read from the document itself.

Lines come from one canonical text (`split_lines`), each with its offset, so every span downstream is two
lookups. A heading is announced by its markup (Markdown `#`, a DOCX heading style carried in as a
`LineHint`) or by its numbering: 第X章, 一、, (一), 1./1.1/1.1.1, 1、, (1), ①, a line in bold, or a
`岗位名称:…` label. Markup is believed; numbering is voted on (RAGFlow's `bullets_category`): a scheme
counts only if most of its lines are heading-like (short, no ，。；), a run of same-scheme lines with
nothing between them is a list or a table of contents, and a number must continue its siblings' count
(`2.4.1` only under `2.4`, never `1.` after `2.1` or `3.1.1` right after `2.2`). The tree is built with a stack (RAGFlow's
`Node.build_tree`): pop while the new heading is as shallow as the top, then push. Nesting follows the
conventional order (第X章 › 一、 › (一) › 1. › 1.1 › 1、 › (1) › ①), below any marked-up heading.
Closing sections (结语…) pop everything: they are article-level.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

CN_NUMERALS = "零一二三四五六七八九"
_CN = "[一二三四五六七八九十百零〇]+"
_MAX_HEADING = 60
_SENTENCE_MARKS = re.compile(r"[，。；;]")
CLOSING = re.compile(r"^(结语|结束语|总结|后记|写在最后)$")

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(?P<inner>[^*_].*?)\1[:：]?$")
_MD_LIST = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+")
_NAME_LABEL = re.compile(r"^(?:岗位名称|职位名称)\s*[:：]\s*(?P<title>\S.{0,30})$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
# (scheme, pattern, rank): rank orders the schemes' nesting; dotted numbers nest by their depth
_SCHEMES = (
    ("chapter", re.compile(rf"^第({_CN}|\d+)[章部篇]\s*(?P<title>.*)$"), 1.0),
    ("section", re.compile(rf"^第({_CN}|\d+)节\s*(?P<title>.*)$"), 1.5),
    ("cn", re.compile(rf"^({_CN})[、.．]\s*(?P<title>\S.*)$"), 2.0),
    ("cn_paren", re.compile(rf"^[(（]({_CN})[)）]\s*(?P<title>\S.*)$"), 3.0),
    ("dotted", re.compile(r"^(\d+(?:\.\d+)+)\.?\s*(?P<title>\S.*)$"), 3.0),  # + depth: 1.1 → 5, 1.1.1 → 6
    ("dotted", re.compile(r"^(\d+)[.．](?!\d)\s*(?P<title>\S.*)$"), 3.0),  # 1. → 4
    ("dun", re.compile(r"^(\d+)、\s*(?P<title>\S.*)$"), 7.0),
    ("paren", re.compile(r"^(?:[(（](\d+)[)）]|(\d+)[)）])\s*(?P<title>\S.*)$"), 8.0),
    ("circled", re.compile(r"^([①-⑳])\s*(?P<title>\S.*)$"), 9.0),
)
_BOLD_RANK = 9.5
_NAME_RANK = 9.5
_IMPLICIT = 10.0  # numbering without markup nests below every marked-up heading level (1…9)


@dataclass(frozen=True)
class LineHint:
    """What the source format says about a line that its text cannot: a DOCX style, list or table."""

    level: int | None = None  # heading level from the style or outline level (1 = top); 0 = the title
    listed: bool = False  # a Word list paragraph (auto-numbered or bulleted): never a heading
    cells: tuple[tuple[int, int], ...] = ()  # a table row: the spans of its cells
    columns: tuple[int, ...] = ()  # the grid column each cell starts in (a merged cell spans several)
    header: bool = False  # the first row of its table
    bold: bool = False  # every run of the paragraph is bold


@dataclass
class Line:
    text: str  # stripped of surrounding whitespace
    start: int
    hint: LineHint | None = None
    cells: tuple[tuple[int, int], ...] = ()  # a table row: its cells' spans (outer pipes excluded)
    columns: tuple[int, ...] = ()  # the grid column of each cell
    row: str | None = None  # "header" | "rule" | "row" for the lines of a table
    header: Line | None = None  # a body row's header row

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Marker:
    key: tuple  # what a heading's siblings share: ("md", 2), ("docx", 1), ("dotted", 2), ("cn",), …
    rank: float
    explicit: bool  # announced by markup or style, not inferred from numbering
    scheme: str | None  # the title's own numbering scheme, if it has one
    number: tuple[int, ...] | None
    text: str  # the heading without markup
    text_start: int
    title: str  # the heading without markup or numbering
    closing: bool = False
    names_role: bool = False  # a 岗位名称:… label


@dataclass(eq=False)
class Heading:
    marker: Marker
    parent: Heading | None
    children: list[Heading] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)


@dataclass
class Outline:
    title: str | None  # a heading the document opens with and never repeats at its level
    preface: list[Line]  # lines before the first heading (the title's line among them)
    headings: list[Heading]  # in document order


def split_lines(text: str, hints: Mapping[int, LineHint] | None = None) -> list[Line]:
    """The non-blank lines of `text`, stripped, with their offsets; table rows with their cells' spans."""
    lines, offset = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if stripped := body.strip():
            hint = (hints or {}).get(offset)
            cells, columns = (hint.cells, hint.columns) if hint else ((), ())
            lines.append(Line(stripped, offset + body.index(stripped), hint, cells, columns))
        offset += len(raw)
    _mark_tables(lines)
    return lines


def read_outline(lines: list[Line], *, is_label: Callable[[str], bool], markdown: bool = False) -> Outline:
    """The headings of `lines` as a tree; `is_label` tells field labels (岗位职责…), which are never headings."""
    markers = {id(ln): m for ln in lines if (m := _marker(ln, is_label, markdown))}
    title = _title(lines, markers)
    if title:
        del markers[id(lines[0])]
    _drop_lists(lines, markers)
    _vote(markers)
    preface: list[Line] = []
    headings: list[Heading] = []
    stack: list[Heading] = []
    last: dict[tuple, tuple[int, ...]] = {}  # (parent, key or "dotted") → the last number used there
    for ln in lines:
        m = markers.get(id(ln))
        depth = len(stack)
        if m is not None and not m.closing:
            while depth and (stack[depth - 1].marker.closing or stack[depth - 1].marker.rank >= m.rank):
                depth -= 1
            while depth and m.scheme == "dotted" and not _extends(m, stack[depth - 1]):
                depth -= 1  # 2.1 after a lone `1. …` line: not its child
        parent = stack[depth - 1] if depth and m is not None and not m.closing else None
        if m is None or not (m.explicit or m.closing or _continues(m, stack[:depth], last)):
            (stack[-1].body if stack else preface).append(ln)
            continue
        heading = Heading(m, parent)
        if parent:
            parent.children.append(heading)
        del stack[depth if parent else 0 :]
        if m.number:
            last[_count_key(m, stack)] = m.number
        stack.append(heading)
        headings.append(heading)
    return Outline(title, preface, headings)


def cn_number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105."""
    total, digit = 0, 0
    for ch in numeral:
        if ch in "十百":
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
        else:
            digit = CN_NUMERALS.index("零" if ch == "〇" else ch)
    return total + digit


def numbering(text: str) -> tuple[str, tuple[int, ...], str, float] | None:
    """(scheme, number, title, rank) when `text` opens with a numbering marker: ("cn", (7,), "…", 12.0) for 七、…"""
    for scheme, pattern, rank in _SCHEMES:
        if m := pattern.match(text):
            raw = next(g for g in m.groups() if g is not None)
            if scheme == "dotted":
                number = tuple(int(n) for n in raw.split("."))
                rank += len(number)
            elif scheme == "circled":
                number = (ord(raw) - ord("①") + 1,)
            else:
                number = (int(raw) if raw.isdigit() else cn_number(raw),)
            return scheme, number, m.group("title").strip(), rank
    return None


def _marker(ln: Line, is_label: Callable[[str], bool], markdown: bool) -> Marker | None:
    if ln.row or (ln.hint and ln.hint.listed) or is_label(ln.text):
        return None
    text, start, key, rank = ln.text, ln.start, None, _IMPLICIT
    if ln.hint and ln.hint.level is not None:
        key, rank = ("docx", ln.hint.level), float(ln.hint.level)
    elif markdown and (m := _MD_HEADING.match(text)):
        key, rank = ("md", len(m.group(1))), float(len(m.group(1)))
        text, start = m.group(2), start + m.start(2)
    elif markdown and _MD_LIST.match(text):
        return None
    elif m := _NAME_LABEL.match(text):
        title = m.group("title").strip()
        return Marker(("name",), _IMPLICIT + _NAME_RANK, False, None, None, text, start, title, names_role=True)
    elif m := _BOLD_LINE.match(text):
        inner = m.group("inner")
        key, rank = ("bold",), _IMPLICIT + _BOLD_RANK
        text, start = inner.strip(), start + m.start("inner") + len(inner) - len(inner.lstrip())
    elif ln.hint and ln.hint.bold:
        key, rank = ("bold",), _IMPLICIT + _BOLD_RANK
    if not text:
        return None
    explicit = key is not None and key[0] in ("md", "docx")
    found = numbering(text)
    if CLOSING.match(found[2] if found else text):
        return Marker(("closing",), 0.0, True, None, None, text, start, found[2] if found else text, closing=True)
    if found:
        scheme, number, title, own_rank = found
        if key is None:
            key = (scheme, len(number)) if scheme == "dotted" else (scheme,)
            rank = _IMPLICIT + own_rank
        return Marker(key, rank, explicit, scheme, number, text, start, title)
    if key is None or is_label(text):
        return None
    return Marker(key, rank, explicit, None, None, text, start, text)


def _title(lines: list[Line], markers: dict[int, Marker]) -> str | None:
    """The first line, when it is a marked-up heading above all the others (`# 标题`), or a Word title."""
    first = markers.get(id(lines[0])) if lines else None
    if first is None or not first.explicit or first.closing:
        return None
    others = [m for ln in lines[1:] if (m := markers.get(id(ln))) and m.explicit and not m.closing]
    return first.text if others and all(m.rank > first.rank for m in others) or first.key == ("docx", 0) else None


def _drop_lists(lines: list[Line], markers: dict[int, Marker]) -> None:
    """Runs of two or more same-scheme lines counting 1, 2, 3 with nothing between are a list (or a table of
    contents), not headings."""
    run: list[tuple[int, Marker]] = []
    for ln in [*lines, None]:
        m = markers.get(id(ln)) if ln is not None else None
        if m is not None and (m.explicit or m.closing):
            m = None
        if run and (m is None or m.key != run[-1][1].key or not _next_number(run[-1][1].number, m.number)):
            if len(run) > 1:
                for key, _ in run:
                    del markers[key]
            run = []
        if m is not None:
            run.append((id(ln), m))


def _next_number(previous: tuple[int, ...] | None, number: tuple[int, ...] | None) -> bool:
    if previous is None or number is None:
        return previous is None and number is None
    return number == (*previous[:-1], previous[-1] + 1)


def _vote(markers: dict[int, Marker]) -> None:
    """Keep a numbering scheme only where most of its lines are heading-like, and only those lines."""
    votes: dict[tuple, int] = {}
    for m in markers.values():
        if not m.explicit:
            votes[m.key] = votes.get(m.key, 0) + (1 if _heading_like(m.text) else -1)
    for key, m in list(markers.items()):
        if not m.explicit and (votes[m.key] < 0 or not _heading_like(m.text)):
            del markers[key]


def _heading_like(text: str) -> bool:
    return len(text) <= _MAX_HEADING and not _SENTENCE_MARKS.search(text)


def _continues(m: Marker, ancestors: list[Heading], last: dict) -> bool:
    """Numbering must continue: siblings count upwards, and a dotted number follows the previous one of its
    family with at most one level implied (2.4.2 → 3.1, not 2.2 → 3.1.1 or 2.2 → 1.5)."""
    if not m.number:
        return True
    previous = last.get(_count_key(m, ancestors))
    if previous is None:
        return True
    if m.scheme != "dotted":
        return m.number > previous
    if m.number[: len(previous)] == previous:
        return len(m.number) == len(previous) + 1
    j = next(i for i, (a, b) in enumerate(zip(previous, m.number)) if a != b)
    return m.number[j] > previous[j] and len(m.number) - j - 1 <= 1


def _extends(m: Marker, h: Heading) -> bool:
    """Whether `h` can be the parent of dotted `m`: any heading of another scheme, or a dotted prefix."""
    return h.marker.scheme != "dotted" or m.number[: len(h.marker.number)] == h.marker.number


def _count_key(m: Marker, ancestors: list[Heading]) -> tuple:
    """Where a number is counted: siblings under their parent; dotted numbers (1. 1.1 1.1.1) as one family,
    under the nearest heading of another scheme, so `1.` cannot follow `2.1` there."""
    if m.scheme == "dotted":
        anchor = next((h for h in reversed(ancestors) if h.marker.scheme != "dotted"), None)
        return (id(anchor), "dotted")
    return (id(ancestors[-1] if ancestors else None), m.key)


def _mark_tables(lines: list[Line]) -> None:
    """Markdown tables (a header row, a `| --- |` rule, rows) and DOCX table rows: cells and header rows."""
    header: Line | None = None
    for i, ln in enumerate(lines):
        if ln.hint and ln.hint.cells:
            ln.row = "header" if ln.hint.header else "row"
            header = ln if ln.hint.header else header
            ln.header = None if ln.hint.header else header
        elif ln.text.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].text):
            header, ln.row, ln.cells = ln, "header", _cells(ln)
            ln.columns = tuple(range(len(ln.cells)))
        elif header is not None and ln.text.startswith("|") and not header.hint:
            if _TABLE_RULE.match(ln.text) and lines[i - 1] is header:
                ln.row = "rule"
            else:
                ln.row, ln.cells, ln.header = "row", _cells(ln), header
                ln.columns = tuple(range(len(ln.cells)))
        else:
            header = None


def _cells(ln: Line) -> tuple[tuple[int, int], ...]:
    """The spans of a Markdown row's cells, split at unescaped pipes, each stripped."""
    inner = ln.text[1:-1] if ln.text.endswith("|") and len(ln.text) > 1 else ln.text[1:]
    spans, begin = [], 0
    for m in [*re.finditer(r"(?<!\\)\|", inner), None]:
        stop = m.start() if m else len(inner)
        cell = inner[begin:stop]
        if cell.strip():
            left = begin + len(cell) - len(cell.lstrip())
            spans.append((ln.start + 1 + left, ln.start + 1 + left + len(cell.strip())))
        else:
            spans.append((ln.start + 1 + begin, ln.start + 1 + begin))
        begin = stop + 1
    return tuple(spans)
