"""The year's performance cycle entered in sijeong (issue 11 parts 2, 3, 6, 7, 8; ``docs/cycle.md``).

A municipality-year is opened by the performance team (``open``), its plan is written —
indicators carried over from last year's stored ones or created, targets and weights
entered — submitted by each department's approver and confirmed by the performance team
(``confirmed``); editors then record period results (month, quarter, half, year) with
evidence files, approvers submit them, the performance team accepts them or returns them
with a reason. Closing the year (결산 확정, ``closed``) locks all of it; reopening is a
recorded act with a reason.

Every change goes through :func:`sijeong.operations.write` (role and department check, one
transaction, the append-only audit log). Every edit of an existing row is a compare-and-swap
on its ``version``: a stale edit raises :class:`~sijeong.operations.Stale` with the newer row
and writes nothing.

What was entered and confirmed/accepted is published as a model :class:`Document` (family
``entry``, named ``입력 {year} 성과관리``) whose indicators carry as their source the audit
entry that entered each value — ``Source(doc, line=<audit_log id>)`` — the way a read value
carries its line. It is saved with the documents, re-checked by the rules in the same
transaction, and the report code makes the 성과보고서 tables from it exactly as from a read
document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import uuid
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from .model import Document, Figure, Finding, Indicator, PolicyGoal, Source
from .operations import Actor, Invalid, Refused, Stale, allowed, write
from .reports.base import ReportCell, ReportRow, ReportTable, header
from .rules import infer_direction
from .store import cycle as q
from .store import repository, writes

ENTRY_FAMILY = "entry"
PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|M(0[1-9]|1[0-2])))?$")
#: the fields of a plan indicator an editor may set (besides department and name at creation)
PLAN_FIELDS = ("policy_goal", "programs", "unit", "formula", "data_source", "direction", "measure", "target", "weight")
MEASURES = ("outcome", "output")
#: units whose value is a level, not a count that adds up over the year (projected as is)
LEVEL_UNITS = frozenset({"%", "%p", "점", "점수", "등급", "배", "위", "‰", "순위", "지수"})
#: words that mark an output indicator (산출지표) when it does not say what it measures
OUTPUT_WORDS = re.compile(r"(건수|횟수|개최|실시|참여자\s*수|설치|발간|배부|교육\s*인원|운영\s*횟수)")
MAX_TEXT = 2000
#: ``comment=KEEP`` on a correction keeps the comment the result has
KEEP = object()
MAX_ABS = 1e15


class Locked(Exception):
    """The year is closed (결산 확정): nothing of it may change — HTTP 423."""


class WrongState(Exception):
    """The record is not in a state the operation applies to (submitted already …) — HTTP 409."""


class NotFound(Exception):
    """No such year, indicator, result or file — HTTP 404."""


def entry_name(year: int) -> str:
    return f"입력 {year} 성과관리"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- checks shared by the operations --------------------------------------------------------


def _year(conn, municipality: str, year: int, *, unlocked: bool = True) -> dict[str, Any]:
    row = q.year_row(conn, municipality, year)
    if row is None:
        raise NotFound(f"열리지 않은 연도입니다 / no cycle opened for {municipality} {year}")
    if unlocked and row["status"] == "closed":
        raise Locked(f"{year}년은 결산 확정되어 잠겼습니다. 다시 열어야 고칠 수 있습니다 / "
                     f"{municipality} {year} is closed (결산 확정) and locked; reopen it to change anything")
    return row


def _row(conn, entity: str, row_id: int, label: str) -> dict[str, Any]:
    row = writes.get_row(conn, entity, row_id)
    if row is None:
        raise NotFound(f"{label}을(를) 찾을 수 없습니다 / no such {entity}: {row_id}")
    return row


def _check_version(row: dict[str, Any], version: int | None, entity: str) -> int:
    """The version the actor read; ``None`` takes the row as it is now (no stale check)."""
    if version is not None and version != row["version"]:
        raise Stale(entity, row["id"], row)
    return row["version"]


def _number(value: Any, what: str, *, required: bool = False) -> float | int | None:
    if value is None:
        if required:
            raise Invalid(f"{what} 값이 필요합니다 / {what} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid(f"{what}은(는) 숫자여야 합니다 / {what} must be a number: {value!r}")
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        raise Invalid(f"{what} 값이 범위를 벗어났습니다 / {what} out of range: {value!r}")
    return value


def _text(value: Any, what: str, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"{what}이(가) 필요합니다 / {what} is required")
        return None
    if not isinstance(value, str):
        raise Invalid(f"{what}은(는) 글자여야 합니다 / {what} must be text")
    if len(value) > limit or re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        raise Invalid(f"{what}이(가) 너무 길거나 제어 문자가 있습니다 / {what} too long or holds control characters")
    return value.strip()


def parse_period(period: Any, year: int) -> str:
    """``2025`` / ``2025-H1`` / ``2025-Q3`` / ``2025-M07`` of the indicator's year."""
    if not isinstance(period, str) or not PERIOD.match(period):
        raise Invalid(f"기간 형식이 틀렸습니다(예: {year}, {year}-H1, {year}-Q1, {year}-M03) / "
                      f"bad period {period!r} (e.g. {year}, {year}-H1, {year}-Q1, {year}-M03)")
    if int(period[:4]) != year:
        raise Invalid(f"기간 {period}이(가) 지표의 연도 {year}와 다릅니다 / period {period} is not of the plan year {year}")
    return period


