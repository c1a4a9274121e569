"""부서평가 and 시군종합평가 pages: the list, a scheme's results per group with the breakdown,
an evaluator's scoring form (only their assignments; a plain POST form with ``csrf_token``,
no script) and the 시군종합평가 projection with its entry form (성과관리팀).

Who sees what is decided by ``sijeong.evaluation`` (unpublished results: 404, as the API)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ... import evaluation as ev
from ... import joint_tasks
from ...model.evaluation import BONUS_SOURCES
from ...model.joint import TASK_STATUSES
from ...operations import Actor, Invalid, Refused, Stale, allowed
from ..auth import ActorDep, MaybeActorDep, authenticated
from ..deps import MAX_INT, TEXT_PATTERN, ConnDep
from ..render import respond

router = APIRouter(include_in_schema=False)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SchemeId = Annotated[int, Path(ge=1, le=MAX_INT)]
KIND_LABELS = {"score": "평가 점수", "bonus": "가점", "penalty": "감점"}
CRUMBS = [("/evaluation", "부서평가·시군종합평가")]


def _hidden(e: Exception) -> HTTPException:
    return HTTPException(404, "찾을 수 없거나 공개되지 않은 평가입니다 / not found or not published")


def _csrf(request: Request) -> str | None:
    found = authenticated(request)
    return found.csrf_token if found else None


@router.get("/evaluation")
def index(request: Request, conn: ConnDep, actor: MaybeActorDep):
    schemes = ev.visible_schemes(conn, actor)
    ctx = {"title": "부서평가·시군종합평가", "schemes": schemes, "assigned": ev.assigned_schemes(conn, actor),
           "joint": ev.joint_list(conn) if actor is not None else [], "actor": actor,
           "PUBLICATION": ev.PUBLICATION, "json_href": "/api/v1/evaluations",
           "breadcrumbs": [(None, "부서평가·시군종합평가")]}
    return respond(request, "evaluation_index.html", ctx, None)


@router.get("/evaluation/{scheme_id}")
def results_page(request: Request, scheme_id: SchemeId, conn: ConnDep, actor: MaybeActorDep,
                 cycle: Annotated[int | None, Query(ge=0, le=10_000)] = None,
                 bonus: Annotated[int | None, Query(ge=0, le=10_000)] = None):
    try:
        data = ev.results(conn, actor, scheme_id)
    except ev.Hidden as e:
        raise _hidden(e) from None
    s = data["scheme"]
    ctx = {"title": f"{s['year']} {s['name']}", "data": data, "s": s, "KIND_LABELS": KIND_LABELS,
           "manager": ev.sees_all(actor), "json_href": f"/api/v1/evaluations/{scheme_id}/results",
           "csrf_token": _csrf(request), "PUBLICATION": ev.PUBLICATION, "cycle_written": cycle,
           "bonus_written": bonus, "bonus_sources": BONUS_SOURCES, "settings": request.app.state.settings,
           "breadcrumbs": CRUMBS + [(None, s["name"])]}
    return respond(request, "evaluation_results.html", ctx, None)


@router.get("/evaluation/{scheme_id}/results.xlsx")
def results_xlsx(request: Request, scheme_id: SchemeId, conn: ConnDep, actor: MaybeActorDep):
    """The result table as the page shows it to the reader (404 to whom it is not published)."""
    from ...reports.evaluation import evaluation_workbook

    try:
        data = ev.results(conn, actor, scheme_id)
    except ev.Hidden as e:
        raise _hidden(e) from None
    name = quote(f"{data['scheme']['year']}_{data['scheme']['name']}.xlsx")
    return Response(evaluation_workbook(data), media_type=XLSX_TYPE, headers={
        "Content-Disposition": f"attachment; filename=\"evaluation-{scheme_id}.xlsx\"; filename*=UTF-8''{name}"})


def _score_page(request: Request, data: dict[str, Any], *, errors: dict[str, str] | None = None,
                entered: dict[str, str] | None = None, saved: int | None = None, status: int = 200):
    s = data["scheme"]
    ctx = {"title": f"점수 입력 — {s['name']}", "data": data, "s": s, "errors": errors or {},
           "entered": entered or {}, "saved": saved, "csrf_token": _csrf(request), "KIND_LABELS": KIND_LABELS,
           "json_href": f"/api/v1/evaluations/{s['id']}/assignments/mine",
           "breadcrumbs": CRUMBS + [(f"/evaluation/{s['id']}", s["name"]), (None, "점수 입력")]}
    response = respond(request, "evaluation_score.html", ctx, None)
    response.status_code = status
    return response


def field_name(component: str, department: str) -> str:
    return f"score|{component}|{department}"


@router.get("/evaluation/{scheme_id}/score")
def score_form(request: Request, scheme_id: SchemeId, conn: ConnDep, actor: ActorDep,
               saved: Annotated[int | None, Query(ge=0, le=10_000)] = None):
    try:
        data = ev.my_assignments(conn, actor, scheme_id)
    except ev.Hidden as e:
        raise _hidden(e) from None
    return _score_page(request, data, saved=saved)


def _save_scores(engine, actor: Actor, scheme_id: int, form: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    """Every changed field of the actor's assignments, each its own write; (saved, errors by
    field, the assignments as they are now)."""
    with engine.connect() as conn:
        data = ev.my_assignments(conn, actor, scheme_id)
    saved, errors = 0, {}
    for a in data["assignments"]:
        name = field_name(a["component"], a["department"])
        text = (form.get(name) or "").strip()
        if not text or (a["score"] is not None and _same(text, a["score"])):
            continue
        version = form.get("version|" + name[len("score|"):]) or ""
        try:
            ev.score(engine, actor, scheme_id=scheme_id, component=a["component"], department=a["department"],
                     value=text, version=int(version) if version.isdigit() and len(version) < 18 else None)
            saved += 1
        except Stale:
            errors[name] = "다른 곳에서 먼저 고쳤습니다. 새로 읽은 값을 확인하고 다시 입력하십시오 / changed elsewhere"
        except (Invalid, Refused) as e:
            errors[name] = str(e)
    with engine.connect() as conn:
        return saved, errors, ev.my_assignments(conn, actor, scheme_id)


def _same(text: str, value: float) -> bool:
    try:
        return float(text) == float(value)
    except ValueError:
        return False


@router.post("/evaluation/{scheme_id}/score")
async def score_submit(request: Request, scheme_id: SchemeId, actor: ActorDep):
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and len(v) <= 50}
    try:
        async with request.app.state.connection_slots.held():
            saved, errors, data = await run_in_threadpool(_save_scores, request.app.state.engine, actor, scheme_id,
                                                          form)
    except ev.Hidden as e:
        raise _hidden(e) from None
    if errors:
        return _score_page(request, data, errors=errors, entered=form, saved=saved, status=422)
    return RedirectResponse(f"/evaluation/{scheme_id}/score?saved={saved}", status_code=303)


@router.post("/evaluation/{scheme_id}/cycle-scores")
async def cycle_scores_submit(request: Request, scheme_id: SchemeId, actor: ActorDep):
    """정량 추진실적 from the cycle's accepted results (the results page's form)."""
    from ... import evaluation_cycle

    form = await request.form()
    component = form.get("component")
    component = component if isinstance(component, str) and 0 < len(component) <= 50 else None
    try:
        async with request.app.state.connection_slots.held():
            out = await run_in_threadpool(evaluation_cycle.score_from_cycle, request.app.state.engine, actor,
                                          scheme_id=scheme_id, component=component)
    except ev.Hidden as e:
        raise _hidden(e) from None
    except Refused as e:
        raise HTTPException(403, str(e)) from None
    except Invalid as e:
        raise HTTPException(422, str(e)) from None
    return RedirectResponse(f"/evaluation/{scheme_id}?cycle={out['written']}#h-cycle", status_code=303)


@router.post("/evaluation/{scheme_id}/bonus-scores")
async def bonus_scores_submit(request: Request, scheme_id: SchemeId, actor: ActorDep):
    """가점 from 제안 채택·실시 or 협업포인트 (the results page's form)."""
    from ... import evaluation_bonus
    from ..api.evaluation import bonus_rule

    form = await request.form()

    def field(name: str) -> str | None:
        v = form.get(name)
        return v.strip() if isinstance(v, str) and 0 < len(v.strip()) <= 50 else None

    try:
        rule = bonus_rule(request, field("per_adopted"), field("per_implemented"))
        async with request.app.state.connection_slots.held():
            out = await run_in_threadpool(evaluation_bonus.score_from_figures, request.app.state.engine, actor,
                                          scheme_id=scheme_id, component=field("component") or "",
                                          source=field("source") or "", rule=rule)
    except ev.Hidden as e:
        raise _hidden(e) from None
    except Refused as e:
        raise HTTPException(403, str(e)) from None
    except Invalid as e:
        raise HTTPException(422, str(e)) from None
    return RedirectResponse(f"/evaluation/{scheme_id}?bonus={out['written']}#h-bonus", status_code=303)


# --- 시군종합평가 ---------------------------------------------------------------------------------


def _joint_page(request: Request, data: dict[str, Any], actor: Actor, *, errors: dict[str, str] | None = None,
                saved: int | None = None, status: int = 200, tasks: dict[str, Any] | None = None,
                task_form: dict[str, Any] | None = None, task_error: str | None = None, task_saved: bool = False):
    j = data["evaluation"]
    reportable = [i for i in (tasks or {}).get("indicators", []) if allowed(actor, "joint.task", i["department"])]
    ctx = {"title": f"{j['year']} {j['name']}", "data": data, "j": j, "p": data["projection"],
           "tasks": tasks, "reportable": reportable, "task_form": task_form or {}, "task_error": task_error,
           "task_saved": task_saved, "TASK_STATUSES": TASK_STATUSES,
           "errors": errors or {}, "saved": saved, "csrf_token": _csrf(request), "manager": ev.sees_all(actor),
           "json_href": f"/api/v1/joint-evaluations/{j['id']}", "breadcrumbs": CRUMBS + [(None, j["name"])]}
    response = respond(request, "joint.html", ctx, None)
    response.status_code = status
    return response


@router.get("/joint/{evaluation_id}")
def joint_page(request: Request, evaluation_id: SchemeId, conn: ConnDep, actor: ActorDep,
               city: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN)] = None,
               saved: Annotated[int | None, Query(ge=0, le=10_000)] = None,
               month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
               task: Annotated[int | None, Query(ge=0, le=1)] = None):
    try:
        data = ev.joint_projection(conn, evaluation_id, city=city or None)
        tasks = joint_tasks.tasks(conn, evaluation_id, month=month)
    except ev.Hidden as e:
        raise _hidden(e) from None
    except Invalid as e:
        raise HTTPException(422, str(e)) from None
    return _joint_page(request, data, actor, saved=saved, tasks=tasks, task_saved=bool(task))


