"""rag.question: intent from general question forms, roles named or carried over, fields from everyday words."""

from __future__ import annotations

import pytest

from rag.question import EmptyQuestion, comparison_sides, content_terms, read_question, role_level


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("采购经理的KPI有哪些?", "list"),
        ("请把采购经理的考核项目全部列出来", "list"),
        ("List all of the buyer's KPIs", "list"),
        ("帮我写一下库存专员的岗位职责", "list"),
        ("采购经理和采购员有什么区别?", "compare"),
        ("采购经理跟采购员各管什么?", "compare"),
        ("How is the purchasing manager different from the buyer?", "compare"),
        ("What separates a copywriter from a content reviewer?", "compare"),
        ("How do buyers and purchasing managers split the work?", "compare"),  # who does what of the two
        ("采购员和采购经理是一回事吗?", "compare"),
        ("哪些岗位需要和供应商打交道?", "which_roles"),
        ("Which roles are measured on return rates?", "which_roles"),
        ("商家合规专员收到投诉后多久要完成调查?", "specific"),
        ("采购经理", "overview"),
        ("介绍一下采购经理", "overview"),
        ("purchasing manager KPI", "list"),
        ("直营和平台型电商里,库存管理经理的工作有啥不一样?", "specific"),  # the two business models, one role
        ("推广专员的考核项一共几条?挨个说下", "list"),
        ("技术开发岗考核都看啥?一条都别落下", "list"),
        ("用ABC分类给商品分级的是哪个角色?", "specific"),  # one role to name, not every role
        ("哪几个岗位要自己维护台账?", "which_roles"),
        ("write the duties for our head of marketing who owns the budget", "list"),  # "who" of a clause
        ("Who handles refunds when goods arrive damaged?", "which_roles"),
        ("搭推荐模型的人和审博主作品的人,在优质内容这块各负责啥?", "compare"),  # described sides, each asked
        ("物流管理总监的工作会带来哪些环境方面的问题?", "specific"),  # 哪些 with content of its own, no field named
        ("物流管理总监的考核有哪些?", "list"),  # 哪些 of a field the question names
        ("物流管理总监在环境方面的考核全部列出来", "list"),  # a whole list asked in so many words
        ("采购员的考核有多少项?", "list"),  # counts the field's items
        ("电商客服主管手下的客服一天要回复多少条消息?", "specific"),  # counts messages, not a list's items
        ("审短视频的那个岗,一个人一天得审多少条?", "specific"),  # a count per day is a figure, not a list's length
        ("考核里要看毛利率的都有谁?", "which_roles"),  # 都有谁: every one of them
    ],
)
def test_intent_comes_from_the_question_form(catalog, question, intent):
    assert read_question(question, catalog).intent == intent


def test_fields_from_everyday_words_and_a_jd_request_means_the_duties(catalog):
    assert read_question("采购员平时都干啥?", catalog).fields == ("职责职能",)
    assert read_question("采购员是怎么被考评的", catalog).fields == ("KPI 指标",)
    assert read_question("做采购员以后前途怎么样?", catalog).fields == ("影响分析",)
    assert read_question("帮我写采购员的JD", catalog).fields == ("职责职能",)
    # a direction asked is the 对自身 line (职业发展可向…延伸), or another document's 发展通道
    assert read_question("做作品评审的以后能往哪些方向发展?", catalog).fields == ("影响分析", "发展通道")
    assert read_question("where can a buyer's job lead to?", catalog).fields == ("影响分析", "发展通道")
    assert read_question("How is a customer service supervisor judged?", catalog).fields == ("KPI 指标",)
    # social media is a channel, not society: the question asks for duties, not for the role's impact
    assert read_question("What does the brand marketing person do on social media?", catalog).fields == ("职责职能",)
    # a shop's promotion is a sale; a person's is a career step
    assert "影响分析" not in read_question("What promotions does the operations specialist run?", catalog).fields
    assert read_question("How fast can a buyer get promoted?", catalog).fields == ("影响分析", "发展通道")


def test_a_follow_up_keeps_the_role_of_the_conversation_and_a_new_question_does_not(catalog):
    follow = read_question("那它的KPI呢?", catalog, history=["库存专员主要负责什么?"])
    assert (follow.roles, follow.named, follow.follow_up) == (("库存专员",), True, True)
    fresh = read_question("哪些岗位需要和供应商打交道,请详细说明每一个岗位的具体情况", catalog, history=["库存专员主要负责什么?"])
    assert (fresh.roles, fresh.follow_up) == ((), False)


def test_a_comparison_of_described_roles_is_split_into_its_sides():
    assert comparison_sides("管仓库进出货的人和管采购谈判的人有啥区别?") == ["管仓库进出货的人", "管采购谈判的人有啥"]
    assert comparison_sides("采购经理有什么职责?") == []
    assert comparison_sides("一个是跟供应商下单盯到货的,一个是仓库里录入、复核出库的,这两岗分工咋区分?") == [
        "跟供应商下单盯到货的", "仓库里录入、复核出库的"
    ]  # fmt: skip
    assert comparison_sides("the one who negotiates and plans purchases vs the one who vets goods: how do they differ?") == [
        "the one who negotiates and plans purchases", "the one who vets goods"
    ]  # fmt: skip  (a side's own "and" does not split it)
    assert comparison_sides("仓库里一线录入、复核货品的人,和管整个仓库团队排班的人,分工有啥不同?") == [
        "仓库里一线录入、复核货品的人", "管整个仓库团队排班的人"
    ]  # fmt: skip  (、 enumerates within a side; a comma before 和 does not end the first side)


def test_content_terms_leave_out_role_names_cues_and_function_words(catalog):
    assert content_terms("采购员跟厂家打交道要注意啥?", catalog) == ["厂家", "打交道", "注意"]


def test_role_levels_follow_the_titles():
    assert [role_level(r) for r in ("电商运营总监", "采购经理", "仓储主管", "电商财务管理", "采购员", "电商数据分析师")] == [
        3, 2, 2, 2, 1, 1,
    ]  # fmt: skip


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200b", "???", "!!!。。。", "😀🎉"])
def test_a_question_without_any_letter_or_character_is_empty(catalog, question):
    with pytest.raises(EmptyQuestion):
        read_question(question, catalog)


@pytest.mark.parametrize(
    ("question", "model"),
    [
        ("哪些岗位是自营电商才会有的?", "直营"),
        ("平台型电商特有的岗位有哪几个?", "平台型"),
        ("Which roles are specific to marketplace e-commerce?", "平台型"),
        ("直营和平台两种模式都适用的是哪些岗位?", "通用"),
        ("平台型电商里哪些岗位要对接博主?", None),  # what roles do there, not which roles belong there
        ("哪些岗位需要和供应商打交道?", None),
    ],
)
def test_a_which_roles_question_may_ask_for_the_roles_of_a_business_model(catalog, question, model):
    assert read_question(question, catalog).business_model == model


def test_which_asked_of_the_articles_own_dividing_is_about_the_article(catalog):
    # 哪几个 asks for 方面 here: a verb (去分) between it and 岗位 ends the phrase that would ask for roles
    question = read_question("文章是按哪几个方面去分岗位的?", catalog)
    assert question.about_article and question.intent != "which_roles"
    assert read_question("文章里哪些岗位要跟供应商打交道?", catalog).intent == "which_roles"
