"""Check each generated sentence against the passages it cites; what the passages do not support is dropped.

A sentence is supported when
- it carries at least one `[n]` mark and every mark names a passage that was given;
- every number in it (72小时, ≥95%, 30天, 三天, 每季度…) appears in one of its cited passages, comparator included
  (不低于95% and 95%以上 both read as ≥95%);
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
_NUMBER = re.compile(
    rf"[≥≤<>]?{_NUM}{_UNIT}?|[零一二两三四五六七八九十百千]+(?:个工作日|个小时|小时|天|周|个月|倍|万元|元)"
    r"|每(?:个)?(?:小时|天|日|周|月|季度|年)|月度|季度|年度"  # how often: 每季度 is a number too
)
_AT_LEAST = re.compile(rf"(?:不低于|不少于|至少|大于等于|>=)({_NUM}{_UNIT}?)|({_NUM}{_UNIT}?)(?:及以上|以上)")
_AT_MOST = re.compile(rf"(?:不高于|不超过|至多|小于等于|<=)({_NUM}{_UNIT}?)|({_NUM}{_UNIT}?)(?:及以下|以下|以内)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[^\W_\u4e00-\u9fff]+")
_LONE_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")  # any space not between two Latin words
_SPACE = re.compile(r"\s+")
_UNITS = re.compile(rf"[\u4e00-\u9fff]|{_LATIN_WORD.pattern}|[^\w\s]+")  # spaces are skipped: "GMV 增长" reads as "GMV增长"


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
    canonical = "".join(_canonical(q) for q in quotes)
    wrong = [n for n in numbers(sentence) if not re.search(rf"(?<![\d.]){re.escape(n)}", canonical)]
    if wrong:
        return f"{'、'.join(wrong)} is not in the cited passages"
    if len(_CJK.findall(sentence)) >= len(_LATIN_WORD.findall(_CJK.sub(" ", sentence))):  # read as Chinese
        score = overlap(sentence, quotes, [passages[n - 1].label for n in cited])
        return f"only {score:.0%} of it is in the cited passages" if score < MIN_OVERLAP else None
    if embeddings is None:
        return "not Chinese: it cannot be compared with the cited passages"
    score = similarity(sentence, quotes, embeddings)
    return f"similarity {score:.2f} to the cited passages is below {MIN_SIMILARITY}" if score < MIN_SIMILARITY else None


def _canonical(text: str) -> str:
    """NFKC, spaces kept only between Latin words ("72 小时" → "72小时"), comparators as ≥ / ≤."""
    text = _LONE_SPACE.sub("", _SPACE.sub(" ", unicodedata.normalize("NFKC", text)))
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
