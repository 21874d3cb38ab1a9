"""Whether the article covers a question, from calibrated signals rather than from words it happens to lack.

A question is about the article when its best passages are close to it in meaning (dense similarity) and
hold what it asks about (the share of its content-term weight, by the article's own IDF, that the best
passages contain). It is not, whatever the similarity, when it asks about a topic a role article never
treats — pay, working hours, education and certificates, location, headcount, interviews, named companies —
and the best passages do not speak of that topic either (HR's 薪酬福利管理 duty is about pay and is covered).
Nor when it asks for a figure that no retrieved passage gives of the kind asked: a count of what it counts, a
time, a frequency or a share ("一天审多少条" is not answered by 短视频≤2小时).

The signals are combined by a logistic model fitted on the dev split of `evals/` (`python -m evals
--calibrate`), one per language, its weights and threshold kept in `rag/calibration.json`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.corpus import Skipped
from ingest.index import Index
from rag.catalog import Catalog
from rag.lexicon import FUNCTION_WORDS, article_words
from rag.question import Question, content_terms
from rag.retrieve import Hit, query_vector
from rag.titles import undescribed_title

CALIBRATION = Path(__file__).with_name("calibration.json")
BEST_PASSAGES = 3

# Topics an article on what roles do never covers; a question about one is covered only when the passages
# it retrieves speak of the topic themselves.
TOPICS_NOT_COVERED: dict[str, re.Pattern[str]] = {
    "薪酬待遇": re.compile(
        r"工资|薪资|薪水|薪酬|月薪|年薪|底薪|待遇|奖金|提成|年终奖|分红|挣多少|赚多少|拿多少|多少钱|赚钱|五险一金|公积金|"
        r"salary|salaries|\bpay\b|(?:get|gets|be|are|is|were|was|being) (?:\w+ )?paid\b|\bpaid (?:well|much|monthly|per|by)\b|wages?\b|bonus|"
        r"commission|\bearn|compensation|how much (?:do|does|can|could|will|would) [^?]{0,40}\bmake\b|\bmake (?:a|per) (?:month|year)\b",
        re.I,
    ),
    "工作时间与用工条件": re.compile(
        r"上班|下班|加班|双休|单休|大小周|996|作息|几点|工作时长|几天班|每天几个小时|一天几个小时|倒班|夜班|年假|请假|试用期|"
        r"overtime|working hours|work hours|hours (?:a|per) (?:day|week)|weekends?\b|\bshifts? work|night shifts?|\bshift work|vacation|annual leave|"
        r"days off|probation",
        re.I,
    ),
    "学历证书": re.compile(
        r"学历|本科|硕士|研究生|博士|大专|专科|什么专业|专业要求|专业毕业|系毕业|科班|证书|资格证|执业证|从业证|上岗证|考证|考个\S{0,4}证|(?:什么|啥|哪些|哪个)证|文凭|"
        r"法考|司法考试|[A-Za-z]{2,}证|"
        r"\bdegree|diploma|certificat|licen[cs]e|\bmajor\b|bachelor|master'?s",
        re.I,
    ),
    "年龄性别": re.compile(r"年龄|年纪|岁数|\d+岁|男生|女生|男的|女的|性别|\bage\b|how old|gender", re.I),
    "工作地点": re.compile(
        r"城市|在哪上班|在哪里上班|工作地点|办公地点|哪个城市|北京|上海|广州|深圳|杭州|成都|南京|武汉|西安|苏州|重庆|天津|"
        r"\bcity\b|\bcities\b|location|relocat|remote|beijing|shanghai|guangzhou|shenzhen|hangzhou",
        re.I,
    ),
    "招聘人数": re.compile(
        r"招多少人|招几个|编制|名额|招聘人数|多少个人|多少人|几个人|配几个|配多少|几个(?:\S{0,4})(?:师|员|专员|人)|"
        r"带(?:多少|几)个|手(?:底)?下(?:有|带|管)?(?:多少|几)|团队(?:有)?(?:多大|多少|几)|"
        r"headcount|how many (?:people|staff|employees|workers|members|lawyers|analysts|engineers|reps)\b",
        re.I,
    ),
    "面试": re.compile(r"面试|笔试|面经|interview", re.I),
    # which vendor or brand: the article names kinds of systems (WMS) and channels, never whose product to pick
    "具体产品": re.compile(r"哪家的|哪家公司的|哪个牌子|什么牌子|啥牌子|哪个品牌的|哪款|哪个厂商|哪家厂商|\bwhich (?:vendor|brand)s?\b|\bwhat brand\b", re.I),
    "具体公司": re.compile(
        r"淘宝|天猫|京东|拼多多|抖音|快手|亚马逊|阿里巴巴|阿里|腾讯|美团|唯品会|小红书|得物|"
        r"amazon|alibaba|taobao|tmall|jd\.com|pinduoduo|shopee|ebay|walmart|tiktok|shopify",
        re.I,
    ),
}


# A question that asks for a figure (how many, how often, what share) is answered only by a passage that gives one:
# digits, or a count or a period in words (每季度, 三步法). With none among the passages retrieved, the article does
# not give that figure, however close the passages are in meaning.
_ASKS_FIGURE = re.compile(
    r"多少(?!种|类|方面)|多久|多长时间|多大|几(?:个|家|条|场|次|天|周|月|年|人|名|位|成)|百分之几|比例是?多少|频率|"
    r"how (?:many|much|long|often)\b|what (?:percentage|share|ratio|proportion)\b",
    re.I,
)
_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千]+(?:个|次|天|周|月|年|小时|分钟|项|家|条|人|步|级|倍|成)|每(?:天|日|周|月|季度|年)|半年")
# Nor is it answered by a figure of another kind: "一天得审多少条" is not answered by 短视频≤2小时, "多久更新一次" not by
# 35%. Each kind of figure a question can ask for, with the figures that give it.
_NUMERAL = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千半]+)"
_TIME_UNIT = r"(?:个)?(?:小时|天|日|工作日|周|星期|月|年|分钟|秒|季度)"
_FIGURE_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (  # a time: how long, how soon, within what time
        re.compile(
            rf"多久|多长时间|多快|(?:几|多少){_TIME_UNIT}|how (?:long|fast|soon|quickly)\b|within what time|"
            r"how many (?:hours|days|weeks|months|years|minutes)\b",
            re.I,
        ),
        re.compile(rf"{_NUMERAL}\s*{_TIME_UNIT}|每(?:天|日|周|月|季度|年)|Q\d|季度|半年", re.I),
    ),
    (  # a frequency
        re.compile(r"频率|几次|多少次|how (?:often|frequently)\b|how many times\b", re.I),
        re.compile(rf"{_NUMERAL}\s*次|每(?:天|日|周|月|季度|年)|定期"),
    ),
    (  # a share
        re.compile(r"百分之几|比例|占比|几成|百分比|多少%|what (?:percent|percentage|share|ratio|proportion)\b", re.I),
        re.compile(r"\d\s*%|百分之|[一二三四五六七八九]成"),
    ),
)
# a count of things by their measure word (几家, 多少条): given by a numeral with the same measure word (3家以上)
_ASKS_COUNT = re.compile(r"(?:几|多少)(?:个)?([家条场款篇单件本张项])")
# an English count of a noun ("how many suppliers"): given by a figure beside one of the article's words for it
_ASKS_COUNT_EN = re.compile(r"\bhow many (?:[a-z/-]+ ){0,2}?([a-z/-]+s)\b", re.I)
# (3家以上供应商, or after the noun with its measure word: 商家数≥100家)
_MEASURE = "[个家名位条款件篇场项单本张]"
_BESIDE = r"[^,，。;；:：]{0,8}"
_NOT_COUNTED = frozenset("hours days weeks months years minutes seconds times".split()) | FUNCTION_WORDS  # a time; a verb
FIGURE_NOT_GIVEN = "具体数字"
# A Chinese question's choice between two things named in Latin letters ("学Python还是Java"): when the article uses
# neither name, it cannot say which.
_NAMED_CHOICE = re.compile(r"(?<![A-Za-z])([A-Za-z][A-Za-z0-9+#]{1,})\s*(?:还是|或者|或是|\bor\b)\s*([A-Za-z][A-Za-z0-9+#]{1,})", re.I)
NAMED_CHOICE = "文中未提的名称"  # a language, a framework or a product: whatever the two names are
UNDESCRIBED_JOB = "文中没有的岗位"  # a job asked about by a title that is none of the article's roles (rag.titles)


# A company the article names in passing (抖音 as a channel) is covered only where the best passages speak of it.
NAMED_ONLY = frozenset({"具体公司"})


@dataclass(frozen=True)
class CoverageSignals:
    similarity: float  # best cosine between the question and its top passages (e5; USE for a question not in Chinese)
    content: float  # share of the question's content-term weight found in its best passages (1.0 with no terms)
    known: float  # share of that weight made of words the article uses at all (1.0 with no terms)
    named: bool  # the question names a role (or the conversation did)
    topics: tuple[str, ...]  # topics the article never covers that the question asks about and the passages lack
    title: str | None = None  # the job title asked about that the article does not describe (a topic too)

    def features(self) -> list[float]:
        return [self.similarity, self.content, self.known, float(self.named)]


def coverage_signals(q: Question, evidence: Sequence[Hit], index: Index, catalog: Catalog) -> CoverageSignals:
    """The signals for one question and the passages retrieved for it (best first)."""
    best = evidence[:BEST_PASSAGES]
    passages = " ".join(h.chunk.embed_text.lower() for h in best)
    terms = content_terms(q.text, catalog)
    weights = {t: index.idf.get(t, _unseen_idf(index)) for t in terms}
    total = sum(weights.values())
    content = sum(w for t, w in weights.items() if t in passages) / total if total else 1.0
    known = sum(w for t, w in weights.items() if t in index.idf) / total if total else 1.0
    retrieved = " ".join(h.chunk.text.lower() for h in evidence)
    topics = tuple(
        name
        for name, cue in TOPICS_NOT_COVERED.items()
        if (m := cue.search(q.text))
        and not (_named_in_context(m.group().lower(), terms, passages, evidence) if name in NAMED_ONLY else m.group().lower() in retrieved)
    )
    # a list's count is the length of the list it asks for (KPI一共几条?全部列出来), a figure it need not find
    if q.intent not in ("list", "which_roles") and _figure_not_given(q.text, retrieved, index):
        topics += (FIGURE_NOT_GIVEN,)
    if q.lang == "zh" and any(a.lower() not in catalog.text and b.lower() not in catalog.text for a, b in _NAMED_CHOICE.findall(q.text)):
        topics += (NAMED_CHOICE,)
    if title := undescribed_title(q, index, catalog):
        topics += (UNDESCRIBED_JOB,)
    similarity = _similarity(q, best, index)
    return CoverageSignals(round(similarity, 6), round(content, 6), round(known, 6), q.named, topics, title)


def _named_in_context(name: str, terms: Sequence[str], passages: str, evidence: Sequence[Hit]) -> bool:
    """Whether the passages speak of a company the question names: the best ones, or any retrieved passage that names
    it beside another of the question's words ("投京东快车的人" is answered by "淘宝直通车、京东快车"; "京东618的满减
    规则" is not, by a passage that names 京东 only as an ad channel)."""
    others = [t for t in terms if len(t) >= 2 and name not in t and t not in name]
    return name in passages or any(
        name in text and any(t in text for t in others) for text in (h.chunk.text.lower() for h in evidence)
    )


