"""Discriminatory requirements in the lines a user adds to a job description (补充要求), with the law each breaks.

China's 就业促进法 (Employment Promotion Law) 第三条 forbids discrimination by 民族、种族、性别、宗教信仰 "等",
第二十六条 any 就业歧视 in hiring, and 第二十七–三十一条 name women (and marriage and childbirth), ethnic groups,
disabled people, carriers of infectious pathogens (乙肝) and rural workers (户籍); 妇女权益保障法 第四十三条 forbids
male-only or male-first hiring and asking about or conditioning on marriage and childbirth. Each pattern
matches a requirement on the candidate, not the topic: 男女不限 and 熟悉女性用户消费心理 pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NEUTRAL = re.compile(r"(?:男女|性别|年龄|户籍|地域|民族|婚育|学历)不限|不限(?:男女|性别|年龄|户籍|地域|民族)|男女均可")
_GENDER_WORD = r"(?:男|女)(?:性|士|生)?"


@dataclass(frozen=True)
class Ground:
    """A ground of discrimination: what a line asks for and the articles it conflicts with."""

    name: str
    pattern: re.Pattern[str]
    law: str


@dataclass(frozen=True)
class Concern:
    line: str
    ground: str
    matched: str
    law: str

    @property
    def message(self) -> str:
        return f"「{self.line}」涉及{self.ground}要求(“{self.matched}”),可能违反{self.law},建议删除或改为与岗位直接相关的要求。"


GROUNDS: tuple[Ground, ...] = (
    Ground(
        "性别",
        re.compile(
            rf"(?:限|仅限?|只|要求|须|必须)(?:招|录用|要)?{_GENDER_WORD}|{_GENDER_WORD}(?:优先|为主|即可|最佳|更佳)"
            rf"|^{_GENDER_WORD}(?=$|[,，、;；\s])|性别[:：\s]*(?:男|女)"
        ),
        "《就业促进法》第三条、第二十七条,《妇女权益保障法》第四十三条",
    ),
    Ground(
        "年龄",
        re.compile(r"\d{2}\s*(?:周岁|岁)|年龄|[0-9〇零一二三四五六七八九]0后|年轻|青年"),
        "《就业促进法》第三条、第二十六条",
    ),
    Ground(
        "婚育",
        re.compile(r"已婚|未婚|已育|未育|婚育|生育|怀孕|妊娠|孕期|婚姻|单身|结婚|二胎|三胎|有子女|无子女"),
        "《就业促进法》第二十七条,《妇女权益保障法》第四十三条",
    ),
    Ground(
        "户籍/地域",
        re.compile(r"户籍|户口|籍贯|本地人|外地人|非本地|本地户|农村|城镇户|[省市县]籍|(?:限|仅限|只招)[^,，。;；]{1,6}(?:人|籍)"),
        "《就业促进法》第二十六条、第三十一条",
    ),
    Ground(
        "民族",
        re.compile(r"民族|种族|汉族|(?:维吾尔|回|藏|蒙古|壮|苗|彝|满|朝鲜|哈萨克)族"),
        "《就业促进法》第三条、第二十八条",
    ),
    Ground("宗教信仰", re.compile(r"宗教|信仰|信教|穆斯林|基督徒|佛教徒"), "《就业促进法》第三条、第二十六条"),
    Ground(
        "健康/乙肝",
        re.compile(r"乙肝|肝炎|病原携带|传染病|携带者|艾滋|HIV|残疾|残障|身体健全|四肢健全|身体健康|身心健康|健康状况|无(?:重大)?病史"),
        "《就业促进法》第二十六条、第二十九条、第三十条",
    ),
)


def check_lines(lines: Sequence[str]) -> list[Concern]:
    """One concern per line and ground it touches, in line order; lines that state no such requirement pass."""
    concerns = []
    for raw in lines:
        line = raw.strip()
        text = _NEUTRAL.sub("", line)
        for ground in GROUNDS:
            if m := ground.pattern.search(text):
                concerns.append(Concern(line, ground.name, m.group(0), ground.law))
    return concerns
