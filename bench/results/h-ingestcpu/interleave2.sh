#!/bin/sh
cd /work/wt/ingestcpu
OUT=bench/results/h-ingestcpu
run() { # who tag args...
  who=$1; tag=$2; shift 2
  co=$([ $who = before ] && echo /tmp/ingestcpu/base || echo /work/wt/ingestcpu)
  /work/main/.venv/bin/python bench/ingest_cli.py --checkout $co --work /tmp/ingestcpu/icwork "$@" --no-check \
    --json $OUT/${tag}_${who}.json 2>> /tmp/ingestcpu/interleave.log
  echo "$(date -u +%H:%M:%S) $who $tag rc=$?" >> /tmp/ingestcpu/interleave.log
}
for round in 1 2; do
  for who in before after; do run $who ingest_sqlite_jobs1_$round --cities 10 --years 3 --backend sqlite --jobs 1; done
done
for who in before after; do run $who ingest_postgres_1 --cities 10 --years 3 --backend postgres; done
for round in 1 2; do
  for who in before after; do
    co=$([ $who = before ] && echo /tmp/ingestcpu/base || echo /work/wt/ingestcpu)
    /work/main/.venv/bin/python bench/floor.py --checkout $co --json $OUT/floor_${who}_$round.json 2>> /tmp/ingestcpu/interleave.log
    echo "$(date -u +%H:%M:%S) floor $who $round rc=$?" >> /tmp/ingestcpu/interleave.log
  done
done
echo ALLDONE >> /tmp/ingestcpu/interleave.log
