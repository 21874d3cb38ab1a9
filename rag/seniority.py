"""How senior a job seeker reads, from the words people use for it: years, team size, titles and scope.

The result sits on the scale of the article's role levels (`careers.role_level`): 1 专员 / 基础岗, 2 经理 / 主管,
3 总监. Rules, each from general career vocabulary rather than from any profile:
- years of work (`5年`, `十几年`, `a decade`), not years of study (`大学四年`, `读了三年研究生`): 1 up to a
  year, +0.2 a year after it (mid from 3.5 years, senior from 9.5);
- leading people (`带过三人小组`, `管二十多人`, `team of six`, a 组长/主管/经理/lead title): mid at least; a team of
  30 or more, or several teams, adds a little;
- a top title (总监, 一把手, head of, director) or a whole-company scope (全公司, 整个线上板块, 部门负责人,
  company-wide): senior;
- a graduate, a student or someone without work experience is entry, whatever else they studied; someone
  changing trade (转行, 想转到…, career change) starts the new trade's ladder again: their years do not count,
  the people they led do;
- nothing stated: 1.3, most likely early in a career.
A title someone else holds (`给经理做助理`, `report to the director`) does not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Band = Literal["entry", "mid", "senior"]
BAND_NAMES: dict[Band, str] = {"entry": "入门 · 专员级", "mid": "经理 · 主管级", "senior": "总监级"}
UNKNOWN_LEVEL = 1.3  # no years, studies, team or title stated: most likely early in a career

_NUM = r"\d+(?:\.\d+)?|[零一二两三四五六七八九十百千几]+"
_CN_DIGIT = {c: n for n, c in enumerate("零一二三四五六七八九")} | {"两": 2, "几": 3}
_EN_NUMBER = {
    w: n
    for n, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"])
}
_EN_NUM = rf"\d+(?:\.\d+)?|{'|'.join(_EN_NUMBER)}|a dozen|dozens of"
_YEARS = re.compile(
    rf"(?P<n>{_NUM})\s*(?P<more>多|几|余|来)?\s*(?:个)?\s*(?P<half>年半|年)(?![级代底初度前龄轻])"
    rf"|(?P<en>{_EN_NUM})\s*\+?\s*(?:years?|yrs?)\b|(?P<decade>\b(?:a|one|over a|more than a) decade)",
    re.IGNORECASE,
)
_STUDY = re.compile(r"大学|本科|硕士|研究生|博士|在校|读书|上学|学了|读了|学制|university|college|bachelor|master|degree|stud(?:y|ied)|school|phd", re.IGNORECASE)
_GRADUATE = re.compile(
    r"应届|(?<![未没])毕业|刚毕业|马上毕业|即将毕业|还没毕业|在校|在读|实习|大[一二三四]|学生|没有?(?:正式|相关|全职)?(?:的)?(?:工作|上班)经验|没(?:正式)?工作过"
    r"|fresh(?:\s+|-)?grad|recent(?:ly)? grad|new grad|\bgrad\b|graduat(?:e|ing)\b|student|intern(?:ship)?\b|no (?:work|job|professional|prior|real) experience|never worked",
    re.IGNORECASE,
)
_CHANGER = re.compile(
    r"转行|跨行|转型|换行|换个行业|想转|转到|转去|转做|改行|(?:想|打算|准备|希望)(?:去|进|进入|转入|入行|加入)电商|\b(?:career (?:change|changer|switch)|(?:get|break|getting|breaking) into (?:e-?commerce|online retail)|new to (?:e-?commerce|online retail)|switch(?:ing)? (?:careers|into|to)|mov(?:e|ing) into|transition(?:ing)? (?:into|to))\b",
    re.IGNORECASE,
)
_LEADS = re.compile(
    rf"带(?:过|了|领|着)?[^,，。;；]{{0,8}}?(?:团队|小组|组|队伍|人|徒弟)|带(?:过|了|着|领)?\s*(?:{_NUM})\s*(?:个|名|位)|管(?:着|过|理过|理着)?[^,，。;；]{{0,24}}?(?:人|团队|小组|员工)|手下|下属|汇报给我"
    rf"|^\W*(?:{_NUM})\s*(?:多|几|余|来)?\s*(?:个|号)人\W*$|团队[^,，。;；]{{0,4}}?(?:{_NUM})\s*(?:多|几|余|来)?\s*(?:个|号)?人"
    r"|\b(?:led|lead(?:ing|s)?|manag(?:e|ed|es|ing)|supervis\w*|oversaw|oversee\w*|head(?:ed|ing)?)\b[^.;]{0,40}?\b(?:team|people|staff|reports|group)\b"
    rf"|\bteam of (?:about |around |over |some )?(?:{_EN_NUM})\b|\bdirect reports\b",
    re.IGNORECASE,
)
_TEAM_SIZE = re.compile(
    rf"带(?:过|了|着|领)?\s*(?P<led>{_NUM})\s*(?:个|名|位)|(?P<n>{_NUM})\s*(?P<more>多|几|余|来)?\s*(?:个|位)?\s*(?:人|名|号人|员工|同事)"
    rf"|\bteam of (?:about |around |over |some )?(?P<en>{_EN_NUM})|\b(?P<en2>{_EN_NUM})\s+(?:direct\s+)?(?:reports|people|staff|employees|members|[a-z]+ers)\b",
    re.IGNORECASE,
)
_MID_TITLE = re.compile(r"组长|班长|领班|店长|主管|经理|主任|队长|\b(?:team\s*lead(?:er)?|lead|manager|supervisor|foreman)\b", re.IGNORECASE)
_TOP_TITLE = re.compile(r"总监|副总|总经理|一把手|负责人|\b(?:head of|director|vp|vice president|chief|cxo|ceo|coo|cto|cmo)\b", re.IGNORECASE)
_TOP_SCOPE = re.compile(
    r"全公司|全集团|整个(?:公司|部门|线上|板块|事业部|团队|业务)|部门负责|事业部|几个(?:大区|部门|团队|中心)|多个(?:部门|团队|大区)|顶层设计|全年[^,，。]{0,6}(?:预算|目标)"
    r"|company-wide|whole (?:company|department|business)|entire (?:company|department|business)|several teams|multiple teams|\bP&L\b",
    re.IGNORECASE,
)
_ENTRY_TITLE = re.compile(r"专员|助理|实习生|\b(?:assistant|intern|junior|trainee|specialist)\b", re.IGNORECASE)
_LEAD_WORDS = re.compile(r"带|管理?|领导|手下|下属|团队|小组|队伍|\b(?:led|lead|leads|leading|managed?|manages|managing|team|people|staff|reports)\b", re.IGNORECASE)
_FILLER = re.compile(r"[了过着的个一人名有我在做干当已经现在目前从到都是]|\b(?:i|i'?ve|have|has|had|a|an|the|of|for|with|and|in|as|about|over|my|now)\b", re.IGNORECASE)
_SOMEONE_ELSES = re.compile(r"(?:给|跟|向|帮|协助|配合|对接|汇报给?|辅助)[^,，。]{0,3}$|(?:to|for|with|assist(?:ed|ing)?|support(?:ed|ing)?) (?:the|my|our|a) ?$", re.IGNORECASE)


@dataclass(frozen=True)
class Seniority:
    years: float | None  # the longest stated work experience
    graduate: bool  # a graduate, student or someone without work experience
    team: int | None  # the largest team the person leads (0: leads people, size unstated)
    title: int | None  # 3 for a top title or scope, 2 for a team-lead or manager title
    level: float  # 1 (entry) … 3 (director), on the scale of `careers.role_level`
    known: bool  # whether anything about seniority was stated at all

    @property
    def band(self) -> Band:
        return "entry" if self.level < 1.5 else "mid" if self.level < 2.5 else "senior"

    @property
    def rank(self) -> int:
        """The band as a role rank: 1 专员, 2 经理/主管, 3 总监."""
        return {"entry": 1, "mid": 2, "senior": 3}[self.band]

    @property
    def cues(self) -> tuple[str, ...]:
        """What the level was read from, in Chinese, for the person to check."""
        found = []
        if self.graduate:
            found.append("应届 / 在校 / 尚无工作经验")
        if self.years is not None:
            found.append(f"{self.years:g} 年经验")
        if self.team:
            found.append(f"带 {self.team} 人团队")
        elif self.team == 0:
            found.append("带团队")
        if self.title:
            found.append({3: "总监级职务或全局职责", 2: "主管 / 经理类职务"}[self.title])
        return tuple(found)


def read_seniority(clauses: Sequence[str], others: Sequence[str] = ()) -> Seniority:
    """The seniority of a profile from its fact clauses; the other clauses (wants, lacks) only tell a beginner
    or someone changing trade apart."""
    text = "。".join(clauses)
    said = "。".join([text, *others])
    years = [y for c in clauses if not _STUDY.search(c) for m in _YEARS.finditer(c) if (y := _years(m)) is not None]
    graduate = bool(_GRADUATE.search(said)) and not any(y >= 2 for y in years)
    if _CHANGER.search(said):
        years = []  # years in another trade; leading people carries over, the trade's own level does not
    team = _team(clauses)
    title = 3 if _TOP_SCOPE.search(text) or _own_title(_TOP_TITLE, text) else 2 if _own_title(_MID_TITLE, text) else None
    level = _level(max(years) if years else None, graduate, team, title)
    known = bool(years) or graduate or team is not None or title is not None
    return Seniority(max(years) if years else None, graduate, team, title, level, known)


def only_seniority(clause: str) -> bool:
    """Whether a clause says nothing but how senior someone is (手下管着20个人, 带过一个三人小组, 10 years)."""
    leads = bool(_LEADS.search(clause))
    if not (leads or _YEARS.search(clause) or _MID_TITLE.search(clause) or _TOP_TITLE.search(clause)):
        return False
    rest = _TEAM_SIZE.sub("", clause) if leads else clause
    for pattern in (_YEARS, _MID_TITLE, _TOP_TITLE, _LEAD_WORDS, _FILLER):
        rest = pattern.sub("", rest)
    return len(re.sub(r"[\W\d_]", "", rest)) < 2


def is_rank_word(token: str) -> bool:
    """A word that says how senior someone is (经理, 主管, 总监, 专员, manager…), not what they do."""
    return any(p.fullmatch(token) for p in (_MID_TITLE, _TOP_TITLE, _ENTRY_TITLE))


def _level(years: float | None, graduate: bool, team: int | None, title: int | None) -> float:
    if graduate:
        return 1.0
    level = UNKNOWN_LEVEL if years is None else 1.0 + max(0.0, years - 1.0) * 0.2
    if team is not None or title == 2:
        level = max(level, 2.0) + (0.3 if team and team >= 30 else 0.0)
    if title == 3:
        level = max(level, 2.7) + 0.3
    return round(min(3.0, level), 2)


def _years(m: re.Match[str]) -> float | None:
    if m.group("decade"):
        return 10.0
    value = _number(m.group("n") or m.group("en"))
    if value is None:
        return None
    value += 0.5 * (m.group("half") == "年半") + 0.5 * bool(m.group("more"))
    return value if value <= 45 else None


def _team(clauses: Sequence[str]) -> int | None:
    """The largest team led in a clause that says the person leads people; 0 when no size is given."""
    sizes: list[int] = []
    for clause in clauses:
        if not (_LEADS.search(clause) or _own_title(_MID_TITLE, clause) or _own_title(_TOP_TITLE, clause)):
            continue
        found = [int(n) for m in _TEAM_SIZE.finditer(clause) if (n := _number(m.group("led") or m.group("n") or m.group("en") or m.group("en2")))]
        sizes += found or ([0] if _LEADS.search(clause) else [])
    return max(sizes) if sizes else None


def _own_title(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _SOMEONE_ELSES.search(text[max(0, m.start() - 6) : m.start()]) for m in pattern.finditer(text))


def _number(raw: str | None) -> float | None:
    """12, 12.5, twelve, 十二, 二十, 一百, 十几 (15), 几十 (30), a dozen; None for anything else."""
    if raw is None:
        return None
    raw = raw.lower()
    if raw[0].isdigit():
        return float(raw)
    if raw in _EN_NUMBER:
        return float(_EN_NUMBER[raw])
    if raw in ("a dozen", "dozens of"):
        return 12.0
    return _chinese_number(raw)


def _chinese_number(text: str) -> float | None:
    """一 … 九千九百九十九, with 几 as an estimate (十几 15, 几十 30, 几 3); None for anything else."""
    if text == "十几":
        return 15.0
    total, digit = 0.0, None
    for char in text:
        if char in _CN_DIGIT:
            digit = _CN_DIGIT[char]
        elif char in "十百千":
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = None
        else:
            return None
    return total + (digit or 0) if (total or digit) else None
