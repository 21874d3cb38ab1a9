"""`python -m rag`: ask the article questions from the command line (see README for every command)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

from typing import TYPE_CHECKING

from ingest.config import Settings, load_settings, use_offline_env
from ingest.corpus import read_corpus
from rag.career_map import RENDER_SUFFIXES, render_map
from rag.careers import KIND_NAMES, LEVEL_NAMES, career_edges, career_graph, career_json, neighbourhood
from rag.catalog import Catalog, load_catalog
from rag.export import to_csv, to_dict, to_docx, to_markdown, to_xlsx
from rag.jd import COMPANY_TYPES, JobDescription, KpiSheet, draft_jd, draft_kpi_sheet
from rag.question import EmptyQuestion
from rag.sources import source_label
from rag.resources import INPUT_ERRORS, USER_ERRORS, Live, open_all

if TYPE_CHECKING:
    from rag.answer import Answer
    from rag.match import Matching, RoleMatch


class InputFormatError(ValueError):
    """Input a command cannot read: a --batch file that is missing or has bad lines, stdin that is not UTF-8."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    use_offline_env()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args, load_settings())
    except USER_ERRORS + (InputFormatError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, INPUT_ERRORS + (InputFormatError,)) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="RoleGuide (电商岗位助手)")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer a question from the article, with numbered sources")
    ask.add_argument("question", nargs="?", help="the question (Chinese or English)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--batch", type=Path, help='JSONL file of {"id", "question"}; one JSON line out per question')
    ask.set_defaults(run=_ask)
    jd = commands.add_parser("jd", help="draft a job description (岗位说明书) for a role, every line cited")
    jd.add_argument("role", help="role name, alias or description, e.g. 采购经理")
    jd.add_argument("--type", choices=COMPANY_TYPES, default="通用", help="company type: keeps the notes for that model")
    jd.add_argument("--extra", action="append", default=[], help="a 补充要求 line of your own (shown as yours, uncited)")
    jd.add_argument("--format", choices=("md", "docx", "json"), default="md", help="output format (docx needs --out)")
    jd.add_argument("--source", help="the document, when several describe a role of that name (file name or title)")
    jd.add_argument("--out", type=Path, help="write to this file instead of printing")
    jd.set_defaults(run=_jd)
    kpi = commands.add_parser("kpi", help="draft a KPI sheet (KPI 考核表) for a role, every row cited")
    kpi.add_argument("role", help="role name, alias or description, e.g. 采购经理")
    kpi.add_argument(
        "--format", choices=("xlsx", "csv", "md", "json"), default="md", help="output format (xlsx needs --out)"
    )
    kpi.add_argument("--out", type=Path, help="write to this file instead of printing")
    kpi.add_argument("--source", help="the document, when several describe a role of that name (file name or title)")
    kpi.set_defaults(run=_kpi)
    sources = commands.add_parser("sources", help="the documents read (roles, fields) and the files skipped, with why")
    sources.add_argument("--json", action="store_true", help="print one JSON object")
    sources.set_defaults(run=_sources)
    match = commands.add_parser("match", help="rank the roles that suit a job-seeker's profile, with evidence and gaps")
    match.add_argument("--profile", help="your studies, experience, skills and likes (Chinese or English); - reads stdin")
    match.add_argument("--batch", type=Path, help='JSONL file of {"id", "profile"}; one JSON line out per profile')
    match.add_argument("--top", type=int, default=5, help="how many roles to show")
    match.add_argument("--type", choices=("直营", "平台型"), help="the company type you prefer")
    match.add_argument("--prefer", choices=("management", "hands-on"), help="managing people or doing the work")
    match.set_defaults(run=_match)
    careers = commands.add_parser("careers", help="the career-path map: promotions, ladders and collaboration")
    careers.add_argument("--role", help="only this role and the roles one step away")
    careers.add_argument("--out", type=Path, help="write a picture (.png, .svg) or data (.json); unset = list the edges")
    careers.set_defaults(run=_careers)
    return parser


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from rag.answer import answer  # loads LangChain: only the commands that answer pay for it
    from rag.answer_view import answer_json

    if args.batch is None and args.question is None:
        raise EmptyQuestion()
    if args.batch is not None:
        with _open_batch(args.batch) as lines, Live(settings, *open_all(settings)) as live:

            def reply(case_id: object, question: str) -> dict:
                return answer_json(answer(question, live.index, live.catalog), case_id, live.catalog)

            return _run_batch(lines, "question", reply, refused=(EmptyQuestion,))
    index, catalog = open_all(settings)
    result = answer(args.question, index, catalog)
    if args.json:
        print(json.dumps(answer_json(result, None, catalog), ensure_ascii=False))
    else:
        print(render_text(result, catalog))
    return 0


