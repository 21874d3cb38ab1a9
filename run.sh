#!/usr/bin/env bash
# Run RoleGuide: install into .venv, build the index on first run, serve the app on http://127.0.0.1:7860
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh app
.venv/bin/python -m ingest
exec .venv/bin/python app.py "$@"
