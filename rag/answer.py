"""Question → an answer composed of the article's own sentences, each with its citation, or "not covered".

The extractive path never writes a sentence of its own except one framing line. It either lists a whole
field (采购经理的KPI有哪些 → every KPI item of 采购经理) or picks the few sentences that best match the
question from the top retrieved passages. Whether the article covers the question at all is decided on
two signals calibrated on `evals/`: nouns of the question that the article never uses (年薪, 学历,
面试: topics it cannot answer), and the dense similarity of the best passage.

With a chat model (`rag.llm`), a covered question is answered again in the model's words from the passages the
extractive path drew on; `rag.grounding` drops every sentence its cited passages do not support. If the
model fails, times out, or nothing it wrote is supported, the extractive answer stands, with a notice.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import jieba.posseg as pseg
from langchain_core.embeddings import Embeddings
from langchain_core.exceptions import ModelTimeoutError
from langchain_core.language_models import BaseChatModel

from ingest.chunk import Chunk
from ingest.index import Index, tokenize
from ingest.parse import sentence_spans
from rag.catalog import Catalog
from rag.embeddings import get_embeddings, spaces
from rag.grounding import Passage, check
from rag.llm import Deadline, LlmUnavailable, build_answer_chain, get_chat_model, passage_label
from rag.retrieve import Hit, detect_lang, retrieve

log = logging.getLogger(__name__)

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
_MAX_SENTENCES = 4
_TOP_PASSAGES = 6  # the top retrieved passages the extractive path picks its sentences from
_NOT_COVERED_ZH = "文章没有涉及这个问题:原文中找不到能回答它的内容。"
_NOT_COVERED_EN = "The article does not cover this question: nothing in it answers it."

# Calibrated on evals/cases/ask.jsonl with `python -m evals --calibrate` (see README).
MIN_SIMILARITY_ZH = 0.86
MIN_SIMILARITY_EN = 0.76


class EmptyQuestion(ValueError):
    """The question has no text once whitespace and control characters are removed."""

    def __init__(self) -> None:
        super().__init__("the question is empty: type a question about the article's roles")


@dataclass(frozen=True)
class Citation:
    source: str
    node_id: str
    role: str | None
    field: str | None
    start: int
    end: int
    quote: str  # always the source text at [start:end]


@dataclass(frozen=True)
class Answer:
    question: str
    covered: bool
    text: str  # sentences with [n] marks pointing into `citations` (1-based)
    citations: tuple[Citation, ...]
    lang: str
    roles: tuple[str, ...] = ()  # the roles the answer is about, carried into follow-up questions
    notice: str | None = None  # the question was truncated; the LLM answer was not used, and why
    segments: tuple[tuple[str, tuple[int, ...]], ...] = field(default=(), repr=False)  # (sentence, citation numbers)
    backend: str = "extractive"  # or the chat model that wrote the text, e.g. "openai:qwen2.5-7b-instruct"
    unsupported: tuple[str, ...] = ()  # generated sentences dropped by the grounding check (never in `text`)


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


def answer(
    question: str,
    index: Index,
    catalog: Catalog,
    *,
    history: Sequence[str] = (),
    model: BaseChatModel | None = None,
) -> Answer:
    """Answer from the article: its own sentences with citations, or an explicit 'not covered'.

    `model` (default: the one `index.settings` choose, if any) rewrites a covered answer under the grounding check.
    """
    q = read_question(question, catalog, history=history, max_chars=index.settings.max_question_chars)
    extractive, passages = _extract(q, index, catalog)
    if not extractive.covered:
        return extractive
    try:
        chat = model if model is not None else get_chat_model(index.settings)
    except LlmUnavailable as err:
        return replace(extractive, notice=_notice(q, str(err)))
    if chat is None:
        return extractive
    cross_lingual = get_embeddings(index.settings, "use") if q.lang != "zh" and "use" in spaces(index.settings) else None
    return _generate(q, extractive, passages, chat, timeout=index.settings.llm_timeout, cross_lingual=cross_lingual)


def _generate(
    q: Question,
    extractive: Answer,
    passages: Sequence[Citation],
    model: BaseChatModel,
    *,
    timeout: float,
    cross_lingual: Embeddings | None,
) -> Answer:
    """The model's answer from the numbered passages, each sentence kept only if its cited passages support it.

    Falls back to `extractive` with a notice when the model fails, takes longer than `timeout` seconds, or
    writes nothing that the passages support; never raises. `cross_lingual` checks sentences not in Chinese.
    """
    backend = model.get_name()
    started = time.monotonic()
    try:
        inputs = {"question": q.text, "passages": passages, "lang": q.lang}
        chunks = build_answer_chain(model).stream(inputs, {"callbacks": [Deadline(timeout)]})
        text = "".join(c.get("text", "") for c in chunks)
    except Exception as err:  # any failure of an optional backend (connection, HTTP, timeout, bad payload) falls back
        log.warning("%s failed: %r", backend, err)
        if isinstance(err, (TimeoutError, ModelTimeoutError)) or time.monotonic() - started >= timeout:
            return replace(extractive, notice=_notice(q, f"{backend} did not answer within {timeout:g} s"))
        return replace(extractive, notice=_notice(q, f"{backend} failed ({type(err).__name__}: {err})"))
    cited = [Passage(passage_label(p), p.quote) for p in passages]
    verdicts = check(text, cited, question=q.text, embeddings=cross_lingual)
    kept = [v for v in verdicts if v.supported]
    shown = {v.sentence for v in kept}  # a looping model repeats itself, sometimes once with marks, once without
    unsupported = tuple(dict.fromkeys(v.sentence for v in verdicts if not v.supported and v.sentence not in shown))
    if not kept:
        why = f"{backend} wrote nothing the article supports ({len(verdicts)} sentences checked)"
        return replace(extractive, notice=_notice(q, why), unsupported=unsupported)
    used = list(dict.fromkeys(n for v in kept for n in v.cited))  # passage numbers, renumbered 1.. in order of use
    segments = tuple((v.sentence, tuple(used.index(n) + 1 for n in v.cited)) for v in kept)
    citations = tuple(passages[n - 1] for n in used)
    roles = tuple(dict.fromkeys(c.role for c in citations if c.role)) or q.roles
    text = "\n".join(_render_segment(s, nums) for s, nums in segments)
    return Answer(q.text, True, text, citations, q.lang, roles, q.notice, segments, backend, unsupported)


def _notice(q: Question, why: str) -> str:
    note = f"the LLM answer was not used: {why}; this is the extractive answer"
    return f"{q.notice}; {note}" if q.notice else note


def _extract(q: Question, index: Index, catalog: Catalog) -> tuple[Answer, list[Citation]]:
    """The extractive answer and the passages it drew on (what a chat model is given to answer from)."""
    residual = _content_tokens(q, catalog)
    if foreign_terms(q, index, catalog):
        return _compose(q, [], covered=False), []
    if q.roles and not residual:
        whole = _whole_fields(index, q.roles[:3], q.fields) if q.fields else _role_overviews(index, q.roles[:3])
        return _compose(q, whole, covered=True), [_citation(c, start, end) for c, start, end in whole]
    hits = retrieve(q.text, index, k=index.settings.top_k, roles=q.roles or None, fields=q.fields or None)
    if not hits:
        hits = retrieve(q.text, index, k=index.settings.top_k, roles=q.roles or None)
    if not hits or not _similar_enough(q, hits):
        return _compose(q, [], covered=False), []
    passages = [_citation(h.chunk, h.chunk.start, h.chunk.end) for h in hits[:_TOP_PASSAGES]]
    return _compose(q, _best_sentences(q, hits, index, residual), covered=True), passages


def foreign_terms(q: Question, index: Index, catalog: Catalog) -> list[str]:
    """Nouns of the question that the article never uses (年薪, 学历, 面试, 天气…): topics it cannot answer."""
    if q.lang != "zh":
        return []
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


def _content_tokens(q: Question, catalog: Catalog) -> list[str]:
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


def _whole_fields(index: Index, roles: Sequence[str], fields: Sequence[str]) -> list[tuple[Chunk, int, int]]:
    return [
        (c, c.start, c.end)
        for role in roles
        for name in fields
        for c in index.chunks.values()
        if c.role == role and c.field == name and c.kind != "lead"
    ]


def _role_overviews(index: Index, roles: Sequence[str]) -> list[tuple[Chunk, int, int]]:
    """What a role is, for 'tell me about X' and 'X 和 Y 的区别': its heading, first duty, core goal."""
    picked: list[tuple[Chunk, int, int]] = []
    for role in roles:
        chunks = [c for c in index.chunks.values() if c.role == role]
        picked += [(c, c.start, c.end) for c in chunks if c.kind == "heading"][:1]
        for name in ("职责职能", "岗位描述", "目标动机"):
            first = next((c for c in chunks if c.field == name and c.kind == "item"), None)
            if first:
                start, end = sentence_spans(first.text, first.start)[0]
                picked.append((first, start, end))
    return picked


def _best_sentences(
    q: Question, hits: list[Hit], index: Index, residual: list[str]
) -> list[tuple[Chunk, int, int]]:
    """The few sentences of the top passages that best match the question, best first."""
    idf = index.bm25.idf
    weights = {t: max(idf.get(t, 0.0), 0.1) for t in set(residual)}
    total = sum(weights.values())
    top = hits[0].score
    scored: list[tuple[float, int, Chunk, int, int]] = []
    for rank, hit in enumerate(hits[:_TOP_PASSAGES]):
        for start, end in sentence_spans(hit.chunk.text, hit.chunk.start):
            sentence = hit.chunk.text[start - hit.chunk.start : end - hit.chunk.start].lower()
            overlap = sum(w for t, w in weights.items() if t in sentence) / total if total else 0.0
            scored.append((0.5 * hit.score / top + 0.5 * overlap, rank, hit.chunk, start, end))
    scored.sort(key=lambda s: (-s[0], s[1], s[3]))
    best = scored[0][0]
    picked: list[tuple[Chunk, int, int]] = []
    roles_seen: set[str | None] = set()
    for score, _, chunk, start, end in scored:
        if len(picked) == _MAX_SENTENCES:
            break
        wanted_role = chunk.role in q.roles and chunk.role not in roles_seen
        if score >= 0.8 * best or (wanted_role and score >= 0.5 * best):
            picked.append((chunk, start, end))
            roles_seen.add(chunk.role)
    return picked


def _similar_enough(q: Question, hits: list[Hit]) -> bool:
    similarity = max(h.similarity for h in hits[:3])
    return similarity >= (MIN_SIMILARITY_ZH if q.lang == "zh" else MIN_SIMILARITY_EN)


def _compose(q: Question, picked: list[tuple[Chunk, int, int]], *, covered: bool) -> Answer:
    if not covered or not picked:
        text = _NOT_COVERED_ZH if q.lang == "zh" else _NOT_COVERED_EN
        return Answer(q.text, False, text, (), q.lang, q.roles, q.notice, ((text, ()),))
    citations: list[Citation] = []
    segments: list[tuple[str, tuple[int, ...]]] = []
    if q.lang != "zh":
        segments.append(("The article (in Chinese) answers this in the passages below:", ()))
    group = None
    for chunk, start, end in picked:
        if (chunk.role, chunk.field) != group:
            group = (chunk.role, chunk.field)
            segments.append((_group_title(chunk), ()))
        citations.append(_citation(chunk, start, end))
        segments.append((citations[-1].quote, (len(citations),)))
    roles = tuple(dict.fromkeys(c.role for c in citations if c.role)) or q.roles
    text = "\n".join(_render_segment(s, nums) for s, nums in segments)
    return Answer(q.text, True, text, tuple(citations), q.lang, roles, q.notice, tuple(segments))


def _citation(chunk: Chunk, start: int, end: int) -> Citation:
    """The span [start:end] of a chunk (a chunk's text is the source text at its own span)."""
    quote = chunk.text[start - chunk.start : end - chunk.start]
    return Citation(chunk.source, chunk.node_id, chunk.role, chunk.field, start, end, quote)


def _group_title(chunk: Chunk) -> str:
    if chunk.role:
        return f"【{chunk.role} · {chunk.field}】" if chunk.field else f"【{chunk.role}】"
    return f"【{chunk.heading.strip('【】') or '文章'}】"


def _render_segment(sentence: str, numbers: tuple[int, ...]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    return f"{sentence} {marks}".rstrip()
