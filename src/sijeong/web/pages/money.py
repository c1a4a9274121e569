"""세출 사업 and 세입: every settlement column, execution rates, server-side sorting by a
column (links in the headers: ``?sort=spent&order=desc``), filters and paging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ...store import views
from ..badges import Badges, badge
from ..deps import MAX_INT, ConnDep, ScopeDep
from ..render import pager, respond
from ..serialize import envelope, jsonable, record

router = APIRouter(include_in_schema=False)

PROGRAM_COLUMNS: list[tuple[str, str]] = [
    ("budget", "예산액"),
    ("carried_over", "전년도 이월액"),
    ("transfer_use", "이용"),
    ("transfer_divert", "전용"),
    ("revenue_substitute", "수입대체경비"),
    ("reserve_used", "예비비 사용액"),
    ("change", "변경"),
    ("current_budget", "예산현액"),
    ("spent", "지출액"),
    ("rate", "집행률"),
    ("carry_forward", "다음연도 이월액 계"),
    ("carry_explicit", "명시이월"),
    ("carry_accident", "사고이월"),
    ("carry_continuing", "계속비이월"),
    ("subsidy_returned", "보조금 반납금"),
    ("unspent", "집행잔액 계"),
    ("subsidy_balance", "보조금 정산잔액"),
    ("savings", "예산절감액"),
    ("plan_change", "계획변경 등"),
    ("bid_difference", "낙찰차액"),
    ("spending_balance", "집행잔액"),
    ("reserve", "예비비"),
    ("prior_year_spent", "전년도 결산액"),
]
REVENUE_COLUMNS: list[tuple[str, str]] = [
    ("budget", "예산액"),
    ("carried_over", "전년도 이월액"),
    ("current_budget", "예산현액"),
    ("assessed", "징수결정액"),
    ("received_total", "수납총액"),
    ("in_kind", "물납액"),
    ("refunds", "환급액"),
    ("received", "실제수납액"),
    ("rate", "징수율"),
    ("written_off", "불납결손액"),
    ("uncollected", "미수납액"),
]
RATE_OF = views.RATE_OF

SortQ = Annotated[str | None, Query(description="정렬할 열 (예: spent, rate, name)")]
OrderQ = Annotated[str, Query(pattern="^(asc|desc)$", description="asc | desc")]
LimitQ = Annotated[int, Query(ge=1, le=500)]
OffsetQ = Annotated[int, Query(ge=0, le=MAX_INT)]


def _listing(table: str, columns, request: Request, conn, scope, sort, order, limit, offset, level=None):
    keys = {k for k, _ in columns} | {"name"}
    rows, total = views.money_page(conn, table, municipality=scope.municipality, year=scope.year,
                                   department=scope.department, sort=sort if sort in keys else None,
                                   descending=order == "desc", level=level, limit=limit, offset=offset)
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
def programs(request: Request, conn: ConnDep, scope: ScopeDep, sort: SortQ = None,
             order: OrderQ = "desc", level: Annotated[str | None, Query()] = None,
             limit: LimitQ = 200, offset: OffsetQ = 0):
    rows, total, items = _listing("programs", PROGRAM_COLUMNS, request, conn, scope, sort, order, limit, offset, level)
    m = scope.municipality
    ctx = {"title": "세출 사업", "section": "programs", "rows": rows, "errs": Badges.of(conn, rows), "badge": badge, "columns": PROGRAM_COLUMNS, "sort": sort,
           "order": order, "level": level, "pager": pager(total, limit, offset), "kind": "programs",
           "years": views.years(conn, m, ("programs",)), "departments": views.departments(conn, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "세출 사업")]}
    return respond(request, "money.html", ctx, jsonable(envelope(items, total, limit, offset)))


@router.get("/revenues")
@router.get("/revenues.json")
def revenues(request: Request, conn: ConnDep, scope: ScopeDep, sort: SortQ = None,
             order: OrderQ = "desc", limit: LimitQ = 200, offset: OffsetQ = 0):
    rows, total, items = _listing("revenues", REVENUE_COLUMNS, request, conn, scope, sort, order, limit, offset)
    m = scope.municipality
    ctx = {"title": "세입", "section": "revenues", "rows": rows, "errs": Badges.of(conn, rows), "badge": badge, "columns": REVENUE_COLUMNS, "sort": sort,
           "order": order, "level": None, "pager": pager(total, limit, offset), "kind": "revenues",
           "years": views.years(conn, m, ("revenues",)), "departments": views.departments(conn, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "세입")]}
    return respond(request, "money.html", ctx, jsonable(envelope(items, total, limit, offset)))
