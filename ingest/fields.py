"""Field labels: the one synonym table from what documents call a field to the canonical field.

岗位职责 / 主要职责 / 工作职责 / 工作内容 are all 职责职能; 考核指标 / 绩效考核 / KPI are KPI 指标; and so on. A label
line may carry Markdown or numbering around it (`### 岗位职责`, `(一)岗位职责`, `**考核指标**：…`) and its
content after a colon (`KPI 指标:…`); in a Word form the label is a table row's first cell.
"""

from __future__ import annotations

import re

from ingest.outline import Line

DUTIES_FIELD, KPI_FIELD, GOALS_FIELD, METHODS_FIELD, IMPACT_FIELD = "职责职能", "KPI 指标", "目标动机", "运作手法", "影响分析"
QUALIFICATIONS_FIELD = "任职资格"  # what a role asks of a person: 学历, 经验, 能力
CAREER_FIELD = "发展通道"  # where a role leads: 晋升路径, 职业发展
FIELD_NAMES = (DUTIES_FIELD, KPI_FIELD, GOALS_FIELD, METHODS_FIELD, IMPACT_FIELD)  # the shipped article's five
DESCRIPTION_FIELD = "岗位描述"  # the body of a role that has no field headings (the 7.3.x roles)
# The one synonym table: a label a document uses → its canonical field.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    DUTIES_FIELD: ("职责职能", "岗位职责", "主要职责", "工作职责", "工作内容", "岗位职能", "职责"),
    KPI_FIELD: ("KPI 指标", "考核指标", "绩效考核", "绩效指标", "考核标准", "KPI"),
    QUALIFICATIONS_FIELD: ("任职资格", "任职要求", "能力要求", "岗位要求", "任职条件"),
    GOALS_FIELD: ("目标动机",),
    METHODS_FIELD: ("运作手法", "工作方法", "工作方式"),
    IMPACT_FIELD: ("影响分析",),
    CAREER_FIELD: ("发展通道", "职业发展", "晋升路径", "晋升通道", "发展方向"),
}
CANONICAL_FIELDS = tuple(FIELD_SYNONYMS)

_CANONICAL = {re.sub(r"\s+", "", s).upper(): name for name, labels in FIELD_SYNONYMS.items() for s in labels}
_LABELS = "|".join(
    re.escape(label).replace(r"\ ", r"\s*")
    for label in sorted((label for labels in FIELD_SYNONYMS.values() for label in labels), key=len, reverse=True)
)
_B = r"(?:\*\*|__)?"
_FIELD_LABEL = re.compile(
    rf"^(?:#{{1,6}}[ \t]+)?{_B}(?:[(（](?:\d+|[一二三四五六七八九十]+)[)）]|[一二三四五六七八九十]+[、.．]|"
    rf"\d+(?:\.\d+)*[.、．]|\d+(?:\.\d+)+\s|[①-⑳])?\s*{_B}(?P<label>{_LABELS}){_B}\s*"
    rf"(?:[:：]{_B}\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)


def field_label(text: str) -> tuple[str, str | None, int] | None:
    """(canonical field, inline text or None, its offset) when a line is a field label: `岗位职责`,
    `KPI 指标:…`, `### 任职要求`, `(一)岗位职责`, `**考核指标**：…`; None otherwise."""
    if not (m := _FIELD_LABEL.match(text)):
        return None
    name = _CANONICAL[re.sub(r"\s+", "", m.group("label")).upper()]
    return (name, m.group("rest"), m.start("rest")) if m.group("rest") else (name, None, len(text))


def line_label(ln: Line) -> str | None:
    """The field a line opens: a label line, or a table row whose first cell is a label (a Word form)."""
    if ln.row in ("header", "row") and ln.cells:
        start, end = ln.cells[0]
        found = field_label(ln.text[start - ln.start : end - ln.start])
        return found[0] if found and found[1] is None else None
    found = field_label(ln.text) if not ln.row else None
    return found[0] if found else None