def _figure_not_given(question: str, retrieved: str, index: Index) -> bool:
    """Whether the question asks for a figure that no retrieved passage gives (of any kind, or of the kind asked)."""
    if not _ASKS_FIGURE.search(question):
        return False
    wanted = [given for asked, given in _FIGURE_KINDS if asked.search(question)]
    wanted += [re.compile(rf"{_NUMERAL}\s*(?:多|余)?\s*(?:个)?{m.group(1)}") for m in _ASKS_COUNT.finditer(question)]
    for counted in {m.group(1).lower() for m in _ASKS_COUNT_EN.finditer(question)} - _NOT_COUNTED:
        words = "|".join(re.escape(w) for w in article_words([counted], index.idf) if w in index.idf)
        if not words:
            return True  # the article has no word for what is counted, so it gives no count of it
        wanted.append(re.compile(rf"\d{_MEASURE}?(?:以上|以内|余|多)?(?:{words})|(?:{words}){_BESIDE}\d\s*{_MEASURE}", re.I))
    return not _FIGURE.search(retrieved) or any(not given.search(retrieved) for given in wanted)


def _similarity(q: Question, best: Sequence[Hit], index: Index) -> float:
    """The best passages' closeness to the question: e5's cosine for Chinese; for another language USE's, which
    tells a question about the article from one about anything else more plainly across languages than e5 does
    (e5 puts nearly every English question at 0.75–0.85 from every Chinese passage)."""
    if q.lang == "zh" or "use" not in index.stores or not best:
        return max((h.similarity for h in best), default=0.0)
    query = query_vector(index.embeddings("use"), q.text)
    passages = index.unit_vectors["use"][[index.chunks.row(h.chunk.id) for h in best]]
    return float((passages @ query).max())


