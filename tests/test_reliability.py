"""Bad input and load: damaged stores, bad corpus files, concurrent questions, re-indexing while a real app
serves, a full disk (a real tmpfs), a build in progress, bad --batch lines and stdin, the Chroma server going
down, libraries that print on every command."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from app import build_app, launch_options
from ingest.builds import build_in_progress
from ingest.config import PROJECT_ROOT, Settings
from ingest.index import IndexUnavailable, build_index, ensure_index, open_index
from rag.__main__ import main
from rag.answer import answer
from rag.catalog import load_catalog
from rag.match import EmptyProfile
from rag.question import EmptyQuestion
from rag.resources import Live, open_all
from tests.conftest import free_port, load_cases
from tests.test_index import SECOND_ARTICLE, large_article
from tests.test_resources import eventually

SEED_NAME = "000_c7806a285f499d96.txt"
PURCHASING_KPIS = ["采购成本节约率", "采购订单准时交付率", "采购商品合格率", "供应商绩效评分", "采购计划达成率"]
STORE_DOWN = "暂时无法连接索引服务(Chroma 服务器没有响应),请稍后再试或联系管理员。"


def test_damaged_store_is_reported_then_set_aside_and_rebuilt(corpus_copy):
    (corpus_copy.data_dir / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        open_index(corpus_copy)
    index = ensure_index(corpus_copy)
    assert len(index.chunks) == 522
    assert sorted(p.name.split("-")[0] for p in corpus_copy.data_dir.iterdir()) == [
        "build.lock",
        "builds",
        "chroma",
        "chroma.unreadable",
        "embedding_cache.sqlite",
    ]


def test_damaged_embedding_cache_is_started_afresh(corpus_copy):
    (corpus_copy.data_dir / "embedding_cache.sqlite").write_bytes(b"junk" * 100)
    seed = corpus_copy.corpus_dir / "000_c7806a285f499d96.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build_index(corpus_copy, progress=False)
    assert (report.rebuilt, report.embedded) == (True, 1040)


def test_bad_corpus_files_are_skipped_by_name_and_the_rest_indexed(corpus_copy):
    (corpus_copy.corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    (corpus_copy.corpus_dir / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (corpus_copy.corpus_dir / "notes.md").write_text("随手记下的几句话,没有任何编号小节。\n", encoding="utf-8")
    report = build_index(corpus_copy, progress=False)
    assert report.roles == 30
    assert sorted(s.split(":")[0] for s in report.skipped) == ["corpus/empty.txt", "corpus/latin1.txt", "corpus/notes.md"]


def test_fifty_concurrent_questions_get_the_sequential_answers(seed_index, catalog):
    questions = [case["question"] for case in load_cases("ask.dev.jsonl")][:50]
    sequential = [answer(q, seed_index, catalog) for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        concurrent = list(pool.map(lambda q: answer(q, seed_index, catalog), questions))
    assert concurrent == sequential


def test_reindexing_while_serving_never_serves_a_half_built_index(corpus_copy):
    catalog = load_catalog(corpus_copy.corpus_dir)
    old = open_index(corpus_copy)
    seed = corpus_copy.corpus_dir / "000_c7806a285f499d96.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("采购计划达成率", "采购计划完成率"), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            index = open_index(corpus_copy)
            result = answer("采购经理的KPI有哪些?", index, catalog)
            seen.append((index.build_id, len(index.chunks), len(result.citations)))

    reader = threading.Thread(target=serve)
    reader.start()
    try:
        new = build_index(corpus_copy, progress=False)
    finally:
        done.set()
        reader.join()
    assert {build for build, _, _ in seen} <= {old.build_id, new.build_id}
    assert {(chunks, cited) for _, chunks, cited in seen} == {(522, 5)}


# ---- helpers: commands in their own process, corpus edits, an app on a free port ------------------------------


def _env(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "ROLEGUIDE_DATA_DIR": str(settings.data_dir), "ROLEGUIDE_CORPUS_DIR": str(settings.corpus_dir)}
    return env | ({"ROLEGUIDE_CHROMA_URL": settings.chroma_url} if settings.chroma_url else {})


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """`.venv/bin/python -m <args>` with these settings, as a user would run it."""
    command = [sys.executable, "-m", *args]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=_env(settings), capture_output=True, text=True, timeout=600, check=False)


def _edit_seed(settings: Settings, old: str, new: str) -> None:
    seed = settings.corpus_dir / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _launch(settings: Settings, live: Live, **options) -> tuple:
    """The real app (as `main` builds it) on a free loopback port; returns (app, url)."""
    app = build_app(settings, live)
    app.queue(default_concurrency_limit=settings.concurrency)
    extra = {"server_port": free_port(), "prevent_thread_lock": True, "quiet": True} | options
    _, url, _ = app.launch(**launch_options(settings) | extra)
    return app, url


def _try(call) -> str:
    try:
        return call()
    except AppError as err:
        return f"AppError: {err}"


# ---- 1. a running app follows new builds, and none it holds is deleted under it --------------------------------


def test_a_running_app_answers_throughout_three_ingests_and_shows_the_role_added(corpus_copy):
    live = Live(corpus_copy, *open_all(corpus_copy))
    app, url = _launch(corpus_copy, live)
    answered: Counter[str] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def keep_asking(api: str, text: str) -> None:
        client = Client(url, verbose=False)
        while not stop.is_set():
            try:
                client.predict(text, api_name=api)
                answered[api] += 1
            except Exception as err:  # noqa: BLE001 - every failure is the finding
                failures.append(f"{api}: {err!r}")

    askers = [
        threading.Thread(target=keep_asking, args=call)
        for call in (("/ask", "采购经理的KPI有哪些"), ("/jd", "采购经理"), ("/match", "三年供应链经验,熟悉供应商谈判和成本控制"))
    ]
    for asker in askers:
        asker.start()
    try:
        _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
        first = _run(corpus_copy, "ingest", "--quiet")
        _edit_seed(corpus_copy, "采购计划完成率", "采购计划实现率")
        second = _run(corpus_copy, "ingest", "--quiet")
        (corpus_copy.corpus_dir / "live.md").write_text(SECOND_ARTICLE, encoding="utf-8")
        third = _run(corpus_copy, "ingest", "--quiet")
        client = Client(url, verbose=False)
        shown = eventually(lambda: _try(lambda: client.predict("直播场控专员", api_name="/jd")).startswith("# 岗位说明书"))
        new_role = client.predict("直播场控专员的KPI有哪些?", api_name="/ask")
        kpis = client.predict("采购经理的KPI有哪些", api_name="/ask")
    finally:
        stop.set()
        for asker in askers:
            asker.join()
        app.close()
        live.close()
    assert [p.returncode for p in (first, second, third)] == [0, 0, 0], third.stderr
    assert failures == []
    assert set(answered) == {"/ask", "/jd", "/match"}
    assert shown
    assert "直播间停留时长:观众在直播间的平均停留时间" in new_role
    assert "采购计划实现率" in kpis and "采购计划达成率" not in kpis


# ---- 4. a full disk: one clear message, the previous build keeps serving --------------------------------------


@pytest.fixture
def full_disk(corpus_copy: Settings, tmp_path: Path) -> Iterator[Settings]:
    """The seed store on a real tmpfs with 1 MB to spare (a new build needs several), and a changed corpus."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)]
    mounted = subprocess.run(mount, capture_output=True, text=True, check=False)
    if mounted.returncode:
        pytest.skip(f"mounting a tmpfs needs root or CAP_SYS_ADMIN: {mounted.stderr.strip()}")
    try:
        shutil.copytree(corpus_copy.data_dir, disk / "data")
        used = shutil.disk_usage(disk).used
        subprocess.run(["mount", "-o", f"remount,size={used + 2**20}", str(disk)], check=True)
        _edit_seed(corpus_copy, "采购计划达成率", "采购计划完成率")
        yield Settings(corpus_dir=corpus_copy.corpus_dir, data_dir=disk / "data")
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)  # lazy: this process's Chroma client has it open


