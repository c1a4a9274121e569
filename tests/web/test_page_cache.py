"""The public page cache (web/cache.py): a write through the write path and an ingest both
make the next GET show the new data, in two app instances on one database; only anonymous
GETs of the public read pages are kept; ETag / If-None-Match answers 304."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from .conftest import FIXTURES, count_connections, load_into

FILES = ("performance_report.txt", "consistent_report.txt")


@pytest.fixture()
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    load_into(url, [FIXTURES / n for n in FILES])
    return url


def _app(url: str, mb: float = 8):
    from sijeong.settings import Settings
    from sijeong.web import create_app

    return create_app(Settings(db_url=url, page_cache_mb=mb))


def _version(url: str) -> int:
    from sijeong.store import create_engine_for
    from sijeong.store.db import data_version

    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return data_version(conn)
    finally:
        engine.dispose()


def _an_indicator(client) -> dict:
    items = client.get("/api/v1/indicators?limit=500").json()["items"]
    assert items, "the fixtures store indicators"
    return next(i for i in items if i.get("department"))


def test_a_second_get_is_served_from_the_cache_with_the_same_bytes(db):
    with TestClient(_app(db)) as c:
        for path in ("/dashboard", "/programs?limit=5", "/programs.json?limit=5", "/indicators", "/plans",
                     "/api/v1/programs?limit=5"):
            first, second = c.get(path), c.get(path)
            assert first.status_code == second.status_code == 200, path
            assert (first.headers["x-sijeong-cache"], second.headers["x-sijeong-cache"]) == ("miss", "hit"), path
            assert first.content == second.content and first.headers["etag"] == second.headers["etag"], path
            assert first.headers["content-type"] == second.headers["content-type"], path
            # the outer middlewares still add their headers to a cached answer
            assert second.headers.get("x-content-type-options") == "nosniff", path
            again = c.get(path, headers={"If-None-Match": second.headers["etag"]})
            assert again.status_code == 304 and again.content == b"", path


def test_the_money_unit_is_part_of_the_key(db):
    with TestClient(_app(db)) as c:
        won = c.get("/programs?limit=5")
        thousand = c.get("/programs?limit=5", cookies={"unit": "thousand"})
        assert thousand.headers["x-sijeong-cache"] == "miss"
        assert won.content != thousand.content


def test_a_write_through_the_write_path_reaches_both_instances(db):
    from sijeong import operations

    a, b = TestClient(_app(db)), TestClient(_app(db))
    with a, b:
        ind = _an_indicator(a)
        path = f"/indicators/{ind['id']}.json"
        before = [c.get(path) for c in (a, b)]
        assert all(r.headers["x-sijeong-cache"] == "miss" for r in before)
        assert all(c.get(path).headers["x-sijeong-cache"] == "hit" for c in (a, b))
        old = before[0].json()["direction"]
        new = "lower" if old != "lower" else "higher"
        v0 = _version(db)
        operations.set_direction(_engine(db), operations.cli_actor(), municipality=ind["municipality"],
                                 department=ind["department"], indicator=ind["name"], direction=new)
        assert _version(db) > v0
        for c in (a, b):
            after = c.get(path)
            assert after.headers["x-sijeong-cache"] == "miss"
            assert after.json()["direction"] == new


def test_an_ingest_reaches_both_instances(db, tmp_path):
    from sijeong.cli import main

    a, b = TestClient(_app(db)), TestClient(_app(db))
    path = "/programs.json?municipality=캐시시&limit=5"
    with a, b:
        for c in (a, b):
            assert c.get(path).json()["total"] == 0
            assert c.get(path).headers["x-sijeong-cache"] == "hit"
        doc = tmp_path / "settlement.txt"
        shutil.copy(FIXTURES / "performance_report.txt", doc)
        assert main(["ingest", "--db", db, "--municipality", "캐시시", str(doc)]) == 0
        for c in (a, b):
            after = c.get(path)
            assert after.headers["x-sijeong-cache"] == "miss"
            assert after.json()["total"] > 0


def test_a_failed_write_leaves_the_version(db):
    from sijeong.store import db as store_db

    v0 = _version(db)
    engine = _engine(db)
    with pytest.raises(RuntimeError):
        with store_db.writing(engine) as conn:
            conn.exec_driver_sql("UPDATE indicators SET name = name")
            raise RuntimeError("rolled back")
    assert _version(db) == v0
    with store_db.writing(engine) as conn:
        conn.exec_driver_sql("UPDATE indicators SET name = name")
    assert _version(db) == v0 + 1


def test_signed_in_requests_and_other_pages_are_not_cached(db):
    app = _app(db)
    with TestClient(app) as c:
        r = c.get("/findings")
        assert r.status_code == 200 and "x-sijeong-cache" not in r.headers
        c.get("/programs?limit=5")
        signed = c.get("/programs?limit=5", headers={"Authorization": "Bearer not-a-token"})
        # an unknown token is nobody: the anonymous page, from the cache
        assert signed.headers.get("x-sijeong-cache") == "hit"


def sign_in_someone(monkeypatch) -> None:
    """From now on every request is signed in (a viewer, by session), as ``auth.resolve``
    would find a session cookie."""
    from types import SimpleNamespace

    from sijeong.web import auth

    who = SimpleNamespace(actor=SimpleNamespace(login="someone", department=None, role="viewer"),
                          csrf_token="t", by="session")

    async def someone(request):
        request.state.auth = who
        return who

    monkeypatch.setattr(auth, "resolve", someone)


def test_a_signed_in_user_is_never_served_the_cache(db, monkeypatch):
    app = _app(db)
    with TestClient(app) as c:
        c.get("/programs?limit=5")
        assert c.get("/programs?limit=5").headers["x-sijeong-cache"] == "hit"

        sign_in_someone(monkeypatch)
        r = c.get("/programs?limit=5")
        assert "x-sijeong-cache" not in r.headers


def test_off_by_default_in_settings_and_zero_turns_it_off(db, monkeypatch):
    from sijeong.settings import Settings

    assert _app(db, mb=0).state.page_cache is None
    monkeypatch.setenv("SIJEONG_PAGE_CACHE_MB", "0")
    assert Settings.from_env(db).page_cache_mb == 0
    monkeypatch.delenv("SIJEONG_PAGE_CACHE_MB")
    assert Settings.from_env(db).page_cache_mb > 0


_engines: dict = {}


def _engine(url: str):
    from sijeong.store import create_engine_for

    if url not in _engines:
        _engines[url] = create_engine_for(url)
    return _engines[url]


def test_a_hit_is_answered_before_routing_with_every_header_of_a_fresh_answer(db, monkeypatch):
    """Store answers a hit itself (web/cache.py ``_peek``), outside the router: the answer carries
    the same headers as the fresh one, the outer middlewares' included (security headers, the
    unit's cookie when ``?unit=`` asks for another unit)."""
    from sijeong.web import cache

    peeked = []
    real = cache._peek

    def peek(engine, page_cache, request):
        entry = real(engine, page_cache, request)
        peeked.append(entry is not None)
        return entry

    monkeypatch.setattr(cache, "_peek", peek)
    app = _app(db)
    with TestClient(app) as c:
        for path in ("/programs?limit=5", "/programs.json?limit=5", "/api/v1/programs?limit=5",
                     "/programs?limit=5&unit=thousand"):
            c.cookies.clear()
            peeked.clear()
            first = c.get(path)
            c.cookies.clear()
            second = c.get(path)
            assert peeked == [False, True], path  # looked up early both times; the second answered there
            assert (first.headers["x-sijeong-cache"], second.headers["x-sijeong-cache"]) == ("miss", "hit"), path
            assert first.content == second.content, path
            fresh = {k: v for k, v in first.headers.multi_items() if k != "x-sijeong-cache"}
            cached = {k: v for k, v in second.headers.multi_items() if k != "x-sijeong-cache"}
            assert fresh == cached, path
            assert "content-security-policy" in cached and cached["x-frame-options"] == "DENY", path
        assert "unit=thousand" in second.headers["set-cookie"]


