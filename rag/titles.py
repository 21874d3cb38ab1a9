"""Job titles a question names that the article does not describe ("电商公司的美工…", "a product photographer").

A question that names no role of the article but names a job by its title asks about that job. When the title is
none of the roles' names or aliases and is far in meaning from every one of them (USE, across languages), the
article does not describe the job, however close its passages are to the rest of the question: "摄影师一般怎么
考核" is not answered by 作品评审专员's KPIs. A title close to a role ("程序员" and 开发工程师, "warehouse clerk" and
inventory clerk) is that role described, and is left to the vote. So is a question that describes its person apart
from any title ("管仓库的人跟快递员…", "the person who runs the warehouse … the driver"): the title there is whom that
person deals with, and the article may well say how.

A title is recognised by its head, the word that makes a phrase a job: in Chinese a word ending in a job suffix
(…员, …师, …专员, …经理, …主管, …总监 and the like) that the article never uses; in English a job noun (designer,
clerk, driver, …) ending its phrase, with up to three words before it ("customs declaration clerk").
"""

from __future__ import annotations

import re

import jieba
import numpy as np

from ingest.index import Index
from rag.abilities import unit_rows
from rag.catalog import Catalog
from rag.question import Question
from rag.retrieve import query_vector

SPACE = "use"  # the cross-lingual space: a title in one language is compared with role names in both
NEAR_A_ROLE = 0.58  # cosine at which a title is a role's (set on the dev split: 程序员 0.60, 摄影师 0.47, ui designer 0.56)

# title heads jieba cuts on their own: the word before one (关务 + 专员) says which job; 那个/这个/的 say nothing
_ZH_HEADS = ("专员", "经理", "主管", "总监", "主任", "助理", "顾问", "编辑")
_ZH_HEAD = re.compile("|".join(_ZH_HEADS))
_ZH_TITLE = re.compile(rf"[\u4e00-\u9fff]{{0,6}}(?:员|师|主播|{'|'.join(_ZH_HEADS)})")
_ZH_NOT_MODIFIER = re.compile(r".*(?:的|个|位|名)$")
# people in general, not a job: 员工 and 会员 end in a title suffix too
_ZH_PEOPLE = frozenset({"员工", "人员", "工作人员", "成员", "职员", "新员工", "老员工", "会员", "店员", "老师", "同事"})
_EN_HEADS = frozenset(
    "accountant administrator agent analyst architect assistant associate attorney auditor bookkeeper broker buyer "
    "cashier clerk consultant coordinator copywriter counsel courier creator designer developer director driver "
    "editor engineer executive host influencer intern lawyer manager marketer moderator officer operator packer "
    "photographer picker planner programmer receptionist recruiter rep representative reviewer scientist secretary "
    "specialist streamer strategist stylist supervisor technician tester trainer translator videographer worker "
    "writer".split()
)
# words that end a title's modifiers: a title is the nouns right before its head ("an ecommerce packaging designer")
_EN_BEFORE = frozenset(
    "a an the of for at in on to our my your their his her its this that these those who whom what which whose does do "
    "did is are was were be and or with as like about from by into e-commerce ecommerce online shop store".split()
)
_DESCRIBED_PERSON = re.compile(
    r"的人|那个人|那位|那个岗|的岗位?|\b(?:the|a|an) (?:person|people|one|team|folks?|guy|staff)\b (?:who|that|in charge)|\bsomeone (?:who|that)\b",
    re.I,
)
_EN_WORD = re.compile(r"[a-z][a-z'-]*|[^\sa-z]")


def undescribed_title(q: Question, index: Index, catalog: Catalog) -> str | None:
    """The job title the question asks about when the article describes no such job, else None."""
    if q.named or SPACE not in index.stores or _DESCRIBED_PERSON.search(q.text):
        return None
    titles = _zh_titles(q.text, catalog) if q.lang == "zh" else _en_titles(q.text)
    if not titles:  # most questions: no model is run, the role names are not embedded
        return None
    embeddings, names = index.embeddings(SPACE), _name_vectors(index, catalog)
    for words, joiner in titles:
        variants = [joiner.join(words[i:]) for i in range(len(words))]  # "customs broker", "broker"
        if any(v.lower() in catalog.aliases or v.lower() in catalog.shared for v in variants):
            continue
        nearest = max(float((names @ query_vector(embeddings, v)).max()) for v in variants)
        if nearest < NEAR_A_ROLE:
            return variants[0]
    return None


def _zh_titles(text: str, catalog: Catalog) -> list[tuple[list[str], str]]:
    words = jieba.lcut(text)
    titles = []
    for n, word in enumerate(words):
        if _ZH_HEAD.fullmatch(word):  # 关务 / 专员
            before = words[n - 1] if n else ""
            word = before + word if re.fullmatch(r"[\u4e00-\u9fff]{2,}", before) and not _ZH_NOT_MODIFIER.match(before) else ""
        if len(word) >= 2 and _ZH_TITLE.fullmatch(word) and word not in _ZH_PEOPLE and word not in catalog.text:
            titles.append(([word], ""))
    return titles


def _en_titles(text: str) -> list[tuple[list[str], str]]:
    words = _EN_WORD.findall(text.lower())
    titles = []
    for n, word in enumerate(words):
        head = word if word in _EN_HEADS else word.removesuffix("s")
        after = words[n + 1] if n + 1 < len(words) else ""
        if head not in _EN_HEADS or (after.endswith("s") and after not in _EN_BEFORE):
            continue  # a head before a plural noun is its modifier ("influencer videos"); before a verb it may be too
        start = n
        while start > 0 and n - start < 3 and words[start - 1][:1].isalpha() and words[start - 1] not in _EN_BEFORE:
            start -= 1
        titles.append(([*words[start:n], head], " "))
    return titles


_NAMES: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}


def _name_vectors(index: Index, catalog: Catalog) -> np.ndarray:
    """Unit vectors of every role name and alias, once per index build and catalog."""
    names = tuple(sorted(set(catalog.aliases) | set(catalog.shared)))
    key = (index.build_id, names)
    if key not in _NAMES:
        _NAMES[key] = unit_rows(np.asarray(index.embeddings(SPACE).embed_documents(names), dtype=np.float32))
    return _NAMES[key]