def test_on_a_full_disk_ingest_fails_in_one_line_and_the_previous_build_serves(full_disk, seed_index, catalog):
    expected = answer("采购经理的KPI有哪些", seed_index, catalog)
    for _ in range(2):  # the second run meets what the first could not clean up
        ran = _run(full_disk, "ingest", "--quiet")
        assert (ran.returncode, ran.stdout, ran.stderr.count("\n")) == (1, "", 1)
        assert re.fullmatch(
            rf"error: the new index build could not be written \(.+; only [\d.]+ MB free on the disk of {full_disk.data_dir}\); "
            rf"the previous build {seed_index.build_id} keeps serving; fix that and run: \.venv/bin/python -m ingest\n",
            ran.stderr,
        ), ran.stderr
    assert answer("采购经理的KPI有哪些", open_index(full_disk), catalog) == expected


def test_on_a_full_disk_rag_ask_answers_from_the_previous_build_with_one_warning(full_disk, seed_index):
    for _ in range(2):
        ran = _run(full_disk, "rag", "ask", "--json", "采购经理的KPI有哪些")
        assert ran.returncode == 0, ran.stderr
        assert [c["quote"].split(":")[0] for c in json.loads(ran.stdout)["citations"]] == PURCHASING_KPIS
        assert ran.stderr.count("\n") == 1 and ran.stderr.startswith("WARNING ingest.index: the new index build could not")
        assert ran.stderr.endswith(f"answering from the current build {seed_index.build_id}\n")


