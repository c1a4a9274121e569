"""``/api/v1``: the year's performance cycle (``docs/cycle.md``) — open/close/reopen a year,
the plan (carry over, indicators, targets and weights, submit, confirm, return), period
results (enter, submit, accept, return with a reason), evidence files, the audit trail of a
record, lagging indicators and the 성과보고서 tables made from what was entered.

Every route needs an actor (:func:`.auth.require_actor`: 401 without one); every write goes
through :mod:`sijeong.cycle` and so through ``operations.write``. Errors have the one error
shape: 403 the role or department does not allow it, 404 unknown, 409 a stale edit (with
``current``, the newer row) or a wrong state, 422 a bad value, 423 a closed year.

The ``{indicator_id}`` of ``/indicators/{indicator_id}/results`` is the id ``/api/v1/indicators``
knows (a stored indicator), resolved to the year's confirmed plan indicator; ``/plan-indicators/
{plan_id}/results`` takes the plan indicator's own id (``GET /api/v1/cycle/years/{year}/plan``),
which — unlike a stored indicator's — stays the same when the entered document is republished.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .. import cycle, cycle_sheet
from ..operations import Actor, Invalid, Refused, Stale
from .api.schemas import Error
from .auth import require_actor
from .deps import TEXT_PATTERN, IdPath
from .serialize import jsonable

ERRORS = {code: {"model": Error, "description": what} for code, what in (
    (400, "본문을 읽을 수 없음"), (401, "로그인 필요"), (403, "권한 없음 (역할·부서)"), (404, "찾을 수 없음"),
    (409, "다른 사용자가 먼저 고침(current: 최신 값) 또는 상태가 맞지 않음"), (422, "잘못된 값"), (423, "결산 확정으로 잠긴 연도"))}

router = APIRouter(tags=["cycle"], responses=ERRORS)

ActorDep = Annotated[Actor, Depends(require_actor)]
YearP = Annotated[int, Path(ge=1990, le=2100, description="계획·회계연도")]
MunicipalityQ = Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN, description="지방자치단체")]
DepartmentQ = Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN, description="부서")]


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(jsonable({"error": {"status": status, "message": message, **extra}}), status_code=status)


def _guard(fn: Callable[[], Any]) -> Any:
    """Call a cycle function; its exceptions become the error shape (never a 500)."""
    try:
        return fn()
    except Refused as e:
        return _error(403, str(e))
    except Stale as e:
        return _error(409, str(e), current=e.current)
    except cycle.WrongState as e:
        return _error(409, str(e))
    except cycle.Locked as e:
        return _error(423, str(e))
    except cycle.NotFound as e:
        return _error(404, str(e))
    except Invalid as e:
        return _error(422, f"요청 값이 올바르지 않습니다 — {e}")


def _run(fn: Callable[[], Any], status: int = 200) -> JSONResponse:
    out = _guard(fn)
    return out if isinstance(out, JSONResponse) else JSONResponse(jsonable(out), status_code=status)


def _engine(request: Request):
    return request.app.state.engine


def _m(request: Request, municipality: str | None) -> str:
    return municipality or request.app.state.settings.municipality


def _read(request: Request, fn: Callable[[Any], Any]) -> Any:
    with _engine(request).connect() as conn:
        return fn(conn)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenYear(Body):
    year: int = Field(ge=1990, le=2100)
    municipality: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)


class YearAct(Body):
    municipality: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    version: int | None = Field(None, ge=1, le=2**31)
    reason: str | None = Field(None, max_length=2000)


class Scope(Body):
    municipality: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    department: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)
    reason: str | None = Field(None, max_length=2000)


class NewIndicator(Body):
    municipality: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    department: str = Field(max_length=200, pattern=TEXT_PATTERN)
    name: str = Field(max_length=500, pattern=TEXT_PATTERN)
    policy_goal: str | None = None
    programs: list[str] | None = None
    unit: str | None = None
    formula: str | None = None
    data_source: str | None = None
    direction: str | None = None
    measure: str | None = None
    target: Any = None
    weight: Any = None


class IndicatorEdit(Body):
    version: int | None = Field(None, ge=1, le=2**31, description="읽은 버전 (다르면 409)")
    policy_goal: str | None = None
    programs: list[str] | None = None
    unit: str | None = None
    formula: str | None = None
    data_source: str | None = None
    direction: str | None = None
    measure: str | None = None
    target: Any = None
    weight: Any = None


class ResultIn(Body):
    period: Any = Field(description="2025 | 2025-H1 | 2025-Q1 | 2025-M03")
    actual: Any = Field(description="실적 (숫자)")
    comment: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1, le=2**31, description="고칠 때: 읽은 버전 (다르면 409와 최신 값)")


class ResultAct(Body):
    version: int | None = Field(None, ge=1, le=2**31)
    reason: str | None = Field(None, max_length=2000)


# --- the year ---------------------------------------------------------------------------


@router.post("/cycle/years", status_code=201, summary="연도 열기 / open a year's cycle")
def open_year(request: Request, actor: ActorDep, body: OpenYear):
    return _run(lambda: cycle.open_year(_engine(request), actor, municipality=_m(request, body.municipality),
                                        year=body.year), 201)


@router.get("/cycle/years", summary="열린 연도 / the cycle's years")
def list_years(request: Request, actor: ActorDep, municipality: MunicipalityQ = None):
    return _run(lambda: _read(request, lambda c: {"items": cycle.years(c, _m(request, municipality))}))


@router.post("/cycle/years/{year}/close", summary="결산 확정(잠금) / close and lock the year")
def close_year(request: Request, actor: ActorDep, year: YearP, body: YearAct):
    return _run(lambda: cycle.close_year(_engine(request), actor, municipality=_m(request, body.municipality),
                                         year=year, version=body.version))


@router.post("/cycle/years/{year}/reopen", summary="다시 열기(사유) / reopen with a reason")
def reopen_year(request: Request, actor: ActorDep, year: YearP, body: YearAct):
    return _run(lambda: cycle.reopen_year(_engine(request), actor, municipality=_m(request, body.municipality),
                                          year=year, reason=body.reason, version=body.version))


class Window(Body):
    municipality: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    period: Any = Field(description="2025-Q1 …")
    due_on: Any = Field(description="마감일 YYYY-MM-DD")
    opens_on: Any = Field(None, description="시작일 YYYY-MM-DD")
    version: int | None = Field(None, ge=1, le=2**31)


@router.post("/cycle/years/{year}/windows", summary="보고 기간·마감 / set a reporting window")
def set_window(request: Request, actor: ActorDep, year: YearP, body: Window):
    return _run(lambda: cycle.set_window(_engine(request), actor, municipality=_m(request, body.municipality), year=year,
                                         period=body.period, due_on=body.due_on, opens_on=body.opens_on,
                                         version=body.version))


@router.get("/cycle/years/{year}/late", summary="마감이 지난 미제출 실적 / who is late")
def late(request: Request, actor: ActorDep, year: YearP, municipality: MunicipalityQ = None):
    return _run(lambda: {"items": _read(request, lambda c: cycle.late(c, _m(request, municipality), year))})


# --- the plan ---------------------------------------------------------------------------


@router.get("/cycle/years/{year}/plan", summary="성과계획(지표와 품질 점검) / the plan and its findings")
def get_plan(request: Request, actor: ActorDep, year: YearP, municipality: MunicipalityQ = None,
             department: DepartmentQ = None):
    return _run(lambda: _read(request, lambda c: cycle.plan(c, _m(request, municipality), year, department)))


@router.post("/cycle/years/{year}/plan/carry-over", status_code=201, summary="전년도 지표 이월 / carry over")
def carry_over(request: Request, actor: ActorDep, year: YearP, body: Scope):
    return _run(lambda: {"created": cycle.carry_over(_engine(request), actor, municipality=_m(request, body.municipality),
                                                     year=year, department=body.department)}, 201)


@router.post("/cycle/years/{year}/plan/indicators", status_code=201, summary="계획 지표 만들기 / create an indicator")
def create_indicator(request: Request, actor: ActorDep, year: YearP, body: NewIndicator):
    values = body.model_dump(exclude={"municipality", "department", "name"}, exclude_unset=True)
    return _run(lambda: cycle.create_indicator(_engine(request), actor, municipality=_m(request, body.municipality),
                                               year=year, department=body.department, name=body.name, **values), 201)


@router.patch("/plan-indicators/{indicator_id}", summary="목표치·가중치 등 고치기 / set target, weight …")
def edit_indicator(request: Request, actor: ActorDep, indicator_id: IdPath, body: IndicatorEdit):
    values = body.model_dump(exclude={"version"}, exclude_unset=True)
    return _run(lambda: cycle.edit_indicator(_engine(request), actor, indicator_id, values, version=body.version))


@router.post("/cycle/years/{year}/plan/submit", summary="부서 계획 제출 / submit the department's plan")
def submit_plan(request: Request, actor: ActorDep, year: YearP, body: Scope):
    return _run(lambda: {"indicators": cycle.submit_plan(_engine(request), actor, municipality=_m(request, body.municipality),
                                                         year=year, department=body.department)})


@router.post("/cycle/years/{year}/plan/confirm", summary="계획 확정 / confirm submitted plans")
def confirm_plan(request: Request, actor: ActorDep, year: YearP, body: Scope):
    return _run(lambda: {"indicators": cycle.confirm_plan(_engine(request), actor,
                                                          municipality=_m(request, body.municipality), year=year,
                                                          department=body.department)})


@router.post("/cycle/years/{year}/plan/return", summary="계획 반려(사유) / return a plan with a reason")
def return_plan(request: Request, actor: ActorDep, year: YearP, body: Scope):
    return _run(lambda: {"indicators": cycle.return_plan(_engine(request), actor, municipality=_m(request, body.municipality),
                                                         year=year, department=body.department, reason=body.reason)})


# --- results ----------------------------------------------------------------------------


def _enter(request: Request, actor: Actor, plan_id: Callable[[], int], body: ResultIn) -> JSONResponse:
    comment = body.comment if "comment" in body.model_fields_set else cycle.KEEP
    out = _guard(lambda: cycle.enter_result(_engine(request), actor, plan_id(), period=body.period,
                                            actual=body.actual, comment=comment, version=body.version))
    if isinstance(out, JSONResponse):
        return out
    row, created = out
    return JSONResponse(jsonable(row), status_code=201 if created else 200)


def _resolve(request: Request, stored_id: int) -> Callable[[], int]:
    return lambda: _read(request, lambda c: cycle.plan_indicator_for(c, stored_id))


@router.post("/indicators/{indicator_id}/results", status_code=201,
             summary="실적 입력 / record a period result (201 new, 200 corrected)",
             description="`indicator_id`는 `/api/v1/indicators`의 id입니다(그 해의 확정된 계획 지표로 찾아감). "
                         "계획 지표의 id로는 `/api/v1/plan-indicators/{id}/results`.")
def enter_result(request: Request, actor: ActorDep, indicator_id: IdPath, body: ResultIn):
    return _enter(request, actor, _resolve(request, indicator_id), body)


@router.post("/plan-indicators/{plan_id}/results", status_code=201,
             summary="실적 입력(계획 지표 id) / record a period result by plan indicator")
def enter_plan_result(request: Request, actor: ActorDep, plan_id: IdPath, body: ResultIn):
    return _enter(request, actor, lambda: plan_id, body)


@router.get("/indicators/{indicator_id}/results", summary="지표의 기간 실적과 증빙 / results and evidence")
def list_results(request: Request, actor: ActorDep, indicator_id: IdPath):
    return _run(lambda: _read(request, lambda c: cycle.results(c, cycle.plan_indicator_for(c, indicator_id))))


@router.get("/plan-indicators/{plan_id}/results", summary="계획 지표의 기간 실적과 증빙 / results by plan indicator")
def list_plan_results(request: Request, actor: ActorDep, plan_id: IdPath):
    return _run(lambda: _read(request, lambda c: cycle.results(c, plan_id)))


@router.post("/results/{result_id}/submit", summary="실적 제출 / submit")
def submit_result(request: Request, actor: ActorDep, result_id: IdPath, body: ResultAct):
    return _run(lambda: cycle.submit_result(_engine(request), actor, result_id, version=body.version))


@router.post("/results/{result_id}/accept", summary="실적 승인 / accept")
def accept_result(request: Request, actor: ActorDep, result_id: IdPath, body: ResultAct):
    return _run(lambda: cycle.accept_result(_engine(request), actor, result_id, version=body.version))


@router.post("/results/{result_id}/return", summary="실적 반려(사유) / return with a reason")
def return_result(request: Request, actor: ActorDep, result_id: IdPath, body: ResultAct):
    return _run(lambda: cycle.return_result(_engine(request), actor, result_id, reason=body.reason,
                                            version=body.version))


@router.post("/results/{result_id}/evidence", status_code=201,
             summary="증빙 올리기 (PDF, HWP, HWPX, XLSX, PNG, JPEG) / upload evidence")
async def upload_evidence(request: Request, actor: ActorDep, result_id: IdPath, file: UploadFile = File(...)):
    settings = request.app.state.settings
    data = await file.read(settings.evidence_max_bytes + 1)
    return await run_in_threadpool(_run, lambda: cycle.add_evidence(
        _engine(request), actor, result_id, file_name=file.filename, data=data, directory=settings.evidence_dir,
        max_bytes=settings.evidence_max_bytes), 201)


@router.get("/evidence/{evidence_id}", summary="증빙 파일 (허용된 사용자만) / an evidence file",
            response_class=FileResponse)
def get_evidence(request: Request, actor: ActorDep, evidence_id: IdPath):
    out = _guard(lambda: _read(request, lambda c: cycle.evidence_file(c, actor, evidence_id,
                                                                      request.app.state.settings.evidence_dir)))
    if isinstance(out, JSONResponse):
        return out
    row, path = out
    return FileResponse(path, media_type=cycle.MEDIA_TYPES[row["content_type"]], filename=row["file_name"],
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


# --- trail, entries, lagging, the report ------------------------------------------------


@router.get("/audit/{entity}/{entity_id}", summary="기록의 변경 이력 / a record's audit trail")
def audit_trail(request: Request, actor: ActorDep, entity: str, entity_id: IdPath):
    return _run(lambda: {"items": _read(request, lambda c: cycle.audit(c, entity, entity_id))})


@router.get("/entries/{entry_id}", summary="입력 기록(입력 값의 출처) / the entry an entered value came from")
def get_entry(request: Request, actor: ActorDep, entry_id: IdPath):
    return _run(lambda: _read(request, lambda c: cycle.entry(c, entry_id)))


@router.get("/cycle/years/{year}/lagging", summary="부진 예상 지표 / indicators projected to miss")
def lagging(request: Request, actor: ActorDep, year: YearP, municipality: MunicipalityQ = None):
    return _run(lambda: {"items": _read(request, lambda c: cycle.lagging(c, _m(request, municipality), year))})


@router.get("/cycle/years/{year}/report/{kind}", summary="입력 자료로 만든 성과보고서 표(plan_book: 성과계획서) / a report table from entered data")
def report_table(request: Request, actor: ActorDep, year: YearP, kind: str, municipality: MunicipalityQ = None,
                 department: DepartmentQ = None):
    from ..reports import tables

    m = _m(request, municipality)
    if kind == "plan_book":
        return _run(lambda: _read(request, lambda c: cycle.plan_book(c, m, year, department).as_dict()))
    if kind not in tables.TABLES:
        return _error(404, f"알 수 없는 보고서 종류 / unknown report kind: {kind!r}")
    docs = _read(request, lambda c: cycle.entered_documents(c, m, year))
    return _run(lambda: tables.build(kind, docs, year, department, municipality=m).as_dict())


# --- the spreadsheet round trip (sijeong.cycle_sheet; docs/cycle.md) -----------------------


def sheet_file_name(municipality: str, year: int, department: str | None) -> dict[str, str]:
    """The download's Content-Disposition: an ASCII name and the Korean one (RFC 6266)."""
    from urllib.parse import quote

    korean = quote(f"{municipality}_{year}_{department or '전체'}_실적입력.xlsx")
    return {"Content-Disposition": f"attachment; filename=\"sheet-{year}.xlsx\"; filename*=UTF-8''{korean}",
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/cycle/years/{year}/sheet.xlsx", response_class=Response,
            summary="실적 입력 엑셀 양식(부서별 시트) / the XLSX template of the year's results",
            responses={200: {"content": {cycle_sheet.XLSX_TYPE: {}}, "description": "XLSX"}})
