"""The API and the pages against bad input: never a 5xx, every error in the documented
shape (``{"error": {"status", "message"}}`` for the API and ``.json`` twins, the HTML error
page for pages), ``Allow`` on 405 — by hand, and by schemathesis over every operation of
``/openapi.json`` (positive and negative cases, a few hundred in all) against a real server.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
import sqlalchemy as sa
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from .conftest import FIXTURES
from .test_concurrency import serve

BIG = 2**63  # one above the largest integer SQLite and PostgreSQL take
#: schemathesis fuzzing cases per operation and mode (14 operations; the coverage phase adds its own)
EXAMPLES = 5


def error_of(r, status: int) -> str:
    """The message of a JSON error answer of ``status`` (and its shape checked)."""
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}, body
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]["message"]


def html_error_of(r, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html"), r.headers["content-type"]
    assert "<html" in r.text and str(status) in r.text
    return r.text


@pytest.fixture(scope="module")
def quiet_client(app):
    """The fixture app; a server error is answered (500), not raised into the test."""
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# --- integers out of range -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/indicators/{}", "/api/v1/plan-tasks/{}", "/api/v1/revenues/{}"])
@pytest.mark.parametrize("value", [BIG, 10**30, -1, 0])
def test_api_ids_out_of_range_are_422(quiet_client, path, value):
    assert "item_id" in error_of(quiet_client.get(path.format(value)), 422)


def test_api_largest_id_is_404_and_offsets_are_bounded(quiet_client):
    error_of(quiet_client.get(f"/api/v1/indicators/{BIG - 1}"), 404)
    assert "offset" in error_of(quiet_client.get(f"/api/v1/indicators?offset={BIG}"), 422)
    assert "offset" in error_of(quiet_client.get("/api/v1/search?q=abc&offset=-1"), 422)
    page = quiet_client.get(f"/api/v1/indicators?offset={BIG - 1}").json()
    assert page["items"] == [] and page["total"] > 0 and page["offset"] == BIG - 1


@pytest.mark.parametrize("url", [f"/indicators/{BIG}", f"/plans/{10**25}", "/indicators/-3", f"/programs?offset={BIG}",
                                 f"/revenues?offset={BIG}", f"/findings?offset={BIG}", f"/documents?offset={BIG}"])
def test_page_integers_out_of_range_are_422_pages(quiet_client, url):
    html_error_of(quiet_client.get(url), 422)
    path, _, query = url.partition("?")
    error_of(quiet_client.get(f"{path}.json" + (f"?{query}" if query else "")), 422)


# --- control characters and quotes in text ----------------------------------------------------


@pytest.mark.parametrize("query", ["q=%00", "q=abc%00def", "q=%01x", "q=tab%09tab", "q=abc&municipality=%00",
                                   "q=abc&department=a%7Fb", "q=abc&rule=%1f"])
def test_control_characters_are_422(quiet_client, query):
    assert "제어 문자" in error_of(quiet_client.get(f"/api/v1/search?{query}"), 422)


def test_control_characters_in_pages_and_paths(quiet_client):
    html_error_of(quiet_client.get("/dashboard?municipality=%00"), 422)
    html_error_of(quiet_client.get("/plans?q=%00"), 422)
    html_error_of(quiet_client.get("/departments/a%00b"), 422)
    error_of(quiet_client.get("/departments/a%00b.json"), 422)
    error_of(quiet_client.get("/api/v1/indicators?department=%0a"), 422)
    html_error_of(quiet_client.get("/static/%00.css"), 422)


@pytest.mark.parametrize("q", ['"', '"""', 'a"b"c', "'; drop table x; --", "abc*", "NEAR(a b)", "x OR y", "^abc",
                               "\u3000", "한 글", "%_\\", "(((", "가나다\"라마바", "…", "\U0001F600\U0001F600\U0001F600"])
def test_search_takes_quotes_and_fts5_syntax_as_text(quiet_client, q):
    r = quiet_client.get("/api/v1/search", params={"q": q})
    assert r.status_code == 200, (q, r.text[:300])
    assert set(r.json()) == {"items", "total", "limit", "offset"}
    assert quiet_client.get("/plans", params={"q": q}).status_code == 200


def test_store_search_takes_control_characters(engine, make_document):
    """``store.search`` itself (also used by the CLI): a NUL or other control character
    separates terms, on SQLite (FTS5 and LIKE) and PostgreSQL alike."""
    from sijeong.store import save_document, search
    from sijeong.store.search import search_count

    with engine.connect() as conn:
        save_document(conn, make_document())
        conn.commit()
        for q in ("스마트\x00행정", "스마트 행정", "\x00", "스마\x01", "행정 \x7f구현"):
            hits = search(conn, q)
            assert search_count(conn, q) == len(hits)
            if q.strip("\x00\x01\x7f"):
                assert hits and hits[0]["title"] == "스마트 행정 구현", q
        assert search(conn, "\x00\x00") == []


