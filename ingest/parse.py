"""Corpus file → Article tree (Section → Field → Item), every node with its exact character span.

The article numbers its roles (`2.1 电商运营总监:…`, `5.1物流管理总监`, `7.3.1.直营电商-仓储主管(…)`),
groups them under chapters (`二、…`) and sometimes sub-groups (`(一)…`, `2.4平台型电商…`), and gives each
role the fields 职责职能 / KPI 指标 / 目标动机 / 运作手法 / 影响分析, either inline (`职责职能:…`) or as a bare
heading line. This module is the only place that reads those shapes; everything downstream reads the tree.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger(__name__)

PARSER_VERSION = "4"
CORPUS_SUFFIXES = (".txt", ".md")

FIELD_NAMES = ("职责职能", "KPI 指标", "目标动机", "运作手法", "影响分析")
DESCRIPTION_FIELD = "岗位描述"  # the body of a role that has no field headings (the 7.3.x roles)

_CN_DIGITS = "零一二三四五六七八九十"
_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
_GROUP = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.+)$")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)+)\.?\s*(\S.*)$")
_CLOSING = re.compile(r"^(结语|结束语|总结|后记)\s*$")
_FIELD_LABEL = re.compile(r"^(职责职能|KPI\s*指标|目标动机|运作手法|影响分析)\s*(?:[:：]\s*(.*))?$")
_LABEL = re.compile(r"^([^,，。:：;；]{1,24}?)\s*[:：]")
_NOTE_LABEL = re.compile(r"^(注意.*|备注|.*红线.*|法务.*协同.*|供应链协作方面|区分.*)$")
_IMPACT_LABEL = {"对自身的影响": "对自身", "对社会整体的影响": "对社会", "对社会的影响": "对社会"}
_SENTENCE_END = re.compile(r"[。;；!！?？]")
_MAX_HEADING = 60


class CorpusFormatError(ValueError):
    """A corpus file that cannot be read as an article (empty, not UTF-8, or without sections)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Item:
    """One paragraph or list line of a field: a duty, a KPI, a method, a note."""

    id: str
    kind: str  # "item" | "lead" (an intro line such as "…主要关注以下指标:") | "note" (注意/备注/红线…)
    label: str | None  # text before the first colon, e.g. the KPI name; 影响分析 labels normalised to 对自身/对社会
    text: str
    start: int
    end: int


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
    text: str
    sections: tuple[Section, ...]
    publisher: str | None = None
    date: str | None = None
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # extra names for roles, from the metadata file

    @property
    def roles(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "role")


@dataclass
class _Line:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _Block:
    """Lines between two headings, before they become a Section."""

    id: str
    kind: str
    heading: str
    name: str
    subtitle: str | None
    chapter: str | None
    group: str | None
    mode: str | None
    start: int
    lines: list[_Line] = field(default_factory=list)


def parse_article(text: str, source: str) -> Article:
    """Parse an article's text; `source` is the path citations will name."""
    if not text.strip():
        raise CorpusFormatError(source, "the file is empty")
    lines = _split_lines(text)
    numbered = [m.group(1) for ln in lines if (m := _heading_match(ln.text))]
    group_numbers = {n for n in numbered if any(o.startswith(n + ".") for o in numbered)}
    blocks = _blocks(lines, group_numbers)
    if not any(b.kind == "role" for b in blocks):
        raise CorpusFormatError(source, "no numbered role sections (such as '2.1 岗位名称:…') were found")
    sections = tuple(_section(b, text) for b in blocks if b.lines or b.kind == "role")
    title = next((ln.text.strip() for ln in lines if ln.text.strip()), Path(source).stem)
    return Article(source=source, title=title, text=text, sections=sections)


