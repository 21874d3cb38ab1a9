"""A role's KPI 指标 field → the KPI 考核表: one row per KPI item, with what the article says about it.

Per row, from the item's own text: the name (its label) and definition; targets from the definition's
parentheses (a standard such as `(≤2个工作日)`, a list of standards `(如短视频≤2小时,直播脚本≤12小时)`, or an
example `(例:…35%)`, shown as `例:35%`) — a number in the body of the definition (`销售达成率超80%的品类`)
defines the metric and is no target; the period (月度/季度/年度) where the name or text states one; the
direction where the text implies one; the data source where it says how the figure is obtained (通过季度调研,
基于用户评价与反馈). The field's 红线 notes go to the row they name, other notes stay under the sheet.
Weights and the scoring rule are stated defaults, marked as suggestions (`WEIGHT_NOTE`, `scoring`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ingest.chunk import Citation
from ingest.parse import Field, Item
from rag.catalog import RoleEntry
from rag.jd_text import TRAILING, Bullet, label_end

HIGHER, LOWER = "越高越好", "越低越好"
WEIGHT_NOTE = (
    "权重为建议值(原文未给出权重):结果类指标(销售、利润、成本、GMV、ROI、达成、增长、贡献、转化)与设有红线的指标"
    "各计 2 份,其余各计 1 份,按份数折算为整数百分比,合计 100,可按需调整。"
)
SCORING_NOTE = (
    "评分标准为建议规则:实际值达到目标值得 100 分,达到红线得 0 分,其间线性计分;未设红线时,越高越好以 0 为红线,"
    "越低越好以目标值的 2 倍为红线;加权得分 = 得分 × 权重 ÷ 100。"
)
NO_KPI_NOTE = "原文未提及该岗位的 KPI 指标:请参照下列岗位职责设定考核指标,在空白行填写指标、目标值与权重(合计 100)。"

KPI_COLUMNS = ("序号", "指标名称", "定义/计算口径", "方向", "目标值", "红线", "考核周期", "数据来源", "评分标准（建议）", "权重（%）", "出处")
TABLE_COLUMNS = ("指标", "定义/计算口径", "方向", "目标值", "红线", "考核周期", "数据来源", "评分标准（建议）", "权重（%）", "出处")
STATIC_COLUMNS = (7, 9)  # 评分标准 follows the direction and red line; 出处 is the article's
TEMPLATE_ROWS = 5  # blank rows offered for a role without KPI 指标
_TABLE_FIELDS = ("name", "definition", "direction", "target", "redline", "period", "data_source", "scoring", "weight")

_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
# A target is a number with a comparator, a percent sign or 以上/以下/以内; 满分100分 and 满1年 are not targets.
_TARGET = re.compile(
    r"(?<![满\d.])(?<!满分)(?P<cmp>[≤≥<>＜＞])?\d+(?:\.\d+)?(?P<pct>[%％])?"
    r"(?:个工作日|小时|天|次|倍|分)?(?P<bound>以上|以下|以内)?"
)
_UNIT = r"\s*(?:[%％]|个工作日|小时|分钟|秒|天|次|倍|分|元|万元)?"
# Outside parentheses, a bound stated on the metric itself (不低于95%, 3%以上); one that qualifies a noun
# (低于预期20%的商品) belongs to the definition.
_COMPARED = re.compile(rf"(?:不低于|不高于|不超过|不少于|不多于|[≤≥＜＞])\s*\d+(?:\.\d+)?{_UNIT}|\d+(?:\.\d+)?{_UNIT}(?:以上|以下|以内)")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([%％])?")
_PERIOD = re.compile(r"月度|每月|季度|年度|每年|(?<![\d半])年|月")
_PERIOD_NAMES = {"月度": "月度", "每月": "月度", "月": "月度", "季度": "季度", "年度": "年度", "每年": "年度", "年": "年度"}
_SOURCE = re.compile(r"(?:通过|基于)([^,，。;；的通基(（)）]*(?:调研|问卷|指数|监控|抽检|盘点|系统|报表|评价|反馈)(?:[(（][^)）]*[)）])?)")
# Direction, first rule that applies: stated outright; a reduction measured (…降低幅度); a duration or a cost
# measured; a bad outcome counted (投诉/流失/缺陷…); else a rate, share, score or amount, where more is better.
_SAYS_LOWER = re.compile(r"越(?:短|低|少)越(?:优|好)")
_SAYS_HIGHER = re.compile(r"越(?:高|多|长)越(?:优|好)")
# A target stated as a bound (a handbook's 不低于95%, 平均不超过20秒): the side it bounds is the good side
_BOUND_BELOW = re.compile(r"不低于|不少于|不短于|高于|多于|以上|≥|>")
_BOUND_ABOVE = re.compile(r"不超过|不高于|不多于|低于|少于|以内|以下|≤|<")
_REDUCTION = re.compile(r"(?:降低|下降|减少)(?:率|幅度|比例)")
_DURATION = re.compile(r"时效|时长|时间|天数")
_DURATION_DEFINED = re.compile(r"平均(?:处理)?(?:时长|天数|时间)|周期$")
_COST_DEFINED = re.compile(r"(?:成本|费用)(?:在内的综合成本)?占|平均[^,，]*费用")
_BAD_OUTCOME = re.compile(r"投诉|流失|缺陷|货损|缺货|失误|复发|滞销|差错|错误|故障|损耗")
_MEASURE = re.compile(r"(?:率|占比|比例|比|度|评分|ROI|指数|增长|贡献|数|量|额|价|提升|效率|性|性能|质量)$")
_RESULT = re.compile(r"销售|营收|收入|利润|毛利|GMV|ROI|成本|达成|增长|贡献|转化")


@dataclass(frozen=True)
class KpiRow:
    name: str
    definition: str  # the item's own text after the name
    target: str  # what the definition's parentheses give (≤30天, 例:35%), "" if none
    redline: str  # the 红线 the article attaches to this metric, "" if none
    period: str  # 月度 | 季度 | 年度 where the name or text states it, else ""
    weight: int  # percent; a suggestion (WEIGHT_NOTE) until the user sets it
    citations: tuple[Citation, ...]
    direction: str = ""  # 越高越好 | 越低越好 | "" (the text implies neither)
    scoring: str = ""  # the suggested scoring rule for this row (SCORING_NOTE)
    data_source: str = ""  # how the text says the figure is obtained, "" if it does not
    user_fields: frozenset[str] = field(default_factory=frozenset)  # fields the user set or changed


@dataclass(frozen=True)
class KpiSheet:
    role: str
    source_title: str
    rows: tuple[KpiRow, ...]
    notes: tuple[Bullet, ...]  # the KPI field's notes (红线指标 / 核心红线 / 备注) not attached to a row
    basis: tuple[Bullet, ...] = ()  # for a role without KPI 指标: its duties, to set indicators from


def kpi_sheet(entry: RoleEntry, field: Field | None, duties: tuple[Bullet, ...]) -> KpiSheet:
    """The sheet of the role's KPI field; without one, no rows, a note saying so and the duties to start from."""
    title = entry.article.title
    if field is None:
        return KpiSheet(entry.name, title, (), (Bullet(NO_KPI_NOTE, ()),), duties)
    items = [i for i in field.items if i.kind == "item"]
    notes = [i for i in field.items if i.kind == "note"]
    attached = _attached_redlines(items, notes)
    shares = [1 + bool(_RESULT.search(i.label or i.text) or i.id in attached) for i in items]
    weights = suggested_weights(shares)
    rows = tuple(_kpi_row(entry, field.name, item, attached.get(item.id), w) for item, w in zip(items, weights))
    loose = tuple(
        Bullet(n.text, (entry.cite(n.id, field.name, n.start, n.end),)) for n in notes if n not in attached.values()
    )
    return KpiSheet(entry.name, title, rows, loose)


