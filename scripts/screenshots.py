"""Remake the README's screenshots in docs/: run the browser tests with their screenshots pointed there.

Usage: .venv/bin/python scripts/screenshots.py   (after ./test.sh has installed everything once)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    env = os.environ | {"SCREENSHOT_DIR": str(ROOT / "docs")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_browser.py"]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
