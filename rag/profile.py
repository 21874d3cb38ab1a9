"""A job seeker's profile, read once: bounded in size, cut into clauses, each clause's stance, the seniority.

A clause is a fact (skills, tasks, studies — what matching compares with the roles), a level (手下管着20个人,
带过一个三人小组: only how senior the person is), a want (喜欢写东西,
想做…, I enjoy…: compared too, and it also moves the 意愿 part), an avoid (不想天天对着电脑, 不爱说话, I hate…:
only moves 意愿 down) or a lack (没有工作经验, 不会编程, no experience in…: never evidence, never shows an
ability). Stances come from general Chinese and English wording, checked in that order: avoid, lack, want.

A profile is personal data: it only lives in memory here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.question import detect_lang
from rag.seniority import Seniority, only_seniority, read_seniority

Stance = Literal["fact", "level", "want", "avoid", "lack"]

MAX_PROFILE_CHARS = 3000  # longer profiles are read up to here, with a notice (issue 13: bounded work per profile)
MAX_CLAUSES = 24
MAX_CLAUSE_CHARS = 120  # the embedding models read about this much of a clause anyway

# Chinese clauses end at punctuation, at a contrast word, or at a space next to a Chinese character (people who
# type on a phone often separate clauses with spaces: "收货 盘点 贴标签 啥都干").
_ZH_CUT = re.compile(
    r"[。;；!！?？\n,，~～]+|(?:但是|但|不过|可是|然而|而且|另外|同时)(?=[^,，。]{2})"
    r"|(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff])"
)
_EN_CUT = re.compile(r"[;!?\n]+|\.(?:\s+|$)|:\s+|\s+[—–-]\s+|,?\s+\b(?:but|although|though|however|whereas|yet)\b,?\s*", re.IGNORECASE)
_AVOID = re.compile(
    r"不[太很怎么大是]*(?:想|喜欢|爱|愿意?|擅长|善于|适应|习惯|希望|感兴趣)|讨厌|受不了|接受不了|不接受|反感|厌倦|害怕|最怕|不敢|排斥|抗拒|不要再|别再|再也不|(?:别|不要|不想)让我|(?:坐|干|做|待|呆)(?:烦|腻|够)了"
    r"|\b(?:don'?t|do not|doesn'?t|never) (?:want|like|enjoy|wish)|\b(?:hate|dislike|avoid|can'?t stand|tired of|rather not|not (?:good at|keen on|a fan of|interested in))\b",
    re.IGNORECASE,
)
_LACK = re.compile(
    r"没有|没(?:做|干|接触|学|用|碰|管|带)过|缺乏|缺少|不[太很怎么大是]*(?:会|懂|熟)|零基础|从未|从没|毫无|无(?:相关|工作|任何)?经验"
    r"|\b(?:no|never|without|lack(?:ing)?|haven'?t|have not|don'?t know|not familiar)\b",
    re.IGNORECASE,
)
_WANT = re.compile(
    r"喜欢|爱好|热爱|感兴趣|有兴趣|想|希望|愿意|期望|向往|梦想|打算|渴望|追求|偏好|倾向"
    r"|\b(?:like|love|enjoy|want|wish|hope|prefer|interested|passion(?:ate)?|keen|looking for|would like|dream|aim)\b",
    re.IGNORECASE,
)

_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


@dataclass(frozen=True)
class Clause:
    text: str
    stance: Stance

    @property
    def topic(self) -> str:
        """The clause without its stance words: 不想出差 → 出差, 喜欢跟人聊天 → 跟人聊天."""
        pattern = {"fact": None, "level": None, "want": _WANT, "avoid": _AVOID, "lack": _LACK}[self.stance]
        return pattern.sub(" ", self.text).strip() if pattern else self.text


@dataclass(frozen=True)
class Profile:
    clauses: tuple[Clause, ...]
    lang: str  # "zh" or "en"
    seniority: Seniority
    read_chars: int  # how much of the text was read
    total_chars: int  # how long it was

    @property
    def truncated(self) -> bool:
        return self.read_chars < self.total_chars

    @property
    def notice(self) -> str | None:
        if not self.truncated:
            return None
        return f"the profile was {self.total_chars} characters long; only the first {self.read_chars} were read"

    def texts(self, *stances: Stance) -> list[str]:
        return [c.text for c in self.clauses if c.stance in stances]

    def topics(self, *stances: Stance) -> list[str]:
        return [c.topic for c in self.clauses if c.stance in stances]


def read_profile(text: str, max_chars: int = MAX_PROFILE_CHARS) -> Profile:
    """The profile's clauses (up to MAX_CLAUSES, each up to MAX_CLAUSE_CHARS) with their stances and seniority."""
    read = text[:max_chars]
    lang = detect_lang(read)
    cut = _ZH_CUT if lang == "zh" else _EN_CUT
    pieces = (p.strip(" ,，、:：-—()（）\"'“”") for p in cut.split(read))
    clauses = tuple(Clause(p[:MAX_CLAUSE_CHARS], stance(p)) for p in pieces if _has_words(p))[:MAX_CLAUSES]
    facts = [c.text for c in clauses if c.stance in ("fact", "level")]
    seniority = read_seniority(facts, [c.text for c in clauses if c.stance not in ("fact", "level")])
    return Profile(clauses, lang, seniority, len(read), len(text))


def stance(clause: str) -> Stance:
    if only_seniority(clause):
        return "level"
    clause = _A_NOT_A.sub(r"\1", clause)  # 会不会被封, 有没有偷偷收集: a question inside the clause, not a lack
    if _AVOID.search(clause):
        return "avoid"
    if _LACK.search(clause):
        return "lack"
    return "want" if _WANT.search(clause) else "fact"


def _has_words(piece: str) -> bool:
    return len(re.sub(r"\W", "", piece)) >= 2
