"""Same question, same index, same answer: in any process (string hashing differs per process) and in any batch order."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from evals.runner import CASES_DIR, SPLITS, ask_cases, load_jsonl
from ingest.config import PROJECT_ROOT, Settings


def _batch(command: str, lines: list[dict], settings: Settings, seed: int, folder: Path) -> dict:
    """One `python -m rag <command> --batch` run in a fresh process with PYTHONHASHSEED=seed: {id: JSON line}."""
    path = folder / f"{command}-{seed}.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    env = os.environ | {
        "PYTHONHASHSEED": str(seed),
        "ROLEGUIDE_DATA_DIR": str(settings.data_dir),
        "ROLEGUIDE_CORPUS_DIR": str(settings.corpus_dir),
    }
    run = subprocess.run(
        [sys.executable, "-m", "rag", command, "--batch", str(path)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    return {a["id"]: a for a in answers}


def test_every_eval_question_gets_the_same_answer_under_two_hash_seeds_and_a_shuffled_order(seed_settings, tmp_path):
    questions = [{"id": c["id"], "question": c["question"]} for split in SPLITS for c in ask_cases(CASES_DIR, split)]
    shuffled = random.Random(7).sample(questions, len(questions))
    first = _batch("ask", questions, seed_settings, 1, tmp_path)
    second = _batch("ask", shuffled, seed_settings, 2, tmp_path)
    assert len(first) == len(questions)
    assert [q["id"] for q in questions if first[q["id"]] != second[q["id"]]] == []


def test_every_eval_profile_gets_the_same_ranking_under_two_hash_seeds_and_a_shuffled_order(seed_settings, tmp_path):
    files = [CASES_DIR / f"match.{split}.jsonl" for split in SPLITS]
    profiles = [{"id": c["id"], "profile": c["profile"]} for path in files for c in load_jsonl(path)]
    shuffled = random.Random(7).sample(profiles, len(profiles))
    first = _batch("match", profiles, seed_settings, 3, tmp_path)
    second = _batch("match", shuffled, seed_settings, 4, tmp_path)
    assert len(first) == len(profiles)
    assert [p["id"] for p in profiles if first[p["id"]] != second[p["id"]]] == []
