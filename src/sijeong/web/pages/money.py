"""세출 사업 and 세입: every settlement column, execution rates, server-side sorting by a
column (links in the headers: ``?sort=spent&order=desc``), filters and paging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ...model.vocabulary import PROGRAM_COLUMNS, REVENUE_COLUMNS
from ...store import views
from ..badges import Badges, badge
from ..deps import MAX_INT, ConnDep, ScopeDep
from ..render import pager, respond
from ..serialize import envelope, jsonable_records, record

router = APIRouter(include_in_schema=False)

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

    def items() -> list[dict]:  # the JSON twin's items, built only when it is asked for
        out = [{**record(r), "rate": r["rate"]} for r in rows]
        for it in out:
            it.pop("rate_sources", None)
        return out

    return rows, total, items


def _money_page(kind: str, title: str, columns, request: Request, conn, scope, sort, order, limit: int,
                offset: int, level: str | None = None):
    """The program or revenue listing and its .json twin: the HTML page's context is built
    only for the page."""
    rows, total, items = _listing(kind, columns, request, conn, scope, sort, order, limit, offset, level)
    m = scope.municipality

    def page() -> dict:
        return {"title": title, "section": kind, "rows": rows, "errs": Badges.of(conn, rows), "badge": badge,
                "columns": columns, "sort": sort,
                "order": order, "level": level, "pager": pager(total, limit, offset), "kind": kind,
                "years": views.years(conn, m, (kind,)), "departments": views.departments(conn, m, scope.year),
                "year": scope.year, "department": scope.department,
                "breadcrumbs": [("/dashboard", "대시보드"), (None, title)]}
    return respond(request, "money.html", page, lambda: envelope(jsonable_records(items()), total, limit, offset))


@router.get("/programs")
@router.get("/programs.json")
def programs(request: Request, conn: ConnDep, scope: ScopeDep, sort: SortQ = None,
             order: OrderQ = "desc", level: Annotated[str | None, Query()] = None,
             limit: LimitQ = 200, offset: OffsetQ = 0):
    return _money_page("programs", "세출 사업", PROGRAM_COLUMNS, request, conn, scope, sort, order, limit, offset, level)


@router.get("/revenues")
@router.get("/revenues.json")
def revenues(request: Request, conn: ConnDep, scope: ScopeDep, sort: SortQ = None,
             order: OrderQ = "desc", limit: LimitQ = 200, offset: OffsetQ = 0):
    return _money_page("revenues", "세입", REVENUE_COLUMNS, request, conn, scope, sort, order, limit, offset)
