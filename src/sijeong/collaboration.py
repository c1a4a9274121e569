"""협업 (collaboration): the operations — thank-you messages with 협업포인트, special points,
협업과제 and their 관리카드 half-yearly checks — and the balance of an account's month.

The rules (:class:`model.collaboration.PointRules`, from ``Settings``): every account has a
monthly allowance (200P); a thank-you message sends a fixed amount (10P); not to oneself;
not to one's own department (unless the city allows it); at most N messages a month to the
same person (2); a message over what is left of the month's allowance is refused; what is
left lapses at month end — balances are counted by month from the ledger, nothing to run.
Special points (특별포인트, for confirmed collaboration results) only by the performance team
(``collab.special``); they come from no allowance.

A send checks and writes in one transaction with the sender's account row locked (``SELECT
… FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` takes one writer at a time), so two
sends at once cannot both spend the last points. See ``docs/collaboration.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import collaboration as model
from .model.collaboration import PointRules
from .operations import Actor, Invalid, Refused, allowed, text_value, write
from .store import collaboration as store
from .store import writes

LIMITS = {"message": 500, "title": 300, "summary": 5000, "department": 200, "manager": 100, "progress": 5000,
          "municipality": 100, "recipient": 100}


def _text(name: str, value: Any, *, required: bool) -> str | None:
    return text_value(name, value, limit=LIMITS[name], required=required)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def balance(conn, rules: PointRules, account_id: int, month: str) -> dict[str, Any]:
    """An account's month: the allowance, what it sent, what is left (lapses at month end) and
    what it received."""
    sent = store.sent_points(conn, account_id, month)
    return {"month": month, "allowance": rules.monthly_allowance, "sent": sent,
            "remaining": model.remaining(rules, sent), "per_message": rules.per_message,
            "received": store.received_points(conn, account_id, month)}


def _parties(tx, actor: Actor, recipient: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if actor.account_id is None:
        raise Invalid("협업포인트는 계정으로 보냅니다 / points are sent from an account")
    sender = store.lock_account(tx.conn, actor.account_id)  # first: the lock orders concurrent sends
    if sender is None or sender["disabled"]:
        raise Invalid("보내는 계정이 없거나 사용 중지되었습니다 / the sending account is missing or disabled")
    to = store.account_by_login(tx.conn, recipient)
    if to is None or to["disabled"]:
        raise Invalid(f"받는 사람을 찾지 못했습니다 / no such account: {recipient}")
    if to["id"] == sender["id"]:
        raise Invalid("자기 자신에게는 보낼 수 없습니다 / not to oneself")
    return sender, to


def send_thanks(engine, actor: Actor, rules: PointRules, *, municipality: str, recipient: str, message: str,
                at: dt.datetime | None = None) -> dict[str, Any]:
    """A thank-you message with ``rules.per_message`` points (``collab.thank``, any account).
    :class:`Invalid` (nothing written) when a rule is broken. Returns the ledger row and the
    sender's month balance after it."""
    municipality = _text("municipality", municipality, required=True)
    recipient = _text("recipient", recipient, required=True)
    message = _text("message", message, required=True)
    at = at or _now()
    month = model.month_of(at)
    # an editor's or approver's writes are bound to their department: their own thanks are theirs
    with write(engine, actor, "collab.thank", municipality=municipality, department=actor.department,
               recheck_scopes=False) as tx:
        sender, to = _parties(tx, actor, recipient)
        if (not rules.own_department and sender["department"] and sender["department"] == to["department"]):
            raise Invalid(f"같은 부서({sender['department']}) 직원에게는 보낼 수 없습니다 / not to one's own department")
        if store.sent_to(tx.conn, sender["id"], to["id"], month) >= rules.same_person_per_month:
            raise Invalid(f"같은 사람에게는 한 달에 {rules.same_person_per_month}번까지 보낼 수 있습니다 "
                          f"/ at most {rules.same_person_per_month} a month to the same person")
        sent = store.sent_points(tx.conn, sender["id"], month)
        if sent + rules.per_message > rules.monthly_allowance:
            raise Invalid(f"이달 포인트가 모자랍니다: 남은 {model.remaining(rules, sent)}P, 보내려면 {rules.per_message}P "
                          f"/ over the month's allowance ({model.remaining(rules, sent)}P left)")
        row_id = tx.insert("collab_points", dict(
            municipality=municipality, month=month, kind="thanks", sender_account_id=sender["id"],
            sender_login=sender["login"], sender_department=sender["department"], recipient_account_id=to["id"],
            recipient_login=to["login"], recipient_department=to["department"], points=rules.per_message,
            message=message, created_at=at))
        return {"entry": writes.get_row(tx.conn, "collab_points", row_id),
                "balance": balance(tx.conn, rules, sender["id"], month)}


