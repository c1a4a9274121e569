"""Query benchmark: the reads the web app, the API and the commands make, on a filled database.

The database is one ``bench_ingest.py --keep`` left (``--sqlite FILE`` / ``--pg URL``), or
filled here. Filling by reading every synthetic document costs what ``bench_ingest`` measures
(the reader dominates), so by default (``--fill replicate``) a few municipality-years are read
(``--templates``) and every municipality-year stores a relabelled copy of one of them (its
municipality, year, document name and every source renamed) through the real
``repository.save_document``. Queries only care about how many rows each table holds and how
they are spread over (municipality, year, department), which the copies reproduce; the
values repeat. ``--fill read`` reads every document instead.

Each query runs ``--repeat`` times (after two warm-up runs), each time for another
municipality / year / department drawn from the stored data; reported: median and p95 (ms),
and the rows it returned, so an empty answer cannot pass for a fast one.

    python bench/bench_queries.py                               # 40 × 3, SQLite + PostgreSQL
    python bench/bench_queries.py --cities 243 --years 10 --backends sqlite
    python bench/bench_queries.py --sqlite /tmp/x/bench.db --pg postgresql+psycopg://postgres@127.0.0.1/sijeong_bench_…
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import io
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from bench_ingest import (  # noqa: E402
    PG_ADMIN, city_name, db_size, documents, ingest, machine, peak_rss_mb, pg_available, pg_database,
    quantiles, sqlite_database,
)

# --- filling -------------------------------------------------------------------------------


def relabel(obj, *, old_doc: str, new_doc: str, city: str, year_shift: int):
    """A copy of a model object (Document, Record, Figure ...) for another municipality and
    year: every ``municipality`` field, every year (shifted), every source's document name."""
    from sijeong.model import Source

    if isinstance(obj, Source):
        return Source(new_doc, obj.line) if obj.doc == old_doc else obj
    if isinstance(obj, list):
        return [relabel(x, old_doc=old_doc, new_doc=new_doc, city=city, year_shift=year_shift) for x in obj]
    if isinstance(obj, tuple):
        return tuple(relabel(x, old_doc=old_doc, new_doc=new_doc, city=city, year_shift=year_shift) for x in obj)
    if isinstance(obj, dict):
        return {k: relabel(v, old_doc=old_doc, new_doc=new_doc, city=city, year_shift=year_shift) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        new = copy.copy(obj)
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if f.name == "municipality" and isinstance(v, str):
                nv = city
            elif f.name == "year" and isinstance(v, int) and not isinstance(v, bool):
                nv = v + year_shift
            elif f.name == "doc" and v == old_doc:
                nv = new_doc
            elif isinstance(v, (list, tuple, dict)) or (dataclasses.is_dataclass(v) and not isinstance(v, type)):
                nv = relabel(v, old_doc=old_doc, new_doc=new_doc, city=city, year_shift=year_shift)
            else:
                continue
            object.__setattr__(new, f.name, nv)
        return new
    return obj


def fill_replicated(engines: dict, *, cities: int, years: int, departments: int, templates: int,
                    first_year: int = 2015) -> dict:
    """Read ``templates`` municipality-years, store relabelled copies for cities × years."""
    from sijeong import pipeline
    from sijeong.store import repository

    t0 = time.perf_counter()
    read: list[list] = []
    works = list(documents(templates, 1, departments, first_year))
    for i in range(0, len(works), 2):
        pair = [pipeline.load_text(w.name, w.text, municipality=w.city) for w in works[i: i + 2]]
        read.append(pair)
    read_s = time.perf_counter() - t0
    store_s = {name: 0.0 for name in engines}
    per_doc = {name: [] for name in engines}
    records = 0
    n = 0
    for ci in range(cities):
        city = city_name(ci)
        for year in range(first_year, first_year + years):
            for tdoc in read[(ci + year) % len(read)]:
                new_name = tdoc.name.replace(f"{tdoc.municipality}_{tdoc.year}_", f"{city}_{year}_")
                doc = relabel(tdoc, old_doc=tdoc.name, new_doc=new_name, city=city, year_shift=year - tdoc.year)
                doc.name = new_name
                for name, engine in engines.items():
                    w = time.perf_counter()
                    with engine.begin() as conn:
                        repository.save_document(conn, doc)
                    dt = time.perf_counter() - w
                    store_s[name] += dt
                    per_doc[name].append(dt)
                records += len(doc.records)
                n += 1
            if (ci * years + year - first_year + 1) % 100 == 0:
                print(f"  … {n} documents, {records:,} records, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return {"mode": "replicate", "templates_read_s": read_s, "documents": n, "records": records,
            "store_s": store_s, "store_per_document_s": {k: quantiles(v) for k, v in per_doc.items()},
            "store_first_decile_median_s": {k: quantiles(v[: max(1, len(v) // 10)])["median"] for k, v in per_doc.items()},
            "store_last_decile_median_s": {k: quantiles(v[-max(1, len(v) // 10):])["median"] for k, v in per_doc.items()}}


def fill_by_reading(engines: dict, *, cities: int, years: int, departments: int, first_year: int = 2015) -> dict:
    t0 = time.perf_counter()
    r = ingest(engines, documents(cities, years, departments, first_year))
    return {"mode": "read", "documents": r["documents"], "records": sum(r["records"].values()),
            "wall_s": time.perf_counter() - t0}


# --- the queries -------------------------------------------------------------------------


def scopes(conn, n: int, seed: int = 7) -> list[tuple[str, int, str]]:
    """``n`` (municipality, year, department) triples that have programs (indicators also
    come for the year before the report's, which has no programs)."""
    t = sa.table("programs", sa.column("municipality"), sa.column("year"), sa.column("department"))
    rows = conn.execute(sa.select(t.c.municipality, t.c.year, t.c.department).distinct()).all()
    rng = random.Random(seed)
    return [tuple(rows[rng.randrange(len(rows))]) for _ in range(n)]


class Runner:
    def __init__(self, engine, repeat: int, scopes_: list):
        self.engine = engine
        self.repeat = repeat
        self.scopes = scopes_
        self.results: dict[str, dict] = {}

    def time(self, label: str, fn, repeat: int | None = None, warmup: int = 2) -> None:
        """``fn(conn, municipality, year, department) -> rows returned``, timed per call."""
        repeat = repeat or self.repeat
        times, rows = [], []
        with self.engine.connect() as conn:
            for i in range(warmup + repeat):
                m, y, d = self.scopes[i % len(self.scopes)]
                w = time.perf_counter()
                try:
                    got = fn(conn, m, y, d)
                except Exception as e:  # noqa: BLE001 - a failing query is a result too
                    msg = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
                    self.results[label] = {"error": msg}
                    print(f"  {label:58s} FAILED {msg}", flush=True)
                    return
                finally:
                    if conn.in_transaction():
                        conn.rollback()
                dt = time.perf_counter() - w
                if i >= warmup:
                    times.append(dt)
                    rows.append(got)
        q = quantiles(times)
        self.results[label] = {"median_ms": q["median"] * 1000, "p95_ms": q["p95"] * 1000, "runs": q["n"],
                               "rows_median": sorted(rows)[len(rows) // 2], "rows_min": min(rows)}
        r = self.results[label]
        print(f"  {label:58s} median {r['median_ms']:9.2f} ms  p95 {r['p95_ms']:9.2f} ms  "
              f"rows {r['rows_min']}..{r['rows_median']}", flush=True)


def run_queries(engine, *, repeat: int, export_repeat: int) -> dict:
    from sijeong.commands.export import write_export
    from sijeong.store import repository
    from sijeong.store.search import search
    from sijeong.store import views as queries
    from sijeong.store.schema import table as T
    with engine.connect() as conn:
        sc = scopes(conn, 64)
    R = Runner(engine, repeat, sc)

    # paged lists, as /api/v1/indicators and /api/v1/programs ask for them
    def api_page(table):
        def fn(conn, m, y, d):
            t = T(table)
            rows, total = queries.page(conn, table, municipality=m, year=y, department=d,
                                       order_by=[t.c.year, t.c.department, t.c.doc_order, t.c.id], limit=50)
            return len(rows)
        return fn

    R.time("page indicators (municipality+year+department), web", api_page("indicators"))
    R.time("page programs (municipality+year+department), web", api_page("programs"))
    R.time("list_records programs (m+y+d), repository",
           lambda c, m, y, d: len(repository.list_records(c, "programs", municipality=m, year=y, department=d)[0]))
    R.time("list_records indicators (municipality only, all years)",
           lambda c, m, y, d: len(repository.list_records(c, "indicators", municipality=m)[0]))

    def page_sorted(conn, m, y, d):  # /programs?sort=spent: every row of the scope sorted
        t = T("programs")
        rows, _ = queries.page(conn, "programs", municipality=m, year=y, order_by=[t.c.spent.desc(), t.c.id], limit=200)
        return len(rows)

    R.time("programs sorted by spent (municipality+year), web", page_sorted)

    # the dashboard, query by query
    R.time("dashboard: years", lambda c, m, y, d: len(queries.years(c, m)))
    R.time("dashboard: departments", lambda c, m, y, d: len(queries.departments(c, m, y)))
    R.time("dashboard: grade_counts", lambda c, m, y, d: len(queries.grade_counts(c, m, y)))
    R.time("dashboard: execution_by_department", lambda c, m, y, d: len(queries.execution_by_department(c, m, y)))
    R.time("dashboard: missed_indicators", lambda c, m, y, d: len(queries.missed_indicators(c, m, y)[0]))
    R.time("dashboard: finding_counts", lambda c, m, y, d: len(queries.finding_counts(c, m, y)))
    R.time("dashboard: department_summaries", lambda c, m, y, d: len(queries.department_summaries(c, m, y)))
    R.time("dashboard: rate_changes", lambda c, m, y, d: len(queries.rate_changes(c, m, y, y - 1)))
    R.time("municipalities (every request without ?municipality=)",
           lambda c, m, y, d: len(queries.municipalities(c)))

    # search
    R.time("search '만족도' (FTS, everywhere)", lambda c, m, y, d: len(search(c, "만족도")))
    R.time("search '만족도' in one municipality", lambda c, m, y, d: len(search(c, "만족도", municipality=m)))
    R.time("search '청렴' (2 characters: LIKE, everywhere)", lambda c, m, y, d: len(search(c, "청렴")))
    R.time("search '청렴' in one municipality-year",
           lambda c, m, y, d: len(search(c, "청렴", municipality=m, year=y)))

    # whole documents for one municipality-year (sijeong check, reports)
    R.time("load_documents (municipality+year)",
           lambda c, m, y, d: sum(len(x.records) for x in repository.load_documents(c, municipality=m, year=y)),
           repeat=max(3, repeat // 3))

    # the streaming export
    def export_one(conn, m, y, d):
        out = io.StringIO()
        write_export(conn, out, municipality=m)
        return out.getvalue().count("\n")

    R.time("export one municipality (all years)", export_one, repeat=max(3, repeat // 3))

    class Count(io.TextIOBase):
        lines = 0

        def write(self, s):
            Count.lines += s.count("\n")
            return len(s)

    def export_all(conn, m, y, d):
        Count.lines = 0
        write_export(conn, Count())
        return Count.lines

    R.time("export everything (streamed, to a null writer)", export_all, repeat=export_repeat, warmup=0)
    return R.results


def run_http(url: str, engine, *, repeat: int) -> dict:
    """The same reads end to end through the app (FastAPI TestClient, in process)."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web.app import create_app

    with engine.connect() as conn:
        sc = scopes(conn, 64, seed=11)
    app = create_app(Settings(db_url=url))
    results = {}
    with TestClient(app) as client:
        def get(path):
            def fn(_conn, m, y, d):
                r = client.get(path.format(m=m, y=y, d=d))
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
                body = r.json()
                return len(body.get("items", body)) if isinstance(body, dict) else len(body)
            return fn

        R = Runner(engine, repeat, sc)
        R.time("GET /dashboard.json?municipality&year", get("/dashboard.json?municipality={m}&year={y}"))
        R.time("GET /api/v1/indicators?municipality&year&department",
               get("/api/v1/indicators?municipality={m}&year={y}&department={d}"))
        R.time("GET /api/v1/programs?municipality&year&department",
               get("/api/v1/programs?municipality={m}&year={y}&department={d}"))
        R.time("GET /api/v1/indicators (no municipality: default one)", get("/api/v1/indicators"))
        R.time("GET /api/v1/search?q=만족도&municipality", get("/api/v1/search?q=만족도&municipality={m}"))
        results = R.results
    app.state.engine.dispose()
    return results


def table_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = ["documents", "programs", "indicators", "revenues", "narratives", "tables", "search_index", "findings"]
        return {n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cities", type=int, default=40)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--departments", type=int, default=6)
    ap.add_argument("--fill", choices=["replicate", "read"], default="replicate")
    ap.add_argument("--templates", type=int, default=3, help="municipality-years read for --fill replicate")
    ap.add_argument("--backends", help="comma-separated: sqlite, postgresql (default: both, or only the ones "
                                       "given with --sqlite / --pg)")
    ap.add_argument("--sqlite", metavar="FILE", help="use this filled SQLite file (no filling)")
    ap.add_argument("--pg", metavar="URL", help="use this filled PostgreSQL database (no filling)")
    ap.add_argument("--pg-admin", default=PG_ADMIN)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--export-repeat", type=int, default=3)
    ap.add_argument("--no-http", action="store_true", help="skip the requests through the app")
    ap.add_argument("--keep", action="store_true", help="keep databases this run filled")
    ap.add_argument("--json", metavar="FILE")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    default = ",".join(b for b, given in (("sqlite", args.sqlite), ("postgresql", args.pg)) if given) or "sqlite,postgresql"
    backends = [b.strip() for b in (args.backends or default).split(",") if b.strip()]
    if args.sqlite and "sqlite" not in backends:
        backends.append("sqlite")
    if args.pg and "postgresql" not in backends:
        backends.append("postgresql")
    if "postgresql" in backends and not args.pg and (why := pg_available(args.pg_admin)):
        print(f"PostgreSQL is not answering ({why}); SQLite only", file=sys.stderr)
        backends.remove("postgresql")
    info = machine()
    print(f"# bench_queries {args.cities} × {args.years} × {args.departments} departments (fill: "
          f"{'given' if args.sqlite or args.pg else args.fill}); {info['cpu']} ×{info['cores']}, "
          f"load {info['load_average'][0]:.2f}; {info['date']}")
    summary: dict = {"args": vars(args), "machine": info, "backends": {}}
    with contextlib.ExitStack() as stack:
        engines = {}
        if "sqlite" in backends:
            engines["sqlite"] = stack.enter_context(sqlite_database(args.sqlite, keep=args.keep or bool(args.sqlite)))
        if "postgresql" in backends:
            engines["postgresql"] = stack.enter_context(pg_database(args.pg_admin, keep=args.keep, url=args.pg))
        to_fill = {k: e for k, e in engines.items() if not (k == "sqlite" and args.sqlite) and not (k == "postgresql" and args.pg)}
        if to_fill:
            kw = dict(cities=args.cities, years=args.years, departments=args.departments)
            fill = (fill_replicated(to_fill, templates=args.templates, **kw) if args.fill == "replicate"
                    else fill_by_reading(to_fill, **kw))
            summary["fill"] = fill
            print(f"filled: {json.dumps(fill, ensure_ascii=False, default=str)}")
        for name, engine in engines.items():
            counts = table_counts(engine)
            size = db_size(engine)
            print(f"\n## {name}: {size['bytes']/2**20:.0f} MiB; rows: {counts}")
            res = run_queries(engine, repeat=args.repeat, export_repeat=args.export_repeat)
            if not args.no_http:
                res.update(run_http(engine.url.render_as_string(hide_password=False), engine, repeat=args.repeat))
            summary["backends"][name] = {"rows": counts, "size": size, "queries": res}
            if args.keep:
                print(f"kept {name}: {engine.url.render_as_string(hide_password=False)}")
    summary["peak_rss_mb"] = peak_rss_mb()
    print(f"\npeak RSS: {summary['peak_rss_mb']:.0f} MiB")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
