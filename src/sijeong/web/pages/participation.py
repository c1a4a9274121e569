"""주민참여예산: the public page (``/participation``: the call's 기준액 and schedule, the table
of the three kinds with 건수 and 반영액 in 천원 as 000 prints it, the proposals and ballots), a
proposal's page (its stages with each decision and reason, 현장실사 notes, and 제안 → 선정 →
예산 반영 → 집행(결산) with the budget line's figures read from the stored settlement), the
resident's registration with a one-time code, the proposal form and the ballot, the staff's
forms, and the open data (``/participation/proposals.csv`` / ``.json``).

Plain HTML POST forms, no script (the CSP). Residents sign in with the ``sijeong_resident``
cookie (``web/residents.py``), never as staff; the staff's forms need a staff session.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool


from ... import operations, participation
from ...model.participation import DECIDED_STAGES, DECISIONS, KINDS, STAGES
from ...store import views
from .. import auth, residents
from ..api import participation as api
from ..api.pledges import call
from ..deps import ConnDep, IdPath, MunicipalityParam, default_municipality
from ..render import respond

router = APIRouter(include_in_schema=False)

YearQ = Annotated[int | None, Query(ge=2000, le=2100)]


def _staff(request: Request) -> operations.Actor | None:
    found = auth.authenticated(request)
    return found.actor if found else None


def _can(request: Request, operation: str) -> bool:
    actor = _staff(request)
    return actor is not None and operations.allowed(actor, operation)


def _ctx(request: Request, conn, **kw: Any) -> dict[str, Any]:
    me = residents.resident_on(request, conn)
    found = auth.authenticated(request)
    return {"section": "participation", "KINDS": KINDS, "STAGES": STAGES, "DECISIONS": DECISIONS,
            "DECIDED_STAGES": DECIDED_STAGES, "resident": me, "staff_csrf": found.csrf_token if found else None,
            "can_call": _can(request, "pb.call"), "can_review": _can(request, "pb.review"),
            "can_ballot": _can(request, "pb.ballot"), "can_committee": _can(request, "pb.committee"),
            "can_budget": _can(request, "pb.budget"), **kw}


async def _read(request: Request, fn, *args, **kwargs):
    state = request.app.state

    def run():
        with state.engine.connect() as conn:
            return fn(conn, *args, **kwargs)

    async with state.connection_slots.held():
        return await run_in_threadpool(run)


def _field(form, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


def _int(value: str) -> int | str | None:
    v = value.replace(",", "").strip()
    if not v:
        return None
    return int(v) if v.isdigit() and len(v) <= 15 else value


# --- the public page ---------------------------------------------------------------------------


@router.get("/participation")
@router.get("/participation.json")
def participation_page(request: Request, conn: ConnDep, municipality: MunicipalityParam = None, year: YearQ = None):
    m = municipality or default_municipality(request, conn)
    request.state.municipality = m
    calls = views.pb_calls(conn, m)
    c = next((x for x in calls if x["year"] == year), None) if year else (calls[0] if calls else None)
    if year and c is None:
        raise HTTPException(404, f"{m} {year}년 주민참여예산 공모가 없습니다 / no call of that year")
    data: dict[str, Any] = {"municipality": m, "calls": [api.public_call(x) for x in calls], "call": None}
    summary = proposals = ballots = None
    if c is not None:
        summary = api.summary_of(conn, c)
        proposals = [api.public_proposal(p) for p in views.pb_proposals(conn, c["id"])]
        ballots = [api.ballot_of(conn, b) for b in views.pb_ballots(conn, c["id"])]
        data.update(call=api.public_call(c), summary=summary, proposals=proposals, ballots=ballots)
    ctx = _ctx(request, conn, title="주민참여예산", call=data["call"], calls=data["calls"], summary=summary,
               proposals=proposals or [], ballots=ballots or [],
               json_href="/participation.json?" + f"municipality={quote(m)}" + (f"&year={c['year']}" if c else ""),
               breadcrumbs=[("/dashboard", "대시보드"), (None, "주민참여예산")])
    return residents.no_store(respond(request, "participation.html", ctx, data), request)


@router.get("/participation/proposals.csv")
@router.get("/participation/proposals.json")
def proposals_open_data(request: Request, conn: ConnDep, municipality: MunicipalityParam = None, year: YearQ = None):
    """Every proposal of the municipality (or of one call year) with its result: kind, 읍면동,
    requested and approved amounts (won), the stage reached, the status, the budget line."""
    m = municipality or default_municipality(request, conn)
    rows = []
    for c in views.pb_calls(conn, m):
        if year and c["year"] != year:
            continue
        for p in views.pb_proposals(conn, c["id"]):
            pp = api.public_proposal(p)
            decisions = views.pb_decisions(conn, p["id"])
            last = decisions[-1] if decisions else None
            rows.append({"municipality": m, "call_year": c["year"], "number": pp["number"], "title": pp["title"],
                         "kind": pp["kind_label"], "dong": pp["dong"], "requested_amount": pp["requested_amount"],
                         "stage": pp["stage_label"], "status": pp["status_label"],
                         "last_decision": f"{STAGES[last['stage']]}: {DECISIONS[last['decision']]}" if last else None,
                         "last_reason": last["reason"] if last else None,
                         "approved_amount": pp["approved_amount"], "budget_year": pp["budget_year"],
                         "budget_department": pp["budget_department"], "budget_program": pp["budget_program"]})
    if request.url.path.endswith(".json"):
        return {"municipality": m, "items": rows, "total": len(rows)}
    labels = {"municipality": "지방자치단체", "call_year": "공모 연도", "number": "번호", "title": "사업명", "kind": "구분",
              "dong": "읍면동", "requested_amount": "요청액(원)", "stage": "단계", "status": "결과",
              "last_decision": "마지막 결정", "last_reason": "사유", "approved_amount": "반영액(원)",
              "budget_year": "예산 연도", "budget_department": "예산 부서", "budget_program": "예산 사업명"}
    english = request.query_params.get("header") == "en"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(labels))
    if english:
        w.writeheader()
    else:
        w.writerow(labels)
    for r in rows:
        w.writerow(r)
    name = quote(f"{m}_주민참여예산.csv")
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=\"participation.csv\"; filename*=UTF-8''{name}"})


@router.get("/participation/proposals/{proposal_id}")
def proposal_page(proposal_id: IdPath, request: Request, conn: ConnDep):
    return _proposal(request, conn, proposal_id)


def _proposal(request: Request, conn, proposal_id: int, *, error: str | None = None, status: int = 200):
    me = residents.resident_on(request, conn)
    data = api.detail(conn, proposal_id, internal=_staff(request) is not None,
                      resident_id=me.resident_id if me else None)
    if data is None:
        raise HTTPException(404, f"제안을 찾지 못했습니다 / no such proposal: {proposal_id}")
    request.state.municipality = data["municipality"]
    title = f"제안 {data['number']}. {data['title']}"
    ctx = _ctx(request, conn, title=title, p=data, error=error,
               json_href=f"/api/v1/participation/proposals/{proposal_id}",
               breadcrumbs=[("/dashboard", "대시보드"),
                            (f"/participation?municipality={quote(data['municipality'])}&year={data['year']}",
                             "주민참여예산"), (None, title)])
    response = respond(request, "participation_proposal.html", ctx, data)
    response.status_code = status
    return residents.no_store(response, request)


# --- residents: registration, code, sign-out ------------------------------------------------------


def _register_page(request: Request, *, municipality: str, values: dict[str, Any], step: str = "register",
                   message: str | None = None, shown: str | None = None, error: str | None = None, status: int = 200):
    token = residents.form_token(request)
    ctx = {"section": "participation", "title": "주민 등록·확인", "values": values, "step": step, "message": message,
           "shown": shown, "error": error, "form_token": token, "municipality": municipality,
           "breadcrumbs": [("/dashboard", "대시보드"), ("/participation", "주민참여예산"), (None, "주민 등록·확인")],
           "json_href": "/openapi.json"}
    request.state.municipality = municipality
    response = respond(request, "participation_register.html", ctx, None)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    residents.set_form_cookie(response, request, token)
    return response


@router.get("/participation/register")
def register_page(request: Request, conn: ConnDep, municipality: MunicipalityParam = None,
                  next: Annotated[str, Query(max_length=300)] = "/participation"):  # noqa: A002
    m = municipality or default_municipality(request, conn)
    return _register_page(request, municipality=m, values={"next": _safe_next(next)})


def _safe_next(value: str | None) -> str:
    v = value or "/participation"
    return v if v.startswith("/participation") and "//" not in v and "\\" not in v else "/participation"


@router.post("/participation/register", dependencies=[residents.FormToken])
async def register_submit(request: Request):
    form = await request.form()
    values = {k: _field(form, k) for k in ("municipality", "name", "contact", "dong", "next")}
    values["next"] = _safe_next(values["next"])
    m = values["municipality"] or request.app.state.settings.municipality
    try:
        d = await call(request, participation.request_code, municipality=m, name=values["name"],
                       contact=values["contact"], dong=values["dong"] or None)
    except HTTPException as e:
        return _register_page(request, municipality=m, values=values, error=str(e.detail), status=e.status_code)
    return _register_page(request, municipality=m, values=values, step="verify", message=d.message, shown=d.shown)


@router.post("/participation/verify", dependencies=[residents.FormToken])
async def verify_submit(request: Request):
    form = await request.form()
    values = {k: _field(form, k) for k in ("municipality", "contact", "code", "next", "name", "dong")}
    values["next"] = _safe_next(values["next"])
    m = values["municipality"] or request.app.state.settings.municipality
    try:
        s = await call(request, participation.verify_code, municipality=m, contact=values["contact"],
                       code=values["code"])
    except HTTPException as e:
        return _register_page(request, municipality=m, values=values, step="verify", error=str(e.detail),
                              status=e.status_code)
    response = RedirectResponse(values["next"], status_code=303)
    residents.set_resident_cookie(response, request, s)
    response.delete_cookie(residents.FORM_COOKIE, path=residents.FORM_PATH, httponly=True, samesite="strict",
                           secure=auth.secure_cookies(request))
    return response


@router.post("/participation/signout")
async def signout(request: Request, me: residents.ResidentDep):
    if me is not None:
        await call(request, participation.sign_out, me)
    response = RedirectResponse("/participation", status_code=303)
    residents.clear_resident_cookie(response, request)
    return response


# --- the resident's proposal form and ballot -------------------------------------------------------


@router.get("/participation/propose")
def propose_page(request: Request, conn: ConnDep, municipality: MunicipalityParam = None):
    me = residents.resident_on(request, conn)
    if me is None:
        return RedirectResponse("/participation/register?next=/participation/propose", status_code=303)
    return _propose_page(request, conn, me, values={"municipality": municipality or me.municipality})


def _propose_page(request: Request, conn, me, *, values: dict[str, Any], error: str | None = None, status: int = 200):
    calls = views.pb_calls(conn, me.municipality, limit=1)
    request.state.municipality = me.municipality
    ctx = _ctx(request, conn, title="주민 제안하기", call=api.public_call(calls[0]) if calls else None,
               values=values, error=error, csrf_token=me.csrf_token,
               breadcrumbs=[("/dashboard", "대시보드"), ("/participation", "주민참여예산"), (None, "주민 제안하기")],
               json_href="/openapi.json")
    response = respond(request, "participation_propose.html", ctx, None)
    response.status_code = status
    return residents.no_store(response, request)


@router.post("/participation/propose")
async def propose_submit(request: Request, me: residents.ResidentDep):
    if me is None:
        return RedirectResponse("/participation/register?next=/participation/propose", status_code=303)
    form = await request.form()
    values = {k: _field(form, k) for k in ("call_id", "title", "description", "kind", "dong", "requested_amount")}
    try:
        call_id = _int(values["call_id"])
        if not isinstance(call_id, int):
            raise HTTPException(422, "공모가 없습니다 / no call")
        row = await call(request, participation.propose, me.actor(), call_id=call_id, title=values["title"],
                         description=values["description"], kind=values["kind"], dong=values["dong"] or None,
                         requested_amount=_int(values["requested_amount"]), resident_id=me.resident_id)
    except HTTPException as e:
        if e.status_code == 403:
            raise
        return await _read(request, lambda conn: _propose_page(request, conn, me, values=values, error=str(e.detail),
                                                               status=e.status_code))
    return RedirectResponse(f"/participation/proposals/{row['id']}", status_code=303)


@router.get("/participation/ballots/{ballot_id}")
def ballot_page(ballot_id: IdPath, request: Request, conn: ConnDep):
    return _ballot(request, conn, ballot_id)


def _ballot(request: Request, conn, ballot_id: int, *, error: str | None = None, status: int = 200,
            done: bool = False):
    b = views.pb_ballot(conn, ballot_id)
    if b is None:
        raise HTTPException(404, f"투표를 찾지 못했습니다 / no such ballot: {ballot_id}")
    request.state.municipality = b["municipality"]
    me = residents.resident_on(request, conn)
    mine = [v["proposal_id"] for v in views.pb_votes_of(conn, ballot_id, me.resident_id)] if me else []
    data = api.ballot_of(conn, b)
    ctx = _ctx(request, conn, title=b["title"], b=data, mine=mine, error=error, done=done,
               csrf_token=me.csrf_token if me else None,
               json_href=f"/api/v1/participation/ballots/{ballot_id}",
               breadcrumbs=[("/dashboard", "대시보드"), (f"/participation?year={b['year']}", "주민참여예산"),
                            (None, b["title"])])
    response = respond(request, "participation_ballot.html", ctx, data)
    response.status_code = status
    return residents.no_store(response, request)


@router.post("/participation/ballots/{ballot_id}")
async def ballot_submit(ballot_id: IdPath, request: Request, me: residents.ResidentDep):
    if me is None:
        return RedirectResponse(f"/participation/register?next=/participation/ballots/{ballot_id}", status_code=303)
    form = await request.form()
    picked = [int(v) for v in form.getlist("proposal_id") if isinstance(v, str) and v.isdigit() and len(v) <= 15]
    try:
        await call(request, participation.vote, me.actor(), ballot_id=ballot_id, proposal_ids=picked)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        return await _read(request, lambda conn: _ballot(request, conn, ballot_id, error=str(e.detail),
                                                         status=e.status_code))
    return RedirectResponse(f"/participation/ballots/{ballot_id}?voted=1#result", status_code=303)


# --- the staff's forms ------------------------------------------------------------------------------


async def _staff_submit(request: Request, actor: operations.Actor, back: str, fn, **kwargs):
    """A staff form: the operation, then back (303); a refused value shows the proposal's
    page with the message (or the error page)."""
    proposal_id = kwargs.get("proposal_id") if fn is not participation.enter_offline else None
    try:
        await call(request, fn, actor, **kwargs)
    except HTTPException as e:
        if e.status_code in (403, 404) or proposal_id is None:
            raise
        return await _read(request, lambda conn: _proposal(request, conn, proposal_id, error=str(e.detail),
                                                           status=e.status_code))
    return RedirectResponse(back, status_code=303)


@router.post("/participation/calls")
async def call_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    schedule = []
    for stage in STAGES:
        starts, ends = _field(form, f"{stage}_starts"), _field(form, f"{stage}_ends")
        if starts or ends:
            schedule.append({"stage": stage, "starts_on": starts or None, "ends_on": ends or None})
    year = _int(_field(form, "year"))
    return await _staff_submit(request, actor, f"/participation?year={year}", participation.open_call,
                               municipality=_field(form, "municipality"), year=year, title=_field(form, "title"),
                               envelope=_int(_field(form, "envelope")), schedule=schedule)


@router.post("/participation/proposals/{proposal_id}/decisions")
async def decision_submit(proposal_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    amount = _int(_field(form, "approved_amount"))
    return await _staff_submit(request, actor, f"/participation/proposals/{proposal_id}#stages", participation.decide,
                               proposal_id=proposal_id, stage=_field(form, "stage"), decision=_field(form, "decision"),
                               reason=_field(form, "reason"), approved_amount=amount)


@router.post("/participation/proposals/{proposal_id}/site-notes")
async def site_note_submit(proposal_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _staff_submit(request, actor, f"/participation/proposals/{proposal_id}#site", participation.add_site_note,
                               proposal_id=proposal_id, visited_on=_field(form, "visited_on"),
                               note=_field(form, "note"))


@router.post("/participation/proposals/{proposal_id}/budget")
async def budget_submit(proposal_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _staff_submit(request, actor, f"/participation/proposals/{proposal_id}#path", participation.link_budget,
                               proposal_id=proposal_id, year=_int(_field(form, "year")),
                               program=_field(form, "program"), department=_field(form, "department") or None,
                               code=_field(form, "code") or None)


@router.post("/participation/ballots")
async def ballot_open_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    call_id = _int(_field(form, "call_id"))
    if not isinstance(call_id, int):
        raise HTTPException(422, "공모가 없습니다 / no call")
    return await _staff_submit(request, actor, "/participation#ballots", participation.open_ballot, call_id=call_id,
                               title=_field(form, "title"), choices=_int(_field(form, "choices")) or 1)


@router.post("/participation/ballots/{ballot_id}/offline")
async def offline_submit(ballot_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    pid = _int(_field(form, "proposal_id"))
    if not isinstance(pid, int):
        raise HTTPException(422, "제안을 고르십시오 / choose a proposal")
    version = _int(_field(form, "version"))
    return await _staff_submit(request, actor, f"/participation/ballots/{ballot_id}#result", participation.enter_offline,
                               ballot_id=ballot_id, proposal_id=pid, place=_field(form, "place"),
                               votes=_int(_field(form, "votes")), version=version if isinstance(version, int) else None)


@router.post("/participation/ballots/{ballot_id}/close")
async def ballot_close_submit(ballot_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    version = _int(_field(form, "version"))
    if not isinstance(version, int):
        raise HTTPException(422, "version이 필요합니다 / version required")
    return await _staff_submit(request, actor, f"/participation/ballots/{ballot_id}", participation.close_ballot,
                               ballot_id=ballot_id, version=version)
