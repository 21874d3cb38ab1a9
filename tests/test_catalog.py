"""rag.catalog: lookup by canonical name, alias, English name and close variant; mentions in a question."""

from __future__ import annotations

import pytest

from rag.catalog import UnknownRole


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("电商运营总监", "电商运营总监"),
        ("运营总监", "电商运营总监"),
        ("库存经理", "库存管理经理"),
        ("物流总监", "物流管理总监"),
        ("HR", "电商人力资源管理"),
        ("Purchasing Manager", "采购经理"),
        ("法务总监", "电商法务总监"),
        ("采销总监 ", "采销总监"),
    ],
)
def test_role_lookup_by_name_alias_or_english(catalog, text, role):
    assert catalog.role(text).name == role


def test_unknown_role_names_close_options(catalog):
    with pytest.raises(UnknownRole) as caught:
        catalog.role("直播带货运营")
    assert caught.value.suggestions[:3] and all(s in catalog.names for s in caught.value.suggestions)
    assert "运营" in "".join(caught.value.suggestions[:2])
    assert "did you mean" in str(caught.value)


def test_mentions_prefer_the_longest_name_and_keep_order(catalog):
    assert catalog.mentions("电商运营总监和运营经理的区别") == ["电商运营总监", "电商运营经理"]
    assert catalog.mentions("采购员要向采购经理汇报吗") == ["采购员", "采购经理"]
    assert catalog.mentions("What does an HR manager do?") == ["电商人力资源管理"]
    assert catalog.mentions("thread 不是 hr") == ["电商人力资源管理"]
    assert catalog.mentions("今天天气怎么样") == []


def test_english_hyphens_count_as_spaces_in_role_mentions(catalog):
    assert catalog.mentions("Which risk areas does the compliance and risk-control specialist review?") == ["合规风控专员"]
    assert catalog.mentions("what does an e-commerce data-analyst do") == ["电商数据分析师"]


def test_english_role_names_in_the_plural_name_their_role(catalog):
    assert catalog.mentions("How do data analysts and copywriters differ?") == ["电商数据分析师", "电商文案策划"]
    assert catalog.mentions("What do buyers check before ordering?") == ["采购员"]
    assert catalog.mentions("engineering teams and their businesses") == []  # another word, not a plural
