"""Question understanding: what a question asks about, read from its own form and from the evidence.

`read_question` cleans the text and finds what the question states itself: the roles it names, the fields
its words point to, its intent. `understand` then settles the scope with the retrieved passages: a question
that describes a role instead of naming it gets the roles its best passages vote for (by role and field,
weighted by score), and a question that names no field gets the field the evidence favours.

Intents are decided on the raw question by general question forms, in order (the first that holds wins):
follow-up → compare → which-roles → list → specific → overview, with `specific` the deliberate fallback
for a question with content and `overview` for a bare role name. Stop words are removed only for the
lexical side (`content_terms`), never before the intent is read: 哪些/全部/区别 are exactly the cues.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ingest.tables import tokenize
from rag.catalog import Catalog
from rag.lexicon import article_words, english_words

if TYPE_CHECKING:
    from rag.retrieve import Hit

Intent = Literal["list", "specific", "compare", "which_roles", "overview"]

# Where a job leads, asked as a direction ("以后能往哪些方向发展", "where can that lead"): the article says it in each
# role's 对自身 impact line (职业发展可向…延伸), or in another document's 发展通道.
_CAREER = (
    r"往[^,，。?？]{0,6}方向|方向发展|往哪[儿里]?(?:发展|走|升|跳)|以后能(?:干|做|去|升|转)|将来能|未来能|下一步|"
    r"\blead to\b|\bwhere (?:can|could|does|do|will|would)\b[^?]{0,40}\blead\b|\bnext step|\bmove up\b|"
    # a promotion in a shop is a sale (促销) unless it is someone's: get promoted, promotion prospects
    r"\bpromoted\b|\bpromotions? (?:to|prospects?|paths?|chances?|opportunit\w*)\b|\b(?:get|getting|earn|chances? of|career|job) (?:a )?promotion\b"
)

# The article's five fields and the 7.3.x roles' single body, each with the everyday words people use for it.
FIELD_CUES: dict[str, re.Pattern[str]] = {
    "职责职能": re.compile(
        r"职责|职能|负责|做什么|干什么|干啥|干嘛|做啥|做哪些|干哪些|管什么|管啥|管哪些|工作内容|日常|主要工作|分工|任务|活儿|"
        r"哪些活|什么活|干活|(?:干|做)的(?:活|事)|"
        r"\bduties\b|\bduty\b|responsib\w*|what (?:does|do) .* do\b|\btasks?\b|day[- ]to[- ]day|in charge of",
        re.I,
    ),
    "KPI 指标": re.compile(
        r"kpi|考核|指标|绩效|衡量|考评|评估|评价标准|达标|业绩|\bmetrics?\b|measured|\bperformance\b|evaluat\w*|assess|"
        r"\btargets?\b|\bjudged?\b|\b(?:rated|graded|scored|appraised)\b|\bscorecard|doing a good job",
        re.I,
    ),
    "目标动机": re.compile(
        r"目标|动机|追求|目的|图什么|图啥|图的(?:是)?(?:啥|什么)|动力|为了什么|为了啥|为的是|最终|\bgoals?\b|motivat\w*|\baim(?:s|ing)?\b|objective|purpose|strive|"
        r"ultimately|trying to (?:achieve|prevent|avoid)",
        re.I,
    ),
    "运作手法": re.compile(
        r"手法|方法|办法|策略|怎么做|如何做|做法|怎么开展|手段|打法|方式|怎么干|怎么搞|如何开展|如何推进|怎么推进|靠什么|几招|招数|妙招|套路|"
        r"技巧|窍门|路子|\bpractices\b|"
        r"\bmethods?\b|\btechniques?\b|"
        r"approach|strateg\w*|tactic|how (?:do|does) (?:they|he|she|it|a|an|the)\b.*\b(?:work|achieve|get|do|handle)",
        re.I,
    ),
    "影响分析": re.compile(
        r"影响|对社会|对自身|职业发展|发展方向|晋升|升到|升职|前景|前途|成长|出路|意义|贡献|压力|负面|弊端|坏处|好处|\bimpact|career|"
        rf"{_CAREER}|society|social(?!\s+(?:media|channels?|platforms?|networks?|apps?|posts?|commerce|selling|ads?)\b)|\btoll\b|stress|ethic|personally|downside|pressure|"
        r"\beffects?\b|growth|prospect",
        re.I,
    ),
    # fields other role documents have (a 岗位说明书's 任职资格 and 发展通道); a role without them keeps its own
    "任职资格": re.compile(r"任职|资格|能力要求|需要什么能力|要求什么|门槛|qualif\w*|requirement|\bskills? (?:needed|required)", re.I),
    "发展通道": re.compile(rf"发展通道|晋升|升到|升职|职业发展|发展方向|{_CAREER}|career path", re.I),
}

_COMPARE = re.compile(
    r"区别|不同|差异|差别|差在|差哪|相比|比较|对比|异同|不一样|一样吗|有何不同|哪个更|谁更|相较|区分|分工|两样|一回事|"
    r"\bvs\.?\b|versus|differ\w*|compar\w*|contrast\w*|distinguish\w*|\bseparates?\b|\bapart\b|\bunlike\b|similarit\w*|"
    r"\boverlap\w*|\bthe same (?:thing|job|role)\b|\bsplit (?:the |their )?(?:work|job|duties|tasks)\b|"
    r"\bdivi(?:de|sion of) (?:the )?(?:work|labou?r|duties)\b|\bwho does what\b",
    re.I,
)
# With two or more roles named, these ask about each of them: "X和Y各管什么", "X跟Y是啥关系", "谁管啥".
_EACH = re.compile(r"各自|各管|各干|各负责|分别|关系|谁管|谁负责|谁干|(?:怎么|咋|如何)分(?![析享])|\beach\b|\bboth\b|relationship|\brespectively\b", re.I)
_CLAUSE = re.compile(r"[,，;；:：]")
# Words that put two things side by side by themselves ("A vs B", "A还是B", "A相比B"): they join sides before 和/and do,
# since a side may hold an "and" of its own ("the one who negotiates and plans vs the one who vets goods").
_SIDE_BY_SIDE = re.compile(r"\bvs\.?(?=\s|$)|\bversus\b|还是|相比于?|比起|相较于?", re.I)
# "一个是…的,另一个是…的": each side said in a clause of its own
_ONE_AND_OTHER = re.compile(
    r"(?:^|[,，;；])\s*(?:一个|一种|一类|前者)(?:是|负责|管|做)?(?P<a>[^,，;；]{2,}?)\s*[,，;；]\s*"
    r"(?:另一个|另一种|另一类|另外一个|一个|后者)(?:是|负责|管|做)?(?P<b>[^,，;；。?？]{2,})"
)
# A side that describes a person rather than naming one: "搭推荐模型的人", "the person who vets goods"
_DESCRIBED_SIDE = re.compile(r"(?:的|的人|的那个|的那位|那个|那位|的岗|人|岗位?|老大|一把手|头头|负责人|总监|经理|主管|组长|专员|中层|高管)$|^(?:the |a )?(?:person|one|guy|people|team|folks?)\b", re.I)
_CONJUNCTION = re.compile(r"[和与跟及]|以及|\band\b|\bor\b", re.I)
# 、 and / enumerate within a phrase ("录入、复核货品的人"): they join sides only when nothing stronger does
_ENUMERATION = re.compile(r"[、/]")
# "…的人,和管…的人": a comma before the conjunction does not end the first side's clause
_COMMA_BEFORE_JOIN = re.compile(r"[,，]\s*(?=[和跟与]|以及|and\b|or\b)", re.I)
_JOIN = re.compile(r"[和与跟及、,，/]|还是|以及|\band\b|\bvs\.?\b|\bversus\b|\bor\b", re.I)
_ROLE_NOUN = r"(?:岗位|角色|职位|工种|部门|人|岗)"
_WHICH_ROLES = re.compile(
    rf"(?:哪些|哪个|哪几个|哪几类|哪类|什么|哪一个|哪种|哪几种)[^,，。?？!！的是要去来把按对拆分给]{{0,4}}?{_ROLE_NOUN}|{_ROLE_NOUN}[^,，。?？!！]{{0,4}}(?:有哪|是哪|有什么|都有谁)|"
    r"谁(?:负责|来|管|要|需要|会|在)|由谁|[都还]有谁|都是谁|"
    r"\b(?:which|what) (?:roles?|positions?|jobs?|people|teams?|functions?)\b|(?:^|[,.;:?!]\s*|\b(?:know|tell me|wondering|ask)\s+)who (?:is|are|handles?|does|owns?|takes?|looks?|needs?|has|have|uses?|must|should)\b",
    re.I,
)
# The singular and the plural of "which role": one role to name, or every role the article says it of.
# A described person (那个…的人, the person who…) is one role too, whatever word asks for it (是什么岗, who is).
_ONE_ASKED = re.compile(
    r"哪一?个|哪一?位|哪一种|那个|那位|这个人|这位|\bwhich (?:role|position|job|person|team|one)\b|\bwho is\b|\bthe (?:person|one|guy)\b",
    re.I,
)
_MANY_ASKED = re.compile(r"哪些|哪几|都有谁|都是谁|\bwhich (?:roles|positions|jobs|people|teams|ones)\b|\ball\b", re.I)
# The article itself rather than a role: its structure, opening, conclusion, author, navigation.
_ARTICLE = re.compile(
    r"文章|本文|这篇|全文|整篇|作者|开头|结尾|结语|导航|章节|\b(?:the|this) (?:article|author|piece|text|essay|post)\b|"
    r"\bconclusion\b|\bintroduction\b|\bchapters?\b|\bopening (?:part|section|overview|lines?|paragraphs?)\b",
    re.I,
)
# The part of the article a question points to: its opening (the lines before the first role) or its end (after the last)
_OPENING = re.compile(r"开头|开篇|前言|引言|导语|导读|开宗明义|\b(?:opening|intro(?:duction)?|beginning|at the start)\b", re.I)
_ENDING = re.compile(r"结尾|结语|结论|最后|末尾|收尾|总结|\b(?:conclusion|concluding|ending|at the end|closing|sums? up)\b", re.I)
# Who the article is for: a "who" that asks about its readers, not which role does something
_AUDIENCE = re.compile(r"(?:适合|写给|给)(?:谁|什么人|啥人|哪些人)|\bwho\b[^?.]*\b(?:for|aimed at)\b", re.I)
# Asking for a whole list in so many words (全部, 列出, every) … "几条/多少项" counts a list's items when it ends the
# clause or names one ("考核一共几条", "有几项指标"), and other things when it counts a noun ("一天回复多少条消息")
_COUNTS_ITEMS = r"(?:几|多少)[条项](?:(?![\u4e00-\u9fff])|(?=[呢吗啊呀吧]|指标|考核|职责|任务|目标|方法|手法|内容|工作|要求|kpi))"
# … but a count per period ("一天得审多少条", "每月几项") is of what gets done, a figure, not a list's length
_PER_PERIOD_COUNT = re.compile(r"(?:一|每)(?:天|日|周|星期|个?月|季度?|年)[^,，。;；?？!！]{0,8}?(?:几|多少)[条项]")
_WHOLE_LIST = re.compile(
    rf"全部|所有|列出|列一下|列举|罗列|逐条|一条不落|完整|清单|{_COUNTS_ITEMS}|"
    r"一共|总共|挨个|逐个|一一|别落|别漏|不漏|不落|漏掉|每一条|每一项|"
    r"\blist\b|\ball\b|\bevery\b|\benumerate\b|\bfull\b|\bcomplete\b",
    re.I,
)
# … or asking which items there are (哪些, what are its): a list of a field the question names ("考核有哪些"), or of
# the role itself; with content of its own and no field named ("会带来哪些环境问题") it asks for the items that say it.
_WHICH_ITEMS = re.compile(
    r"哪些|有哪几|都有|都包括|包括什么|包括哪|都要|都得|都[看考管干做查][啥什么哪]|what are (?:the|its|their|his|her)\b",
    re.I,
)
_LIST = re.compile(f"{_WHOLE_LIST.pattern}|{_WHICH_ITEMS.pattern}", re.I)
_DRAFT = re.compile(
    r"写|起草|拟|草拟|出一份|整理一份|jd\b|岗位说明|招聘启事|\bwrite\b|\bdraft\b|job description|job posting|job ad",
    re.I,
)
_SPECIFIC = re.compile(r"多少|多久|多长|几天|几个|几次|几|何时|什么时候|是否|能否|要不要|how (?:many|much|long|often|soon)|when\b", re.I)
_SELF = re.compile(r"我适合|适合我|我能做|我该做|我可以做|我应该选|suit me|fit me|should i (?:do|apply|choose)|am i suited", re.I)
_ANAPHORA = re.compile(
    r"它|他们|她|他|该岗位|这个岗位|这个角色|该角色|这一岗位|这岗|那个岗位|其|^那|那么|\bthis role\b|\bthat role\b|"
    r"\bthis job\b|\bthat job\b|\bit\b|\bthey\b|\bthem\b|\btheir\b|\bits\b|\bhe\b|\bshe\b",
    re.I,
)
# How senior the person asked about is, in everyday words; roles' own levels come from their titles.
# the head of a line of work (采购那边的头头, the boss of legal): its top role, whatever that role's rank
_HEAD_OF = r"一把手|老大|头儿|头头|负责人|领导|掌舵|最高|\bhead\b|\bboss\b|\bat the (?:very )?top\b"
_SENIOR = re.compile(rf"{_HEAD_OF}|总监|高管|\bdirector\b|\bchief\b|\bcmo\b", re.I)
_MIDDLE = re.compile(r"经理|主管|组长|中层|\bmanagers?\b|\bsupervisors?\b|\bteam leads?\b", re.I)
_JUNIOR = re.compile(
    r"新人|新手|初级|入门|一线|小兵|执行层|基层|助理|实习|应届|\bjunior\b|entry[- ]level|frontline|front-line|\bclerk\b|\bassistant\b",
    re.I,
)
_MODES = re.compile(r"直营.*平台|平台.*直营|direct.*(?:platform|marketplace)|(?:platform|marketplace).*direct", re.I)
# Which roles belong to a business model ("哪些岗位只有直营电商才有", "roles for marketplace e-commerce only", "两种模式
# 都适用的"): the article's headings state each role's model, so the answer is the roles whose heading says it.
_DIRECT = re.compile(r"直营|自营|\bdirect[- ]?(?:sales?|retail|to[- ]consumer)?\b|first[- ]party", re.I)
_PLATFORM = re.compile(r"平台型|平台电商|平台模式|入驻模式|开放平台|\bmarketplaces?\b|\bplatform(?:[- ]type|[- ]based)?\b", re.I)
_BOTH_MODELS = re.compile(r"通用|都适用|都能用|两种模式|两种电商|全模式|\bboth\b|\beither\b|\ball (?:models|types)\b|\bany (?:model|type)\b", re.I)
_BELONGS = re.compile(
    r"只有|只在|只存在|才有|才设|才会有|特有|专属|独有|仅|适用|通用|属于|\bonly\b|specific to|exclusive|unique to|\bappl(?:y|ies)\b|\bfits?\b|\bbelong|\bexists?\b|\blabel",
    re.I,
)
LEVEL_PRIOR = 2.0  # a role at the level the question describes gets its votes multiplied by this
TITLE_PRIOR = 4.0  # … and this too when the question also says the role's line of work (运营一把手, 带客服团队的主管)
# A role title is a line of work and a rank: 电商运营总监 = 运营 + 总监, 库存管理经理 = 库存(管理) + 经理
_TITLE_PARTS = re.compile(r"^(?:电商)?(?P<work>.{2,}?)(?:管理)?(?:总监|经理|主管|专员)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2060\ufeff]")
# Words that frame a question without saying what it is about; kept out of the lexical content only.
_FRAME = frozenset(
    "岗位 角色 职位 电商 工作 人员 公司 企业 需要 主要 具体 介绍 说说 讲讲 一下 文章 这个 那个 区别 不同 相比 比较 "
    "异同 分别 各自 哪个 哪些 谁 全部 所有 列出 一下 帮 我 你 写 起草 一份 平时 日常 一般 通常 到底 究竟 呢 吗 啥 "
    "怎么样 咋样 怎样 如何 为什么 为啥 什么 今天 明天 昨天 现在 最近 那边 这边 那位 这位 "
    "job role roles position article company e-commerce ecommerce please tell me about list all every".split()
)

VOTE_DEPTH = 12  # the best fused passages that vote for a described role
# votes, in units of the best passage's score, for the one role whose passages use a word of the question (set on dev:
# 2 to 3 score alike); told from at least OWNER_DEPTH passages, as a comparison side's VOTE_DEPTH are too few to
OWNED_WORD_VOTE, OWNER_DEPTH = 2.5, 20


class EmptyQuestion(ValueError):
    """The question has no text once whitespace and control characters are removed."""

    def __init__(self) -> None:
        super().__init__("the question is empty: type a question about the article's roles")


@dataclass(frozen=True)
class Question:
    """A question as the answerer reads it: cleaned text and what its own words say."""

    text: str
    lang: str
    roles: tuple[str, ...]  # named in the question, or carried over from the conversation for a follow-up
    fields: tuple[str, ...]  # fields its words point to, in the article's order
    intent: Intent
    named: bool  # the roles were named (in the question or the conversation), not inferred from evidence
    about_article: bool  # asks about the article itself (its structure, opening, conclusion), no role named
    follow_up: bool
    asks_self: bool  # "我适合做什么": a matching question, not one for the article
    notice: str | None  # the question was truncated (English, as `ask --json` reports it)
    notice_zh: str | None = None  # the same for the Chinese UI
    business_model: str | None = None  # a which-roles question about the model itself: 直营 | 平台型 | 通用

    @property
    def article_part(self) -> Literal["opening", "ending"] | None:
        """The part of the article an article question points to (开头, the conclusion), when it names one."""
        if not self.about_article:
            return None
        opening, ending = bool(_OPENING.search(self.text)), bool(_ENDING.search(self.text))
        return "opening" if opening and not ending else "ending" if ending and not opening else None


def read_question(
    raw: str,
    catalog: Catalog,
    *,
    history: Sequence[str] = (),
    max_chars: int = 2000,
) -> Question:
    """Clean the question and read what it states itself: roles, fields, intent (roles from history for a follow-up)."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", raw or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if not any(ch.isalnum() for ch in text):
        raise EmptyQuestion()
    notice = notice_zh = None
    if len(text) > max_chars:
        notice = f"the question was {len(text)} characters long; only the first {max_chars} were read"
        notice_zh = f"问题共 {len(text)} 个字符,只读取了前 {max_chars} 个。"
        text = text[:max_chars]
    lang = detect_lang(text)
    roles = tuple(catalog.mentions(text))
    follow_up = False
    if not roles and history and is_follow_up(text):
        roles = next((tuple(found) for turn in reversed(history) if (found := catalog.mentions(turn))), ())
        follow_up = True
    fields = fields_asked(_without_role_names(text, catalog))  # "performance marketing specialist" asks no KPI
    intent = _intent(text, roles, fields, content_terms(text, catalog))
    return Question(
        text=text,
        lang=lang,
        roles=roles,
        fields=fields,
        intent=intent,
        named=bool(roles),
        about_article=not roles and bool(_ARTICLE.search(text)) and not (_WHICH_ROLES.search(text) and not _AUDIENCE.search(text)),
        follow_up=follow_up,
        asks_self=bool(_SELF.search(text)),
        notice=notice,
        notice_zh=notice_zh,
        business_model=business_model_asked(text) if intent == "which_roles" else None,
    )


