"""rag.answer: extractive answers with exact citations, whole-field lists, follow-ups, refusals, bad input."""

from __future__ import annotations

import pytest

from rag.answer import answer
from rag.question import EmptyQuestion


def _verified(result, text: str) -> bool:
    return all(text[c.start : c.end] == c.quote for c in result.citations)


def test_kpi_question_lists_every_kpi_item_with_its_citation(seed_index, catalog, seed_text):
    result = answer("采购经理的KPI有哪些?", seed_index, catalog)
    assert result.covered
    assert [(c.role, c.field) for c in result.citations] == [("采购经理", "KPI 指标")] * 5
    assert [c.quote.split(":")[0] for c in result.citations] == [
        "采购成本节约率", "采购订单准时交付率", "采购商品合格率", "供应商绩效评分", "采购计划达成率",
    ]  # fmt: skip
    assert _verified(result, seed_text)
    assert all(f"[{n}]" in result.text for n in range(1, 6))


def test_specific_question_quotes_the_sentence_that_answers_it(seed_index, catalog, seed_text):
    result = answer("商家合规专员收到投诉后多久要完成调查?", seed_index, catalog)
    assert (result.covered, result.citations[0].role, result.citations[0].field) == (True, "商家合规专员", "运作手法")
    assert "72小时内完成投诉调查" in result.citations[0].quote
    assert _verified(result, seed_text)


def test_repeated_paragraph_is_cited_under_the_role_asked_about(seed_index, catalog):
    question = "{}需要按谁的选品规划制定采购计划?"
    assert {c.role for c in answer(question.format("采购经理"), seed_index, catalog).citations} == {"采购经理"}
    assert {c.role for c in answer(question.format("电商运营经理"), seed_index, catalog).citations} == {"电商运营经理"}


def test_follow_up_stays_on_the_role_under_discussion(seed_index, catalog):
    first = answer("库存专员主要负责什么?", seed_index, catalog)
    follow = answer("那它的KPI呢?", seed_index, catalog, history=["库存专员主要负责什么?"])
    assert first.roles == ("库存专员",)
    assert {(c.role, c.field) for c in follow.citations} == {("库存专员", "KPI 指标")}
    assert len(follow.citations) == 5


def test_comparison_answers_both_roles(seed_index, catalog):
    result = answer("采购经理和采购员有什么区别?", seed_index, catalog)
    assert [c.role for c in result.citations if c.field == "职责职能"] == ["采购经理", "采购员"]


def test_english_question_gets_chinese_passages_with_an_english_frame(seed_index, catalog, seed_text):
    result = answer("What KPIs is a purchasing manager measured on?", seed_index, catalog)
    assert result.covered and result.lang == "en"
    assert result.text.startswith("The article (in Chinese)")
    assert {c.role for c in result.citations} == {"采购经理"}
    assert _verified(result, seed_text)


@pytest.mark.parametrize(
    "question",
    [
        "电商运营总监的年薪一般多少?", "采购员需要什么学历?", "今天上海天气怎么样?", "红烧肉怎么做才好吃?",
        "营销总监的年终奖一般发几个月?", "电商法务总监手下一般有几个律师?", "做法务专员要先过法考吗?", "做采购员要考啥证?",
    ],  # fmt: skip
)
def test_questions_the_article_does_not_cover_are_refused_plainly(seed_index, catalog, question):
    result = answer(question, seed_index, catalog)
    assert (result.covered, result.citations) == (False, ())
    assert result.text.startswith("文章没有涉及")


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x07"])
def test_empty_question_is_a_clear_error(seed_index, catalog, question):
    with pytest.raises(EmptyQuestion, match="empty"):
        answer(question, seed_index, catalog)


def test_very_long_question_is_truncated_with_a_notice(seed_index, catalog, seed_text):
    result = answer("采购经理的KPI有哪些?" + "啊" * 20_000, seed_index, catalog)
    assert "only the first 2000" in result.notice
    assert _verified(result, seed_text)


def test_control_characters_are_ignored(seed_index, catalog):
    plain = answer("采购经理的KPI有哪些?", seed_index, catalog)
    noisy = answer("采购经理\x00的KPI\x1b有哪些?", seed_index, catalog)
    assert noisy.citations == plain.citations