def _jd(args: argparse.Namespace, settings: Settings) -> int:
    catalog = load_catalog(settings.corpus_dir)
    doc = draft_jd(args.role, catalog, company_type=args.type, extra=args.extra, source=args.source)
    if settings.llm != "none":
        doc = _reworded(doc, settings)
    return _write(doc, args.format, args.out)


def _reworded(doc: JobDescription, settings: Settings) -> JobDescription:
    """The JD with its bullets reworded by the configured chat model, each held to its own citations."""
    from rag.jd_wording import reword_jd
    from rag.llm import LlmUnavailable, get_chat_model

    try:
        model = get_chat_model(settings)
    except LlmUnavailable as err:
        print(f"note: {err}; wording kept as in the article", file=sys.stderr)
        return doc
    doc, notice = reword_jd(doc, model, timeout=settings.llm_timeout)
    if notice:
        print(f"note: {notice}", file=sys.stderr)
    return doc


def _kpi(args: argparse.Namespace, settings: Settings) -> int:
    return _write(draft_kpi_sheet(args.role, load_catalog(settings.corpus_dir), source=args.source), args.format, args.out)


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    corpus = read_corpus(settings.corpus_dir)
    if args.json:
        print(json.dumps(corpus.json(), ensure_ascii=False))
    else:
        print("\n".join(corpus.lines()) or f"no document in {settings.corpus_dir}")
    return 0


def _write(doc: JobDescription | KpiSheet, fmt: str, out: Path | None) -> int:
    """Print a text format, or write it or a binary format to `out`."""
    if fmt in ("docx", "xlsx"):
        if out is None:
            print(f"error: --format {fmt} writes a binary file: add --out FILE", file=sys.stderr)
            return 2
        if isinstance(doc, JobDescription):
            to_docx(doc, out)
        else:
            to_xlsx(doc, out)
        return 0
    match fmt:
        case "json":
            text = json.dumps(to_dict(doc), ensure_ascii=False)
        case "csv":
            text = to_csv(doc)
        case _:
            text = to_markdown(doc)
    if out is None:
        print(text)
    else:  # a BOM so that Excel opens the CSV as UTF-8
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return 0


def render_text(result: Answer, catalog: Catalog) -> str:
    """The answer and its numbered sources, each named by its document's title, role and field, then its span."""
    lines = [result.text]
    if result.notice:
        lines.insert(0, f"(note: {result.notice})")
    if result.citations:
        lines.append("")
        lines.append("Sources:")
        for n, c in enumerate(result.citations, 1):
            lines.append(f"[{n}] {source_label(catalog.titles.get(c.source, c.source), c)} — {c.source} [{c.start}:{c.end}]")
    return "\n".join(lines)


def _match(args: argparse.Namespace, settings: Settings) -> int:
    from rag.match import EmptyProfile, match_profile  # loads the matcher's tables: only this command needs them

    profile = _utf8(sys.stdin.buffer.read(), "the profile on stdin") if args.profile == "-" else args.profile
    if args.batch is None and not (profile or "").strip():
        print(f"error: {EmptyProfile()} (use --profile or --batch)", file=sys.stderr)
        return 2
    options = {"top": args.top, "company_type": args.type, "prefer": args.prefer}
    if args.batch is None:
        print(render_matches(match_profile(profile, *open_all(settings), **options)))
        return 0
    with _open_batch(args.batch) as lines, Live(settings, *open_all(settings)) as live:

        def reply(case_id: object, text: str) -> dict:
            matching = match_profile(text, live.index, live.catalog, **options)
            level = {"band": matching.seniority.band, "value": matching.seniority.level}
            roles = [match_json(m) for m in matching.roles]
            return {"id": case_id, "level": level, "notice": matching.notice, "roles": roles}

        return _run_batch(lines, "profile", reply, refused=(EmptyProfile,))


def match_json(match: RoleMatch) -> dict:
    """One role of a `match --batch` line (a contract other tools rely on): `score` is 0–100, the sum of `parts`."""
    return {
        "role": match.role,
        "score": match.score,
        "parts": asdict(match.parts),
        "level": match.level,
        "evidence": [e.citation.as_json() for e in match.evidence],
        "gaps": [gap.quote for gap in match.gaps],
    }


