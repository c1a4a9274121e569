"""``/api/v1/suggestions``: 제안제도 — a staff member's suggestion (with its likely
duplicates), a citizen's entered by the performance team, public calls (공모) with their
deadlines, the review steps (실무심의 → 심사위원회 → 실시), and the statistics per year and
소관부서 as 000 prints them (제안건수, 채택건수, 채택률, 실시건수, 실시율).

Writes need a login (session cookie + ``X-CSRF-Token``, or an API token) and go through
``sijeong.suggestions`` (``suggestion.submit`` / ``.receive`` / ``.review`` / ``.call``):
401, 403, 404, 409 (a stale ``version``), 422 (a value refused, a closed call, a step out
of order). The statistics, the department figures and the calls are public; suggestions
(proposers' names, citizens' contacts) only for a signed-in account.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ... import suggestions as ops
from ...model.suggestions import GRADES, OUTCOME_LABELS, SOURCES, STATUSES, STEPS
from ...store import views
from .. import auth
from ..deps import TEXT_PATTERN, ConnDep, IdPath, MunicipalityParam, PagingDep
from ..serialize import envelope, jsonable
from .pledges import call
from .schemas import Error

router = APIRouter(prefix="/suggestions", tags=["suggestions"])
_TEXT = dict(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
YearQ = Annotated[int | None, Query(ge=2000, le=2100, description="접수 연도")]


def _errors(*codes: int) -> dict:
    text = {400: "본문을 읽을 수 없음 (UTF-8 JSON이 아님)", 401: "로그인 필요", 403: "권한 없음 (역할) 또는 CSRF 토큰 없음", 404: "제안·공모 없음",
            409: "다른 사용자가 먼저 고침 (version이 다름)", 422: "잘못된 값, 마감된 공모, 순서가 맞지 않는 단계"}
    return {c: {"model": Error, "description": text[c]} for c in codes}


def municipality_of(request: Request, municipality: str | None) -> str:
    return municipality or request.app.state.settings.municipality


class SuggestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str | None = Field(default=None, max_length=100, description="지방자치단체 (없으면 설정의 것)", **_TEXT)
    title: str = Field(min_length=1, max_length=300, description="제안 제목", **_TEXT)
    body: str = Field(min_length=1, max_length=10_000, description="제안 내용 (현황·개선방안·기대효과)", **_TEXT)
    call_id: int | None = Field(default=None, ge=1, le=2**31, description="공모 id (공모에 내는 제안)")
    department: str | None = Field(default=None, max_length=200, description="소관부서 (제안자가 생각하는)", **_TEXT)


class ReceivedIn(SuggestionIn):
    proposer_name: str = Field(min_length=1, max_length=100, description="제안자 이름", **_TEXT)
    proposer_contact: str | None = Field(default=None, max_length=200, description="연락처 (공개하지 않음)", **_TEXT)
    source: str = Field(default="citizen", pattern="^(" + "|".join(SOURCES) + ")$",
                        description=", ".join(f"{k} ({v})" for k, v in SOURCES.items()))
    received_on: dt.date | None = Field(default=None, description="접수일 (없으면 오늘)")
    proposer_department: str | None = Field(default=None, max_length=200, description="공무원 제안자의 부서", **_TEXT)


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: str = Field(pattern="^(screen|committee|implement)$",
                      description="screen (실무심의), committee (심사위원회), implement (실시)")
    outcome: str = Field(pattern="^(forward|reject|adopt|implemented)$",
                         description="screen: forward (상정) / reject; committee: adopt (채택) / reject (불채택); "
                                     "implement: implemented")
    version: int = Field(ge=1, le=2**31, description="읽은 때의 version (다르면 409)")
    decided_on: dt.date | None = Field(default=None, description="결정일 (없으면 오늘)")
    reason: str | None = Field(default=None, max_length=5000, description="사유 (불채택에는 필수)", **_TEXT)
    department: str | None = Field(default=None, max_length=200, description="소관부서 (실무심의에서 지정)", **_TEXT)
    grade: str | None = Field(default=None, max_length=50, description="창안 등급: " + ", ".join(GRADES))
    award: str | None = Field(default=None, max_length=100, description="포상", **_TEXT)
    prize: int | None = Field(default=None, ge=0, le=100_000_000, description="부상금 (원)")


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str | None = Field(default=None, max_length=100, **_TEXT)
    title: str = Field(min_length=1, max_length=300, description="공모명 (예: 도서관 명칭 공모)", **_TEXT)
    description: str | None = Field(default=None, max_length=5000, **_TEXT)
    opens_on: dt.date = Field(description="접수 시작일")
    closes_on: dt.date = Field(description="마감일 (이날까지 접수)")


# --- shaping ---------------------------------------------------------------------------------

LIST_KEYS = ("id", "municipality", "year", "number", "received_on", "source", "call_id", "title", "proposer_name",
             "proposer_department", "department", "status", "grade", "award", "prize", "adopted_on",
             "implemented_on", "version", "changed_at")


def shaped(row: dict[str, Any], *, contact: bool = False) -> dict[str, Any]:
    out = {k: row.get(k) for k in LIST_KEYS}
    out["status_label"] = STATUSES.get(row["status"], row["status"])
    out["source_label"] = SOURCES.get(row["source"], row["source"])
    if contact:
        out["body"] = row.get("body")
        out["proposer_contact"] = row.get("proposer_contact")
        out["proposer_login"] = row.get("proposer_login")
        out["created_by"] = row.get("created_by")
    return jsonable(out)


def shaped_step(s: dict[str, Any]) -> dict[str, Any]:
    out = {k: s.get(k) for k in ("id", "step", "outcome", "reason", "decided_on", "grade", "award", "prize",
                                 "decided_by", "recorded_at")}
    out["step_label"] = STEPS.get(s["step"], s["step"])
    out["outcome_label"] = OUTCOME_LABELS.get(s["outcome"], "접수" if s["outcome"] == "received" else s["outcome"])
    return jsonable(out)


def detail(conn, suggestion_id: int) -> dict[str, Any] | None:
    row = views.suggestion(conn, suggestion_id)
    if row is None:
        return None
    out = shaped(row, contact=True)
    out["steps"] = [shaped_step(s) for s in views.suggestion_steps(conn, suggestion_id)]
    out["duplicates"] = jsonable(views.similar_suggestions(conn, municipality=row["municipality"], title=row["title"],
                                                           body=row["body"], exclude_id=suggestion_id))
    out["call"] = jsonable(views.suggestion_call(conn, row["call_id"])) if row["call_id"] else None
    out["audit"] = jsonable([{k: a[k] for k in ("at", "actor", "role", "via", "operation", "entity", "entity_id",
                                                "field", "old_value", "new_value", "note")}
                             for a in views.suggestion_audit(conn, suggestion_id)])
    return out


def created(result: dict[str, Any]) -> dict[str, Any]:
    return {"suggestion": shaped(result["suggestion"], contact=True), "duplicates": jsonable(result["duplicates"])}


# --- routes ----------------------------------------------------------------------------------


@router.post("", status_code=201, response_model=dict[str, Any], summary="제안 제출 (모든 계정; 비슷한 제안 함께)",
             responses=_errors(400, 401, 403, 422))
async def submit(body: SuggestionIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude={"municipality"})
    result = await call(request, ops.submit, actor, municipality=municipality_of(request, body.municipality), **values)
    return created(result)


@router.post("/received", status_code=201, response_model=dict[str, Any],
             summary="시민·서면 제안 접수 (performance; 비슷한 제안 함께)", responses=_errors(400, 401, 403, 422))
async def receive(body: ReceivedIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude={"municipality"})
    result = await call(request, ops.receive, actor, municipality=municipality_of(request, body.municipality),
                        **values)
    return created(result)


@router.get("", response_model=dict[str, Any], summary="제안 목록 (로그인; 최근 것부터)", responses=_errors(401, 422))
async def list_suggestions(request: Request, conn: ConnDep, paging: PagingDep, actor: auth.ActorDep,
                           municipality: MunicipalityParam = None, year: YearQ = None,
                           status: Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")?$")] = None,
                           department: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)] = None,
                           call_id: Annotated[int | None, Query(ge=1, le=2**31)] = None) -> dict[str, Any]:
    rows, total = views.suggestion_page(conn, municipality=municipality_of(request, municipality), year=year,
                                        status=status or None, department=department or None, call_id=call_id,
                                        limit=paging.limit, offset=paging.offset)
    return envelope([shaped(r) for r in rows], total, paging.limit, paging.offset)


@router.get("/similar", response_model=dict[str, Any], summary="비슷한 제안 찾기 (로그인; 제출 전에)",
            responses=_errors(401, 422))
async def similar(request: Request, conn: ConnDep, actor: auth.ActorDep,
                  title: Annotated[str, Query(min_length=1, max_length=300, pattern=TEXT_PATTERN)],
                  body: Annotated[str, Query(max_length=2000, pattern=TEXT_PATTERN)] = "",
                  municipality: MunicipalityParam = None) -> dict[str, Any]:
    found = views.similar_suggestions(conn, municipality=municipality_of(request, municipality), title=title, body=body)
    return {"items": jsonable(found)}


@router.get("/statistics", response_model=dict[str, Any],
            summary="제안제도 운영 현황 (연도·소관부서별 제안·채택·실시 건수와 비율)", responses=_errors(422))
def statistics(request: Request, conn: ConnDep, municipality: MunicipalityParam = None,
               year: YearQ = None) -> dict[str, Any]:
    """Per year of receipt (and per 소관부서 within it): 제안건수, 채택건수, 채택률 (채택 ÷ 제안),
    실시건수, 실시율 (실시 ÷ 채택), the rates in whole percent rounded half up as 000 prints
    them (26 of 374 → 7)."""
    return jsonable(views.suggestion_statistics(conn, municipality=municipality_of(request, municipality), year=year))


@router.get("/departments", response_model=dict[str, Any],
            summary="부서평가 제안 가점의 근거: 소관부서별 채택·실시 건수 (한 해)", responses=_errors(422))
def departments(request: Request, conn: ConnDep, year: Annotated[int, Query(ge=2000, le=2100)],
                municipality: MunicipalityParam = None) -> dict[str, Any]:
    m = municipality_of(request, municipality)
    return {"municipality": m, "year": year,
            "items": jsonable(views.department_suggestion_figures(conn, municipality=m, year=year))}


@router.get("/calls", response_model=dict[str, Any], summary="제안 공모 목록 (마감일 늦은 것부터)", responses=_errors(422))
def calls(request: Request, conn: ConnDep, municipality: MunicipalityParam = None) -> dict[str, Any]:
    return {"items": jsonable(views.suggestion_calls(conn, municipality=municipality_of(request, municipality)))}


@router.post("/calls", status_code=201, response_model=dict[str, Any], summary="제안 공모 등록 (performance)",
             responses=_errors(400, 401, 403, 422))
async def open_call(body: CallIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude={"municipality"})
    row = await call(request, ops.open_call, actor, municipality=municipality_of(request, body.municipality), **values)
    return jsonable(row)


@router.get("/{suggestion_id}", response_model=dict[str, Any],
            summary="제안 하나 (로그인; 심사 단계, 비슷한 제안, 변경 이력)", responses=_errors(401, 404, 422))
async def get_one(suggestion_id: IdPath, conn: ConnDep, actor: auth.ActorDep) -> dict[str, Any]:
    out = detail(conn, suggestion_id)
    if out is None:
        raise HTTPException(404, f"제안을 찾지 못했습니다 / no such suggestion: {suggestion_id}")
    return out


@router.post("/{suggestion_id}/steps", response_model=dict[str, Any],
             summary="심사 단계 기록 (performance: 실무심의, 심사위원회, 실시)", responses=_errors(400, 401, 403, 404, 409, 422))
async def step(suggestion_id: IdPath, body: StepIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    row = await call(request, ops.review, actor, suggestion_id=suggestion_id, **body.model_dump())
    return shaped(row, contact=True)
