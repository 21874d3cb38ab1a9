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

from ingest.index import Index, IndexUnavailable, ensure_index
from ingest.parse import CorpusFormatError
from rag.answer import Answer, EmptyQuestion, answer
from rag.catalog import Catalog, UnknownRole, load_catalog
from rag.config import Settings, load_settings
from rag.embeddings import EmbeddingModelError
from rag.export import to_csv, to_dict, to_docx, to_markdown, to_xlsx
from rag.jd import COMPANY_TYPES, JobDescription, KpiSheet, NoKpi, draft_jd, draft_kpi_sheet

USER_ERRORS = (EmptyQuestion, UnknownRole, NoKpi, IndexUnavailable, CorpusFormatError, EmbeddingModelError)


class BatchFormatError(ValueError):
    """A line of a --batch file that is not a JSON object with the expected keys."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    try:
        return args.run(args, settings)
    except USER_ERRORS + (BatchFormatError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, (EmptyQuestion, UnknownRole, NoKpi, BatchFormatError)) else 1


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
    return parser


def _ask(args: argparse.Namespace, settings: Settings) -> int:
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
    return _write(doc, args.format, args.out)


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


def open_all(settings: Settings) -> tuple[Index, Catalog]:
    """Build the index if it is missing or stale, open it, and read the catalog."""
    return ensure_index(settings), load_catalog(settings.corpus_dir)


def answer_json(result: Answer, case_id: object) -> dict:
    """The `ask --json` object (a contract other tools rely on)."""
    return {
        "id": case_id,
        "covered": result.covered,
        "answer": result.text,
        "citations": [
            {k: v for k, v in asdict(c).items() if k != "node_id"} for c in result.citations
        ],
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


if __name__ == "__main__":
    sys.exit(main())
