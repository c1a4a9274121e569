"""성과관리 (the year's performance cycle, ``docs/cycle.md``): the pages staff use.

- ``/cycle`` (``?year=``): the years; a year's state, its departments with their plan status,
  the reporting windows, who is late, the lagging indicators, and the performance team's
  buttons (open, confirm, windows, close, reopen with a reason);
- ``/cycle/{year}/plan/{department}``: a department's plan — its indicators with the
  plan-quality findings beside them, carry over, create, edit (with the version read),
  submit (approver), confirm / return with a reason (performance team);
- ``/cycle/indicators/{plan_id}``: an indicator's period results with their evidence files,
  the form to enter or correct an actual (with an evidence file), submit, accept, return
  with a reason, and the audit trail of the records;
- ``/cycle/entries/{entry_id}``: one audit entry, the source every entered value links to;
- ``/cycle/evidence/{evidence_id}``: an evidence file, only to those allowed to read it;
- ``/cycle/report?year=``: the 성과보고서 tables made from the entered data.

Every page needs a signed-in account (the login page otherwise); editors and approvers see
their own department's plan and results only. Reads go through :mod:`sijeong.cycle`'s read
functions, writes through its operations (``operations.write``). Plain HTML POST forms with
the session's ``csrf_token`` (checked by ``require_actor``), redirect after POST; no script.
An operation's refusal never gives a 500: 403 page (role or department), 404 page (unknown),
the page again with the message beside the form for a stale edit (409, with the newer
value), a wrong state (409), a bad value (422) or a closed year (423).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Callable
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ... import cycle
from ...operations import Actor, Invalid, Refused, Stale
from ...store import views
from ..auth import ActorDep, authenticated
from ..deps import MAX_INT, TEXT_PATTERN, ConnDep, IdPath, MunicipalityParam, default_municipality
from ..render import respond

router = APIRouter(include_in_schema=False)

YearQ = Annotated[int | None, Query(ge=1990, le=2100, description="계획·회계연도")]
YearP = Annotated[int, Path(ge=1990, le=2100)]
DepartmentP = Annotated[str, Path(max_length=200, pattern=TEXT_PATTERN)]
EntryP = Annotated[int, Path(ge=1, le=MAX_INT)]

YEAR_STATUS = {"open": "계획 작성 중", "confirmed": "계획 확정 · 실적 입력 중", "closed": "결산 확정(잠김)"}
PLAN_STATUS = {"draft": "작성 중", "submitted": "제출됨", "confirmed": "확정", "none": "계획 없음"}
RESULT_STATUS = {"draft": "작성 중", "submitted": "제출됨", "accepted": "승인", "returned": "반려됨",
                 "missing": "미입력"}
#: a state → the badge class it is shown with (the text carries the meaning)
STATUS_CLASS = {"confirmed": "completed", "accepted": "completed", "closed": "completed", "submitted": "on_track",
                "open": "on_track", "returned": "on_hold", "missing": "on_hold", "draft": "partial", "none": ""}
DIRECTION = {"higher": "높을수록 좋음", "lower": "낮을수록 좋음"}
MEASURE = {"outcome": "결과지표", "output": "산출지표"}
RULE_NAMES = {"plan.target_not_ahead": "목표치가 전년도 실적보다 앞서지 않음",
              "plan.formula_missing": "측정산식 없음", "plan.formula_no_source": "자료출처 없음",
              "plan.output_indicator": "산출지표"}
ENTITY_LABELS = {"cycle_years": "연도", "cycle_indicators": "계획 지표", "cycle_results": "기간 실적",
                 "cycle_evidence": "증빙", "cycle_windows": "보고 기간"}
FIELD_LABELS = {"status": "상태", "target": "목표치", "weight": "가중치", "actual": "실적", "comment": "설명",
                "return_reason": "반려 사유", "unit": "단위", "formula": "측정산식", "data_source": "자료출처",
                "direction": "방향", "measure": "지표 유형", "policy_goal": "정책사업목표", "programs": "사업",
                "due_on": "마감일", "opens_on": "시작일", "closed_at": "결산 확정 시각"}
VIA_LABELS = {"web": "화면", "api": "API", "cli": "명령줄", "upload": "파일 올리기"}
EVIDENCE_ACCEPT = ".pdf,.hwp,.hwpx,.xlsx,.png,.jpg,.jpeg"
CRUMB = ("/cycle", "성과관리")


# --- small helpers -----------------------------------------------------------------------------


def period_label(period: str) -> str:
    year, _, part = period.partition("-")
    if not part:
        return f"{year}년 연간"
    if part[0] == "H":
        return f"{year}년 {'상' if part == 'H1' else '하'}반기"
    if part[0] == "Q":
        return f"{year}년 {part[1]}분기"
    return f"{year}년 {int(part[1:])}월"


def periods_of(year: int) -> list[str]:
    return ([f"{year}-Q{i}" for i in range(1, 5)] + [f"{year}-H1", f"{year}-H2", str(year)]
            + [f"{year}-M{i:02d}" for i in range(1, 13)])


def _csrf(request: Request) -> str | None:
    found = authenticated(request)
    return found.csrf_token if found else None


def _field(form, name: str, limit: int = 2000) -> str:
    v = form.get(name)
    return v.strip()[:limit + 1] if isinstance(v, str) else ""


def _version(form) -> int | None:
    v = _field(form, "version", 20)
    return int(v) if v.isdigit() and len(v) <= 9 else None


def _number(text: str) -> Any:
    """A number typed in a form (``1,234``, ``90.5``); blank → None; anything else is given to
    the operation as it is, which refuses it with its Korean message (422)."""
    t = text.replace(",", "").strip()
    if not t:
        return None
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return text


def _municipality(request: Request, conn, asked: str | None) -> str:
    m = asked or default_municipality(request, conn)
    request.state.municipality = m
    return m


def _own_department(actor: Actor, department: str) -> None:
    """Editors and approvers see their own department's plan and results only."""
    if actor.role in ("editor", "approver") and actor.department != department:
        raise HTTPException(403, f"권한이 없습니다: 다른 부서({department})의 성과계획입니다 / not allowed: "
                                 f"{actor.login} ({actor.role}) → {department}")