def business_model_asked(text: str) -> str | None:
    """The business model a question asks the roles of (直营, 平台型, or 通用 for both), when it asks which roles
    belong to it ("只有…才有", "适用", "only"), not what the roles do there."""
    if not _BELONGS.search(text):
        return None
    direct, platform = bool(_DIRECT.search(text)), bool(_PLATFORM.search(text))
    if _BOTH_MODELS.search(text) or (direct and platform):
        return "通用" if direct or platform or "通用" in text else None
    return "直营" if direct else "平台型" if platform else None


def understand(q: Question, evidence: Sequence[Hit], parts: Sequence[tuple[str, Sequence[Hit]]] = ()) -> Question:
    """Settle roles, fields and intent with the retrieved passages (best first): pure, no I/O.

    `parts` holds each side of a comparison that names fewer than two roles ("管仓库的和管采购的有啥区别") with its
    own evidence, (side, hits) per side: each side votes for its own role."""
    roles, fields, intent = q.roles, q.fields, q.intent
    if q.about_article:
        return replace(q, intent="specific", fields=())
    level = _level_asked(q.text)
    if intent == "compare" and len(roles) < 2 and parts:
        roles = _side_roles(roles, parts, fields, level)
    if not roles and intent != "which_roles":
        roles = _voted_roles(evidence, q.fields, 2 if intent == "compare" else 1, level, q.text)
    if intent == "compare" and len(roles) < 2:
        intent = "list" if _LIST.search(q.text) and fields else "specific"
    if not fields and intent == "list" and roles:
        fields = _voted_fields(evidence, roles)
    if intent == "list" and not fields:
        intent = "specific"
    return replace(q, roles=roles, fields=fields, intent=intent)


