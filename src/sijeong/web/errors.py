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
    404: "찾을 수 없습니다",
    405: "허용되지 않는 방법입니다",
    422: "요청 값이 올바르지 않습니다",
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
           "municipality": state.settings.municipality}
    try:
        return state.templates.TemplateResponse(request, "error.html", ctx, status_code=status, headers=headers)
    except Exception:  # noqa: BLE001 - the error page itself failed: answer a bare one
        log.exception("error page failed")
        body = f"<!doctype html><html lang=\"ko\"><title>{status}</title><h1>{html.escape(message)}</h1></html>"
        return HTMLResponse(body, status_code=status, headers=headers)


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
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{loc}: {e.get('msg')}")
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
