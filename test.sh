#!/usr/bin/env bash
# Run the whole test suite (installs everything it needs first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh dev
exec .venv/bin/python -m pytest -q "$@"