def render_matches(matching: Matching) -> str:
    from rag.seniority import BAND_NAMES

    level = matching.seniority
    lines = [f"你的层级: {BAND_NAMES[level.band]}（{'、'.join(level.cues) or '没有写年限、带团队或职务，按入门估计'}）"]
    if matching.notice:
        lines.insert(0, f"(note: {matching.notice})")
    for n, m in enumerate(matching.roles, 1):
        p = m.parts
        lines.append(f"{n}. {m.role} ({LEVEL_NAMES[m.level]}) · 得分 {m.score}/100 = 相关经验 {p.experience}/60 + 层级 {p.level}/25 + 意愿 {p.will}/15")
        for e in m.evidence:
            where = f"{e.citation.role} · {e.citation.field} — {e.citation.source} [{e.citation.start}:{e.citation.end}]"
            lines.append(f"   匹配: “{_shorten(e.sentence)}” ↔ {_shorten(e.citation.quote)}  ({where})")
        for e in m.wishes:
            lines.append(f"   {'想要' if e.kind == 'want' else '不想要'}: “{_shorten(e.sentence)}” ↔ {_shorten(e.citation.quote)}")
        if m.gaps:
            lines.append(f"   尚未体现的能力: {'、'.join(g.quote for g in m.gaps)}")
        if m.next_steps:
            steps = " · ".join(f"{s.target}（{KIND_NAMES[s.kind]}{'，文章外岗位' if s.external else ''}）" for s in m.next_steps)
            lines.append(f"   可以通往: {steps}")
    return "\n".join(lines)


def _careers(args: argparse.Namespace, settings: Settings) -> int:
    if args.out is not None and args.out.suffix.lower() not in RENDER_SUFFIXES:
        print(f"error: --out must end in {', '.join(RENDER_SUFFIXES)}", file=sys.stderr)
        return 2
    catalog = load_catalog(settings.corpus_dir)
    graph = career_graph(catalog)
    role = catalog.role(args.role).key if args.role else None
    near = neighbourhood(graph, role) if role else graph
    if args.out is None:
        for e in career_edges(near):
            print(f"{e.source} → {e.target} [{KIND_NAMES[e.kind]}] {_shorten(e.citation.quote)} ({e.citation.start}:{e.citation.end})")
    elif args.out.suffix.lower() == ".json":
        args.out.write_text(json.dumps(career_json(near), ensure_ascii=False, indent=1), encoding="utf-8")
    else:  # one role's career path, or the whole map by chapter
        render_map(graph, args.out, role)
    return 0


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open_batch(path: Path) -> BinaryIO:
    try:
        return path.open("rb")  # bytes: a line that is not UTF-8 is that line's error, not the file's
    except OSError as err:
        raise InputFormatError(f"cannot read the --batch file {path}: {err.strerror}") from None


def _run_batch(
    lines: BinaryIO, key: str, reply: Callable[[object, str], dict], *, refused: tuple[type[Exception], ...]
) -> int:
    """One JSON line out per non-blank JSONL line in ({"id": …, key: "…"}): `reply(id, text)`, or
    {"id", "line", "error"} for a line that cannot be read or whose text is refused. Exit code 2 if any was."""
    bad: list[int] = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        case_id = None
        try:
            record = _json_object(_utf8(raw, f"line {number}"), key)
            case_id = record.get("id")
            result = reply(case_id, _batch_text(record, key))
        except (InputFormatError, *refused) as err:
            bad.append(number)
            result = {"id": case_id, "line": number, "error": str(err)}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    if bad:
        numbers = ", ".join(map(str, bad[:10])) + (", …" if len(bad) > 10 else "")
        raise InputFormatError(f"{len(bad)} line(s) of the --batch file got an error object instead of a result (line {numbers})")
    return 0


def _json_object(line: str, key: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputFormatError(f"not JSON ({err.msg} at column {err.colno}): {_expected(key)}") from None
    if not isinstance(record, dict):
        raise InputFormatError(f"{_expected(key)}, got {_shorten(line.strip())}")
    return record


def _batch_text(record: dict, key: str) -> str:
    if "id" not in record or record.get(key) is None:
        raise InputFormatError(f"{_expected(key)}, got {_shorten(json.dumps(record, ensure_ascii=False))}")
    return str(record[key])


def _expected(key: str) -> str:
    return f'expected {{"id": …, "{key}": "…"}}'


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8-sig")  # -sig: a byte-order mark (Windows editors) is not part of the text
    except UnicodeDecodeError as err:
        raise InputFormatError(f"{what} is not UTF-8 text (byte {err.start}); save it as UTF-8") from None


if __name__ == "__main__":
    sys.exit(main())
