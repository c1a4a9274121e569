"""실적 엑셀 입력: ``/cycle/sheet`` — the spreadsheet round trip of the performance cycle
(``sijeong.cycle_sheet``, ``docs/cycle.md``) for a signed-in person: a download link per
department (the API's ``GET /api/v1/cycle/years/{year}/sheet.xlsx``), an upload form (CSRF
field, multipart), and after an upload either the counts or every cell error as a table
(sheet, row, column, message) — nothing applied then. No script (the CSP).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from ... import cycle, cycle_sheet, operations
from .. import auth, formatting
from ..auth import ActorDep
from ..deps import TEXT_PATTERN, default_municipality

router = APIRouter(include_in_schema=False)

YearQ = Annotated[int | None, Query(ge=1990, le=2100, description="연도")]
MunicipalityQ = Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN, description="지방자치단체")]


def _overview(conn, request: Request, municipality: str | None, year: int | None) -> dict[str, Any]:
    m = municipality or default_municipality(request, conn)
    years = cycle.years(conn, m)
    if year is None and years:
        open_ = [y for y in years if y["status"] != "closed"]
        year = (open_ or years)[-1]["year"]
    chosen = next((y for y in years if y["year"] == year), None)
    departments = cycle_sheet.departments(conn, m, year) if chosen else []
    return {"municipality": m, "years": years, "year": year, "cycle": chosen, "departments": departments}


def _href(municipality: str, year: int, department: str | None = None) -> str:
    q = {"municipality": municipality, **({"department": department} if department else {})}
    return f"/api/v1/cycle/years/{year}/sheet.xlsx?{urlencode(q)}"


async def _page(request: Request, actor: operations.Actor, municipality: str | None, year: int | None, *,
                status: int = 200, error: str | None = None, errors: list[dict[str, Any]] | None = None,
                counts: dict[str, Any] | None = None, file_name: str | None = None):
    state = request.app.state

    def read():
        with state.engine.connect() as conn:
            return _overview(conn, request, municipality, year)

    async with state.connection_slots.held():
        o = await run_in_threadpool(read)
    request.state.municipality = o["municipality"]
    own = actor.department if actor.role in operations.DEPARTMENT_ROLES else None
    found = auth.authenticated(request)
    unit = getattr(request.state, "unit", formatting.DEFAULT_UNIT)
    ctx = {
        **o, "title": "실적 엑셀 입력", "section": "cycle_sheet", "unit": unit,
        "unit_label": formatting.unit_label(unit), "json_href": "/openapi.json",
        "csrf_token": found.csrf_token if found else "",
        "can_upload": operations.allowed(actor, cycle_sheet.OPERATION, own),
        "own_department": own, "href": _href, "error": error, "errors": errors, "counts": counts,
        "file_name": file_name, "max_mb": f"{cycle_sheet.MAX_BYTES / 1024 / 1024:g}",
        "max_rows": cycle_sheet.MAX_ROWS, "STATUS_LABELS": cycle_sheet.STATUS_LABELS,
        "breadcrumbs": [("/dashboard", "대시보드"), (None, "실적 엑셀 입력")],
    }
    return state.templates.TemplateResponse(request, "cycle_sheet.html", ctx, status_code=status)


@router.get("/cycle/sheet")
async def sheet_page(request: Request, actor: ActorDep, year: YearQ = None, municipality: MunicipalityQ = None):
    return await _page(request, actor, municipality, year)


def _field(form, name: str) -> str | None:
    v = form.get(name)
    return v.strip() if isinstance(v, str) and v.strip() else None


@router.post("/cycle/sheet")
async def sheet_upload(request: Request, actor: ActorDep):
    """The filled workbook (the CSRF field checked by :func:`auth.require_actor`): applied
    whole, or the page again with every cell error (422) — or 403 / 404 / 423 with why."""
    form = await request.form()
    m = _field(form, "municipality")
    raw_year = _field(form, "year") or ""
    year = int(raw_year) if raw_year.isdigit() and 1990 <= int(raw_year) <= 2100 else None
    if m is not None and (len(m) > 100 or any(ord(c) < 0x20 for c in m)):
        m = None
    upload = form.get("file")
    if year is None:
        return await _page(request, actor, m, None, status=422,
                           error="연도가 올바르지 않습니다 / a year from 1990 to 2100 is needed")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", None):
        return await _page(request, actor, m, year, status=422, error="파일을 고르십시오 / choose a file")
    data = await upload.read(cycle_sheet.MAX_BYTES + 1)
    state = request.app.state
    municipality = m or state.settings.municipality
    try:
        async with state.connection_slots.held():
            counts = await run_in_threadpool(cycle_sheet.apply, state.engine, actor, municipality, year, data,
                                             upload.filename)
    except cycle_sheet.SheetRejected as e:
        return await _page(request, actor, municipality, year, status=422, error=str(e),
                           errors=[x.as_dict() for x in e.errors], file_name=upload.filename)
    except operations.Refused as e:
        return await _page(request, actor, municipality, year, status=403, error=str(e))
    except cycle.Locked as e:
        return await _page(request, actor, municipality, year, status=423, error=str(e))
    except cycle.NotFound as e:
        return await _page(request, actor, municipality, year, status=404, error=str(e))
    return await _page(request, actor, municipality, year, counts=counts, file_name=upload.filename)
