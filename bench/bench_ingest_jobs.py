"""``sijeong ingest`` as a user runs it: one call per municipality vs one call for a whole tree,
with ``--jobs 1..N``. Wall and CPU time (the command and its worker processes) per variant.

    python bench/bench_ingest_jobs.py                       # 20 municipalities × 1 year, jobs 1 and 2
    python bench/bench_ingest_jobs.py --cities 243 --years 10 --jobs 1 2 4

The documents are ``bench/synth.py``'s (as ``bench_ingest.py`` makes them), written to a
temporary tree ``ROOT/<municipality>/<year>/*.txt``; each variant loads them into a new SQLite
file. Run it on a quiet machine: the numbers are only as steady as the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_ingest import documents  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmds: list[list[str]]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _children_cpu()
    for cmd in cmds:
        run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])} …: exit {run.returncode}\n{run.stderr[-2000:]}")
    return time.perf_counter() - wall, _children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cities", type=int, default=20)
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--departments", type=int, default=6)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-per-call", action="store_true", help="skip the one-call-per-municipality variant")
    args = ap.parse_args(argv)
    cli = [sys.executable, "-m", "sijeong.cli", "ingest"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        n = 0
        for w in documents(args.cities, args.years, args.departments):
            d = root / w.city / str(w.year)
            d.mkdir(parents=True, exist_ok=True)
            (d / w.name).write_text(w.text, encoding="utf-8")
            n += 1
        print(f"# {args.cities} municipalities × {args.years} years = {n} documents; {os.cpu_count()} CPUs")
        print("variant\twall s\tCPU s\tdocuments/s (wall)")
        variants: list[tuple[str, list[list[str]]]] = []
        if not args.no_per_call:
            db = Path(tmp) / "per_call.db"
            variants.append(("one call per municipality", [
                [*cli, *map(str, sorted(m.glob("*/*.txt"))), "--municipality", m.name, "--db", str(db)]
                for m in sorted(root.iterdir())]))
        for j in args.jobs:
            variants.append((f"--tree, --jobs {j}", [[*cli, "--tree", str(root), "--jobs", str(j),
                                                       "--db", str(Path(tmp) / f"tree_{j}.db")]]))
        for label, cmds in variants:
            wall, cpu = _timed(cmds)
            print(f"{label}\t{wall:.1f}\t{cpu:.1f}\t{n / wall:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
