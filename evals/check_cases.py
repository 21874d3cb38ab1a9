"""Validate the eval cases in evals/cases/ against the article they are written for.

Run from the repo root: `python3 evals/check_cases.py`. Standard library only; it does not import the
project, so it can vet the data even when the code under test is broken. Prints counts per kind and split and
every problem found; exits 1 if there is any problem.

Files: the two question splits `ask.dev.jsonl` and `ask.test.jsonl` (same schema and rules, quotas enforced per
file; a missing split is a problem but the other one is still checked fully), `jd.jsonl`, `match.jsonl` and the
two job-seeker profile splits `match.dev.jsonl` and `match.test.jsonl` (keys, ids, kinds and levels, canonical
roles at the person's level, wants/avoids copied from the profile, no role name or alias in the profile, quotas
per split, no profile repeated within, across the splits or from the old match.jsonl).

Checks: exact keys, ids in order (`dev-001`…, `test-001`…), canonical role and field names, per-kind rules and
minimum counts, quotas per split (size, English share, unanswerable share, described-role share, role spread),
that every must_contain phrase occurs verbatim in the article inside the gold role's section (and inside the
gold field when one is given), that zh questions paraphrase instead of copying the article, that `names_role`
agrees with the text, and that no question repeats within a split or across the two splits. A role's section
runs from its numbered heading line to the next heading (`2.4`, `三、`, `(二)`, `结语`, …); a field runs from
its label line (`KPI 指标:…` or bare `KPI 指标`) to the next label line. jd.jsonl's kpi_count is compared with the
number of metric lines in the KPI field.
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

ASK_KEYS = ("id", "kind", "lang", "question", "history", "role", "roles", "field", "covered", "must_contain",
            "names_role")
JD_KEYS = ("id", "role", "must_contain", "kpi_count")
MATCH_KEYS = ("id", "lang", "profile", "acceptable")
ASK_SPLITS = (("ask.dev.jsonl", "dev"), ("ask.test.jsonl", "test"))  # file name, id prefix
MIN_PER_KIND = {
    "fact": 35, "number": 15, "list_all": 20, "jd_request": 12, "compare": 15, "which_roles": 12,
    "followup": 10, "overview": 4, "unanswerable": 30,
}
FIELD_REQUIRED_KINDS = ("fact", "list_all", "jd_request")
DESCRIBED_KINDS = ("fact", "number", "list_all", "jd_request", "compare", "followup")  # each needs described cases
MIN_ASK = 200
MIN_EN_SHARE, MIN_UNANSWERABLE_SHARE, MIN_DESCRIBED_SHARE = 0.20, 0.15, 0.40
MIN_UNANSWERABLE_EN, MIN_LIST_ALL_EN, MIN_DESCRIBED_PER_KIND, MIN_ROLE_USES = 6, 5, 2, 2
MAX_WHICH_ROLES = 6
MIN_MATCH, MIN_MATCH_EN = 24, 6
COPY_WINDOW = 8  # a zh question sharing this many consecutive characters with the article copies it

# Job-seeker profile splits for rank_roles (file name, id prefix).
MATCH_SPLITS = (("match.dev.jsonl", "mdev"), ("match.test.jsonl", "mtest"))
MATCH_SPLIT_KEYS = ("id", "lang", "kind", "level", "profile", "acceptable", "wants", "avoids", "has_skills")
MATCH_KINDS = ("graduate", "colloquial", "mid", "senior", "changer", "english", "vague")
LEVELS = ("entry", "mid", "senior")
KIND_LEVEL = {"graduate": "entry", "mid": "mid", "senior": "senior"}  # kinds whose level is fixed
# The level(s) of person each role suits: 专员/员 roles entry, 经理/主管 mid, 总监 senior. The three technical
# specialist roles suit juniors and experienced (mid) people; 财务管理 and 人力资源管理 are the article's only finance
# and HR roles, so they take finance/HR people of every level.
_ENTRY, _MID, _SENIOR = {"entry"}, {"mid"}, {"senior"}
ROLE_LEVELS = {
    "电商运营总监": _SENIOR, "电商运营经理": _MID, "电商运营专员": _ENTRY, "商家运营经理": _MID, "商家合规专员": _ENTRY,
    "市场推广专员": _ENTRY, "电商推广专员": _ENTRY, "电商文案策划": _ENTRY, "供应链总监": _SENIOR, "采购经理": _MID,
    "采购员": _ENTRY, "物流管理总监": _SENIOR, "库存管理经理": _MID, "库存专员": _ENTRY,
    "电商技术开发": {"entry", "mid"}, "电商数据分析师": {"entry", "mid"}, "电商客服主管": _MID, "营销总监": _SENIOR,
    "采销总监": _SENIOR, "产品评审专员": _ENTRY, "算法推荐工程师": {"entry", "mid"}, "作品评审专员": _ENTRY,
    "仓储主管": _MID, "用户运营专员": _ENTRY, "合规风控专员": _ENTRY, "电商财务管理": set(LEVELS),
    "电商人力资源管理": set(LEVELS), "电商法务总监": _SENIOR, "电商法务专员": _ENTRY, "数据合规专员": _ENTRY,
}
# A role one level off the person's level is acceptable (never first) only when the profile says so explicitly.
STEP_MARKERS = ("从基础", "从头开始", "不用带人", "不想带人", "不想管人", "降一级", "往上走", "更高的位置",
                "step down", "step up", "entry-level is fine", "no longer manage")
# Quotas for match.test.jsonl; match.dev.jsonl gets the same proportions of a 50-profile file (rounded up).
MATCH_TEST_MIN = {"total": 64, "colloquial": 20, "changer": 6, "english": 6, "vague": 4, "graduate": 8,
                  "level mid": 10, "level senior": 8, "first roles": 22}
MATCH_DEV_TOTAL = 50

_HEADING = re.compile(r"^(\d+(?:\.\d+)+|[一二三四五六七八九十]+、|结语\s*$|[(（][一二三四五六七八九十]+[)）])")
_NUMBERED = re.compile(r"^\d+(?:\.\d+)+")
_FIELD_LABEL = re.compile(r"^(职责职能|KPI\s*指标|目标动机|运作手法|影响分析)")
_KPI_NOTE = re.compile(r"^(红线指标|核心红线|备注)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s+")


def find_article(root: Path) -> Path:
    corpus = sorted((root / "corpus").glob("*.txt"))
    for path in corpus:
        if path.name == SEED_NAME:
            return path
    if corpus:
        return corpus[0]
    return root.parent / "shared" / "seeds" / SEED_NAME


def load_aliases(article_path: Path, problems: list[str]) -> dict[str, list[str]]:
    """role → aliases from the article's .meta.json (RoleGuide's own short and English names)."""
    meta = article_path.with_suffix(".meta.json")
    try:
        aliases = json.loads(meta.read_text(encoding="utf-8")).get("aliases", {})
    except (OSError, json.JSONDecodeError) as exc:
        problems.append(f"{meta.name}: cannot read aliases ({exc})")
        return {}
    return {r: [a for a in aliases.get(r, []) if isinstance(a, str) and a.strip()] for r in ROLES}


def derived_short_forms(role: str) -> set[str]:
    """Obvious short forms: without leading 电商; 管理总监→总监, 管理经理→经理; 管理 dropped."""
    forms = {role}
    if role.startswith("电商") and len(role) > 4:
        forms.add(role[2:])
    for form in list(forms):
        for long, short in (("管理总监", "总监"), ("管理经理", "经理")):
            if long in form:
                forms.add(form.replace(long, short))
    for form in list(forms):
        if "管理" in form and len(form.replace("管理", "")) >= 2:
            forms.add(form.replace("管理", ""))
    return forms


def role_terms(aliases: dict[str, list[str]]) -> dict[str, list[str]]:
    """role → every string that names it: canonical name, derived short forms, meta.json aliases."""
    return {r: sorted(derived_short_forms(r) | set(aliases.get(r, [])), key=len, reverse=True) for r in ROLES}


def has_term(text: str, term: str) -> bool:
    if _LATIN.search(term):  # English alias: case-insensitive, whole words
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None
    return term in text


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


def normalise_question(q: str) -> str:
    return _SPACE.sub("", q).lower()


class AskContext:
    """What the ask checks need from the article, computed once for both splits."""

    def __init__(self, article: str, lines: list[str], sections: dict, aliases: dict[str, list[str]]):
        self.article = article
        self.overview = overview_text(lines)
        self.sections = sections
        self.terms = role_terms(aliases)
        flat = _SPACE.sub("", article)
        self.grams = {flat[i:i + COPY_WINDOW] for i in range(len(flat) - COPY_WINDOW + 1)}
        self.names_longest_first = sorted(ROLES, key=len, reverse=True)

    def copied_run(self, text: str) -> str | None:
        """First run of COPY_WINDOW characters shared with the article, role names aside (whitespace ignored)."""
        flat = _SPACE.sub("", text)
        for name in self.names_longest_first:
            flat = flat.replace(name, "\x00")
        for i in range(len(flat) - COPY_WINDOW + 1):
            if flat[i:i + COPY_WINDOW] in self.grams:
                return flat[i:i + COPY_WINDOW]
        return None

    def named(self, text: str, roles) -> list[str]:
        """The naming strings (names, aliases, short forms) of `roles` found in text."""
        return sorted({t for r in roles for t in self.terms[r] if has_term(text, t)})


def check_ask(split: str, prefix: str, rows: list[dict], ctx: AskContext, problems: list[str]) -> dict:
    """Check one question split; returns its stats for the summary."""
    sections = ctx.sections
    kinds: Counter = Counter()
    langs: Counter = Counter()
    role_uses: Counter = Counter()
    described_by_kind: Counter = Counter()
    list_all_fields: Counter = Counter()
    seen_questions: dict[str, str] = {}  # normalised → as written
    unanswerable_en = list_all_en = with_role = described = 0
    for n, case in enumerate(rows, 1):
        if not isinstance(case, dict):
            problems.append(f"{split}:line {n}: not a JSON object")
            continue
        cid = f"{split}:{case.get('id', f'line {n}')}"
        if tuple(sorted(case)) != tuple(sorted(ASK_KEYS)):
            problems.append(f"{cid}: keys {sorted(case)} != {sorted(ASK_KEYS)}")
            continue
        if case["id"] != f"{prefix}-{n:03d}":
            problems.append(f"{cid}: expected id {prefix}-{n:03d}")
        kind, lang, q, role, roles, field = (case[k] for k in ("kind", "lang", "question", "role", "roles", "field"))
        must, history, covered, names_role = case["must_contain"], case["history"], case["covered"], case["names_role"]
        kinds[kind if isinstance(kind, str) else repr(kind)] += 1
        langs[lang if isinstance(lang, str) else repr(lang)] += 1
        if kind not in MIN_PER_KIND:
            problems.append(f"{cid}: unknown kind {kind!r}")
            continue
        if lang not in ("zh", "en"):
            problems.append(f"{cid}: lang {lang!r}")
        if not isinstance(q, str) or not q.strip():
            problems.append(f"{cid}: empty question")
            continue
        key = normalise_question(q)
        if key in seen_questions:
            problems.append(f"{cid}: duplicate question within {split}")
        seen_questions.setdefault(key, q)
        if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
            problems.append(f"{cid}: history must be a list of non-empty strings")
            history = []
        for text in [q] + history:
            has_cjk = bool(_CJK.search(text))
            if (lang == "en") == has_cjk:
                problems.append(f"{cid}: lang {lang} but {text[:30]!r} {'has' if has_cjk else 'has no'} Chinese characters")
            if lang == "zh" and has_cjk:
                run = ctx.copied_run(text)
                if run:
                    problems.append(f"{cid}: {text[:20]!r}… copies the article ({run!r}); paraphrase it")
        if not isinstance(must, list) or not isinstance(roles, list) or not isinstance(covered, bool) \
                or not isinstance(names_role, bool):
            problems.append(f"{cid}: must_contain/roles must be lists, covered and names_role bools")
            continue
        if history and kind not in ("followup", "unanswerable"):
            problems.append(f"{cid}: only followup (and unanswerable) cases carry a history")
        if role is not None and role not in ROLES:
            problems.append(f"{cid}: unknown role {role!r}")
            continue
        if any(not isinstance(r, str) or r not in ROLES for r in roles) or len(set(roles)) != len(roles):
            problems.append(f"{cid}: unknown or repeated role in roles {roles}")
            continue
        if field is not None and field not in FIELDS + (DESCRIPTION,):
            problems.append(f"{cid}: unknown field {field!r}")
            continue
        if not all(_check_phrase_shape(cid, p, problems) for p in must):
            continue
        for r in set(roles) | ({role} if role else set()):
            role_uses[r] += 1

        # names_role: does the question (or its history) name the role, or only describe it?
        text = "\n".join([q] + history)
        named_any = ctx.named(text, ROLES)
        if names_role and not ctx.named(text, roles or ([role] if role else ROLES)):
            problems.append(f"{cid}: names_role true but no name, alias or short form of {roles or role or 'any role'}"
                            " in the question or history")
        if not names_role and named_any:
            problems.append(f"{cid}: names_role false but the text names a role: {named_any}")
        if role is not None or kind == "compare":
            with_role += 1
            if not names_role:
                described += 1
                described_by_kind[kind] += 1

        if kind == "unanswerable":
            unanswerable_en += lang == "en"
            if covered or field is not None or roles or must:
                problems.append(f"{cid}: unanswerable needs covered=false, field null, roles [] and must_contain []")
            continue
        if not covered:
            problems.append(f"{cid}: only unanswerable cases may have covered=false")
        for p in must:
            if p not in ctx.article:
                problems.append(f"{cid}: {p!r} not in the article")

        if kind == "overview":
            if role is not None or field is not None or roles:
                problems.append(f"{cid}: overview needs role/field null and roles []")
            if not 1 <= len(must) <= 4:
                problems.append(f"{cid}: overview needs 1–4 must_contain phrases")
            for p in must:
                if p in ctx.article and p not in ctx.overview:
                    problems.append(f"{cid}: {p!r} is not in the overview chapter or the 结语")
            continue
        if any(r not in sections for r in roles) or (role is not None and role not in sections):
            problems.append(f"{cid}: section for {roles or role} not found in the article")
            continue
        if field is not None:
            for r in roles:
                if field not in sections[r]["fields"]:
                    problems.append(f"{cid}: {r} has no {field} field")

        if kind == "which_roles":
            if role is not None or not 2 <= len(roles) <= MAX_WHICH_ROLES:
                problems.append(f"{cid}: which_roles needs role null and 2–{MAX_WHICH_ROLES} roles, got {roles}")
            if len(must) > len(roles):
                problems.append(f"{cid}: which_roles takes at most one must_contain phrase per role")
            for p in must:
                if not any(p in _where(sections, r, field) for r in roles):
                    problems.append(f"{cid}: {p!r} not in the section{' field ' + field if field else ''} of any of {roles}")
            continue

        if kind == "compare":
            if len(roles) < 2 or roles[0] != role:
                problems.append(f"{cid}: compare needs roles = [role, other role(s)], got role {role} roles {roles}")
                continue
            if not len(roles) <= len(must) <= 2 * len(roles):
                problems.append(f"{cid}: compare needs {len(roles)}–{2 * len(roles)} must_contain phrases")
            covered_roles = set()
            for p in must:
                homes = [r for r in roles if p in _where(sections, r, field)]
                if not homes:
                    problems.append(f"{cid}: {p!r} not in the section{' field ' + field if field else ''} of {roles}")
                covered_roles.update(homes)
            if covered_roles != set(roles):
                problems.append(f"{cid}: must_contain needs a phrase from each of {roles}")
            continue

        # single-role kinds: fact, number, list_all, jd_request, followup
        if role is None:
            problems.append(f"{cid}: {kind} case needs a role")
            continue
        if roles != [role]:
            problems.append(f"{cid}: roles must be [{role}], got {roles}")
        if field is not None and (field == DESCRIPTION) != (role in SHORT_ROLES):
            problems.append(f"{cid}: field {field} does not fit role {role} (岗位描述 is only for the 7.3.x roles)")
            continue
        if kind in FIELD_REQUIRED_KINDS and field is None:
            problems.append(f"{cid}: {kind} case needs a field")
        low, high = (2, 4) if kind in ("list_all", "jd_request") else (1, 4)
        if not low <= len(must) <= high:
            problems.append(f"{cid}: {kind} needs {low}–{high} must_contain phrases, has {len(must)}")
        for p in must:
            if p in ctx.article and p not in sections[role]["text"]:
                problems.append(f"{cid}: {p!r} not in the {role} section")
            elif field and p in sections[role]["text"] and p not in sections[role]["fields"].get(field, ""):
                problems.append(f"{cid}: {p!r} is in the {role} section but not in its {field} field")
        if kind == "list_all":
            list_all_fields[field] += 1
            list_all_en += lang == "en"
        if kind == "jd_request" and field not in ("职责职能", DESCRIPTION):
            problems.append(f"{cid}: jd_request needs field 职责职能 (岗位描述 for the 7.3.x roles)")
        if kind == "number" and not any(re.search(r"\d", p) for p in must):
            problems.append(f"{cid}: number case must_contain has no number")
        if kind == "followup":
            if not 1 <= len(history) <= 2:
                problems.append(f"{cid}: followup needs 1–2 earlier questions in history")
            if ctx.named(q, [role]):
                problems.append(f"{cid}: followup question names {role} itself; it should refer back")
            if names_role and not ctx.named("\n".join(history), [role]):
                problems.append(f"{cid}: names_role true but the history does not name {role}")

    total = len(rows)
    for kind, minimum in MIN_PER_KIND.items():
        if kinds[kind] < minimum:
            problems.append(f"{split}: {kinds[kind]} {kind} cases, need ≥{minimum}")
    if total < MIN_ASK:
        problems.append(f"{split}: {total} cases, need ≥{MIN_ASK}")
    if total and langs["en"] / total < MIN_EN_SHARE:
        problems.append(f"{split}: English share {langs['en'] / total:.0%}, need ≥{MIN_EN_SHARE:.0%}")
    if total and kinds["unanswerable"] / total < MIN_UNANSWERABLE_SHARE:
        problems.append(f"{split}: unanswerable share {kinds['unanswerable'] / total:.0%}, need ≥{MIN_UNANSWERABLE_SHARE:.0%}")
    if unanswerable_en < MIN_UNANSWERABLE_EN:
        problems.append(f"{split}: {unanswerable_en} English unanswerable cases, need ≥{MIN_UNANSWERABLE_EN}")
    if with_role and described / with_role < MIN_DESCRIBED_SHARE:
        problems.append(f"{split}: {described}/{with_role} role cases describe the role (names_role false), "
                        f"need ≥{MIN_DESCRIBED_SHARE:.0%}")
    for kind in DESCRIBED_KINDS:
        if described_by_kind[kind] < MIN_DESCRIBED_PER_KIND:
            problems.append(f"{split}: {described_by_kind[kind]} {kind} cases with names_role false, "
                            f"need ≥{MIN_DESCRIBED_PER_KIND}")
    if list_all_en < MIN_LIST_ALL_EN:
        problems.append(f"{split}: {list_all_en} English list_all cases, need ≥{MIN_LIST_ALL_EN}")
    missing_fields = [f for f in FIELDS if not list_all_fields[f]]
    if rows and missing_fields:
        problems.append(f"{split}: list_all cases do not cover the fields {missing_fields}")
    for r in ROLES:
        if rows and role_uses[r] < MIN_ROLE_USES:
            problems.append(f"{split}: role {r} used {role_uses[r]} times, need ≥{MIN_ROLE_USES}")
    return {"total": total, "kinds": kinds, "langs": langs, "with_role": with_role, "described": described,
            "questions": seen_questions}


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



def match_quotas(split: str) -> dict[str, int]:
    """The test quotas, or for the dev split the same proportions of MATCH_DEV_TOTAL profiles, rounded up."""
    if split == "match.test.jsonl":
        return dict(MATCH_TEST_MIN)
    base = MATCH_TEST_MIN["total"]
    return {k: -(-v * MATCH_DEV_TOTAL // base) for k, v in MATCH_TEST_MIN.items()}


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)


def check_match_split(split: str, prefix: str, rows: list[dict], ctx: AskContext, problems: list[str]) -> dict:
    """One job-seeker profile split: per-row rules and the split's quotas; returns its stats for the summary."""
    kinds: Counter = Counter()
    levels: Counter = Counter()
    langs: Counter = Counter()
    firsts: Counter = Counter()
    seen: dict[str, str] = {}  # normalised profile → id
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            problems.append(f"{split}:line {n}: not a JSON object")
            continue
        cid = f"{split}:{row.get('id', f'line {n}')}"
        if tuple(sorted(row)) != tuple(sorted(MATCH_SPLIT_KEYS)):
            problems.append(f"{cid}: keys {sorted(row)} != {sorted(MATCH_SPLIT_KEYS)}")
            continue
        if row["id"] != f"{prefix}-{n:02d}":
            problems.append(f"{cid}: expected id {prefix}-{n:02d}")
        lang, kind, level, profile, acceptable = (row[k] for k in ("lang", "kind", "level", "profile", "acceptable"))
        wants, avoids, skills = row["wants"], row["avoids"], row["has_skills"]
        if lang not in ("zh", "en"):
            problems.append(f"{cid}: lang {lang!r}")
        if kind not in MATCH_KINDS:
            problems.append(f"{cid}: unknown kind {kind!r}")
        if level not in LEVELS:
            problems.append(f"{cid}: unknown level {level!r}")
        if kind not in MATCH_KINDS or level not in LEVELS or lang not in ("zh", "en"):
            continue
        kinds[kind] += 1
        levels[level] += 1
        langs[lang] += 1
        if kind in KIND_LEVEL and level != KIND_LEVEL[kind]:
            problems.append(f"{cid}: kind {kind} needs level {KIND_LEVEL[kind]}, got {level}")
        if kind == "english" and lang != "en":
            problems.append(f"{cid}: kind english needs lang en")
        if not isinstance(profile, str) or len(profile.strip()) < 10:
            problems.append(f"{cid}: profile missing or too short")
            continue
        if (lang == "en") == bool(_CJK.search(profile)):
            problems.append(f"{cid}: lang {lang} but the profile {'has' if _CJK.search(profile) else 'has no'} "
                            "Chinese characters")
        named = ctx.named(profile, ROLES)
        if named:
            problems.append(f"{cid}: profile names article roles {named}")
        key = normalise_question(profile)
        if key in seen:
            problems.append(f"{cid}: same profile as {seen[key]}")
        seen.setdefault(key, row["id"])

        if not isinstance(acceptable, list) or not 1 <= len(acceptable) <= 3 \
                or len(set(map(str, acceptable))) != len(acceptable):
            problems.append(f"{cid}: acceptable needs 1–3 distinct roles")
            continue
        unknown = [r for r in acceptable if r not in ROLES]
        if unknown:
            problems.append(f"{cid}: unknown role(s) {unknown} in acceptable (use the canonical names)")
            continue
        firsts[acceptable[0]] += 1
        if level not in ROLE_LEVELS[acceptable[0]]:
            problems.append(f"{cid}: best role {acceptable[0]} does not suit level {level}")
        stepping = any(m in profile.lower() for m in STEP_MARKERS)
        for r in acceptable[1:]:
            if level in ROLE_LEVELS[r]:
                continue
            adjacent = any(abs(LEVELS.index(level) - LEVELS.index(lv)) == 1 for lv in ROLE_LEVELS[r])
            if not (stepping and adjacent):
                problems.append(f"{cid}: {r} does not suit level {level} (allowed one level off only when the "
                                f"profile asks for a step down/up: {STEP_MARKERS[:4]}…)")

        for name, value in (("wants", wants), ("avoids", avoids), ("has_skills", skills)):
            if not _str_list(value) or len(set(value)) != len(value):
                problems.append(f"{cid}: {name} must be a list of distinct non-empty strings")
                break
        else:
            for name, value in (("wants", wants), ("avoids", avoids)):
                for phrase in value:
                    if phrase.lower() not in profile.lower():
                        problems.append(f"{cid}: {name} phrase {phrase!r} is not copied from the profile")

    quotas = match_quotas(split)
    total = len(rows)
    counts = {"total": total, "level mid": levels["mid"], "level senior": levels["senior"], "first roles": len(firsts),
              **{k: kinds[k] for k in MATCH_KINDS}}
    for key, minimum in quotas.items():
        if counts.get(key, 0) < minimum:
            problems.append(f"{split}: {counts.get(key, 0)} {key if key != 'total' else 'profiles'}"
                            f"{' (distinct first acceptable roles)' if key == 'first roles' else ''}, need ≥{minimum}")
    return {"total": total, "kinds": kinds, "levels": levels, "langs": langs, "firsts": firsts, "profiles": seen,
            "quotas": quotas}


