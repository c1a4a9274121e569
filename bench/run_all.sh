#!/usr/bin/env bash
# Every command-line benchmark against one checkout, into one folder of JSON files:
#   bench/run_all.sh CHECKOUT OUT          e.g. bench/run_all.sh /work/main bench/results/after
# then: python3 bench/report.py bench/results/before OUT --update docs/benchmarks.md
# Scale: CITIES (243) × YEARS (3) on SQLite, PG_CITIES (81) × YEARS on PostgreSQL;
# STEPS="floor sqlite postgres load" (any subset); MODE (auto) for ingest_cli.py --mode;
# WORK (bench/work: documents, national.db), PG_WORK (/tmp/sijeong-bench-pg).
# Each step is bounded (see the scripts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
checkout=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
cities=${CITIES:-243}; years=${YEARS:-3}; pg_cities=${PG_CITIES:-81}
steps=${STEPS:-floor sqlite postgres load}
mode=${MODE:-auto}
py="$checkout/.venv/bin/python"
work=${WORK:-$here/work}; pg_work=${PG_WORK:-/tmp/sijeong-bench-pg}
national="$work/national.db"
run_step() {
  case $1 in
    floor)    nice -n 10 "$py" "$here/floor.py" --checkout "$checkout" --json "$out/floor.json" ;;
    sqlite)   nice -n 10 "$py" "$here/ingest_cli.py" --checkout "$checkout" --cities "$cities" --years "$years" --mode "$mode" \
                --backend sqlite --work "$work" --keep-db "$national" --json "$out/ingest_sqlite.json" ;;
    postgres) nice -n 10 "$py" "$here/ingest_cli.py" --checkout "$checkout" --cities "$pg_cities" --years "$years" --mode "$mode" \
                --backend postgres --work "$pg_work" --json "$out/ingest_postgres.json" ;;
    load)     "$py" "$here/load.py" --checkout "$checkout" --db "$national" --json "$out/load.json" ;;
    *) echo "unknown step $1" >&2; return 2 ;;
  esac
}
for step in $steps; do
  echo "== $step $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  run_step "$step" || echo "== $step: exit code $? (the JSON says why; the other steps go on)" >&2
done
echo "== done $(date -u +%H:%M:%S)" >&2