def sheet_template(request: Request, actor: ActorDep, year: YearP, municipality: MunicipalityQ = None,
                   department: DepartmentQ = None):
    m = _m(request, municipality)
    out = _guard(lambda: _read(request, lambda c: cycle_sheet.template(c, m, year, department)))
    if isinstance(out, JSONResponse):
        return out
    return Response(out, media_type=cycle_sheet.XLSX_TYPE, headers=sheet_file_name(m, year, department))


def apply_sheet(engine, actor: Actor, municipality: str, year: int, data: bytes, file_name: str | None) -> JSONResponse:
    """:func:`cycle_sheet.apply` as an answer: 200 with the counts, 422 with every cell error."""
    try:
        return _run(lambda: cycle_sheet.apply(engine, actor, municipality, year, data, file_name))
    except cycle_sheet.SheetRejected as e:
        return _error(422, str(e), errors=[x.as_dict() for x in e.errors])


@router.post("/cycle/years/{year}/sheet",
             summary="채운 엑셀 양식 올리기(모든 칸 검사, 오류가 있으면 아무것도 반영하지 않음) / upload the filled template",
             description="multipart `file`. 200: `created`, `updated`, `unchanged`, `rows`, `sheets`, `results`. "
                         "422: `error.errors` — 칸마다 `sheet`, `row`, `column`, `reason`, `message`.")
async def sheet_upload(request: Request, actor: ActorDep, year: YearP, municipality: MunicipalityQ = None,
                       file: UploadFile = File(...)):
    data = await file.read(cycle_sheet.MAX_BYTES + 1)
    return await run_in_threadpool(apply_sheet, _engine(request), actor, _m(request, municipality), year, data,
                                   file.filename)
