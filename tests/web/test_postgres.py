"""Every page, JSON twin, download and API route on PostgreSQL, against the same fixture
documents on SQLite: each answers 200 on both, and the JSON answers agree.

PostgreSQL gives back types SQLite does not (``SUM(bigint)`` is ``numeric``, a ``Decimal``
in Python; ``timestamptz`` keeps its zone), and orders text by its collation rather than by
code point; so the JSON is compared after putting lists of objects in one order and leaving
out ``loaded_at``. Skipped when PostgreSQL is not answering (the ``pg_url`` fixture).
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from .conftest import FIXTURES, fixture_files, load_into

PAGES = ["/dashboard", "/monitoring", "/departments", "/indicators", "/programs", "/revenues", "/plans", "/findings", "/documents",
         "/citizens", "/reports", "/opendata"]
RESOURCES = ["indicators", "policy-goals", "programs", "revenues", "departments", "plan-tasks", "findings"]
#: differs between two loads of the same files, whatever the database
VOLATILE = {"loaded_at"}


@pytest.fixture(scope="module")
def pg_client(pg_engine, pg_url):
    """The fixture documents loaded into the session's PostgreSQL database (emptied first:
    the store tests share it), and an app around it."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.store.schema import metadata
    from sijeong.web import create_app

    names = ", ".join(f'"{t}"' for t in metadata().tables)
    with pg_engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    docs = load_into(pg_url, fixture_files())
    assert docs
    app = create_app(Settings(db_url=pg_url), document_dirs=[FIXTURES])
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.engine.dispose()
    with pg_engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="module")
def lite_client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def canonical(value):
    """JSON with lists of objects in one order, floats to 12 significant digits (and kept
    apart from ints: ``5.0`` is not ``5``), and the volatile keys left out."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        if items and all(isinstance(v, dict) for v in items):
            items.sort(key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        return items
    if isinstance(value, float):
        return ("float", float(f"{value:.12g}"))
    return value


def years(docs) -> list[int]:
    return sorted({r.year for d in docs for r in d.records if r.year} | {d.year for d in docs if d.year})


def page_paths(docs) -> list[str]:
    out = []
    for p in PAGES:
        out += [p, p + ".json"]
        out += [f"{p}.json?year={y}" for y in years(docs)]
        out += [f"{p}?year={y}" for y in years(docs)]
    for d in docs:
        out += [f"/documents/{quote(d.name)}", f"/documents/{quote(d.name)}.json"]
    for y in years(docs):
        for name in sorted({r.department for d in docs for r in d.records if r.year == y and r.department}):
            out += [f"/departments/{quote(name)}?year={y}", f"/departments/{quote(name)}.json?year={y}"]
    return out


def api_paths(client) -> list[str]:
    out = []
    for name in RESOURCES:
        out.append(f"/api/v1/{name}?limit=500")
        items = client.get(f"/api/v1/{name}?limit=500").json()["items"]
        if name != "findings":
            out += [f"/api/v1/{name}/{i['id']}" for i in items]
        for y in sorted({i["year"] for i in items if i.get("year")}):
            out.append(f"/api/v1/{name}?limit=500&year={y}")
    return out


def assert_same(lite, pg, path: str) -> None:
    a, b = lite.get(path), pg.get(path)
    assert b.status_code == a.status_code == 200, (path, a.status_code, b.status_code, b.text[:300])
    assert a.headers["content-type"] == b.headers["content-type"], path
    kind = a.headers["content-type"]
    if kind.startswith("application/json"):
        assert canonical(b.json()) == canonical(a.json()), path
    elif kind.startswith("text/csv"):
        rows = lambda r: sorted(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))  # noqa: E731
        assert rows(b) == rows(a), path


def test_dashboard_json_on_postgresql_sums_plan_budgets_as_integers(pg_client, lite_client, fixture_db):
    """The bug this file was written for: PostgreSQL's SUM(budget) is numeric (a Decimal),
    which the JSON encoder refused (500). The sums are the fixture plans' budgets in won."""
    _, docs = fixture_db
    plan_years = sorted({r.year for d in docs for r in d.records if type(r).__name__ == "PlanTask" and r.year})
    assert plan_years, "the fixtures hold no plan task"
    for y in plan_years:
        r = pg_client.get(f"/dashboard.json?year={y}")
        assert r.status_code == 200, r.text[:300]
        got = {c["department"]: c["budget"] for c in r.json()["plan_task_counts"]}
        want: dict[str, int] = {}
        for d in docs:
            for t in d.records:
                if type(t).__name__ == "PlanTask" and t.year == y and t.budget is not None:
                    want[t.department] = want.get(t.department, 0) + t.budget
        assert {k: v for k, v in got.items() if v is not None} == want
        assert all(isinstance(v, int) for v in want.values())
        lite = lite_client.get(f"/dashboard.json?year={y}").json()["plan_task_counts"]
        assert got == {c["department"]: c["budget"] for c in lite}


def test_jsonable_turns_decimals_into_numbers():
    """What psycopg gives for PostgreSQL's numeric (SUM, AVG): whole -> int, else float."""
    from decimal import Decimal

    from sijeong.web.serialize import jsonable

    got = jsonable({"sum": Decimal("52000000"), "avg": Decimal("12.5"), "rows": [{"n": Decimal("-3")}], "s": {2, 1}})
    assert got == {"sum": 52_000_000, "avg": 12.5, "rows": [{"n": -3}], "s": [1, 2]}
    assert type(got["sum"]) is int and type(got["avg"]) is float and type(got["rows"][0]["n"]) is int
    json.dumps(got)


def test_documents_say_loaded_at_in_utc_on_both_databases(pg_client, lite_client):
    for client in (lite_client, pg_client):
        items = client.get("/documents.json").json()["items"]
        assert items and all(i["loaded_at"].endswith("+00:00") for i in items), items[0]["loaded_at"]


@pytest.mark.slow
def test_every_page_answers_the_same_on_postgresql(pg_client, lite_client, fixture_db):
    _, docs = fixture_db
    paths = page_paths(docs)
    assert len(paths) > 60
    for path in paths:
        assert_same(lite_client, pg_client, path)


@pytest.mark.slow
def test_every_download_answers_the_same_on_postgresql(pg_client, lite_client):
    """The report files and open data linked from /reports.json and /opendata.json."""
    links = []
    for k in lite_client.get("/reports.json").json()["kinds"]:
        links += [href for fmt, href in k["links"].items() if fmt in ("json", "html", "xlsx")]
    for r in lite_client.get("/opendata.json").json()["resources"]:
        links += [r["csv"], r["json"]]
    assert len(links) > 10
    for path in links:
        assert_same(lite_client, pg_client, path)


@pytest.mark.slow
def test_every_api_route_answers_the_same_on_postgresql(pg_client, lite_client):
    paths = api_paths(lite_client)
    assert len(paths) > 50
    for path in paths:
        assert_same(lite_client, pg_client, path)
    words = {t["title"].split()[0] for t in lite_client.get("/api/v1/plan-tasks?limit=500").json()["items"]}
    for w in sorted(words)[:5]:
        a = lite_client.get("/api/v1/search", params={"q": w, "limit": 100}).json()
        b = pg_client.get("/api/v1/search", params={"q": w, "limit": 100}).json()
        # the ranking differs (FTS5 vs trigram similarity); what is found must not
        assert {h["record_id"] for h in b["items"]} >= {h["record_id"] for h in a["items"] if w in h["title"]}, w
