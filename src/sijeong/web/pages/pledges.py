"""공약 (the mayor's pledges): the public page (``/pledges``: the completion rate, the counts
by status, field and type, the pledges by field with their status), a pledge's record
page, the XLSX of the pledge table, and for the signed-in the forms — the performance
team adds and changes pledges, the lead department reports its half-year progress.

Plain HTML POST forms with the session's ``csrf_token``; no script (the CSP). The public
sees no internal note, no evidence reference, no unpublished assessment and no audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ... import operations
from ...model.pledges import STATUSES, TYPES, parse_period, period_label, status_label
from ...store import views
from .. import auth
from ..api import pledges as api
from ..deps import ConnDep, IdPath, MunicipalityParam, default_municipality
from ..render import respond
from ..serialize import jsonable

router = APIRouter(include_in_schema=False)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _municipality(request: Request, conn, municipality: str | None) -> str:
    m = municipality or default_municipality(request, conn)
    request.state.municipality = m
    return m


def _by_field(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    out: dict[str, list] = {}
    for r in rows:
        out.setdefault(r["field"], []).append(api.public_pledge(r))
    return list(out.items())


def _base_ctx(**kw: Any) -> dict[str, Any]:
    return {"section": "pledges", "STATUSES": STATUSES, "TYPES": TYPES, "status_label": status_label,
            "period_label": period_label, **kw}


@router.get("/pledges")
@router.get("/pledges.json")
def pledges_page(request: Request, conn: ConnDep, municipality: MunicipalityParam = None):
    m = _municipality(request, conn, municipality)
    summary = views.pledge_summary(conn, municipality=m)
    rows = views.pledge_all(conn, municipality=m)
    groups = _by_field(rows)
    actor = auth.authenticated(request)
    can_add = actor is not None and operations.allowed(actor.actor, "pledge.add")
    data = {"municipality": m, "summary": jsonable(summary),
            "fields": [{"field": f, "pledges": ps} for f, ps in groups]}
    ctx = _base_ctx(title="공약 이행 현황", summary=summary, groups=groups, can_add=can_add,
                    json_href="/pledges.json?municipality=" + quote(m),
                    breadcrumbs=[("/dashboard", "대시보드"), (None, "공약")])
    return respond(request, "pledges.html", ctx, data)


@router.get("/pledges.xlsx")
def pledges_xlsx(request: Request, conn: ConnDep, municipality: MunicipalityParam = None):
    from ...reports.pledges import pledges_workbook

    m = _municipality(request, conn, municipality)
    rows = [api.public_pledge(r) for r in views.pledge_all(conn, municipality=m)]
    body = pledges_workbook(m, rows, views.pledge_summary(conn, municipality=m))
    name = quote(f"{m}_공약.xlsx")
    return Response(body, media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=\"pledges.xlsx\"; filename*=UTF-8''{name}"})


# --- forms -----------------------------------------------------------------------------------

FORM_FIELDS = ("municipality", "number", "title", "field", "type", "lead_department", "target_year", "status",
               "cooperating_departments", "programs", "indicators", "summary", "note")


def _form_values(form) -> dict[str, Any]:
    """The pledge form's fields as the operation takes them (blank → None; numbers parsed,
    else left as text for the operation to refuse with 422)."""
    out: dict[str, Any] = {}
    for k in FORM_FIELDS:
        v = form.get(k)
        if not isinstance(v, str):
            continue
        v = v.strip()
        if k in ("number", "target_year"):
            out[k] = int(v) if v.isdigit() and len(v) <= 6 else (v or None)
        elif k in ("type", "summary", "note"):
            out[k] = v or None
        else:
            out[k] = v
    return out


def _csrf(request: Request) -> str | None:
    found = auth.authenticated(request)
    return found.csrf_token if found else None


async def _read(request: Request, fn, *args, **kwargs):
    """A read on a connection of its own (for a POST route, which holds none), within the
    app's connection slots."""
    state = request.app.state

    def run():
        with state.engine.connect() as conn:
            return fn(conn, *args, **kwargs)

    async with state.connection_slots.held():
        return await run_in_threadpool(run)