def test_a_list_asked_in_everyday_words_gets_the_whole_field(seed_index, catalog):
    result = answer("请把采购经理的考核项目全部列出来", seed_index, catalog)
    assert (result.intent, result.roles) == ("list", ("采购经理",))
    assert [c.quote.split(":")[0] for c in result.citations] == [
        "采购成本节约率", "采购订单准时交付率", "采购商品合格率", "供应商绩效评分", "采购计划达成率",
    ]  # fmt: skip


def test_a_jd_request_lists_every_duty_of_the_role(seed_index, catalog, seed_article):
    result = answer("帮我写一下库存专员的岗位职责", seed_index, catalog)
    duties = next(s for s in seed_article.roles if s.name == "库存专员").field("职责职能")
    assert result.intent == "list"
    assert [c.node_id for c in result.citations] == [i.id for i in duties.items if i.kind != "lead"]


def test_a_role_described_instead_of_named_is_found_by_its_evidence(seed_index, catalog):
    result = answer("管仓库进出货、盘点的那个一线岗位负责什么?", seed_index, catalog)
    assert result.covered and result.citations[0].role == "库存专员"


def test_the_short_roles_are_answered_from_their_description(seed_index, catalog):
    for role in ("仓储主管", "用户运营专员"):
        result = answer(f"{role}负责什么?", seed_index, catalog)
        assert result.covered and {(c.role, c.field) for c in result.citations} == {(role, "岗位描述")}


def test_a_comparison_names_both_roles_and_cites_each(seed_index, catalog):
    result = answer("采购经理跟采购员各管什么?", seed_index, catalog)
    assert (result.intent, result.roles) == ("compare", ("采购经理", "采购员"))
    assert [c.role for c in result.citations if c.field is None] == ["采购经理", "采购员"]  # each role's heading


def test_which_roles_lists_each_role_with_the_sentence_that_says_it(seed_index, catalog):
    result = answer("哪些岗位需要和供应商打交道?", seed_index, catalog)
    assert result.intent == "which_roles"
    assert {"采购员", "采购经理", "供应链总监"} <= set(result.roles)
    assert all("供应商" in c.quote for c in result.citations)


def test_a_described_person_asked_who_they_are_is_one_role(seed_index, catalog):
    result = answer("Who is the person that tunes what the marketplace's home page recommends to each shopper?", seed_index, catalog)
    assert (result.intent, result.roles) == ("specific", ("算法推荐工程师",))


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("采购那边的头头主要干啥?", "采购经理"),  # the article's top 采购 role: it has no 采购总监
        ("the boss of the legal department: what are they measured on?", "电商法务总监"),
    ],
)
def test_the_head_of_a_line_of_work_is_its_top_role(seed_index, catalog, question, role):
    result = answer(question, seed_index, catalog)
    assert result.covered and result.roles[0] == role


def test_a_word_only_one_role_uses_names_that_role_and_a_company_named_beside_it_is_covered(seed_index, catalog):
    # 京东快车 is in 电商推广专员's passage alone ("淘宝直通车、京东快车"), and the article names 京东 only as a channel
    result = answer("投京东快车的那个人,广告投出去以后要看哪些数据?", seed_index, catalog)
    assert result.covered and result.roles[0] == "电商推广专员"
    assert {c.role for c in result.citations} == {"电商推广专员"}
    assert not answer("京东双11的跨店满减门槛定多少?", seed_index, catalog).covered  # a 京东 rule the article never gives


def test_a_refusal_points_to_what_the_article_covers_nearest(seed_index, catalog):
    result = answer("采购员工资多少?", seed_index, catalog)
    assert (result.covered, result.citations) == (False, ())
    assert "可以问:「采购员" in result.text


def test_asking_what_suits_me_points_to_matching(seed_index, catalog):
    result = answer("我适合做什么岗位?", seed_index, catalog)
    assert not result.covered and "求职匹配" in result.text


def test_a_topic_the_article_never_covers_is_covered_where_the_article_speaks_of_it(seed_index, catalog):
    result = answer("人力资源管理在薪酬方面做什么?", seed_index, catalog)
    assert result.covered and "薪酬" in result.text


def test_a_question_about_the_articles_navigation_gets_the_list_the_label_introduces(seed_index, catalog, seed_text):
    result = answer("这篇文章分了哪几个部分?导航里写了啥", seed_index, catalog)
    assert result.covered and result.citations[0].quote == "【文章导航】"
    listed = [c.quote for c in result.citations[1:7]]
    assert [q.split(".")[0] for q in listed] == ["1", "2", "3", "4", "5", "6"] and listed[-1].startswith("6. 法务岗")
    assert all(seed_text[c.start : c.end] == c.quote for c in result.citations)


