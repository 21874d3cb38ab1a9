"""Question → an answer composed of the article's own sentences, each with its citation, or "not covered".

The extractive path: read the question (`rag.question`), retrieve evidence (`rag.retrieve`), settle the
scope with it, decide whether the article covers the question (`rag.coverage`, calibrated on the dev split of
`evals/`), then compose by intent (`rag.compose`): a whole field, the best sentences, a comparison, the
roles that fit, or an overview. A refusal says what the article covers nearest to the question.

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

from ingest.chunk import Citation
from ingest.index import Index
from rag.catalog import Catalog
from rag.compose import compose, group_title, says_it
from rag.coverage import coverage_signals, is_covered, skipped_document_asked
from rag.grounding import Passage, check
from rag.llm import Deadline, LlmUnavailable, build_answer_chain, get_chat_model, passage_label
from rag.question import (
    VOTE_DEPTH,
    Question,
    comparison_sides,
    is_follow_up,
    one_document_each,
    read_question,
    understand,
    voted_role,
)
from rag.retrieve import Hit, retrieve

log = logging.getLogger(__name__)

EVIDENCE = 40  # passages retrieved for a question: enough for the votes and for which-roles
NOT_COVERED = {
    "zh": "文章没有涉及这个问题:原文中找不到能回答它的内容。",
    "en": "The article does not cover this question: nothing in it answers it.",
}
SKIPPED = {
    "zh": "问题中的「{word}」只出现在文档「{source}」中,而这份文档没有被读取(没有识别出岗位章节),所以无法回答。",
    "en": "“{word}” appears only in the document {source}, which was not read (no role sections were found in it).",
}
NEAREST = {
    "zh": "文章中与它最接近的是「{where}」,可以问:「{question}」",
    "en": "The nearest thing the article covers is “{where}”; you could ask: “{question}”",
}
NO_SUCH_JOB = {
    "zh": "文章写的岗位里没有「{title}」。",
    "en": "None of the article's roles is a “{title}”. ",
}
ASKS_SELF = {
    "zh": "这要看你的经历:请到「求职匹配」页写下你的经历、技能和喜好,RoleGuide 会按文章推荐适合你的岗位。",
    "en": "That depends on you: describe your experience, skills and likes in the 求职匹配 (matching) tab and RoleGuide "
    "will suggest the roles of the article that suit you.",
}
FIELD_QUESTIONS = {
    "zh": {
        "职责职能": "{role}负责什么?",
        "KPI 指标": "{role}的KPI有哪些?",
        "目标动机": "{role}的目标是什么?",
        "运作手法": "{role}用哪些方法开展工作?",
        "影响分析": "{role}对个人发展和社会有什么影响?",
        "岗位描述": "{role}负责什么?",
    },
    "en": {
        "职责职能": "What does the {role} do?",
        "KPI 指标": "What are the {role}'s KPIs?",
        "目标动机": "What are the {role}'s goals?",
        "运作手法": "What methods does the {role} use?",
        "影响分析": "What impact does the {role} have on their career and on society?",
        "岗位描述": "What does the {role} do?",
    },
}


@dataclass(frozen=True)
class Answer:
    question: str
    covered: bool
    text: str  # sentences with [n] marks pointing into `citations` (1-based)
    citations: tuple[Citation, ...]
    lang: str
    roles: tuple[str, ...] = ()  # the roles the answer is about, in order (carried into follow-up questions)
    intent: str = "specific"  # list | specific | compare | which_roles | overview
    notice: str | None = None  # the question was truncated; the LLM answer was not used, and why
    segments: tuple[tuple[str, tuple[int, ...]], ...] = field(default=(), repr=False)  # (sentence, citation numbers)
    backend: str = "extractive"  # or the chat model that wrote the text, e.g. "openai:qwen2.5-7b-instruct"
    unsupported: tuple[str, ...] = ()  # generated sentences dropped by the grounding check (never in `text`)
    notice_zh: str | None = None  # `notice` for the Chinese UI


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
    q, evidence = scope_question(question, index, catalog, history=history)
    extractive, passages = _extract(q, evidence, index, catalog)
    if not extractive.covered:
        return extractive
    try:
        chat = model if model is not None else get_chat_model(index.settings)
    except LlmUnavailable as err:
        return replace(extractive, **_notice(q, str(err), "生成式模型不可用"))
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
            return replace(extractive, **_notice(q, f"{backend} did not answer within {timeout:g} s", f"{timeout:g} 秒内未回答"))
        return replace(extractive, **_notice(q, f"{backend} failed ({type(err).__name__}: {err})", "调用失败"))
    cited = [Passage(passage_label(p), p.quote) for p in passages]
    verdicts = check(text, cited, question=q.text, embeddings=cross_lingual)
    kept = [v for v in verdicts if v.supported]
    shown = {v.sentence for v in kept}  # a looping model repeats itself, sometimes once with marks, once without
    unsupported = tuple(dict.fromkeys(v.sentence for v in verdicts if not v.supported and v.sentence not in shown))
    if not kept:
        why = f"{backend} wrote nothing the article supports ({len(verdicts)} sentences checked)"
        return replace(extractive, **_notice(q, why, "生成的内容在原文中都找不到依据"), unsupported=unsupported)
    used = list(dict.fromkeys(n for v in kept for n in v.cited))  # passage numbers, renumbered 1.. in order of use
    segments = tuple((v.sentence, tuple(used.index(n) + 1 for n in v.cited)) for v in kept)
    citations = tuple(passages[n - 1] for n in used)
    roles = tuple(dict.fromkeys(c.role_key for c in citations if c.role_key)) or extractive.roles
    text = "\n".join(_render_segment(s, nums) for s, nums in segments)
    return replace(
        extractive, text=text, citations=citations, roles=roles, segments=segments, backend=backend, unsupported=unsupported
    )


def _notice(q: Question, why: str, why_zh: str) -> dict[str, str]:
    """`notice` and `notice_zh` saying why the LLM answer was not used (after the question's own notice, if any)."""
    note = f"the LLM answer was not used: {why}; this is the extractive answer"
    note_zh = f"未采用生成式模型的回答({why_zh}),以下是原文摘录。"
    return {
        "notice": f"{q.notice}; {note}" if q.notice else note,
        "notice_zh": f"{q.notice_zh}{note_zh}" if q.notice_zh else note_zh,
    }


def scope_question(
    question: str, index: Index, catalog: Catalog, *, history: Sequence[str] = ()
) -> tuple[Question, list[Hit]]:
    """The question read and settled against its evidence: roles (named, carried over or described), fields, intent."""
    q = read_question(question, catalog, history=history, max_chars=index.settings.max_question_chars)
    if not q.roles and history and is_follow_up(q.text):
        roles = _described_roles(history[-1], index, catalog)
        q = replace(q, roles=roles, named=bool(roles), follow_up=True)
    evidence = retrieve(q.text, index, k=EVIDENCE, roles=q.roles or None)
    q = one_document_each(q, evidence, catalog)
    if q.about_article:
        evidence = _in_part([h for h in evidence if h.chunk.role is None] or evidence, q.article_part, index)
    sides = comparison_sides(q.text) if q.intent == "compare" and len(q.roles) < 2 else []
    sides = [side for side in sides if not catalog.mentions(side)]  # a side that names its role is that role
    parts = [(side, retrieve(side, index, k=VOTE_DEPTH)) for side in sides]
    return understand(q, evidence, parts), evidence


def _in_part(evidence: list[Hit], part: str | None, index: Index) -> list[Hit]:
    """The evidence from the part of its document the question names: before the roles (opening), after them (end)."""
    if part is None:
        return evidence
    spans = {source: index.roles_span(source) for source in {h.chunk.source for h in evidence}}

    def inside(h: Hit) -> bool:
        span = spans[h.chunk.source]
        return span is not None and (h.chunk.end <= span[0] if part == "opening" else h.chunk.start >= span[1])

    return [h for h in evidence if inside(h)] or evidence


def _extract(q: Question, evidence: list[Hit], index: Index, catalog: Catalog) -> tuple[Answer, list[Citation]]:
    """The extractive answer and the passages it drew on (what a chat model is given to answer from)."""
    if q.asks_self and not q.roles:
        return _refusal(q, ASKS_SELF[_lang(q)]), []
    if skipped := skipped_document_asked(q, catalog):
        doc, word = skipped
        refused = _refusal(q, SKIPPED[_lang(q)].format(source=doc.source, word=word))
        return replace(refused, notice=f"{doc.source} was skipped: {doc.reason}"), []
    signals = coverage_signals(q, evidence, index, catalog)
    # a named role's whole field, overview or comparison is in the article by construction, and so is what a passage
    # says in the question's own words (which roles…, the article's navigation); a topic it never treats is not
    structural = not signals.topics and (
        (q.named and q.intent in ("list", "compare", "overview"))
        or ((q.intent == "which_roles" or q.about_article) and says_it(q, evidence, index, catalog))
        or (q.intent == "which_roles" and q.business_model is not None)  # the headings state each role's model
        # an English question's words cannot be found in a Chinese article's lines; what the article says of
        # itself (its conclusion, its navigation, whom it is for) is in it by construction, and so is what the part of
        # it a question names (开头, 结尾) says
        or (q.about_article and (q.lang != "zh" or q.article_part is not None))
    )
    if not evidence or not (structural or is_covered(signals, q.lang)):
        hint = _nearest(q, evidence)
        return _refusal(q, f"{NO_SUCH_JOB[_lang(q)].format(title=signals.title)}{hint}" if signals.title else hint), []
    made = compose(q, evidence, index, catalog)
    if not made.citations:
        return _refusal(q, _nearest(q, evidence)), []
    text = "\n".join(_render_segment(s, nums) for s, nums in made.segments)
    result = Answer(q.text, True, text, made.citations, q.lang, made.roles, made.intent, q.notice, made.segments)
    return replace(result, notice_zh=q.notice_zh), list(made.citations)  # a chat model answers from the extractive answer's own sources


def _described_roles(turn: str, index: Index, catalog: Catalog) -> tuple[str, ...]:
    """The roles an earlier turn was about, named or described (a follow-up keeps them)."""
    earlier = read_question(turn, catalog, max_chars=index.settings.max_question_chars)
    evidence = retrieve(earlier.text, index, k=EVIDENCE)
    # "who is the person that decides what I am shown?" asked for one role: the one its evidence votes for
    return understand(earlier, evidence).roles or voted_role(earlier, evidence)


def _refusal(q: Question, hint: str) -> Answer:
    lang = _lang(q)
    text = hint if hint == ASKS_SELF[lang] else " ".join(p for p in (NOT_COVERED[lang], hint) if p)
    return Answer(q.text, False, text, (), q.lang, q.roles, q.intent, q.notice, ((text, ()),), notice_zh=q.notice_zh)


def _nearest(q: Question, evidence: Sequence[Hit]) -> str:
    """What the article covers nearest to the question, as a follow-up question the user can ask."""
    best = next((h.chunk for h in evidence if h.chunk.role and h.chunk.field), None)
    if best is None:
        return ""
    lang = _lang(q)
    where = group_title(best).strip("【】")
    return NEAREST[lang].format(where=where, question=FIELD_QUESTIONS[lang].get(best.field, FIELD_QUESTIONS[lang]["职责职能"]).format(role=best.role))


def _lang(q: Question) -> str:
    return "zh" if q.lang == "zh" else "en"


def _render_segment(sentence: str, numbers: tuple[int, ...]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    return f"{sentence} {marks}".rstrip()
