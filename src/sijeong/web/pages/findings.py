"""검증 결과: findings with filters; each links to the document view with its lines marked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ...store import views
from ..deps import ConnDep, PagingDep, ScopeDep
from ..render import pager, respond
from ..serialize import envelope, finding, jsonable

router = APIRouter(include_in_schema=False)


def list_findings(conn, scope, severity: str | None, rule: str | None, limit: int, offset: int):
    return views.finding_page(conn, municipality=scope.municipality, year=scope.year, department=scope.department,
                              severity=severity, rule=rule, limit=limit, offset=offset)


@router.get("/findings")
@router.get("/findings.json")
def findings_page(request: Request, conn: ConnDep, scope: ScopeDep, paging: PagingDep,
                  severity: Annotated[str | None, Query(pattern="^(error|warning|info)?$")] = None,
                  rule: Annotated[str | None, Query(max_length=100)] = None):
    rows, total = list_findings(conn, scope, severity, rule, paging.limit, paging.offset)
    m = scope.municipality
    counts = views.finding_counts(conn, m, scope.year)
    ctx = {"title": "검증 결과", "section": "findings", "rows": rows, "pager": pager(total, paging.limit, paging.offset),
           "severity": severity, "rule": rule or "", "counts": counts,
           "years": views.years(conn, m), "departments": views.departments(conn, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "검증 결과")]}
    return respond(request, "findings.html", ctx, jsonable(envelope([finding(r) for r in rows], total, paging.limit, paging.offset)))
