"""제안제도 pages: the statistics table (public, as 000 prints it), the public calls (공모)
with the performance team's form, and for the signed-in the list of suggestions, the form
(a staff member's own; the performance team also enters a citizen's), a suggestion's page
with its steps, likely duplicates, the review forms and the audit trail.

Plain HTML POST forms with the session's ``csrf_token``; no script (the CSP)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from ... import operations
from ... import suggestions as ops
from ...model.suggestions import GRADES, OUTCOME_LABELS, SOURCES, STATUSES, STEPS
from ...store import views
from .. import auth
from ..api import suggestions as api
from ..api.pledges import call
from ..deps import ConnDep, IdPath
from ..render import respond
from ..serialize import jsonable
from .pledges import _csrf, _field, _read

router = APIRouter(include_in_schema=False)
CRUMBS = [("/dashboard", "대시보드"), ("/suggestions", "제안제도")]
YearQ = Annotated[int | None, Query(ge=2000, le=2100)]


def _ctx(**kw: Any) -> dict[str, Any]:
    return {"section": "suggestions", "STATUSES": STATUSES, "STEPS": STEPS, "SOURCES": SOURCES, "GRADES": GRADES,
            "OUTCOME_LABELS": OUTCOME_LABELS, **kw}


@router.get("/suggestions/statistics")
@router.get("/suggestions/statistics.json")
def statistics_page(request: Request, conn: ConnDep, year: YearQ = None):
    m = request.app.state.settings.municipality
    request.state.municipality = m
    stats = views.suggestion_statistics(conn, municipality=m, year=year)
    ctx = _ctx(title="제안제도 운영 현황", stats=stats, year=year,
               breadcrumbs=CRUMBS + [(None, "운영 현황")])
    return respond(request, "suggestion_statistics.html", ctx, jsonable(stats))


@router.get("/suggestions/calls")
def calls_page(request: Request, conn: ConnDep):
    return _calls(request, conn)


def _calls(request: Request, conn, *, error: str | None = None, status: int = 200,
           values: dict[str, str] | None = None):
    m = request.app.state.settings.municipality
    request.state.municipality = m
    found = auth.authenticated(request)
    can_open = found is not None and operations.allowed(found.actor, "suggestion.call")
    ctx = _ctx(title="제안 공모", calls=views.suggestion_calls(conn, municipality=m), today=ops.today(),
               can_open=can_open, csrf_token=_csrf(request), error=error, values=values or {},
               json_href="/api/v1/suggestions/calls", breadcrumbs=CRUMBS + [(None, "공모")])
    response = respond(request, "suggestion_calls.html", ctx, None)
    response.status_code = status
    return response


@router.post("/suggestions/calls")
async def calls_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    values = {k: _field(form, k) for k in ("title", "description", "opens_on", "closes_on")}
    try:
        await call(request, ops.open_call, actor, municipality=request.app.state.settings.municipality,
                   title=values["title"], description=values["description"] or None, opens_on=values["opens_on"],
                   closes_on=values["closes_on"])
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        return await _read(request, lambda conn: _calls(request, conn, error=str(e.detail), status=e.status_code,
                                                        values=values))
    return RedirectResponse("/suggestions/calls", status_code=303)


@router.get("/suggestions")
def list_page(request: Request, conn: ConnDep, actor: auth.ActorDep, year: YearQ = None,
              status: Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")?$")] = None,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0):
    m = request.app.state.settings.municipality
    request.state.municipality = m
    rows, total = views.suggestion_page(conn, municipality=m, year=year, status=status or None, limit=50,
                                        offset=offset)
    ctx = _ctx(title="제안 목록", rows=[api.shaped(r) for r in rows], total=total, offset=offset, year=year,
               status=status or "", years=views.suggestion_years(conn, municipality=m),
               json_href="/api/v1/suggestions", breadcrumbs=[("/dashboard", "대시보드"), (None, "제안제도")])
    return respond(request, "suggestions.html", ctx, None)


def _form(request: Request, conn, actor, *, values: dict[str, str], error: str | None = None, status: int = 200):
    m = request.app.state.settings.municipality
    request.state.municipality = m
    today = ops.today()
    open_calls = [c for c in views.suggestion_calls(conn, municipality=m) if c["opens_on"] <= today <= c["closes_on"]]
    ctx = _ctx(title="제안하기", values=values, error=error, calls=open_calls, csrf_token=_csrf(request),
               can_receive=operations.allowed(actor, "suggestion.receive"), json_href="/openapi.json",
               breadcrumbs=CRUMBS + [(None, "제안하기")])
    response = respond(request, "suggestion_form.html", ctx, None)
    response.status_code = status
    return response


@router.get("/suggestions/new")
def new_form(request: Request, conn: ConnDep, actor: auth.ActorDep,
             call_id: Annotated[int | None, Query(ge=1, le=2**31)] = None):
    return _form(request, conn, actor, values={"call_id": str(call_id or "")})


FORM = ("title", "body", "call_id", "department", "proposer_name", "proposer_contact", "source", "received_on")


@router.post("/suggestions/new")
async def new_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    values = {k: _field(form, k) for k in FORM}
    m = request.app.state.settings.municipality
    call_id = int(values["call_id"]) if values["call_id"].isdigit() and len(values["call_id"]) <= 9 else None
    common = dict(municipality=m, title=values["title"], body=values["body"], call_id=call_id,
                  department=values["department"] or None)
    try:
        if values["proposer_name"]:  # entered on someone's behalf (the performance team)
            result = await call(request, ops.receive, actor, proposer_name=values["proposer_name"],
                                proposer_contact=values["proposer_contact"] or None,
                                source=values["source"] or "citizen", received_on=values["received_on"] or None,
                                **common)
        else:
            result = await call(request, ops.submit, actor, **common)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        return await _read(request, lambda conn: _form(request, conn, actor, values=values, error=str(e.detail),
                                                       status=e.status_code))
    return RedirectResponse(f"/suggestions/{result['suggestion']['id']}?new=1", status_code=303)


def _page(request: Request, conn, actor, suggestion_id: int, *, new: bool = False, error: str | None = None,
          status: int = 200):
    data = api.detail(conn, suggestion_id)
    if data is None:
        raise HTTPException(404, f"제안을 찾지 못했습니다 / no such suggestion: {suggestion_id}")
    request.state.municipality = data["municipality"]
    can_review = operations.allowed(actor, "suggestion.review")
    next_step = {"received": "screen", "screened": "committee", "adopted": "implement"}.get(data["status"])
    ctx = _ctx(title=f"제안 {data['year']}-{data['number']}. {data['title']}", s=data, new=new, error=error,
               can_review=can_review, next_step=next_step, csrf_token=_csrf(request), today=ops.today().isoformat(),
               json_href=f"/api/v1/suggestions/{suggestion_id}",
               breadcrumbs=CRUMBS + [(None, f"{data['year']}-{data['number']}. {data['title']}")])
    response = respond(request, "suggestion.html", ctx, None)
    response.status_code = status
    return response


@router.get("/suggestions/{suggestion_id}")
def suggestion_page(suggestion_id: IdPath, request: Request, conn: ConnDep, actor: auth.ActorDep,
                    new: Annotated[str | None, Query(pattern="^1?$")] = None):
    return _page(request, conn, actor, suggestion_id, new=bool(new))


@router.post("/suggestions/{suggestion_id}/steps")
async def step_submit(suggestion_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    v = {k: _field(form, k) for k in ("step", "outcome", "version", "decided_on", "reason", "department", "grade",
                                      "award", "prize")}
    if not v["version"].isdigit() or len(v["version"]) > 9:
        raise HTTPException(422, "version이 필요합니다 / version required")
    try:
        await call(request, ops.review, actor, suggestion_id=suggestion_id, step=v["step"], outcome=v["outcome"],
                   version=int(v["version"]), decided_on=v["decided_on"] or None, reason=v["reason"] or None,
                   department=v["department"] or None, grade=v["grade"] or None, award=v["award"] or None,
                   prize=v["prize"] or None)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        return await _read(request, lambda conn: _page(request, conn, actor, suggestion_id, error=str(e.detail),
                                                       status=e.status_code))
    return RedirectResponse(f"/suggestions/{suggestion_id}#steps", status_code=303)
