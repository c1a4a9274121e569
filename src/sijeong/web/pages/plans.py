"""업무계획: plan tasks with Korean full-text search (the store's index) and filters (a plain
GET form), each with its schedule and people; and one task in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from ...store import views
from ..badges import Badges, badge
from ..deps import ConnDep, IdPath, PagingDep, ScopeDep
from ..render import pager, respond
from ..serialize import envelope, jsonable, record

router = APIRouter(include_in_schema=False)
MAX_HITS = 1000


def find_tasks(conn, scope, q: str | None, limit: int, offset: int) -> tuple[list[dict], int, dict[int, str]]:
    """One page of plan tasks (matching ``q`` when given) and the total; snippets by id."""
    if q and q.strip():
        hits = views.search(conn, q, year=scope.year, department=scope.department, municipality=scope.municipality,
                      kinds=["plan_task"], limit=MAX_HITS)
        total = len(hits)
        page_hits = hits[offset: offset + limit]
        ids = [h["record_id"] for h in page_hits]
        snippets = {h["record_id"]: h.get("snippet") for h in page_hits}
        if not ids:
            return [], total, {}
        by_id = views.by_ids(conn, "plan_tasks", ids)
        return [by_id[i] for i in ids if i in by_id], total, snippets
    rows, total = views.records(conn, "plan_tasks", municipality=scope.municipality, year=scope.year,
                                department=scope.department, order=("-year", "department", "doc_order", "id"),
                                limit=limit, offset=offset)
    return rows, total, {}


@router.get("/plans")
@router.get("/plans.json")
def plan_list(request: Request, conn: ConnDep, scope: ScopeDep, paging: PagingDep,
              q: Annotated[str | None, Query(description="검색어 (공백으로 나눈 모든 낱말을 포함)", max_length=200)] = None):
    m = scope.municipality
    rows, total, snippets = find_tasks(conn, scope, q, paging.limit, paging.offset)
    ctx = {"title": f"업무계획 검색: {q}" if q else "업무계획", "section": "plans", "rows": rows, "snippets": snippets,
           "q": q or "", "pager": pager(total, paging.limit, paging.offset),
           "years": views.years(conn, m, ("plan_tasks",)), "departments": views.departments(conn, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "업무계획")]}
    return respond(request, "plans.html", ctx, lambda: jsonable(envelope([{**record(r), "snippet": snippets.get(r["id"])} for r in rows], total,
                                                                 paging.limit, paging.offset)))


@router.get("/plans/{task_id}")
@router.get("/plans/{task_id}.json")
def plan_page(task_id: IdPath, request: Request, conn: ConnDep):
    task = views.one(conn, "plan_tasks", task_id)
    if task is None:
        raise HTTPException(404, f"과제를 찾을 수 없습니다: {task_id}")
    errs = Badges.of(conn, [task])
    ctx = {"title": task.get("title") or task["name"], "section": "plans", "t": task, "errs": errs, "badge": badge,
           "breadcrumbs": [("/plans?year=%s" % task["year"], "업무계획"),
                           ("/plans?year=%s&department=%s" % (task["year"], task["department"]), task["department"] or "-"),
                           (None, task.get("title") or task["name"])]}
    return respond(request, "plan.html", ctx, jsonable(record(task)))


