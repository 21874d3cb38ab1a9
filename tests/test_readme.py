"""README stays true: its commands exist, its JSON example has the real keys, its screenshots are there."""

from __future__ import annotations

import json
import re

from rag.__main__ import _parser
from ingest.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_rag_command_in_the_readme_exists():
    commands = set(re.findall(r"python -m rag (\w+)", README))
    choices = set(_parser()._subparsers._group_actions[0].choices)
    assert commands == choices


def test_readme_json_example_has_the_ask_contract_keys(seed_index, catalog):
    from rag.answer_view import answer_json
    from rag.answer import answer

    example = json.loads(re.search(r"```json\n(.*?)```", README, re.S).group(1).replace("…", ""))
    real = answer_json(answer("采购员每周要向谁汇报采购进度?", seed_index, catalog), None, catalog)
    assert set(example) == set(real)
    assert set(example["citations"][0]) == set(real["citations"][0])
    assert example["citations"][0] in real["citations"]


def test_the_two_commands_and_screenshots():
    assert "./run.sh" in README and "./test.sh" in README
    for image in re.findall(r"\]\((docs/\w+\.png)\)", README):
        assert (PROJECT_ROOT / image).is_file(), image
