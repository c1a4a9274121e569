"""``/api/v1/collaboration``: 협업 — thank-you messages with 협업포인트 and the sender's month
balance, special points (the performance team), the feed, 이달의 협업왕, the department
totals by month (what the department evaluation's 협업 bonus is worked out from), and
협업과제 with their 관리카드 half-yearly checks.

Everything needs a login (it is about colleagues). Writes go through
``sijeong.collaboration`` (``collab.thank`` / ``.special`` / ``.task`` / ``.check``): 401, 403,
404, 422 for a broken rule (over the allowance, to oneself, to one's own department, a third
message to one person in a month). The rule numbers are settings (``SIJEONG_COLLAB_*``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ... import collaboration as ops
from ...model.collaboration import CHECK_STATUSES, PointRules, month_of
from ...store import views
from ..deps import ConnDep, IdPath, MunicipalityParam, PagingDep
from ..serialize import envelope, jsonable
from .. import auth
from .pledges import call
from .schemas import Error

router = APIRouter(prefix="/collaboration", tags=["collaboration"])
_TEXT = dict(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
MonthQ = Annotated[str | None, Query(pattern=r"^(20[0-9]{2}-(0[1-9]|1[0-2]))?$", description="월 (2026-12; 없으면 이달)")]


def _errors(*codes: int) -> dict:
    text = {400: "본문을 읽을 수 없음 (UTF-8 JSON이 아님)", 401: "로그인 필요", 403: "권한 없음 (역할·부서) 또는 CSRF 토큰 없음", 404: "협업과제 없음",
            422: "잘못된 값 또는 포인트 규칙 위반 (한도 초과, 자기 자신, 같은 부서, 같은 사람 한 달 횟수)"}
    return {c: {"model": Error, "description": text[c]} for c in codes}


def point_rules(request: Request) -> PointRules:
    """The city's 협업포인트 rules, from the settings."""
    s = request.app.state.settings
    return PointRules(monthly_allowance=s.collab_monthly, per_message=s.collab_per_message,
                      same_person_per_month=s.collab_same_person, own_department=s.collab_own_department,
                      top=s.collab_top)


def municipality_of(request: Request, municipality: str | None) -> str:
    return municipality or request.app.state.settings.municipality


def this_month() -> str:
    import datetime as dt

    return month_of(dt.datetime.now(dt.timezone.utc))


class ThanksIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recipient: str = Field(min_length=1, max_length=100, description="받는 사람 (계정)", **_TEXT)
    message: str = Field(min_length=1, max_length=500, description="감사 메시지", **_TEXT)


class SpecialIn(ThanksIn):
    points: int = Field(ge=1, le=1000, description="특별포인트")


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str | None = Field(default=None, max_length=100, **_TEXT)
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=300, description="협업과제명", **_TEXT)
    lead_department: str = Field(min_length=1, max_length=200, description="주관부서", **_TEXT)
    cooperating_departments: list[Annotated[str, Field(max_length=200)]] = Field(min_length=1, max_length=50,
                                                                                 description="협업부서")
    manager: str = Field(min_length=1, max_length=100, description="협업관리자", **_TEXT)
    summary: str | None = Field(default=None, max_length=5000, **_TEXT)


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^[0-9]{4}-H[12]$", description="반기: 2026-H1, 2026-H2")
    status: str = Field(pattern="^(" + "|".join(CHECK_STATUSES) + ")$",
                        description=", ".join(f"{k} ({v})" for k, v in CHECK_STATUSES.items()))
    progress: str = Field(min_length=1, max_length=5000, description="추진현황", **_TEXT)


@router.get("/balance", response_model=dict[str, Any], summary="내 이달 포인트 (배정·보냄·남음·받음)",
            responses=_errors(401, 422))
async def balance(request: Request, conn: ConnDep, actor: auth.ActorDep, month: MonthQ = None) -> dict[str, Any]:
    if actor.account_id is None:
        return {"month": month or this_month(), "allowance": 0, "sent": 0, "remaining": 0, "received": 0}
    return ops.balance(conn, point_rules(request), actor.account_id, month or this_month())