def one_document_each(q: Question, evidence: Sequence[Hit], catalog: Catalog) -> Question:
    """A role name that several documents use, named without saying which document: for a specific question, the
    role of the document whose passage ranks first in the evidence. A whole field or an overview is given for each
    document's role, and a comparison of that name alone compares the documents' roles ("两份文档的采购员有什么不同")."""
    by_name: dict[str, list[str]] = {}
    for key in q.roles:
        by_name.setdefault(catalog.entries[key].name, []).append(key)
    if all(len(keys) == 1 for keys in by_name.values()) or q.intent in ("list", "overview"):
        return q
    if q.intent == "compare" and len(by_name) == 1:
        return q
    ranked = [h.chunk.role_key for h in evidence]
    best = {name: min(keys, key=lambda k: ranked.index(k) if k in ranked else len(ranked)) for name, keys in by_name.items()}
    return replace(q, roles=tuple(k for k in q.roles if best[catalog.entries[k].name] == k))


def fields_asked(text: str) -> tuple[str, ...]:
    """The fields a question's words point to, in the article's order; a JD request means the duties."""
    fields = tuple(name for name, cue in FIELD_CUES.items() if cue.search(text))
    if not fields and _DRAFT.search(text):
        fields = ("职责职能",)
    return fields


def detect_lang(text: str) -> str:
    """'zh' when the text contains Chinese characters, else 'en' (any other language is searched the same way)."""
    return "zh" if _CJK.search(text) else "en"


