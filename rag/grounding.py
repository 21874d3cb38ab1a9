"""Check each generated sentence against the passages it cites; what the passages do not support is dropped.

A sentence is supported when
- it carries at least one `[n]` mark and every mark names a passage that was given;
- every number in it (72小时, ≥95%, 30天, 三天, 每季度…) appears in one of its cited passages, comparator included
  (不低于95% and 95%以上 both read as ≥95%);
- most of its character 2-grams (CJK characters and Latin/digit words, punctuation and spaces ignored) occur in
  its cited passages: recall ≥ `MIN_OVERLAP`, calibrated on tests/test_grounding.py. A faithful paraphrase
  keeps the article's words; a sentence the model made up, or one obeying an instruction injected into the
  question, does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_OVERLAP = 0.5

_MARK = r"[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】]"
_MARKS = re.compile(_MARK)
_SENTENCE = re.compile(rf"(?:[^。！？!?.\n]|\.(?=\d))+(?:[。！？!?.]+)?(?:[ \t]*{_MARK})*")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]|\d+[.、)]|[(（]\d+[)）])\s+|\*\*|__|^#+\s*", re.M)
_UNIT = r"(?:%|个工作日|个小时|小时|分钟|天|日|周|个月|月|年|次|倍|元|万元|万|亿|人|家|件|单|分)"
_NUM = r"\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"[≥≤<>]?{_NUM}{_UNIT}?|[零一二两三四五六七八九十百千]+(?:个工作日|个小时|小时|天|周|个月|倍|万元|元)"
    r"|每(?:个)?(?:小时|天|日|周|月|季度|年)|月度|季度|年度"  # how often: 每季度 is a number too
)
_AT_LEAST = re.compile(rf"(?:不低于|不少于|至少|大于等于|>=)({_NUM}{_UNIT}?)|({_NUM}{_UNIT}?)(?:及以上|以上)")
_AT_MOST = re.compile(rf"(?:不高于|不超过|至多|小于等于|<=)({_NUM}{_UNIT}?)|({_NUM}{_UNIT}?)(?:及以下|以下|以内)")
_UNITS = re.compile(r"[\u4e00-\u9fff]|[^\W_\u4e00-\u9fff]+|[^\w\s]+")  # spaces are skipped: "GMV 增长" reads as "GMV增长"


@dataclass(frozen=True)
class Verdict:
    sentence: str  # as generated, citation marks removed
    cited: tuple[int, ...]  # the passage numbers it cites (1-based), in order
    reason: str | None  # None when supported; else why it was dropped

    @property
    def supported(self) -> bool:
        return self.reason is None


def check(text: str, passages: Sequence[str]) -> list[Verdict]:
    """A verdict for every sentence of the generated `text`, against the numbered `passages` (1-based)."""
    return [_judge(sentence, cited, passages) for sentence, cited in split_sentences(text)]


def split_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """(sentence without marks, the numbers it cites) for each sentence; marks after the full stop count too."""
    plain = _LIST_MARKER.sub("", unicodedata.normalize("NFKC", text))
    found = []
    for match in _SENTENCE.finditer(plain):
        raw = match.group()
        cited = tuple(dict.fromkeys(int(n) for mark in _MARKS.findall(raw) for n in re.findall(r"\d+", mark)))
        sentence = " ".join(_MARKS.sub("", raw).split())
        if any(ch.isalnum() for ch in sentence):
            found.append((sentence, cited))
    return found


def overlap(sentence: str, passages: Sequence[str]) -> float:
    """Share of the sentence's 2-grams (CJK characters, Latin/digit words) that occur in the passages.

    Both sides are read in canonical form, so 不低于95% in the sentence matches 95%以上 in a passage.
    """
    grams = _grams(_canonical(sentence))
    if not grams:
        return 0.0
    known = set().union(*(_grams(_canonical(p)) for p in passages))
    return sum(g in known for g in grams) / len(grams)


def numbers(text: str) -> list[str]:
    """The numbers of a text with their unit and comparator, canonical (95%以上 → ≥95%)."""
    return _NUMBER.findall(_canonical(text))


def _judge(sentence: str, cited: tuple[int, ...], passages: Sequence[str]) -> Verdict:
    if not cited:
        return Verdict(sentence, cited, "no citation")
    missing = [n for n in cited if not 1 <= n <= len(passages)]
    if missing:
        return Verdict(sentence, cited, f"cites {', '.join(f'[{n}]' for n in missing)}, which was not given")
    quotes = [passages[n - 1] for n in cited]
    canonical = "".join(_canonical(q) for q in quotes)
    wrong = [n for n in numbers(sentence) if not re.search(rf"(?<![\d.]){re.escape(n)}", canonical)]
    if wrong:
        return Verdict(sentence, cited, f"{'、'.join(wrong)} is not in the cited passages")
    score = overlap(sentence, quotes)
    if score < MIN_OVERLAP:
        return Verdict(sentence, cited, f"only {score:.0%} of it is in the cited passages")
    return Verdict(sentence, cited, None)


def _canonical(text: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", text).split())
    text = _AT_LEAST.sub(lambda m: "≥" + (m.group(1) or m.group(2)), text)
    return _AT_MOST.sub(lambda m: "≤" + (m.group(1) or m.group(2)), text)


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
