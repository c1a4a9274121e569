"""The listing's render time in process: the filtered program listing (HTML
``/programs?municipality&year&department&limit=50``), its ``.json`` twin and
``/api/v1/programs`` asked through ``TestClient`` (the whole app: routing, dependencies,
middleware, the page cache off), ``--renders`` times each over the database's largest
department scopes, after one warm-up round. Reported per endpoint: the median wall time and
the median CPU time of the process (``time.process_time``: the client's share included,
the same for every checkout; on a shared machine it moves less than the wall time).

Compare two checkouts on the same database, interleaved (the code is whichever ``sijeong``
is on ``PYTHONPATH``):

    PYTHONPATH=/path/to/main/src python bench/bench_listing.py --db sqlite:////tmp/x/bench.db
    PYTHONPATH=src python bench/bench_listing.py --db sqlite:////tmp/x/bench.db
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from urllib.parse import urlencode


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--renders", type=int, default=200)
    ap.add_argument("--scopes", type=int, default=40)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    import sqlalchemy as sa
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    engine = sa.create_engine(args.db)
    with engine.connect() as conn:
        scopes = conn.execute(sa.text(
            "select municipality, year, department, count(*) as n from programs where department is not null "
            "group by municipality, year, department order by n desc, municipality, year, department limit :k"),
            {"k": args.scopes}).all()
    engine.dispose()
    qs = [urlencode({"municipality": m, "year": y, "department": d, "limit": 50}) for m, y, d, _ in scopes]
    endpoints = {"listing": "/programs?{}", "listing_json": "/programs.json?{}", "api_programs": "/api/v1/programs?{}"}
    app = create_app(Settings(db_url=args.db))  # page_cache_mb 0: every request renders
    out: dict = {"load": os.getloadavg()[0], "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                 "rows_per_page": statistics.median(min(n, 50) for *_, n in scopes), "endpoints": {}}
    with TestClient(app) as client:
        for name, pattern in endpoints.items():
            urls = [pattern.format(q) for q in qs]
            size = 0
            for u in urls:  # warm-up
                r = client.get(u)
                assert r.status_code == 200, (u, r.status_code)
                size = max(size, len(r.content))
            wall, cpu = [], []
            for i in range(args.renders):
                t, c = time.perf_counter(), time.process_time()
                r = client.get(urls[i % len(urls)])
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            out["endpoints"][name] = {"median_wall_ms": round(statistics.median(wall), 2),
                                      "median_cpu_ms": round(statistics.median(cpu), 2), "max_bytes": size}
    out["load_after"] = os.getloadavg()[0]
    print(f"# bench_listing {args.renders} renders, {len(qs)} scopes, load {out['load']:.2f} → {out['load_after']:.2f}; {out['when']}")
    for name, res in out["endpoints"].items():
        print(f"{name:14} median wall {res['median_wall_ms']:7.2f} ms  cpu {res['median_cpu_ms']:7.2f} ms  ({res['max_bytes']} bytes)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
