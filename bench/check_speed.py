"""``sijeong check`` over a whole database, two checkouts interleaved (standard library only).

Runs ``sijeong check --db DB --format json [--jobs J]`` of checkout A, then of checkout B,
``--rounds`` times, alternately, so both see the same load on a shared machine. Records, per
run: wall, CPU (the command and its worker processes, ``wait4``), peak memory, the sha256 of
the output (the findings: the same bytes before and after, or the result says so) and the
1-minute load average. Per checkout and ``--jobs``: medians, and per document (the documents
counted in the database).

    python bench/check_speed.py --before /tmp/before --after . --db bench/work/national.db \\
        --jobs 1 --jobs 2 --rounds 3 --json OUT/check_speed.json

``--after-full`` also runs checkout B with ``--full`` (every scope checked again, reusing no
stored findings: ``check_stamps``) in each round, as a third side ``after-full``; without
``--before`` only B is run (a database migrated past A's revisions is one A cannot open).

A checkout is a repository with its ``.venv`` (as for ``ingest_cli.py``); ``--jobs`` values
above 1 are given only to a checkout whose ``sijeong check --help`` lists ``--jobs``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checkout, LoadSampler, machine, run, write_json  # noqa: E402


def one(checkout: Checkout, db: str, jobs: int, out_path: str, timeout: float, extra: tuple = ()) -> dict:
    cmd = ([checkout.sijeong, "check", "--db", db, "--format", "json"] + (["--jobs", str(jobs)] if jobs > 1 else [])
           + list(extra))
    load = os.getloadavg()[0]
    r = run(cmd, timeout=timeout, stdout_path=out_path)
    digest = hashlib.sha256(Path(out_path).read_bytes()).hexdigest()
    Path(out_path).unlink(missing_ok=True)
    return {"wall": round(r.wall, 2), "cpu": round(r.cpu, 2), "max_rss_mb": round(r.max_rss_mb, 1), "rc": r.returncode,
            "sha256": digest, "load_1min_at_start": load, **({"stderr": r.stderr[-800:]} if r.returncode else {})}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", help="checkout A (with its .venv); none: only B")
    ap.add_argument("--after", required=True, help="checkout B (with its .venv)")
    ap.add_argument("--db", required=True, help="an SQLite file (e.g. the one ingest_cli.py --keep-db left)")
    ap.add_argument("--jobs", type=int, action="append", help="repeatable (default: 1)")
    ap.add_argument("--after-full", action="store_true", help="also B with --full (side after-full)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--json", help="write the result here (default: stdout)")
    args = ap.parse_args(argv)
    jobs_list = args.jobs or [1]
    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    sides = {"before": Checkout(Path(args.before).resolve())} if args.before else {}
    sides["after"] = Checkout(Path(args.after).resolve())
    extra = {"after-full": ("--full",)} if args.after_full else {}
    if args.after_full:
        sides["after-full"] = sides["after"]
    has_jobs = {k: "--jobs" in c.options("check") for k, c in sides.items()}
    runs: dict[str, list[dict]] = {}
    out_path = str(Path(args.db).resolve().parent / f"check-speed-{os.getpid()}.json")
    with LoadSampler() as sampler:
        for rnd in range(args.rounds):
            for jobs in jobs_list:
                for side, checkout in sides.items():
                    if jobs > 1 and not has_jobs[side]:
                        continue
                    r = one(checkout, args.db, jobs, out_path, args.timeout, extra.get(side, ()))
                    runs.setdefault(f"{side} --jobs {jobs}", []).append(r)
                    print(f"round {rnd + 1}: {side} --jobs {jobs}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, "
                          f"load {r['load_1min_at_start']:.1f}", file=sys.stderr, flush=True)
    summary = {}
    for key, rs in runs.items():
        wall, cpu = statistics.median(r["wall"] for r in rs), statistics.median(r["cpu"] for r in rs)
        summary[key] = {"runs": len(rs), "wall_median": wall, "cpu_median": cpu,
                        "wall_ms_per_document": round(1000 * wall / documents, 1),
                        "cpu_ms_per_document": round(1000 * cpu / documents, 1),
                        "243x10_wall_s": round(wall * 4860 / documents, 1), "243x10_cpu_s": round(cpu * 4860 / documents, 1),
                        "max_rss_mb": max(r["max_rss_mb"] for r in rs), "failed": sum(r["rc"] != 0 for r in rs)}
    digests = {r["sha256"] for rs in runs.values() for r in rs if r["rc"] == 0}
    result = {"benchmark": "check_speed", "argv": sys.argv[1:], "machine": machine(), "documents": documents,
              "checkouts": {k: c.info() for k, c in sides.items() if k != "after-full"}, "summary": summary, "runs": runs,
              "same_output": len(digests) == 1, "load_average": sampler.summary(),
              "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    write_json(args.json, result)
    return 0 if result["same_output"] else 1


if __name__ == "__main__":
    sys.exit(main())