def period_fraction(period: str) -> float:
    """The share of the year elapsed at the end of the period."""
    m = PERIOD.match(period)
    part = m.group(2) if m else None
    if part is None:
        return 1.0
    if part[0] == "Q":
        return int(part[1]) * 3 / 12
    if part[0] == "H":
        return int(part[1]) * 6 / 12
    return int(part[1:]) / 12


def _plan_values(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k not in PLAN_FIELDS:
            raise Invalid(f"고칠 수 없는 항목입니다 / not a plan field: {k!r}")
        if k in ("target", "weight"):
            out[k] = _number(v, {"target": "목표치", "weight": "가중치"}[k])
            if k == "weight" and out[k] is not None and not 0 <= out[k] <= 100:
                raise Invalid("가중치는 0~100이어야 합니다 / weight must be 0–100")
        elif k == "direction":
            if v not in (None, "higher", "lower"):
                raise Invalid("방향은 higher 또는 lower입니다 / direction is higher or lower")
            out[k] = v
        elif k == "measure":
            if v not in (None, *MEASURES):
                raise Invalid("지표 유형은 outcome(결과) 또는 output(산출)입니다 / measure is outcome or output")
            out[k] = v
        elif k == "programs":
            if v is not None and (not isinstance(v, list) or not all(isinstance(p, str) for p in v) or len(v) > 200):
                raise Invalid("사업 목록은 글자 목록이어야 합니다 / programs must be a list of names")
            out[k] = None if v is None else [_text(p, "사업 / program", required=True, limit=500) for p in v]
        else:
            out[k] = _text(v, k)
    return out


# --- the year ---------------------------------------------------------------------------------


def open_year(engine, actor: Actor, *, municipality: str, year: int) -> dict[str, Any]:
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise Invalid(f"연도가 올바르지 않습니다 / bad year: {year!r}")
    with write(engine, actor, "cycle.open", municipality=municipality) as tx:
        if q.year_row(tx.conn, municipality, year) is not None:
            raise WrongState(f"{year}년은 이미 열려 있습니다 / {municipality} {year} is already opened")
        rid = tx.insert("cycle_years", dict(municipality=municipality, year=year, status="open", version=1,
                                            opened_at=_now()))
        row = writes.get_row(tx.conn, "cycle_years", rid)
    return row


def close_year(engine, actor: Actor, *, municipality: str, year: int, version: int | None = None) -> dict[str, Any]:
    """결산 확정: the year is locked (its entered document published once more)."""
    with write(engine, actor, "cycle.close", municipality=municipality) as tx:
        row = _year(tx.conn, municipality, year)
        v = _check_version(row, version, "cycle_years")
        tx.update("cycle_years", row["id"], dict(status="closed", closed_at=_now(), version=v + 1),
                  expected={"version": v}, note="결산 확정")
        _publish(tx, municipality, year)
        return writes.get_row(tx.conn, "cycle_years", row["id"])


def reopen_year(engine, actor: Actor, *, municipality: str, year: int, reason: str,
                version: int | None = None) -> dict[str, Any]:
    """Reopen a closed year: a recorded act with its reason."""
    reason = _text(reason, "다시 여는 사유 / reason", required=True)
    with write(engine, actor, "cycle.reopen", municipality=municipality) as tx:
        row = _year(tx.conn, municipality, year, unlocked=False)
        if row["status"] != "closed":
            raise WrongState(f"{year}년은 닫혀 있지 않습니다 / {municipality} {year} is not closed")
        v = _check_version(row, version, "cycle_years")
        tx.update("cycle_years", row["id"], dict(status="confirmed", closed_at=None, version=v + 1),
                  expected={"version": v}, note=f"다시 엶 / reopened: {reason}")
        return writes.get_row(tx.conn, "cycle_years", row["id"])


def set_window(engine, actor: Actor, *, municipality: str, year: int, period: Any, due_on: Any,
               opens_on: Any = None, version: int | None = None) -> dict[str, Any]:
    """The reporting window of a period: results are due by ``due_on`` (ISO dates). Setting
    it again changes it (with the version read)."""
    period = parse_period(period, year)
    due, opens = _date(due_on, "마감일 / due date", required=True), _date(opens_on, "시작일 / opening date")
    if opens is not None and opens > due:
        raise Invalid("시작일이 마감일보다 늦습니다 / the window opens after it is due")
    with write(engine, actor, "cycle.window", municipality=municipality) as tx:
        cyc = _year(tx.conn, municipality, year)
        old = q.window_for(tx.conn, cyc["id"], period)
        if old is None:
            wid = tx.insert("cycle_windows", dict(cycle_id=cyc["id"], municipality=municipality, year=year,
                                                  period=period, opens_on=opens, due_on=due, version=1))
            return writes.get_row(tx.conn, "cycle_windows", wid)
        if version is None:
            raise Stale("cycle_windows", old["id"], old)
        v = _check_version(old, version, "cycle_windows")
        tx.update("cycle_windows", old["id"], dict(opens_on=opens, due_on=due, version=v + 1), expected={"version": v})
        return writes.get_row(tx.conn, "cycle_windows", old["id"])


def _date(value: Any, what: str, *, required: bool = False) -> dt.date | None:
    if value is None and not required:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"{what}: 날짜(YYYY-MM-DD)가 아닙니다 / not a date (YYYY-MM-DD): {value!r}") from None