def suggested_weights(shares: list[int]) -> list[int]:
    """Whole percents proportional to the shares, summing to exactly 100 (largest remainders, first rows first)."""
    if not shares:
        return []
    exact = [100 * s / sum(shares) for s in shares]
    weights = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - weights[i]), i))
    for i in by_remainder[: 100 - sum(weights)]:
        weights[i] += 1
    return weights


def scoring(direction: str, redline: str) -> str:
    """The suggested rule for one row, as `SCORING_NOTE` states it (and the XLSX formulas compute it)."""
    if target_number(redline) is not None:
        return "建议:达到目标值得100分,达到红线得0分,其间线性计分"
    if direction == HIGHER:
        return "建议:实际值÷目标值×100,最高100分"
    if direction == LOWER:
        return "建议:不高于目标值得100分,达到目标值2倍得0分,其间线性计分"
    return "建议:先确定方向(或填写红线),再按目标值线性计分"


def target_number(text: str) -> tuple[float, bool] | None:
    """The one number in a target or red-line text and whether it is a percentage (then as a fraction: 35% →
    0.35); None for a text with no number or several (≤2小时、≤12小时: the user picks)."""
    numbers = list(_NUMBER.finditer(text.replace("满分100分", "")))
    if len(numbers) != 1:
        return None
    value, percent = float(numbers[0].group(1)), numbers[0].group(2) in ("%", "％")
    return (value / 100 if percent else value), percent


