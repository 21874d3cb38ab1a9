"""`python -m rag`: ask the article questions from the command line (see README for every command)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from typing import TYPE_CHECKING

from ingest.config import Settings, load_settings, use_offline_env
from rag.careers import KIND_NAMES, LEVEL_NAMES, RENDER_SUFFIXES, career_edges, career_graph, career_json, neighbourhood, render_map
from rag.catalog import load_catalog
from rag.export import to_csv, to_dict, to_docx, to_markdown, to_xlsx
from rag.jd import COMPANY_TYPES, JobDescription, KpiSheet, draft_jd, draft_kpi_sheet
from rag.question import EmptyQuestion
from rag.resources import INPUT_ERRORS, USER_ERRORS, open_all

if TYPE_CHECKING:
    from rag.answer import Answer
    from rag.match import RoleMatch


class BatchFormatError(ValueError):
    """A line of a --batch file that is not a JSON object with the expected keys."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    use_offline_env()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args, load_settings())
    except USER_ERRORS + (BatchFormatError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, INPUT_ERRORS + (BatchFormatError,)) else 1


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
    jd.add_argument("--out", type=Path, help="write to this file instead of printing")
    jd.set_defaults(run=_jd)
    kpi = commands.add_parser("kpi", help="draft a KPI sheet (KPI 考核表) for a role, every row cited")
    kpi.add_argument("role", help="role name, alias or description, e.g. 采购经理")
    kpi.add_argument(
        "--format", choices=("xlsx", "csv", "md", "json"), default="md", help="output format (xlsx needs --out)"
    )
    kpi.add_argument("--out", type=Path, help="write to this file instead of printing")
    kpi.set_defaults(run=_kpi)
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

    if args.batch is None and args.question is None:
        raise EmptyQuestion()
    index, catalog = open_all(settings)
    if args.batch is not None:
        with args.batch.open(encoding="utf-8") as lines:
            for case_id, question in _batch_questions(lines):
                try:
                    result = answer_json(answer(question, index, catalog), case_id)
                except EmptyQuestion as err:
                    result = {"id": case_id, "error": str(err)}
                print(json.dumps(result, ensure_ascii=False), flush=True)
        return 0
    result = answer(args.question, index, catalog)
    if args.json:
        print(json.dumps(answer_json(result, None), ensure_ascii=False))
    else:
        print(render_text(result))
    return 0


def _jd(args: argparse.Namespace, settings: Settings) -> int:
    doc = draft_jd(args.role, load_catalog(settings.corpus_dir), company_type=args.type, extra=args.extra)
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
    return _write(draft_kpi_sheet(args.role, load_catalog(settings.corpus_dir)), args.format, args.out)


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


def answer_json(result: Answer, case_id: object) -> dict:
    """The `ask --json` object (a contract other tools rely on)."""
    return {
        "id": case_id,
        "covered": result.covered,
        "answer": result.text,
        "citations": [
            {k: v for k, v in asdict(c).items() if k != "node_id"} for c in result.citations
        ],
        "backend": result.backend,
        "notice": result.notice,
        "unsupported": list(result.unsupported),
    }


def render_text(result: Answer) -> str:
    lines = [result.text]
    if result.notice:
        lines.insert(0, f"(note: {result.notice})")
    if result.citations:
        lines.append("")
        lines.append("Sources:")
        for n, c in enumerate(result.citations, 1):
            where = " · ".join(p for p in (c.role, c.field) if p) or "article"
            lines.append(f"[{n}] {where} — {c.source} [{c.start}:{c.end}]")
    return "\n".join(lines)


def _batch_questions(lines: TextIO) -> Iterator[tuple[object, str]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield record["id"], str(record["question"])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise BatchFormatError(f'line {number}: expected {{"id": …, "question": "…"}} ({err})') from err


def _match(args: argparse.Namespace, settings: Settings) -> int:
    from rag.match import EmptyProfile, rank_roles  # loads the matcher's tables: only this command needs them

    profile = sys.stdin.read() if args.profile == "-" else args.profile
    if args.batch is None and not (profile or "").strip():
        print(f"error: {EmptyProfile()} (use --profile or --batch)", file=sys.stderr)
        return 2
    index, catalog = open_all(settings)
    options = {"top": args.top, "company_type": args.type, "prefer": args.prefer}
    if args.batch is None:
        print(render_matches(rank_roles(profile, index, catalog, **options)))
        return 0
    with args.batch.open(encoding="utf-8") as lines:
        for case_id, text in _batch_records(lines, "profile"):
            try:
                result = {"id": case_id, "roles": [match_json(m) for m in rank_roles(text, index, catalog, **options)]}
            except EmptyProfile as err:
                result = {"id": case_id, "error": str(err)}
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def match_json(match: RoleMatch) -> dict:
    """One role of a `match --batch` line (a contract other tools rely on)."""
    return {
        "role": match.role,
        "score": match.score,
        "evidence": [{k: v for k, v in asdict(e.citation).items() if k != "node_id"} for e in match.evidence],
        "gaps": [gap.quote for gap in match.gaps],
    }


def render_matches(matches: list[RoleMatch]) -> str:
    lines: list[str] = []
    for n, m in enumerate(matches, 1):
        lines.append(f"{n}. {m.role} ({LEVEL_NAMES[m.level]}级) · score {m.score:.2f}")
        for e in m.evidence:
            where = f"{e.citation.role} · {e.citation.field} — {e.citation.source} [{e.citation.start}:{e.citation.end}]"
            lines.append(f"   匹配: “{e.sentence}” ↔ {_shorten(e.citation.quote)}  ({where})")
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
    if args.role:
        graph = neighbourhood(graph, catalog.role(args.role).name)
    if args.out is None:
        for e in career_edges(graph):
            print(f"{e.source} → {e.target} [{KIND_NAMES[e.kind]}] {_shorten(e.citation.quote)} ({e.citation.start}:{e.citation.end})")
    elif args.out.suffix.lower() == ".json":
        args.out.write_text(json.dumps(career_json(graph), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        render_map(graph, args.out)
    return 0


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _batch_records(lines: TextIO, key: str) -> Iterator[tuple[object, str]]:
    """(id, text) from JSONL lines such as {"id": …, "profile": "…"}."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield record["id"], str(record[key])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise BatchFormatError(f'line {number}: expected {{"id": …, "{key}": "…"}} ({err})') from err


if __name__ == "__main__":
    sys.exit(main())
