"""Many requests at once: every kind of page, JSON twin, API operation, report and download
of the app (enumerated from ``app.routes``) answered by a real uvicorn server while 64
requests are in flight, on SQLite and on PostgreSQL — no 5xx, and each answer the same
status as when asked alone. A request takes one pooled connection at most
(``deps.get_conn``); the default municipality is read on it.

The PDF routes print with headless Chromium; they are asked four at a time in a test of
their own (``browser``).
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from .conftest import FIXTURES, count_connections, fixture_files, free_port, load_into

CONCURRENCY = 64
#: at least this many times CONCURRENCY requests in all (every URL at least once)
ROUNDS = 2
PDF_CONCURRENCY = 4
#: seconds for one request, and for the whole burst (a hang fails, it does not block CI)
REQUEST_TIMEOUT = 90
BURST_TIMEOUT = 240


class InFlight:
    """ASGI wrapper counting the HTTP requests inside the app at once (its peak)."""

    def __init__(self, app):
        self.app = app
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.now -= 1


@contextlib.contextmanager
def serve(asgi_app):
    """uvicorn on 127.0.0.1 and a free port, in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi_app, host="127.0.0.1", port=port, log_level="warning",
                                           backlog=4 * CONCURRENCY))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


# --- the app's routes as URLs -------------------------------------------------------------


def route_urls(app, http: httpx.Client, *, pdf: bool) -> list[str]:
    """A URL for every GET route of ``app`` (every report kind × format, every open-data
    resource × format), its path parameters filled with ids and names that exist. With
    ``pdf`` only the routes that print a PDF, else every other. A route with a parameter
    this function does not know fails the test: a new route must be covered."""
    from sijeong.web.pages.opendata import resources
    from sijeong.web.pages.reports import FORMATS, KINDS

    def first(url: str, key: str = "id"):
        items = http.get(url).json()["items"]
        assert items, f"{url}: the fixtures give no item"
        return items[0][key] if key else items[0]

    def api_id(path: str) -> int:
        return first(path.rsplit("/", 1)[0] + "?limit=1")

    known_query = {"q": first("/api/v1/plan-tasks?limit=1", "title").split()[0],
                   # 제안제도 and 협업 (entered by people: none in the fixtures)
                   "year": "2020", "title": "주차장",
                   # the cycle's "새 부서의 계획 시작" form (a redirect to the department's plan)
                   "department": first("/api/v1/indicators?limit=1", "department")}
    fillers = {
        "item_id": lambda p: [p.replace("{item_id}", str(api_id(p)))],
        "indicator_id": lambda p: [p.replace("{indicator_id}", str(first("/api/v1/indicators?limit=1")))],
        "task_id": lambda p: [p.replace("{task_id}", str(first("/api/v1/plan-tasks?limit=1")))],
        "finding_id": lambda p: [p.replace("{finding_id}", str(first("/api/v1/findings?limit=1")))],
        # the fixtures (documents) give no pledge: a stored one if any, else one that is not there (404)
        "pledge_id": lambda p: [p.replace("{pledge_id}", str(
            (http.get("/api/v1/pledges?limit=1").json()["items"] or [{"id": 1}])[0]["id"]))],
        "name": lambda p: [p.replace("{name}", quote(
            first("/documents.json", "name") if p.startswith("/documents/")
            else first("/api/v1/indicators?limit=1", "department")))],
        # every kind as JSON, every format of one kind (a whole HWPX of a big kind takes a minute alone)
        "fmt,kind": lambda p: [p.replace("{kind}", k).replace("{fmt}", f)
                               for k, f in [*((k, "json") for k in KINDS), *(("summary", f) for f in FORMATS)]],
        # evaluations and joint evaluations: none in the fixtures (404 / 401 without a login)
        "scheme_id": lambda p: [p.replace("{scheme_id}", "1")],
        "evaluation_id": lambda p: [p.replace("{evaluation_id}", "1")],
        "fmt,resource": lambda p: [p.replace("{resource}", r).replace("{fmt}", f)
                                   for r in (*resources(), "data-dictionary") for f in ("csv", "json")],
        # the cycle's routes (web/api_cycle.py; they need an actor: 401 here)
        "year": lambda p: [p.replace("{year}", "2020")],
        # the cycle's pages (web/pages/cycle.py; staff only: the login page here)
        "department,year": lambda p: [p.replace("{year}", "2020").replace("{department}", quote(
            first("/api/v1/indicators?limit=1", "department")))],
        "kind,year": lambda p: [p.replace("{year}", "2020").replace("{kind}", "indicators")],
        "evidence_id": lambda p: [p.replace("{evidence_id}", "1")],
        "suggestion_id": lambda p: [p.replace("{suggestion_id}", "1")],
        "plan_id": lambda p: [p.replace("{plan_id}", "1")],
        "entry_id": lambda p: [p.replace("{entry_id}", "1")],
        "entity,entity_id": lambda p: [p.replace("{entity}", "cycle_results").replace("{entity_id}", "1")],
        # 주민참여예산: entered by people, none in the fixtures (404)
        "call_id": lambda p: [p.replace("{call_id}", "1")],
        "proposal_id": lambda p: [p.replace("{proposal_id}", "1")],
        "ballot_id": lambda p: [p.replace("{ballot_id}", "1")],
    }
    urls: list[str] = []
    for context in iter_route_contexts(app.routes):  # the included routers' routes too
        route, path = context.original_route, context.path
        if isinstance(route, Mount):
            if path == "/static" and not pdf:
                urls.append("/static/style.css")
            continue
        if not isinstance(route, APIRoute) or "GET" not in (context.methods or ()):
            continue
        params = ",".join(sorted(context.param_convertors))
        if params:
            assert params in fillers, f"{path}: no value known for {params}"
            found = fillers[params](path)
        else:
            found = [path]
        found = [u for u in found if u.endswith(".pdf") == pdf]
        required = [q.alias for q in query_params(route.dependant) if q.field_info.is_required()]
        for name in required:
            assert name in known_query, f"{path}: no value known for the required ?{name}="
        suffix = "&".join(f"{n}={quote(known_query[n])}" for n in required)
        urls += [u + (f"?{suffix}" if suffix else "") for u in found]
    return urls