def _plan_href(year: int, department: str, m: str | None = None) -> str:
    tail = "?" + urlencode({"municipality": m}) if m else ""
    return f"/cycle/{year}/plan/{quote(department, safe='')}{tail}"


def _year_href(year: int, m: str) -> str:
    return "/cycle?" + urlencode({"year": year, "municipality": m})


def _ctx(request: Request, **kw: Any) -> dict[str, Any]:
    return {"csrf_token": _csrf(request), "period_label": period_label, "YEAR_STATUS": YEAR_STATUS,
            "PLAN_STATUS": PLAN_STATUS, "RESULT_STATUS": RESULT_STATUS, "STATUS_CLASS": STATUS_CLASS,
            "DIRECTION": DIRECTION, "MEASURE": MEASURE, "RULE_NAMES": RULE_NAMES, "plan_href": _plan_href,
            "year_href": _year_href, "fmt": _fmt, "shown": _shown, "carried_href": _carried_href, "error": None, **kw}


def _carried_href(carried_from: str | None) -> str | None:
    """The line last year's indicator was read from (``doc:line``), for the carried-over actual."""
    from ..links import source_href

    doc, _, line = (carried_from or "").rpartition(":")
    return source_href(doc, [int(line)]) if doc and line.isdigit() else None


def _shown(field: str | None, v: Any) -> str:
    """A value of the audit trail as the pages say it (states in Korean)."""
    if field == "status" and isinstance(v, str):
        return RESULT_STATUS.get(v) or PLAN_STATUS.get(v) or YEAR_STATUS.get(v) or v
    if field == "direction" and isinstance(v, str):
        return DIRECTION.get(v, v)
    if field == "measure" and isinstance(v, str):
        return MEASURE.get(v, v)
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return _fmt(v)


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(v)


def _page(request: Request, template: str, ctx: dict[str, Any], status: int = 200):
    response = respond(request, template, ctx, None)
    response.status_code = status
    return response


class Failure:
    """An operation's refusal to show on the page: the HTTP status, the Korean message, which
    form (and field) it concerns, what was typed."""

    def __init__(self, status: int, message: str, form: str, field: str | None = None,
                 values: dict[str, Any] | None = None) -> None:
        self.status, self.message, self.form, self.field, self.values = status, message, form, field, values or {}


def _failure(e: Exception, form: str, field: str | None = None, values: dict[str, Any] | None = None) -> Failure:
    if isinstance(e, Stale):
        cur = e.current or {}
        newer = ", ".join(f"{FIELD_LABELS.get(k, k)} {_shown(k, cur.get(k))}" for k in ("actual", "target", "weight", "status")
                          if k in cur)
        msg = ("다른 사용자가 먼저 고쳤습니다. 입력하신 값은 저장하지 않았습니다. 아래는 새로 고쳐진 값입니다"
               + (f"(최신: {newer})" if newer else "") + ". 확인한 뒤 다시 저장하십시오.")
        return Failure(409, msg, form, None, {})
    if isinstance(e, cycle.Locked):
        return Failure(423, f"이 연도는 결산 확정되어 잠겼습니다. 성과관리팀이 다시 열어야 고칠 수 있습니다. ({e})", form)
    if isinstance(e, cycle.WrongState):
        return Failure(409, str(e), form, None, values)
    return Failure(422, str(e), form, field, values)


