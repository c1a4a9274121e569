#!/usr/bin/env bash
# Installs what the tests need (Python packages, Debian's Chromium) and runs the whole suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k web -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
