"""Question understanding: the cleaned question, its language, the roles and fields it asks about, and
whether it names things the article never speaks of. Pure functions over the question text and the catalog.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.index import Index, tokenize
from rag.catalog import Catalog

_CJK = re.compile(r"[\u4e00-\u9fff]")
FIELD_KEYWORDS: dict[str, tuple[str, ...]] = {
    "职责职能": ("职责", "职能", "负责", "做什么", "干什么", "工作内容", "干啥", "duties", "duty", "responsib", "what does"),
    "KPI 指标": ("kpi", "考核", "指标", "绩效", "衡量", "metric", "measured", "performance"),
    "目标动机": ("目标", "动机", "追求", "目的", "goal", "motivation", "aim", "objective"),
    "运作手法": ("手法", "方法", "策略", "怎么做", "如何做", "做法", "怎么开展", "method", "approach", "strateg", "how do"),
    "影响分析": ("影响", "对社会", "对自身", "职业发展", "发展方向", "晋升", "impact", "career", "society", "effect"),
}
_NOUN_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nrt", "j", "eng"})
_GENERIC_NOUNS = frozenset(
    "大事 小事 事情 东西 时候 套路 例子 举例 门槛 好处 坏处 负面 正面 方面 情况 问题 地方 办法 内容 意思 区别 关系 "
    "重点 特点 要求 作用 效果 价值 角度 层面 部分 环节 范围 时间 长时间 多长时间 对象 侧重点 重心 维度 文章 篇文章 "
    "效率 提高效率 产生 形容".split()
)
_GENERIC = frozenset(
    "岗位 角色 职位 电商 工作 人员 公司 企业 需要 主要 具体 介绍 说说 讲讲 一下 文章 这个 那个 区别 不同 "
    "相比 比较 异同 分别 各自 哪个 谁 job role position article company e-commerce ecommerce".split()
)
_ANAPHORA = re.compile(r"(它|他们|她|他|该岗位|这个岗位|这个角色|该角色|这一岗位|其|那|this role|that role|\bit\b|\bthey\b|\bthem\b|\btheir\b|\bits\b)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

class EmptyQuestion(ValueError):
    """The question has no text once whitespace and control characters are removed."""

    def __init__(self) -> None:
        super().__init__("the question is empty: type a question about the article's roles")


@dataclass(frozen=True)
class Question:
    """A question as the answerer reads it."""

    text: str
    lang: str
    roles: tuple[str, ...]
    fields: tuple[str, ...]
    notice: str | None


def read_question(
    raw: str, catalog: Catalog, *, history: Sequence[str] = (), max_chars: int = 2000
) -> Question:
    """Clean the question and find what it asks about: roles (or those of the conversation) and fields."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", raw or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise EmptyQuestion()
    notice = None
    if len(text) > max_chars:
        notice = f"the question was {len(text)} characters long; only the first {max_chars} were read"
        text = text[:max_chars]
    roles = tuple(catalog.mentions(text))
    if not roles and history and _is_follow_up(text):
        for earlier in reversed(history):
            if found := catalog.mentions(earlier):
                roles = tuple(found)
                break
    lowered = text.lower()
    fields = tuple(name for name, words in FIELD_KEYWORDS.items() if any(w in lowered for w in words))
    return Question(text, detect_lang(text), roles, fields, notice)


def detect_lang(text: str) -> str:
    """'zh' when the text contains Chinese characters, else 'en' (any other language is searched the same way)."""
    return "zh" if _CJK.search(text) else "en"


def foreign_terms(q: Question, index: Index, catalog: Catalog) -> list[str]:
    """Nouns of the question that the article never uses (年薪, 学历, 面试, 天气…): topics it cannot answer."""
    if q.lang != "zh":
        return []
    import jieba.posseg as pseg  # loads its tagging model (~0.3 s): only questions in Chinese need it

    return [
        pair.word
        for pair in pseg.lcut(q.text.lower())
        if len(pair.word) >= 2
        and pair.flag in _NOUN_TAGS
        and pair.word not in _GENERIC_NOUNS
        and pair.word not in index.bm25.idf
        and pair.word not in catalog.aliases
    ]


def _is_follow_up(text: str) -> bool:
    short = len(text) <= 14 if detect_lang(text) == "zh" else len(text.split()) <= 7
    return short or bool(_ANAPHORA.search(text))


def content_tokens(q: Question, catalog: Catalog) -> list[str]:
    """The question's own content words: what is left after role names, field words and function words."""
    text = _strip_known_words(q.text.lower(), catalog)
    for words in FIELD_KEYWORDS.values():
        for word in words:
            text = text.replace(word, " ")
    return [t for t in tokenize(text) if t not in _GENERIC and not t.isdigit()]


def _strip_known_words(text: str, catalog: Catalog) -> str:
    for alias in sorted(catalog.aliases, key=len, reverse=True):
        pattern = rf"\b{re.escape(alias)}\b" if alias.isascii() else re.escape(alias)
        text = re.sub(pattern, " ", text)
    return text