def is_follow_up(text: str) -> bool:
    """A short question, or one that points back ("那它的KPI呢", "what about its goals")."""
    short = len(text) <= 14 if detect_lang(text) == "zh" else len(text.split()) <= 7
    return short or bool(_ANAPHORA.search(text))


def content_terms(text: str, catalog: Catalog, idf: Mapping[str, float] | None = None) -> list[str]:
    """The question's own content words: what is left after role names, field cues and framing words.

    With the article's `idf`, the English words are given as the article's words for them (`rag.lexicon`)."""
    lowered = _without_role_names(text, catalog)
    # the rank of the person asked about (老大, 头儿, 主管, head) says whom it is about, as a role name does, not what
    for cue in (*FIELD_CUES.values(), _COMPARE, _WHICH_ROLES, _LIST, _DRAFT, _SPECIFIC, _SENIOR, _MIDDLE):
        lowered = cue.sub(" ", lowered)
    if idf is not None and not _CJK.search(lowered):  # English: by the article's words for its own
        return [t for t in article_words(english_words(lowered), idf, _FRAME) if t not in _FRAME and not t.isdigit()]
    # a lone Chinese character is nearly always a function word (里, 按, 得, 跟); it says nothing of the content
    return list(
        dict.fromkeys(t for t in tokenize(lowered, whole_words=True) if t not in _FRAME and not t.isdigit() and not (len(t) == 1 and _CJK.match(t)))
    )