def query_params(dependant):
    """The query parameters of a route and of its dependencies."""
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from query_params(sub)


# --- the burst -----------------------------------------------------------------------------


def burst(base: str, urls: list[str], concurrency: int, rounds: int) -> list[tuple[str, int | str]]:
    """Every URL once, and more picked at random up to ``rounds × concurrency`` requests,
    shuffled, through ``concurrency`` threads that start together. (url, status or error)."""
    rng = random.Random(9)
    todo = list(urls) + [rng.choice(urls) for _ in range(rounds * concurrency - len(urls))]
    rng.shuffle(todo)
    start = threading.Barrier(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        def ask(i: int, url: str):
            if i < concurrency:
                start.wait(timeout=30)
            try:
                return url, http.get(url).status_code
            except httpx.HTTPError as e:
                return url, f"{type(e).__name__}: {e}"

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = [pool.submit(ask, i, u) for i, u in enumerate(todo)]
            done, not_done = wait(futures, timeout=BURST_TIMEOUT)
            for f in not_done:
                f.cancel()
            assert not not_done, f"{len(not_done)} of {len(futures)} requests unanswered after {BURST_TIMEOUT} s"
            return [f.result() for f in futures]


def check_burst(app, base: str, *, pdf: bool = False, concurrency: int = CONCURRENCY) -> tuple[int, int]:
    """Ask every URL alone, then all at once; (number of URLs, number of requests)."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        urls = route_urls(app, http, pdf=pdf)
        alone = {u: http.get(u).status_code for u in urls}
    assert all(s < 500 for s in alone.values()), {u: s for u, s in alone.items() if s >= 500}
    results = burst(base, urls, concurrency, ROUNDS)
    wrong = [(u, s, alone[u]) for u, s in results if s != alone[u]]
    assert not wrong, f"{len(wrong)} of {len(results)} answers differ from the answer alone (url, got, alone): {wrong[:10]}"
    return len(urls), len(results)


# --- databases -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_loaded(pg_engine, pg_url):
    """The fixture documents in the session's PostgreSQL database (emptied before and after:
    other test modules share it)."""
    from sijeong.store.schema import metadata

    names = ", ".join(f'"{t}"' for t in metadata().tables)
    with pg_engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    assert load_into(pg_url, fixture_files())
    yield pg_url
    with pg_engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, fixture_db):
    return fixture_db[0] if request.param == "sqlite" else request.getfixturevalue("pg_loaded")


def make_app(url: str):
    from sijeong.settings import Settings
    from sijeong.web import create_app

    return create_app(Settings(db_url=url), document_dirs=[FIXTURES])


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_route_answers_while_64_requests_are_in_flight(db):
    app = make_app(db)
    counted = InFlight(app)
    try:
        with serve(counted) as base:
            n_urls, n_requests = check_burst(app, base)
    finally:
        app.state.engine.dispose()
    assert n_urls >= 60 and n_requests >= max(n_urls, ROUNDS * CONCURRENCY)
    # the burst did put many requests in flight at once (the old app failed from about 16)
    assert counted.peak >= CONCURRENCY // 2, counted.peak


@pytest.mark.slow
def test_a_request_holds_one_connection_at_a_time(fixture_db):
    """Asked one after another, no request has two pooled connections checked out at once
    (the default municipality is read on the request's own), and a connection taken is
    given back by the time the answer is read."""
    from fastapi.testclient import TestClient

    app = make_app(fixture_db[0])
    engine = app.state.engine
    out = count_connections(engine)

    try:
        with TestClient(app) as client:
            urls = route_urls(app, client, pdf=False)
            for url in [*urls, "/dashboard?municipality=없는시", "/api/v1/indicators?year=2020"]:
                out.update(peak=0, checkouts=0)
                r = client.get(url, follow_redirects=False)
                assert r.status_code < 500, (url, r.status_code)
                assert out["peak"] <= 1, (url, out)
                assert out["now"] == 0, (url, out)
                # a streamed download reads its rows on a connection of its own, after the first went back
                assert out["checkouts"] <= (2 if url.startswith("/opendata/") else 1), (url, out)
    finally:
        engine.dispose()


def test_connection_slots_match_the_pool(fixture_db):
    from sijeong.web.deps import pool_capacity

    app = make_app(fixture_db[0])
    try:
        pool = app.state.engine.pool
        assert app.state.connection_slots.size == pool.size() + pool._max_overflow == pool_capacity(app.state.engine)
    finally:
        app.state.engine.dispose()


@pytest.mark.slow
@pytest.mark.browser
def test_pdfs_printed_four_at_a_time(fixture_db):
    from sijeong.reports.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium not found: the PDF is printed by headless Chromium")
    app = make_app(fixture_db[0])
    try:
        with serve(app) as base:
            with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
                urls = route_urls(app, http, pdf=True)
            assert "/citizens.pdf" in urls and "/reports/summary.pdf" in urls
            results = burst(base, ["/citizens.pdf", "/reports/summary.pdf"], PDF_CONCURRENCY, 1)
    finally:
        app.state.engine.dispose()
    assert [s for _, s in results] == [200] * PDF_CONCURRENCY, results
