"""rag.fairness: each listed ground of discrimination is flagged with its law; neutral lines pass."""

from __future__ import annotations

import pytest

from rag.fairness import check_lines

EMPLOYMENT = "《就业促进法》"
WOMEN = "《妇女权益保障法》第四十三条"


@pytest.mark.parametrize(
    ("line", "ground", "matched", "law"),
    [
        ("限男性", "性别", "限男性", f"{EMPLOYMENT}第三条、第二十七条,{WOMEN}"),
        ("女士优先", "性别", "女士优先", f"{EMPLOYMENT}第三条、第二十七条,{WOMEN}"),
        ("性别:男", "性别", "性别:男", f"{EMPLOYMENT}第三条、第二十七条,{WOMEN}"),
        ("年龄35岁以下", "年龄", "年龄", f"{EMPLOYMENT}第三条、第二十六条"),
        ("90后优先", "年龄", "90后", f"{EMPLOYMENT}第三条、第二十六条"),
        ("已婚已育", "婚育", "已婚", f"{EMPLOYMENT}第二十七条,{WOMEN}"),
        ("近两年无生育计划", "婚育", "生育", f"{EMPLOYMENT}第二十七条,{WOMEN}"),
        ("限本地户籍", "户籍/地域", "限本地户籍", f"{EMPLOYMENT}第二十六条、第三十一条"),
        ("只招广东人", "户籍/地域", "只招广东人", f"{EMPLOYMENT}第二十六条、第三十一条"),
        ("仅限汉族", "民族", "汉族", f"{EMPLOYMENT}第三条、第二十八条"),
        ("无宗教信仰", "宗教信仰", "宗教", f"{EMPLOYMENT}第三条、第二十六条"),
        ("乙肝携带者勿扰", "健康/乙肝", "乙肝", f"{EMPLOYMENT}第二十六条、第二十九条、第三十条"),
        ("身体健康,无残疾", "健康/乙肝", "身体健康", f"{EMPLOYMENT}第二十六条、第二十九条、第三十条"),
    ],
)
def test_each_ground_is_flagged_with_the_law_it_conflicts_with(line: str, ground: str, matched: str, law: str) -> None:
    concerns = check_lines([line])
    assert [(c.line, c.ground, c.matched, c.law) for c in concerns][:1] == [(line, ground, matched, law)]
    assert concerns[0].message == f"「{line}」涉及{ground}要求(“{matched}”),可能违反{law},建议删除或改为与岗位直接相关的要求。"


def test_a_line_touching_two_grounds_gets_both() -> None:
    assert [(c.ground, c.matched) for c in check_lines(["男性,35周岁以内"])] == [("性别", "男性"), ("年龄", "35周岁")]


@pytest.mark.parametrize(
    "line",
    [
        "熟练使用 SAP",
        "3年以上采购经验",
        "本科及以上学历",
        "男女不限",
        "年龄不限,经验优先",
        "熟悉女性用户消费心理",
        "能适应出差和夜班",
        "持有叉车证",
        "熟悉华东市场",
        "有快消行业经验优先",
        "英语六级,能读英文合同",
    ],
)
def test_neutral_lines_pass(line: str) -> None:
    assert check_lines([line]) == []
