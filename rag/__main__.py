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

USER_ERRORS = (EmptyQuestion, UnknownRole, IndexUnavailable, CorpusFormatError, EmbeddingModelError)


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
        return 2 if isinstance(err, (EmptyQuestion, UnknownRole, BatchFormatError)) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="RoleGuide (电商岗位助手)")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="answer a question from the article, with numbered sources")
    ask.add_argument("question", nargs="?", help="the question (Chinese or English)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--batch", type=Path, help='JSONL file of {"id", "question"}; one JSON line out per question')
    ask.set_defaults(run=_ask)
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
