"""Check each generated sentence against the passages it cites; what the passages do not support is dropped.

A sentence is supported when
- it carries at least one `[n]` mark and every mark names a passage that was given;
- every number in it (72小时, ≥95%, 30天, 三天, 每季度…) appears in one of its cited passages, comparator included
  (不低于95% and 95%以上 both read as ≥95%); so does every amount said in words — a share (一半, 三成, 三分之一,
  大部分, 少数), a totality (所有, 全部), a multiple (翻倍, 两倍) or an absolute (从不, 永远, 一律) — by meaning:
  半数 matches 一半 or 50%, 三成 matches 30%, 所有 matches 全部 (每一 and 每个 read as 每: 每一周 is 每周);
- it answers: it is no question, and does not mostly repeat the question (≥ `MAX_ECHO` of its 2-grams);
- most of its character 2-grams (CJK characters and Latin/digit words, punctuation and spaces ignored) occur in
  its cited quotes: recall ≥ `MIN_OVERLAP`, where 2-grams of the passages' labels (role, field) count neither
  way. A faithful paraphrase keeps the article's words; a sentence the model made up, one obeying an
  instruction injected into the question, or a passage's label echoed with words of its own, does not.
- a sentence mostly in Latin words (an answer to an English question) shares almost no characters with the
  article: it is compared by meaning instead, with a cross-lingual embedding model (USE multilingual) if given: cosine
  ≥ `MIN_SIMILARITY` to a cited quote (without its label: "采购经理 · KPI 指标" would lend any sentence about
  the role a similarity it has not earned). This check is weaker, so its threshold is set to keep none of the
  made-up cases, at the cost of dropping some faithful ones.
- it keeps the polarity of its cited quotes. Each negation (不, 没有, 无需, 未, 非, 并非, 禁止, 不得, 避免…, with a
  modal such as 需要/得/能 read into it) is taken with the content it negates, the units after it up to the next
  punctuation. A negation in the sentence must have one in the quotes whose content holds the sentence's first 3
  units (不得无理由拖期 is supported by 禁止无理由拖期; 不负责制定 is not supported by 负责制定); and a quote's negated
  content (its first 3 units) that the sentence repeats must be negated there too, unless the quotes also say it
  without one (无理由拖期 against 禁止无理由拖期 drops the 禁止). Words that only look negative (不断, 不仅, 不同, 非常, 未来, 无论) are no negations, and
  不低于95% is a comparator, read as ≥95% before this check. A sentence in Latin words is compared by meaning, which
  does not see polarity: one that negates (not, never, no, without, isn't…; "no more than" is a comparator) is
  dropped when none of its cited quotes has a negation.
The thresholds are calibrated on the cases in tests/test_grounding.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

MIN_OVERLAP = 0.5
MIN_SIMILARITY = 0.4
MAX_ECHO = 0.8  # share of a sentence's 2-grams found in the question above which it only repeats the question

_MARK = r"[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】]"
_MARKS = re.compile(_MARK)
_LEADING_MARKS = re.compile(rf"^(?:\s*{_MARK})+")
_SENTENCE = re.compile(rf"(?:[^。！？!?.\n]|\.(?=\d))+(?:[。！？!?.]+)?(?:[ \t]*{_MARK})*")
_SPACE_BEFORE_STOP = re.compile(r"\s+([。！？!?.,，;；:：、])")  # "… million [1]." → "… million."
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]|\d+[.、)]|[(（]\d+[)）])\s+|\*\*|__|^#+\s*", re.M)
_UNIT = r"(?:%|个工作日|个小时|小时|分钟|天|日|周|个月|月|年|次|倍|元|万元|万|亿|人|家|件|单|分)"
_NUM = r"\d+(?:\.\d+)?"
# Amounts in words, by what they mean (the key, never shown): a sentence's amount is supported by any word of its group.
_AMOUNT_WORDS = {
    "50%": ("一半", "半数", "二分之一"),
    "most": ("绝大多数", "绝大部分", "大多数", "大部分", "多数", "多半"),
    "few": ("极少数", "少数", "少部分", "小部分", "极个别", "个别"),
    "all": ("所有", "全部", "一切", "全体", "全都"),
    "2倍": ("翻一番", "翻倍", "加倍", "翻番", "两倍", "二倍"),
    "never": ("从来不", "从不", "从未", "永不"),
    "always": ("永远", "总是", "始终", "一律", "一概"),
}
_DIGIT = {d: str(i) for i, d in enumerate("零一二三四五六七八九")} | {"两": "2"}
_CN_NUM = "零一二两三四五六七八九十百千"
_TENTHS = r"(?<![统唯])[一二两三四五六七八九]成(?!本|员|功|果|交|长|熟|立|为|绩|就|品|型|效|分|单|年|人|形|套|批|不变)"
_WORD_AMOUNT = "|".join(sorted((w for words in _AMOUNT_WORDS.values() for w in words), key=len, reverse=True))
_NUMBER = re.compile(
    rf"[≥≤<>]?{_NUM}{_UNIT}?|[{_CN_NUM}]+(?:个工作日|个小时|小时|天|周|个月|倍|万元|元)"
    r"|每(?:个)?(?:小时|天|日|周|月|季度|年)|月度|季度|年度"  # how often: 每季度 is a number too
    rf"|[{_CN_NUM}\d]+分之[{_CN_NUM}\d]+|{_TENTHS}|{_WORD_AMOUNT}"  # how much, in words: 三分之一, 三成, 一半
)
_EACH = re.compile(r"每(?:一个?|个)")  # 每一周, 每个月: 每周, 每月
_AT_LEAST = re.compile(rf"(?:不低于|不少于|至少|大于等于|>=)({_NUM}{_UNIT}?)|({_NUM}{_UNIT}?)(?:及以上|以上)")
_AT_MOST = re.compile(rf"(?:不高于|不超过|至多|小于等于|<=)({_NUM}{_UNIT}?)|({_NUM}{_UNIT}?)(?:及以下|以下|以内)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[^\W_\u4e00-\u9fff]+")
_LONE_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")  # any space not between two Latin words
_SPACE = re.compile(r"\s+")
_UNITS = re.compile(rf"[\u4e00-\u9fff]|{_LATIN_WORD.pattern}|[^\w\s]+")  # spaces are skipped: "GMV 增长" reads as "GMV增长"
_NEGATOR = re.compile(
    r"(?:并没有|并非|并不|从不|从未|绝不|决不|禁止|严禁|杜绝|避免|防止|切勿|没有|无法|不|没|无|未|非|勿)"
    r"(?:需要|必要|需|须|必|要|用|会|能|可|应|得|该|是|曾|再)?"  # 不需要, 无需, 不得, 不是: one cue
)
_NOT_NEGATION = re.compile(r"不断|不仅|不只|不但|不光|不同(?!意)|不管(?!理)|不论|不少|不久|不妨|无论|无数|有无|非常|未来|除非")
_QUOTE_MARKS = re.compile(r"[“”‘’「」『』\"']")
_EN_COMPARATOR = re.compile(
    r"\b(?:no|not)\s+(?:more|less|fewer|later|earlier|longer|higher|lower|greater)\s+than\b"
    r"|\b(?:(?:must|should|does|do|will|may)\s+)?not\s+(?:exceed\w*|only|just)\b",
    re.IGNORECASE,
)  # "no more than 72 hours" says ≤, "not only" says also: no negation
_EN_NEGATION = re.compile(
    r"\b(?:(?:do|does|did|is|are|was|were|has|have|had|will|would|can|could|should|must|need|may|might)\s+not"
    r"|\w+n['’]t|cannot|never|no|none|nobody|nothing|neither|nor|without)\b",
    re.IGNORECASE,
)
_NEGATION_HEAD = 3  # units of a sentence's negated content that a quote's negated content must hold
_NEGATION_SPAN = 6  # units after a quote's negation that count as what it negates
_DROPPED_SPAN = 3  # units of a quote's negated content that, repeated without a negation, drop it
_NEGATION_REACH = 2  # units a sentence's negation may stand before its content (不得 再 无理由拖期)
_SHOWN = 4  # units of negated content a reason shows


@dataclass(frozen=True)
class Passage:
    """A numbered passage the model was given: where it is from (e.g. "采购经理 · KPI 指标") and its quote."""

    label: str  # naming the role is no evidence, nor a fault: its 2-grams count neither way
    quote: str


@dataclass(frozen=True)
class Verdict:
    sentence: str  # as generated, citation marks removed
    cited: tuple[int, ...]  # the passage numbers it cites (1-based), in order
    reason: str | None  # None when supported; else why it was dropped

    @property
    def supported(self) -> bool:
        return self.reason is None


def check(
    text: str, passages: Sequence[Passage], *, question: str = "", embeddings: Embeddings | None = None
) -> list[Verdict]:
    """A verdict for every sentence of the generated `text`, against the numbered `passages` (1-based).

    A sentence that asks, or that mostly repeats the `question`, is no answer (and never evidence: an instruction
    injected into the question stays in the question). `embeddings` (cross-lingual) is needed only for sentences
    mostly in Latin words; without it they are dropped.
    """
    return [
        Verdict(sentence, cited, _why_not(sentence, cited, passages, question, embeddings))
        for sentence, cited in split_sentences(text)
    ]


def split_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """(sentence without marks, the numbers it cites) for each sentence; marks after the full stop count too.

    Marks that open a sentence cite nothing: "[1] 采购经理 · KPI 指标: …" is the passage list echoed back.
    """
    plain = _LIST_MARKER.sub("", unicodedata.normalize("NFKC", text))
    found = []
    for match in _SENTENCE.finditer(plain):
        raw = _LEADING_MARKS.sub("", match.group())
        cited = tuple(dict.fromkeys(int(n) for mark in _MARKS.findall(raw) for n in re.findall(r"\d+", mark)))
        sentence = _SPACE_BEFORE_STOP.sub(r"\1", " ".join(_MARKS.sub("", raw).split()))
        if any(ch.isalnum() for ch in sentence):
            found.append((sentence, cited))
    return found


def overlap(sentence: str, quotes: Sequence[str], neutral: Sequence[str] = ()) -> float:
    """Share of the sentence's 2-grams (CJK characters, Latin/digit words) that occur in the quotes.

    2-grams of `neutral` text (the passages' labels: role and field names) count neither way, so
    "采购经理的KPI包括…" is not penalised for naming the role, and a label echoed back earns nothing. Both sides
    are read in canonical form: 不低于95% in the sentence matches 95%以上 in a quote.
    """
    known, free = _gram_set(quotes), _gram_set(neutral)
    grams = [g for g in _grams(_canonical(sentence)) if g not in free]
    return sum(g in known for g in grams) / len(grams) if grams else 0.0


def numbers(text: str) -> list[str]:
    """The numbers of a text with their unit and comparator, canonical (95%以上 → ≥95%)."""
    return _NUMBER.findall(_canonical(text))


def similarity(sentence: str, passages: Sequence[str], embeddings: Embeddings) -> float:
    """The best cosine similarity between the sentence and one of the passages."""
    vectors = np.asarray(embeddings.embed_documents([sentence, *passages]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return float(np.max(vectors[1:] @ vectors[0]))


def _why_not(
    sentence: str, cited: tuple[int, ...], passages: Sequence[Passage], question: str, embeddings: Embeddings | None
) -> str | None:
    """Why the passages it cites do not support the sentence, or None when they do."""
    if not cited:
        return "no citation"
    missing = [n for n in cited if not 1 <= n <= len(passages)]
    if missing:
        return f"cites {', '.join(f'[{n}]' for n in missing)}, which was not given"
    if sentence.rstrip().endswith(("?", "？")) or (question and overlap(sentence, [question]) >= MAX_ECHO):
        return "it asks or repeats the question instead of answering it"
    quotes = [passages[n - 1].quote for n in cited]
    wrong = _missing_numbers(sentence, quotes)
    if wrong:
        return f"{'、'.join(wrong)} is not in the cited passages"
    if len(_CJK.findall(sentence)) >= len(_LATIN_WORD.findall(_CJK.sub(" ", sentence))):  # read as Chinese
        score = overlap(sentence, quotes, [passages[n - 1].label for n in cited])
        if score < MIN_OVERLAP:
            return f"only {score:.0%} of it is in the cited passages"
        return _changed_polarity(sentence, quotes)
    if embeddings is None:
        return "not Chinese: it cannot be compared with the cited passages"
    negated = _english_negation(sentence, quotes)  # before the similarity, which does not see polarity
    if negated:
        return negated
    score = similarity(sentence, quotes, embeddings)
    return f"similarity {score:.2f} to the cited passages is below {MIN_SIMILARITY}" if score < MIN_SIMILARITY else None


def _missing_numbers(sentence: str, quotes: Sequence[str]) -> list[str]:
    """The sentence's numbers and amounts that no cited quote states, literally or (for amounts) by meaning."""
    canonical = "".join(_canonical(q) for q in quotes)
    stated = {_amount(n) for q in quotes for n in numbers(q)}
    return [
        n for n in numbers(sentence)
        if not re.search(rf"(?<![\d.]){re.escape(n)}", canonical) and _amount(n) not in stated
    ]  # fmt: skip


def _amount(number: str) -> str:
    """What a number means, so that words and digits can match: 半数 → 50%, 三成 → 30%, 所有 → all, 72小时 → itself."""
    group = next((meaning for meaning, words in _AMOUNT_WORDS.items() if number in words), None)
    if group:
        return group
    tenths = re.fullmatch(r"([一二两三四五六七八九])成", number)
    return f"{_DIGIT[tenths[1]]}0%" if tenths else number


def negations(text: str) -> list[str]:
    """Each negation of a text with the start of what it negates (its clause, up to `_SHOWN` units): 不负责制定."""
    units, found = _negations(text)
    return [_phrase(cue, units, at) for cue, at in found]


def _changed_polarity(sentence: str, quotes: Sequence[str]) -> str | None:
    """Why the sentence negates what its quotes affirm, or affirms what they negate; None when it keeps their polarity."""
    units, found = _negations(sentence)
    quoted = [_negations(q) for q in quotes]
    in_quotes = [(quote_units, cue, at) for quote_units, negs in quoted for cue, at in negs]
    negated = [_content(quote_units, at, _NEGATION_SPAN) for quote_units, _, at in in_quotes]
    for cue, at in found:
        if not any(_holds(content, _content(units, at, _NEGATION_HEAD)) for content in negated):
            return f"negation {_phrase(cue, units, at)} is not in the cited passages"
    for quote_units, cue, at in in_quotes:
        content = _content(quote_units, at, _DROPPED_SPAN)
        # what the quotes also say without a negation ("违规内容" beside "避免违规内容长期流通") is no reversal
        if len(content) > 1 and _affirms(units, found, content) and not any(_affirms(*q, content) for q in quoted):
            return f"it drops the negation {_phrase(cue, quote_units, at)} of the cited passages"
    return None


def _english_negation(sentence: str, quotes: Sequence[str]) -> str | None:
    """A sentence in Latin words that negates, citing quotes that negate nothing, says what they do not."""
    found = _EN_NEGATION.search(_EN_COMPARATOR.sub(" ", unicodedata.normalize("NFKC", sentence)))
    if found and not any(_negations(q)[1] for q in quotes):
        return f"negation “{found.group()}” is not in the cited passages"
    return None


def _negations(text: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The canonical text's units ("" for punctuation) and each negation: its cue, the unit its content starts at."""
    text = _QUOTE_MARKS.sub("", _canonical(text).lower())  # 避免“只冲销量”: what is avoided is inside the marks
    lexical = [m.span() for m in _NOT_NEGATION.finditer(text)]
    matches = list(_UNITS.finditer(text))
    unit_at = {m.start(): i for i, m in enumerate(matches)}
    units = [m.group() if m.group()[0].isalnum() else "" for m in matches]
    found = [
        (cue.group(), unit_at.get(cue.end(), len(units)))
        for cue in _NEGATOR.finditer(text)
        if not any(start <= cue.start() < end for start, end in lexical)
    ]
    return units, found


def _content(units: Sequence[str], at: int, most: int) -> tuple[str, ...]:
    """Up to `most` units from `at`, within the clause (punctuation ends it)."""
    clause: list[str] = []
    for unit in units[at : at + most]:
        if not unit:
            break
        clause.append(unit)
    return tuple(clause)


def _phrase(cue: str, units: Sequence[str], at: int) -> str:
    return cue + "".join(_content(units, at, _SHOWN))


def _holds(content: Sequence[str], part: Sequence[str]) -> bool:
    """Whether `part` is a run of `content` (an empty `part` is in any content)."""
    return any(tuple(content[i : i + len(part)]) == tuple(part) for i in range(len(content) - len(part) + 1))


def _affirms(units: Sequence[str], found: Sequence[tuple[str, int]], part: Sequence[str]) -> bool:
    """Whether `part` occurs in the units without a negation within `_NEGATION_REACH` units before it."""
    negated = {i for _, at in found for i in range(at, at + _NEGATION_REACH + 1)}
    starts = (i for i in range(len(units) - len(part) + 1) if tuple(units[i : i + len(part)]) == tuple(part))
    return any(i not in negated for i in starts)


def _canonical(text: str) -> str:
    """NFKC, spaces kept only between Latin words ("72 小时" → "72小时"), comparators as ≥ / ≤, 每一/每个 as 每."""
    text = _EACH.sub("每", _LONE_SPACE.sub("", _SPACE.sub(" ", unicodedata.normalize("NFKC", text))))
    text = _AT_LEAST.sub(lambda m: "≥" + (m.group(1) or m.group(2)), text)
    return _AT_MOST.sub(lambda m: "≤" + (m.group(1) or m.group(2)), text)


def _gram_set(texts: Sequence[str]) -> set[tuple[str, str]]:
    return set().union(*(_grams(_canonical(t)) for t in texts))


def _grams(text: str) -> list[tuple[str, str]]:
    """2-grams of CJK characters and Latin/digit words, within runs unbroken by punctuation."""
    grams: list[tuple[str, str]] = []
    run: list[str] = []
    for unit in _UNITS.findall(unicodedata.normalize("NFKC", text).lower()) + [" "]:
        if unit[0].isalnum():
            run.append(unit)
            continue
        grams += list(zip(run, run[1:])) if len(run) > 1 else [(u, "") for u in run]
        run = []
    return grams