@router.get("/joint/{evaluation_id}/tasks.xlsx")
def joint_tasks_xlsx(evaluation_id: SchemeId, conn: ConnDep, actor: ActorDep,
                     month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None):
    """The month's 부진지표 list and every monthly task as XLSX (signed in, as the page)."""
    from ...reports.evaluation import joint_tasks_workbook

    try:
        data = joint_tasks.tasks(conn, evaluation_id, month=month)
    except ev.Hidden as e:
        raise _hidden(e) from None
    except Invalid as e:
        raise HTTPException(422, str(e)) from None
    name = quote(f"{data['evaluation']['year']}_{data['evaluation']['name']}_{data['month'] or ''}_부진지표.xlsx")
    return Response(joint_tasks_workbook(data), media_type=XLSX_TYPE, headers={
        "Content-Disposition": f"attachment; filename=\"joint-{evaluation_id}-tasks.xlsx\"; filename*=UTF-8''{name}"})


TASK_FIELDS = ("indicator", "month", "task", "status", "target", "actual", "evidence", "note", "version")


@router.post("/joint/{evaluation_id}/tasks")
async def joint_task_submit(request: Request, evaluation_id: SchemeId, actor: ActorDep):
    """A month's 이행과제 of an indicator (the responsible department or the performance team).
    A month already reported comes back with its current version: sending again replaces it."""
    form = {k: v.strip() for k, v in (await request.form()).items()
            if k in TASK_FIELDS and isinstance(v, str) and len(v) <= 2000}
    version = form.get("version") or ""
    engine = request.app.state.engine

    def attempt():
        try:
            joint_tasks.enter_task(engine, actor, evaluation_id=evaluation_id, indicator=form.get("indicator", ""),
                                   month=form.get("month", ""), task=form.get("task", ""),
                                   status=form.get("status", ""), target=form.get("target") or None,
                                   actual=form.get("actual") or None, note=form.get("note") or None,
                                   evidence=form.get("evidence") or None,
                                   version=int(version) if version.isdigit() and len(version) < 18 else None)
            return None, form, 303
        except Stale as e:
            again = dict(form, version=str(e.current["version"])) if e.current else form
            return ("이 지표의 그 달 보고가 이미 있습니다 (아래 표). 다시 저장하면 이 내용으로 바꿉니다 / "
                    "already reported: send again to replace it", again, 409)
        except Refused:
            return "이 지표를 보고할 권한이 없습니다 (담당 부서만) / not allowed: joint.task", form, 403
        except Invalid as e:
            return str(e), form, 422

    def run():
        error, values, status = attempt()
        if status == 303:
            return error, values, status, None, None
        with engine.connect() as conn:
            return error, values, status, ev.joint_projection(conn, evaluation_id), joint_tasks.tasks(conn,
                                                                                                        evaluation_id)

    try:
        async with request.app.state.connection_slots.held():
            error, values, status, data, tasks = await run_in_threadpool(run)
    except ev.Hidden as e:
        raise _hidden(e) from None
    if status == 303:
        return RedirectResponse(f"/joint/{evaluation_id}?month={quote(form.get('month', ''))}&task=1#tasks",
                                status_code=303)
    return _joint_page(request, data, actor, tasks=tasks, task_form=values, task_error=error, status=status)