def late(conn, municipality: str, year: int, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Who is late: for every window past its due date, each confirmed indicator whose result
    for the period is missing or not yet submitted (a draft, or returned and not resubmitted),
    by department."""
    today = today or dt.date.today()
    plan_rows = q.plan_indicators(conn, municipality, year, status="confirmed")
    got = {(r["indicator_id"], r["period"]): r for r in q.results_of(conn, [p["id"] for p in plan_rows])}
    out = []
    for w in q.windows(conn, municipality, year):
        if w["due_on"] >= today:
            continue
        for p in plan_rows:
            r = got.get((p["id"], w["period"]))
            if r is None or r["status"] in ("draft", "returned"):
                out.append({"department": p["department"], "indicator_id": p["id"], "name": p["name"],
                            "period": w["period"], "due_on": w["due_on"], "days_late": (today - w["due_on"]).days,
                            "status": r["status"] if r else "missing", "result_id": r["id"] if r else None})
    out.sort(key=lambda x: (x["department"], x["due_on"], x["name"]))
    return out


# --- the plan ---------------------------------------------------------------------------------


def carry_over(engine, actor: Actor, *, municipality: str, year: int, department: str | None = None) -> list[int]:
    """Copy last year's stored indicators (read or entered) of the department (every
    department when none is given; department-bound roles must name their own) into the
    year's plan as drafts: name, formula, unit, direction, department, policy goal, the
    goal's programs, and last year's actual (for the plan-quality check). Indicators the
    plan already has are left alone. Returns the new plan indicators' ids."""
    with write(engine, actor, "plan.carry_over", municipality=municipality, department=department) as tx:
        cyc = _year(tx.conn, municipality, year)
        _plan_open(cyc)
        have = {(r["department"], r["name"]) for r in q.plan_indicators(tx.conn, municipality, year)}
        programs = q.goal_programs(tx.conn, municipality, year - 1)
        ids = []
        for r in q.stored_indicators(tx.conn, municipality, year - 1, department):
            k = (r["department"] or "", r["name"])
            if not r["department"] or k in have:
                continue
            have.add(k)
            direction = r["direction"] if r["direction_basis"] in ("user", "entry") else None
            ids.append(tx.insert("cycle_indicators", dict(
                cycle_id=cyc["id"], municipality=municipality, year=year, department=r["department"],
                name=r["name"], policy_goal=r["policy_goal"], programs=programs.get((r["department"], r["policy_goal"] or "")),
                unit=r["unit"], formula=r["formula"], direction=direction, prior_actual=r["actual"],
                carried_from=f"{r['source_doc']}:{r['source_line']}", status="draft", version=1),
                note="전년도 지표 이월 / carried over"))
        return ids


def _plan_open(cyc: dict[str, Any]) -> None:
    if cyc["status"] != "open":
        raise WrongState(f"{cyc['year']}년 계획은 이미 확정되었습니다 / the {cyc['year']} plan is confirmed already")


def create_indicator(engine, actor: Actor, *, municipality: str, year: int, department: str, name: str,
                     **values: Any) -> dict[str, Any]:
    department = _text(department, "부서 / department", required=True, limit=200)
    name = _text(name, "지표명 / name", required=True, limit=500)
    fields = _plan_values(values)
    with write(engine, actor, "plan.edit", municipality=municipality, department=department) as tx:
        cyc = _year(tx.conn, municipality, year)
        _plan_open(cyc)
        if any(r["name"] == name for r in q.plan_indicators(tx.conn, municipality, year, department)):
            raise WrongState(f"같은 이름의 지표가 이미 있습니다 / {department} already has {name!r}")
        rid = tx.insert("cycle_indicators", dict(cycle_id=cyc["id"], municipality=municipality, year=year,
                                                 department=department, name=name, status="draft", version=1, **fields))
        return writes.get_row(tx.conn, "cycle_indicators", rid)


def edit_indicator(engine, actor: Actor, indicator_id: int, values: dict[str, Any], *,
                   version: int | None) -> dict[str, Any]:
    """Set target, weight or another plan field of a draft indicator: a compare-and-swap on the
    ``version`` the actor read (without one, or with an old one, :class:`Stale` and the newer row)."""
    fields = _plan_values(values)
    if not fields:
        raise Invalid("고칠 항목이 없습니다 / nothing to change")
    with engine.connect() as conn:
        ind = _row(conn, "cycle_indicators", indicator_id, "지표")
    with write(engine, actor, "plan.edit", municipality=ind["municipality"], department=ind["department"]) as tx:
        ind = _row(tx.conn, "cycle_indicators", indicator_id, "지표")
        _plan_open(_year(tx.conn, ind["municipality"], ind["year"]))
        if version is None:  # an edit of what was not read: never a silent overwrite
            raise Stale("cycle_indicators", indicator_id, ind)
        v = _check_version(ind, version, "cycle_indicators")
        if ind["status"] != "draft":
            raise WrongState("제출된 지표는 고칠 수 없습니다(반려되어야 합니다) / a submitted indicator cannot be changed "
                             "until it is returned")
        tx.update("cycle_indicators", indicator_id, dict(fields, version=v + 1), expected={"version": v})
        return writes.get_row(tx.conn, "cycle_indicators", indicator_id)