def _without_role_names(text: str, catalog: Catalog) -> str:
    """The text lower-cased, with every role name and alias in it blanked out."""
    lowered = text.lower()
    for alias in sorted(catalog.aliases, key=lambda a: (-len(a), a)):
        pattern = rf"\b{re.escape(alias)}\b" if alias.isascii() else re.escape(alias)
        lowered = re.sub(pattern, " ", lowered)
    return lowered


def comparison_sides(text: str) -> list[str]:
    """The two (or three) things a comparison puts side by side: "A和B有啥区别" → ["A", "B"].

    The sides are joined by a conjunction within one clause: "做投放的跟写文案的,工作重点有啥不一样" compares two,
    and the clause after the comma ("工作重点…", "这俩岗位…") is no third side."""
    if pair := _ONE_AND_OTHER.search(text):
        return [pair["a"].strip(), pair["b"].strip()]
    cue = next((m for m in _COMPARE.finditer(text) if not _SIDE_BY_SIDE.fullmatch(m.group())), None)
    body = _COMMA_BEFORE_JOIN.sub(" ", text[: cue.start()] if cue else text)
    for clause in _CLAUSE.split(body):
        for joiner in (_SIDE_BY_SIDE, _CONJUNCTION, _ENUMERATION):
            sides = [s.strip() for s in joiner.split(clause) if s and len(s.strip()) >= 2]
            if len(sides) >= 2:
                return sides[:3]
    sides = [s.strip() for s in _JOIN.split(body) if s and len(s.strip()) >= 2]
    return sides[:3] if len(sides) >= 2 else []


