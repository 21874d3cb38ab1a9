"""DOCX → the one text the parser reads, and what each line's paragraph or table row said about itself.

The body is walked in order (`iter_inner_content()`), so a table stays under the heading it follows, and
the text is built as we go: one line per paragraph, `| a | b |` per table row, each span recorded. A
paragraph's heading level comes from `w:outlineLvl` (its own, then its style's, then the base styles'),
before the style name (`Heading 2`, `标题 2`), so localised and custom heading styles work. Word's
automatic numbering (`w:numPr`, not part of `paragraph.text`) is rendered into the text the way Word shows
it (`一、`, `1.`, `(1)`, `•`), so citations quote what the reader sees. A merged cell is read once, by its
grid span; the rows below a vertical merge hold an empty cell there.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ingest.outline import CN_NUMERALS, LineHint

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}
_BODY_LEVEL = 9  # w:outlineLvl 9 is body text


def docx_text(path: Path) -> tuple[str, dict[int, LineHint]]:
    """The document's text (paragraphs and table rows in body order) and a hint per line, by its offset."""
    document = docx.Document(str(path))
    numbers = _Numbering(document)
    parts: list[str] = []
    hints: dict[int, LineHint] = {}
    offset = 0

    def emit(line: str, hint: LineHint | None) -> None:
        nonlocal offset
        if hint is not None:
            hints[offset] = hint
        parts.append(line + "\n")
        offset += len(line) + 1

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            level = _heading_level(block)
            prefix = numbers.prefix(block)
            if not block.text.strip():
                continue
            text = prefix + block.text
            runs = [run for run in block.runs if run.text.strip()]
            bold = bool(runs) and all(run.bold for run in runs)
            hint = LineHint(level=level, listed=bool(prefix) and level is None, bold=bold)
            first, *rest = text.split("\n")  # a soft line break (w:br) starts a new line of the same paragraph
            emit(first, hint if hint != LineHint() else None)
            for line in rest:
                emit(line, None)
        elif isinstance(block, Table):
            for i, (cells, columns) in enumerate(_rows(block)):
                line, spans = "|", []
                for cell in cells:
                    line += " "
                    spans.append((offset + len(line), offset + len(line) + len(cell)))
                    line += cell + " |"
                emit(line, LineHint(cells=tuple(spans), columns=columns, header=i == 0))
    return "".join(parts), hints


def _rows(table: Table) -> list[tuple[list[str], tuple[int, ...]]]:
    """Each row's cells once each, with the grid column each starts in (a merged cell spans several),
    without empty rows; below a vertical merge the cell is empty."""
    rows = []
    for tr in table._tbl.tr_lst:
        cells, columns, column = [], [], tr.grid_before
        for tc in tr.tc_lst:
            paragraphs = [] if tc.vMerge == "continue" else _Cell(tc, table).paragraphs
            cells.append(" ".join(p.text.replace("\n", " ").strip() for p in paragraphs if p.text.strip()))
            columns.append(column)
            column += tc.grid_span
        if any(cells):
            rows.append((cells, tuple(columns)))
    return rows


def _heading_level(paragraph: Paragraph) -> int | None:
    """1 for a top heading, 0 for the title, None for body text: outline level first, then the style name."""
    level = _outline_level(paragraph._p)
    style = paragraph.style
    while level is None and style is not None:
        level = _outline_level(style.element)
        if level is None and (m := _HEADING_STYLE.match(style.name or "")):
            level = int(m.group(1)) - 1
        elif level is None and (style.name or "").lower() in _TITLE_STYLES:
            return 0
        style = style.base_style
    return None if level is None or level >= _BODY_LEVEL else level + 1


def _outline_level(element) -> int | None:
    values = element.xpath("./w:pPr/w:outlineLvl/@w:val")
    return int(values[0]) if values else None


class _Numbering:
    """Renders Word's list numbers: per list (numId) a counter per level, formatted by the level's lvlText."""

    def __init__(self, document: docx.document.Document) -> None:
        try:
            self._root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self._root = None
        self._counters: dict[str, list[int]] = {}
        self._cache: dict[str, dict[int, tuple[str, str, int, str]]] = {}

    def prefix(self, paragraph: Paragraph) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        if self._root is None or num_id in (None, "0"):
            return ""
        levels = self._cache.get(num_id) or self._cache.setdefault(num_id, self._levels(num_id))
        if ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, [0] * 9)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl][2]
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, _, suffix = levels[ilvl]
        if fmt == "bullet":
            return "• "
        rendered = re.sub(
            r"%(\d)",
            lambda m: _format(counters[int(m.group(1)) - 1] or 1, levels.get(int(m.group(1)) - 1, (fmt,))[0]),
            text,
        )
        return rendered + ("" if suffix == "nothing" or rendered.endswith(("、", ")", "）")) else " ")

    def _num_pr(self, paragraph: Paragraph) -> tuple[str | None, int]:
        element, style = paragraph._p, paragraph.style
        while element is not None:
            num_id = element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
            if num_id:
                ilvl = element.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
                return num_id[0], int(ilvl[0]) if ilvl else 0
            element, style = (style.element, style.base_style) if style is not None else (None, None)
        return None, 0

    def _levels(self, num_id: str) -> dict[int, tuple[str, str, int, str]]:
        """Level → (numFmt, lvlText, start, suffix) of the list `num_id`, its overrides applied."""
        num = self._root.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        if num is None:
            return {}
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = self._root.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
        levels = {}
        for lvl in [*(abstract.findall(qn("w:lvl")) if abstract is not None else []), *num.iter(qn("w:lvl"))]:
            levels[int(lvl.get(qn("w:ilvl")))] = (
                _val(lvl, "w:numFmt", "decimal"),
                _val(lvl, "w:lvlText", ""),
                int(_val(lvl, "w:start", "1")),
                _val(lvl, "w:suff", "tab"),
            )
        for override in num.findall(qn("w:lvlOverride")):
            if (start := override.find(qn("w:startOverride"))) is not None:
                ilvl = int(override.get(qn("w:ilvl")))
                if ilvl in levels:
                    levels[ilvl] = (*levels[ilvl][:2], int(start.get(qn("w:val"))), levels[ilvl][3])
        return levels


def _val(element, tag: str, default: str) -> str:
    child = element.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


def _format(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwaneseCounting")):
        return _chinese(n)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(ord("①") + n - 1)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (Word's chineseCounting)."""
    if n < 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    if tens >= 10:
        return str(n)
    return ("" if tens == 1 else CN_NUMERALS[tens]) + "十" + (CN_NUMERALS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out
