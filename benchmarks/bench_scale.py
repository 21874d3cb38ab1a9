"""How RoleGuide's build time, memory and query latency grow with the corpus; prints numbers, no assertions.

    .venv/bin/python benchmarks/bench_scale.py [--copies 1 10 100] [--budget 600]

The shipped corpus is written 1, 10 and 100 times into temporary corpus folders, each copy under its own
name (copy_001_<name> …) with `(副本 n)` added to its first (title) line, so that the corpus reader, which
indexes a repeated text once, indexes every copy: ×100 holds 100 times the chunks. The chunk text that gets
embedded holds its heading, not its source or title, so copies hit the embedding cache: the ×1 build embeds
cold and seeds the larger builds' caches, which then measure parsing, chunking and writing Chroma and the
build's tables, not the model. That is realistic for query latency, which is what this measures: `answer` p50/p95 over every 4th
eval question; each scale is built in one fresh process and opened and queried in another, so that peak RSS
(ru_maxrss) is the build's ("build MB", what `python -m ingest` takes) and the reader's ("RSS MB", what the
app or a command answering takes) each on its own; and cProfiles of two queries at
the largest scale. The last line compares the largest scale with the goals of issue 14 (p95 at most twice
the smallest scale's, opening in at most 3 s, peak RSS at most 700 MB). A scale that would not fit in the time budget is skipped, and the output says so
(build and open time are projected linearly in copies from the last scale built on a seeded cache, the
rest of its time as it was).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_baseline import Measurement, in_fresh_process, measure_roleguide, peak_rss_mb
from chromadb.errors import ChromaError

from evals.runner import CASES_DIR, load_jsonl
from ingest.index import BuildReport, Index, build_index
from rag.answer import answer
from rag.catalog import Catalog
from ingest.config import PROJECT_ROOT, Settings

EMBEDDING_CACHE = "embedding_cache.sqlite"
TEXT_SUFFIXES = (".txt", ".md")  # copies of these get a distinct title line (a .docx is copied as it is)
QUESTION_STRIDE = 4  # every 4th dev question: ~100, all kinds and both languages
PROFILED_QUESTIONS = (
    "平台型电商里负责对接入驻商家的那个经理,具体要做哪些事?",  # names no role: dense search and BM25 over every chunk
    "采购员在货到了以后要做些什么?",  # names one role: both searches filtered to it
)
PROFILE_LINES = 22
GOAL_P95_RATIO, GOAL_OPEN_SECONDS, GOAL_RSS_MB = 2.0, 3.0, 700.0  # issue 14, at the largest scale


@dataclass(frozen=True)
class ScaleResult:
    copies: int
    built: BuildReport
    build_rss_mb: float
    measurement: Measurement | None  # None when the index could not be opened or queried
    error: str
    profile: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 100], help="corpus replication factors")
    parser.add_argument("--budget", type=float, default=600, help="seconds the whole run may take")
    args = parser.parse_args()
    cases = load_jsonl(CASES_DIR / "ask.dev.jsonl")[::QUESTION_STRIDE]
    started = time.perf_counter()
    print(f"{len(cases)} questions per scale; the profiles below are of the largest scale measured")
    print(
        f"{'copies':>6} {'chunks':>7} {'build s':>8} {'build MB':>8} {'open s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'hit@1':>6} {'RSS MB':>7}"
    )
    scales = sorted(args.copies)
    # From the last scale built on a seeded embedding cache: (copies, seconds that grow with the corpus, the rest)
    last: tuple[int, float, float] | None = None
    profile = ""
    measured: dict[int, ScaleResult] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for copies in scales:
            elapsed = time.perf_counter() - started
            projected = last[1] * copies / last[0] + last[2] if last else 0.0
            if elapsed + projected > args.budget:
                budget = f"{elapsed:.0f} s spent + ~{projected:.0f} s projected > {args.budget:.0f} s budget"
                print(f"{copies:>6} skipped: {budget}")
                continue
            scale_started = time.perf_counter()
            built, build_rss = in_fresh_process(build_scale, Path(tmp), copies)
            result = in_fresh_process(measure_scale, Path(tmp), copies, cases, built, build_rss)
            if copies != scales[0]:  # the first scale embeds cold, so its time does not predict the next ones
                growing = result.built.seconds + (result.measurement.open_seconds if result.measurement else 0.0)
                last = (copies, growing, time.perf_counter() - scale_started - growing)
            _print_row(result)
            profile = result.profile or profile
            if result.measurement:
                measured[copies] = result
    print(f"total {time.perf_counter() - started:.0f} s")
    if len(measured) > 1:
        print(_goals(measured))
    if profile:
        print(profile)


def build_scale(root: Path, copies: int) -> tuple[BuildReport, float]:
    """Build the corpus replicated `copies` times under root/x<copies>/, its embedding cache seeded from a
    scale built before; the report and the build's peak RSS."""
    write_replicated_corpus(PROJECT_ROOT / "corpus", root / f"x{copies}" / "corpus", copies)
    data_dir = root / f"x{copies}" / "data"
    data_dir.mkdir(parents=True)
    seed = next(iter(sorted(root.glob(f"x*/data/{EMBEDDING_CACHE}"))), None)
    if seed is not None:
        shutil.copyfile(seed, data_dir / EMBEDDING_CACHE)
    built = build_index(_settings(root, copies), progress=False)
    return built, peak_rss_mb()