def _save_entries(engine, actor: Actor, evaluation_id: int, form: dict[str, str]):
    with engine.connect() as conn:
        data = ev.joint_projection(conn, evaluation_id)
    saved, errors = 0, {}
    for g in data["groups"]:
        for c in g["cities"]:
            new = {}
            for k in ("current_score", "previous_score"):
                text = (form.get(f"{k}|{c['city']}") or "").strip()
                new[k] = text or None
            if all(_same_or_none(new[k], c[k]) for k in new):
                continue
            try:
                ev.enter_joint(engine, actor, evaluation_id=evaluation_id, city=c["city"],
                               current_score=new["current_score"], previous_score=new["previous_score"],
                               version=_version(form.get(f"version|{c['city']}"), c["version"]))
                saved += 1
            except Stale:
                errors[c["city"]] = "다른 곳에서 먼저 고쳤습니다 / changed elsewhere"
            except (Invalid, Refused) as e:
                errors[c["city"]] = str(e)
    with engine.connect() as conn:
        return saved, errors, ev.joint_projection(conn, evaluation_id)


def _version(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 18 else default


def _same_or_none(text: str | None, value: float | None) -> bool:
    if text is None or value is None:
        return text is None and value is None
    return _same(text, value)


@router.post("/joint/{evaluation_id}")
async def joint_submit(request: Request, evaluation_id: SchemeId, actor: ActorDep):
    if not ev.sees_all(actor):
        raise HTTPException(403, "권한이 없습니다 / not allowed: joint.enter")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and len(v) <= 50}
    try:
        async with request.app.state.connection_slots.held():
            saved, errors, data = await run_in_threadpool(_save_entries, request.app.state.engine, actor,
                                                          evaluation_id, form)
    except ev.Hidden as e:
        raise _hidden(e) from None
    if errors:
        return _joint_page(request, data, actor, errors=errors, saved=saved, status=422)
    return RedirectResponse(f"/joint/{evaluation_id}?saved={saved}", status_code=303)

