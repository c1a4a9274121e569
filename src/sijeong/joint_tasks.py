"""시군종합평가 monthly 이행과제 per indicator and the 부진지표 list (issue 12 part 3:
"a 시군종합평가 관리 시스템 with monthly 이행과제 results and evidence, 부진지표 보고회";
``docs/evaluation.md``).

The responsible department (editor, approver) or the performance team reports, per indicator
and month, the task, the planned and actual figures to date, the status (정상, 지연, 완료) and
where the evidence is — through :func:`sijeong.operations.write` (``joint.task``; editor and
approver only for the indicator's own department), one row per indicator and month, changed
only with the ``version`` read. The month's standing of every indicator (``model/joint.py``
``standing``): 부진 when reported 지연 or short of plan, 미보고 without a report. Reading needs
a login (any role), as the rest of the 시군종합평가.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import operations
from .evaluation import Hidden, _joint_or_hidden, _text
from .model import joint as joint_model
from .model.evaluation import SchemeError, exact
from .operations import Actor, Invalid, Stale
from .rules import infer_direction
from .store import evaluation as store

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

__all__ = ["Hidden", "enter_task", "tasks"]


def _month(value: Any, year: int) -> str:
    m = MONTH.match(value or "") if isinstance(value, str) else None
    if m is None or int(m.group(1)) not in (year - 1, year):
        raise Invalid(f"월은 {year - 1}-01 ~ {year}-12 형식 (예: {year}-03) / month must be YYYY-MM of {year - 1} or {year}")
    return value


def _figure(value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        x = exact(value)
    except SchemeError:
        raise Invalid(f"{what}: 숫자가 아닙니다 / not a number") from None
    if abs(x) > 10**15:
        raise Invalid(f"{what}: 너무 큰 수 / too large")
    return float(x)


def _indicator(j: dict[str, Any], number: str) -> dict[str, Any]:
    for i in j["indicators"]:
        if i["number"] == number:
            return i
    raise Invalid(f"지표가 없습니다 / no such indicator: {number!r}")


def enter_task(engine, actor: Actor, *, evaluation_id: int, indicator: str, month: str, task: str, status: str,
               target: Any = None, actual: Any = None, note: str | None = None, evidence: str | None = None,
               version: int | None = None) -> dict[str, Any]:
    """Report (or correct, with the ``version`` read) an indicator's task of a month."""
    with engine.connect() as conn:
        j = _joint_or_hidden(conn, evaluation_id)
    ind = _indicator(j, str(indicator))
    month = _month(month, j["year"])
    if status not in joint_model.TASK_STATUSES:
        raise Invalid(f"상태는 {', '.join(joint_model.TASK_STATUSES.values())} / status: "
                      f"{', '.join(joint_model.TASK_STATUSES)}")
    values = dict(task=_text(task, "이행과제", limit=2000), status=status, target=_figure(target, "계획"),
                  actual=_figure(actual, "실적"), note=_text(note, "비고", limit=2000, required=False),
                  evidence=_text(evidence, "증빙", limit=500, required=False), entered_by=actor.login,
                  entered_at=dt.datetime.now(dt.timezone.utc))
    with operations.write(engine, actor, "joint.task", municipality=j["municipality"], department=ind["department"],
                          recheck_scopes=False) as tx:
        current = store.joint_task(tx.conn, ind["id"], month)
        label = f"{ind['number']}. {ind['name']} {month}"
        if current is None:
            if version is not None:
                raise Stale("joint_tasks", 0, None)
            tx.insert("joint_tasks", dict(evaluation_id=evaluation_id, indicator_id=ind["id"],
                                          municipality=j["municipality"], year=j["year"], department=ind["department"],
                                          month=month, version=1, **values), year=j["year"], note=label)
        else:
            if version != current["version"]:
                raise Stale("joint_tasks", current["id"], current)
            tx.update("joint_tasks", current["id"], dict(values, version=current["version"] + 1),
                      expected={"version": current["version"]}, note=label)
        return store.joint_task(tx.conn, ind["id"], month)


def _direction(ind: dict[str, Any]) -> str:
    return infer_direction(ind["unit"], ind["name"], ind["definition"])[0]


def tasks(conn, evaluation_id: int, *, month: str | None = None) -> dict[str, Any]:
    """Every indicator with its monthly tasks and its standing in ``month`` (default: the latest
    month reported); the 부진지표 list (``lagging``) and the indicators not reported that month."""
    j = _joint_or_hidden(conn, evaluation_id)
    rows = store.joint_tasks(conn, evaluation_id)
    months = sorted({r["month"] for r in rows})
    if month is not None:
        month = _month(month, j["year"])
    elif months:
        month = months[-1]
    items = []
    for ind in j["indicators"]:
        mine = [r for r in rows if r["indicator_id"] == ind["id"]]
        direction = _direction(ind)
        stand, on = joint_model.standing(mine, month, direction) if month else ("unreported", None)
        items.append({"id": ind["id"], "number": ind["number"], "name": ind["name"], "unit": ind["unit"],
                      "department": ind["department"], "target_grade": ind["target_grade"], "direction": direction,
                      "standing": stand, "standing_label": joint_model.STANDINGS[stand],
                      "task": None if on is None else _task(on),
                      "tasks": [_task(r) | {"behind": joint_model.task_behind(r["status"], r["target"], r["actual"],
                                                                               direction)} for r in mine]})
    return {"evaluation": {k: j[k] for k in ("id", "municipality", "year", "name", "city", "goal")},
            "month": month, "months": months, "indicators": items,
            "lagging": [i["number"] for i in items if i["standing"] == "behind"],
            "unreported": [i["number"] for i in items if i["standing"] == "unreported"]}


def _task(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in ("id", "month", "task", "target", "actual", "status", "note", "evidence", "entered_by",
                              "version")} | {"status_label": joint_model.TASK_STATUSES.get(r["status"], r["status"])}