def direction_of(name: str, definition: str) -> str:
    """越高越好 / 越低越好 as the name and definition imply (see the rules above `_SAYS_LOWER`), else ""."""
    short = re.sub(r"[(（][^)）]*[)）]", "", name).strip()
    text = f"{name} {definition}"
    if _SAYS_LOWER.search(text) or _SAYS_HIGHER.search(text):
        return LOWER if _SAYS_LOWER.search(text) else HIGHER
    bounds = _PAREN.sub("", definition)
    if bool(_BOUND_BELOW.search(bounds)) != bool(_BOUND_ABOVE.search(bounds)):
        return HIGHER if _BOUND_BELOW.search(bounds) else LOWER
    if _REDUCTION.search(short):
        return HIGHER
    if _DURATION.search(short) or _DURATION_DEFINED.search(definition) or _COST_DEFINED.search(definition):
        return LOWER
    if _BAD_OUTCOME.search(short):
        return LOWER
    return HIGHER if _MEASURE.search(short) else ""


def _attached_redlines(items: list[Item], notes: list[Item]) -> dict[str, Item]:
    """Each 红线 note that names KPI items, by the id of the item with the longest name it names."""
    attached: dict[str, Item] = {}
    for note in notes:
        concerned = [i for i in items if i.label and i.label in note.text[label_end(note) :]]
        if "红线" in (note.label or "") and concerned:
            attached[max(concerned, key=lambda i: len(i.label or "")).id] = note
    return attached


def _kpi_row(entry: RoleEntry, field: str, item: Item, redline: Item | None, weight: int) -> KpiRow:
    if item.cells:  # a table row: the first cell names the indicator, the others (目标, 标准, 权重…) define it
        name, definition = item.cells[0].text, ";".join(c.text for c in item.cells[1:] if c.text)
    else:
        name = item.label or item.text
        definition = item.text[label_end(item) :] if item.label else ""
    period = _PERIOD.search(item.label or "") or _PERIOD.search(definition)
    citations = [entry.cite(item.id, field, item.start, item.end)]
    if redline:
        citations.append(entry.cite(redline.id, field, redline.start, redline.end))
    red = redline.text[label_end(redline) :].rstrip(TRAILING) if redline else ""
    direction, target = direction_of(name, definition), _targets(definition) or _target_cell(item)
    return KpiRow(
        name=name,
        definition=definition,
        target=target,
        redline=red,
        period=_PERIOD_NAMES[period.group(0)] if period else "",
        weight=weight,
        citations=tuple(citations),
        direction=direction,
        scoring=scoring(direction, red),
        data_source="、".join(dict.fromkeys(m.group(1) for m in _SOURCE.finditer(definition))),
    )