async def _run(request: Request, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """An operation of :mod:`sijeong.cycle` in a worker thread, holding one of the app's
    connection slots. Refused → 403, NotFound → 404 (error pages); Stale, Locked,
    WrongState, Invalid are raised for the caller to show beside its form."""
    state = request.app.state
    try:
        async with state.connection_slots.held():
            return await run_in_threadpool(fn, state.engine, *args, **kwargs)
    except Refused as e:
        raise HTTPException(403, str(e)) from None
    except cycle.NotFound as e:
        raise HTTPException(404, str(e)) from None


async def _read(request: Request, fn: Callable[..., Any]) -> Any:
    """A read on a connection of its own (a POST route holds none)."""
    state = request.app.state

    def run():
        with state.engine.connect() as conn:
            try:
                return fn(conn)
            except cycle.NotFound as e:
                raise HTTPException(404, str(e)) from None

    async with state.connection_slots.held():
        return await run_in_threadpool(run)


OP_ERRORS = (Stale, cycle.Locked, cycle.WrongState, Invalid)


# --- the year --------------------------------------------------------------------------------


def _year_page(request: Request, conn, actor: Actor, m: str, year: int | None, failure: Failure | None = None):
    years = cycle.years(conn, m)
    can_open = cycle.can(actor, "cycle.open")
    crumbs = [(None, "성과관리")] if year is None else [CRUMB, (None, f"{year}년")]
    ctx = _ctx(request, title="성과관리" if year is None else f"{year}년 성과관리", years=years, year=year, m=m,
               actor=actor, can_open=can_open, cyc=None, failure=failure, breadcrumbs=crumbs,
               json_href="/api/v1/cycle/years?" + urlencode({"municipality": m}),
               suggested=(max((y["year"] for y in years), default=dt.date.today().year - 1) + 1))
    cyc = next((y for y in years if y["year"] == year), None) if year is not None else None
    if cyc is not None:
        plan = cycle.plan(conn, m, year)
        depts: dict[str, dict[str, Any]] = {}
        for r in plan["indicators"]:
            d = depts.setdefault(r["department"], {"department": r["department"], "counts": {}, "findings": 0})
            d["counts"][r["status"]] = d["counts"].get(r["status"], 0) + 1
        for f in plan["findings"]:
            if f.get("department") in depts:
                depts[f["department"]]["findings"] += 1
        for name in views.departments(conn, m, year - 1):
            if name and name not in depts:
                depts[name] = {"department": name, "counts": {}, "findings": 0}
        for d in depts.values():
            c = d["counts"]
            d["status"] = ("none" if not c else "draft" if c.get("draft") else "submitted" if c.get("submitted")
                           else "confirmed")
        rows = sorted(depts.values(), key=lambda d: d["department"])
        if actor.role in ("editor", "approver"):
            rows = [d for d in rows if d["department"] == actor.department]
            if actor.department and not rows:  # a department new this year: its (empty) plan to start
                rows = [{"department": actor.department, "counts": {}, "findings": 0, "status": "none"}]
        accepted_annual = any(r["period"] == str(year) and r["status"] == "accepted"
                              for r in cycle.year_results(conn, m, year))
        ctx.update(cyc=cyc, departments=rows, windows=cycle.windows(conn, m, year),
                   late=cycle.late(conn, m, year), lagging=cycle.lagging(conn, m, year),
                   submitted=sum(d["counts"].get("submitted", 0) for d in depts.values()),
                   report_ready=accepted_annual,
                   can_close=cycle.can(actor, "cycle.close"), can_reopen=cycle.can(actor, "cycle.reopen"),
                   can_window=cycle.can(actor, "cycle.window"), can_confirm=cycle.can(actor, "plan.confirm"),
                   periods=periods_of(year), json_href=f"/api/v1/cycle/years/{year}/plan?" + urlencode({"municipality": m}))
    return _page(request, "cycle_year.html", ctx, failure.status if failure else 200)


@router.get("/cycle")
def year_page(request: Request, conn: ConnDep, actor: ActorDep, municipality: MunicipalityParam = None,
              year: YearQ = None):
    m = _municipality(request, conn, municipality)
    return _year_page(request, conn, actor, m, year)


async def _year_form(request: Request) -> tuple[Any, str, int | None]:
    form = await request.form()
    m = _field(form, "municipality", 100) or request.app.state.settings.municipality
    y = _field(form, "year", 4)
    return form, m, int(y) if y.isdigit() and len(y) == 4 else None


async def _year_again(request: Request, actor: Actor, m: str, year: int | None, failure: Failure):
    request.state.municipality = m
    return await _read(request, lambda conn: _year_page(request, conn, actor, m, year, failure))


@router.post("/cycle/open")
async def open_year(request: Request, actor: ActorDep):
    form, m, year = await _year_form(request)
    try:
        if year is None:
            raise Invalid("연도는 네 자리 숫자입니다(예: 2025) / the year is four digits")
        await _run(request, cycle.open_year, actor, municipality=m, year=year)
    except OP_ERRORS as e:
        return await _year_again(request, actor, m, None, _failure(e, "open", "year", {"year": _field(form, "year", 10)}))
    return RedirectResponse(_year_href(year, m), status_code=303)


@router.post("/cycle/{year}/close")
async def close_year(request: Request, actor: ActorDep, year: YearP):
    form, m, _ = await _year_form(request)
    try:
        await _run(request, cycle.close_year, actor, municipality=m, year=year, version=_version(form))
    except OP_ERRORS as e:
        return await _year_again(request, actor, m, year, _failure(e, "close"))
    return RedirectResponse(_year_href(year, m), status_code=303)


@router.post("/cycle/{year}/reopen")
async def reopen_year(request: Request, actor: ActorDep, year: YearP):
    form, m, _ = await _year_form(request)
    try:
        await _run(request, cycle.reopen_year, actor, municipality=m, year=year, reason=_field(form, "reason"),
                   version=_version(form))
    except OP_ERRORS as e:
        return await _year_again(request, actor, m, year, _failure(e, "reopen", "reason"))
    return RedirectResponse(_year_href(year, m), status_code=303)


@router.post("/cycle/{year}/windows")
async def set_window(request: Request, actor: ActorDep, year: YearP):
    form, m, _ = await _year_form(request)
    values = {k: _field(form, k, 20) for k in ("period", "due_on", "opens_on")}
    try:
        await _run(request, cycle.set_window, actor, municipality=m, year=year, period=values["period"],
                   due_on=values["due_on"] or None, opens_on=values["opens_on"] or None, version=_version(form))
    except OP_ERRORS as e:
        if isinstance(e, Stale) and e.current:
            msg = (f"{period_label(values['period'])}의 보고 기간이 이미 있습니다(마감 {e.current.get('due_on')}). "
                   "아래 목록의 '마감일 바꾸기'로 고치십시오.")
            failure = Failure(409, msg, "window", "period", values)
        else:
            failure = _failure(e, "window", "period" if "기간 형식" in str(e) else "due_on", values)
        return await _year_again(request, actor, m, year, failure)
    return RedirectResponse(_year_href(year, m) + "#windows", status_code=303)


@router.post("/cycle/{year}/confirm")
async def confirm_all(request: Request, actor: ActorDep, year: YearP):
    """Confirm every submitted plan of the year (the year page's button)."""
    form, m, _ = await _year_form(request)
    try:
        await _run(request, cycle.confirm_plan, actor, municipality=m, year=year, department=None)
    except OP_ERRORS as e:
        return await _year_again(request, actor, m, year, _failure(e, "confirm"))
    return RedirectResponse(_year_href(year, m), status_code=303)


# --- a department's plan -----------------------------------------------------------------------


def _plan_page(request: Request, conn, actor: Actor, m: str, year: int, department: str,
               failure: Failure | None = None):
    _own_department(actor, department)
    request.state.municipality = m
    plan = cycle.plan(conn, m, year, department)
    cyc = plan["year"]
    inds = plan["indicators"]
    ids = [r["id"] for r in inds]
    entries = {f: cycle.entries_of(conn, "cycle_indicators", ids, f) for f in ("name", "target", "weight")}
    findings: dict[str, list[dict[str, Any]]] = {}
    for f in plan["findings"]:
        findings.setdefault(f.get("subject") or "", []).append(f)
    counts = {s: sum(1 for r in inds if r["status"] == s) for s in ("draft", "submitted", "confirmed")}
    plan_open = cyc["status"] == "open"
    ctx = _ctx(request, title=f"{year}년 {department} 성과계획", m=m, year=year, department=department, cyc=cyc,
               indicators=inds, findings=findings, entries=entries, counts=counts, failure=failure, actor=actor,
               plan_open=plan_open,
               can_edit=plan_open and cycle.can(actor, "plan.edit", department),
               can_carry=plan_open and cycle.can(actor, "plan.carry_over", department),
               can_submit=plan_open and counts["draft"] > 0 and cycle.can(actor, "plan.submit", department),
               can_confirm=plan_open and counts["submitted"] > 0 and cycle.can(actor, "plan.confirm", department),
               can_return=plan_open and counts["submitted"] > 0 and cycle.can(actor, "plan.return", department),
               json_href=f"/api/v1/cycle/years/{year}/plan?" + urlencode({"municipality": m, "department": department}),
               breadcrumbs=[CRUMB, (_year_href(year, m), f"{year}년"), (None, department)])
    return _page(request, "cycle_plan.html", ctx, failure.status if failure else 200)


@router.get("/cycle/{year}/plan")
def start_plan(request: Request, conn: ConnDep, actor: ActorDep, year: YearP,
               department: Annotated[str, Query(min_length=1, max_length=200, pattern=TEXT_PATTERN,
                                                description="계획을 쓸 부서")],
               municipality: MunicipalityParam = None):
    """The year page's "새 부서의 계획" form (a GET form): to the department's plan page, where its
    first indicator is created (a department new this year has none to carry over)."""
    m = _municipality(request, conn, municipality)
    return RedirectResponse(_plan_href(year, department.strip(), m), status_code=303)


@router.get("/cycle/{year}/plan/{department}")
def plan_page(request: Request, conn: ConnDep, actor: ActorDep, year: YearP, department: DepartmentP,
              municipality: MunicipalityParam = None):
    m = _municipality(request, conn, municipality)
    try:
        return _plan_page(request, conn, actor, m, year, department)
    except cycle.NotFound as e:
        raise HTTPException(404, str(e)) from None


async def _plan_again(request: Request, actor: Actor, m: str, year: int, department: str, failure: Failure):
    return await _read(request, lambda conn: _plan_page(request, conn, actor, m, year, department, failure))


def _back_to_plan(year: int, department: str, m: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(_plan_href(year, department, m) + anchor, status_code=303)


EDIT_FIELDS = ("target", "weight", "unit", "formula", "data_source", "direction", "measure", "policy_goal")


def _plan_values(form) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in EDIT_FIELDS:
        text = _field(form, k)
        out[k] = _number(text) if k in ("target", "weight") else (text or None)
    return out


@router.post("/cycle/{year}/plan/{department}/carry-over")
async def carry_over(request: Request, actor: ActorDep, year: YearP, department: DepartmentP):
    form, m, _ = await _year_form(request)
    try:
        await _run(request, cycle.carry_over, actor, municipality=m, year=year, department=department)
    except OP_ERRORS as e:
        return await _plan_again(request, actor, m, year, department, _failure(e, "carry"))
    return _back_to_plan(year, department, m, "#indicators")


@router.post("/cycle/{year}/plan/{department}/indicators")
async def create_indicator(request: Request, actor: ActorDep, year: YearP, department: DepartmentP):
    form, m, _ = await _year_form(request)
    values = _plan_values(form)
    name = _field(form, "name", 500)
    try:
        await _run(request, cycle.create_indicator, actor, municipality=m, year=year, department=department,
                   name=name, **{k: v for k, v in values.items() if v is not None})
    except OP_ERRORS as e:
        text = str(e)
        field = next((k for k, w in (("weight", "가중치"), ("target", "목표치"), ("direction", "방향"),
                                     ("measure", "지표 유형")) if w in text), "name")
        return await _plan_again(request, actor, m, year, department,
                                 _failure(e, "create", field, {"name": name, **{k: _field(form, k) for k in EDIT_FIELDS}}))
    return _back_to_plan(year, department, m, "#indicators")


@router.post("/cycle/plan-indicators/{plan_id}")
async def edit_indicator(request: Request, actor: ActorDep, plan_id: IdPath):
    form = await request.form()
    ind = await _read(request, lambda conn: cycle.record(conn, "cycle_indicators", plan_id))
    m, year, department = ind["municipality"], ind["year"], ind["department"]
    values = _plan_values(form)
    try:
        await _run(request, cycle.edit_indicator, actor, plan_id, values, version=_version(form))
    except OP_ERRORS as e:
        text = str(e)
        field = "weight" if "가중치" in text else "target"
        failure = _failure(e, f"edit-{plan_id}", field, {k: _field(form, k) for k in EDIT_FIELDS})
        return await _plan_again(request, actor, m, year, department, failure)
    return _back_to_plan(year, department, m, f"#ind-{plan_id}")


async def _plan_step(request: Request, actor: Actor, year: int, department: str, fn, key: str, **kw: Any):
    form, m, _ = await _year_form(request)
    if "reason" in kw:
        kw["reason"] = _field(form, "reason")
    try:
        await _run(request, fn, actor, municipality=m, year=year, department=department, **kw)
    except OP_ERRORS as e:
        return await _plan_again(request, actor, m, year, department, _failure(e, key, "reason"))
    return _back_to_plan(year, department, m)


@router.post("/cycle/{year}/plan/{department}/submit")
async def submit_plan(request: Request, actor: ActorDep, year: YearP, department: DepartmentP):
    return await _plan_step(request, actor, year, department, cycle.submit_plan, "submit")


@router.post("/cycle/{year}/plan/{department}/confirm")
async def confirm_plan(request: Request, actor: ActorDep, year: YearP, department: DepartmentP):
    return await _plan_step(request, actor, year, department, cycle.confirm_plan, "confirm")


@router.post("/cycle/{year}/plan/{department}/return")
async def return_plan(request: Request, actor: ActorDep, year: YearP, department: DepartmentP):
    return await _plan_step(request, actor, year, department, cycle.return_plan, "return", reason=None)


# --- an indicator's results ----------------------------------------------------------------------


def _trail(conn, plan_id: int, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [dict(a, record="계획 지표") for a in cycle.audit(conn, "cycle_indicators", plan_id)]
    for r in results:
        rows += [dict(a, record=period_label(r["period"])) for a in cycle.audit(conn, "cycle_results", r["id"])]
        for e in r["evidence"]:
            rows += [dict(a, record=f"{period_label(r['period'])} 증빙") for a in cycle.audit(conn, "cycle_evidence", e["id"])]
    rows = [a for a in rows if a["field"] not in ("version",)]
    rows.sort(key=lambda a: a["id"])
    return rows


def _granularity(period: str) -> int:
    """Month before quarter before half before the year, for periods ending together."""
    part = period.partition("-")[2]
    return {"M": 0, "Q": 1, "H": 2}.get(part[:1], 3)


def _results_page(request: Request, conn, actor: Actor, plan_id: int, failure: Failure | None = None):
    data = cycle.results(conn, plan_id)
    ind = data["indicator"]
    _own_department(actor, ind["department"])
    request.state.municipality = m = ind["municipality"]
    results = sorted(data["results"], key=lambda r: (cycle.period_fraction(r["period"]), _granularity(r["period"])))
    rids = [r["id"] for r in results]
    entries = {f: cycle.entries_of(conn, "cycle_results", rids, f) for f in ("actual", "comment", "status")}
    ind_entries = {f: cycle.entries_of(conn, "cycle_indicators", [plan_id], f).get(plan_id)
                   for f in ("name", "target", "weight")}
    cyc = next(y for y in cycle.years(conn, m) if y["year"] == ind["year"])
    dept = ind["department"]
    taken = {r["period"] for r in results}
    open_year = cyc["status"] != "closed"
    ctx = _ctx(request, title=f"{ind['name']} — {ind['year']}년 기간 실적", ind=ind, results=results, m=m,
               year=ind["year"], cyc=cyc, entries=entries, ind_entries=ind_entries, failure=failure, actor=actor,
               trail=_trail(conn, plan_id, results), ENTITY_LABELS=ENTITY_LABELS, FIELD_LABELS=FIELD_LABELS,
               VIA_LABELS=VIA_LABELS, free_periods=[p for p in periods_of(ind["year"]) if p not in taken],
               can_enter=open_year and ind["status"] == "confirmed" and cycle.can(actor, "result.enter", dept),
               can_evidence=open_year and cycle.can(actor, "result.evidence", dept),
               can_submit=open_year and cycle.can(actor, "result.submit", dept),
               can_accept=open_year and cycle.can(actor, "result.accept", dept),
               can_return=open_year and cycle.can(actor, "result.return", dept),
               may_read=cycle.may_read_evidence(actor, dept), accept=EVIDENCE_ACCEPT,
               max_mb=request.app.state.settings.evidence_max_bytes / 1024 / 1024,
               json_href=f"/api/v1/plan-indicators/{plan_id}/results",
               breadcrumbs=[CRUMB, (_year_href(ind["year"], m), f"{ind['year']}년"),
                            (_plan_href(ind["year"], dept, m), dept), (None, ind["name"])])
    return _page(request, "cycle_results.html", ctx, failure.status if failure else 200)


@router.get("/cycle/indicators/{plan_id}")
def results_page(request: Request, conn: ConnDep, actor: ActorDep, plan_id: IdPath):
    try:
        return _results_page(request, conn, actor, plan_id)
    except cycle.NotFound as e:
        raise HTTPException(404, str(e)) from None


async def _results_again(request: Request, actor: Actor, plan_id: int, failure: Failure):
    return await _read(request, lambda conn: _results_page(request, conn, actor, plan_id, failure))


def _back_to_results(plan_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/cycle/indicators/{plan_id}{anchor}", status_code=303)


@router.post("/cycle/indicators/{plan_id}/results")
async def enter_result(request: Request, actor: ActorDep, plan_id: IdPath):
    """Enter or correct a period's actual (multipart: with an evidence file, checked by its
    content before anything is written)."""
    form = await request.form()
    period, actual_text, comment = _field(form, "period", 20), _field(form, "actual", 60), _field(form, "comment")
    key = f"result-{period}" if _version(form) is not None else "result-new"
    values = {"period": period, "actual": actual_text, "comment": comment}
    upload = form.get("file")
    has_file = upload is not None and not isinstance(upload, str) and bool(upload.filename)
    settings = request.app.state.settings
    data = await upload.read(settings.evidence_max_bytes + 1) if has_file else b""
    try:
        if not actual_text:
            raise Invalid("실적 값이 필요합니다 / actual is required")
        if has_file:  # checked before anything is written
            cycle.check_upload(upload.filename, data, max_bytes=settings.evidence_max_bytes)
    except Invalid as e:
        field = "file" if has_file and "실적" not in str(e) else "actual"
        return await _results_again(request, actor, plan_id, _failure(e, key, field, values))
    try:
        row, _created = await _run(request, cycle.enter_result, actor, plan_id, period=period,
                                   actual=_number(actual_text), comment=comment or None, version=_version(form))
    except OP_ERRORS as e:
        field = "period" if "기간" in str(e) else "actual"
        return await _results_again(request, actor, plan_id, _failure(e, key, field, values))
    if has_file:
        try:
            await _run(request, cycle.add_evidence, actor, row["id"], file_name=upload.filename, data=data,
                       directory=settings.evidence_dir, max_bytes=settings.evidence_max_bytes)
        except OP_ERRORS as e:
            return await _results_again(request, actor, plan_id, _failure(e, f"result-{period}", "file", values))
    return _back_to_results(plan_id, f"#r-{row['id']}")


async def _result_step(request: Request, actor: Actor, result_id: int, fn, key: str, **kw: Any):
    form = await request.form()
    res = await _read(request, lambda conn: cycle.record(conn, "cycle_results", result_id))
    if "reason" in kw:
        kw["reason"] = _field(form, "reason")
    try:
        await _run(request, fn, actor, result_id, version=_version(form), **kw)
    except OP_ERRORS as e:
        return await _results_again(request, actor, res["indicator_id"],
                                    _failure(e, f"{key}-{result_id}", "reason", {"reason": kw.get("reason")}))
    return _back_to_results(res["indicator_id"], f"#r-{result_id}")


@router.post("/cycle/results/{result_id}/submit")
async def submit_result(request: Request, actor: ActorDep, result_id: IdPath):
    return await _result_step(request, actor, result_id, cycle.submit_result, "submit")


@router.post("/cycle/results/{result_id}/accept")
async def accept_result(request: Request, actor: ActorDep, result_id: IdPath):
    return await _result_step(request, actor, result_id, cycle.accept_result, "accept")


@router.post("/cycle/results/{result_id}/return")
async def return_result(request: Request, actor: ActorDep, result_id: IdPath):
    return await _result_step(request, actor, result_id, cycle.return_result, "return", reason=None)


@router.get("/cycle/evidence/{evidence_id}")
def evidence(request: Request, conn: ConnDep, actor: ActorDep, evidence_id: IdPath):
    """An evidence file: only to those allowed to read it (``cycle.evidence_file``)."""
    try:
        row, path = cycle.evidence_file(conn, actor, evidence_id, request.app.state.settings.evidence_dir)
    except Refused as e:
        raise HTTPException(403, str(e)) from None
    except cycle.NotFound as e:
        raise HTTPException(404, str(e)) from None
    return FileResponse(path, media_type=cycle.MEDIA_TYPES[row["content_type"]], filename=row["file_name"],
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


# --- provenance and the report --------------------------------------------------------------------


def _record_href(conn, entity: str, entity_id: int | None) -> str | None:
    if entity_id is None:
        return None
    try:
        row = cycle.record(conn, entity, entity_id)
    except cycle.NotFound:
        return None
    if entity == "cycle_indicators":
        return f"/cycle/indicators/{entity_id}" if row["status"] == "confirmed" else \
            _plan_href(row["year"], row["department"], row["municipality"]) + f"#ind-{entity_id}"
    if entity == "cycle_results":
        return f"/cycle/indicators/{row['indicator_id']}#r-{entity_id}"
    if entity == "cycle_evidence":
        return _record_href(conn, "cycle_results", row["result_id"])
    return _year_href(row["year"], row["municipality"])


@router.get("/cycle/entries/{entry_id}")
def entry_page(request: Request, conn: ConnDep, actor: ActorDep, entry_id: EntryP):
    """One audit entry: who entered a value, when, through what, old → new."""
    try:
        e = cycle.entry(conn, entry_id)
    except cycle.NotFound as err:
        raise HTTPException(404, str(err)) from None
    if e["entity"] not in cycle.AUDITED:
        raise HTTPException(404, f"성과관리 입력 기록이 아닙니다 / not an entry of the cycle: {entry_id}")
    if e.get("municipality"):
        request.state.municipality = e["municipality"]
    ctx = _ctx(request, title=f"입력 기록 {entry_id}", e=e, href=_record_href(conn, e["entity"], e["entity_id"]),
               ENTITY_LABELS=ENTITY_LABELS, FIELD_LABELS=FIELD_LABELS, VIA_LABELS=VIA_LABELS,
               json_href=f"/api/v1/entries/{entry_id}", breadcrumbs=[CRUMB, (None, f"입력 기록 {entry_id}")])
    return _page(request, "cycle_entry.html", ctx)


def _cell_href(source: Any, doc_name: str) -> str | None:
    from ..links import source_href

    if source is None:
        return None
    if source.doc == doc_name and source.line:
        return f"/cycle/entries/{source.line}"
    return source_href(source.doc, [source.line] if source.line else [])


@router.get("/cycle/report")
def report_page(request: Request, conn: ConnDep, actor: ActorDep, year: YearQ = None,
                municipality: MunicipalityParam = None):
    """The 성과보고서 tables made from the year's entered data (its accepted annual results);
    without a year, the latest year of the cycle."""
    from ...reports import tables
    from ...reports.html import cell_text

    m = _municipality(request, conn, municipality)
    if year is None:
        known = [y["year"] for y in cycle.years(conn, m)]
        if not known:
            return RedirectResponse("/cycle?" + urlencode({"municipality": m}), status_code=303)
        year = max(known)
    docs = cycle.entered_documents(conn, m, year)
    name = cycle.entry_name(year)
    shown = []
    built = [tables.build("indicators", docs, year, None, municipality=m)] if docs else []
    try:
        built.append(cycle.plan_book(conn, m, year))
    except cycle.NotFound:
        pass
    for t in built:
        if not t.rows:
            continue
        rows = [[{"text": cell_text(c), "href": _cell_href(c.source, name), "kind": c.kind, "col_span": c.col_span,
                  "row_span": c.row_span, "computed": c.computed} for c in r.cells] for r in t.rows]
        shown.append({"title": t.title, "unit_note": t.unit_note, "header": t.header, "rows": rows,
                      "groups": [r.is_group for r in t.rows]})
    ctx = _ctx(request, title=f"{year}년 성과보고서 (입력 자료)", year=year, m=m, tables=shown, doc_name=name,
               json_href=f"/api/v1/cycle/years/{year}/report/indicators?" + urlencode({"municipality": m}),
               breadcrumbs=[CRUMB, (_year_href(year, m), f"{year}년"), (None, "성과보고서")])
    return _page(request, "cycle_report.html", ctx)


# --- the dashboard's panel --------------------------------------------------------------------------


def late_panel(conn, municipality: str) -> list[dict[str, Any]]:
    """Who is late, over the municipality's years that are not closed (the dashboard's panel
    for signed-in staff)."""
    out = []
    for y in cycle.years(conn, municipality):
        if y["status"] != "closed":
            out += [dict(r, year=y["year"]) for r in cycle.late(conn, municipality, y["year"])]
    return out