def role_level(name: str) -> int:
    """A role's level from its title, as the article's ladders use it: 总监 3, 经理/主管/管理 2, the rest 1."""
    if "总监" in name:
        return 3
    return 2 if re.search(r"经理|主管|管理", name) else 1


def _level_asked(text: str) -> int | None:
    """The level of the person asked about: the last level word the question uses ("把总监定的战略落地的那个经理" asks
    about a 经理), None without one."""
    found = [(m.end(), level) for level, cue in ((3, _SENIOR), (2, _MIDDLE), (1, _JUNIOR)) for m in cue.finditer(text)]
    return max(found)[1] if found else None


def _intent(text: str, roles: Sequence[str], fields: Sequence[str], terms: Sequence[str]) -> Intent:
    """`terms` are the question's content words: none besides a named role and a field is a request for that field
    ("采购经理的KPI", "purchasing manager KPI"); at most one and no field, for the role itself ("介绍一下采购经理")."""
    # "直营和平台型有啥不同" compares the article's two business models within a role, not two roles
    between_roles = len(roles) >= 2 or not _MODES.search(text)
    if between_roles and (
        (_COMPARE.search(text) and (len(roles) != 1 or _JOIN.search(text)))
        or (len(roles) >= 2 and _EACH.search(text))
        or (not roles and _EACH.search(text) and sum(bool(_DESCRIBED_SIDE.search(s)) for s in comparison_sides(text)) >= 2)
    ):
        return "compare"
    if not roles and _WHICH_ROLES.search(text):
        # "是哪个岗位在管" asks to name one role (the evidence's), "哪些岗位…" for every role that does it
        return "specific" if _ONE_ASKED.search(text) and not _MANY_ASKED.search(text) else "which_roles"
    bare = roles and not _SPECIFIC.search(text)
    which_items = _WHICH_ITEMS.search(text) and (fields or len(terms) <= 1)
    if _WHOLE_LIST.search(_PER_PERIOD_COUNT.sub(" ", text)) or which_items or (_DRAFT.search(text) and fields) or (bare and fields and not terms):
        return "list"
    if bare and not fields and len(terms) <= 1:
        return "overview"
    return "specific"


