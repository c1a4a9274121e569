"""``/api/v1/evaluations`` (부서 자체평가) and ``/api/v1/joint-evaluations`` (시군종합평가).

Writes need a login (session cookie + ``X-CSRF-Token``, or a Bearer API token) and the
operation's role (``docs/security.md``): 403 when refused, 409 when someone changed the row
since it was read (send the ``version`` you saw), 422 for a value that cannot be taken. A
scheme's results are answered only to whom they are published (``docs/evaluation.md``);
otherwise 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ... import evaluation as ev
from ... import evaluation_bonus, evaluation_cycle, joint_tasks
from ...operations import Invalid, Refused, Stale
from ..auth import ActorDep, MaybeActorDep
from ..deps import MAX_INT, TEXT_PATTERN, ConnDep
from .schemas import Error

router = APIRouter(tags=["evaluation"])

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
Short = Annotated[str, Field(min_length=1, max_length=50, pattern=TEXT_PATTERN)]
Points = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Version = Annotated[int, Field(ge=1, le=MAX_INT, description="읽을 때의 version (동시 수정 감지)")]
SchemeId = Annotated[int, Path(ge=1, le=MAX_INT, description="평가 id")]
JointId = Annotated[int, Path(ge=1, le=MAX_INT, description="시군종합평가 id")]


def _errors(*codes: int) -> dict:
    text = {400: "본문을 읽을 수 없음 (JSON이 아님)", 401: "로그인 필요", 403: "권한 없음 (역할, 배정되지 않은 평가, CSRF)", 404: "없거나 공개되지 않음",
            409: "다른 사용자가 먼저 고침 (version)", 422: "잘못된 요청 값"}
    return {c: {"model": Error, "description": text[c]} for c in codes}


WRITE_ERRORS = _errors(400, 401, 403, 404, 409, 422)


async def _run(request: Request, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """A write in a worker thread, holding one of the app's connection slots; the write path's
    exceptions as HTTP answers."""
    try:
        async with request.app.state.connection_slots.held():
            return await run_in_threadpool(fn, request.app.state.engine, *args, **kw)
    except Refused as e:
        raise HTTPException(403, str(e)) from None
    except Stale as e:
        raise HTTPException(409, str(e)) from None
    except Invalid as e:
        raise HTTPException(422, str(e)) from None
    except ev.Hidden as e:
        raise HTTPException(404, str(e)) from None


def _read(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except ev.Hidden as e:
        raise HTTPException(404, str(e)) from None
    except Invalid as e:
        raise HTTPException(422, str(e)) from None


# --- department evaluation -------------------------------------------------------------------


class GroupIn(BaseModel):
    name: Name = Field(description="그룹 (예: 1그룹)")
    departments: list[Name] = Field(min_length=1, max_length=200, description="부서·읍면동, 순서대로")


class ComponentIn(BaseModel):
    key: Short = Field(description="영문 키 (예: qualitative)")
    label: Name = Field(description="이름 (예: 정성평가)")
    kind: str = Field("score", pattern="^(score|bonus|penalty)$", description="score 평가 점수, bonus 가점, penalty 감점")
    weight: Points = Field(description="배점 (가점·감점은 최대 점수)")
    max_score: Points = Field(100, description="평가위원이 매기는 만점 (score)")


class SchemeIn(BaseModel):
    municipality: Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
    year: int = Field(ge=2000, le=2100)
    name: Name = Field(description="예: 2022년 부서 자체평가")
    trim: str = Field("high_low", pattern="^(none|high_low)$", description="high_low: 최고·최저 1개씩 제외")
    trim_min: int = Field(5, ge=3, le=100, description="제외를 적용하는 최소 점수 개수")
    decimals: int = Field(2, ge=0, le=6, description="총점 반올림 자릿수 (순위는 반올림한 총점으로)")
    groups: list[GroupIn] = Field(min_length=1, max_length=50)
    components: list[ComponentIn] = Field(min_length=1, max_length=50)


class AssignIn(BaseModel):
    evaluator: Name = Field(description="평가위원 계정 아이디")
    component: Short
    departments: list[Name] = Field(min_length=1, max_length=200)


class ScoreIn(BaseModel):
    component: Short
    department: Name
    score: Points = Field(description="소수 둘째 자리까지")
    version: Version | None = Field(None, description="고칠 때: 읽은 점수의 version; 처음이면 생략")


class PublishIn(BaseModel):
    publication: str = Field(pattern="^(none|departments|public)$",
                             description="none 비공개, departments 부서별(자기 부서만), public 전체 공개")
    version: Version


class ProgramIn(BaseModel):
    name: Name
    rating: Annotated[str, Field(min_length=1, max_length=20, pattern=TEXT_PATTERN)] = Field(
        description="예: 미흡, 매우미흡")


class FeedbackIn(BaseModel):
    department: Name
    changes: str = Field(min_length=1, max_length=4000, description="다음 해에 바뀌는 것")
    budget_note: str | None = Field(None, max_length=2000, description="예산 반영 (미흡·매우미흡 사업)")
    budget_change: int | None = Field(None, ge=-(10**15), le=10**15, description="예산 증감 (원)")
    programs: list[ProgramIn] = Field(default_factory=list, max_length=200)
    version: Version | None = None


@router.post("/evaluations", status_code=201, summary="부서평가 설계 (성과관리팀)", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def configure(body: SchemeIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """A new scheme, unpublished (``publication: none``, ``version: 1``)."""
    scheme_id = await _run(request, ev.configure, actor, **body.model_dump())
    return {"id": scheme_id, "publication": "none", "version": 1}


@router.get("/evaluations", summary="부서평가 목록 (보이는 것만)", response_model=dict[str, Any],
            responses=_errors(422))
def list_schemes(conn: ConnDep, actor: MaybeActorDep,
                 municipality: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)] = None,
                 year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:
    rows = ev.visible_schemes(conn, actor, municipality=municipality, year=year)
    items = [{k: r[k] for k in ("id", "municipality", "year", "name", "publication", "version")} for r in rows]
    return {"items": items, "total": len(items)}


@router.get("/evaluations/{scheme_id}/results", summary="평가 결과: 그룹별 총점·순위·산출 내역",
            response_model=dict[str, Any], responses=_errors(404, 422))
def results(scheme_id: SchemeId, conn: ConnDep, actor: MaybeActorDep) -> dict[str, Any]:
    """Unpublished: only the performance team and admins. Published to departments: each
    signed-in department its own. Public: everyone (without the evaluators' names)."""
    return _read(ev.results, conn, actor, scheme_id)


@router.post("/evaluations/{scheme_id}/assignments", summary="평가위원 배정", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def assign(scheme_id: SchemeId, body: AssignIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    added = await _run(request, ev.assign, actor, scheme_id=scheme_id, **body.model_dump())
    return {"added": added}


@router.get("/evaluations/{scheme_id}/assignments/mine", summary="내게 배정된 평가 (평가위원)",
            response_model=dict[str, Any], responses=_errors(401, 404, 422))
def my_assignments(scheme_id: SchemeId, conn: ConnDep, actor: ActorDep) -> dict[str, Any]:
    return _read(ev.my_assignments, conn, actor, scheme_id)


@router.post("/evaluations/{scheme_id}/scores", summary="점수 입력 (배정된 것만)", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def score(scheme_id: SchemeId, body: ScoreIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    row = await _run(request, ev.score, actor, scheme_id=scheme_id, component=body.component,
                     department=body.department, value=body.score, version=body.version)
    return {k: row[k] for k in ("id", "component", "department", "evaluator", "score", "version")}


class CycleIn(BaseModel):
    component: Short | None = Field(None, description="정량 추진실적 구성요소의 키 (생략: 첫 평가 점수 구성요소)")


@router.get("/evaluations/{scheme_id}/cycle-scores", summary="정량 추진실적: 승인된 실적으로 계산 (미리 보기, 성과관리팀)",
            response_model=dict[str, Any], responses=_errors(401, 404, 422))
def cycle_scores(scheme_id: SchemeId, conn: ConnDep, actor: ActorDep,
                 component: Annotated[str | None, Query(min_length=1, max_length=50, pattern=TEXT_PATTERN,
                                                        description="구성요소 키 (생략: 첫 평가 점수 구성요소)")] = None
                 ) -> dict[str, Any]:
    """Per department: the year's confirmed plan indicators with an accepted annual result, each
    one's 달성률 (counted up to 100%), and the weighted mean on the component's scale. Nothing
    is written."""
    return _read(evaluation_cycle.cycle_performance, conn, actor, scheme_id, component)


@router.post("/evaluations/{scheme_id}/cycle-scores", summary="정량 추진실적 점수로 기록 (성과관리팀)",
             response_model=dict[str, Any], responses=WRITE_ERRORS)
async def write_cycle_scores(scheme_id: SchemeId, body: CycleIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """The computed scores as the scores of the evaluator ``<cycle>`` (replaced when they change)."""
    return await _run(request, evaluation_cycle.score_from_cycle, actor, scheme_id=scheme_id, component=body.component)


class BonusIn(BaseModel):
    component: Short = Field(description="가점 구성요소의 키")
    source: str = Field(pattern="^(suggestions|collaboration)$",
                        description="suggestions 제안 채택·실시, collaboration 협업포인트")
    per_adopted: Points | None = Field(None, description="제안: 채택 1건당 가점 (생략: 설정값)")
    per_implemented: Points | None = Field(None, description="제안: 실시 1건당 더하는 가점 (생략: 설정값)")


def bonus_rule(request: Request, per_adopted: Any = None, per_implemented: Any = None):
    """The 제안 가점 rule: the numbers sent, else the settings' (``SIJEONG_BONUS_PER_*``)."""
    s = request.app.state.settings
    return evaluation_bonus.suggestion_rule(s.bonus_per_adopted if per_adopted is None else per_adopted,
                                            s.bonus_per_implemented if per_implemented is None else per_implemented)


@router.post("/evaluations/{scheme_id}/bonus-scores", summary="가점: 제안 채택·실시 또는 협업포인트로 계산해 기록 (성과관리팀)",
             response_model=dict[str, Any], responses=WRITE_ERRORS)
async def write_bonus_scores(scheme_id: SchemeId, body: BonusIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """Each member department's bonus from the year's 제안 figures or 협업포인트, written as the
    scores of the evaluator ``<suggestions>`` or ``<collaboration>`` (replaced when they change)."""
    try:
        rule = bonus_rule(request, body.per_adopted, body.per_implemented)
    except Invalid as e:
        raise HTTPException(422, str(e)) from None
    return await _run(request, evaluation_bonus.score_from_figures, actor, scheme_id=scheme_id,
                      component=body.component, source=body.source, rule=rule)


@router.post("/evaluations/{scheme_id}/publish", summary="결과 공개 범위", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def publish(scheme_id: SchemeId, body: PublishIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    s = await _run(request, ev.publish, actor, scheme_id=scheme_id, **body.model_dump())
    return ev.scheme_summary(s)


@router.post("/evaluations/{scheme_id}/feedback", summary="결과 환류 기록", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def feedback(scheme_id: SchemeId, body: FeedbackIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    data = body.model_dump()
    row = await _run(request, ev.write_feedback, actor, scheme_id=scheme_id, **data)
    return {k: row[k] for k in ("department", "changes", "budget_note", "budget_change", "programs", "version")}


# --- 시군종합평가 -----------------------------------------------------------------------------


class JointGroupIn(BaseModel):
    name: Name
    cities: list[Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]] = Field(
        min_length=1, max_length=100)


class IndicatorIn(BaseModel):
    number: Short
    name: Name
    definition: str | None = Field(None, max_length=4000, description="평가 편람의 정의")
    unit: str | None = Field(None, max_length=50, pattern=TEXT_PATTERN)
    weight: Points | None = None
    target_grade: str | None = Field(None, max_length=20, pattern=TEXT_PATTERN)
    department: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN, description="담당 부서")


class JointIn(BaseModel):
    municipality: Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
    year: int = Field(ge=2000, le=2100)
    name: Name = Field(description="예: 2022년 시군종합평가")
    city: Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)] = Field(
        description="우리 시군 (예: 김포)")
    current_percent: int = Field(70, ge=0, le=100, description="올해 평가 비율 (%)")
    previous_percent: int = Field(30, ge=0, le=100, description="전년도 합동평가 비율 (%)")
    goal: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN, description="예: 2그룹 1위")
    groups: list[JointGroupIn] = Field(min_length=1, max_length=20)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=500)


class EntryIn(BaseModel):
    city: Annotated[str, Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
    current_score: Points | None = Field(None, description="올해 평가 점수 (예상 또는 발표)")
    previous_score: Points | None = Field(None, description="전년도 합동평가 점수")
    version: Version


class ResultIn(BaseModel):
    final_rank: int | None = Field(None, ge=1, le=1000, description="도내 순위")
    final_group_rank: int | None = Field(None, ge=1, le=1000, description="그룹 순위")
    final_score: Points | None = None
    prize_money: int | None = Field(None, ge=0, le=10**15, description="상사업비 (원)")
    version: Version


@router.post("/joint-evaluations", status_code=201, summary="시군종합평가 설정", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def configure_joint(body: JointIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """A new joint evaluation; every city starts without figures (``version: 1``)."""
    jid = await _run(request, ev.configure_joint, actor, **body.model_dump())
    return {"id": jid, "version": 1}


@router.get("/joint-evaluations", summary="시군종합평가 목록 (로그인)", response_model=dict[str, Any],
            responses=_errors(401, 422))
def list_joint(conn: ConnDep, actor: ActorDep,
               municipality: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)] = None
               ) -> dict[str, Any]:
    rows = ev.joint_list(conn, municipality=municipality)
    items = [{k: r[k] for k in ("id", "municipality", "year", "name", "city", "goal", "version")} for r in rows]
    return {"items": items, "total": len(items)}


@router.get("/joint-evaluations/{evaluation_id}", summary="시군종합평가: 점수·그룹 순위 예측 (로그인)",
            response_model=dict[str, Any], responses=_errors(401, 404, 422))
def joint(evaluation_id: JointId, conn: ConnDep, actor: ActorDep,
          city: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)] = None) -> dict[str, Any]:
    """Score = this year's evaluation × current_percent + last year's joint result ×
    previous_percent; the city's rank in its group from the figures entered for the others."""
    return _read(ev.joint_projection, conn, evaluation_id, city=city)


@router.post("/joint-evaluations/{evaluation_id}/entries", summary="시군 점수 입력", response_model=dict[str, Any],
             responses=WRITE_ERRORS)
async def enter(evaluation_id: JointId, body: EntryIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    row = await _run(request, ev.enter_joint, actor, evaluation_id=evaluation_id, **body.model_dump())
    return {k: row[k] for k in ("city", "current_score", "previous_score", "version")}


@router.post("/joint-evaluations/{evaluation_id}/result", summary="최종 결과·상사업비 기록",
             response_model=dict[str, Any], responses=WRITE_ERRORS)
async def result(evaluation_id: JointId, body: ResultIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    j = await _run(request, ev.record_joint_result, actor, evaluation_id=evaluation_id, **body.model_dump())
    return {k: j[k] for k in ("id", "final_rank", "final_group_rank", "final_score", "prize_money", "version")}


class TaskIn(BaseModel):
    indicator: Short = Field(description="지표 번호")
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="월 (예: 2022-03)")
    task: str = Field(min_length=1, max_length=2000, description="이행과제")
    status: str = Field(pattern="^(on_track|delayed|done)$", description="on_track 정상, delayed 지연, done 완료")
    target: float | None = Field(None, ge=-(10**15), le=10**15, allow_inf_nan=False, description="계획 (누계)")
    actual: float | None = Field(None, ge=-(10**15), le=10**15, allow_inf_nan=False, description="실적 (누계)")
    note: str | None = Field(None, max_length=2000)
    evidence: str | None = Field(None, max_length=500, description="증빙 (문서번호·파일명)")
    version: Version | None = Field(None, description="고칠 때: 읽은 version")


@router.get("/joint-evaluations/{evaluation_id}/tasks", summary="월별 이행과제와 부진지표 (로그인)",
            response_model=dict[str, Any], responses=_errors(401, 404, 422))
def tasks(evaluation_id: JointId, conn: ConnDep, actor: ActorDep,
          month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="월 (생략: 최근 보고 월)")] = None
          ) -> dict[str, Any]:
    """Every indicator's monthly tasks and its standing in the month: 부진 (지연, or short of
    plan), 정상, 완료, 미보고; ``lagging``: the 부진지표 list (indicator numbers)."""
    return _read(joint_tasks.tasks, conn, evaluation_id, month=month)


@router.post("/joint-evaluations/{evaluation_id}/tasks", status_code=201, summary="월별 이행과제 입력",
             response_model=dict[str, Any], responses=WRITE_ERRORS)
async def enter_task(evaluation_id: JointId, body: TaskIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """The responsible department (editor, approver) or the performance team; one per indicator
    and month (a second needs the first one's ``version``)."""
    row = await _run(request, joint_tasks.enter_task, actor, evaluation_id=evaluation_id, **body.model_dump())
    return {k: row[k] for k in ("id", "month", "task", "target", "actual", "status", "note", "evidence", "version")}