def test_on_a_full_disk_the_app_starts_and_answers_from_the_previous_build(full_disk, seed_index, catalog, caplog):
    live = Live(full_disk, *open_all(full_disk))
    app, url = _launch(full_disk, live)
    try:
        text = Client(url, verbose=False).predict("采购经理的KPI有哪些", api_name="/ask")
    finally:
        app.close()
        live.close()
    assert live.index.build_id == seed_index.build_id
    assert [kpi in text for kpi in PURCHASING_KPIS] == [True] * 5
    assert "could not be written" in caplog.text


@pytest.mark.parametrize(("command", "out"), [(("jd", "采购经理", "--format", "docx"), "jd.docx"), (("kpi", "采购经理", "--format", "xlsx"), "kpi.xlsx")])
def test_export_to_a_full_device_is_one_line_without_a_zipfile_traceback(full_disk, command, out):
    with (full_disk.data_dir / "filler").open("wb") as filler, pytest.raises(OSError, match="No space left"):
        while True:
            filler.write(b"\0" * 2**16)
            filler.flush()
    ran = _run(full_disk, "rag", *command, "--out", str(full_disk.data_dir / out))
    assert (ran.returncode, ran.stderr) == (1, "error: [Errno 28] No space left on device\n")


# ---- 6. a large build in progress: commands answer from the current build and say so -----------------------


def test_while_ingest_builds_a_large_corpus_rag_ask_answers_from_the_current_build_and_says_so(corpus_copy):
    current = open_index(corpus_copy).build_id
    (corpus_copy.corpus_dir / "big.txt").write_text(large_article(2000), encoding="utf-8")
    ingest = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--quiet"], cwd=PROJECT_ROOT, env=_env(corpus_copy), stderr=subprocess.DEVNULL
    )
    try:
        assert eventually(lambda: "embedding" in (build_in_progress(corpus_copy.data_dir) or ""))
        asked = _run(corpus_copy, "rag", "ask", "--json", "采购经理的KPI有哪些")
        still_building = build_in_progress(corpus_copy.data_dir)
    finally:
        ingest.terminate()
        ingest.wait(timeout=60)
    assert asked.returncode == 0, asked.stderr
    assert [c["quote"].split(":")[0] for c in json.loads(asked.stdout)["citations"]] == PURCHASING_KPIS
    assert re.fullmatch(
        rf"WARNING ingest\.index: an index build is in progress \(pid {ingest.pid}, started \d\d:\d\d:\d\d, "
        rf"embedding \(e5\) \d+ of \d+\); answering from the current build {current}\n",
        asked.stderr,
    ), asked.stderr
    assert still_building is not None  # the answer came while the build was running
    assert (build_in_progress(corpus_copy.data_dir), open_index(corpus_copy).build_id) == (None, current)


# ---- 7. --batch: every good line answered, each bad one an error object with its line number ----------------


