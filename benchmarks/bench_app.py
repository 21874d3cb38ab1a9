"""The app as users meet it: cold start to ready, /ask latency warm, twenty concurrent askers. Prints numbers.

    .venv/bin/python benchmarks/bench_app.py      # uses the shipped index in .roleguide/ (built if missing)
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from gradio_client import Client

from ingest.config import PROJECT_ROOT

QUESTIONS = ["采购经理的KPI有哪些", "商家运营经理负责什么?", "What does a buyer do?", "主播的年薪是多少?"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, limit: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            raise RuntimeError("the app exited during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the app did not become ready")


def main() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "ROLEGUIDE_PORT": str(port)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = _wait_ready(url, proc)
        print(f"cold start to ready: {ready:.1f} s (process start included: {time.perf_counter() - started:.1f} s)")
        client = Client(url, verbose=False)
        first = time.perf_counter()
        client.predict(QUESTIONS[0], api_name="/ask")
        print(f"first /ask after start: {(time.perf_counter() - first) * 1000:.0f} ms")
        timings = []
        for _ in range(5):
            for question in QUESTIONS:
                t = time.perf_counter()
                client.predict(question, api_name="/ask")
                timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        print(f"/ask warm, one user (n={len(timings)}): p50 {statistics.median(timings):.0f} ms, max {timings[-1]:.0f} ms")

        def ask(n: int) -> tuple[bool, float]:
            t = time.perf_counter()
            try:
                Client(url, verbose=False).predict(QUESTIONS[n % len(QUESTIONS)], api_name="/ask")
                return True, time.perf_counter() - t
            except Exception:
                return False, time.perf_counter() - t

        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(ask, range(20)))
        answered = sum(ok for ok, _ in outcomes)
        slowest = max(seconds for _, seconds in outcomes)
        print(f"twenty concurrent askers (own client each): {answered}/20 answered, slowest {slowest:.1f} s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
