"""Which headings open roles, and what a role heading says: its name, subtitle and business mode.

A heading opens a role when its own lines hold field labels (the deepest such heading), when it is a
`岗位名称:…` label, when its name is a job title (…专员, …经理, …主播) and nothing below it is a role, or
when it is a numbered leaf of the same kind as the document's other roles ("where roles sit"). Closing
sections and parts such as 概述 / 附则 are article-level; headings above roles are chapters and groups.
"""

from __future__ import annotations

import re

from ingest.fields import line_label
from ingest.outline import Heading

_ROLE_NAME = re.compile(
    r"(总监|经理|主管|专员|助理|工程师|分析师|设计师|策划|主播|顾问|专家|编辑|买手|组长|店长|负责人|代表|员|师|官)$"
)
_ARTICLE_PART = re.compile(r"(概述|前言|引言|导读|目录|说明|总则|附则|附录|背景|简介|介绍)$")


def find_roles(headings: list[Heading]) -> set[int]:
    """The headings that open roles (by id): holds field labels, is named like a job, or sits where roles sit."""
    labelled = {id(h) for h in headings if any(line_label(ln) for ln in h.body)}
    named = {id(h) for h in headings if _ROLE_NAME.search(role_heading(h.marker.title)[0]) or h.marker.names_role}
    strong = {id(h) for h in headings if id(h) in labelled and not _below(h, labelled)}
    role_keys = {h.marker.key for h in headings if id(h) in strong}
    roles: set[int] = set()

    def visit(h: Heading) -> None:
        m = h.marker
        if m.closing:
            return
        if id(h) in strong or m.names_role:
            roles.add(id(h))
        elif _ARTICLE_PART.search(m.title):
            pass
        elif (id(h) in named and not _below(h, labelled | named)) or (
            not h.children and m.number and m.key in role_keys
        ):
            roles.add(id(h))
        if id(h) not in roles:
            for child in h.children:
                visit(child)

    for h in headings:
        if h.parent is None:
            visit(h)
    return roles


def _below(h: Heading, ids: set[int]) -> bool:
    return any(id(c) in ids or _below(c, ids) for c in h.children)


def role_heading(rest: str) -> tuple[str, str | None, str | None]:
    """`电商运营总监:战略规划…` / `直营电商-仓储主管(衔接…)` / `库存管理经理(直营电商):…` → name, subtitle, mode."""
    head, subtitle = _split_colon(rest)
    qualifier = None
    if m := re.search(r"[(（]([^)）]*)[)）]$", head):
        qualifier, head = m.group(1).strip(), head[: m.start()].strip()
    prefix = None
    if "-" in head:
        prefix, head = (part.strip() for part in head.split("-", 1))
    found = business_mode(" ".join(p for p in (prefix, qualifier, subtitle) if p))
    return head, subtitle or qualifier, found


def _split_colon(text: str) -> tuple[str, str]:
    head, _, tail = text.replace("：", ":").partition(":")
    return head.strip(), tail.strip()


_PLATFORM = re.compile(r"平台型|平台电商|平台模式")  # the model, not any platform ("平台稳定与创新的保障")


def business_mode(text: str) -> str | None:
    """The business model a heading names: 直营, 平台型, or 通用 (both, or said so)."""
    platform = bool(_PLATFORM.search(text))
    if "通用" in text or ("直营" in text and (platform or "平台" in text)):
        return "通用"
    if "直营" in text:
        return "直营"
    return "平台型" if platform else None
