"""``/api/v1/pledges``: the mayor's pledges (공약) — register, change, half-year reports,
milestones, the citizens' panel's assessments, pages of the registry, one pledge, and the
summary (counts and one-decimal percentages by status, field, type and half-year).

Writes need a login (session cookie + ``X-CSRF-Token``, or an API token) and go through
``operations`` (``pledge.add`` / ``pledge.update`` / ``pledge.report`` / ``pledge.assess``):
401 without a login, 403 for a role (or department) the operation does not allow, 404 for a
pledge that is not there, 409 for an edit of a version someone else changed first, 422 for a
value the registry cannot take. Reads are public; the internal note, the evidence
references, unpublished assessments and the audit trail only for a signed-in account.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Callable

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ... import operations
from ...model.pledges import STATUSES, TYPES, period_label, status_label
from ...store import views
from .. import auth
from ..deps import TEXT_PATTERN, ConnDep, IdPath, MunicipalityParam, PagingDep, default_municipality
from ..serialize import envelope, jsonable
from .schemas import Error

router = APIRouter(prefix="/pledges", tags=["pledges"])

STATUS_HELP = ", ".join(f"{c} ({lb})" for c, lb in STATUSES.items()) + " — 코드나 한글 이름"
TYPE_HELP = ", ".join(f"{c} ({lb})" for c, lb in TYPES.items())
_TEXT = dict(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")


def _errors(*codes: int) -> dict:
    text = {401: "로그인 필요", 403: "권한 없음 (역할·부서) 또는 CSRF 토큰 없음", 404: "공약 없음",
            409: "다른 사용자가 먼저 고침 (version이 다름)", 422: "잘못된 요청 값"}
    return {c: {"model": Error, "description": text[c]} for c in codes}


class PledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str = Field(min_length=1, max_length=100, description="지방자치단체", **_TEXT)
    title: str = Field(min_length=1, max_length=500, description="공약명", **_TEXT)
    field: str = Field(min_length=1, max_length=100, description="분야", **_TEXT)
    lead_department: str = Field(min_length=1, max_length=200, description="주관부서", **_TEXT)
    status: str = Field(max_length=20, description=STATUS_HELP)
    target_year: int | None = Field(default=None, ge=2000, le=2100, description="완료 목표연도 (완료예정에 필요)")
    number: int | None = Field(default=None, ge=1, le=100_000, description="공약 번호 (없으면 다음 번호)")
    type: str | None = Field(default=None, max_length=20, description=TYPE_HELP)
    cooperating_departments: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=100,
                                                                                 description="협조부서")
    programs: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=100,
                                                                  description="연계 사업 (이름)")
    indicators: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=100,
                                                                    description="연계 성과지표 (이름)")
    summary: str | None = Field(default=None, max_length=5000, description="공약 내용 (공개)")
    note: str | None = Field(default=None, max_length=5000, description="내부 메모 (공개하지 않음)")


class PledgeChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=2**31, description="읽은 때의 version (다르면 409)")
    title: str | None = Field(default=None, min_length=1, max_length=500, **_TEXT)
    field: str | None = Field(default=None, min_length=1, max_length=100, **_TEXT)
    lead_department: str | None = Field(default=None, min_length=1, max_length=200, **_TEXT)
    status: str | None = Field(default=None, max_length=20, description=STATUS_HELP)
    target_year: int | None = Field(default=None, ge=2000, le=2100)
    number: int | None = Field(default=None, ge=1, le=100_000)
    type: str | None = Field(default=None, max_length=20, description=TYPE_HELP)
    cooperating_departments: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=100)
    programs: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=100)
    indicators: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=100)
    summary: str | None = Field(default=None, max_length=5000)
    note: str | None = Field(default=None, max_length=5000)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^[0-9]{4}-H[12]$", description="반기: 2025-H1 (상반기), 2025-H2 (하반기)")
    status: str = Field(max_length=20, description="그 때의 상태: " + STATUS_HELP)
    text: str = Field(min_length=1, max_length=5000, description="추진실적")
    evidence: str | None = Field(default=None, max_length=1000, description="증빙 (문서·파일 번호)")
    version: int | None = Field(default=None, ge=1, le=2**31,
                                description="같은 반기 보고를 고칠 때 그 보고의 version")


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=500, **_TEXT)
    due: str | None = Field(default=None, max_length=20, description="2025-H2 또는 2025")
    done: bool = False


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=2**31, description="읽은 때의 version (다르면 409)")
    published: bool = Field(description="공개 여부")


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    panel: str = Field(min_length=1, max_length=200, description="평가단 (예: 공약 시민평가단)", **_TEXT)
    assessed_on: dt.date = Field(description="평가일")
    grade: str | None = Field(default=None, max_length=50, description="등급")
    opinion: str | None = Field(default=None, max_length=5000, description="의견")
    published: bool = Field(default=False, description="공개 여부 (공개된 평가만 시민에게 보임)")


# --- shaping ---------------------------------------------------------------------------------


def public_pledge(row: dict[str, Any]) -> dict[str, Any]:
    """A pledge as everybody sees it: no internal note."""
    out = {k: row.get(k) for k in ("id", "municipality", "number", "title", "field", "type", "lead_department",
                                   "cooperating_departments", "programs", "indicators", "target_year", "status",
                                   "summary", "version", "changed_at")}
    out["status_label"] = status_label(row.get("status"), row.get("target_year"))
    out["type_label"] = TYPES.get(row.get("type") or "")
    return jsonable(out)


def internal_pledge(row: dict[str, Any]) -> dict[str, Any]:
    return {**public_pledge(row), "note": row.get("note"), "created_at": jsonable(row.get("created_at"))}


def public_report(r: dict[str, Any], *, internal: bool) -> dict[str, Any]:
    keys = ["id", "period", "status", "text", "reported_at", "version"]
    if internal:
        keys += ["evidence", "reported_by"]
    out = {k: r.get(k) for k in keys}
    out["period_label"] = period_label(r["period"])
    out["status_label"] = STATUSES.get(r["status"], r["status"])
    return jsonable(out)


def detail(conn, pledge_id: int, *, internal: bool) -> dict[str, Any] | None:
    """One pledge with its milestones, reports, (published) assessments; with ``internal``
    the note, evidence, unpublished assessments and the audit trail."""
    row = views.pledge(conn, pledge_id)
    if row is None:
        return None
    parts = views.pledge_details(conn, pledge_id, published_only=not internal)
    out = internal_pledge(row) if internal else public_pledge(row)
    out["milestones"] = jsonable([{k: m[k] for k in ("id", "title", "due", "done", "version")}
                                  for m in parts["milestones"]])
    out["reports"] = [public_report(r, internal=internal) for r in parts["reports"]]
    out["assessments"] = jsonable([{k: a[k] for k in ("id", "panel", "assessed_on", "grade", "opinion", "published",
                                                      "version")} for a in parts["assessments"]])
    if internal:
        out["audit"] = jsonable([{k: a[k] for k in ("at", "actor", "role", "via", "operation", "entity", "entity_id",
                                                    "field", "old_value", "new_value", "note")}
                                 for a in views.pledge_audit(conn, pledge_id)])
    return out


# --- calling the write path ------------------------------------------------------------------


async def call(request: Request, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """An operation in a worker thread, holding one of the app's connection slots; its
    refusals as HTTP errors (403, 404, 409, 422)."""
    state = request.app.state
    try:
        async with state.connection_slots.held():
            return await run_in_threadpool(fn, state.engine, *args, **kwargs)
    except operations.Refused as e:
        raise HTTPException(403, str(e)) from None
    except operations.Stale as e:
        now = f" (지금 version {e.current['version']})" if e.current and "version" in e.current else ""
        raise HTTPException(409, str(e) + now) from None
    except operations.Invalid as e:
        raise HTTPException(422, str(e)) from None
    except LookupError as e:
        raise HTTPException(404, str(e).strip("'\"")) from None


# --- routes ----------------------------------------------------------------------------------

FieldQ = Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN, description="분야")]
StatusQ = Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")?$", description="상태 코드")]


@router.post("", status_code=201, response_model=dict[str, Any], summary="공약 등록 (performance)",
             responses=_errors(401, 403, 422))
async def add(body: PledgeIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude={"municipality"})
    row = await call(request, operations.add_pledge, actor, municipality=body.municipality, **values)
    return internal_pledge(row)


@router.get("", response_model=dict[str, Any], summary="공약 목록 (번호 순, 쪽 단위)", responses=_errors(422))
def list_pledges(request: Request, conn: ConnDep, paging: PagingDep, municipality: MunicipalityParam = None,
                 field: FieldQ = None, status: StatusQ = None) -> dict[str, Any]:
    m = municipality or default_municipality(request, conn)
    rows, total = views.pledge_page(conn, municipality=m, field=field or None, status=status or None,
                                    limit=paging.limit, offset=paging.offset)
    internal = auth.authenticated(request) is not None
    items = [internal_pledge(r) if internal else public_pledge(r) for r in rows]
    return envelope(items, total, paging.limit, paging.offset)


@router.get("/summary", response_model=dict[str, Any], summary="공약 이행 현황 (상태·분야·유형·반기별 건수와 비율)",
            responses=_errors(422))
def summary(request: Request, conn: ConnDep, municipality: MunicipalityParam = None) -> dict[str, Any]:
    """The total, and the count and percentage (one decimal, rounded half up as the
    documents print: 27 of 56 = 48.2) of every status; the same by field and by type;
    완료예정 by target year; and each half-year's statuses from the progress reports."""
    m = municipality or default_municipality(request, conn)
    return jsonable(views.pledge_summary(conn, municipality=m))


