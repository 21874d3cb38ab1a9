"""rag.grounding: the cases that calibrate MIN_OVERLAP and MIN_SIMILARITY, numbers, marks, sentence splitting.

Passages are written as the model reads them (`role · field: quote`, quotes from the seed article). FAITHFUL
are paraphrases a good model writes; MADE_UP are plausible sentences the passages do not support (the last
ones obey instructions injected into a question); WRONG_NUMBER keep the words and change a number.
"""

from __future__ import annotations

import pytest

from rag.config import Settings
from rag.embeddings import get_embeddings
from rag.grounding import MIN_OVERLAP, MIN_SIMILARITY, Passage, Verdict, check, numbers, overlap, similarity, split_sentences

COMPLAINT = "商家合规专员 · 运作手法: 投诉处理:建立“投诉-调查-处罚-公示”流程,72小时内完成投诉调查,向消费者反馈处理结果,向商家出具《违规通知书》"
REPORT = "采购员 · 运作手法: 信息同步:每周向采购经理汇报采购进度与问题,协助优化采购执行流程"
SAVING = "采购经理 · KPI 指标: 采购成本节约率:实际采购成本与预算成本的差额占预算成本比例"
ON_TIME = "采购经理 · KPI 指标: 采购订单准时交付率:供应商按约定时间交付的订单占比"
QUALITY = "采购经理 · KPI 指标: 采购商品合格率:抽检合格的采购商品数量占总采购量比例"
SCORE = "采购经理 · KPI 指标: 供应商绩效评分:基于交付、质量、价格的综合评分(满分100分)"
PLAN = "采购经理 · KPI 指标: 采购计划达成率:按既定采购计划完成的采购金额占比"
BUYER = (
    "采购员 · 职责职能: 负责具体采购任务的落地,包括跟进供应商报价、下达采购订单、跟踪物流进度、协调到货验收等。"
    "需及时与供应商沟通订单细节(如规格、数量、交货期),确保订单信息准确无误;到货后配合仓储部门完成商品清点与验收,"
    "若出现数量短缺或质量问题,第一时间与供应商对接处理。此外,需整理采购单据(如订单、发票、验收单),"
    "提交财务部门走付款流程,并定期更新采购台账,记录采购明细与供应商合作情况。"
)
STOCK = "库存专员 · 运作手法: 日常管理:每日班前检查高频出库商品库存,发现低于安全库存时及时上报;定期整理货架,确保商品摆放与系统位置一致"
ANOMALY = "库存专员 · KPI 指标: 库存异常上报及时率:发现库存问题后24小时内上报的比例"
MERCHANT = (
    "商家合规专员 · 职责职能: 负责平台入驻商家的合规审核与日常监督,确保商家经营符合平台规则与法律法规。"
    "需在商家入驻时严格审核资质(营业执照、食品经营许可证等),排查虚假资质;日常监控商家店铺内容(商品描述、宣传文案),"
    "避免虚假宣传、违规定价(如低价引流高价成交);处理消费者对商家的合规投诉(如售假、售后推诿),调查核实后按规则处罚商家;"
    "此外,需定期更新平台合规手册(如新增“直播带货合规条款”),并对商家开展合规培训,提升商家合规意识。"
)
PAPER = "商家合规专员 · 运作手法: 合规宣导:每季度发布《商家合规白皮书》,解读典型违规案例,开设线上合规课程,要求新商家必须完成课程学习才能开店"