def test_which_one_role_with_words_between_names_that_role(seed_index, catalog):
    result = answer("哪个合规岗位要查税务申报和资金流转?", seed_index, catalog)
    assert result.intent == "specific" and result.roles[0] == result.citations[0].role == "合规风控专员"


def test_an_off_topic_english_question_is_refused(seed_index, catalog):
    assert not answer("How do I bake sourdough bread at home?", seed_index, catalog).covered
    assert not answer("How are copywriters paid at an online shop?", seed_index, catalog).covered
    assert answer("What does the warehouse supervisor do?", seed_index, catalog).covered


def test_a_comparison_of_two_described_roles_ends_at_the_clause_that_joins_them(seed_index, catalog):
    result = answer("管进货谈价格的和管仓库库存的,这俩岗位差在哪?", seed_index, catalog)
    assert result.intent == "compare" and len(result.roles) == 2 and result.roles[0] == "采购经理"
    named_one = answer("做广告投放的跟写文案的,工作重点有什么不一样", seed_index, catalog)  # 文案 names a role
    assert named_one.intent == "compare" and set(named_one.roles) == {"电商文案策划", "电商推广专员"}


@pytest.mark.parametrize(
    "question",
    [
        "电商客服主管手底下管多少客服?",  # team size
        "算法推荐工程师写代码用Go还是Rust?",  # a choice between names the article never uses
        "库存专员用的WMS是哪个牌子的?",  # the article names the kind of system, not whose
    ],
)
def test_a_team_size_or_a_name_the_article_does_not_give_is_not_covered(seed_index, catalog, question):
    result = answer(question, seed_index, catalog)
    assert (result.covered, result.citations) == (False, ())


def test_a_figure_the_article_gives_and_a_choice_between_names_it_uses_are_covered(seed_index, catalog):
    timed = answer("商家合规专员收到投诉后多久要完成调查?", seed_index, catalog)
    assert timed.covered and "72小时内完成投诉调查" in timed.text
    assert answer("电商运营总监更看重ROI还是GMV?", seed_index, catalog).covered  # the article uses ROI


@pytest.mark.parametrize(
    "question",
    [
        "作品评审专员一个班要看完多少条视频?",  # a count of 条: the role's figures are times (短视频≤2小时)
        "库存专员盘点时抽检比例一般定多少?",  # a share
        "How many merchants does a merchant operations manager look after?",  # its figures count times, not merchants
    ],
)
def test_a_figure_of_another_kind_than_the_one_asked_is_not_an_answer(seed_index, catalog, question):
    result = answer(question, seed_index, catalog)
    assert (result.covered, result.citations) == (False, ())


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("采购经理挑供应商时至少要比较几家的报价?", "对比3家以上供应商报价"),
        ("How many suppliers' quotes should the purchasing manager compare at least?", "对比3家以上供应商报价"),
        ("库存专员发现库存对不上,最晚多长时间内得报上去?", "24小时内上报"),
    ],
)
def test_a_figure_of_the_kind_asked_is_answered(seed_index, catalog, question, figure):
    result = answer(question, seed_index, catalog)
    assert result.covered and figure in result.text


def test_which_items_with_content_of_its_own_quotes_the_items_that_say_it(seed_index, catalog):
    result = answer("电商物流会带来哪些环境方面的问题?", seed_index, catalog)
    assert result.intent == "specific" and "能源消耗和环境污染" in result.text.split("\n")[1]


def test_a_comparison_on_one_matter_quotes_what_each_role_says_of_it(seed_index, catalog):
    result = answer("库存专员和仓储主管在盘点上有啥不一样?", seed_index, catalog)
    assert (result.intent, result.roles) == ("compare", ("库存专员", "仓储主管"))
    assert "盘点配合:盘点前整理库存" in result.text  # 库存专员's method for stocktakes, not only its first duties


def test_a_question_that_names_a_field_reads_that_fields_passages(seed_index, catalog):
    result = answer("What toll can running the customer support team take on the person?", seed_index, catalog)
    assert result.roles[0] == "电商客服主管" and "注重员工关怀和心理健康" in result.text  # its 影响分析


def test_a_question_about_the_article_reads_all_of_its_own_lines(seed_index, catalog):
    result = answer("这篇东西适合啥人看?我刚想入行能用上不?", seed_index, catalog)
    assert result.covered and "入行选岗" in result.text  # the preface says who it is for, past the navigation lines