@router.patch("/assessments/{assessment_id}", response_model=dict[str, Any],
              summary="시민평가단 평가 공개·비공개 (performance)", responses=_errors(401, 403, 404, 409, 422))
async def publish(assessment_id: IdPath, body: PublishIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    row = await call(request, operations.publish_assessment, actor, assessment_id=assessment_id,
                     version=body.version, published=body.published)
    return jsonable(row)


@router.get("/{pledge_id}", response_model=dict[str, Any], summary="공약 하나 (이정표, 반기 보고, 평가, 변경 이력)",
            responses=_errors(404, 422))
def get_one(pledge_id: IdPath, request: Request, conn: ConnDep) -> dict[str, Any]:
    out = detail(conn, pledge_id, internal=auth.authenticated(request) is not None)
    if out is None:
        raise HTTPException(404, f"공약을 찾지 못했습니다 / no such pledge: {pledge_id}")
    return out


@router.patch("/{pledge_id}", response_model=dict[str, Any], summary="공약 수정 (performance; version 필요)",
              responses=_errors(401, 403, 404, 409, 422))
async def change(pledge_id: IdPath, body: PledgeChange, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    row = await call(request, operations.update_pledge, actor, pledge_id=pledge_id, version=body.version, **values)
    return internal_pledge(row)


@router.post("/{pledge_id}/reports", status_code=201, response_model=dict[str, Any],
             summary="반기 추진실적 보고 (주관부서의 editor·approver, performance)",
             responses=_errors(401, 403, 404, 409, 422))
async def report(pledge_id: IdPath, body: ReportIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    row = await call(request, operations.report_pledge, actor, pledge_id=pledge_id, **body.model_dump())
    return public_report(row, internal=True)


@router.post("/{pledge_id}/milestones", status_code=201, response_model=dict[str, Any],
             summary="이정표 추가 (performance)", responses=_errors(401, 403, 404, 422))
async def milestone(pledge_id: IdPath, body: MilestoneIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    row = await call(request, operations.add_milestone, actor, pledge_id=pledge_id, **body.model_dump())
    return jsonable(row)


@router.post("/{pledge_id}/assessments", status_code=201, response_model=dict[str, Any],
             summary="시민평가단 평가 기록 (performance)", responses=_errors(401, 403, 404, 422))
async def assessment(pledge_id: IdPath, body: AssessmentIn, request: Request, actor: auth.ActorDep) -> dict[str, Any]:
    row = await call(request, operations.assess_pledge, actor, pledge_id=pledge_id, **body.model_dump())
    return jsonable(row)