def read_article(path: Path, source: str) -> Article:
    """Read and parse one corpus file, with its optional metadata file `<stem>.meta.json` beside it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CorpusFormatError(source, f"not UTF-8 text (byte {err.start})") from err
    article = parse_article(text, source)
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


def load_corpus(corpus_dir: Path) -> tuple[list[Article], list[CorpusFormatError]]:
    """Every article in the corpus folder; files that cannot be parsed are skipped and returned as problems."""
    articles: list[Article] = []
    problems: list[CorpusFormatError] = []
    paths = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES)
    for path in paths:
        source = f"corpus/{path.relative_to(corpus_dir).as_posix()}"
        try:
            articles.append(read_article(path, source))
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


def _split_lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lines.append(_Line(stripped, offset + body.index(stripped)))
        offset += len(raw)
    return lines


def _heading_match(line: str) -> re.Match[str] | None:
    m = _NUMBERED.match(line)
    return m if m and len(line) <= _MAX_HEADING else None


def _blocks(lines: list[_Line], group_numbers: set[str]) -> list[_Block]:
    blocks = [_Block("preface", "article", "", "导读", None, None, None, None, 0)]
    chapter: str | None = None
    chapter_no = 0
    group: str | None = None
    group_mode: str | None = None
    for ln in lines:
        numbered = _heading_match(ln.text)
        if m := _CHAPTER.match(ln.text):
            chapter, chapter_no, group, group_mode = m.group(2).strip(), _chinese_number(m.group(1)), None, None
            blocks.append(_Block(str(chapter_no), "article", ln.text, chapter, None, chapter, None, None, ln.start))
        elif _CLOSING.match(ln.text):
            chapter, group, group_mode = None, None, None
            blocks.append(_Block(ln.text, "article", ln.text, ln.text, None, None, None, None, ln.start))
        elif (m := _GROUP.match(ln.text)) and len(ln.text) <= _MAX_HEADING or (
            numbered and numbered.group(1) in group_numbers
        ):
            group_id = numbered.group(1) if numbered else f"{chapter_no}({_chinese_number(m.group(1))})"
            group = (numbered or m).group(2).strip()
            group_mode = _mode(group)
            blocks.append(_Block(group_id, "article", ln.text, group, None, chapter, group, group_mode, ln.start))
        elif numbered:
            name, subtitle, mode = _role_heading(numbered.group(2))
            blocks.append(
                _Block(numbered.group(1), "role", ln.text, name, subtitle, chapter, group, mode or group_mode, ln.start)
            )
        else:
            blocks[-1].lines.append(ln)
    return blocks


def _role_heading(rest: str) -> tuple[str, str | None, str | None]:
    """`电商运营总监:战略规划…` / `直营电商-仓储主管(衔接…)` / `库存管理经理(直营电商):…` → name, subtitle, mode."""
    head, subtitle = _split_colon(rest)
    qualifier = None
    if m := re.search(r"[(（]([^)）]*)[)）]$", head):
        qualifier, head = m.group(1).strip(), head[: m.start()].strip()
    prefix = None
    if "-" in head:
        prefix, head = (part.strip() for part in head.split("-", 1))
    mode = _mode(" ".join(p for p in (prefix, qualifier, subtitle) if p))
    return head, subtitle or qualifier, mode


def _split_colon(text: str) -> tuple[str, str]:
    head, _, tail = text.replace("：", ":").partition(":")
    return head.strip(), tail.strip()


def _mode(text: str) -> str | None:
    if "通用" in text or ("直营" in text and "平台" in text):
        return "通用"
    if "直营" in text:
        return "直营"
    if "平台" in text:
        return "平台型"
    return None


def _chinese_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _CN_DIGITS.index(numeral[1])
    if numeral.endswith("十"):
        return 10 * _CN_DIGITS.index(numeral[0])
    if "十" in numeral:
        tens, ones = numeral.split("十")
        return 10 * _CN_DIGITS.index(tens) + _CN_DIGITS.index(ones)
    return _CN_DIGITS.index(numeral)


def _section(block: _Block, text: str) -> Section:
    end = block.lines[-1].end if block.lines else block.start + len(block.heading)
    if block.kind == "role":
        fields = _role_fields(block)
    else:
        fields = (_field(f"{block.id}/正文", "正文", block.lines),) if block.lines else ()
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
        fields=fields,
    )


def _role_fields(block: _Block) -> tuple[Field, ...]:
    groups: list[tuple[str, list[_Line]]] = []
    for ln in block.lines:
        if m := _FIELD_LABEL.match(ln.text):
            name = "KPI 指标" if m.group(1).startswith("KPI") else m.group(1)
            groups.append((name, [ln]))
        elif groups:
            groups[-1][1].append(ln)
        else:
            groups.append((DESCRIPTION_FIELD, [ln]))
    return tuple(_field(f"{block.id}/{name.replace(' ', '')}", name, lns) for name, lns in groups)


def _field(field_id: str, name: str, lines: list[_Line]) -> Field:
    items: list[Item] = []
    for ln in lines:
        text, start = ln.text, ln.start
        if m := _FIELD_LABEL.match(text):
            rest = m.group(2)
            if not rest:
                continue
            start += m.start(2)
            text = rest
            if rest.endswith((":", "：")):
                items.append(Item(f"{field_id}/{len(items) + 1}", "lead", None, text, start, start + len(text)))
                continue
        items.append(_item(f"{field_id}/{len(items) + 1}", text, start))
    return Field(field_id, name, lines[0].start, lines[-1].end, tuple(items))


def _item(item_id: str, text: str, start: int) -> Item:
    label = None
    if m := _LABEL.match(text):
        label = m.group(1).strip()
    kind = "note" if label and _NOTE_LABEL.match(label) else "item"
    if label in _IMPACT_LABEL:
        label = _IMPACT_LABEL[label]
    return Item(item_id, kind, label, text, start, start + len(text))