def test_a_role_described_by_its_line_of_work_and_level_is_that_role(seed_index, catalog):
    boss = answer("运营那边的一把手,办促销之前要先走什么流程?", seed_index, catalog)
    assert boss.roles[0] == "电商运营总监" and boss.citations[0].role == "电商运营总监"
    duties = answer("带客服团队的那个主管,要干的活全给我列出来", seed_index, catalog)
    assert (duties.intent, duties.roles, {c.field for c in duties.citations}) == ("list", ("电商客服主管",), {"职责职能"})


def test_two_sides_that_end_in_a_title_are_compared(seed_index, catalog):
    result = answer("法务部的老大和合规部门的一线专员,碰上纠纷怎么分?", seed_index, catalog)
    assert (result.intent, result.roles[0], len(result.roles)) == ("compare", "电商法务总监", 2)


def test_a_field_word_inside_a_role_name_asks_for_no_field(seed_index, catalog):
    result = answer("draft a jd for a performance marketing specialist", seed_index, catalog)
    assert (result.intent, result.roles, {c.field for c in result.citations}) == ("list", ("电商推广专员",), {"职责职能"})


def test_an_english_question_about_the_article_quotes_its_lines_without_the_page_around_it(seed_index, catalog):
    result = answer("who is this article written for?", seed_index, catalog)
    assert result.covered and "运营核心岗(适合运营从业者/求职者)" in result.text
    assert not {"#财经#", "意昂体育", "2025-08-27 10:11:46"} & {c.quote.strip() for c in result.citations}


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("网店的摄影师每天都忙些什么?", "摄影师"),
        ("直播间的主播靠什么来考核?", "主播"),
        ("What does a delivery driver at an online shop do all day?", "delivery driver"),
        ("how is a graphic designer evaluated in an e-commerce team?", "graphic designer"),
    ],
)
def test_a_job_the_article_does_not_describe_is_refused_by_its_title(seed_index, catalog, question, title):
    result = answer(question, seed_index, catalog)
    assert (result.covered, result.citations) == (False, ())
    assert f"「{title}」" in result.text or f"“{title}”" in result.text


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("写网站代码的程序员要干哪些活?", "电商技术开发"),
        ("what does a software engineer at an online shop do?", "电商技术开发"),
        pytest.param(
            "what does the web developer on the shop team do?",
            "电商技术开发",
            # known since rag.lexicon: 店铺 and 团队 (shop team) outvote 开发人员 (developer), the vote a near tie
            marks=pytest.mark.xfail(strict=True, reason="the words around an English title outvote it"),
        ),
    ],
)
def test_an_everyday_title_for_a_role_of_the_article_is_that_role(seed_index, catalog, question, role):
    result = answer(question, seed_index, catalog)
    assert result.covered and result.citations[0].role == role


def test_a_title_beside_a_described_person_is_whom_they_deal_with_not_the_job_asked(seed_index, catalog):
    result = answer("the person who runs the warehouse: how do they work with the delivery driver?", seed_index, catalog)
    assert result.covered and "delivery driver" not in result.text


def test_the_roles_of_a_business_model_are_every_role_its_headings_give_it(seed_index, catalog):
    direct = answer("哪些岗位只有自营的电商公司才设?", seed_index, catalog)
    assert (direct.intent, set(direct.roles)) == ("which_roles", {"库存管理经理", "库存专员", "采销总监", "仓储主管"})
    assert all(c.quote.startswith(("5.", "7.")) for c in direct.citations)  # each role's heading, which says it
    both = answer("which roles does the article say fit both direct and marketplace e-commerce?", seed_index, catalog)
    assert (both.covered, set(both.roles)) == (True, {"产品评审专员", "合规风控专员", "数据合规专员"})


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("作者在最后怎么看电商这个行业的前景?", "ending"),
        ("文章结尾对电商的评价是啥", "ending"),
        ("What does the opening part of the article say about jobs?", "opening"),
    ],
)
def test_a_question_about_a_part_of_the_article_is_answered_from_that_part(seed_index, catalog, question, part):
    result = answer(question, seed_index, catalog)
    first_role, last_role = seed_index.roles_span(result.citations[0].source)
    assert result.covered and result.roles == ()
    if part == "ending":
        assert all(c.start >= last_role for c in result.citations)
    else:
        assert all(c.end <= first_role for c in result.citations)
