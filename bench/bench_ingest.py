"""Ingest benchmark: N municipalities × Y years of synthetic documents into SQLite and PostgreSQL.

For every municipality-year, ``bench/synth.py`` writes a 결산·성과보고서 and a 주요업무계획
(consistent by construction); each is read once (``pipeline.load_text``) and then stored in
every backend (``repository.save_document``, one transaction per document), the way
``sijeong ingest`` does. Optionally (``--check``) the rules then run per municipality-year
(``load_documents`` + ``pipeline.check`` + ``save_findings``), as ``sijeong ingest`` does after
loading. Reported: documents/s and records/s, reading vs storing time (wall and CPU), per
document medians and p95, database size, and peak memory (``ru_maxrss``; with
``--tracemalloc`` also the Python heap's peak, which slows everything down).

    python bench/bench_ingest.py                          # 20 × 3, SQLite + PostgreSQL
    python bench/bench_ingest.py --cities 243 --years 10  # the full scale (hours: see docs/benchmarks.md)
    python bench/bench_ingest.py --cities 4 --years 2 --profile /tmp/read.prof

SQLite goes to a temporary file, PostgreSQL (``--pg-admin``, default 127.0.0.1:5432 database
``test``) to a fresh database ``sijeong_bench_<hex>``; both are removed afterwards unless
``--keep`` is given (then their URLs are printed, for ``bench_queries.py --sqlite/--pg``).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import platform
import pstats
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

import sqlalchemy as sa  # noqa: E402

from synth import DEPARTMENTS, city_name, settlement_report, work_plan  # noqa: E402,F401

PG_ADMIN = os.environ.get("SIJEONG_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Work:
    """One document to ingest."""

    city: str
    year: int
    family: str
    name: str
    text: str


def documents(cities: int, years: int, departments: int, first_year: int = 2015, seed: int = 1):
    """The synthetic documents, municipality by municipality, year by year (generated lazily)."""
    for ci in range(cities):
        city = city_name(ci)
        for year in range(first_year, first_year + years):
            # each municipality has its own departments (a rotating slice of the list)
            depts = [DEPARTMENTS[(ci + k) % len(DEPARTMENTS)] for k in range(departments)]
            yield Work(city, year, "settlement", f"{city}_{year}_결산_성과보고서.txt",
                       settlement_report(city, year, depts, seed))
            yield Work(city, year, "plan", f"{city}_{year}_주요업무계획.txt", work_plan(city, year, depts, seed))


# --- databases ---------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(path: str | None = None, keep: bool = False):
    """A migrated SQLite engine on ``path`` (a new temporary file when None)."""
    from sijeong.store import db

    tmpdir = None
    if path is None:
        tmpdir = tempfile.mkdtemp(prefix="sijeong-bench-")
        path = os.path.join(tmpdir, "bench.db")
    engine = db.create_engine_for(f"sqlite:///{path}")
    db.migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if not keep and tmpdir is not None:
            for f in Path(tmpdir).iterdir():
                f.unlink()
            os.rmdir(tmpdir)


@contextlib.contextmanager
def pg_database(admin_url: str = PG_ADMIN, keep: bool = False, url: str | None = None):
    """A migrated engine on a fresh PostgreSQL database (dropped afterwards), or on ``url``."""
    from sijeong.store import db

    admin = None
    if url is None:
        admin = sa.create_engine(db.normalize_url(admin_url), isolation_level="AUTOCOMMIT")
        name = f"sijeong_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = db.create_engine_for(url)
    try:
        db.migrate(engine)
        yield engine
    finally:
        engine.dispose()
        if admin is not None:
            if not keep:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{engine.url.database}" WITH (FORCE)'))
            admin.dispose()


def pg_available(admin_url: str = PG_ADMIN) -> str | None:
    """None when the server answers, else why not."""
    from sijeong.store import db

    try:
        eng = sa.create_engine(db.normalize_url(admin_url))
        with eng.connect() as conn:
            conn.execute(sa.text("select 1"))
        eng.dispose()
        return None
    except Exception as e:  # noqa: BLE001 - any failure means: not answering
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


def db_size(engine) -> dict:
    """Bytes on disk, and the biggest tables (PostgreSQL, or SQLite with the dbstat table)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
            out = {"bytes": pages * size}
            try:
                rows = conn.exec_driver_sql(
                    "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").all()
                out["largest"] = [(n, int(b)) for n, b in rows]
            except sa.exc.DBAPIError:
                pass
            return out
        database = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
        rows = conn.execute(sa.text(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC")).all()
        # our tables with their indexes and TOAST; the database adds the catalogs (~7.5 MiB)
        return {"bytes": sum(int(b) for _, b in rows), "database_bytes": int(database),
                "largest": [(n, int(b)) for n, b in rows[:8]]}


# --- statistics ----------------------------------------------------------------------------


def quantiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    s = sorted(values)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return {"n": len(s), "median": statistics.median(s), "p95": p95, "max": s[-1], "total": sum(s)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def machine() -> dict:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "sqlite": __import__("sqlite3").sqlite_version, "load_average": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


# --- the benchmark -----------------------------------------------------------------------


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)


@contextlib.contextmanager
def timed(into: Timings):
    w, c = time.perf_counter(), time.process_time()
    yield
    into.add(time.perf_counter() - w, time.process_time() - c)


def ingest(engines: dict, works, *, check: bool = False, profile: cProfile.Profile | None = None,
           progress: bool = True) -> dict:
    """Read every document once, store it in every engine; returns the measurements."""
    from sijeong import pipeline
    from sijeong.readers import read_errors
    from sijeong.store import repository

    read = {"settlement": Timings(), "plan": Timings()}
    store = {name: {"settlement": Timings(), "plan": Timings()} for name in engines}
    checks = {name: Timings() for name in engines}
    records = Counter()
    records_by_family = Counter()
    docs_by_family = Counter()
    failed: list[str] = []
    lines = 0
    pending_check: tuple[str, int] | None = None
    n = 0
    start = time.perf_counter()

    def run_check(city: str, year: int) -> None:
        for name, engine in engines.items():
            with timed(checks[name]), engine.begin() as conn:
                docs = repository.load_documents(conn, municipality=city, year=year)
                findings = pipeline.check(docs)
                repository.save_findings(conn, findings, replace_for=[(city, year)])

    for w in works:
        if check and pending_check and pending_check != (w.city, w.year):
            run_check(*pending_check)
        pending_check = (w.city, w.year)
        if profile:
            profile.enable()
        with timed(read[w.family]):
            doc = pipeline.load_text(w.name, w.text, municipality=w.city)
        if profile:
            profile.disable()
        lines += w.text.count("\n") + 1
        if read_errors(doc):
            failed.append(f"{w.name}: {read_errors(doc)[0].message}")
            continue
        for name, engine in engines.items():
            with timed(store[name][w.family]), engine.begin() as conn:
                repository.save_document(conn, doc)
        docs_by_family[w.family] += 1
        records_by_family[w.family] += len(doc.records)
        records.update(r.kind for r in doc.records)
        n += 1
        if progress and n % 20 == 0:
            print(f"  … {n} documents, {sum(records.values()):,} records, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr)
    if check and pending_check:
        run_check(*pending_check)
    return {"read": read, "store": store, "check": checks if check else None, "records": records,
            "records_by_family": records_by_family, "docs_by_family": docs_by_family, "failed": failed,
            "lines": lines, "documents": n}


def summarize(result: dict, engines: dict) -> dict:
    """The numbers of a run, as plain data (printed, and written with ``--json``)."""
    read, store = result["read"], result["store"]
    n_docs, n_recs = result["documents"], sum(result["records"].values())
    read_wall = sum(sum(t.wall) for t in read.values())
    read_cpu = sum(sum(t.cpu) for t in read.values())
    out = {
        "documents": n_docs,
        "documents_by_family": dict(result["docs_by_family"]),
        "records": n_recs,
        "records_by_family": dict(result["records_by_family"]),
        "records_by_kind": dict(result["records"].most_common()),
        "lines": result["lines"],
        "failed": result["failed"],
        "read": {
            "wall_s": read_wall, "cpu_s": read_cpu,
            "documents_per_s": n_docs / read_wall if read_wall else None,
            "records_per_s": n_recs / read_wall if read_wall else None,
            "per_document_s": {fam: quantiles(t.wall) for fam, t in read.items()},
            "per_document_cpu_s": {fam: quantiles(t.cpu) for fam, t in read.items()},
        },
        "store": {},
        "peak_rss_mb": peak_rss_mb(),
    }
    for name, fams in store.items():
        wall = sum(sum(t.wall) for t in fams.values())
        cpu = sum(sum(t.cpu) for t in fams.values())
        entry = {
            "wall_s": wall, "client_cpu_s": cpu,
            "documents_per_s": n_docs / wall if wall else None,
            "records_per_s": n_recs / wall if wall else None,
            "per_document_s": {fam: quantiles(t.wall) for fam, t in fams.items()},
            "read_share": read_wall / (read_wall + wall) if read_wall + wall else None,
            "end_to_end_documents_per_s": n_docs / (read_wall + wall) if read_wall + wall else None,
            "size": db_size(engines[name]),
        }
        if result["check"]:
            entry["check_per_municipality_year_s"] = quantiles(result["check"][name].wall)
        out["store"][name] = entry
    return out


def print_summary(s: dict, out=sys.stdout) -> None:
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"documents: {s['documents']} {s['documents_by_family']}, lines: {s['lines']:,}, "
      f"records: {s['records']:,} {s['records_by_family']}")
    if s["failed"]:
        p(f"NOT STORED (read errors): {len(s['failed'])}: {s['failed'][:3]}")
    r = s["read"]
    p(f"read   : {r['wall_s']:8.1f} s wall, {r['cpu_s']:8.1f} s CPU; {r['documents_per_s']:.2f} docs/s, "
      f"{r['records_per_s']:,.0f} records/s")
    for fam, q in r["per_document_s"].items():
        if q["n"]:
            c = r["per_document_cpu_s"][fam]
            p(f"         {fam:10s} per document: median {q['median']*1000:7.1f} ms, p95 {q['p95']*1000:7.1f} ms "
              f"(CPU median {c['median']*1000:.1f} ms)")
    for name, e in s["store"].items():
        p(f"store {name:10s}: {e['wall_s']:8.1f} s wall ({e['client_cpu_s']:.1f} s client CPU); "
          f"{e['documents_per_s']:.2f} docs/s, {e['records_per_s']:,.0f} records/s; read is "
          f"{100*e['read_share']:.0f}% of read+store; end to end {e['end_to_end_documents_per_s']:.2f} docs/s")
        for fam, q in e["per_document_s"].items():
            if q["n"]:
                p(f"         {fam:10s} per document: median {q['median']*1000:7.1f} ms, p95 {q['p95']*1000:7.1f} ms")
        if "check_per_municipality_year_s" in e:
            q = e["check_per_municipality_year_s"]
            p(f"         check per municipality-year: median {q['median']*1000:.0f} ms, p95 {q['p95']*1000:.0f} ms")
        size = e["size"]
        largest = ", ".join(f"{n} {b/2**20:.1f}" for n, b in size.get("largest", [])[:5])
        p(f"         size {size['bytes']/2**20:.1f} MiB ({size['bytes']/max(s['records'],1):.0f} B/record); "
          f"largest (MiB): {largest}")
    p(f"peak RSS: {s['peak_rss_mb']:.0f} MiB" + (f"; Python heap peak {s['tracemalloc_peak_mb']:.0f} MiB"
                                                if "tracemalloc_peak_mb" in s else ""))


def print_profile(prof: cProfile.Profile, out=sys.stdout, top: int = 18) -> None:
    import io

    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(r"sijeong", top)
    st.sort_stats("tottime").print_stats(r"sijeong", 10)
    text = "\n".join(line for line in buf.getvalue().splitlines() if line.strip())
    print(text.replace(str(BENCH.parent / "src") + "/", ""), file=out)


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cities", type=int, default=20, help="municipalities (default 20; 243 = all)")
    ap.add_argument("--years", type=int, default=3, help="years per municipality (default 3)")
    ap.add_argument("--departments", type=int, default=6, help="departments per municipality (default 6)")
    ap.add_argument("--first-year", type=int, default=2015)
    ap.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--sqlite", metavar="FILE", help="SQLite file to fill (default: a temporary file)")
    ap.add_argument("--pg-admin", default=PG_ADMIN, help="PostgreSQL URL of a database to connect to for CREATE DATABASE")
    ap.add_argument("--keep", action="store_true", help="keep the databases and print their URLs")
    ap.add_argument("--check", action="store_true", help="also run the rules per municipality-year, as sijeong ingest does")
    ap.add_argument("--profile", metavar="FILE", help="cProfile the reading; write the stats to FILE and print the top")
    ap.add_argument("--tracemalloc", action="store_true", help="measure the Python heap's peak (slow)")
    ap.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if "postgresql" in backends and (why := pg_available(args.pg_admin)):
        print(f"PostgreSQL is not answering ({why}); SQLite only", file=sys.stderr)
        backends.remove("postgresql")
    info = machine()
    print(f"# bench_ingest {args.cities} municipalities × {args.years} years × {args.departments} departments; "
          f"{info['cpu']} ×{info['cores']}, load {info['load_average'][0]:.2f}; {info['date']}")
    if args.tracemalloc:
        tracemalloc.start()
    prof = cProfile.Profile() if args.profile else None
    with contextlib.ExitStack() as stack:
        engines = {}
        if "sqlite" in backends:
            engines["sqlite"] = stack.enter_context(sqlite_database(args.sqlite, keep=args.keep))
        if "postgresql" in backends:
            engines["postgresql"] = stack.enter_context(pg_database(args.pg_admin, keep=args.keep))
        works = documents(args.cities, args.years, args.departments, args.first_year)
        result = ingest(engines, works, check=args.check, profile=prof)
        summary = summarize(result, engines)
        if args.tracemalloc:
            summary["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        summary["args"] = vars(args)
        summary["machine"] = info
        print_summary(summary)
        if args.keep:
            for name, engine in engines.items():
                print(f"kept {name}: {engine.url.render_as_string(hide_password=False)}")
    if prof:
        prof.dump_stats(args.profile)
        print_profile(prof)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