def voted_role(q: Question, evidence: Sequence[Hit]) -> tuple[str, ...]:
    """The one role the question's best passages vote for (its level words weighing in), whatever its intent."""
    return _voted_roles(evidence, q.fields, 1, _level_asked(q.text), q.text)


def _voted_roles(
    evidence: Sequence[Hit], fields: Sequence[str], wanted: int, level: int | None = None, text: str = ""
) -> tuple[str, ...]:
    """The `wanted` roles the best passages vote for, weighted by fused score: the asked fields' passages count
    double, and roles at the level the question describes (一把手, 新人) count `LEVEL_PRIOR` times, `TITLE_PRIOR`
    more when `text` also says their line of work (a role of the evidence below the voting passages then votes
    with its best passage)."""
    votes: dict[str, float] = {}
    for hit in evidence[:VOTE_DEPTH]:
        if role := hit.chunk.role_key:
            weight = (2.0 if hit.chunk.field in fields else 1.0) * (LEVEL_PRIOR if role_level(hit.chunk.role or "") == level else 1.0)
            votes[role] = votes.get(role, 0.0) + weight * hit.score
    if evidence and len(evidence) >= OWNER_DEPTH:
        for key, words in _owned_words(evidence, text).items():
            votes[key] = votes.get(key, 0.0) + OWNED_WORD_VOTE * evidence[0].score * words
    for key, score in _titled(evidence, level, text).items():
        votes[key] = votes.get(key, LEVEL_PRIOR * score) * TITLE_PRIOR
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(name for name, _ in ranked[:wanted])


