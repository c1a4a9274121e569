#!/usr/bin/env bash
# The main job: install, load the project's sample documents into ./sijeong.db (or
# $SIJEONG_DB) and start the web application at http://127.0.0.1:${PORT:-8000}/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/sijeong ingest samples/*.txt --municipality "${SIJEONG_MUNICIPALITY:-예시시}"
exec .venv/bin/sijeong serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
