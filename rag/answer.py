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
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from langchain_core.embeddings import Embeddings
from langchain_core.exceptions import ModelTimeoutError
from langchain_core.language_models import BaseChatModel

from ingest.chunk import Chunk, Citation
from ingest.index import Index
from ingest.parse import sentence_spans
from rag.catalog import Catalog
from rag.grounding import Passage, check
from rag.llm import Deadline, LlmUnavailable, build_answer_chain, get_chat_model, passage_label
from rag.question import Question, content_tokens, foreign_terms, read_question
from rag.retrieve import Hit, retrieve

log = logging.getLogger(__name__)

_MAX_SENTENCES = 4
_TOP_PASSAGES = 6  # the top retrieved passages the extractive path picks its sentences from
_NOT_COVERED_ZH = "文章没有涉及这个问题:原文中找不到能回答它的内容。"
_NOT_COVERED_EN = "The article does not cover this question: nothing in it answers it."

# Calibrated on evals/cases/ask.jsonl with `python -m evals --calibrate` (see README).
MIN_SIMILARITY_ZH = 0.86
MIN_SIMILARITY_EN = 0.76


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
    cross_lingual = index.embeddings("use") if q.lang != "zh" and "use" in index.stores else None
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
    residual = content_tokens(q, catalog)
    if foreign_terms(q, index, catalog):
        return _compose(q, [], covered=False), []
    if q.roles and not residual:
        whole = _whole_fields(index, q.roles[:3], q.fields) if q.fields else _role_overviews(index, q.roles[:3])
        return _compose(q, whole, covered=True), [c.cite(start, end) for c, start, end in whole]
    hits = retrieve(q.text, index, k=index.settings.top_k, roles=q.roles or None, fields=q.fields or None)
    if not hits:
        hits = retrieve(q.text, index, k=index.settings.top_k, roles=q.roles or None)
    if not hits or not _similar_enough(q, hits):
        return _compose(q, [], covered=False), []
    passages = [h.chunk.cite() for h in hits[:_TOP_PASSAGES]]
    return _compose(q, _best_sentences(q, hits, index, residual), covered=True), passages


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
        citations.append(chunk.cite(start, end))
        segments.append((citations[-1].quote, (len(citations),)))
    roles = tuple(dict.fromkeys(c.role for c in citations if c.role)) or q.roles
    text = "\n".join(_render_segment(s, nums) for s, nums in segments)
    return Answer(q.text, True, text, tuple(citations), q.lang, roles, q.notice, tuple(segments))


def _group_title(chunk: Chunk) -> str:
    if chunk.role:
        return f"【{chunk.role} · {chunk.field}】" if chunk.field else f"【{chunk.role}】"
    return f"【{chunk.heading.strip('【】') or '文章'}】"


def _render_segment(sentence: str, numbers: tuple[int, ...]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    return f"{sentence} {marks}".rstrip()
