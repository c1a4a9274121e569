"""One error shape: ``{"error": {"status", "message"}}`` for the API and ``.json`` twins,
an HTML page (in Korean) for the pages."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MESSAGES = {
    400: "잘못된 요청입니다",
    404: "찾을 수 없습니다",
    405: "허용되지 않는 방법입니다",
    422: "요청 값이 올바르지 않습니다",
    500: "서버 오류가 발생했습니다",
}


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
    return state.templates.TemplateResponse(request, "error.html", ctx, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
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
