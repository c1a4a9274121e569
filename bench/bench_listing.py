"""The listing's render time in process: the filtered program listing (HTML
``/programs?municipality&year&department&limit=50``), its ``.json`` twin and
``/api/v1/programs`` asked through ``TestClient`` (the whole app: routing, dependencies,
middleware, the page cache off), ``--renders`` times each over the database's largest
department scopes, after one warm-up round. Reported per endpoint: the median wall time and
the median CPU time of the process (``time.process_time``: the client's share included,
the same for every checkout; on a shared machine it moves less than the wall time).

``--direct``: the app is called as ASGI in the benchmark's own thread, without ``TestClient``
(whose HTTP client and portal thread cost about 2–3 ms of CPU a request for a 340 kB page,
more than a cache hit itself): the CPU measured is then the server's alone.

``--hits``: the page cache on (64 MB): the warm-up round fills it, so every measured request
is answered from the cache (its ``x-sijeong-cache: hit`` is checked) — the cost of a hit.

Compare two checkouts on the same database, interleaved (the code is whichever ``sijeong``
is on ``PYTHONPATH``):

    PYTHONPATH=/path/to/main/src python bench/bench_listing.py --db sqlite:////tmp/x/bench.db
    PYTHONPATH=src python bench/bench_listing.py --db sqlite:////tmp/x/bench.db
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
import warnings
from urllib.parse import urlencode


class _Answer:
    def __init__(self, messages: list[dict]) -> None:
        start = messages[0]
        self.status_code = start["status"]
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers") or []}
        self.content = b"".join(m.get("body", b"") for m in messages[1:])


def _direct(app):
    """``get(url)`` calling the ASGI app on one event loop of this thread (no HTTP client, no
    portal thread: the CPU measured is the app's, its worker threads' included)."""
    loop = asyncio.new_event_loop()

    async def call(url: str) -> _Answer:
        path, _, query = url.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": [(b"host", b"testserver"), (b"accept", b"*/*")],
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {}}
        messages: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            messages.append(message)

        await app(scope, receive, send)
        return _Answer(messages)

    return lambda url: loop.run_until_complete(call(url))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--renders", type=int, default=200)
    ap.add_argument("--scopes", type=int, default=40)
    ap.add_argument("--hits", action="store_true", help="page cache on: measure cache hits")
    ap.add_argument("--direct", action="store_true",
                    help="call the ASGI app in this thread (no HTTP client): the server's CPU only")
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
    # Settings' page_cache_mb defaults to 0: every request renders; --hits: every measured one is a hit
    app = create_app(Settings(db_url=args.db, page_cache_mb=64 if args.hits else 0))
    out: dict = {"hits": args.hits, "direct": args.direct, "load": os.getloadavg()[0], "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                 "rows_per_page": statistics.median(min(n, 50) for *_, n in scopes), "endpoints": {}}
    client = TestClient(app) if not args.direct else None
    with (client if client is not None else contextlib.nullcontext()):
        get = client.get if client is not None else _direct(app)
        for name, pattern in endpoints.items():
            urls = [pattern.format(q) for q in qs]
            size = 0
            for u in urls:  # warm-up
                r = get(u)
                assert r.status_code == 200, (u, r.status_code)
                size = max(size, len(r.content))
            wall, cpu = [], []
            for i in range(args.renders):
                t, c = time.perf_counter(), time.process_time()
                r = get(urls[i % len(urls)])
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
                if args.hits:
                    assert r.headers.get("x-sijeong-cache") == "hit", urls[i % len(urls)]
            out["endpoints"][name] = {"median_wall_ms": round(statistics.median(wall), 2),
                                      "median_cpu_ms": round(statistics.median(cpu), 2),
                                      # the 10th percentile: on a machine shared with other work the
                                      # least disturbed requests, steadier between runs than the median
                                      "p10_cpu_ms": round(statistics.quantiles(cpu, n=10)[0], 2), "max_bytes": size}
    out["load_after"] = os.getloadavg()[0]
    print(f"# bench_listing {'cache hits' if args.hits else 'renders'}{' (direct ASGI)' if args.direct else ''}: {args.renders} requests, {len(qs)} scopes, load {out['load']:.2f} → {out['load_after']:.2f}; {out['when']}")
    for name, res in out["endpoints"].items():
        print(f"{name:14} median wall {res['median_wall_ms']:7.2f} ms  cpu {res['median_cpu_ms']:7.2f} ms  "
              f"cpu p10 {res['p10_cpu_ms']:7.2f} ms  ({res['max_bytes']} bytes)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
