"""Validate the eval cases in evals/cases/ against the article they are written for.

Run from the repo root: `python3 evals/check_cases.py`. Standard library only; it does not import the
project, so it can vet the data even when the code under test is broken. Prints counts per kind and every
problem found; exits 1 if there is any problem.

Checks: exact keys, ids in order, canonical role and field names, per-kind rules and minimum counts, and that
every must_contain phrase occurs verbatim in the article, inside the gold role's section (and inside the gold
field when one is given). A role's section runs from its numbered heading line to the next heading
(`2.4`, `三、`, `(二)`, `结语`, …); a field runs from its label line (`KPI 指标:…` or bare `KPI 指标`) to the
next label line. jd.jsonl's kpi_count is compared with the number of metric lines in the KPI field.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "evals" / "cases"
SEED_NAME = "000_c7806a285f499d96.txt"

ROLES = (
    "电商运营总监", "电商运营经理", "电商运营专员", "商家运营经理", "商家合规专员", "市场推广专员",
    "电商推广专员", "电商文案策划", "供应链总监", "采购经理", "采购员", "物流管理总监", "库存管理经理",
    "库存专员", "电商技术开发", "电商数据分析师", "电商客服主管", "营销总监", "采销总监", "产品评审专员",
    "算法推荐工程师", "作品评审专员", "仓储主管", "用户运营专员", "合规风控专员", "电商财务管理",
    "电商人力资源管理", "电商法务总监", "电商法务专员", "数据合规专员",
)
SHORT_ROLES = ("仓储主管", "用户运营专员", "合规风控专员")  # the 7.3.x roles: one body, no field labels
FIELDS = ("职责职能", "KPI 指标", "目标动机", "运作手法", "影响分析")
DESCRIPTION = "岗位描述"

ASK_KEYS = ("id", "kind", "lang", "question", "history", "role", "roles", "field", "covered", "must_contain")
JD_KEYS = ("id", "role", "must_contain", "kpi_count")
MATCH_KEYS = ("id", "lang", "profile", "acceptable")
MIN_PER_KIND = {
    "fact": 45, "number": 20, "kpi_list": 15, "compare": 10, "neighbour": 15, "followup": 10,
    "english": 25, "alias": 8, "overview": 3, "unanswerable": 25,
}
MIN_ASK, MIN_UNANSWERABLE_EN, MIN_MATCH, MIN_MATCH_EN = 170, 5, 24, 6
COPY_WINDOW = 12  # a question sharing this many consecutive characters with the article is copied, not paraphrased

_HEADING = re.compile(r"^(\d+(?:\.\d+)+|[一二三四五六七八九十]+、|结语\s*$|[(（][一二三四五六七八九十]+[)）])")
_NUMBERED = re.compile(r"^\d+(?:\.\d+)+")
_FIELD_LABEL = re.compile(r"^(职责职能|KPI\s*指标|目标动机|运作手法|影响分析)")
_KPI_NOTE = re.compile(r"^(红线指标|核心红线|备注)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def find_article(root: Path) -> Path:
    corpus = sorted((root / "corpus").glob("*.txt"))
    for path in corpus:
        if path.name == SEED_NAME:
            return path
    if corpus:
        return corpus[0]
    return root.parent / "shared" / "seeds" / SEED_NAME


def parse_sections(lines: list[str]) -> dict[str, dict]:
    """role → {"text": whole section, "fields": {field name: text}, "kpi_count": int}."""
    heads = [i for i, line in enumerate(lines) if _HEADING.match(line.strip())]
    sections = {}
    for role in ROLES:
        start = next((i for i in heads if _NUMBERED.match(lines[i].strip()) and role in lines[i]), None)
        if start is None:
            continue
        end = next((j for j in heads if j > start), len(lines))
        body = lines[start + 1:end]
        fields: dict[str, list[str]] = {}
        current = DESCRIPTION if role in SHORT_ROLES else None
        for line in body:
            label = _FIELD_LABEL.match(line.strip())
            if label and role not in SHORT_ROLES:
                current = "KPI 指标" if label.group(1).startswith("KPI") else label.group(1)
            if current:
                fields.setdefault(current, []).append(line)
        kpi_lines = [ln.strip() for ln in fields.get("KPI 指标", [])[1:] if ln.strip()]
        sections[role] = {
            "text": "\n".join(lines[start:end]),
            "fields": {name: "\n".join(text) for name, text in fields.items()},
            "kpi_count": sum(1 for ln in kpi_lines if not _KPI_NOTE.match(ln)),
        }
    return sections


def overview_text(lines: list[str]) -> str:
    """Everything outside the role chapters: title, intro, chapter 一, and the 结语."""
    first = next(i for i, line in enumerate(lines) if line.startswith("二、"))
    closing = next(i for i, line in enumerate(lines) if line.strip() == "结语")
    return "\n".join(lines[:first] + lines[closing:])


def load_jsonl(path: Path, problems: list[str]) -> list[dict]:
    rows = []
    if not path.exists():
        problems.append(f"{path.name}: missing")
        return rows
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            problems.append(f"{path.name}:{n}: blank line")
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{n}: bad JSON ({exc})")
    return rows


def _check_phrase_shape(cid: str, phrase: object, problems: list[str]) -> bool:
    if not isinstance(phrase, str) or not 2 <= len(phrase) <= 12:
        problems.append(f"{cid}: must_contain phrase {phrase!r} is not a 2–12 character string")
        return False
    return True


def _where(sections: dict, role: str, field: str | None) -> str:
    sec = sections[role]
    return sec["fields"].get(field, "") if field else sec["text"]


def check_ask(rows: list[dict], article: str, overview: str, sections: dict, problems: list[str]) -> Counter:
    kinds: Counter = Counter()
    role_uses: Counter = Counter()
    seen_questions: set[str] = set()
    unanswerable_en = 0
    for n, case in enumerate(rows, 1):
        cid = case.get("id", f"ask line {n}")
        if tuple(sorted(case)) != tuple(sorted(ASK_KEYS)):
            problems.append(f"{cid}: keys {sorted(case)} != {sorted(ASK_KEYS)}")
            continue
        if cid != f"ask-{n:03d}":
            problems.append(f"{cid}: expected id ask-{n:03d}")
        kind, lang, q, role, roles, field = (case[k] for k in ("kind", "lang", "question", "role", "roles", "field"))
        must, history, covered = case["must_contain"], case["history"], case["covered"]
        kinds[kind] += 1
        if kind not in MIN_PER_KIND:
            problems.append(f"{cid}: unknown kind {kind!r}")
        if lang not in ("zh", "en"):
            problems.append(f"{cid}: lang {lang!r}")
        if not isinstance(q, str) or not q.strip():
            problems.append(f"{cid}: empty question")
            continue
        if q in seen_questions:
            problems.append(f"{cid}: duplicate question")
        seen_questions.add(q)
        has_cjk = bool(_CJK.search(q))
        if (lang == "en") == has_cjk:
            problems.append(f"{cid}: lang {lang} but question {'has' if has_cjk else 'has no'} Chinese characters")
        if kind == "english" and lang != "en":
            problems.append(f"{cid}: english case must have lang en")
        if kind not in ("english", "overview", "unanswerable") and lang != "zh":
            problems.append(f"{cid}: {kind} case must have lang zh")
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            problems.append(f"{cid}: history must be a list of strings")
            history = []
        if not isinstance(must, list) or not isinstance(roles, list) or not isinstance(covered, bool):
            problems.append(f"{cid}: must_contain/roles must be lists, covered a bool")
            continue
        if role is not None and role not in ROLES:
            problems.append(f"{cid}: unknown role {role!r}")
            continue
        if any(r not in ROLES for r in roles):
            problems.append(f"{cid}: unknown role in roles {roles}")
            continue
        if field is not None and field not in FIELDS + (DESCRIPTION,):
            problems.append(f"{cid}: unknown field {field!r}")
            continue
        if field is not None and role is not None and (field == DESCRIPTION) != (role in SHORT_ROLES):
            problems.append(f"{cid}: field {field} does not fit role {role} (岗位描述 is only for the 7.3.x roles)")
            continue
        for i in range(len(q) - COPY_WINDOW + 1):
            if has_cjk and q[i:i + COPY_WINDOW] in article:
                problems.append(f"{cid}: question copies the article ({q[i:i + COPY_WINDOW]!r}…); paraphrase it")
                break
        for r in roles:
            role_uses[r] += 1

        if kind == "unanswerable":
            unanswerable_en += lang == "en"
            if covered or role is not None or field is not None or roles or must:
                problems.append(f"{cid}: unanswerable needs covered=false, role/field null, roles [] and must_contain []")
            continue
        if not covered:
            problems.append(f"{cid}: only unanswerable cases may have covered=false")
        if not 1 <= len(must) <= 3:
            problems.append(f"{cid}: must_contain needs 1–3 phrases, has {len(must)}")
        if not all(_check_phrase_shape(cid, p, problems) for p in must):
            continue
        for p in must:
            if p not in article:
                problems.append(f"{cid}: {p!r} not in the article")

        if kind == "overview":
            if role is not None or field is not None or roles:
                problems.append(f"{cid}: overview needs role/field null and roles []")
            for p in must:
                if p in article and p not in overview:
                    problems.append(f"{cid}: {p!r} is not in the overview chapter or the 结语")
            continue
        if role is None:
            problems.append(f"{cid}: {kind} case needs a role")
            continue
        if role not in sections:
            problems.append(f"{cid}: section for {role} not found in the article")
            continue

        if kind == "compare":
            if len(roles) != 2 or roles[0] != role or roles[0] == roles[1]:
                problems.append(f"{cid}: compare needs roles = [role, other role], got {roles}")
                continue
            covered_roles = set()
            for p in must:
                homes = [r for r in roles if p in _where(sections, r, field)]
                if not homes:
                    problems.append(f"{cid}: {p!r} not in the section{' field ' + field if field else ''} of {roles}")
                covered_roles.update(homes)
            if covered_roles != set(roles):
                problems.append(f"{cid}: must_contain needs a phrase from each of {roles}")
            continue

        if roles != [role]:
            problems.append(f"{cid}: roles must be [{role}], got {roles}")
        for p in must:
            if p in article and p not in sections[role]["text"]:
                problems.append(f"{cid}: {p!r} not in the {role} section")
            elif field and p in sections[role]["text"] and p not in sections[role]["fields"].get(field, ""):
                problems.append(f"{cid}: {p!r} is in the {role} section but not in its {field} field")
        if kind == "kpi_list" and (field != "KPI 指标" or not 2 <= len(must) <= 3):
            problems.append(f"{cid}: kpi_list needs field 'KPI 指标' and 2–3 KPI names")
        if kind == "number" and not any(re.search(r"\d", p) for p in must):
            problems.append(f"{cid}: number case must_contain has no number")
        if kind == "neighbour":
            unique = [p for p in must if all(p not in s["text"] for r, s in sections.items() if r != role)]
            if not unique:
                problems.append(f"{cid}: no must_contain phrase is unique to {role}; the case cannot tell neighbours apart")
        if kind == "followup":
            if not 1 <= len(history) <= 2 or not any(role in h for h in history):
                problems.append(f"{cid}: followup history needs 1–2 questions naming {role}")
            if role in q:
                problems.append(f"{cid}: followup question must not name {role}")
        if kind == "alias" and role in q:
            problems.append(f"{cid}: alias question uses the canonical name {role}")

    for kind, minimum in MIN_PER_KIND.items():
        if kinds[kind] < minimum:
            problems.append(f"ask.jsonl: {kinds[kind]} {kind} cases, need ≥{minimum}")
    if len(rows) < MIN_ASK:
        problems.append(f"ask.jsonl: {len(rows)} cases, need ≥{MIN_ASK}")
    if unanswerable_en < MIN_UNANSWERABLE_EN:
        problems.append(f"ask.jsonl: {unanswerable_en} English unanswerable cases, need ≥{MIN_UNANSWERABLE_EN}")
    for r in ROLES:
        if role_uses[r] < 2:
            problems.append(f"ask.jsonl: role {r} used {role_uses[r]} times, need ≥2")
    return kinds


def check_jd(rows: list[dict], sections: dict, problems: list[str]) -> None:
    if len(rows) != len(ROLES):
        problems.append(f"jd.jsonl: {len(rows)} lines, need exactly {len(ROLES)}")
    seen = Counter(row.get("role") for row in rows)
    for r in ROLES:
        if seen[r] != 1:
            problems.append(f"jd.jsonl: role {r} appears {seen[r]} times")
    for n, row in enumerate(rows, 1):
        cid = row.get("id", f"jd line {n}")
        if tuple(sorted(row)) != tuple(sorted(JD_KEYS)):
            problems.append(f"{cid}: keys {sorted(row)} != {sorted(JD_KEYS)}")
            continue
        if cid != f"jd-{n:02d}":
            problems.append(f"{cid}: expected id jd-{n:02d}")
        role, must, kpi_count = row["role"], row["must_contain"], row["kpi_count"]
        if role not in sections:
            problems.append(f"{cid}: unknown role or section not found: {role!r}")
            continue
        if not isinstance(must, list) or not 3 <= len(must) <= 5:
            problems.append(f"{cid}: must_contain needs 3–5 phrases")
            continue
        for p in must:
            if _check_phrase_shape(cid, p, problems) and p not in sections[role]["text"]:
                problems.append(f"{cid}: {p!r} not in the {role} section")
        expected = 0 if role in SHORT_ROLES else sections[role]["kpi_count"]
        if kpi_count != expected:
            problems.append(f"{cid}: kpi_count {kpi_count} but the article's KPI field of {role} has {expected} metric lines")


def check_match(rows: list[dict], problems: list[str]) -> None:
    if len(rows) < MIN_MATCH:
        problems.append(f"match.jsonl: {len(rows)} profiles, need ≥{MIN_MATCH}")
    english = 0
    for n, row in enumerate(rows, 1):
        cid = row.get("id", f"match line {n}")
        if tuple(sorted(row)) != tuple(sorted(MATCH_KEYS)):
            problems.append(f"{cid}: keys {sorted(row)} != {sorted(MATCH_KEYS)}")
            continue
        if cid != f"match-{n:02d}":
            problems.append(f"{cid}: expected id match-{n:02d}")
        lang, profile, acceptable = row["lang"], row["profile"], row["acceptable"]
        if lang not in ("zh", "en"):
            problems.append(f"{cid}: lang {lang!r}")
        english += lang == "en"
        if not isinstance(profile, str) or (lang == "en") == bool(_CJK.search(profile)):
            problems.append(f"{cid}: profile missing or in the wrong language")
            continue
        if not isinstance(acceptable, list) or not 1 <= len(acceptable) <= 3 or len(set(acceptable)) != len(acceptable):
            problems.append(f"{cid}: acceptable needs 1–3 distinct roles")
            continue
        for r in acceptable:
            if r not in ROLES:
                problems.append(f"{cid}: unknown role {r!r}")
        named = [r for r in ROLES if r in profile]
        if named:
            problems.append(f"{cid}: profile names article roles {named}")
    if english < MIN_MATCH_EN:
        problems.append(f"match.jsonl: {english} English profiles, need ≥{MIN_MATCH_EN}")


def main() -> int:
    problems: list[str] = []
    article_path = find_article(ROOT)
    article = article_path.read_text(encoding="utf-8")
    lines = article.splitlines()
    sections = parse_sections(lines)
    for r in ROLES:
        if r not in sections:
            problems.append(f"article: no section found for {r}")
    ask = load_jsonl(CASES / "ask.jsonl", problems)
    jd = load_jsonl(CASES / "jd.jsonl", problems)
    match = load_jsonl(CASES / "match.jsonl", problems)
    kinds = check_ask(ask, article, overview_text(lines), sections, problems)
    check_jd(jd, sections, problems)
    check_match(match, problems)

    print(f"article: {article_path}")
    print(f"ask.jsonl: {len(ask)} cases")
    for kind in MIN_PER_KIND:
        print(f"  {kind:<13}{kinds[kind]:>4}  (min {MIN_PER_KIND[kind]})")
    print(f"jd.jsonl: {len(jd)} roles · match.jsonl: {len(match)} profiles "
          f"({sum(r.get('lang') == 'en' for r in match)} English)")
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
