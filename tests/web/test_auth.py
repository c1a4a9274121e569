"""Accounts on the web: login (API and page), sessions that logout and disabling end, CSRF on
cookie-authenticated writes, API tokens, the login rate limit, cookie flags, the security
headers of the new pages, and every public page still public."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi import Depends, Request
from fastapi.testclient import TestClient

from sijeong import accounts, operations
from sijeong.operations import Actor
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app
from sijeong.web.auth import SESSION_COOKIE, current_actor, require_actor

from .test_headers import assert_secure

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes():
    """argon2 with the cheapest parameters: the tests log in often (production uses RFC 9106)."""
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


@pytest.fixture(scope="module")
def db_url(tmp_path_factory, cheap_hashes):
    url = f"sqlite:///{tmp_path_factory.mktemp('auth') / 'auth.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    accounts.add_account(engine, ADMIN, login="kim", role="editor", department="자치행정과", password=PASSWORD,
                         municipality="김포시")
    accounts.add_account(engine, ADMIN, login="perf", role="performance", password=PASSWORD)
    accounts.add_account(engine, ADMIN, login="gone", role="viewer", password=PASSWORD)
    accounts.set_disabled(engine, ADMIN, login="gone", disabled=True)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def auth_app(db_url):
    app = create_app(Settings(db_url=db_url))

    @app.post("/api/v1/test-write")
    async def _api_write(actor: Actor = Depends(require_actor)):
        return {"login": actor.login, "via": actor.via}

    @app.post("/test-write")
    async def _page_write(actor: Actor = Depends(require_actor)):
        return {"login": actor.login, "via": actor.via}

    @app.get("/test-private")
    async def _page_read(actor: Actor = Depends(require_actor)):
        return {"login": actor.login}

    @app.get("/test-who")
    async def _who(request: Request):
        actor = await current_actor(request)
        return {"login": actor.login if actor else None, "via": actor.via if actor else None}

    return app


@pytest.fixture
def c(auth_app, db_url):
    engine = db.create_engine_for(db_url)
    with engine.begin() as conn:  # each test starts with no failed login counted
        conn.execute(sa.text("DELETE FROM login_failures"))
    engine.dispose()
    with TestClient(auth_app) as client:
        yield client


@pytest.fixture
def engine(db_url):
    e = db.create_engine_for(db_url)
    yield e
    e.dispose()


def _login(c, login="kim", password=PASSWORD):
    return c.post("/api/v1/auth/login", json={"login": login, "password": password})


# --- logging in ------------------------------------------------------------------------------


def test_login_sets_an_httponly_lax_session_cookie_and_answers_the_csrf_token(c):
    r = _login(c)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["login"], body["role"], body["department"]) == ("kim", "editor", "자치행정과")
    assert re.fullmatch(r"[0-9a-f]{64}", body["csrf_token"])
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    assert "secure" not in flags  # the public address is http here
    me = c.get("/api/v1/auth/me").json()
    assert (me["login"], me["role"], me["via"], me["by"], me["csrf_token"]) == (
        "kim", "editor", "api", "session", body["csrf_token"])
    assert c.get("/test-who").json() == {"login": "kim", "via": "web"}


def test_the_cookie_is_secure_behind_https(db_url):
    with TestClient(create_app(Settings(db_url=db_url, public_url="https://sijeong.example.kr"))) as c:
        r = _login(c)
    assert r.status_code == 200
    assert "secure" in {f.strip().lower() for f in r.headers["set-cookie"].split(";")}


@pytest.mark.parametrize("login, password", [("kim", "wrong password!"), ("nobody", PASSWORD), ("gone", PASSWORD),
                                             ("KIM", PASSWORD)])
def test_a_wrong_password_an_unknown_login_and_a_disabled_account_get_the_same_401(c, login, password):
    r = _login(c, login, password)
    assert r.status_code == 401
    assert r.json() == {"error": {"status": 401, "message": accounts.WRONG}}
    assert "set-cookie" not in r.headers
    assert c.get("/api/v1/auth/me").status_code == 401


@pytest.mark.parametrize("kwargs", [
    {"json": {"login": "kim"}},
    {"json": {"login": "", "password": PASSWORD}},
    {"json": {"login": "kim", "password": 5}},
    {"json": ["kim", PASSWORD]},
    {"data": {"login": "kim", "password": PASSWORD}},  # a form post (what a cross-site form could send)
    {"content": b"login=kim", "headers": {"content-type": "text/plain"}},
])
def test_a_malformed_login_body_is_422(c, kwargs):
    r = c.post("/api/v1/auth/login", **kwargs)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["status"] == 422
    assert "set-cookie" not in r.headers


def test_nobody_signed_in_is_401_on_the_api_and_redirected_to_login_on_pages(c):
    r = c.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["status"] == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert c.post("/api/v1/test-write").status_code == 401
    r = c.get("/test-private?year=2020", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/test-private%3Fyear%3D2020"
    assert c.get("/test-who").json() == {"login": None, "via": None}


# --- sessions end ------------------------------------------------------------------------------


def test_logout_revokes_the_session_on_the_server(c, auth_app):
    r = _login(c)
    token, csrf = r.cookies[SESSION_COOKIE], r.json()["csrf_token"]
    r = c.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"revoked": True}
    assert c.get("/api/v1/auth/me").status_code == 401  # the cookie was cleared ...
    with TestClient(auth_app, cookies={SESSION_COOKIE: token}) as replay:  # ... and replaying it does not work
        assert replay.get("/api/v1/auth/me").status_code == 401


def test_disabling_an_account_ends_its_sessions_and_enabling_does_not_revive_them(c, engine):
    accounts.add_account(engine, ADMIN, login="lee", role="approver", department="자치행정과", password=PASSWORD)
    assert _login(c, "lee").status_code == 200
    assert c.get("/api/v1/auth/me").json()["login"] == "lee"
    assert accounts.set_disabled(engine, ADMIN, login="lee", disabled=True) == {"sessions": 1, "tokens": 0}
    assert c.get("/api/v1/auth/me").status_code == 401
    assert _login(c, "lee").status_code == 401
    accounts.set_disabled(engine, ADMIN, login="lee", disabled=False)
    assert c.get("/api/v1/auth/me").status_code == 401  # the old session stays revoked
    assert _login(c, "lee").status_code == 200


def test_a_password_reset_ends_the_sessions_and_only_the_new_password_works(c, engine):
    accounts.add_account(engine, ADMIN, login="park", role="viewer", password=PASSWORD)
    assert _login(c, "park").status_code == 200
    assert accounts.reset_password(engine, ADMIN, login="park", password="another long one") == 1
    assert c.get("/api/v1/auth/me").status_code == 401
    assert _login(c, "park").status_code == 401
    assert _login(c, "park", "another long one").status_code == 200


def test_an_expired_session_does_not_work(c, engine):
    assert _login(c, "perf").status_code == 200
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE sessions SET expires_at = :t"),
                     {"t": dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)})
    assert c.get("/api/v1/auth/me").status_code == 401


# --- CSRF ---------------------------------------------------------------------------------------


def test_a_cookie_authenticated_write_needs_the_csrf_token(c):
    csrf = _login(c).json()["csrf_token"]
    for headers in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": csrf[:-1]}, {"X-CSRF-Token": "토큰".encode()}):
        r = c.post("/api/v1/test-write", headers=headers)
        assert r.status_code == 403, (headers, r.text)
        assert r.json()["error"]["message"].startswith("CSRF")
    r = c.post("/api/v1/test-write", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"login": "kim", "via": "api"}
    # a form sends it as the csrf_token field
    assert c.post("/test-write", data={"csrf_token": "x"}).status_code == 403
    r = c.post("/test-write", data={"csrf_token": csrf})
    assert r.status_code == 200 and r.json() == {"login": "kim", "via": "web"}


def test_the_csrf_token_of_another_session_is_refused(c, auth_app):
    other = _login(c, "perf").json()["csrf_token"]
    with TestClient(auth_app) as mine:
        assert _login(mine).status_code == 200
        assert mine.post("/api/v1/test-write", headers={"X-CSRF-Token": other}).status_code == 403


# --- API tokens ---------------------------------------------------------------------------------


def test_a_bearer_token_works_without_csrf_and_stops_when_revoked_replaced_or_disabled(c, engine):
    accounts.add_account(engine, ADMIN, login="script", role="performance", password=PASSWORD)
    token = accounts.issue_token(engine, ADMIN, login="script")
    assert token.startswith(accounts.TOKEN_PREFIX)
    bearer = {"Authorization": f"Bearer {token}"}
    me = c.get("/api/v1/auth/me", headers=bearer).json()
    assert (me["login"], me["by"], me["via"], me["csrf_token"]) == ("script", "token", "api", None)
    assert c.post("/api/v1/test-write", headers=bearer).json() == {"login": "script", "via": "api"}  # no CSRF token
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Basic {token}"}).status_code == 401

    assert accounts.revoke_token(engine, ADMIN, login="script") == 1
    assert c.get("/api/v1/auth/me", headers=bearer).status_code == 401

    second = accounts.issue_token(engine, ADMIN, login="script")
    third = accounts.issue_token(engine, ADMIN, login="script")  # one token per account: the second stops
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {third}"}).status_code == 200
    accounts.set_disabled(engine, ADMIN, login="script", disabled=True)
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {third}"}).status_code == 401


# --- the rate limit -----------------------------------------------------------------------------


def test_too_many_failed_logins_get_429_with_retry_after_even_with_the_right_password(c, engine):
    for _ in range(accounts.MAX_FAILURES_PER_LOGIN):
        assert _login(c, "perf", "wrong password!").status_code == 401
    r = _login(c, "perf")
    assert r.status_code == 429, r.text
    wait = int(r.headers["retry-after"])
    assert 1 <= wait <= accounts.LOGIN_WINDOW.total_seconds()
    assert r.json()["error"]["status"] == 429 and "set-cookie" not in r.headers
    assert _login(c, "PERF ", "wrong password!").status_code == 429  # the same login, however written
    assert _login(c, "kim").status_code == 200  # another login is not held back
    # the failures age out of the window
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE login_failures SET at = :t"),
                     {"t": dt.datetime.now(dt.timezone.utc) - accounts.LOGIN_WINDOW - dt.timedelta(seconds=1)})
    assert _login(c, "perf").status_code == 200


def test_a_successful_login_clears_the_failures_of_its_login(c):
    for _ in range(accounts.MAX_FAILURES_PER_LOGIN - 1):
        assert _login(c, "perf", "wrong password!").status_code == 401
    assert _login(c, "perf").status_code == 200
    for _ in range(accounts.MAX_FAILURES_PER_LOGIN - 1):
        assert _login(c, "perf", "wrong password!").status_code == 401
    assert _login(c, "perf").status_code == 200


def test_the_limit_holds_across_processes_sharing_the_database(c, db_url):
    """Two apps (as two workers of ``sijeong serve --workers 2``) count the same failures."""
    with TestClient(create_app(Settings(db_url=db_url))) as other:
        for i in range(accounts.MAX_FAILURES_PER_LOGIN):
            assert _login(other if i % 2 else c, "kim", "wrong password!").status_code == 401
        assert _login(other, "kim").status_code == 429
        assert _login(c, "kim").status_code == 429


def test_too_many_failures_from_one_address_get_429_for_any_login(c):
    for i in range(accounts.MAX_FAILURES_PER_ADDRESS):
        assert _login(c, f"guess{i}", "wrong password!").status_code == 401
    r = _login(c, "kim")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


# --- the pages ------------------------------------------------------------------------------------


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_login_page_is_korean_has_no_script_and_carries_the_security_headers(c):
    r = c.get("/login?next=/findings")
    assert r.status_code == 200
    assert_secure(r)
    assert "<script" not in r.text.lower() and " style=" not in r.text
    assert "로그인" in r.text and 'type="password"' in r.text and 'lang="ko"' in r.text
    assert 'name="next" value="/findings"' in r.text
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("sijeong_login=") and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert _form_token(r.text) == r.cookies["sijeong_login"]


def test_the_login_form_needs_its_csrf_token(c):
    c.get("/login")
    r = c.post("/login", data={"login": "kim", "password": PASSWORD, "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403 and SESSION_COOKIE not in r.headers.get("set-cookie", "")
    assert_secure(r)


def test_logging_in_and_out_with_the_forms(c):
    token = _form_token(c.get("/login").text)
    r = c.post("/login", data={"login": "kim", "password": "wrong password!", "csrf_token": token, "next": "/plans"})
    assert r.status_code == 401 and accounts.WRONG in r.text and 'value="kim"' in r.text
    r = c.post("/login", data={"login": "kim", "password": PASSWORD, "csrf_token": token, "next": "/plans"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/plans"
    assert "httponly" in r.headers["set-cookie"].lower()
    page = c.get("/dashboard")
    assert page.status_code == 200 and '<span class="account-login">kim</span><span class="account-dept"> · 자치행정과</span>' in page.text and "로그아웃" in page.text
    assert page.headers["cache-control"] == "no-store"  # the page names the person
    # the login page of someone signed in names them without a particle after a parenthesis
    again = c.get("/login").text
    assert "로그인되어 있습니다: kim (" in again and "(으)로" not in again
    assert "no-store" not in c.get("/static/style.css").headers.get("cache-control", "")  # the same for all
    assert_secure(page)
    assert c.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False).status_code == 403
    r = c.post("/logout", data={"csrf_token": _form_token(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert c.get("/api/v1/auth/me").status_code == 401
    assert "담당자 로그인" in c.get("/dashboard").text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_off_the_site(c, target):
    token = _form_token(c.get("/login").text)
    r = c.post("/login", data={"login": "kim", "password": PASSWORD, "csrf_token": token, "next": target},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_the_login_form_is_rate_limited_too(c):
    token = _form_token(c.get("/login").text)
    for _ in range(accounts.MAX_FAILURES_PER_LOGIN):
        c.post("/login", data={"login": "perf", "password": "wrong password!", "csrf_token": token})
    r = c.post("/login", data={"login": "perf", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "너무 많습니다" in r.text
    assert_secure(r)


@pytest.mark.parametrize("path", ["/dashboard", "/indicators", "/findings", "/api/v1/indicators", "/openapi.json"])
def test_public_pages_need_no_account(c, path):
    r = c.get(path)
    assert r.status_code == 200
    assert "cache-control" not in r.headers or "no-store" not in r.headers["cache-control"]


def test_the_api_documents_the_auth_operations(c):
    paths = c.get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/auth/login"]) == {"post"}
    assert {"200", "401", "422", "429"} <= set(paths["/api/v1/auth/login"]["post"]["responses"])
    assert "post" in paths["/api/v1/auth/logout"] and "get" in paths["/api/v1/auth/me"]


def test_the_audit_log_never_holds_a_password_a_hash_or_a_token(c, engine):
    accounts.add_account(engine, ADMIN, login="audited", role="viewer", password=PASSWORD)
    token = accounts.issue_token(engine, ADMIN, login="audited")
    r = _login(c, "audited")
    session = r.cookies[SESSION_COOKIE]
    c.post("/api/v1/auth/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]})
    accounts.reset_password(engine, ADMIN, login="audited", password="a new password")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM audit_log")).mappings().all()
        hashes = conn.execute(sa.text("SELECT password_hash FROM accounts")).scalars().all()
    text = repr([dict(r) for r in rows])
    ops = {r["operation"] for r in rows}
    assert {"user.add", "user.token", "session.login", "session.logout", "user.reset", "user.disable"} <= ops
    for secret in (PASSWORD, "a new password", token, session, accounts.token_hash(token),
                   accounts.token_hash(session), *hashes, "$argon2"):
        assert secret not in text
    logins = [r for r in rows if r["operation"] == "session.login" and r["actor"] == "audited"]
    assert logins and (logins[-1]["role"], logins[-1]["via"], logins[-1]["entity"]) == ("viewer", "api", "sessions")


def test_every_write_route_checks_the_csrf_token(auth_app):
    """Every route with an unsafe method depends on ``require_actor`` or ``require_csrf``
    (directly or through another dependency) — the routes added later too. Only the two
    logins are exempt: no session exists yet (the form has a token of its own, the API takes
    JSON only); so are the two of a resident of 주민참여예산 asking for and giving the one-time
    code by the API (JSON only). A resident's route depends on the resident session's CSRF
    check, or on the form cookie's before a session exists (``web/residents.py``)."""
    from fastapi.routing import APIRoute, iter_route_contexts

    from sijeong.web.auth import require_csrf
    from sijeong.web.residents import require_form_token, resident_checked

    guards = (require_actor, require_csrf, resident_checked, require_form_token)

    def guarded(dependant) -> bool:
        return dependant.call in guards or any(guarded(d) for d in dependant.dependencies)

    exempt = {"/login", "/api/v1/auth/login", "/api/v1/participation/residents/code",
              "/api/v1/participation/residents/verify"}
    unsafe = [(c.path, c.original_route) for c in iter_route_contexts(auth_app.routes)
              if isinstance(c.original_route, APIRoute) and set(c.methods or ()) - {"GET", "HEAD", "OPTIONS"}]
    assert {p for p, _ in unsafe} >= {"/logout", "/api/v1/auth/logout", "/login", "/api/v1/auth/login", "/test-write"}
    assert [p for p, r in unsafe if p not in exempt and not guarded(r.dependant)] == []
