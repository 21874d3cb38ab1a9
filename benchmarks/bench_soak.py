"""Soak: the real app serving a mix of /ask, /jd and /match to 20 clients while the corpus is re-indexed 5 times.
Prints requests, failures (there should be none), the slowest requests and the re-index times; asserts nothing.

    .venv/bin/python benchmarks/bench_soak.py [--clients 20] [--reindexes 5] [--pause 8]

The app runs as its own process (`python app.py`) on a copy of the shipped index (built if missing), and each
re-index is a real `python -m ingest` after an edit of the corpus copy: four reworded KPIs, then a new article
with a role of its own, which the app must then serve (a /jd for it is tried at the end). About two minutes on
2 cores with the defaults.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench_app import _free_port, _wait_ready
from gradio_client import Client

from ingest.config import PROJECT_ROOT, load_settings
from ingest.index import ensure_index

CALLS = [
    ("/ask", "采购经理的KPI有哪些"),
    ("/ask", "商家运营经理负责什么?"),
    ("/ask", "What does a buyer do?"),
    ("/ask", "主播的年薪是多少?"),
    ("/jd", "采购经理"),
    ("/jd", "库存专员"),
    ("/match", "三年供应链经验,熟悉供应商谈判和成本控制,带过5人团队"),
    ("/match", "应届生，喜欢写文案和做短视频"),
]
REWORDED = "采购计划达成率"
NEW_ROLE = "直播场控专员"
NEW_ARTICLE = f"""直播电商岗位解析

一、直播岗位

1.1 {NEW_ROLE}:直播间节奏的掌控者

职责职能:负责直播间的节奏把控与互动氛围管理,在直播中实时调整上架顺序与优惠节奏。

KPI 指标:{NEW_ROLE}的绩效考核主要关注以下指标:

直播间停留时长:观众在直播间的平均停留时间

互动率:评论与点赞人数占观看人数的比例
"""


@dataclass(frozen=True)
class Outcome:
    api: str
    seconds: float
    error: str | None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients, each with its own connection")
    parser.add_argument("--reindexes", type=int, default=5, help="re-indexes while serving (the last adds a role)")
    parser.add_argument("--pause", type=float, default=8, help="seconds of serving before each re-index and after the last")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as scratch:
        corpus, data = _copy_shipped_index(Path(scratch))
        env = {**os.environ, "ROLEGUIDE_CORPUS_DIR": str(corpus), "ROLEGUIDE_DATA_DIR": str(data)}
        _soak(args, corpus, env, Path(scratch) / "app.log")


def _copy_shipped_index(scratch: Path) -> tuple[Path, Path]:
    """A corpus folder and a data folder of its own, so the soak never touches the shipped index."""
    settings = load_settings()
    ensure_index(settings)
    corpus, data = scratch / "corpus", scratch / "data"
    shutil.copytree(settings.corpus_dir, corpus)
    data.mkdir()
    shutil.copytree(settings.data_dir / "chroma", data / "chroma")
    shutil.copy(settings.data_dir / "embedding_cache.sqlite", data)
    return corpus, data


def _soak(args: argparse.Namespace, corpus: Path, env: dict[str, str], log: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with log.open("w") as app_log:
        app = subprocess.Popen(
            [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env | {"ROLEGUIDE_PORT": str(port)}, stdout=app_log, stderr=app_log
        )
    try:
        print(f"app ready in {_wait_ready(url, app):.1f} s; {args.clients} clients, {args.reindexes} re-indexes")
        outcomes: list[Outcome] = []
        stop = threading.Event()
        clients = [
            threading.Thread(target=_client, args=(url, n, outcomes, stop), daemon=True) for n in range(args.clients)
        ]
        started = time.perf_counter()
        for client in clients:
            client.start()
        reindex_seconds = [_reindex(n, args.reindexes, args.pause, corpus, env) for n in range(args.reindexes)]
        time.sleep(args.pause)
        stop.set()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - started
        new_role = _new_role_served(url)
    finally:
        app.terminate()
        app.wait(timeout=60)
    _report(outcomes, elapsed, reindex_seconds, new_role, log.read_text(encoding="utf-8", errors="replace"))


def _client(url: str, n: int, outcomes: list[Outcome], stop: threading.Event) -> None:
    client = Client(url, verbose=False)
    for api, text in itertools.islice(itertools.cycle(CALLS), n % len(CALLS), None):
        if stop.is_set():
            return
        t = time.perf_counter()
        try:
            client.predict(text, api_name=api)
            outcomes.append(Outcome(api, time.perf_counter() - t, None))
        except Exception as err:  # noqa: BLE001 - every failure is counted and shown
            outcomes.append(Outcome(api, time.perf_counter() - t, f"{type(err).__name__}: {err}"))


def _reindex(n: int, total: int, pause: float, corpus: Path, env: dict[str, str]) -> float:
    """Serve for `pause` seconds, edit the corpus (the last edit adds an article), run `python -m ingest`."""
    time.sleep(pause)
    if n == total - 1:
        (corpus / "live.md").write_text(NEW_ARTICLE, encoding="utf-8")
    else:
        seed = next(corpus.glob("000_*.txt"))
        text = seed.read_text(encoding="utf-8")
        seed.write_text(text.replace(REWORDED if n == 0 else f"{REWORDED}{n}", f"{REWORDED}{n + 1}"), encoding="utf-8")
    t = time.perf_counter()
    ingest = [sys.executable, "-m", "ingest", "--quiet"]
    ran = subprocess.run(ingest, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    print(f"re-index {n + 1}: {seconds:.1f} s, exit {ran.returncode}: {(ran.stdout or ran.stderr).strip()}")
    return seconds


def _new_role_served(url: str) -> str:
    """Whether the app drafts a JD for the role the last re-index added (it may take a moment to switch)."""
    client = Client(url, verbose=False)
    for _ in range(30):
        try:
            return "yes" if client.predict(NEW_ROLE, api_name="/jd").startswith("# 岗位说明书") else "no"
        except Exception:  # noqa: BLE001 - not there yet
            time.sleep(1)
    return "no"


def _report(outcomes: list[Outcome], elapsed: float, reindex_seconds: list[float], new_role: str, app_log: str) -> None:
    failures = [o for o in outcomes if o.error]
    print(f"\nrequests: {len(outcomes)} in {elapsed:.0f} s ({len(outcomes) / elapsed:.1f}/s), failures: {len(failures)}")
    for api in sorted({o.api for o in outcomes}):
        seconds = sorted(o.seconds for o in outcomes if o.api == api)
        p95 = seconds[int(0.95 * (len(seconds) - 1))]
        print(f"  {api:7} n={len(seconds):4}  p50 {statistics.median(seconds):5.2f} s  p95 {p95:5.2f} s  max {seconds[-1]:5.2f} s")
    for o in sorted(outcomes, key=lambda o: -o.seconds)[:3]:
        print(f"slowest: {o.api} {o.seconds:.2f} s{' (failed)' if o.error else ''}")
    for error, count in sorted({f.error: sum(g.error == f.error for g in failures) for f in failures}.items())[:5]:
        print(f"failure ×{count}: {error}")
    print(f"re-index times: {', '.join(f'{s:.1f}' for s in reindex_seconds)} s")
    print(f"role added by the last re-index served: {new_role}")
    print(f"tracebacks in the app's log: {app_log.count('Traceback')}")


if __name__ == "__main__":
    main()