def grant_special(engine, actor: Actor, rules: PointRules, *, municipality: str, recipient: str, points: Any,
                  message: str, at: dt.datetime | None = None) -> dict[str, Any]:
    """Special points for a confirmed collaboration result (``collab.special``: the
    performance team only); from no allowance; not to oneself."""
    if not allowed(actor, "collab.special"):
        raise Refused(actor, "collab.special")
    municipality = _text("municipality", municipality, required=True)
    recipient = _text("recipient", recipient, required=True)
    message = _text("message", message, required=True)
    if isinstance(points, str) and points.strip().isdigit() and len(points.strip()) <= 9:
        points = int(points.strip())
    if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= rules.special_max:
        raise Invalid(f"points: 1~{rules.special_max}P의 정수 / whole points from 1 to {rules.special_max}: {points!r}")
    at = at or _now()
    month = model.month_of(at)
    with write(engine, actor, "collab.special", municipality=municipality, recheck_scopes=False) as tx:
        sender, to = _parties(tx, actor, recipient)
        row_id = tx.insert("collab_points", dict(
            municipality=municipality, month=month, kind="special", sender_account_id=sender["id"],
            sender_login=sender["login"], sender_department=sender["department"], recipient_account_id=to["id"],
            recipient_login=to["login"], recipient_department=to["department"], points=points, message=message,
            created_at=at))
        return {"entry": writes.get_row(tx.conn, "collab_points", row_id)}


# --- 협업과제 and 관리카드 ----------------------------------------------------------------------


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, (list, tuple)) or len(value) > 50:
        raise Invalid("cooperating_departments: 부서 이름 목록 (50개 이내) / a list of at most 50 departments")
    out: list[str] = []
    for v in value:
        v = _text("department", v, required=False)
        if v and v not in out:
            out.append(v)
    return out


def add_task(engine, actor: Actor, *, municipality: str, year: Any, title: str, lead_department: str, manager: str,
             cooperating_departments: Any = None, summary: str | None = None) -> dict[str, Any]:
    """A 협업과제 (``collab.task``) with its lead and cooperating departments and its
    협업관리자 (``manager``)."""
    municipality = _text("municipality", municipality, required=True)
    if isinstance(year, str) and year.strip().isdigit() and len(year.strip()) == 4:
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise Invalid(f"year: 2000~2100 사이의 연도 / a year from 2000 to 2100: {year!r}")
    title = _text("title", title, required=True)
    lead = _text("department", lead_department, required=True)
    manager = _text("manager", manager, required=True)
    summary = _text("summary", summary, required=False)
    coop = [d for d in _names(cooperating_departments) if d != lead]
    if not coop:
        raise Invalid("cooperating_departments: 협업부서가 하나 이상 필요합니다 / at least one cooperating department")
    with write(engine, actor, "collab.task", municipality=municipality, recheck_scopes=False) as tx:
        row_id = tx.insert("collab_tasks", dict(municipality=municipality, year=year, title=title, summary=summary,
                                                lead_department=lead, cooperating_departments=coop, manager=manager,
                                                created_by=actor.login, created_at=_now(), version=1))
        return writes.get_row(tx.conn, "collab_tasks", row_id)


def check_task(engine, actor: Actor, *, task_id: int, period: str, status: str, progress: str) -> dict[str, Any]:
    """A 관리카드's half-yearly check (``collab.check``: the performance team, or the lead
    department's editor or approver): the period (``2026-H1``), the status and the progress.
    A second check of the same period brings the card up to date (현행화): the row is
    changed, the old values stay in the audit log."""
    if not model.valid_half(period):
        raise Invalid(f"period: 반기는 2026-H1, 2026-H2처럼 적습니다 / a half-year such as 2026-H1: {period!r}")
    if status not in model.CHECK_STATUSES:
        raise Invalid(f"status: {', '.join(model.CHECK_STATUSES)} 중 하나 / one of {', '.join(model.CHECK_STATUSES)}")
    progress = _text("progress", progress, required=True)
    with engine.connect() as conn:
        task = store.collab_task(conn, task_id)
    if task is None:
        raise LookupError(f"협업과제를 찾지 못했습니다 / no such task: {task_id}")
    with write(engine, actor, "collab.check", municipality=task["municipality"], department=task["lead_department"],
               recheck_scopes=False) as tx:
        values = dict(status=status, progress=progress, checked_by=actor.login, checked_at=_now())
        old = store.collab_check(tx.conn, task_id, period)
        if old is None:
            row_id = tx.insert("collab_checks", dict(task_id=task_id, municipality=task["municipality"], period=period,
                                                     **values))
        else:
            tx.update("collab_checks", old["id"], values, note="관리카드 현행화 / card brought up to date")
            row_id = old["id"]
        return writes.get_row(tx.conn, "collab_checks", row_id)