def test_the_early_answer_is_only_for_anonymous_gets(db, monkeypatch):
    from sijeong.web import cache

    peeked = []
    real = cache._peek
    monkeypatch.setattr(cache, "_peek", lambda *a: peeked.append(1) or real(*a))
    app = _app(db)
    with TestClient(app) as c:
        c.get("/programs?limit=5")
        assert c.head("/programs?limit=5").headers.get("x-sijeong-cache") != "hit"
        assert c.get("/findings").status_code == 200
        assert len(peeked) == 1  # the first GET only: no HEAD, no uncached path
        sign_in_someone(monkeypatch)
        r = c.get("/programs?limit=5")
        assert "x-sijeong-cache" not in r.headers and r.headers["cache-control"] == "no-store"
        assert len(peeked) == 1


def test_the_early_look_never_holds_two_connections_at_once(db):
    """The early look's connection is given back before the route takes its own: a miss
    checks out two connections one after the other (never two at once), a hit one."""
    app = _app(db)
    engine = app.state.engine
    out = count_connections(engine)

    with TestClient(app) as c:
        for path, want, checkouts in (("/programs?limit=7", "miss", 2), ("/programs?limit=7", "hit", 1),
                                      ("/api/v1/programs?limit=7", "miss", 2), ("/api/v1/programs?limit=7", "hit", 1)):
            out.update(peak=0, checkouts=0)
            r = c.get(path)
            assert r.headers["x-sijeong-cache"] == want, path
            assert out["peak"] == 1 and out["now"] == 0 and out["checkouts"] == checkouts, (path, want, out)
