"""The layers point one way: `ingest` imports nothing from `rag`, and the light commands load no vector store."""

from __future__ import annotations

import ast
import subprocess
import sys

from ingest.config import PROJECT_ROOT


def _imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_ingest_imports_nothing_from_rag():
    found = {
        f"{path.name}: {name}"
        for path in sorted((PROJECT_ROOT / "ingest").glob("*.py"))
        for name in _imported_modules(path)
        if name == "rag" or name.startswith("rag.")
    }
    assert found == set()


def test_the_app_does_not_import_the_cli():
    assert not {n for n in _imported_modules(PROJECT_ROOT / "app.py") if n.startswith("rag.__main__")}


def test_drafting_a_jd_from_the_cli_loads_neither_chroma_nor_langchain():
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rag", "jd", "采购经理", "--format", "json"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    modules = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "rag.jd" in modules
    assert sorted(m for m in modules if m.split(".")[0] in {"chromadb", "langchain_core", "langchain_chroma"}) == []
