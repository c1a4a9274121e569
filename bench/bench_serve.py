"""Serving benchmark: ``sijeong serve --workers N`` under C concurrent clients.

Starts ``sijeong serve`` on a filled database (one ``bench_queries.py --keep`` left), then
C clients (one asyncio httpx client, C tasks) ask the pages in turn for ``--seconds`` after a
warm-up; reported per worker count and page: requests per second, median and p95 (ms), and
any answer that was not 200 (so an error page cannot pass for a fast one). The load
generator runs on the same machine and takes CPU from the server: compare worker counts
with each other, not with other machines.

Also measured in-process: one dashboard chart drawn by pygal against the same chart from
the chart cache, and a template render with ``auto_reload`` on and off.

    python bench/bench_serve.py --db postgresql+psycopg://postgres@127.0.0.1/sijeong_bench_… \
        --workers 1,2 --clients 32 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def scopes(url: str, n: int = 40) -> list[tuple[str, int, str]]:
    """(municipality, year, department) of stored programs, drawn at random."""
    from sijeong.store import create_engine_for

    engine = create_engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select distinct municipality, year, department from programs "
                                    "where department is not null")).all()
    engine.dispose()
    random.seed(7)
    return [tuple(r) for r in random.sample(rows, min(n, len(rows)))]


def paths(kind: str, picks: list[tuple[str, int, str]]) -> list[str]:
    out = []
    for m, y, d in picks:
        q = httpx.QueryParams({"municipality": m, "year": y, "department": d})
        q_md = httpx.QueryParams({"municipality": m, "year": y})
        out.append({
            "programs": f"/programs?{q}",
            "api_programs": f"/api/v1/programs?{q}",
            "dashboard": f"/dashboard?{q_md}",
            "citizens": f"/citizens?{q_md}",
        }[kind])
    return out


async def load(base: str, urls: list[str], clients: int, seconds: float) -> dict:
    lat: list[float] = []
    bad: dict[int, int] = {}
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        async def one(i: int):
            k = i
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = await client.get(urls[k % len(urls)])
                lat.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    bad[r.status_code] = bad.get(r.status_code, 0) + 1
                k += clients

        started = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(clients)))
        took = time.monotonic() - started
    return {"requests": len(lat), "rps": len(lat) / took, "p50_ms": quantile(lat, 0.5), "p95_ms": quantile(lat, 0.95),
            "not_200": bad}


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sijeong.cli", "serve", "--db", url, "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(base + "/static/style.css", timeout=5).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("sijeong serve did not start")


def in_process(url: str, picks) -> dict:
    """A dashboard chart drawn vs served from the cache; a page render with auto_reload on/off."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import charts, create_app

    labels = [f"부서{i}" for i in range(12)]
    series = {f"{g}": [random.randint(0, 30) for _ in labels] for g in ("◎", "○", "×")}
    n = 20
    t = time.perf_counter()
    for i in range(n):
        charts.bar(f"차트 {i}", labels, series, desc="d", horizontal=True, stacked=True, colors=charts.GRADE_COLORS)
    drawn = (time.perf_counter() - t) / n * 1000
    t = time.perf_counter()
    for i in range(n):
        charts.bar(f"차트 {i}", labels, series, desc="d", horizontal=True, stacked=True, colors=charts.GRADE_COLORS)
    cached = (time.perf_counter() - t) / n * 1000
    app = create_app(Settings(db_url=url))
    m, y, _ = picks[0]
    out = {"chart_drawn_ms": drawn, "chart_cached_ms": cached}
    with TestClient(app) as c:
        for reload in (True, False):
            app.state.templates.env.auto_reload = reload
            c.get(f"/dashboard?municipality={m}&year={y}")
            t = time.perf_counter()
            for _ in range(10):
                c.get(f"/dashboard?municipality={m}&year={y}")
            out[f"dashboard_ms_auto_reload_{'on' if reload else 'off'}"] = (time.perf_counter() - t) / 10 * 1000
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a filled database (bench_queries.py --keep)")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--pages", default="programs,api_programs,dashboard")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args(argv)
    picks = scopes(args.db)
    load_avg = os.getloadavg()[0]
    print(f"# bench_serve {args.clients} clients, {args.seconds:.0f} s per page; {os.cpu_count()} cores, "
          f"load {load_avg:.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    summary: dict = {"args": vars(args), "load": load_avg, "runs": {}, "in_process": in_process(args.db, picks)}
    print("in process:", json.dumps(summary["in_process"]))
    for workers in [int(w) for w in args.workers.split(",")]:
        proc, base = serve(args.db, workers)
        try:
            for page in args.pages.split(","):
                urls = paths(page, picks)
                asyncio.run(load(base, urls, min(args.clients, 4), 3))  # warm-up
                res = asyncio.run(load(base, urls, args.clients, args.seconds))
                summary["runs"][f"{workers}:{page}"] = res
                print(f"workers {workers} {page:14} {res['rps']:7.1f} req/s  p50 {res['p50_ms']:7.1f} ms  "
                      f"p95 {res['p95_ms']:7.1f} ms  n={res['requests']} not200={res['not_200']}", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