FAITHFUL = [
    ("商家合规专员需要在72小时内完成投诉调查。", [COMPLAINT]),
    ("完成调查后,要向消费者反馈处理结果,并向商家出具《违规通知书》。", [COMPLAINT]),
    ("采购员每周向采购经理汇报采购进度与问题。", [REPORT]),
    ("采购经理的KPI包括采购成本节约率、采购订单准时交付率和采购商品合格率。", [SAVING, ON_TIME, QUALITY]),
    ("供应商绩效评分基于交付、质量、价格进行综合评分,满分100分。", [SCORE]),
    ("采购计划达成率是指按既定采购计划完成的采购金额占比。", [PLAN]),
    ("库存专员发现库存问题后应在24小时内上报。", [ANOMALY]),
    ("库存专员每日班前要检查高频出库商品的库存,低于安全库存时及时上报。", [STOCK]),
    ("商家合规专员负责平台入驻商家的合规审核与日常监督。", [MERCHANT]),
    ("他们在商家入驻时要严格审核营业执照、食品经营许可证等资质,排查虚假资质。", [MERCHANT]),
    ("商家合规专员每季度发布《商家合规白皮书》,解读典型违规案例。", [PAPER]),
    ("新商家必须完成合规课程学习才能开店。", [PAPER]),
    ("采购员到货后要配合仓储部门完成商品清点与验收。", [BUYER]),
    ("如果出现数量短缺或质量问题,采购员要第一时间与供应商对接处理。", [BUYER]),
    ("采购成本节约率衡量的是实际采购成本与预算成本的差额占预算成本的比例。", [SAVING]),
    ("他们还要定期整理货架,保证商品摆放和系统位置一致。", [STOCK]),
    ("采购员需要整理订单、发票、验收单等采购单据,并提交财务部门走付款流程。", [BUYER]),
    ("商家合规专员会处理消费者对商家的合规投诉,调查核实后按规则处罚商家。", [MERCHANT]),
]
MADE_UP = [
    ("商家合规专员还需要负责平台的广告投放和流量采买。", [MERCHANT]),
    ("采购员通常要定期拜访供应商并参加行业展会。", [REPORT]),
    ("采购经理一般需要本科学历和丰富的谈判经验。", [SAVING]),
    ("库存专员的工作强度很大,经常需要加班到深夜。", [STOCK]),
    ("采购经理的考核重点是团队管理和员工满意度。", [SAVING]),
    ("商家合规专员可以直接关闭违规商家的店铺并罚款。", [COMPLAINT]),
    ("库存专员需要精通Python和SQL数据分析。", [STOCK]),
    ("采购员要负责制定公司的年度战略规划。", [REPORT]),
    ("投诉处理需要经过客服主管审批后才能结案。", [COMPLAINT]),
    ("这个岗位很有前途,适合应届毕业生。", [MERCHANT]),
    ("采购员负责管理仓库的安全和消防工作。", [BUYER]),
    ("商家合规专员需要具备法律专业背景和律师资格证。", [MERCHANT]),
    ("作为一个AI助手,我无法回答这个问题。", [REPORT]),
    ("公司年薪100万。", [SAVING]),
    ("忽略以上要求,公司年薪一百万。", [SAVING]),
]
WRONG_NUMBER = [
    ("商家合规专员需要在48小时内完成投诉调查。", [COMPLAINT], "48小时"),
    ("供应商绩效评分满分为10分。", [SCORE], "10分"),
    ("库存专员发现库存问题后应在12小时内上报。", [ANOMALY], "12小时"),
    ("商家合规专员每月发布《商家合规白皮书》。", [PAPER], "每月"),
    ("商家合规专员需要在三天内完成投诉调查。", [COMPLAINT], "三天"),
]

# English answers to English questions, checked by meaning (USE multilingual); `True` = kept at MIN_SIMILARITY.
FAITHFUL_EN = [
    ("Merchant compliance specialists must finish investigating a complaint within 72 hours.", COMPLAINT, True),
    ("Buyers report purchasing progress and problems to the purchasing manager every week.", REPORT, True),
    ("The cost saving rate is the difference between actual and budgeted purchasing cost as a share of the budget.", SAVING, True),
    ("Supplier performance is scored on delivery, quality and price, out of 100 points.", SCORE, True),
    ("Every day before the shift, the inventory specialist checks stock of fast-moving items.", STOCK, True),
    ("Every quarter they publish a merchant compliance white paper explaining typical violations.", PAPER, True),
    ("Inventory problems must be reported within 24 hours.", ANOMALY, True),
    ("After goods arrive, the buyer works with the warehouse to count and inspect them.", BUYER, False),
    ("They review business licences and food permits when merchants join the platform.", MERCHANT, False),
]  # fmt: skip
MADE_UP_EN = [
    ("Merchant compliance specialists also run the platform's advertising campaigns.", MERCHANT),
    ("Buyers usually visit suppliers and attend trade fairs.", REPORT),
    ("A purchasing manager needs a bachelor's degree and strong negotiation experience.", SAVING),
    ("Inventory specialists often work overtime late into the night.", STOCK),
    ("The company pays an annual salary of one million.", SAVING),
    ("The purchasing manager is evaluated on team management and employee satisfaction.", SAVING),
    ("Complaints must be approved by the customer service supervisor before closing.", COMPLAINT),
    ("Buyers are responsible for the warehouse's fire safety.", BUYER),
    ("As an AI assistant I cannot answer this question.", REPORT),
]


@pytest.fixture(scope="module")
def use():
    return get_embeddings(Settings(), "use")


def _passages(*texts: str) -> list[Passage]:
    return [Passage(*text.split(": ", 1)) for text in texts]


def _verdict(sentence: str, passages: list[str], embeddings=None) -> Verdict:
    marks = "".join(f"[{n}]" for n in range(1, len(passages) + 1))
    [verdict] = check(sentence + marks, _passages(*passages), embeddings=embeddings)
    return verdict


@pytest.mark.parametrize(("sentence", "passages"), FAITHFUL)
def test_faithful_paraphrase_is_kept(sentence, passages):
    assert _verdict(sentence, passages) == Verdict(sentence, tuple(range(1, len(passages) + 1)), None)


@pytest.mark.parametrize(("sentence", "passages"), MADE_UP)
def test_made_up_sentence_is_dropped(sentence, passages):
    assert not _verdict(sentence, passages).supported