def _owned_words(evidence: Sequence[Hit], text: str) -> dict[str, int]:
    """Roles that alone among the retrieved passages use a word of the question ("投京东快车的那个人": only 电商推广专员's
    passages say 京东快车), each with the number of such words: a word one role owns says which role is meant more
    plainly than many passages of a role that speaks of everything around it."""
    owned: dict[str, int] = {}
    for word in {t for t in tokenize(text, whole_words=True) if len(t) >= 2 and _CJK.search(t)}:
        users = {h.chunk.role_key for h in evidence if word in h.chunk.text}
        if len(users) == 1 and (key := users.pop()) is not None:
            owned[key] = owned.get(key, 0) + 1
    return owned


def _titled(evidence: Sequence[Hit], level: int | None, text: str) -> dict[str, float]:
    """Roles of the evidence whose title the text spells out in parts: its line of work and a word of its level
    ("运营一把手" → 电商运营总监), each with its best passage's score. The head of a line of work is its top role
    ("采购那边的头头" → 采购经理, the article having no 采购总监)."""
    if level is None:
        return {}
    lines: dict[str, tuple[int | None, float]] = {}
    for hit in evidence:
        role, key = hit.chunk.role or "", hit.chunk.role_key
        parts = _TITLE_PARTS.match(role)
        if key and key not in lines and parts and parts["work"] in text:
            lines[key] = (role_level(role), hit.score)
    if level == 3 and re.search(_HEAD_OF, text, re.I):
        level = max((rank for rank, _ in lines.values() if rank), default=level)
    return {key: score for key, (rank, score) in lines.items() if rank == level}


def _side_roles(
    named: Sequence[str], parts: Sequence[tuple[str, Sequence[Hit]]], fields: Sequence[str], level: int | None
) -> tuple[str, ...]:
    """One role per side of a comparison that names no role (`parts`), after the roles named: the best-voted role of
    that side that no other side has taken. When a side says its own level ("一线录入的人" and "管整个团队的人"),
    each side is voted at its own level, not at the last level word of the whole question."""
    chosen = list(named)
    own_levels = any(_level_asked(text) for text, _ in parts)
    for text, side in parts:
        ranked = _voted_roles(side, fields, 3, _level_asked(text) if own_levels else level, text)
        pick = next((r for r in ranked if r not in chosen), None)
        if pick:
            chosen.append(pick)
    return tuple(chosen)


def _voted_fields(evidence: Sequence[Hit], roles: Sequence[str]) -> tuple[str, ...]:
    """The field the best passages of the chosen roles fall in (by fused score); () when they name none."""
    votes: dict[str, float] = {}
    for hit in evidence[:VOTE_DEPTH]:
        if hit.chunk.role_key in roles and hit.chunk.field:
            votes[hit.chunk.field] = votes.get(hit.chunk.field, 0.0) + hit.score
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    return (ranked[0][0],) if ranked else ()
