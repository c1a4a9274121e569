"""``/api/v1``: indicators, policy-goals, programs, revenues, departments, plan-tasks,
findings. Filters: municipality, year, department; paging: limit, offset."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from ...store import views
from ..deps import TEXT_PATTERN, ConnDep, IdPath, PagingDep, ScopeDep
from ..pages.findings import list_findings
from ..serialize import envelope, finding, jsonable, record
from .schemas import ERRORS, Page

router = APIRouter(tags=["records"], responses=ERRORS)

RESOURCES: dict[str, tuple[str, str]] = {
    "indicators": ("indicators", "성과지표"),
    "policy-goals": ("policy_goals", "정책사업목표"),
    "programs": ("programs", "세출 사업 (정책·단위·세부사업)"),
    "revenues": ("revenues", "세입 과목"),
    "departments": ("departments", "부서"),
    "plan-tasks": ("plan_tasks", "주요업무계획 과제"),
}


def _list(table: str, conn, scope, paging) -> dict[str, Any]:
    rows, total = views.records(conn, table, municipality=scope.municipality, year=scope.year,
                                department=scope.department, order=("year", "department", "doc_order", "id"),
                                limit=paging.limit, offset=paging.offset)
    return jsonable(envelope([record(r) for r in rows], total, paging.limit, paging.offset))


def _one(table: str, conn, item_id: int) -> dict[str, Any]:
    row = views.one(conn, table, item_id)
    if row is None:
        raise HTTPException(404, f"찾을 수 없습니다: {table} {item_id}")
    return jsonable(record(row))


def _register(path: str, table: str, label: str) -> None:
    def list_items(conn: ConnDep, scope: ScopeDep, paging: PagingDep) -> dict[str, Any]:
        return _list(table, conn, scope, paging)

    def get_item(item_id: IdPath, conn: ConnDep) -> dict[str, Any]:
        return _one(table, conn, item_id)

    router.add_api_route(f"/{path}", list_items, methods=["GET"], response_model=Page, summary=f"{label} 목록",
                         name=f"list_{table}")
    router.add_api_route(f"/{path}/{{item_id}}", get_item, methods=["GET"], summary=f"{label} 하나",
                         name=f"get_{table}")


for _path, (_table, _label) in RESOURCES.items():
    _register(_path, _table, _label)


@router.get("/findings", response_model=Page, summary="검증 결과 목록")
def findings(conn: ConnDep, scope: ScopeDep, paging: PagingDep,
             severity: Annotated[str | None, Query(pattern="^(error|warning|info)?$")] = None,
             rule: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)] = None) -> dict[str, Any]:
    rows, total = list_findings(conn, scope, severity, rule, paging.limit, paging.offset)
    return jsonable(envelope([finding(r) for r in rows], total, paging.limit, paging.offset))
