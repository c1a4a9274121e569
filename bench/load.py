"""Load benchmark: 32 clients on the national database, sijeong against Datasette.

Starts the checkout's ``sijeong serve`` on a free loopback port over a SQLite file (the one
``ingest_cli.py --keep-db`` left: 243 municipalities × 3 years), once as it is and once with
``--workers 2`` when ``sijeong serve --help`` lists ``--workers``; then Datasette over the
same file (installed only in the benchmark's own environment, ``bench/.venv-datasette``:
``python3 -m venv bench/.venv-datasette && bench/.venv-datasette/bin/pip install
datasette==0.65.5``), with its facet suggestions on (the default) and off
(``--setting suggest_facets off``), in the same run.

For each endpoint, ``--clients`` threads (one keep-alive HTTP/1.1 connection each) send
``--requests`` requests in all (bounded by ``--seconds``) after one warm-up request per
client; each request asks for another scope (municipality, year, department, indicator,
search word) drawn from the database with a fixed seed, the same for every server. Recorded:
p50/p95/p99/max latency, throughput, errors (status ≥ 400 or no answer), the median size of
the answers and how many rows a sample answer held (an empty answer cannot pass for a fast
one), and the load average.

Endpoints (sijeong): the dashboard, an indicator page, the filtered program listing
(``/programs?municipality&year&department&limit=50``), search (``/plans?q=&municipality``)
and the API listing (``/api/v1/programs?...&limit=50``); Datasette: the same listing as
``/<db>/programs.json?municipality&year&department&_size=50``.

    python bench/load.py --checkout . --db bench/work/national.db --json bench/results/before/load.json

The client is Python threads in one process on the same 2 cores as the server: it takes CPU
the server could use, the same for every server measured.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import BENCH, Checkout, LoadSampler, machine, percentile, write_json  # noqa: E402

DATASETTE = BENCH / ".venv-datasette" / "bin" / "datasette"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scopes(db: str, n: int, seed: int) -> dict:
    """Scopes drawn from the database: (municipality, year, department) of programs, indicator
    ids, (municipality, word) for search (three syllables of a stored plan task's title)."""
    rng = random.Random(seed)
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as c:
        mydd = c.execute("SELECT DISTINCT municipality, year, department FROM programs "
                         "WHERE department IS NOT NULL AND year IS NOT NULL").fetchall()
        ids = [r[0] for r in c.execute("SELECT id FROM indicators")]
        tasks = c.execute("SELECT municipality, title FROM plan_tasks WHERE title IS NOT NULL").fetchall()
    rng.shuffle(mydd)
    words = []
    for m, title in rng.sample(tasks, min(n, len(tasks))):
        parts = [w for w in title.split() if len(w) >= 3] or [title.replace(" ", "")[:3]]
        w = rng.choice(parts)
        words.append((m, w[:3]))
    return {"mydd": mydd[:n], "indicators": rng.sample(ids, min(n, len(ids))), "search": words}


def q(**params) -> str:
    return urllib.parse.urlencode(params)


def sijeong_endpoints(s: dict) -> dict[str, list[str]]:
    return {
        "dashboard": [f"/dashboard?{q(municipality=m, year=y)}" for m, y, _ in s["mydd"]],
        "indicator": [f"/indicators/{i}" for i in s["indicators"]],
        "listing": [f"/programs?{q(municipality=m, year=y, department=d, limit=50)}" for m, y, d in s["mydd"]],
        "search": [f"/plans?{q(q=w, municipality=m)}" for m, w in s["search"]],
        "api_listing": [f"/api/v1/programs?{q(municipality=m, year=y, department=d, limit=50)}" for m, y, d in s["mydd"]],
    }


def datasette_endpoints(s: dict, dbname: str) -> dict[str, list[str]]:
    return {"listing": [f"/{dbname}/programs.json?{q(municipality=m, year=y, department=d, _size=50)}"
                        for m, y, d in s["mydd"]]}


def rows_in(body: bytes, path: str) -> int | None:
    """How many rows an answer holds (JSON lists: items/rows; HTML: table rows)."""
    import json

    if path.split("?")[0].endswith(".json") or path.startswith("/api/"):
        with contextlib.suppress(ValueError):
            data = json.loads(body)
            for key in ("items", "rows"):
                if isinstance(data.get(key), list):
                    return len(data[key])
        return None
    return max(0, body.count(b"<tr") - body.count(b"<thead"))


def hammer(port: int, urls: list[str], *, clients: int, requests: int, seconds: float, think: float = 0.0) -> dict:
    """``clients`` threads, ``requests`` requests in all (or until ``seconds``); each client
    waits ``think`` seconds after each answer (0: a closed loop, the heaviest load)."""
    lock = threading.Lock()
    counter = iter(range(10**9))
    latencies: list[float] = []
    sizes: list[int] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    sample: dict = {}
    busy = [False] * clients  # which clients sent at least one measured request
    deadline = [float("inf")]
    t0 = [0.0]

    def go() -> None:  # runs once, when every client has warmed up, before any is released
        t0[0] = time.perf_counter()
        deadline[0] = t0[0] + seconds

    start_gate = threading.Barrier(clients + 1, action=go)

    def get(conn, path):
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        resp = conn.getresponse()
        return resp.status, resp.read()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        with contextlib.suppress(Exception):  # warm-up: one request, not counted
            get(conn, urls[k % len(urls)])
        start_gate.wait()
        while True:
            with lock:
                i = next(counter)
            if i >= requests or time.perf_counter() > deadline[0]:
                break
            if not busy[k]:
                busy[k] = True
            path = urls[i % len(urls)]
            t = time.perf_counter()
            try:
                status, body = get(conn, path)
            except Exception as e:  # noqa: BLE001 - every failure is an error to count
                dt = time.perf_counter() - t
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    latencies.append(dt)
                    statuses["exception"] = statuses.get("exception", 0) + 1
                    if len(errors) < 5:
                        errors.append(f"{path}: {type(e).__name__}: {e}")
                continue
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                sizes.append(len(body))
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status >= 400 and len(errors) < 5:
                    errors.append(f"{path}: {status} {body[:200]!r}")
                if status == 200 and not sample:
                    sample.update(path=path, rows=rows_in(body, path), bytes=len(body))
            if think:
                time.sleep(think)
        conn.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    for t in threads:
        t.join(seconds + 120)
    wall = time.perf_counter() - t0[0]
    s = sorted(latencies)
    n_err = sum(v for k, v in statuses.items() if k == "exception" or int(k) >= 400)
    ms = lambda x: round(x * 1000, 2)  # noqa: E731
    return {"requests": len(s), "clients_active": sum(busy), "wall_s": round(wall, 2), "throughput_rps": round(len(s) / wall, 1) if wall else None,
            "p50_ms": ms(percentile(s, 50)), "p95_ms": ms(percentile(s, 95)), "p99_ms": ms(percentile(s, 99)),
            "max_ms": ms(s[-1]) if s else None, "errors": n_err, "statuses": statuses, "error_samples": errors,
            "median_bytes": sorted(sizes)[len(sizes) // 2] if sizes else None, "sample": sample}


class Server:
    def __init__(self, name: str, cmd: list[str], port: int, ready_path: str, log: Path):
        self.name, self.cmd, self.port, self.ready_path, self.log = name, cmd, port, ready_path, log

    def __enter__(self) -> "Server":
        self._log = open(self.log, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 120:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')[-800:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    self.startup_s = time.perf_counter() - t0
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.name}: not ready after 120 s")

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._log.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkout", default=str(BENCH.parent))
    ap.add_argument("--db", default=str(BENCH / "work" / "national.db"), help="the SQLite file (ingest_cli.py --keep-db)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--requests", type=int, default=640, help="per endpoint and server")
    ap.add_argument("--seconds", type=float, default=60, help="at most, per endpoint and server")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds each client waits after an answer (default 0: closed loop)")
    ap.add_argument("--scopes", type=int, default=200)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--workers", type=int, default=2, help="the second sijeong run, when serve has --workers (0: skip)")
    ap.add_argument("--no-datasette", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    # a SIGTERM (``timeout``, the lead's Ctrl-C in another shell) unwinds the servers' ``with``
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    checkout = Checkout(Path(args.checkout).resolve())
    checkout.check()
    db = str(Path(args.db).resolve())
    if not Path(db).exists():
        raise SystemExit(f"{db}: 없음 / missing (bench/ingest_cli.py --keep-db {db})")
    s = scopes(db, args.scopes, args.seed)
    serve_opts = checkout.options("serve")
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    configs = [("sijeong", [])]
    if args.workers and "--workers" in serve_opts:
        configs.append((f"sijeong --workers {args.workers}", ["--workers", str(args.workers)]))
    result: dict = {"benchmark": "load", "argv": sys.argv[1:], "checkout": checkout.info(), "machine": machine(),
                    "database": {"path": db, "bytes": Path(db).stat().st_size},
                    "settings": {"clients": args.clients, "requests": args.requests, "seconds": args.seconds, "think": args.think,
                                 "scopes": len(s["mydd"]), "seed": args.seed},
                    "serve_has_workers": "--workers" in serve_opts, "servers": {}}
    with LoadSampler() as sampler:
        for name, extra in configs:
            port = free_port()
            cmd = [checkout.sijeong, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), *extra]
            with Server(name, cmd, port, "/openapi.json", logs / f"sijeong-load-{port}.log") as srv:
                out = {"startup_s": round(srv.startup_s, 2), "endpoints": {}}
                for ep, urls in sijeong_endpoints(s).items():
                    r = hammer(port, urls, clients=args.clients, requests=args.requests, seconds=args.seconds,
                                     think=args.think)
                    r["load_1min"] = round(os.getloadavg()[0], 2)
                    out["endpoints"][ep] = r
                    print(f"{name} {ep}: p50 {r['p50_ms']} p95 {r['p95_ms']} p99 {r['p99_ms']} ms, "
                          f"{r['throughput_rps']} req/s, {r['errors']} errors, rows {r['sample'].get('rows')}",
                          file=sys.stderr, flush=True)
            result["servers"][name] = out
        if not args.no_datasette:
            if not os.access(DATASETTE, os.X_OK):
                result["datasette_error"] = f"{DATASETTE} missing"
            else:
                ver = subprocess.run([str(DATASETTE), "--version"], capture_output=True, text=True).stdout.strip()
                result["datasette_version"] = ver
                dbname = Path(db).stem
                for name, extra in [("datasette", []), ("datasette suggest_facets off", ["--setting", "suggest_facets", "off"])]:
                    port = free_port()
                    cmd = [str(DATASETTE), "serve", db, "--host", "127.0.0.1", "--port", str(port), *extra]
                    with Server(name, cmd, port, "/-/versions.json", logs / f"datasette-load-{port}.log") as srv:
                        out = {"startup_s": round(srv.startup_s, 2), "endpoints": {}}
                        for ep, urls in datasette_endpoints(s, dbname).items():
                            r = hammer(port, urls, clients=args.clients, requests=args.requests, seconds=args.seconds,
                                     think=args.think)
                            r["load_1min"] = round(os.getloadavg()[0], 2)
                            out["endpoints"][ep] = r
                            print(f"{name} {ep}: p50 {r['p50_ms']} p95 {r['p95_ms']} p99 {r['p99_ms']} ms, "
                                  f"{r['throughput_rps']} req/s, {r['errors']} errors, rows {r['sample'].get('rows')}",
                                  file=sys.stderr, flush=True)
                    result["servers"][name] = out
    result["load_average"] = sampler.summary()
    write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