@pytest.fixture
def seed_env(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> Settings:
    monkeypatch.setenv("ROLEGUIDE_DATA_DIR", str(seed_settings.data_dir))
    return seed_settings


BATCH_LINES = [
    b'{"id": "good-1", "TEXT": "TEXT-1"}',
    b"not json",
    b'{"id": "no-text"}',
    '{"id": "gbk", "TEXT": "采购"}'.encode("gbk"),
    b"",
    b'{"id": "empty", "TEXT": "   "}',
    b'{"id": "good-2", "TEXT": "TEXT-2"}',
]


def _batch_file(tmp_path: Path, key: str, texts: tuple[str, str]) -> Path:
    path = tmp_path / "in.jsonl"
    body = b"\n".join(BATCH_LINES).replace(b"TEXT-1", texts[0].encode()).replace(b"TEXT-2", texts[1].encode())
    path.write_bytes(body.replace(b'"TEXT"', f'"{key}"'.encode()) + b"\n")
    return path


@pytest.mark.parametrize(
    ("command", "key", "texts", "empty", "answered"),
    [
        ("ask", "question", ("库存专员的KPI有哪些", "采购经理的KPI有哪些"), EmptyQuestion, "covered"),
        ("match", "profile", ("三年供应链经验,熟悉供应商谈判", "喜欢写文案和做短视频"), EmptyProfile, "roles"),
    ],
)
def test_batch_answers_every_good_line_and_gives_each_bad_one_an_error_object(
    seed_env, capsys, tmp_path, command, key, texts, empty, answered
):
    assert main([command, "--batch", str(_batch_file(tmp_path, key, texts))]) == 2
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    before_gbk = '{"id": "gbk", "' + key + '": "'  # the first byte that is not UTF-8 comes right after
    assert [(r["id"], r.get("line"), answered in r) for r in lines] == [
        ("good-1", None, True), (None, 2, False), ("no-text", 3, False), (None, 4, False), ("empty", 6, False), ("good-2", None, True),
    ]  # fmt: skip
    assert [r["error"] for r in lines if "error" in r] == [
        'not JSON (Expecting value at column 1): expected {"id": …, "' + key + '": "…"}',
        'expected {"id": …, "' + key + '": "…"}, got {"id": "no-text"}',
        f"line 4 is not UTF-8 text (byte {len(before_gbk)}); save it as UTF-8",
        str(empty()),
    ]
    assert err == "error: 4 line(s) of the --batch file got an error object instead of a result (line 2, 3, 4, 6)\n"


@pytest.mark.parametrize("command", ["ask", "match"])
def test_a_missing_batch_file_is_bad_input(seed_env, capsys, tmp_path, command):
    assert main([command, "--batch", str(tmp_path / "nope.jsonl")]) == 2
    assert capsys.readouterr().err == f"error: cannot read the --batch file {tmp_path / 'nope.jsonl'}: No such file or directory\n"


# ---- 8. smaller ones: stdin, the Chroma server down, login throttling, noisy jieba ---------------------------


def test_a_profile_on_stdin_that_is_not_utf8_is_one_line(seed_env, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("三年供应链经验".encode("gbk"))))
    assert main(["match", "--profile", "-"]) == 2
    assert capsys.readouterr().err == "error: the profile on stdin is not UTF-8 text (byte 0); save it as UTF-8\n"


def test_with_the_chroma_server_down_the_app_says_so_in_chinese_and_drafting_goes_on(chroma_process, seed_settings, tmp_path):
    url, server = chroma_process
    data = tmp_path / "client-data"
    data.mkdir()
    shutil.copy(seed_settings.data_dir / "embedding_cache.sqlite", data)
    settings = Settings(chroma_url=url, data_dir=data)
    build_index(settings, progress=False)
    port = free_port()
    app = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=PROJECT_ROOT,
        env=_env(settings) | {"ROLEGUIDE_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert eventually(lambda: _reachable(f"http://127.0.0.1:{port}/") or app.poll() is not None, seconds=300)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        before = client.predict("采购经理的KPI有哪些", api_name="/ask")
        server.terminate()
        server.wait(timeout=30)
        after = _try(lambda: client.predict("采购经理的KPI有哪些", api_name="/ask"))
        drafted = client.predict("采购经理", api_name="/jd")
    finally:
        app.terminate()
        stderr = app.communicate(timeout=60)[1]
    assert [kpi in before for kpi in PURCHASING_KPIS] == [True] * 5
    assert after == f"AppError: {STORE_DOWN}"
    assert drafted.startswith("# 岗位说明书")
    assert "Traceback" not in stderr, stderr


def _reachable(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.HTTPError:
        return False


def test_login_is_throttled_after_repeated_wrong_passwords(seed_settings, seed_index, catalog):
    settings = seed_settings.model_copy(update={"auth": "hr:s3cret"})
    live = Live(settings, seed_index, catalog)
    app, url = _launch(settings, live)
    try:
        logins = [
            httpx.post(f"{url}login", data={"username": "hr", "password": password}).status_code
            for password in ["s3cret", *[f"guess{n}" for n in range(5)], "s3cret"]
        ]
    finally:
        app.close()
        live.close()
    assert logins == [200, 400, 400, 400, 400, 400, 400]


def test_commands_print_nothing_on_stderr_when_all_is_well(seed_settings):
    ran = _run(seed_settings, "rag", "ask", "--json", "采购经理的KPI有哪些")
    assert (ran.returncode, ran.stderr) == (0, "")
