"""`python -m ingest`: bring the index up to date with the corpus (a no-op when nothing changed)."""

from __future__ import annotations

import argparse
import logging
import sys

from ingest.config import SettingsError, load_settings, use_offline_env
from ingest.index import IndexUnavailable, build_index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    use_offline_env()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        report = build_index(load_settings(), progress=not args.quiet)
    except (IndexUnavailable, SettingsError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in report.corpus.lines():  # skipped files were also logged as warnings when they were read
        print(line)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
