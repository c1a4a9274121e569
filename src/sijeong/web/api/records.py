"""``/api/v1``: indicators, policy-goals, programs, revenues, departments, plan-tasks,
findings. Filters: municipality, year, department; paging: limit, offset."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from ...operations import Actor
from ...store import views
from ..auth import require_actor
from ..deps import TEXT_PATTERN, ConnDep, IdPath, PagingDep, ScopeDep
from ..pages.findings import StaleMark, StatusQ, item, list_findings, mark
from ..serialize import envelope, jsonable, jsonable_records, record
from .schemas import ERRORS, MARK_ERRORS, MarkIn, MarkOut, Page

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
    return envelope(jsonable_records([record(r) for r in rows]), total, paging.limit, paging.offset)


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
             rule: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)] = None,
             status: StatusQ = "all") -> dict[str, Any]:
    """Every finding (the reader's information ones too), by document; each with its
    ``mark`` (확인 / 조치 완료 / 오탐, or null) and its rule's Korean name. ``status``:
    ``open`` (unmarked), ``seen``, ``fixed``, ``false_positive`` or ``all``."""
    rows, total = list_findings(conn, scope, severity, rule, paging.limit, paging.offset, status=status or "all")
    return jsonable(envelope([item(r) for r in rows], total, paging.limit, paging.offset))


@router.post("/findings/{finding_id}/mark", summary="검증 결과 표시 (확인·조치 완료·오탐)", status_code=201,
             response_model=MarkOut, responses={200: {"model": MarkOut, "description": "표시를 바꿈"}, **MARK_ERRORS})
async def mark_finding(finding_id: IdPath, body: MarkIn, request: Request,
                       actor: Annotated[Actor, Depends(require_actor)]) -> Any:
    """Mark a finding ``seen`` (확인), ``fixed`` (조치 완료: say what was done) or
    ``false_positive`` (오탐: say why) — the performance team's (and an administrator's)
    operation. ``version``: the mark's version as read (null when it had none); another
    answers 409 with the current mark. 201 for a first mark, 200 for a change."""
    try:
        stored = await mark(request, actor, finding_id, body.status, body.note, body.version)
    except StaleMark as e:
        return JSONResponse(jsonable({"error": {"status": 409, "message": e.detail, "current": e.current}}),
                            status_code=409)
    return JSONResponse(jsonable(stored), status_code=201 if stored["version"] == 1 else 200)
