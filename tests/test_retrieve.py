"""rag.retrieve: rank fusion on hand-written rankings, role filters (the same hits as a scan of every chunk), and
questions landing on the right role."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.tables import tokenize
from rag.lexicon import article_words, english_words
from rag.question import detect_lang
from rag.retrieve import Hit, retrieve, rrf


def test_rrf_sums_reciprocal_ranks():
    fused = rrf([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert [key for key, _ in fused] == ["b", "c", "a", "d"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_detect_lang():
    assert [detect_lang(t) for t in ("采购经理做什么", "What does a buyer do?", "KPI是什么")] == ["zh", "en", "zh"]


def test_role_filter_contrast_pair(seed_index):
    question = "考核指标有哪些"
    for role in ("采购经理", "采购员"):
        hits = retrieve(question, seed_index, k=5, roles=[role])
        assert {h.chunk.role for h in hits} == {role}


def test_field_filter(seed_index):
    hits = retrieve("怎么处理投诉", seed_index, k=4, roles=["商家合规专员"], fields=["运作手法"])
    assert {(h.chunk.role, h.chunk.field) for h in hits} == {("商家合规专员", "运作手法")}


QUESTIONS = [
    ("谁负责审核入驻商家的营业执照和食品经营许可证?", "商家合规专员"),
    ("72小时内完成投诉调查是哪个岗位的做法?", "商家合规专员"),
    ("推荐算法怎样解决信息茧房和冷启动?", "算法推荐工程师"),
    ("直播脚本的评审时效要求是多少?", "作品评审专员"),
    ("用ABC分类法设定库存水位的是谁?", "库存管理经理"),
    ("入库时要按订单核对、数量清点、质量抽检再系统录入", "库存专员"),
    ("全域营销ROI要达到3.5以上", "营销总监"),
    ("起步阶段核心供应商账期至少15天,谈判以绑定长期合作为诱饵", "采销总监"),
    ("签订VMI协议降低库存压力", "供应链总监"),
    ("审核常规合同的时效是两个工作日以内", "电商法务专员"),
    ("重大纠纷涉及金额超过50万元由谁牵头", "电商法务总监"),
    ("用户要求删除个人信息的投诉怎么处理", "数据合规专员"),
    ("新人红包和邀请有礼的拉新活动", "用户运营专员"),
    ("制定仓储安全规范,防火防潮", "仓储主管"),
    ("每周向采购经理汇报采购进度", "采购员"),
    ("招聘渠道和员工培训计划", "电商人力资源管理"),
    ("跨境电商资金流转要咨询法务部", "电商财务管理"),
    ("Who builds recommendation models with collaborative filtering for the homepage?", "算法推荐工程师"),
    ("How does the recommendation engineer avoid filter bubbles?", "算法推荐工程师"),
]


@pytest.mark.parametrize(("question", "role"), QUESTIONS)
def test_question_lands_on_the_right_role(seed_index, question, role):
    assert retrieve(question, seed_index, k=3)[0].chunk.role == role


def _scanned(question: str, index, k: int, roles=None, fields=None) -> list[Hit]:
    """retrieve as it was before the index had row tables: walk every chunk for the filter, sort every score."""
    chunks = list(index.chunks.values())
    allowed = [i for i, c in enumerate(chunks) if (not roles or c.role_key in roles) and (not fields or c.field in fields)]
    if not allowed:
        return []
    rankings, similarity = [], {}
    for n, space in enumerate(index.settings.query_spaces(detect_lang(question))):
        query = np.asarray(index.embeddings(space).embed_query(question), dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        scores = np.asarray(index.unit_vectors[space])[allowed] @ query
        order = np.lexsort((np.arange(len(allowed)), -scores))[:30]
        ranked = [(chunks[allowed[i]].id, float(scores[i])) for i in order]
        rankings.append([cid for cid, _ in ranked])
        similarity = similarity or dict(ranked)
    lexical = {}
    english = [t for t in article_words(english_words(question), index.idf) if t in index.idf]  # rag.lexicon
    if tokens := (tokenize(question) if detect_lang(question) == "zh" else english):
        scores = index.bm25_scores(tokens)
        lexical = {chunks[i].id: float(scores[i]) for i in allowed if scores[i] > 0}
    if lexical:
        rankings.append(sorted(lexical, key=lambda cid: (-lexical[cid], cid))[:30])
    return [Hit(index.chunks[cid], s, similarity.get(cid, 0.0), lexical.get(cid, 0.0)) for cid, s in rrf(rankings)[:k]]


@pytest.mark.parametrize(
    ("question", "roles", "fields"),
    [
        ("考核指标有哪些", ["采购经理"], None),
        ("怎么处理投诉", ["商家合规专员", "数据合规专员"], ["运作手法"]),
        ("每周汇报进度", None, ["职责职能", "运作手法"]),
        ("How does the recommendation engineer avoid filter bubbles?", ["算法推荐工程师"], None),
        ("谁负责审核入驻商家的营业执照和食品经营许可证?", None, None),
        ("考核指标有哪些", ["没有这个岗位"], None),
    ],
)
def test_filters_by_role_key_and_field_give_the_hits_a_scan_of_every_chunk_gives(seed_index, question, roles, fields):
    assert retrieve(question, seed_index, k=8, roles=roles, fields=fields) == _scanned(question, seed_index, 8, roles, fields)
