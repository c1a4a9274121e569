"""검증 결과: findings with filters; each links to the document view with its lines marked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from .. import queries
from ..deps import ConnDep, PagingDep, ScopeDep, TablesDep
from ..render import pager, respond
from ..serialize import envelope, finding, jsonable

router = APIRouter(include_in_schema=False)


def list_findings(conn, T, scope, severity: str | None, rule: str | None, limit: int, offset: int):
    t = T["findings"]
    if t is None:
        return [], 0
    where = []
    if severity:
        where.append(t.c.severity == severity)
    if rule:
        where.append(t.c.rule.startswith(rule, autoescape=True))
    order = [t.c.doc, t.c.id]
    return queries.page(conn, T, "findings", municipality=scope.municipality, year=scope.year,
                        department=scope.department, where=where, order_by=order, limit=limit, offset=offset)


@router.get("/findings")
@router.get("/findings.json")
def findings_page(request: Request, conn: ConnDep, T: TablesDep, scope: ScopeDep, paging: PagingDep,
                  severity: Annotated[str | None, Query(pattern="^(error|warning|info)?$")] = None,
                  rule: Annotated[str | None, Query(max_length=100)] = None):
    rows, total = list_findings(conn, T, scope, severity, rule, paging.limit, paging.offset)
    m = scope.municipality
    counts = queries.finding_counts(conn, T, m, scope.year)
    ctx = {"title": "검증 결과", "section": "findings", "rows": rows, "pager": pager(total, paging.limit, paging.offset),
           "severity": severity, "rule": rule or "", "counts": counts,
           "years": queries.years(conn, T, m), "departments": queries.departments(conn, T, m, scope.year),
           "year": scope.year, "department": scope.department,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "검증 결과")]}
    return respond(request, "findings.html", ctx, jsonable(envelope([finding(r) for r in rows], total, paging.limit, paging.offset)))
