"""A model that reverses the article, end to end: an OpenAI-compatible endpoint on 127.0.0.1 streams one faithful
sentence and others that negate or re-quantify their cited passages; `answer` (ROLEGUIDE_LLM=openai) must keep
the faithful one and report the others as unsupported, never showing them."""

from __future__ import annotations

from dataclasses import replace

from rag.answer import answer
from tests.conftest import openai_endpoint

QUESTION = "采购经理的KPI有哪些?"


def test_negated_and_requantified_sentences_from_a_served_model_are_dropped(seed_index, catalog, seed_text):
    passages = answer(QUESTION, seed_index, catalog).citations  # the extractive answer cites what the model is given
    n = {c.quote.split(":")[0]: i for i, c in enumerate(passages, 1)}
    faithful = f"供应商绩效评分基于交付、质量、价格进行综合评分,满分100分[{n['供应商绩效评分']}]。"
    lies = [
        f"采购商品合格率不考核抽检合格的采购商品数量占总采购量比例[{n['采购商品合格率']}]。",
        f"采购订单准时交付率是供应商按约定时间交付的订单占比的一半[{n['采购订单准时交付率']}]。",
        f"采购计划达成率是按既定采购计划完成的全部采购金额占比[{n['采购计划达成率']}]。",
        f"采购成本节约率从不计算实际采购成本与预算成本的差额[{n['采购成本节约率']}]。",
    ]
    with openai_endpoint("answer", faithful + "".join(lies)) as url:
        settings = seed_index.settings.model_copy(
            update={"llm": "openai", "llm_base_url": url, "llm_model": "lying", "llm_timeout": 10.0}
        )
        result = answer(QUESTION, replace(seed_index, settings=settings), catalog)  # the model comes from the settings
    dropped = tuple(lie.rsplit("[", 1)[0] + "。" for lie in lies)
    assert (result.backend, result.notice, result.unsupported) == ("openai:lying", None, dropped)
    assert list(result.segments) == [(faithful.rsplit("[", 1)[0] + "。", (1,))]
    assert not any(sentence in result.text for sentence in dropped)
    assert [c.quote.split(":")[0] for c in result.citations] == ["供应商绩效评分"]
    assert all(seed_text[c.start : c.end] == c.quote for c in result.citations)