@router.post("/thanks", status_code=201, response_model=dict[str, Any], summary="감사 메시지와 포인트 보내기 (모든 계정)",
             responses=_errors(400, 401, 403, 422))
async def thanks(body: ThanksIn, request: Request, actor: auth.ActorDep,
                 municipality: MunicipalityParam = None) -> dict[str, Any]:
    out = await call(request, ops.send_thanks, actor, point_rules(request),
                     municipality=municipality_of(request, municipality), **body.model_dump())
    return jsonable(out)


@router.post("/special", status_code=201, response_model=dict[str, Any], summary="특별포인트 지급 (performance)",
             responses=_errors(400, 401, 403, 422))
async def special(body: SpecialIn, request: Request, actor: auth.ActorDep,
                  municipality: MunicipalityParam = None) -> dict[str, Any]:
    out = await call(request, ops.grant_special, actor, point_rules(request),
                     municipality=municipality_of(request, municipality), **body.model_dump())
    return jsonable(out)


@router.get("/feed", response_model=dict[str, Any], summary="감사 메시지 (최근 것부터)", responses=_errors(401, 422))
async def feed(request: Request, conn: ConnDep, paging: PagingDep, actor: auth.ActorDep, month: MonthQ = None,
               municipality: MunicipalityParam = None) -> dict[str, Any]:
    rows, total = views.point_feed(conn, municipality=municipality_of(request, municipality), month=month or None,
                                   limit=paging.limit, offset=paging.offset)
    return envelope(jsonable(rows), total, paging.limit, paging.offset)


@router.get("/top", response_model=dict[str, Any], summary="이달의 협업왕 (받은 포인트 상위)", responses=_errors(401, 422))
async def top(request: Request, conn: ConnDep, actor: auth.ActorDep, month: MonthQ = None,
              municipality: MunicipalityParam = None) -> dict[str, Any]:
    m, month = municipality_of(request, municipality), month or this_month()
    return {"month": month, "items": jsonable(views.top_receivers(conn, municipality=m, month=month,
                                                                  top=point_rules(request).top))}


@router.get("/departments", response_model=dict[str, Any],
            summary="부서별 협업포인트 (월별 받음·보냄; 부서평가 협업 가점의 근거)", responses=_errors(401, 422))
async def departments(request: Request, conn: ConnDep, actor: auth.ActorDep,
                      year: Annotated[int, Query(ge=2000, le=2100)],
                      municipality: MunicipalityParam = None) -> dict[str, Any]:
    m = municipality_of(request, municipality)
    items = views.department_points(conn, municipality=m, year=year)
    return {"municipality": m, "year": year, "items": jsonable(items)}


@router.get("/tasks", response_model=dict[str, Any], summary="협업과제와 관리카드 점검", responses=_errors(401, 422))
async def tasks(request: Request, conn: ConnDep, actor: auth.ActorDep,
                year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                municipality: MunicipalityParam = None) -> dict[str, Any]:
    return {"items": jsonable(views.collab_tasks(conn, municipality=municipality_of(request, municipality),
                                                 year=year))}


@router.post("/tasks", status_code=201, response_model=dict[str, Any], summary="협업과제 등록 (performance)",
             responses=_errors(400, 401, 403, 422))
async def add_task(body: TaskIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude={"municipality"})
    return jsonable(await call(request, ops.add_task, actor, municipality=municipality_of(request, body.municipality),
                               **values))


@router.post("/tasks/{collab_task_id}/checks", status_code=201, response_model=dict[str, Any],
             summary="관리카드 반기 점검 (performance, 주관부서)", responses=_errors(400, 401, 403, 404, 422))
async def check(collab_task_id: IdPath, body: CheckIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    return jsonable(await call(request, ops.check_task, actor, task_id=collab_task_id, **body.model_dump()))