def _settings(root: Path, copies: int) -> Settings:
    return Settings(corpus_dir=root / f"x{copies}" / "corpus", data_dir=root / f"x{copies}" / "data")


def measure_scale(root: Path, copies: int, cases: list[dict], built: BuildReport, build_rss_mb: float) -> ScaleResult:
    """Open, query and profile the build `build_scale` made of the corpus replicated `copies` times."""
    settings = _settings(root, copies)
    try:
        measurement, index, catalog = measure_roleguide(settings, built, cases)
    except ChromaError as err:
        return ScaleResult(copies, built, build_rss_mb, None, f"{type(err).__name__}: {err}", "")
    profiles = "\n\n".join(_profile_answer(q, index, catalog, copies) for q in PROFILED_QUESTIONS)
    return ScaleResult(copies, built, build_rss_mb, measurement, "", profiles)


def _goals(measured: dict[int, ScaleResult]) -> str:
    """The largest scale against the goals: its p95 over the smallest scale's, its open time and the reader's
    peak RSS (the build's beside it)."""
    small, large = measured[min(measured)].measurement, measured[max(measured)].measurement
    assert small is not None and large is not None  # only measured scales are passed
    ratio = large.scores["p95_ms"] / small.scores["p95_ms"]
    return (
        f"×{max(measured)} p95 / ×{min(measured)} p95 = {ratio:.2f}× (goal ≤ {GOAL_P95_RATIO:g}×); "
        f"open {large.open_seconds:.2f} s (goal ≤ {GOAL_OPEN_SECONDS:g} s); "
        f"RSS {large.peak_rss_mb:.0f} MB (goal ≤ {GOAL_RSS_MB:g} MB; the build's {measured[max(measured)].build_rss_mb:.0f} MB)"
    )


def _profile_answer(question: str, index: Index, catalog: Catalog, copies: int) -> str:
    profile = cProfile.Profile()
    profile.runcall(answer, question, index, catalog)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative").print_stats(PROFILE_LINES)
    return f"cProfile of answer({question!r}) at ×{copies}:\n{out.getvalue().strip()}"


def write_replicated_corpus(source_dir: Path, target_dir: Path, copies: int) -> Path:
    """`copies` copies of every file in `source_dir` (metadata files too, so aliases still apply), named
    copy_001_<name>, copy_002_<name>, …, a text's first line ending in `(副本 n)` so that no two texts are the
    same; returns `target_dir`."""
    target_dir.mkdir(parents=True)
    for n in range(1, copies + 1):
        for path in sorted(p for p in source_dir.iterdir() if p.is_file()):
            target = target_dir / f"copy_{n:03d}_{path.name}"
            if path.suffix in TEXT_SUFFIXES:
                title, newline, rest = path.read_text(encoding="utf-8").partition("\n")
                target.write_text(f"{title}(副本 {n}){newline}{rest}", encoding="utf-8")
            else:
                shutil.copyfile(path, target)
    return target_dir


def _print_row(result: ScaleResult) -> None:
    built, m = result.built, result.measurement
    row = f"{result.copies:>6} {built.chunks:>7} {built.seconds:>8.1f} {result.build_rss_mb:>8.0f}"
    if m is None:
        print(f"{row} built, but not queryable: {result.error}", flush=True)
        return
    s = m.scores
    print(
        f"{row} {m.open_seconds:>7.1f} {s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f} "
        f"{s['hit_at_1']:>6.3f} {m.peak_rss_mb:>7.0f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
