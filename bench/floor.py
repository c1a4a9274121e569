"""The floor of ingest: a bare Python pass over the same file, against ``sijeong ingest``.

The floor reads the file, splits its lines, finds every number token with one regular
expression and parses each (``int`` after dropping the thousands commas, ``Decimal`` when it
has a decimal point; ``△``/``-`` make it negative). Nothing can read a document faster than
that in Python, so ``ingest ÷ floor`` says how much the reader, the store and the command
cost on top of touching every number once.

Measured per document (the real FY2020 report ``/work/shared/documents/004*.txt`` when it is
there, ``--file`` for more, and a synthetic report and work plan from ``bench/synth.py``):

- ``floor_process``: ``python bench/floor.py --pass FILE`` as its own process with the
  checkout's Python (start-up included, like the command) — median of ``--repeat``;
- ``floor_in_process``: the same pass inside one process (median, after a warm-up);
- ``ingest_fresh``: ``sijeong ingest --db NEW.db FILE`` into a new SQLite file (migrates it);
- ``ingest_uptodate``: the same file again into a database that is already up to date;
- ``fixed``: an ingest of a tiny work plan into an up-to-date database (the per-call cost);
- ``read_in_process``: ``pipeline.load_path`` inside the checkout's Python, median of 3 after
  a first read (when that function exists there);

and the ratios ``ingest_fresh ÷ floor_process`` (the issue's measure),
``ingest_uptodate ÷ floor_process`` and ``read_in_process ÷ floor_in_process``.

    python bench/floor.py --checkout . --json bench/results/before/floor.json
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

NUMBER = re.compile(r"[△-]?\d[\d,]*(?:\.\d+)?")


def floor_pass(path: str) -> tuple[int, int]:
    """(lines, numbers) — every number token of every line parsed."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines()
    n = 0
    for line in lines:
        for tok in NUMBER.findall(line):
            neg = tok[0] in "△-"
            digits = tok.lstrip("△-").replace(",", "")
            value = Decimal(digits) if "." in digits else int(digits)
            if neg:
                value = -value
            n += 1
    return len(lines), n


if len(sys.argv) == 3 and sys.argv[1] == "--pass":  # the floor as its own process: nothing else imported
    print(floor_pass(sys.argv[2]))
    sys.exit(0)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BENCH, Checkout, LoadSampler, machine, run, write_json  # noqa: E402
from synth import DEPARTMENTS, settlement_report, work_plan  # noqa: E402

READ_SNIPPET = r"""
import json, statistics, sys, time
from sijeong import pipeline
path, municipality = sys.argv[1], sys.argv[2]
t = time.process_time(); w = time.perf_counter()
pipeline.load_path(path, municipality=municipality)
first = (time.perf_counter() - w, time.process_time() - t)
walls, cpus = [], []
for _ in range(3):
    t = time.process_time(); w = time.perf_counter()
    pipeline.load_path(path, municipality=municipality)
    walls.append(time.perf_counter() - w); cpus.append(time.process_time() - t)
print(json.dumps({"first_wall": first[0], "first_cpu": first[1], "wall_median": statistics.median(walls),
                  "cpu_median": statistics.median(cpus)}))
"""


def median_run(cmd: list[str], n: int) -> dict:
    runs = [run(cmd, timeout=600) for _ in range(n)]
    return {"wall_median": statistics.median(r.wall for r in runs), "cpu_median": statistics.median(r.cpu for r in runs),
            "failed": sum(r.returncode != 0 for r in runs),
            **({"stderr": next(r.stderr for r in runs if r.returncode)[-500:]} if any(r.returncode for r in runs) else {})}


