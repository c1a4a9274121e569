"""One error shape: ``{"error": {"status", "message"}}`` for the API and ``.json`` twins,
an HTML page (in Korean) for the pages — for every error: 404, 405 (with ``Allow``), 422,
a request with control characters, and 500 from an unexpected exception."""

from __future__ import annotations

import html
import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from ..store.connections import PoolTimeout

log = logging.getLogger(__name__)

MESSAGES = {
    400: "잘못된 요청입니다",
    401: "로그인이 필요합니다",
    403: "권한이 없습니다",
    404: "찾을 수 없습니다",
    405: "허용되지 않는 방법입니다",
    422: "요청 값이 올바르지 않습니다",
    429: "요청이 너무 많습니다",
    500: "서버 오류가 발생했습니다",
    503: "서버가 바쁩니다. 잠시 뒤에 다시 시도해 주십시오",
}
#: C0 control characters and DEL, raw or percent-encoded, in a query string
CONTROL_IN_QUERY = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])|[\x00-\x1f\x7f]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json") or path == "/openapi.json"


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None):
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)
    from . import formatting

    state = request.app.state
    unit = getattr(request.state, "unit", formatting.DEFAULT_UNIT)
    ctx = {"status": status, "message": message, "title": MESSAGES.get(status, "오류"), "unit": unit,
           "unit_label": formatting.unit_label(unit), "json_href": "/openapi.json",
           "municipality": _municipality(request, status)}
    try:
        return state.templates.TemplateResponse(request, "error.html", ctx, status_code=status, headers=headers)
    except Exception:  # noqa: BLE001 - the error page itself failed: answer a bare one
        log.exception("error page failed")
        body = f"<!doctype html><html lang=\"ko\"><title>{status}</title><h1>{html.escape(message)}</h1></html>"
        return HTMLResponse(body, status_code=status, headers=headers)


def _municipality(request: Request, status: int) -> str:
    """The municipality the error page names: the one asked for, else the one the request was
    showing (the database's default), never a name the database does not hold."""
    state = request.app.state
    asked = request.query_params.get("municipality") if not CONTROL_IN_QUERY.search(request.url.query.encode()) else None
    if asked and len(asked) <= 40:
        return asked
    known = getattr(request.state, "municipality", None) or getattr(request.state, "default_municipality", None)
    if known:
        return known
    if not hasattr(request.state, "conn") and status != 503:
        # a request that never held a connection (no such page): one short question is its one
        try:
            from .deps import default_municipality

            return default_municipality(request)
        except Exception:  # noqa: BLE001 - the error page must not fail for its heading
            return state.settings.municipality
    # the request held its connection and gave it back, or the app is overloaded: no second
    # one — the names the app last read, the settings' municipality when it has data
    from ..store import views

    names = views.known_municipalities(state.engine)
    wanted = state.settings.municipality
    return wanted if not names or wanted in names else names[0]


#: pydantic's error types → Korean, with the parameter's own hint where one helps
_HINTS = {"year": "네 자리 연도(예: 2023)", "limit": "1 이상의 정수", "offset": "0 이상의 정수",
          "municipality": "지방자치단체 이름", "department": "부서 이름", "q": "검색어"}


def korean_validation(e: dict) -> str:
    """One validation error in Korean first, pydantic's English after it — never a raw regex."""
    loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    hint = _HINTS.get(loc.split(".")[-1] if loc else "", "")
    if kind == "string_pattern_mismatch":
        korean = f"형식이 맞지 않습니다{f' — {hint}' if hint else ''}"
        english = "does not have the expected form"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        korean, english = "정수가 아닙니다", "not an integer"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "")
        word = {"greater_than_equal": "이상", "greater_than": "초과", "less_than_equal": "이하", "less_than": "미만"}[kind]
        korean, english = f"{bound} {word}이어야 합니다", e.get("msg", "")
    elif kind == "missing":
        korean, english = "값이 필요합니다", "required"
    elif kind == "string_too_long":
        korean, english = f"{ctx.get('max_length', '')}자 이하여야 합니다", e.get("msg", "")
    else:
        korean, english = "올바르지 않은 값입니다", e.get("msg", "")
    return f"{loc}: {korean} / {english}" if loc else f"{korean} / {english}"


class RefuseControlCharacters:
    """422 for a request whose path or query string holds a C0 control character or DEL
    (``%00`` …): no route needs one, a NUL ends a string for SQLite's FTS5 and PostgreSQL
    refuses it in text."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (CONTROL.search(scope.get("path", ""))
                                        or CONTROL_IN_QUERY.search(scope.get("query_string", b""))):
            request = Request(scope, receive)
            message = f"{MESSAGES[422]} — 제어 문자(NUL 등)는 쓸 수 없습니다 / control characters are not allowed"
            await error_response(request, 422, message)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_middleware(RefuseControlCharacters)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else MESSAGES.get(exc.status_code, "오류")
        if detail in ("Not Found", "Method Not Allowed"):
            detail = MESSAGES.get(exc.status_code, detail)
        return error_response(request, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        parts = [korean_validation(e) for e in exc.errors()]
        return error_response(request, 422, f"{MESSAGES[422]} — " + "; ".join(parts))

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(request: Request, exc: PoolTimeout):
        # no connection came free in the pool's timeout: overloaded, not broken
        log.warning("connection pool timeout on %s: %s", request.url.path, exc)
        return error_response(request, 503, MESSAGES[503], {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # Starlette sends this answer, then raises the exception again for the server's log
        return error_response(request, 500, MESSAGES[500])
