"""rag.grounding: the cases that calibrate MIN_OVERLAP and MIN_SIMILARITY, numbers, marks, sentence splitting.

Passages are written as the model reads them (`role · field: quote`, quotes from the seed article). FAITHFUL
are paraphrases a good model writes; MADE_UP are plausible sentences the passages do not support (the last
ones obey instructions injected into a question); WRONG_NUMBER keep the words and change a number; NEGATED and
REQUANTIFIED keep the words and reverse the passage (a negation added or dropped) or change an amount said in words;
NEGATION_KEPT repeat or paraphrase negations the article itself has (禁止, 而非, 未, 避免…), and must stay.
"""

from __future__ import annotations

import pytest

from ingest.config import Settings
from ingest.embeddings import get_embeddings
from rag.grounding import (
    MIN_OVERLAP,
    MIN_SIMILARITY,
    Passage,
    Verdict,
    check,
    negations,
    numbers,
    overlap,
    similarity,
    split_sentences,
)

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
# Passages with the article's own negations and amounts (corpus/000_c7806a285f499d96.txt).
DUTIES = (
    "采购经理 · 职责职能: 承接供应链总监的战略规划,负责制定具体采购计划,包括商品选型、价格谈判、订单下达与交付跟进。"
    "需深入调研市场价格与竞品采购策略,确保采购成本低于行业平均水平;同时主导供应商日常管理,包括订单对接、质量抽检、"
    "问题沟通(如货期延误、质量瑕疵),并定期开展供应商绩效评估,优化供应商结构。此外,需配合运营团队调整采购品类与数量,"
    "例如在大促前增加热销商品采购量,避免库存不足;还需协同财务部门控制采购付款节奏,保障资金合理使用。"
)
ORDERS = "采购员 · 运作手法: 订单跟进:使用采购管理工具记录订单进度,每天跟进未交付订单的物流状态,及时提醒供应商按时交货"
PAPERS = "采购员 · 运作手法: 单据管理:按日期整理采购单据,确保单据与订单、验收结果一致,避免财务付款纠纷"
TERMS = (
    "采销总监 · 备注: 企业发展成熟期,采销总监的账期指标“底线”一般核心前提是:账期延长需以库存周转天数为基准"
    "(账期≤库存周转+10天),禁止无依据拖期逾期,这样既体现了“合理控账期”的必要性,又划清了“不能耍赖”的红线,才是做体系时的初衷。"
)
GROWTH = "采销总监 · KPI 指标: 利润贡献增长率:所负责品类的年度利润贡献同比增长率(例:年度家电品类利润贡献同比增长25%),聚焦长期价值增长,而非短期销量冲刺"
ROI = "营销总监 · KPI 指标: 全域营销ROI(高管级细化):整合全渠道营销投入(短视频、直播、搜索广告等)与总净利润增量的比值(例:全域营销ROI≥3.5),而非单一渠道ROI,匹配高管“全域统筹”职责"
REDLINE = "采销总监 · KPI 指标: 核心红线:负责品类库存预警(红色)超3天未处理,关联月度绩效扣减"
SHARE = "电商运营总监 · KPI 指标: 利润贡献占比:所负责板块实现的净利润占公司总净利润的比例(例:家电板块净利润占比达40%),避免“只冲销量不赚利润”,聚焦价值产出"
CONTRACT = "电商法务专员 · 运作手法: 合同审核:建立“合同模板库”,针对高频合同(如商家入驻协议、采购合同)制定标准模板,审核时重点核对个性化条款,提升审核效率;对非标准合同,按“合法性→权益保障→风险规避”三步法审核,标注风险点并给出修改建议"
TRACE = "作品评审专员 · 运作手法: 违规追溯:对已上线的违规内容,建立“下架+整改+复核”流程,3日内完成整改复核,避免违规内容长期流通"
CLEARANCE = "库存经理 · 运作手法: 清库优化:对滞销商品,联合运营部门设计“满减搭售”“限时清仓”活动,每月清理滞销库存占比不低于5%"

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
# A negation the cited passage does not have (added), or one it has that the sentence drops; the reason names it.
NEGATED = [
    ("采购经理承接供应链总监的战略规划,不负责制定具体采购计划。", [DUTIES], "negation 不负责制定 is not in the cited passages"),
    ("商家合规专员不需要在72小时内完成投诉调查。", [COMPLAINT], "negation 不需要在72小时 is not in the cited passages"),
    ("采购员无需每周向采购经理汇报采购进度与问题。", [REPORT], "negation 无需每周向采 is not in the cited passages"),
    ("库存专员发现库存问题后不必在24小时内上报。", [ANOMALY], "negation 不必在24小时 is not in the cited passages"),
    ("商家合规专员并非负责平台入驻商家的合规审核与日常监督。", [MERCHANT], "negation 并非负责平台 is not in the cited passages"),
    ("采购员到货后没有配合仓储部门完成商品清点与验收。", [BUYER], "negation 没有配合仓储 is not in the cited passages"),
    ("供应商绩效评分不基于交付、质量、价格进行综合评分,满分100分。", [SCORE], "negation 不基于交付 is not in the cited passages"),
    ("新商家未完成合规课程学习也能开店。", [PAPER], "negation 未完成合规 is not in the cited passages"),
    ("库存专员每日班前不检查高频出库商品的库存。", [STOCK], "negation 不检查高频 is not in the cited passages"),
    ("商家合规专员完成调查后,禁止向消费者反馈处理结果。", [COMPLAINT], "negation 禁止向消费者 is not in the cited passages"),
    ("成熟期的账期延长以库存周转天数为基准,可以无依据拖期逾期。", [TERMS], "it drops the negation 禁止无依据拖 of the cited passages"),
    ("采购经理在大促前增加热销商品采购量,造成库存不足。", [DUTIES], "it drops the negation 避免库存不足 of the cited passages"),
    ("利润贡献增长率聚焦短期销量冲刺。", [GROWTH], "it drops the negation 非短期销量 of the cited passages"),
    ("采购员每天跟进已交付订单的物流状态。", [ORDERS], "it drops the negation 未交付订单 of the cited passages"),
    ("商家合规专员日常监控商家店铺内容,鼓励虚假宣传。", [MERCHANT], "it drops the negation 避免虚假宣传 of the cited passages"),
]  # fmt: skip
# An amount in words (share, totality, multiple, absolute) that the cited passage does not state.
REQUANTIFIED = [
    ("采购订单准时交付率是供应商按约定时间交付的订单占比的一半。", [ON_TIME], "一半"),
    ("采购计划达成率是按既定采购计划完成的采购金额占比的三成。", [PLAN], "三成"),
    ("商家合规专员负责所有平台入驻商家的合规审核与日常监督。", [MERCHANT], "所有"),
    ("采购员每周向采购经理汇报大部分采购进度与问题。", [REPORT], "大部分"),
    ("库存专员发现少数库存问题后应在24小时内上报。", [ANOMALY], "少数"),
    ("采购成本节约率是实际采购成本与预算成本的差额占预算成本的三分之一。", [SAVING], "三分之一"),
    ("采购员从不向采购经理汇报采购进度与问题。", [REPORT], "从不"),
    ("新商家一律必须完成课程学习才能开店。", [PAPER], "一律"),
    ("商家合规专员需要在72小时内完成全部投诉调查。", [COMPLAINT], "全部"),
    ("供应商绩效评分翻倍后满分100分。", [SCORE], "翻倍"),
    ("家电板块净利润占比达一半。", [SHARE], "一半"),
    ("库存专员永远在每日班前检查高频出库商品库存。", [STOCK], "永远"),
]
# Negations and amounts the cited passage has, repeated or said with another negator or in other words: kept.
NEGATION_KEPT = [
    ("采购员每天跟进未交付订单的物流状态,及时提醒供应商按时交货。", [ORDERS]),
    ("采购员要确保单据与订单、验收结果一致,避免财务付款纠纷。", [PAPERS]),
    ("成熟期的账期延长需以库存周转天数为基准,禁止无依据拖期逾期。", [TERMS]),
    ("账期延长以库存周转天数为基准,不得无依据拖期逾期,划清不能耍赖的红线。", [TERMS]),
    ("利润贡献增长率聚焦长期价值增长,而非短期销量冲刺。", [GROWTH]),
    ("全域营销ROI是全渠道营销投入与总净利润增量的比值,而非单一渠道ROI。", [ROI]),
    ("采销总监的核心红线是品类库存预警超3天未处理,关联月度绩效扣减。", [REDLINE]),
    ("利润贡献占比要避免只冲销量不赚利润,聚焦价值产出。", [SHARE]),
    ("对非标准合同,要按合法性、权益保障、风险规避三步法审核。", [CONTRACT]),
    ("对已上线的违规内容,3日内完成整改复核,避免违规内容长期流通。", [TRACE]),
    ("采购经理在大促前增加热销商品采购量,防止库存不足。", [DUTIES]),
    ("采购员需及时与供应商沟通订单细节,确保订单信息准确无误。", [BUYER]),
    ("商家合规专员日常监控商家店铺内容,避免虚假宣传、违规定价。", [MERCHANT]),
    ("他们需要不断优化采购执行流程,每周向采购经理汇报采购进度与问题。", [REPORT]),  # 不断: no negation
    ("家电板块净利润占比达四成。", [SHARE]),  # 40%
    ("每个月清理滞销库存占比不低于5%。", [CLEARANCE]),  # 每月
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

# English sentences that negate what a passage without any negation says; compared by meaning they could pass.
NEGATED_EN = [
    ("Merchant compliance specialists do not need to investigate complaints within 72 hours.", COMPLAINT, "do not"),
    ("Buyers never report purchasing progress to the purchasing manager.", REPORT, "never"),
    ("Buyers don't report purchasing progress and problems to the purchasing manager every week.", REPORT, "don't"),
    ("Supplier performance isn't scored on delivery, quality and price.", SCORE, "isn't"),
    ("The inventory specialist is not responsible for reporting inventory problems within 24 hours.", ANOMALY, "is not"),
]  # fmt: skip


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


@pytest.mark.parametrize(("sentence", "passages", "reason"), NEGATED)
def test_added_or_dropped_negation_is_dropped_and_named(sentence, passages, reason):
    assert _verdict(sentence, passages).reason == reason


@pytest.mark.parametrize(("sentence", "passages", "amount"), REQUANTIFIED)
def test_changed_amount_in_words_is_dropped_and_named(sentence, passages, amount):
    assert _verdict(sentence, passages).reason == f"{amount} is not in the cited passages"


@pytest.mark.parametrize(("sentence", "passages"), NEGATION_KEPT)
def test_negation_or_amount_the_passage_has_is_kept(sentence, passages):
    assert _verdict(sentence, passages) == Verdict(sentence, tuple(range(1, len(passages) + 1)), None)


def test_negations_are_cues_with_what_they_negate_and_words_that_only_look_negative_are_none():
    text = "他们需要不断优化,不仅如此,有无违规,非常重要,面向未来;不得无理由拖期,不管理供应商,不低于95%"
    assert negations(text) == ["不得无理由拖", "无理由拖期", "不管理供应"]  # up to 4 units of what is negated


def test_amounts_in_words_are_numbers_and_match_by_meaning():
    assert numbers("一半,三成,三分之一,大多数,少数,所有,翻倍,两倍,从不,一律,每一周,成本,统一成本,一成不变") == [
        "一半", "三成", "三分之一", "大多数", "少数", "所有", "翻倍", "两倍", "从不", "一律", "每周",
    ]  # fmt: skip
    passages = [Passage("某岗位 · KPI 指标", "占比达50%,约三成订单,客单价≥行业均值2倍")]
    text = "占比达一半[1]。约30%订单[1]。客单价≥行业均值两倍[1]。占比达四成[1]。"
    assert [v.reason for v in check(text, passages)] == [None, None, None, "四成 is not in the cited passages"]


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


@pytest.mark.parametrize(("sentence", "passage", "negation"), NEGATED_EN)
def test_english_negation_of_a_passage_without_one_is_dropped_and_named(use, sentence, passage, negation):
    assert _verdict(sentence, [passage], use).reason == f"negation “{negation}” is not in the cited passages"


def test_english_comparator_is_no_negation_and_a_negating_passage_leaves_it_to_the_meaning(use):
    assert _verdict("Buyers report purchasing progress and problems to the purchasing manager every week, no later than Friday.", [REPORT], use).reason is None
    assert _verdict("Merchants must not be allowed false advertising or irregular pricing.", [MERCHANT], use).reason.startswith("similarity")


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
