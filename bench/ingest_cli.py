"""National ingest benchmark through the real command line: N municipalities × Y years.

Writes the synthetic documents of ``bench/synth.py`` (a 결산·성과보고서 and a 주요업무계획 per
municipality-year) as ``WORK/docs/<municipality>/<files>``, then loads them with the
*checkout's* ``sijeong ingest`` the way a user would, into a fresh SQLite file or a fresh
PostgreSQL database, and finally runs ``sijeong check`` over the whole database. Measured:

- the fixed cost of one call: Python start-up, ``sijeong --help``, ``sijeong ingest --help``,
  and an ingest of a tiny document into an up-to-date database (median of 3; the first call,
  which migrates an empty database, is recorded apart);
- the whole load (wall, CPU of the ``sijeong`` processes, per call), and from it the
  per-document cost: (wall − calls × fixed) ÷ documents;
- ``sijeong check`` over everything (wall, CPU, peak memory, findings);
- the extrapolation to 243 × 10: calls × fixed + documents × per-document cost (and check
  scaled by the number of documents);
- load average during the run, the commit measured, the options the checkout's CLI offers.

Modes (``--mode``):
  per-municipality   one ``sijeong ingest --municipality M FILES...`` per municipality (what
                     every version can do: the "before")
  jobs               the same with ``--jobs N`` (when ``sijeong ingest --help`` lists ``--jobs``)
  batch              one call for every municipality: ``--batch-args`` with ``{root}`` (the
                     folder of municipality folders), ``{manifest}`` (a CSV ``file,municipality``
                     with a header) or ``{manifest_json}``; by default detected from
                     ``sijeong ingest --help``: ``--tree {root}`` (``ROOT/<municipality>/*.txt``),
                     else ``--manifest {manifest}``; ``--jobs N`` is added when the CLI has it
  auto               batch when detected, else jobs when detected, else per-municipality

    python bench/ingest_cli.py --checkout . --cities 243 --years 3 --backend sqlite \\
        --keep-db bench/work/national.db --json bench/results/before/ingest_sqlite.json
    python bench/ingest_cli.py --checkout . --cities 243 --years 3 --backend postgres \\
        --json bench/results/before/ingest_postgres.json

Bounded: every call has ``--call-timeout``; after ``--max-minutes`` no new call starts and
the result says how many municipalities were loaded (the extrapolation uses what was done).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (  # noqa: E402
    BENCH, Checkout, LoadSampler, machine, pg_counts, pg_create, pg_drop, pg_size, quantiles, run,
    sqlite_counts, write_documents, write_json,
)
from synth import work_plan  # noqa: E402

FULL_CITIES, FULL_YEARS = 243, 10
BATCH_OPTIONS = ("--tree", "--dir", "--directory", "--root", "--manifest")


def detect(checkout: Checkout) -> dict:
    opts = checkout.options("ingest")
    serve = checkout.options("serve")
    found = [o for o in BATCH_OPTIONS if o in opts]
    return {"ingest_options": sorted(opts), "serve_options": sorted(serve), "jobs": "--jobs" in opts,
            "batch_option": found[0] if found else None, "workers": "--workers" in serve}


def batch_args_for(option: str | None) -> str | None:
    if option is None:
        return None
    if option == "--manifest":
        return "--manifest {manifest}"
    return f"{option} {{root}}"


def write_manifests(work: Path, docs: dict[str, list[Path]]) -> dict[str, str]:
    csv_path = work / "manifest.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["file", "municipality"])
        for city, files in docs.items():
            for p in files:
                w.writerow([str(p), city])
    json_path = work / "manifest.json"
    json_path.write_text(json.dumps([{"path": str(p), "municipality": c} for c, fs in docs.items() for p in fs],
                                    ensure_ascii=False), encoding="utf-8")
    return {"manifest": str(csv_path), "manifest_json": str(json_path)}


class Target:
    """A fresh database of one backend."""

    def __init__(self, backend: str, work: Path, keep_db: str | None = None, label: str = "main"):
        self.backend = backend
        self.pg_name = None
        if backend == "sqlite":
            self.path = keep_db or str(work / f"{label}-{os.getpid()}.db")
            for suffix in ("", "-wal", "-shm"):
                Path(self.path + suffix).unlink(missing_ok=True)
            self.url = self.path
        else:
            self.pg_name, self.url = pg_create()
        self.keep = keep_db is not None

    def size(self) -> int | None:
        if self.backend == "sqlite":
            return sum(Path(self.path + s).stat().st_size for s in ("", "-wal") if Path(self.path + s).exists())
        return pg_size(self.pg_name)

    def counts(self) -> dict:
        return sqlite_counts(self.path) if self.backend == "sqlite" else pg_counts(self.pg_name)

    def drop(self) -> None:
        if self.backend == "sqlite":
            if not self.keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(self.path + suffix).unlink(missing_ok=True)
        elif self.pg_name:
            pg_drop(self.pg_name)


def fixed_costs(checkout: Checkout, backend: str, work: Path, timeout: float) -> dict:
    """What every call pays before it reads anything."""
    tiny_dir = work / "tiny"
    tiny_dir.mkdir(parents=True, exist_ok=True)
    tiny = tiny_dir / "기준시_2020_주요업무계획.txt"
    tiny.write_text(work_plan("기준시", 2020, ["기획예산과"], 1), encoding="utf-8")

    def med(cmd: list[str], n: int = 3) -> dict:
        runs = [run(cmd, timeout=timeout) for _ in range(n)]
        bad = [r for r in runs if r.returncode != 0]
        return {"wall_median": statistics.median(r.wall for r in runs), "cpu_median": statistics.median(r.cpu for r in runs),
                "runs": [r.brief() for r in runs], "failed": len(bad),
                **({"stderr": bad[0].stderr[-500:]} if bad else {})}

    out = {"python_start": med([checkout.python, "-c", "pass"]), "sijeong_help": med([checkout.sijeong, "--help"]),
           "ingest_help": med([checkout.sijeong, "ingest", "--help"])}
    target = Target(backend, work, label="tiny")
    try:
        cmd = [checkout.sijeong, "ingest", "--db", target.url, "--municipality", "기준시", str(tiny)]
        first = run(cmd, timeout=timeout)
        out["ingest_tiny_first"] = {**first.brief(), "what": "empty database: migrates from nothing"}
        out["ingest_tiny"] = med(cmd)
        out["ingest_tiny"]["what"] = "the same tiny document again into an up-to-date database"
    finally:
        target.drop()
    return out


def load(checkout: Checkout, target: Target, docs: dict[str, list[Path]], *, mode: str, jobs: int, batch_args: str | None,
         manifests: dict[str, str], root: Path, timeout: float, deadline: float) -> dict:
    calls: list[dict] = []
    failures: list[dict] = []
    loaded_cities = 0
    loaded_docs = 0
    base = [checkout.sijeong, "ingest", "--db", target.url]
    t0 = time.perf_counter()
    if mode == "batch":
        extra = batch_args.format(root=str(root), **manifests).split()
        cmd = base + (["--jobs", str(jobs)] if jobs else []) + extra
        r = run(cmd, timeout=max(timeout, deadline - time.perf_counter()))
        calls.append({**r.brief(), "documents": sum(len(f) for f in docs.values())})
        if r.returncode != 0 or r.timed_out:
            failures.append({"cmd": " ".join(cmd[2:])[:300], "rc": r.returncode, "timed_out": r.timed_out,
                             "stderr": r.stderr[-1500:]})
        else:
            loaded_cities, loaded_docs = len(docs), sum(len(f) for f in docs.values())
    else:
        for city, files in docs.items():
            if time.perf_counter() > deadline:
                break
            cmd = base + (["--jobs", str(jobs)] if jobs else []) + ["--municipality", city, *map(str, files)]
            r = run(cmd, timeout=timeout)
            calls.append({**r.brief(), "documents": len(files)})
            if r.returncode != 0 or r.timed_out:
                failures.append({"municipality": city, "rc": r.returncode, "timed_out": r.timed_out,
                                 "stderr": r.stderr[-1500:]})
            loaded_cities += 1
            loaded_docs += len(files)
            if len(calls) % 10 == 0:
                el = time.perf_counter() - t0
                print(f"  {len(calls)} calls, {loaded_docs} documents, {el:.0f} s", file=sys.stderr, flush=True)
    wall = time.perf_counter() - t0
    walls = [c["wall"] for c in calls]
    return {"mode": mode, "jobs": jobs or None, "batch_args": batch_args if mode == "batch" else None,
            "calls": len(calls), "municipalities": loaded_cities, "documents": loaded_docs, "wall": wall,
            "cpu": sum(c["cpu"] for c in calls), "per_call": quantiles(walls), "failures": failures,
            "complete": loaded_cities == len(docs) and not failures}


def check_all(checkout: Checkout, target: Target, work: Path, timeout: float) -> dict:
    out_path = str(work / f"check-{os.getpid()}.json")
    r = run([checkout.sijeong, "check", "--db", target.url, "--format", "json"], timeout=timeout, stdout_path=out_path)
    result = {**r.brief(), "max_rss_mb": round(r.max_rss_mb, 1), "timed_out": r.timed_out,
              "output_bytes": Path(out_path).stat().st_size}
    try:
        data = json.loads(Path(out_path).read_text(encoding="utf-8"))
        findings = data.get("findings", data) if isinstance(data, dict) else data
        result["findings"] = len(findings) if isinstance(findings, list) else None
    except (ValueError, OSError):
        result["findings"] = None
    if r.returncode != 0:
        result["stderr"] = r.stderr[-1500:]
    Path(out_path).unlink(missing_ok=True)
    return result


def extrapolate(fixed: dict, ingest: dict, check: dict | None, *, cities: int, years: int) -> dict:
    """243 × 10 from what was measured: the fixed cost per call and the cost per document."""
    per_call = fixed["ingest_tiny"]["wall_median"]
    docs, calls = ingest["documents"], ingest["calls"]
    if not docs:
        return {}
    per_doc = max(0.0, (ingest["wall"] - calls * per_call) / docs)
    full_docs = FULL_CITIES * FULL_YEARS * 2
    if ingest["mode"] == "batch":
        full_calls = 1
    else:  # one call per municipality, whatever the number of years
        full_calls = FULL_CITIES
    est = full_calls * per_call + full_docs * per_doc
    out = {"fixed_per_call_s": per_call, "per_document_s": per_doc, "fixed_share": calls * per_call / ingest["wall"],
           "full_calls": full_calls, "full_documents": full_docs, "ingest_s": est}
    # the same from CPU seconds (steadier on a shared machine; parallel work can bring the
    # wall below it, down to CPU ÷ cores)
    cpu_call = fixed["ingest_tiny"]["cpu_median"]
    per_doc_cpu = max(0.0, (ingest["cpu"] - calls * cpu_call) / docs)
    out.update(fixed_per_call_cpu_s=cpu_call, per_document_cpu_s=per_doc_cpu,
               ingest_cpu_s=full_calls * cpu_call + full_docs * per_doc_cpu)
    if check and check.get("rc") == 0:
        start = fixed["sijeong_help"]["wall_median"]
        out["check_s"] = start + (check["wall"] - start) * full_docs / docs
        start_cpu = fixed["sijeong_help"]["cpu_median"]
        out["check_cpu_s"] = start_cpu + (check["cpu"] - start_cpu) * full_docs / docs
    return out


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkout", default=str(BENCH.parent), help="a sijeong repository with its .venv (default: this one)")
    ap.add_argument("--cities", type=int, default=243)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--departments", type=int, default=6)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--mode", choices=["auto", "per-municipality", "jobs", "batch"], default="auto")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="for the jobs/batch modes (default: cores)")
    ap.add_argument("--batch-args", help="the batch call's arguments, with {root}, {manifest} or {manifest_json}")
    ap.add_argument("--work", default=str(BENCH / "work"), help="where documents and scratch databases go")
    ap.add_argument("--keep-db", help="SQLite: write the national database here and keep it (for load.py)")
    ap.add_argument("--no-check", action="store_true", help="skip sijeong check over the whole database")
    ap.add_argument("--call-timeout", type=float, default=900)
    ap.add_argument("--max-minutes", type=float, default=60, help="start no new ingest call after this")
    ap.add_argument("--json", help="write the result here (default: stdout)")
    ap.add_argument("--reextrapolate", metavar="JSON", help="only recompute the extrapolation of a result file, in place")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.reextrapolate:
        r = json.loads(Path(args.reextrapolate).read_text(encoding="utf-8"))
        r["extrapolation_243x10"] = extrapolate(r["fixed"], r["ingest"], r.get("check"), cities=r["scale"]["cities"],
                                                years=r["scale"]["years"])
        write_json(args.reextrapolate, r)
        return 0
    checkout = Checkout(Path(args.checkout).resolve())
    checkout.check()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    cli = detect(checkout)
    mode = args.mode
    batch_args = args.batch_args or batch_args_for(cli["batch_option"])
    if mode == "auto":
        mode = "batch" if batch_args else "jobs" if cli["jobs"] else "per-municipality"
    if mode == "batch" and not batch_args:
        raise SystemExit("batch: 이 CLI에서 일괄 옵션을 찾지 못함 / no batch option found; give --batch-args")
    if mode == "jobs" and not cli["jobs"]:
        raise SystemExit("jobs: sijeong ingest --help 에 --jobs 없음 / the CLI has no --jobs")
    jobs = args.jobs if (mode == "jobs" or (mode == "batch" and cli["jobs"])) else 0

    result: dict = {"benchmark": "ingest_cli", "argv": sys.argv[1:], "checkout": checkout.info(), "machine": machine(),
                    "cli": {k: v for k, v in cli.items() if k not in ("ingest_options", "serve_options")},
                    "ingest_options": cli["ingest_options"], "backend": args.backend,
                    "scale": {"cities": args.cities, "years": args.years, "departments": args.departments}}
    t = time.perf_counter()
    docs = write_documents(work / "docs", cities=args.cities, years=args.years, departments=args.departments)
    manifests = write_manifests(work, docs)
    result["documents_written_s"] = round(time.perf_counter() - t, 2)
    print(f"{args.backend}: {sum(map(len, docs.values()))} documents, mode {mode}", file=sys.stderr, flush=True)

    with LoadSampler() as sampler:
        result["fixed"] = fixed_costs(checkout, args.backend, work, args.call_timeout)
        print(f"  fixed per call {result['fixed']['ingest_tiny']['wall_median']:.2f} s", file=sys.stderr, flush=True)
        target = Target(args.backend, work, keep_db=args.keep_db if args.backend == "sqlite" else None)
        try:
            deadline = time.perf_counter() + args.max_minutes * 60
            result["ingest"] = load(checkout, target, docs, mode=mode, jobs=jobs, batch_args=batch_args,
                                    manifests=manifests, root=work / "docs", timeout=args.call_timeout, deadline=deadline)
            ing = result["ingest"]
            print(f"  ingest {ing['documents']} documents in {ing['wall']:.1f} s", file=sys.stderr, flush=True)
            result["database"] = {"bytes": target.size(), "rows": target.counts(),
                                  **({"path": target.path} if args.keep_db and args.backend == "sqlite" else {})}
            if not args.no_check:
                result["check"] = check_all(checkout, target, work, max(args.call_timeout, 1800))
                print(f"  check {result['check']['wall']:.1f} s (rc {result['check']['rc']})", file=sys.stderr, flush=True)
        finally:
            target.drop()
    result["load_average"] = sampler.summary()
    result["extrapolation_243x10"] = extrapolate(result["fixed"], result["ingest"], result.get("check"),
                                                 cities=args.cities, years=args.years)
    write_json(args.json, result)
    return 0 if result["ingest"]["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