def measure(checkout: Checkout, path: str, municipality: str, work: Path, repeat: int) -> dict:
    out: dict = {"file": Path(path).name, "bytes": Path(path).stat().st_size}
    out["lines"], out["numbers"] = floor_pass(path)
    # the floor inside one process
    floor_pass(path)
    walls, cpus = [], []
    for _ in range(max(5, repeat)):
        t, w = time.process_time(), time.perf_counter()
        floor_pass(path)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - t)
    out["floor_in_process"] = {"wall_median": statistics.median(walls), "cpu_median": statistics.median(cpus)}
    out["floor_process"] = median_run([checkout.python, str(Path(__file__).resolve()), "--pass", path], repeat)
    # the command, fresh database each time
    fresh = []
    for i in range(repeat):
        db = work / f"floor-fresh-{i}.db"
        db.unlink(missing_ok=True)
        fresh.append(run([checkout.sijeong, "ingest", "--db", str(db), "--municipality", municipality, path], timeout=600))
        db.unlink(missing_ok=True)
    out["ingest_fresh"] = {"wall_median": statistics.median(r.wall for r in fresh),
                           "cpu_median": statistics.median(r.cpu for r in fresh),
                           "failed": sum(r.returncode != 0 for r in fresh)}
    # the command, up-to-date database (one ingest first, then the same file again)
    db = work / "floor-uptodate.db"
    db.unlink(missing_ok=True)
    cmd = [checkout.sijeong, "ingest", "--db", str(db), "--municipality", municipality, path]
    run(cmd, timeout=600)
    out["ingest_uptodate"] = median_run(cmd, repeat)
    db.unlink(missing_ok=True)
    r = run([checkout.python, "-c", READ_SNIPPET, path, municipality], timeout=600)
    if r.returncode == 0:
        out["read_in_process"] = json.loads(r.stdout.strip().splitlines()[-1])
    else:
        out["read_in_process"] = {"error": r.stderr[-400:]}
    fp, fi = out["floor_process"]["wall_median"], out["floor_in_process"]["wall_median"]
    out["ratio"] = {"ingest_fresh_vs_floor": out["ingest_fresh"]["wall_median"] / fp,
                    "ingest_uptodate_vs_floor": out["ingest_uptodate"]["wall_median"] / fp,
                    "ingest_fresh_cpu_vs_floor_cpu": out["ingest_fresh"]["cpu_median"] / out["floor_process"]["cpu_median"]}
    if "wall_median" in out["read_in_process"]:
        out["ratio"]["read_vs_floor_in_process"] = out["read_in_process"]["wall_median"] / fi
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkout", default=str(BENCH.parent))
    ap.add_argument("--file", action="append", default=[], help="more files (municipality 김포시)")
    ap.add_argument("--real", default="/work/shared/documents/004*.txt", help="glob of the real FY2020 report")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    checkout = Checkout(Path(args.checkout).resolve())
    checkout.check()
    work = Path(tempfile.mkdtemp(prefix="sijeong-floor-"))
    files: list[tuple[str, str, str]] = []  # (label, path, municipality)
    for p in sorted(glob.glob(args.real))[:1]:
        files.append(("real FY2020 report (004)", p, "김포시"))
    for p in args.file:
        files.append((Path(p).name, p, "김포시"))
    depts = DEPARTMENTS[:6]
    syn_report = work / "합성시_2020_결산_성과보고서.txt"
    syn_report.write_text(settlement_report("합성시", 2020, depts, 1), encoding="utf-8")
    syn_plan = work / "합성시_2020_주요업무계획.txt"
    syn_plan.write_text(work_plan("합성시", 2020, depts, 1), encoding="utf-8")
    files += [("synthetic settlement report, 6 departments", str(syn_report), "합성시"),
              ("synthetic work plan, 6 departments", str(syn_plan), "합성시")]
    tiny = work / "기준시_2020_주요업무계획.txt"
    tiny.write_text(work_plan("기준시", 2020, ["기획예산과"], 1), encoding="utf-8")
    result: dict = {"benchmark": "floor", "checkout": checkout.info(), "machine": machine(), "documents": []}
    with LoadSampler() as sampler:
        db = work / "fixed.db"
        cmd = [checkout.sijeong, "ingest", "--db", str(db), "--municipality", "기준시", str(tiny)]
        run(cmd, timeout=600)
        result["fixed_ingest_tiny"] = median_run(cmd, args.repeat)
        result["python_start"] = median_run([checkout.python, "-c", "pass"], args.repeat)
        for label, path, m in files:
            d = measure(checkout, path, m, work, args.repeat)
            d["label"] = label
            result["documents"].append(d)
            print(f"{label}: ingest {d['ingest_fresh']['wall_median']:.3f} s, floor {d['floor_process']['wall_median']:.3f} s "
                  f"→ {d['ratio']['ingest_fresh_vs_floor']:.1f}×", file=sys.stderr, flush=True)
    result["load_average"] = sampler.summary()
    for f in work.iterdir():
        f.unlink()
    work.rmdir()
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
