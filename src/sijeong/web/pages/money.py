"""세출 사업 and 세입: every settlement column, execution rates, server-side sorting by a
column (links in the headers: ``?sort=spent&order=desc``), filters and paging."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request

from ...model.vocabulary import PROGRAM_COLUMNS, REVENUE_COLUMNS
from .. import queries
from ..deps import MAX_INT, ConnDep, ScopeDep, TablesDep
from ..render import pager, respond
from ..serialize import envelope, jsonable, record
from ..tables import col

router = APIRouter(include_in_schema=False)

RATE_OF = {"programs": ("spent", "current_budget"), "revenues": ("received", "assessed")}

SortQ = Annotated[str | None, Query(description="정렬할 열 (예: spent, rate, name)")]
OrderQ = Annotated[str, Query(pattern="^(asc|desc)$", description="asc | desc")]
LimitQ = Annotated[int, Query(ge=1, le=500)]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_INT)]


def _rate_expr(t: sa.Table, table: str):
    num, den = RATE_OF[table]
    return sa.cast(col(t, num), sa.Float) * 100.0 / sa.func.nullif(col(t, den), 0)


def _listing(table: str, columns, request: Request, conn, T, scope, sort, order, limit, offset, extra_where):
    m = scope.municipality
    t = T[table]
    rows, total = [], 0
    if t is not None:
        keys = {k for k, _ in columns} | {"name"}
        where = list(extra_where(t))
        if sort in keys:
            expr = _rate_expr(t, table) if sort == "rate" else col(t, sort)
            primary = expr.desc() if order == "desc" else expr.asc()
            order_by = [sa.case((expr.is_(None), 1), else_=0), primary, t.c.id]
        else:
            order_by = [t.c.year.desc(), t.c.department, col(t, "doc_order"), col(t, "position"), t.c.id]
        rows, total = queries.page(conn, T, table, municipality=m, year=scope.year, department=scope.department,
                                   where=where, order_by=order_by, limit=limit, offset=offset)
    num, den = RATE_OF[table]
    for r in rows:
        r["rate"] = (r[num] * 100.0 / r[den]) if r.get(num) is not None and r.get(den) else None
        r["rate_sources"] = {r["source_doc"]: {(r.get("figures") or {}).get(k, {}).get("line") or r["source_line"] for k in (num, den)}}
    items = [{**record(r), "rate": r["rate"]} for r in rows]
    for it in items:
        it.pop("rate_sources", None)
    return rows, total, items


@router.get("/programs")
@router.get("/programs.json")
def programs(request: Request, conn: ConnDep, T: TablesDep, scope: ScopeDep, sort: SortQ = None,
             order: OrderQ = "desc", level: Annotated[str | None, Query()] = None,
             limit: LimitQ = 200, offset: OffsetQ = 0):
    def where(t):
        return [col(t, "level") == level] if level else []

    rows, total, items = _listing("programs", PROGRAM_COLUMNS, request, conn, T, scope, sort, order, limit, offset, where)
    m = scope.municipality
    ctx = {"title": "세출 사업", "section": "programs", "rows": rows, "columns": PROGRAM_COLUMNS, "sort": sort,
           "order": order, "level": level, "pager": pager(total, limit, offset), "kind": "programs",
           "years": queries.years(conn, T, m, ("programs",)), "departments": queries.departments(conn, T, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "세출 사업")]}
    return respond(request, "money.html", ctx, jsonable(envelope(items, total, limit, offset)))


@router.get("/revenues")
@router.get("/revenues.json")
def revenues(request: Request, conn: ConnDep, T: TablesDep, scope: ScopeDep, sort: SortQ = None,
             order: OrderQ = "desc", limit: LimitQ = 200, offset: OffsetQ = 0):
    rows, total, items = _listing("revenues", REVENUE_COLUMNS, request, conn, T, scope, sort, order, limit, offset,
                                  lambda t: [])
    m = scope.municipality
    ctx = {"title": "세입", "section": "revenues", "rows": rows, "columns": REVENUE_COLUMNS, "sort": sort,
           "order": order, "level": None, "pager": pager(total, limit, offset), "kind": "revenues",
           "years": queries.years(conn, T, m, ("revenues",)), "departments": queries.departments(conn, T, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "세입")]}
    return respond(request, "money.html", ctx, jsonable(envelope(items, total, limit, offset)))