def _form_page(request: Request, *, pledge: dict[str, Any] | None, values: dict[str, Any], error: str | None = None,
               status: int = 200):
    title = "공약 수정" if pledge else "공약 등록"
    crumbs = [("/dashboard", "대시보드"), ("/pledges", "공약")]
    if pledge:
        crumbs.append((f"/pledges/{pledge['id']}", f"{pledge['number']}. {pledge['title']}"))
    ctx = _base_ctx(title=title, pledge=pledge, values=values, error=error, csrf_token=_csrf(request),
                    breadcrumbs=crumbs + [(None, title)], json_href="/openapi.json")
    request.state.municipality = values.get("municipality") or request.app.state.settings.municipality
    response = respond(request, "pledge_form.html", ctx, None)
    response.status_code = status
    return response


@router.get("/pledges/new")
async def new_pledge_form(request: Request, actor: auth.ActorDep, municipality: MunicipalityParam = None):
    if not operations.allowed(actor, "pledge.add"):
        raise HTTPException(403, str(operations.Refused(actor, "pledge.add")))
    m = municipality or await _read(request, lambda conn: default_municipality(request, conn))
    return _form_page(request, pledge=None, values={"municipality": m, "status": "on_track"})


@router.post("/pledges/new")
async def new_pledge_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    values = _form_values(form)
    m = values.pop("municipality", "") or ""
    try:
        row = await api.call(request, operations.add_pledge, actor, municipality=m, **values)
    except HTTPException as e:
        if e.status_code == 403:
            raise
        return _form_page(request, pledge=None, values={"municipality": m, **values}, error=str(e.detail),
                          status=e.status_code)
    return RedirectResponse(f"/pledges/{row['id']}", status_code=303)


@router.get("/pledges/{pledge_id}")
def pledge_page(pledge_id: IdPath, request: Request, conn: ConnDep,
                edit: Annotated[str | None, Query(pattern="^1?$")] = None):
    return _record(request, conn, pledge_id, edit=bool(edit))


def _record(request: Request, conn, pledge_id: int, *, edit: bool = False, error: str | None = None,
            status: int = 200, report_values: dict[str, Any] | None = None):
    found = auth.authenticated(request)
    actor = found.actor if found else None
    row = views.pledge(conn, pledge_id)
    if row is None:
        raise HTTPException(404, f"공약을 찾지 못했습니다 / no such pledge: {pledge_id}")
    request.state.municipality = row["municipality"]
    data = api.detail(conn, pledge_id, internal=actor is not None)
    can_update = actor is not None and operations.allowed(actor, "pledge.update")
    can_report = actor is not None and operations.allowed(actor, "pledge.report", row["lead_department"])
    can_assess = actor is not None and operations.allowed(actor, "pledge.assess")
    if edit and not can_update:
        if actor is None:
            raise auth.LoginRequired()
        raise HTTPException(403, str(operations.Refused(actor, "pledge.update")))
    if edit:
        values = {k: row.get(k) for k in FORM_FIELDS}
        for k in ("cooperating_departments", "programs", "indicators"):
            values[k] = ", ".join(values.get(k) or [])
        return _form_page(request, pledge=row, values=values)
    last = data["reports"][-1]["period"] if data["reports"] else None
    ctx = _base_ctx(title=f"{row['number']}. {row['title']}", p=data, internal=actor is not None,
                    can_update=can_update, can_report=can_report, can_assess=can_assess, csrf_token=_csrf(request), error=error,
                    report_values=report_values or {"period": _next_period(last), "status": row["status"]},
                    json_href=f"/api/v1/pledges/{pledge_id}",
                    breadcrumbs=[("/dashboard", "대시보드"), ("/pledges?municipality=" + quote(row["municipality"]), "공약"),
                                 (None, f"{row['number']}. {row['title']}")])
    response = respond(request, "pledge.html", ctx, data)
    response.status_code = status
    return response


def _next_period(last: str | None) -> str:
    import datetime as dt

    p = parse_period(last)
    if p is None:
        today = dt.date.today()
        return f"{today.year}-H{1 if today.month <= 6 else 2}"
    year, half = p
    return f"{year}-H2" if half == 1 else f"{year + 1}-H1"