def _plan_step(engine, actor: Actor, operation: str, *, municipality: str, year: int, department: str | None,
               src: str, dst: str, reason: str | None = None) -> list[int]:
    with write(engine, actor, operation, municipality=municipality, department=department) as tx:
        cyc = _year(tx.conn, municipality, year)
        _plan_open(cyc)
        rows = q.plan_indicators(tx.conn, municipality, year, department, status=src)
        if not rows:
            raise WrongState(f"{department or '전체'}: '{src}' 상태의 지표가 없습니다 / no indicator in state {src!r}")
        if dst == "submitted":
            missing = [r["name"] for r in rows if r["target"] is None]
            if missing:
                raise Invalid("목표치가 없는 지표가 있습니다 / indicators without a target: " + ", ".join(missing[:10]))
        for r in rows:
            tx.update("cycle_indicators", r["id"], dict(status=dst, version=r["version"] + 1),
                      expected={"version": r["version"]}, note=reason)
        if dst == "confirmed" and not q.plan_indicators(tx.conn, municipality, year, status="draft") \
                and not q.plan_indicators(tx.conn, municipality, year, status="submitted"):
            tx.update("cycle_years", cyc["id"], dict(status="confirmed", version=cyc["version"] + 1),
                      expected={"version": cyc["version"]}, note="성과계획 확정 / plan confirmed")
        if dst == "confirmed":
            _publish(tx, municipality, year)
        return [r["id"] for r in rows]


def submit_plan(engine, actor: Actor, *, municipality: str, year: int, department: str) -> list[int]:
    return _plan_step(engine, actor, "plan.submit", municipality=municipality, year=year, department=department,
                      src="draft", dst="submitted")


def confirm_plan(engine, actor: Actor, *, municipality: str, year: int, department: str | None = None) -> list[int]:
    return _plan_step(engine, actor, "plan.confirm", municipality=municipality, year=year, department=department,
                      src="submitted", dst="confirmed")


def return_plan(engine, actor: Actor, *, municipality: str, year: int, department: str, reason: str) -> list[int]:
    reason = _text(reason, "반려 사유 / reason", required=True)
    return _plan_step(engine, actor, "plan.return", municipality=municipality, year=year, department=department,
                      src="submitted", dst="draft", reason=f"반려 / returned: {reason}")


# --- period results ---------------------------------------------------------------------------


def enter_result(engine, actor: Actor, indicator_id: int, *, period: Any, actual: Any, comment: Any = KEEP,
                 version: int | None = None) -> tuple[dict[str, Any], bool]:
    """Record (or correct) the actual of a confirmed indicator for a period. A result that
    exists already is changed only with the ``version`` the actor read (else :class:`Stale`
    with the newer row) and only while it is a draft or returned; ``comment`` left out keeps
    the one it has. Returns (row, created)."""
    with engine.connect() as conn:
        ind = _row(conn, "cycle_indicators", indicator_id, "지표")
    period = parse_period(period, ind["year"])
    actual = _number(actual, "실적 / actual", required=True)
    keep = comment is KEEP
    comment = None if keep else _text(comment, "설명 / comment")
    try:
        with write(engine, actor, "result.enter", municipality=ind["municipality"], department=ind["department"]) as tx:
            ind = _row(tx.conn, "cycle_indicators", indicator_id, "지표")
            _year(tx.conn, ind["municipality"], ind["year"])
            if ind["status"] != "confirmed":
                raise WrongState("확정된 계획의 지표에만 실적을 넣을 수 있습니다 / results are entered for confirmed "
                                 "plan indicators only")
            old = q.result_for(tx.conn, indicator_id, period)
            if old is None:
                rid = tx.insert("cycle_results", dict(
                    indicator_id=indicator_id, municipality=ind["municipality"], year=ind["year"],
                    department=ind["department"], period=period, actual=actual, comment=comment,
                    status="draft", version=1))
                return writes.get_row(tx.conn, "cycle_results", rid), True
            if version is None or version != old["version"]:
                raise Stale("cycle_results", old["id"], old)
            if old["status"] not in ("draft", "returned"):
                raise WrongState(f"'{old['status']}' 상태의 실적은 고칠 수 없습니다 / a result in state "
                                 f"{old['status']!r} cannot be changed")
            tx.update("cycle_results", old["id"], dict(actual=actual, comment=old["comment"] if keep else comment,
                                                       status="draft", version=old["version"] + 1),
                      expected={"version": old["version"]})
            return writes.get_row(tx.conn, "cycle_results", old["id"]), False
    except q.Duplicate:
        # someone created the same period's result at the same moment: theirs stands
        with engine.connect() as conn:
            current = q.result_for(conn, indicator_id, period)
        raise Stale("cycle_results", current["id"] if current else 0, current) from None