#: one out-of-range integer and one NUL, each put in every query parameter of every route in turn
SWEEP = [str(BIG), "x\x00y"]


@pytest.mark.slow
def test_every_parameter_of_every_route_refuses_bad_values(app, quiet_client):
    """Each query parameter a GET route declares (its dependencies' too), in turn, set to an
    integer past 2⁶³−1 and to a text with a NUL: below 500, errors in their shape. One URL
    per route (the first report kind and open-data resource), the PDFs left out."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from .test_concurrency import query_params, route_urls

    urls = route_urls(app, quiet_client, pdf=False)
    asked = 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or "GET" not in (context.methods or ()):
            continue
        url = next((u for u in urls if context.path_regex.match(u.split("?")[0])), None)
        if url is None:
            continue  # only the PDF
        base, _, query = url.partition("?")
        fixed = dict(p.split("=", 1) for p in query.split("&")) if query else {}
        for name in sorted({q.alias for q in query_params(route.dependant)}):
            for value in SWEEP:
                r = quiet_client.get(base, params={**fixed, name: value}, follow_redirects=False)
                asked += 1
                assert r.status_code < 500, (base, name, repr(value), r.status_code, r.text[:300])
                if r.status_code >= 400:
                    if base.startswith("/api/") or base.endswith(".json"):
                        error_of(r, r.status_code)
                    else:
                        html_error_of(r, r.status_code)
    assert asked > 100


# --- the shape of every error ------------------------------------------------------------------


def test_404_shapes(quiet_client):
    error_of(quiet_client.get("/api/v1/nothing-here"), 404)
    error_of(quiet_client.get("/api/v1/indicators/99999999"), 404)
    error_of(quiet_client.get("/indicators/99999999.json"), 404)
    html_error_of(quiet_client.get("/indicators/99999999"), 404)
    html_error_of(quiet_client.get("/nothing-here"), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_405_has_allow_and_the_error_shape(quiet_client, method):
    r = quiet_client.request(method, "/api/v1/indicators")
    error_of(r, 405)
    assert r.headers["allow"] == "GET"
    r = quiet_client.request(method, "/api/v1/indicators/1")
    error_of(r, 405)
    assert r.headers["allow"] == "GET"
    r = quiet_client.request(method, "/dashboard")
    html_error_of(r, 405)
    assert r.headers["allow"] == "GET"
    r = quiet_client.request(method, "/dashboard.json")
    error_of(r, 405)
    assert r.headers["allow"] == "GET"


def test_unexpected_exception_is_500_in_the_error_shape(fixture_db, monkeypatch):
    """A fault injected into the read layer (``store.views``): the API and ``.json`` twins answer the
    JSON error, the pages the HTML error page — not Starlette's plain text."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.store import views
    from sijeong.web import create_app

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    app = create_app(Settings(db_url=fixture_db[0]), document_dirs=[FIXTURES])
    monkeypatch.setattr(views, "page", broken)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            assert "injected" not in error_of(c.get("/api/v1/indicators"), 500)
            error_of(c.get("/indicators.json"), 500)
            assert "injected" not in html_error_of(c.get("/indicators"), 500)
            # an exhausted connection pool is an overload, said as such
            monkeypatch.setattr(views, "page", lambda *a, **k: (_ for _ in ()).throw(sa.exc.TimeoutError("pool")))
            r = c.get("/api/v1/indicators")
            error_of(r, 503)
            assert r.headers["retry-after"]
            html_error_of(c.get("/indicators"), 503)
    finally:
        app.state.engine.dispose()


def test_openapi_declares_the_bounds(quiet_client):
    spec = quiet_client.get("/openapi.json").json()
    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/indicators"]["get"]["parameters"]}
    assert params["offset"]["maximum"] == BIG - 1 and params["offset"]["minimum"] == 0
    assert params["limit"]["maximum"] == 500 and params["limit"]["minimum"] == 1
    text = next(s for s in params["municipality"]["anyOf"] if s.get("type") == "string")
    assert text["pattern"] and text["maxLength"]
    item = spec["paths"]["/api/v1/indicators/{item_id}"]["get"]["parameters"][0]["schema"]
    assert (item["minimum"], item["maximum"]) == (1, BIG - 1)


# --- schemathesis --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_api(app):
    with serve(app) as base:
        yield base


@pytest.fixture
def api_schema(live_api):
    schema = schemathesis.openapi.from_url(f"{live_api}/openapi.json")
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES,
                                    deterministic=True, database="none")
    # the coverage phase (boundary values: 2**63, -1, empty, too long, control characters …) asks
    # each operation with these methods too, expecting 405 with Allow
    schema.config.phases.coverage.unexpected_methods = {"post", "delete"}
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_schemathesis_every_operation(case):
    """No server error on any generated input, documented status codes and content types,
    bodies matching the schema, 405 with ``Allow`` for other methods."""
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance, unsupported_method])