def main() -> int:
    problems: list[str] = []
    article_path = find_article(ROOT)
    article = article_path.read_text(encoding="utf-8")
    lines = article.splitlines()
    sections = parse_sections(lines)
    for r in ROLES:
        if r not in sections:
            problems.append(f"article: no section found for {r}")
    ctx = AskContext(article, lines, sections, load_aliases(article_path, problems))
    stats = {}
    for name, prefix in ASK_SPLITS:
        rows = load_jsonl(CASES / name, problems)  # a missing split is one problem, not a list of unmet quotas
        stats[name] = check_ask(name, prefix, rows, ctx, problems) if (CASES / name).exists() \
            else check_ask(name, prefix, [], ctx, [])
    (first, a), (second, b) = stats.items()
    for key in sorted(a["questions"].keys() & b["questions"].keys()):
        problems.append(f"{first} and {second} share the question {b['questions'][key]!r}")
    jd = load_jsonl(CASES / "jd.jsonl", problems)
    match = load_jsonl(CASES / "match.jsonl", problems)
    check_jd(jd, sections, problems)
    check_match(match, problems)
    match_stats = {}
    for name, prefix in MATCH_SPLITS:
        rows = load_jsonl(CASES / name, problems)
        match_stats[name] = check_match_split(name, prefix, rows, ctx, problems if (CASES / name).exists() else [])
    (first_m, ma), (second_m, mb) = match_stats.items()
    for key in sorted(ma["profiles"].keys() & mb["profiles"].keys()):
        problems.append(f"{first_m} {ma['profiles'][key]} and {second_m} {mb['profiles'][key]} share a profile")
    old_profiles = {normalise_question(r["profile"]): r.get("id") for r in match
                    if isinstance(r, dict) and isinstance(r.get("profile"), str)}
    for name, st in match_stats.items():
        for key in sorted(st["profiles"].keys() & old_profiles.keys()):
            problems.append(f"{name} {st['profiles'][key]} repeats the old match.jsonl profile {old_profiles[key]}")

    print(f"article: {article_path}")
    for name, s in stats.items():
        total = s["total"] or 1
        print(f"{name}: {s['total']} cases · zh {s['langs']['zh']} · en {s['langs']['en']} "
              f"({s['langs']['en'] / total:.0%}) · unanswerable {s['kinds']['unanswerable'] / total:.0%} · "
              f"names_role false {s['described']}/{s['with_role']} role cases")
        for kind in MIN_PER_KIND:
            print(f"  {kind:<13}{s['kinds'][kind]:>4}  (min {MIN_PER_KIND[kind]})")
    print(f"jd.jsonl: {len(jd)} roles · match.jsonl: {len(match)} profiles "
          f"({sum(r.get('lang') == 'en' for r in match)} English)")
    for name, st in match_stats.items():
        q = st["quotas"]
        print(f"{name}: {st['total']} profiles · zh {st['langs']['zh']} · en {st['langs']['en']} · "
              f"level entry {st['levels']['entry']} · mid {st['levels']['mid']} (min {q['level mid']}) · "
              f"senior {st['levels']['senior']} (min {q['level senior']}) · "
              f"{len(st['firsts'])} distinct first roles (min {q['first roles']})")
        print("  " + " · ".join(f"{k} {st['kinds'][k]}" + (f" (min {q[k]})" if k in q else "") for k in MATCH_KINDS))
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