def _target_cell(item: Item) -> str:
    """A table row's cell under a 目标 / 目标值 / 标准 header, as it is."""
    return next((c.text for c in item.cells[1:] if c.header and re.search(r"目标|标准", c.header)), "")


def _targets(definition: str) -> str:
    """Standards and examples the definition gives: 不低于95% / ≤2个工作日 / ≤2小时、≤12小时 / 例:35%."""
    found: list[str] = []
    for paren in _PAREN.finditer(definition):
        body = paren.group(1).strip()
        values = [m for m in _TARGET.finditer(body) if m.group("cmp") or m.group("pct") or m.group("bound")]
        numbers = re.findall(r"\d+(?:\.\d+)?", body)
        if body.startswith("例"):
            found += [f"例:{m.group(0)}" for m in values]
        elif body[:1] in "≤≥<>＜＞" or (body.startswith("如") and values and len(values) == len(numbers)):
            found += [m.group(0) for m in values]
    body = _PAREN.sub("", definition)
    found += [m.group(0) for m in _COMPARED.finditer(body) if not body.startswith("的", m.end())]
    return "、".join(dict.fromkeys(found))


class KpiTableError(ValueError):
    """The user's table cannot become a sheet (weights not summing to 100, a weight that is no number…);
    the message, in Chinese, says what to fix."""


def edit_sheet(sheet: KpiSheet, table: Sequence[Sequence[object]]) -> KpiSheet:
    """The sheet as the user left the table (`TABLE_COLUMNS`): rows in table order, blank rows dropped.

    A row keeps the article row of the same name (and its citations); the cells that differ from it are the
    user's (`user_fields`); a row under a new name is the user's own, uncited. 评分标准 follows the row's
    direction and red line; 出处 cannot be edited. Filled rows need weights summing to 100 (`KpiTableError`)."""
    originals = {row.name: row for row in sheet.rows}
    rows = []
    for number, cells in enumerate(table, 1):
        values = {name: _text(cells[i]) if i < len(cells) else "" for i, name in enumerate(_TABLE_FIELDS)}
        if not any(values.values()):
            continue
        if not values["name"]:
            raise KpiTableError(f"第 {number} 行填写了内容但没有指标名称:请填写指标名称,或清空这一行。")
        base = originals.pop(values["name"], None)
        rows.append(_edited_row(base, values, _weight(values["weight"], number, values["name"])))
    total = sum(row.weight for row in rows)
    if rows and total != 100:
        raise KpiTableError(f"权重合计为 {total},应为 100:请调整权重后再下载。")
    return replace(sheet, rows=tuple(rows))


def _edited_row(base: KpiRow | None, values: dict[str, str], weight: int) -> KpiRow:
    if values["direction"] not in (HIGHER, LOWER, ""):
        raise KpiTableError(f"「{values['name']}」的方向应为“{HIGHER}”或“{LOWER}”(或留空),不是“{values['direction']}”。")
    texts = {name: values[name] for name in _TABLE_FIELDS if name not in ("scoring", "weight")}
    if base is None:
        changed = frozenset(name for name, value in texts.items() if value) | {"name", "weight"}
        row = KpiRow(weight=weight, citations=(), **texts)
    else:
        changed = frozenset(name for name, value in texts.items() if value != getattr(base, name))
        changed |= {"weight"} if weight != base.weight else set()
        row = replace(base, weight=weight, **texts)
    return replace(row, scoring=scoring(row.direction, row.redline), user_fields=changed)


def _weight(cell: str, number: int, name: str) -> int:
    try:
        weight = float(cell.rstrip("%％ "))
    except ValueError:
        weight = -1.0
    if weight != int(weight) or not 0 <= weight <= 100:
        raise KpiTableError(f"第 {number} 行「{name}」的权重“{cell}”应为 0–100 的整数。")
    return int(weight)


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and cell != cell):  # an empty number cell comes back as NaN
        return ""
    if isinstance(cell, float) and cell == int(cell):
        return str(int(cell))
    return str(cell).strip()
