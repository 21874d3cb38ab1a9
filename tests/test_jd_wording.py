"""rag.jd_wording: an LLM's rewording replaces a JD bullet only where the bullet's own citations support it."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.jd import BASIC_INFO, KPIS, RELATIONS, draft_jd
from rag.jd_wording import PROSE_SECTIONS, reword_jd


def _cited(jd):
    return [b for s in jd.sections if s.title in PROSE_SECTIONS for b in s.items if b.citations and not b.user_supplied]


def test_supported_rewording_replaces_only_its_bullet_and_keeps_citations(catalog, seed_text):
    jd = draft_jd("库存专员", catalog, extra=["需能适应夜班"])
    bullets = _cited(jd)
    duty = next(i for i, b in enumerate(bullets, 1) if b.text.startswith("实时记录库存变动"))
    other = next(i for i, b in enumerate(bullets, 1) if b.text.startswith("发现库存异常"))
    output = (
        f"实时记录库存变动(入库、出库、损耗),确保系统库存与实际库存同步。[{duty}]\n"
        f"库存异常须在12小时内上报,并负责全公司的安全生产。[{other}]\n"
        "负责管理整个仓库团队并制定年度预算。[99]"
    )
    reworded, notice = reword_jd(jd, FakeListChatModel(responses=[output]), timeout=10)
    after = _cited(reworded)
    assert notice is None
    assert after[duty - 1].text == "实时记录库存变动(入库、出库、损耗),确保系统库存与实际库存同步。"
    assert after[other - 1].text == bullets[other - 1].text  # a number and a duty the span lacks: not used
    labelled = [[b.text for b in s.items] for s in jd.sections if s.title in (BASIC_INFO, RELATIONS, KPIS)]
    assert [[b.text for b in s.items] for s in reworded.sections if s.title in (BASIC_INFO, RELATIONS, KPIS)] == labelled
    assert [b.citations for b in after] == [b.citations for b in bullets]
    assert all(seed_text[c.start : c.end] == c.quote for b in after for c in b.citations)
    assert [b.text for s in reworded.sections for b in s.items if b.user_supplied] == ["需能适应夜班"]


def test_nothing_supported_keeps_the_draft_with_a_notice(catalog):
    jd = draft_jd("采购员", catalog)
    reworded, notice = reword_jd(jd, FakeListChatModel(responses=["我是一个乐于助人的助手。"]), timeout=10)
    assert reworded == jd
    assert "nothing" in notice and "supported" in notice


def test_jd_command_with_an_unreachable_endpoint_keeps_the_article_wording(monkeypatch, capsys):
    from rag.__main__ import main
    from tests.conftest import free_port

    monkeypatch.setenv("ROLEGUIDE_LLM", "openai")
    monkeypatch.setenv("ROLEGUIDE_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("ROLEGUIDE_LLM_MODEL", "absent")
    monkeypatch.setenv("ROLEGUIDE_LLM_TIMEOUT", "3")
    assert main(["jd", "采购员"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# 岗位说明书 · 采购员")
    assert "wording kept as in the article" in err