def _result_step(engine, actor: Actor, operation: str, result_id: int, *, src: tuple[str, ...], dst: str,
                 version: int | None, reason: str | None = None) -> dict[str, Any]:
    with engine.connect() as conn:
        res = _row(conn, "cycle_results", result_id, "실적")
    with write(engine, actor, operation, municipality=res["municipality"], department=res["department"]) as tx:
        res = _row(tx.conn, "cycle_results", result_id, "실적")
        _year(tx.conn, res["municipality"], res["year"])
        v = _check_version(res, version, "cycle_results")
        if res["status"] not in src:
            raise WrongState(f"'{res['status']}' 상태의 실적에는 할 수 없습니다 / not for a result in state "
                             f"{res['status']!r} (needs {' or '.join(src)})")
        values: dict[str, Any] = dict(status=dst, version=v + 1)
        if dst == "returned":
            values["return_reason"] = reason
        elif dst == "submitted":
            values["return_reason"] = None
        tx.update("cycle_results", result_id, values, expected={"version": v}, note=reason)
        if dst == "accepted" or res["status"] == "accepted":
            _publish(tx, res["municipality"], res["year"])
        return writes.get_row(tx.conn, "cycle_results", result_id)


def submit_result(engine, actor: Actor, result_id: int, *, version: int | None = None) -> dict[str, Any]:
    return _result_step(engine, actor, "result.submit", result_id, src=("draft", "returned"), dst="submitted",
                        version=version)


def accept_result(engine, actor: Actor, result_id: int, *, version: int | None = None) -> dict[str, Any]:
    return _result_step(engine, actor, "result.accept", result_id, src=("submitted",), dst="accepted", version=version)


def return_result(engine, actor: Actor, result_id: int, *, reason: str, version: int | None = None) -> dict[str, Any]:
    reason = _text(reason, "반려 사유 / reason", required=True)
    return _result_step(engine, actor, "result.return", result_id, src=("submitted", "accepted"), dst="returned",
                        version=version, reason=reason)


# --- evidence files ---------------------------------------------------------------------------

#: a file name's extension → the content type it must have
EXTENSIONS = {".pdf": "pdf", ".hwp": "hwp", ".hwpx": "hwpx", ".xlsx": "xlsx", ".png": "png", ".jpg": "jpeg",
              ".jpeg": "jpeg"}
