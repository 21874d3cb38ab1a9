"""rag.resources: a Live reader following new builds (real Chroma on disk), the login throttle, old draft folders."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ingest.index import build_index, open_index
from rag.catalog import load_catalog
from rag.resources import LOGIN_FAILURES, Live, LoginThrottle, remove_stale_drafts
from tests.test_index import SECOND_ARTICLE


def eventually(check, seconds: float = 120) -> bool:
    """Poll `check` until it holds (the switch happens in a background thread) or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_live_moves_to_a_new_build_and_its_catalog_when_the_pointer_moves(corpus_copy):
    old = open_index(corpus_copy)
    with Live(corpus_copy, old, load_catalog(corpus_copy.corpus_dir)) as live:
        (corpus_copy.corpus_dir / "live.md").write_text(SECOND_ARTICLE, encoding="utf-8")
        new = build_index(corpus_copy, progress=False).build_id
        assert eventually(lambda: live.index.build_id == new)
        assert "直播场控专员" in live.catalog.names
        assert {c.source for c in live.index.chunks.values()} == {"corpus/000_c7806a285f499d96.txt", "corpus/live.md"}


def test_login_is_refused_after_repeated_wrong_passwords_even_with_the_right_one():
    check = LoginThrottle("hr:s3cret")
    assert check("hr", "s3cret") is True
    assert [check("somebody", "guess") for _ in range(10)] == [False] * 10  # other names cannot succeed: not counted
    assert check("hr", "s3cret") is True
    assert [check("hr", f"guess{n}") for n in range(LOGIN_FAILURES)] == [False] * LOGIN_FAILURES
    assert check("hr", "s3cret") is False


def test_draft_folders_older_than_the_limit_are_removed_and_others_kept(tmp_path: Path):
    for name in ("roleguide-old", "roleguide-new", "other-old"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "采购经理-岗位说明书.docx").write_bytes(b"docx")
    two_days_ago = time.time() - 2 * 24 * 3600
    for name in ("roleguide-old", "other-old"):
        os.utime(tmp_path / name, (two_days_ago, two_days_ago))
    assert remove_stale_drafts(tmp_path, max_age=24 * 3600) == [tmp_path / "roleguide-old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-old", "roleguide-new"]