def skipped_document_asked(q: Question, catalog: Catalog) -> tuple[Skipped, str] | None:
    """A corpus file that was skipped (no roles found in it) and the word of the question only it holds: a question
    about that file must not be answered from another document as if covered. The word is one of the question's
    content words, or the file's own name."""
    readable = [s for s in catalog.skipped if s.text]
    if not readable:
        return None
    lowered = q.text.lower()
    terms = [t for t in content_terms(q.text, catalog) if len(t) >= 2]
    for doc in readable:
        stem = Path(doc.source).stem.lower()
        if len(stem) >= 2 and stem in lowered:
            return doc, Path(doc.source).name
        text = doc.text.lower()
        only_there = next((t for t in terms if t in text and t not in catalog.text), None)
        if only_there:
            return doc, only_there
    return None


def is_covered(signals: CoverageSignals, lang: str) -> bool:
    """The calibrated decision: a topic the article never covers refuses; else the fitted model decides."""
    if signals.topics:
        return False
    model = calibration().get("zh" if lang == "zh" else "en")
    if model is None:
        return True
    z = model["bias"] + sum(w * x for w, x in zip(model["weights"], signals.features()))
    return 1.0 / (1.0 + math.exp(-z)) >= model["threshold"]


@cache
def calibration() -> dict:
    """The fitted models by language ({"weights", "bias", "threshold"}); empty when none was fitted."""
    if not CALIBRATION.is_file():
        return {}
    return json.loads(CALIBRATION.read_text(encoding="utf-8"))


def _unseen_idf(index: Index) -> float:
    """A word the article never uses weighs as much as its rarest word."""
    return max(index.idf.values(), default=1.0)


def lexical_share(text: str, terms: Sequence[str], index: Index) -> float:
    """Share of the IDF weight of the terms the article uses that `text` contains (does a passage say it?).
    A term the article never uses cannot be said by any passage, so it weighs nothing here."""
    weights = {t: index.idf[t] for t in terms if t in index.idf}
    total = sum(weights.values())
    lowered = text.lower()
    return sum(w for t, w in weights.items() if t in lowered) / total if total else 0.0