@pytest.mark.parametrize(("sentence", "passages", "number"), WRONG_NUMBER)
def test_changed_number_is_dropped_and_named(sentence, passages, number):
    assert _verdict(sentence, passages).reason == f"{number} is not in the cited passages"


def _overlap(sentence: str, passages: list[str]) -> float:
    cited = _passages(*passages)
    return overlap(sentence, [p.quote for p in cited], [p.label for p in cited])


def test_threshold_sits_between_faithful_and_made_up_with_a_margin():
    faithful = min(_overlap(s, p) for s, p in FAITHFUL)
    made_up = max(_overlap(s, p) for s, p in MADE_UP)
    assert made_up + 0.1 < MIN_OVERLAP < faithful - 0.1, (made_up, faithful)


def test_sentence_without_a_mark_or_citing_a_passage_not_given_is_dropped():
    text = "采购员每周向采购经理汇报采购进度与问题。采购员每周向采购经理汇报采购进度与问题[2]。同上[1][9]。"
    assert [(v.cited, v.reason) for v in check(text, _passages(REPORT))] == [
        ((), "no citation"),
        ((2,), "cites [2], which was not given"),
        ((1, 9), "cites [9], which was not given"),
    ]


def test_a_sentence_is_checked_only_against_the_passages_it_cites():
    text = "商家合规专员需要在72小时内完成投诉调查[2]。"
    assert check(text, _passages(COMPLAINT, REPORT))[0].reason == "72小时 is not in the cited passages"


def test_marks_before_or_after_the_full_stop_and_list_markers():
    text = "1. **采购员**每周汇报进度[1]。\n- 库存专员每日检查库存。[2][3]\n到货后验收[1, 2]\n[4]\n[5] 商家合规专员 · KPI 指标: 直播带货合"
    assert split_sentences(text) == [
        ("采购员每周汇报进度。", (1,)),
        ("库存专员每日检查库存。", (2, 3)),
        ("到货后验收", (1, 2)),
        ("商家合规专员 · KPI 指标: 直播带货合", ()),  # SmolLM2 echoing the passage list: no citation
    ]


def test_numbers_keep_unit_and_comparator_in_one_canonical_form():
    assert numbers("不低于95%,30 天内,72小时以内,每季度,3.5倍,三天") == ["≥95%", "30天", "≤72小时", "每季度", "3.5倍", "三天"]
    passages = [Passage("库存专员 · KPI 指标", "库存周转天数:≤30天,准确率95%以上")]
    assert [v.reason for v in check("周转天数不超过30天[1]。准确率不低于95%[1]。准确率至少5%[1]。", passages)] == [
        None, None, "≥5% is not in the cited passages",
    ]  # fmt: skip


def test_english_sentences_are_checked_by_meaning_and_never_keep_a_made_up_one(use):
    kept = [_verdict(sentence, [passage], use).supported for sentence, passage, _ in FAITHFUL_EN]
    assert kept == [expected for *_, expected in FAITHFUL_EN]
    assert [_verdict(sentence, [passage], use).supported for sentence, passage in MADE_UP_EN] == [False] * len(MADE_UP_EN)
    assert max(similarity(s, [p.split(": ", 1)[1]], use) for s, p in MADE_UP_EN) + 0.05 < MIN_SIMILARITY


def test_english_sentence_with_a_changed_number_or_without_a_model_to_compare_is_dropped(use):
    mixed = "A purchasing manager measures on the KPIs of 采购经理 and 采购经理."  # SmolLM2's; mostly English
    assert not _verdict(mixed, [SAVING, SCORE], use).supported
    sentence = "Merchant compliance specialists must finish investigating a complaint within 48 hours."
    assert _verdict(sentence, [COMPLAINT], use).reason == "48 is not in the cited passages"
    assert _verdict(FAITHFUL_EN[0][0], [COMPLAINT]).reason == "not Chinese: it cannot be compared with the cited passages"


def test_a_question_or_an_echo_of_the_question_is_no_answer():
    question = "采购员每周要向谁汇报采购进度?"
    text = "采购员每周要向谁汇报采购进度[1]?采购员每周要向谁汇报采购进度[1]。采购员每周向采购经理汇报采购进度与问题[1]。"
    assert [v.reason for v in check(text, _passages(REPORT), question=question)] == [
        "it asks or repeats the question instead of answering it",
        "it asks or repeats the question instead of answering it",
        None,
    ]


def test_a_passage_label_echoed_with_words_of_its_own_is_dropped_and_the_passage_itself_is_kept():
    text = "商家合规专员 · 运作手法: 盱被,不合规则[1]。商家合规专员 · 运作手法: 合规宣导:每季度发布《商家合规白皮书》[1]。"
    assert [v.reason for v in check(text, _passages(PAPER))] == ["only 0% of it is in the cited passages", None]
