"""`python -m rag ask` and `python -m ingest`: exit codes and the exact JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ingest.__main__ import main as ingest_main
from rag.__main__ import main
from ingest.config import PROJECT_ROOT

CITATION_KEYS = {"source", "title", "role", "field", "start", "end", "quote"}  # ask's citations name the document


@pytest.fixture
def env_settings(monkeypatch, seed_settings):
    monkeypatch.setenv("ROLEGUIDE_DATA_DIR", str(seed_settings.data_dir))
    return seed_settings


def test_ask_json_contract(env_settings, capsys, seed_text):
    assert main(["ask", "--json", "采购员每周要向谁汇报采购进度?"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"id", "covered", "answer", "citations", "backend", "notice", "unsupported", "intent", "roles"}
    assert (result["id"], result["covered"], result["backend"], result["notice"], result["unsupported"]) == (
        None, True, "extractive", None, [],
    )  # fmt: skip
    assert result["citations"][0]["role"] == "采购员"
    for c in result["citations"]:
        assert set(c) == CITATION_KEYS
        assert c["source"] == "corpus/000_c7806a285f499d96.txt"
        assert c["title"] == "电商从业者全链条角色深度解析一(电商内部):职责、KPI 与社会影响"
        assert seed_text[c["start"] : c["end"]] == c["quote"]


def test_ask_batch_writes_one_line_per_question(env_settings, capsys, tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        '{"id": "q1", "question": "库存专员的KPI有哪些"}\n\n{"id": 2, "question": "今天天气怎么样"}\n', encoding="utf-8"
    )
    assert main(["ask", "--batch", str(batch)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["covered"], len(r["citations"])) for r in lines] == [("q1", True, 5), (2, False, 0)]


def test_ask_readable_output_numbers_its_sources(env_settings, capsys):
    assert main(["ask", "采购经理的KPI有哪些"]) == 0
    out = capsys.readouterr().out
    assert "Sources:" in out and "[5] 《电商从业者全链条角色深度解析一(电商内部):职责、KPI 与社会影响》 · 采购经理 · KPI 指标 — corpus/000_c7806a285f499d96.txt" in out


@pytest.mark.parametrize(("argv", "message"), [(["ask", "  "], "empty"), (["ask"], "empty")])
def test_bad_input_is_one_line_on_stderr(env_settings, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_bad_batch_line_names_the_line(env_settings, capsys, tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"id": 1, "question": "采购员做什么"}\nnot json\n', encoding="utf-8")
    assert main(["ask", "--batch", str(batch)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_ingest_command_reports_a_no_op(env_settings, capsys):
    assert ingest_main(["--quiet"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_venv_subprocess_ask_json(seed_settings):
    env = {**os.environ, "ROLEGUIDE_DATA_DIR": str(seed_settings.data_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "ask", "--json", "数据合规专员的KPI有哪些"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert {c["role"] for c in result["citations"]} == {"数据合规专员"}


def test_kpi_json_for_a_role_without_kpi_exits_0_with_no_rows_and_a_note(capsys):
    from rag.kpi import NO_KPI_NOTE

    assert main(["kpi", "仓储主管", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "role": "仓储主管", "rows": [], "notes": [{"text": NO_KPI_NOTE, "citations": []}],
    }  # fmt: skip
    assert main(["kpi", "仓储主管"]) == 0
    assert capsys.readouterr().out.startswith("# KPI 考核表 · 仓储主管\n")