@router.post("/pledges/{pledge_id}")
async def pledge_update_submit(pledge_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    values = _form_values(form)
    values.pop("municipality", None)
    for k in ("cooperating_departments", "programs", "indicators"):
        values[k] = [v for v in (values.get(k) or "").split(",")]
    version = form.get("version")
    if not isinstance(version, str) or not version.isdigit() or len(version) > 9:
        raise HTTPException(422, "version이 필요합니다 / version required")
    try:
        await api.call(request, operations.update_pledge, actor, pledge_id=pledge_id, version=int(version), **values)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        pledge = await _read(request, views.pledge, pledge_id)
        if pledge is None:
            raise HTTPException(404, f"공약을 찾지 못했습니다 / no such pledge: {pledge_id}") from None
        shown = {**values, "municipality": pledge["municipality"]}
        for k in ("cooperating_departments", "programs", "indicators"):
            shown[k] = ", ".join(x.strip() for x in values[k] if x.strip())
        msg = str(e.detail)
        if e.status_code == 409:
            msg += " — 아래는 입력하신 값입니다. 새로 고쳐진 내용을 확인한 뒤 다시 저장하십시오."
        return _form_page(request, pledge={**pledge, "version": int(version)} if e.status_code != 409 else pledge,
                          values=shown, error=msg, status=e.status_code)
    return RedirectResponse(f"/pledges/{pledge_id}", status_code=303)


@router.post("/pledges/{pledge_id}/reports")
async def pledge_report_submit(pledge_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    values = {k: (form.get(k) if isinstance(form.get(k), str) else "") for k in ("period", "status", "text", "evidence")}
    values = {k: v.strip() for k, v in values.items()}
    version = form.get("version")
    ver = int(version) if isinstance(version, str) and version.isdigit() and len(version) <= 9 else None
    try:
        await api.call(request, operations.report_pledge, actor, pledge_id=pledge_id, period=values["period"],
                       status=values["status"], text=values["text"], evidence=values["evidence"] or None, version=ver)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        msg = str(e.detail)
        if e.status_code == 409:
            msg = ("이 반기의 보고가 이미 있습니다. 아래 목록의 보고를 확인하고, 고치려면 그 보고의 '고치기'를 "
                   "누르십시오 / a report of this half-year exists: " + msg)

        def again(conn):
            return _record(request, conn, pledge_id, error=msg, status=e.status_code, report_values=values)

        return await _read(request, again)
    return RedirectResponse(f"/pledges/{pledge_id}#reports", status_code=303)


async def _submit(request: Request, back: int, fn, anchor: str, **kwargs):
    """An operation from a form of the record page: back to the page (303), or the page with
    the error (403/404 as error pages)."""
    try:
        await api.call(request, fn, **kwargs)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise

        def again(conn):
            return _record(request, conn, back, error=str(e.detail), status=e.status_code)

        return await _read(request, again)
    return RedirectResponse(f"/pledges/{back}#{anchor}", status_code=303)


def _field(form, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


@router.post("/pledges/{pledge_id}/milestones")
async def pledge_milestone_submit(pledge_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _submit(request, pledge_id, operations.add_milestone, "milestones", actor=actor,
                         pledge_id=pledge_id, title=_field(form, "title"), due=_field(form, "due") or None,
                         done=_field(form, "done") == "1")


@router.post("/pledges/{pledge_id}/assessments")
async def pledge_assessment_submit(pledge_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _submit(request, pledge_id, operations.assess_pledge, "assessments", actor=actor,
                         pledge_id=pledge_id, panel=_field(form, "panel"), assessed_on=_field(form, "assessed_on"),
                         grade=_field(form, "grade") or None, opinion=_field(form, "opinion") or None,
                         published=_field(form, "published") == "1")


@router.post("/pledges/{pledge_id}/assessments/{assessment_id}")
async def pledge_publish_submit(pledge_id: IdPath, assessment_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    version = _field(form, "version")
    if not version.isdigit() or len(version) > 9:
        raise HTTPException(422, "version이 필요합니다 / version required")
    return await _submit(request, pledge_id, operations.publish_assessment, "assessments", actor=actor,
                         assessment_id=assessment_id, version=int(version), published=_field(form, "published") == "1")
