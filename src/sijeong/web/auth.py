"""Who is asking: the session cookie or an API token, resolved once per request.

- :func:`install` adds a middleware that, for a request carrying the session cookie or an
  ``Authorization: Bearer`` header, looks the session or token up (one short connection,
  taken with the app's connection slots and given back before the route runs, so a request
  never holds two) and keeps the answer on ``request.state.auth``. A request with neither
  costs nothing. Answers to a signed-in request get ``Cache-Control: no-store`` (the header
  names the person).
- :func:`current_actor` — the :class:`~sijeong.operations.Actor` or None; ``via="api"``
  under ``/api/``, ``"web"`` elsewhere.
- :func:`require_actor` — the actor, or 401 (JSON under ``/api/``; a redirect to ``/login``
  for a page). For an unsafe method (POST, PUT, PATCH, DELETE) authenticated by the cookie
  it also checks the CSRF token (:func:`require_csrf`): 403 when missing or wrong. An API
  token needs none (a browser never adds an ``Authorization`` header by itself).

Everything public stays public: no route that existed before asks for an account.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders

from .. import accounts
from ..accounts import Authenticated
from ..operations import Actor

SESSION_COOKIE = "sijeong_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: paths that are the same for everybody: never looked up (static files stay cacheable)
UNPERSONAL = ("/static/", "/favicon.ico")

NEED_LOGIN = "로그인이 필요합니다 / login required"
BAD_CSRF = "CSRF 토큰이 없거나 맞지 않습니다 / missing or wrong CSRF token"


class LoginRequired(HTTPException):
    """401: JSON under ``/api/``, a redirect to the login page elsewhere (see :func:`install`)."""

    def __init__(self) -> None:
        super().__init__(401, NEED_LOGIN, headers={"WWW-Authenticate": 'Bearer realm="sijeong"'})


def via_of(request: Request) -> str:
    return "api" if request.url.path.startswith("/api/") else "web"


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _resolve(engine, session_token: str | None, bearer: str | None, via: str) -> Authenticated | None:
    with engine.connect() as conn:
        found = accounts.resolve_token(conn, bearer, via=via) if bearer else None
        if found is None and session_token:
            found = accounts.resolve_session(conn, session_token, via=via)
        return found


async def resolve(request: Request) -> Authenticated | None:
    """Look the request's session cookie or API token up (once; kept on ``request.state``)."""
    if hasattr(request.state, "auth"):
        return request.state.auth
    session_token = request.cookies.get(SESSION_COOKIE)
    bearer = _bearer(request)
    found = None
    if (session_token or bearer) and not request.url.path.startswith(UNPERSONAL):
        state = request.app.state
        async with state.connection_slots.held():
            found = await run_in_threadpool(_resolve, state.engine, session_token, bearer, via_of(request))
    request.state.auth = found
    return found


def authenticated(request: Request) -> Authenticated | None:
    """What the middleware found (None: nobody, or not resolved)."""
    return getattr(request.state, "auth", None)


async def current_actor(request: Request) -> Actor | None:
    found = await resolve(request)
    return found.actor if found else None


async def require_csrf(request: Request) -> None:
    """403 unless an unsafe request authenticated by the session cookie carries the session's
    CSRF token (``X-CSRF-Token`` header or ``csrf_token`` form field)."""
    found = await resolve(request)
    if found is None or found.by != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not accounts.csrf_matches(found.csrf_token, sent):
        raise HTTPException(403, BAD_CSRF)


async def require_actor(request: Request) -> Actor:
    """The signed-in actor, or 401; the CSRF check for a cookie-authenticated unsafe method."""
    found = await resolve(request)
    if found is None:
        raise LoginRequired()
    await require_csrf(request)
    return found.actor


#: typed dependencies for routes: ``actor: ActorDep`` (401 / CSRF as above), ``actor: MaybeActorDep``
ActorDep = Annotated[Actor, Depends(require_actor)]
MaybeActorDep = Annotated[Actor | None, Depends(current_actor)]


# --- cookies -------------------------------------------------------------------------------


def secure_cookies(request: Request) -> bool:
    """``Secure`` when the site's public address is https (the app may sit behind a TLS proxy)."""
    return request.app.state.settings.public_url.lower().startswith("https://")


def set_session_cookie(response, request: Request, session: accounts.Session) -> None:
    response.set_cookie(SESSION_COOKIE, session.token, max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
                        path="/", httponly=True, samesite="lax", secure=secure_cookies(request))


def clear_session_cookie(response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(request))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def open_session(request: Request, login: str, password: str) -> accounts.Session:
    """:func:`accounts.login` for this request (argon2 runs in a worker thread, holding one of
    the app's connection slots). Raises :class:`accounts.LoginFailed` / :class:`accounts.RateLimited`."""
    state = request.app.state
    async with state.connection_slots.held():
        return await run_in_threadpool(accounts.login, state.engine, login=login, password=password,
                                       address=client_address(request), via=via_of(request))


async def close_session(request: Request, found: Authenticated) -> bool:
    state = request.app.state
    async with state.connection_slots.held():
        return await run_in_threadpool(accounts.logout, state.engine, found)


# --- the staff menu ------------------------------------------------------------------------

#: the signed-in staff's menu under the header: (path, label, the roles it is shown to — None:
#: every account). A page appears once its route exists (the app's features land one by one).
STAFF_MENU: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("/cycle", "성과관리", None),
    ("/cycle/sheet", "실적 엑셀", None),
    ("/evaluation", "부서 평가", None),
    ("/suggestions", "제안", None),
    ("/collaboration", "협업", None),
    ("/upload", "문서 올리기", ("admin", "performance")),
]


def staff_links(request: Request) -> list[tuple[str, str]]:
    """The staff menu of the signed-in account ([] for the public)."""
    found = authenticated(request)
    if found is None:
        return []
    state = request.app.state
    paths = getattr(state, "get_paths", None)
    if paths is None:  # the routes are all in once a request is served
        from fastapi.routing import iter_route_contexts

        paths = state.get_paths = frozenset(c.path for c in iter_route_contexts(request.app.routes)
                                            if "GET" in (c.methods or ()))
    return [(p, label) for p, label, roles in STAFF_MENU
            if p in paths and (roles is None or found.actor.role in roles)]


# --- the app -------------------------------------------------------------------------------


class Who:
    """Who is asking (:func:`resolve`, on ``request.state.auth``) before the route runs; an
    answer to someone signed in is ``Cache-Control: no-store`` unless it says otherwise.
    Plain ASGI (no ``BaseHTTPMiddleware``: no task and memory stream per request)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = await resolve(Request(scope, receive))
        if found is None:
            await self.app(scope, receive, send)
            return

        async def send_no_store(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers") or []))
                if "cache-control" not in headers:
                    headers.append("Cache-Control", "no-store")
                message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, send_no_store)


def install(app: FastAPI) -> None:
    """The middleware, the redirect to the login page and the templates' ``signed_in``."""
    from . import errors

    app.add_middleware(Who)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        if errors.wants_json(request):
            return errors.error_response(request, 401, exc.detail, exc.headers)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe="/"), status_code=303)

    app.state.templates.env.globals["signed_in"] = authenticated
    app.state.templates.env.globals["staff_links"] = staff_links
