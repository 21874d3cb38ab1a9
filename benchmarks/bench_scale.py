"""How RoleGuide's build time, memory and query latency grow with the corpus; prints numbers, no assertions.

    .venv/bin/python benchmarks/bench_scale.py [--copies 1 10 100] [--budget 600]

The shipped corpus is written 1, 10 and 100 times into temporary corpus folders, each copy a verbatim file
under its own name (copy_001_<name> …), so every chunk has a distinct source. The chunk text that gets
embedded holds its heading, not its source, so copies hit the embedding cache: the ×1 build embeds cold
and seeds the larger builds' caches, which then measure parsing, chunking and writing Chroma, not the
model. That is realistic for query latency, which is what this measures: `answer` p50/p95 over every 4th
eval question, each scale in a fresh process (peak RSS = its ru_maxrss), and a cProfile of one query at
the largest scale. A scale whose build would not fit in the time budget is skipped, and the output says so.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from bench_baseline import Measurement, in_fresh_process, measure_roleguide

from evals.runner import CASES_DIR, load_jsonl
from rag.answer import answer
from rag.config import PROJECT_ROOT, Settings

EMBEDDING_CACHE = "embedding_cache.sqlite"
QUESTION_STRIDE = 4  # every 4th of the 245 eval questions: ~60, all kinds and both languages
PROFILED_QUESTION = "采购经理和采购员的KPI有什么不同?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 100], help="corpus replication factors")
    parser.add_argument("--budget", type=float, default=600, help="seconds the whole run may take")
    args = parser.parse_args()
    cases = load_jsonl(CASES_DIR / "ask.jsonl")[::QUESTION_STRIDE]
    started = time.perf_counter()
    print(f"{len(cases)} questions per scale, {PROFILED_QUESTION!r} profiled at the largest scale")
    print(f"{'copies':>6} {'chunks':>7} {'build s':>8} {'open s':>7} {'p50 ms':>7} {'p95 ms':>7} {'hit@1':>6} {'hit@5':>6} {'RSS MB':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        previous: tuple[int, float] | None = None  # (copies, seconds that scale took)
        profile = ""
        for copies in sorted(args.copies):
            elapsed = time.perf_counter() - started
            projected = previous[1] * copies / previous[0] if previous else 0.0
            if elapsed + projected > args.budget:
                print(f"{copies:>6} skipped: ~{projected:.0f} s projected from ×{previous[0]}, {elapsed:.0f} s spent of {args.budget:.0f}")
                continue
            scale_started = time.perf_counter()
            profiled = copies == max(args.copies)
            measurement, profile_text = in_fresh_process(measure_scale, root, copies, cases, profiled)
            previous = (copies, time.perf_counter() - scale_started)
            profile = profile_text or profile
            _print_row(copies, measurement)
    print(f"total {time.perf_counter() - started:.0f} s")
    if profile:
        print(profile)


def measure_scale(root: Path, copies: int, cases: list[dict], profiled: bool) -> tuple[Measurement, str]:
    """Build and query the corpus replicated `copies` times under root/x<copies>/, seeding the embedding cache
    from the smallest scale measured before; optionally profile one query."""
    corpus = write_replicated_corpus(PROJECT_ROOT / "corpus", root / f"x{copies}" / "corpus", copies)
    data_dir = root / f"x{copies}" / "data"
    data_dir.mkdir(parents=True)
    seed = next(iter(sorted(root.glob(f"x*/data/{EMBEDDING_CACHE}"))), None)
    if seed is not None:
        shutil.copyfile(seed, data_dir / EMBEDDING_CACHE)
    settings = Settings(corpus_dir=corpus, data_dir=data_dir)
    measurement, index, catalog = measure_roleguide(settings, cases)
    if not profiled:
        return measurement, ""
    profile = cProfile.Profile()
    profile.runcall(answer, PROFILED_QUESTION, index, catalog)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative").print_stats(25)
    return measurement, f"cProfile of one answer() at ×{copies}, by cumulative time:\n{out.getvalue().strip()}"


def write_replicated_corpus(source_dir: Path, target_dir: Path, copies: int) -> Path:
    """`copies` verbatim copies of every file in `source_dir` (metadata files too, so aliases still apply),
    named copy_001_<name>, copy_002_<name>, …; returns `target_dir`."""
    target_dir.mkdir(parents=True)
    for n in range(1, copies + 1):
        for path in sorted(p for p in source_dir.iterdir() if p.is_file()):
            shutil.copyfile(path, target_dir / f"copy_{n:03d}_{path.name}")
    return target_dir


def _print_row(copies: int, m: Measurement) -> None:
    s = m.scores
    print(
        f"{copies:>6} {m.chunks:>7} {m.build_seconds:>8.1f} {m.open_seconds:>7.1f} {s['p50_ms']:>7.0f} "
        f"{s['p95_ms']:>7.0f} {s['hit_at_1']:>6.3f} {s['hit_at_5']:>6.3f} {m.peak_rss_mb:>7.0f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
