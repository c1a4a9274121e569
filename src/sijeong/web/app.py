"""``create_app(settings)``: the engine, templates, static files, routers and error shape.

Nothing is built at import time; the engine lives on ``app.state.engine``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from ..settings import Settings
from . import deps, errors, formatting
from .render import HERE, make_templates
from .security import SijeongApp, headers_for

API_DESCRIPTION = """시정 — 성과관리·예산 투명성 API.

모든 목록은 `municipality`, `year`, `department`, `limit`, `offset`으로 거를 수 있고
`{"items": [...], "total": n, "limit": .., "offset": ..}`로 답합니다. 오류는
`{"error": {"status": .., "message": ..}}`입니다. 모든 레코드는 `source: {doc, line}`과
숫자마다 `figures[field] = {raw, line, unit, value}`를 가집니다.
"""


def create_app(settings: Settings, *, document_dirs: Iterable[str | Path] | None = None) -> FastAPI:
    from ..store import create_engine_for

    app = SijeongApp(
        title="시정 (sijeong) API",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,  # the Swagger UI would load scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.security_headers = headers_for(settings.public_url)  # on every response, errors too
    engine = create_engine_for(settings.db_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.templates = make_templates()
    from ..reports.pdf import RenderPool

    app.state.pdf_pool = RenderPool(settings.pdf_renders, queue=settings.pdf_queue, wait=settings.pdf_wait,
                                    slots=settings.pdf_slots)
    dirs = list(document_dirs or [])
    env_dirs = os.environ.get("SIJEONG_DOCUMENTS")
    if env_dirs:
        dirs += env_dirs.split(os.pathsep)
    app.state.document_dirs = [Path(d) for d in dirs]
    # one pooled connection per request (deps.get_conn); the default municipality is read
    # on the request's own connection, never on a second one
    app.state.connection_slots = deps.ConnectionSlots(deps.pool_capacity(engine))
    app.state.default_municipality = deps.default_municipality

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    from .uploads import UPLOAD_PATHS, BodyLimit

    # an upload's body is counted as it arrives (413 past the limit), whoever reads it; the
    # innermost middleware (added first), so the route reading the body meets its 413 directly
    # the public page cache (web/cache.py): looked up by get_conn on the request's connection,
    # kept by the innermost middleware (added before every other)
    from . import cache as page_cache

    cache_bytes = int(settings.page_cache_mb * 1024 * 1024)
    app.state.page_cache = page_cache.PageCache(cache_bytes) if cache_bytes > 0 else None
    if app.state.page_cache is not None:
        app.add_middleware(page_cache.Store, cache=app.state.page_cache)

        @app.exception_handler(page_cache.Hit)
        async def _cached(request: Request, exc: page_cache.Hit):
            return page_cache.respond_cached(request, exc.entry)

    app.add_middleware(BodyLimit, limit=settings.upload_max_bytes, paths=UPLOAD_PATHS)
    errors.install(app)

    app.add_middleware(UnitCookie)

    from . import auth, login
    from .api import auth as api_auth
    from .api import evaluation as api_evaluation
    from .api import collaboration as api_collaboration
    from .api import participation as api_participation
    from .api import pledges as api_pledges
    from .api import suggestions as api_suggestions
    from .api import records as api_records
    from .api import search as api_search
    from .api import uploads as api_uploads
    from .pages import citizens, dashboard, departments, documents, findings, indicators, money, opendata, plans, reports, upload
    from .pages import evaluation as evaluation_pages
    from .pages import collaboration as collaboration_pages
    from .pages import cycle as cycle_pages
    from .pages import cycle_sheet as cycle_sheet_pages
    from .pages import participation as participation_pages
    from .pages import monitoring as monitoring_pages
    from .pages import pledges
    from .pages import search as search_page
    from .pages import suggestions as suggestion_pages

    from . import api_cycle

    auth.install(app)  # who is asking (session cookie or API token), on request.state.auth
    for r in (api_records.router, api_search.router, api_auth.router, api_cycle.router, api_pledges.router,
              api_evaluation.router, api_uploads.router, api_suggestions.router, api_collaboration.router,
              api_participation.router):
        app.include_router(r, prefix="/api/v1")
    for mod in (dashboard, departments, indicators, money, plans, findings, documents, citizens, reports, opendata,
                login, pledges, evaluation_pages, monitoring_pages, upload, search_page, cycle_sheet_pages,
                suggestion_pages, collaboration_pages, cycle_pages, participation_pages):
        app.include_router(mod.router)
    return app


class UnitCookie:
    """The money unit of a request (``?unit=`` or the ``unit`` cookie) on ``request.state.unit``;
    a unit asked for in the query is remembered in the cookie. Plain ASGI (no
    ``BaseHTTPMiddleware``: no task and stream per request)."""

    def __init__(self, app) -> None:
        self.app = app
        self.set_cookie = {}
        for key in formatting.MONEY_UNITS:  # the Set-Cookie header of each unit, as Starlette writes it
            r = Response()
            r.set_cookie("unit", key, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
            self.set_cookie[key] = next(v for k, v in r.raw_headers if k == b"set-cookie")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("unit")
        had = request.cookies.get("unit")
        request.state.unit = formatting.unit_key(asked or had)
        if asked not in formatting.MONEY_UNITS or had == asked:
            await self.app(scope, receive, send)
            return
        header = (b"set-cookie", self.set_cookie[asked])

        async def send_with_cookie(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*(message.get("headers") or []), header]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def app_from_env() -> FastAPI:
    """The app factory of ``sijeong serve --workers N`` (``uvicorn --factory``): each worker
    process builds its own app from the environment the command set (``Settings.from_env``)."""
    return create_app(Settings.from_env())