MEDIA_TYPES = {"pdf": "application/pdf", "hwp": "application/x-hwp", "hwpx": "application/hwp+zip",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "png": "image/png", "jpeg": "image/jpeg"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """The content type of a file by its content: magic bytes, the zip's members. None: none
    of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(OLE_MAGIC):
        # HWP 5: an OLE compound file whose FileHeader stream starts with this signature
        return "hwp" if b"HWP Document File" in data[:1 << 20] else None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as z:
                names = set(z.namelist())
                if "mimetype" in names and z.read("mimetype").strip() == b"application/hwp+zip":
                    return "hwpx"
                if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                    return "xlsx"
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError):
            return None
    return None


def check_upload(file_name: Any, data: bytes, *, max_bytes: int) -> str:
    """The file's content type, or :class:`Invalid` with a Korean/English message: only PDF,
    HWP/HWPX, XLSX, PNG/JPEG, at most ``max_bytes``, and the content must be what the name says."""
    name = _text(file_name, "파일 이름 / file name", required=True, limit=255)
    if "/" in name or "\\" in name:
        name = re.split(r"[\\/]", name)[-1]
    ext = os.path.splitext(name)[1].lower()
    want = EXTENSIONS.get(ext)
    if want is None:
        raise Invalid(f"{name}: 받을 수 없는 파일 형식입니다(PDF, HWP, HWPX, XLSX, PNG, JPEG만) / "
                      "file type not accepted (PDF, HWP, HWPX, XLSX, PNG, JPEG only)")
    if not data:
        raise Invalid(f"{name}: 빈 파일입니다 / the file is empty")
    if len(data) > max_bytes:
        raise Invalid(f"{name}: 파일이 너무 큽니다({len(data):,}바이트, 최대 {max_bytes:,}) / "
                      f"file too large ({len(data):,} bytes, at most {max_bytes:,})")
    got = sniff(data)
    if got != want:
        said = {"pdf": "PDF", "hwp": "HWP", "hwpx": "HWPX", "xlsx": "XLSX", "png": "PNG", "jpeg": "JPEG"}
        seen = said.get(got, "알 수 없는 내용 / unknown content") if got else "알 수 없는 내용 / unknown content"
        raise Invalid(f"{name}: 파일 이름은 {said[want]}인데 내용은 {seen}입니다 / the name says {said[want]} "
                      f"but the content is {seen}")
    return got


def add_evidence(engine, actor: Actor, result_id: int, *, file_name: Any, data: bytes, directory: str | Path,
                 max_bytes: int) -> dict[str, Any]:
    """Keep an evidence file of a draft or returned result: checked by content, written under a
    generated name in ``directory`` (outside the web root), recorded with its sha256. A
    refused file writes nothing."""
    kind = check_upload(file_name, data, max_bytes=max_bytes)
    shown = re.split(r"[\\/]", file_name)[-1].strip()
    with engine.connect() as conn:
        res = _row(conn, "cycle_results", result_id, "실적")
    folder = Path(directory)
    stored = f"{uuid.uuid4().hex}.{kind}"
    path = folder / stored
    written = False
    try:
        with write(engine, actor, "result.evidence", municipality=res["municipality"], department=res["department"]) as tx:
            res = _row(tx.conn, "cycle_results", result_id, "실적")
            _year(tx.conn, res["municipality"], res["year"])
            if res["status"] not in ("draft", "returned"):
                raise WrongState("제출된 실적에는 증빙을 더할 수 없습니다 / evidence is added to draft or returned results only")
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{stored}.part"
            with open(tmp, "xb") as f:
                f.write(data)
            os.replace(tmp, path)
            written = True
            eid = tx.insert("cycle_evidence", dict(
                result_id=result_id, municipality=res["municipality"], year=res["year"], department=res["department"],
                file_name=shown, stored_name=stored, content_type=kind, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor.login, uploaded_at=_now()))
            return writes.get_row(tx.conn, "cycle_evidence", eid)
    except BaseException:
        if written:
            path.unlink(missing_ok=True)
        raise


#: roles that may read every evidence file; editors and approvers read their department's
EVIDENCE_READERS = frozenset({"admin", "performance", "evaluator"})


def may_read_evidence(actor: Actor, department: str) -> bool:
    if actor.role in EVIDENCE_READERS:
        return True
    return actor.role in ("editor", "approver") and actor.department == department


def evidence_file(conn, actor: Actor, evidence_id: int, directory: str | Path) -> tuple[dict[str, Any], Path]:
    """The evidence row and its file, for an actor allowed to read it (else :class:`Refused`)."""
    row = _row(conn, "cycle_evidence", evidence_id, "증빙")
    if not may_read_evidence(actor, row["department"]):
        raise Refused(actor, "result.evidence.read", row["department"])
    path = Path(directory) / row["stored_name"]
    if not path.is_file():
        raise NotFound(f"증빙 파일이 없습니다 / the evidence file is missing: {evidence_id}")
    return row, path


# --- provenance: the year's entered document --------------------------------------------------


def entry_document(conn, municipality: str, year: int) -> Document | None:
    """The year's confirmed plan and accepted annual results as a model document: one
    :class:`Indicator` per confirmed plan indicator (target from the plan, actual from the
    accepted result of the period ``{year}``) and one :class:`PolicyGoal` per goal named.
    Every value's source is the audit entry that entered it (``Source(doc, audit id)``).
    None when nothing of the year is confirmed."""
    plan = q.plan_indicators(conn, municipality, year, status="confirmed")
    if not plan:
        return None
    name = entry_name(year)
    ids = [r["id"] for r in plan]
    made = q.entry_ids(conn, "cycle_indicators", ids, "name")
    targets = q.entry_ids(conn, "cycle_indicators", ids, "target")
    annual = {r["indicator_id"]: r for r in q.results_of(conn, ids)
              if r["period"] == str(year) and r["status"] == "accepted"}
    actuals = q.entry_ids(conn, "cycle_results", [r["id"] for r in annual.values()], "actual")
    doc = Document(name=name, municipality=municipality, year=year, family=ENTRY_FAMILY,
                   title=f"{municipality} {year}년 성과관리 입력 / entered")
    goals: dict[tuple[str, str], PolicyGoal] = {}
    for r in plan:
        src = Source(name, made.get(r["id"], 0))
        if r["policy_goal"] and (r["department"], r["policy_goal"]) not in goals:
            goals[(r["department"], r["policy_goal"])] = PolicyGoal(
                source=src, municipality=municipality, year=year, department=r["department"], name=r["policy_goal"],
                section="성과목표 및 재원비중", program=(r["programs"] or [None])[0],
                program_basis="entry" if r["programs"] else None)
        direction, basis = (r["direction"], "entry") if r["direction"] else infer_direction(r["unit"], r["name"], r["formula"])
        ind = Indicator(source=src, municipality=municipality, year=year, department=r["department"], name=r["name"],
                        section="성과지표 달성현황", policy_goal=r["policy_goal"], unit=r["unit"], formula=r["formula"],
                        direction=direction, direction_basis=basis)
        if r["target"] is not None:
            ind.set("target", Figure(_plain_number(r["target"]), _raw(r["target"]),
                                     Source(name, targets.get(r["id"], src.line)), r["unit"]))
        res = annual.get(r["id"])
        if res is not None and res["actual"] is not None:
            ind.set("actual", Figure(_plain_number(res["actual"]), _raw(res["actual"]),
                                     Source(name, actuals.get(res["id"], 0)), r["unit"]))
        doc.records.append(ind)
    doc.records[:0] = list(goals.values())
    return doc


def _plain_number(v: float | int) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _raw(v: float | int) -> str:
    n = _plain_number(v)
    return f"{n:,}" if isinstance(n, int) else f"{n:,.4f}".rstrip("0").rstrip(".")


def _publish(tx, municipality: str, year: int) -> None:
    """Save the year's entered document (replacing the last one) and have the rules re-check
    the year with it, in the operation's transaction."""
    doc = entry_document(tx.conn, municipality, year)
    if doc is None:
        return
    tx.save_document(municipality, doc, note="입력 문서 갱신 / entered document published")


# --- reads ------------------------------------------------------------------------------------


def plan_findings(conn, municipality: str, year: int, department: str | None = None) -> list[Finding]:
    """The plan-quality checks of the city, while the plan is written: a target at or below
    last year's actual (the wrong way for the direction), a formula with no data source, an
    output indicator where an outcome is expected. ``lines`` holds the entry of the indicator."""
    rows = q.plan_indicators(conn, municipality, year, department)
    made = q.entry_ids(conn, "cycle_indicators", [r["id"] for r in rows], "name")
    out: list[Finding] = []
    for r in rows:
        def add(rule: str, severity: str, message: str, **kw: Any) -> None:
            out.append(Finding(rule=rule, severity=severity, doc=entry_name(year), lines=[made.get(r["id"], 0)],
                               message=f"{r['department']} {r['name']}: {message}", municipality=municipality,
                               year=year, department=r["department"], subject=r["name"], **kw))

        direction = r["direction"] or infer_direction(r["unit"], r["name"], r["formula"])[0]
        t, p = r["target"], r["prior_actual"]
        if t is not None and p is not None and (t <= p if direction == "higher" else t >= p):
            add("plan.target_not_ahead", "warning",
                f"목표치 {_raw(t)}이(가) 전년도 실적 {_raw(p)}보다 {'높지' if direction == 'higher' else '낮지'} 않습니다 / "
                f"the target {_raw(t)} is not {'above' if direction == 'higher' else 'below'} last year's actual {_raw(p)}",
                expected=f"{'>' if direction == 'higher' else '<'} {_raw(p)}", actual=_raw(t))
        if not r["formula"]:
            add("plan.formula_missing", "warning", "측정산식이 없습니다 / no formula")
        elif not r["data_source"]:
            add("plan.formula_no_source", "warning", "측정산식의 자료출처가 없습니다 / the formula names no data source")
        if r["measure"] == "output" or (r["measure"] is None and OUTPUT_WORDS.search(r["name"] or "")):
            add("plan.output_indicator", "info",
                "산출지표입니다: 정책사업목표에는 결과지표가 기대됩니다 / an output indicator where an outcome is expected")
    return out


def plan(conn, municipality: str, year: int, department: str | None = None) -> dict[str, Any]:
    """The year, its plan indicators (each with ``indicator_id``: its stored indicator once
    published, the id ``/api/v1/indicators/{id}`` knows) and the plan-quality findings."""
    cyc = q.year_row(conn, municipality, year)
    if cyc is None:
        raise NotFound(f"열리지 않은 연도입니다 / no cycle opened for {municipality} {year}")
    rows = q.plan_indicators(conn, municipality, year, department)
    published = q.published_ids(conn, municipality, year, entry_name(year))
    for r in rows:
        r["indicator_id"] = published.get(r["id"])
    return {"year": cyc, "indicators": rows,
            "findings": [f.as_dict() for f in plan_findings(conn, municipality, year, department)]}


def plan_indicator_for(conn, stored_id: int) -> int:
    """The plan indicator a stored indicator (``/api/v1/indicators/{id}``) stands for: the one
    whose entry it was published from, else the confirmed plan indicator of the same
    municipality, year, department and name. :class:`NotFound` when there is none."""
    row = q.stored_indicator(conn, stored_id)
    if row is None:
        raise NotFound(f"지표를 찾을 수 없습니다 / no such indicator: {stored_id}")
    if row["year"] is not None and row["source_doc"] == entry_name(row["year"]):
        made = q.audit_entry(conn, row["source_line"])
        if made is not None and made["entity"] == "cycle_indicators":
            return made["entity_id"]
    if row["year"] is not None and row["department"]:
        for p in q.plan_indicators(conn, row["municipality"], row["year"], row["department"], status="confirmed"):
            if p["name"] == row["name"]:
                return p["id"]
    raise NotFound(f"이 지표는 {row['year']}년 확정된 성과계획에 없습니다(먼저 연도를 열고 계획을 확정하십시오) / "
                   f"indicator {stored_id} is not in a confirmed plan of {row['year']} (open the year and confirm "
                   "its plan first)")


def results(conn, indicator_id: int) -> dict[str, Any]:
    ind = _row(conn, "cycle_indicators", indicator_id, "지표")
    rows = q.results_of(conn, [indicator_id])
    for r in rows:
        r["evidence"] = [{k: e[k] for k in ("id", "file_name", "content_type", "size", "sha256", "uploaded_by",
                                             "uploaded_at")} for e in q.evidence_of(conn, r["id"])]
    return {"indicator": ind, "results": rows}


#: the entities whose audit trail is shown
AUDITED = ("cycle_years", "cycle_indicators", "cycle_results", "cycle_evidence", "cycle_windows")


def audit(conn, entity: str, entity_id: int) -> list[dict[str, Any]]:
    if entity not in AUDITED:
        raise NotFound(f"알 수 없는 기록 종류 / unknown record kind: {entity!r}")
    _row(conn, entity, entity_id, entity)
    return writes.audit_trail(conn, entity=entity, entity_id=entity_id)


def entry(conn, entry_id: int) -> dict[str, Any]:
    """One audit entry: the source of an entered value."""
    row = q.audit_entry(conn, entry_id)
    if row is None:
        raise NotFound(f"입력 기록이 없습니다 / no such entry: {entry_id}")
    return row


def lagging(conn, municipality: str, year: int) -> list[dict[str, Any]]:
    """Confirmed indicators projected to miss their target from the periods so far (for the
    부진지표 보고회), with their history. A period's actual is taken as the value to date:
    a level (%, 점 …) is projected as is, a count or amount pro rata to the year's end."""
    plan_rows = q.plan_indicators(conn, municipality, year, status="confirmed")
    by_ind: dict[int, list[dict[str, Any]]] = {}
    for r in q.results_of(conn, [p["id"] for p in plan_rows]):
        if r["status"] in ("submitted", "accepted") and r["actual"] is not None:
            by_ind.setdefault(r["indicator_id"], []).append(r)
    out = []
    for p in plan_rows:
        hist = sorted(by_ind.get(p["id"], []), key=lambda r: (period_fraction(r["period"]), r["period"]))
        if p["target"] is None or not hist:
            continue
        last = hist[-1]
        frac = period_fraction(last["period"])
        level = (p["unit"] or "").strip() in LEVEL_UNITS
        projected = last["actual"] if level or frac >= 1 else last["actual"] / frac
        direction = p["direction"] or infer_direction(p["unit"], p["name"], p["formula"])[0]
        misses = projected < p["target"] if direction == "higher" else projected > p["target"]
        if misses:
            out.append({"indicator_id": p["id"], "department": p["department"], "name": p["name"], "unit": p["unit"],
                        "target": p["target"], "direction": direction, "projected": round(projected, 4),
                        "basis": "level" if level else "pro rata",
                        "history": [{k: r[k] for k in ("id", "period", "actual", "status", "comment")} for r in hist]})
    return out


def plan_book(conn, municipality: str, year: int, department: str | None = None) -> ReportTable:
    """성과계획서 성과지표 및 목표치: the confirmed plan per department and policy goal — the
    indicator (unit), formula, data source, last year's actual, target and weight. Each entered
    value links to the audit entry that entered it."""
    rows_ = q.plan_indicators(conn, municipality, year, department, status="confirmed")
    ids = [r["id"] for r in rows_]
    made = q.entry_ids(conn, "cycle_indicators", ids, "name")
    entered = {f: q.entry_ids(conn, "cycle_indicators", ids, f) for f in ("target", "weight")}
    name = entry_name(year)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows_:
        groups.setdefault((r["department"], r["policy_goal"] or ""), []).append(r)
    rows: list[ReportRow] = []
    for (dept, goal), inds in groups.items():
        rows.append(ReportRow([ReportCell(f"정책사업목표: {goal} ({dept})", "text", col_span=6)], is_group=True))
        for r in inds:
            src = Source(name, made.get(r["id"], 0))
            label = f"{r['name']}({r['unit']})" if r["unit"] else r["name"]
            rows.append(ReportRow([
                ReportCell(label, "text", source=src),
                ReportCell(r["formula"], "text", source=src),
                ReportCell(r["data_source"], "text", source=src),
                ReportCell(_maybe(r["prior_actual"]), "number"),
                ReportCell(_maybe(r["target"]), "number", source=Source(name, entered["target"].get(r["id"], src.line))),
                ReportCell(_maybe(r["weight"]), "number", source=Source(name, entered["weight"].get(r["id"], src.line))),
            ]))
    return ReportTable(kind="plan_book", title="성과지표 및 목표치", unit_note=None,
                       header=header(["성과지표(단위)", "측정산식", "자료출처", f"{year - 1}년 실적", f"{year}년 목표치",
                                      "가중치(%)"]),
                       rows=rows, municipality=municipality, year=year, department=department)


def _maybe(v: float | int | None) -> float | int | None:
    return None if v is None else _plain_number(v)


def windows(conn, municipality: str, year: int) -> list[dict[str, Any]]:
    """The year's reporting windows (period, opens, due), by period."""
    return q.windows(conn, municipality, year)


def record(conn, entity: str, entity_id: int) -> dict[str, Any]:
    """One row of the cycle's tables (:class:`NotFound` when there is none)."""
    if entity not in AUDITED:
        raise NotFound(f"알 수 없는 기록 종류 / unknown record kind: {entity!r}")
    return _row(conn, entity, entity_id, entity)


def year_results(conn, municipality: str, year: int) -> list[dict[str, Any]]:
    """Every period result of the year's confirmed plan indicators (one query per 500)."""
    return q.results_of(conn, [p["id"] for p in q.plan_indicators(conn, municipality, year, status="confirmed")])


def entries_of(conn, entity: str, ids: list[int], field: str) -> dict[int, int]:
    """record id → the audit entry that entered ``field`` of it (the value's source)."""
    if entity not in AUDITED:
        raise NotFound(f"알 수 없는 기록 종류 / unknown record kind: {entity!r}")
    return q.entry_ids(conn, entity, ids, field)


def years(conn, municipality: str) -> list[dict[str, Any]]:
    """The cycle's years of a municipality."""
    return q.years(conn, municipality)


def entered_documents(conn, municipality: str, year: int) -> list[Document]:
    """The year's entered document as stored (none before anything is confirmed)."""
    return repository.load_documents(conn, municipality=municipality, year=year, names=[entry_name(year)])


def can(actor: Actor, operation: str, department: str | None = None) -> bool:
    """Whether the actor may do the operation (for the pages' buttons)."""
    return allowed(actor, operation, department)
