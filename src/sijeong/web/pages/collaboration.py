"""협업 pages (signed-in only): ``/collaboration`` — the sender's month balance and the
thank-you form, special points for the performance team, 이달의 협업왕, the feed and the
department totals of the year; ``/collaboration/tasks`` — 협업과제 with their 관리카드 checks
and the forms. Plain HTML POST forms with ``csrf_token``; no script (the CSP)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from ... import collaboration as ops
from ... import operations
from ...model.collaboration import CHECK_STATUSES, KINDS, month_label
from ...model.pledges import period_label
from ...store import views
from .. import auth
from ..api.collaboration import MonthQ, point_rules, this_month
from ..api.pledges import call
from ..deps import ConnDep, IdPath
from ..render import respond
from .pledges import _csrf, _field, _read

router = APIRouter(include_in_schema=False)
CRUMBS = [("/dashboard", "대시보드"), ("/collaboration", "협업")]


def _totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The year's department rows (one per month) summed per department, most received first."""
    out: dict[Any, dict[str, Any]] = {}
    for r in rows:
        d = out.setdefault(r["department"], {"department": r["department"], "received": 0, "special": 0, "sent": 0,
                                             "received_messages": 0, "sent_messages": 0, "months": {}})
        for k in ("received", "special", "sent", "received_messages", "sent_messages"):
            d[k] += r[k]
        d["months"][r["month"]] = r["received"]
    return sorted(out.values(), key=lambda d: (-d["received"], d["department"] or ""))


def _page(request: Request, conn, actor: operations.Actor, *, month: str | None = None, error: str | None = None,
          sent: bool = False, status: int = 200, values: dict[str, str] | None = None):
    m = request.app.state.settings.municipality
    request.state.municipality = m
    rules = point_rules(request)
    month = month or this_month()
    me = views.colleagues(conn)
    mine = next((a for a in me if a["id"] == actor.account_id), None)
    recipients = [a for a in me if a["id"] != actor.account_id
                  and (rules.own_department or not mine or not mine["department"]
                       or a["department"] != mine["department"])]
    balance = ops.balance(conn, rules, actor.account_id, month) if actor.account_id else None
    feed, total = views.point_feed(conn, municipality=m, month=month, limit=30)
    year = int(month[:4])
    ctx = {"section": "collaboration", "title": "협업포인트", "month": month, "month_label": month_label(month),
           "rules": rules, "balance": balance, "recipients": recipients, "feed": feed, "feed_total": total,
           "top": views.top_receivers(conn, municipality=m, month=month, top=rules.top),
           "departments": _totals(views.department_points(conn, municipality=m, year=year)), "year": year,
           "KINDS": KINDS, "can_special": operations.allowed(actor, "collab.special"), "error": error, "sent": sent,
           "values": values or {}, "csrf_token": _csrf(request), "json_href": "/api/v1/collaboration/feed",
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "협업")]}
    response = respond(request, "collaboration.html", ctx, None)
    response.status_code = status
    return response


@router.get("/collaboration")
def collaboration_page(request: Request, conn: ConnDep, actor: auth.ActorDep, month: MonthQ = None,
                       sent: Annotated[str | None, Query(pattern="^1?$")] = None):
    return _page(request, conn, actor, month=month or None, sent=bool(sent))


async def _post(request: Request, actor, fn, **kwargs):
    try:
        await call(request, fn, actor, point_rules(request), municipality=request.app.state.settings.municipality,
                   **kwargs)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        values = {k: str(v) for k, v in kwargs.items()}
        return await _read(request, lambda conn: _page(request, conn, actor, error=str(e.detail),
                                                       status=e.status_code, values=values))
    return RedirectResponse("/collaboration?sent=1#feed", status_code=303)


@router.post("/collaboration/thanks")
async def thanks_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _post(request, actor, ops.send_thanks, recipient=_field(form, "recipient"),
                       message=_field(form, "message"))


@router.post("/collaboration/special")
async def special_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _post(request, actor, ops.grant_special, recipient=_field(form, "recipient"),
                       points=_field(form, "points"), message=_field(form, "message"))


def _tasks(request: Request, conn, actor: operations.Actor, *, error: str | None = None, status: int = 200):
    m = request.app.state.settings.municipality
    request.state.municipality = m
    tasks = views.collab_tasks(conn, municipality=m)
    for t in tasks:
        t["can_check"] = operations.allowed(actor, "collab.check", t["lead_department"])
    today = dt.date.today()
    ctx = {"section": "collaboration", "title": "협업과제", "tasks": tasks, "CHECK_STATUSES": CHECK_STATUSES,
           "period_label": period_label, "can_add": operations.allowed(actor, "collab.task"), "error": error,
           "this_half": f"{today.year}-H{1 if today.month <= 6 else 2}", "this_year": today.year,
           "csrf_token": _csrf(request), "json_href": "/api/v1/collaboration/tasks",
           "breadcrumbs": CRUMBS + [(None, "협업과제")]}
    response = respond(request, "collaboration_tasks.html", ctx, None)
    response.status_code = status
    return response


@router.get("/collaboration/tasks")
def tasks_page(request: Request, conn: ConnDep, actor: auth.ActorDep):
    return _tasks(request, conn, actor)


async def _task_post(request: Request, actor, fn, anchor: str, **kwargs):
    try:
        await call(request, fn, actor, **kwargs)
    except HTTPException as e:
        if e.status_code in (403, 404):
            raise
        return await _read(request, lambda conn: _tasks(request, conn, actor, error=str(e.detail),
                                                        status=e.status_code))
    return RedirectResponse(f"/collaboration/tasks#{anchor}", status_code=303)


@router.post("/collaboration/tasks")
async def task_submit(request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _task_post(request, actor, ops.add_task, "tasks", municipality=request.app.state.settings.municipality,
                            year=_field(form, "year"), title=_field(form, "title"),
                            lead_department=_field(form, "lead_department"), manager=_field(form, "manager"),
                            cooperating_departments=_field(form, "cooperating_departments"),
                            summary=_field(form, "summary") or None)


@router.post("/collaboration/tasks/{collab_task_id}/checks")
async def check_submit(collab_task_id: IdPath, request: Request, actor: auth.ActorDep):
    form = await request.form()
    return await _task_post(request, actor, ops.check_task, f"task-{collab_task_id}", task_id=collab_task_id,
                            period=_field(form, "period"), status=_field(form, "status"),
                            progress=_field(form, "progress"))
