#!/bin/sh
# interleaved bench/ingest_cli.py runs: before (main b693441, /tmp/ingestcpu/base) and after (this branch)
cd /work/wt/ingestcpu
OUT=bench/results/h-ingestcpu
for round in 1 2; do
  for who in before after; do
    co=$([ $who = before ] && echo /tmp/ingestcpu/base || echo /work/wt/ingestcpu)
    /work/main/.venv/bin/python bench/ingest_cli.py --checkout $co --work /tmp/ingestcpu/icwork --cities 10 --years 3 \
      --backend sqlite --no-check --json $OUT/ingest_sqlite_${who}_$round.json 2>> /tmp/ingestcpu/interleave.log
    echo "$(date -u +%H:%M:%S) $who $round rc=$?" >> /tmp/ingestcpu/interleave.log
  done
done
