"""제안제도 (suggestions): the operations — a staff member's own suggestion, a citizen's
(or a paper form's) entered by the performance team, public calls (공모) with deadlines, and
the review steps 접수 → 실무심의 → 심사위원회 (창안 등급, 포상, 부상금; 채택 / 불채택) → 실시.

Writes go through :func:`sijeong.operations.write` (role check, one transaction, audit rows,
``version`` compare-and-swap); the SQL is ``store/suggestions.py``; the statuses, steps and
the statistics' rounding are ``model/suggestions.py``. See ``docs/suggestions.md``.

Citizens do not sign in: their suggestions reach the city through 국민생각함, 국민신문고 and
paper forms (000), and the performance team enters them here with the citizen's name and
contact (``suggestion.receive``). The contact is never shown outside the signed-in pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import suggestions as model
from .operations import Actor, Invalid, Refused, Stale, allowed, text_value, write
from .store import suggestions as store
from .store import writes

LIMITS = {"title": 300, "body": 10_000, "proposer_name": 100, "proposer_contact": 200, "department": 200,
          "reason": 5000, "award": 100, "grade": 50, "description": 5000, "municipality": 100}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _text(name: str, value: Any, *, required: bool) -> str | None:
    return text_value(name, value, limit=LIMITS[name], required=required)


def _date(name: str, value: Any, *, default: dt.date | None = None) -> dt.date:
    if value is None or value == "":
        if default is None:
            raise Invalid(f"{name}: 날짜가 필요합니다 / a date is required")
        return default
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise Invalid(f"{name}: 날짜는 2026-12-02처럼 적습니다 / a date such as 2026-12-02: {value!r}") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise Invalid(f"{name}: 날짜가 필요합니다 / a date is required")
    if not 2000 <= value.year <= 2100:
        raise Invalid(f"{name}: 2000~2100년의 날짜 / a date from 2000 to 2100")
    return value


def today() -> dt.date:
    """Today in Korea."""
    return store.today_kst()


# --- calls (공모) ------------------------------------------------------------------------------


def open_call(engine, actor: Actor, *, municipality: str, title: str, opens_on: Any, closes_on: Any,
              description: str | None = None) -> dict[str, Any]:
    """A public call for suggestions (공모, e.g. a naming contest) with its own period: a
    suggestion to it is taken from ``opens_on`` to ``closes_on`` (both days included)."""
    municipality = _text("municipality", municipality, required=True)
    title = _text("title", title, required=True)
    description = _text("description", description, required=False)
    opens, closes = _date("opens_on", opens_on), _date("closes_on", closes_on)
    if closes < opens:
        raise Invalid("closes_on: 마감일이 시작일보다 앞섭니다 / the deadline is before the opening")
    with write(engine, actor, "suggestion.call", municipality=municipality, recheck_scopes=False) as tx:
        row_id = tx.insert("suggestion_calls", dict(municipality=municipality, title=title, description=description,
                                                    opens_on=opens, closes_on=closes, created_by=actor.login,
                                                    created_at=_now(), version=1))
        return writes.get_row(tx.conn, "suggestion_calls", row_id)


# --- suggestions -------------------------------------------------------------------------------


def _create(tx, *, municipality: str, source: str, title: str, body: str, received_on: dt.date,
            proposer_name: str, proposer_contact: str | None, proposer_login: str | None,
            proposer_department: str | None, department: str | None, call_id: int | None) -> dict[str, Any]:
    if call_id is not None:
        call = writes.get_row(tx.conn, "suggestion_calls", call_id)
        if call is None or call["municipality"] != municipality:
            raise Invalid(f"call_id: 공모를 찾지 못했습니다 / no such call: {call_id}")
        if received_on > call["closes_on"]:
            raise Invalid(f"공모 '{call['title']}'은(는) {call['closes_on'].isoformat()}에 마감되었습니다 "
                          f"/ the call closed on {call['closes_on'].isoformat()}")
        if received_on < call["opens_on"]:
            raise Invalid(f"공모 '{call['title']}'은(는) {call['opens_on'].isoformat()}에 시작합니다 "
                          f"/ the call opens on {call['opens_on'].isoformat()}")
    now = _now()
    year = received_on.year
    number = store.next_number(tx.conn, municipality, year)
    row_id = tx.insert("suggestions", dict(
        municipality=municipality, year=year, number=number, received_on=received_on, source=source, call_id=call_id,
        title=title, body=body, proposer_name=proposer_name, proposer_contact=proposer_contact,
        proposer_login=proposer_login, proposer_department=proposer_department, department=department,
        status="received", created_by=tx.actor.login, created_at=now, changed_at=now, version=1))
    tx.insert("suggestion_steps", dict(suggestion_id=row_id, municipality=municipality, step="receive",
                                       outcome="received", decided_on=received_on, decided_by=tx.actor.login,
                                       recorded_at=now), year=year)
    row = writes.get_row(tx.conn, "suggestions", row_id)
    duplicates = store.similar_suggestions(tx.conn, municipality=municipality, title=title, body=body,
                                           exclude_id=row_id)
    return {"suggestion": row, "duplicates": duplicates}


def submit(engine, actor: Actor, *, municipality: str, title: str, body: str, call_id: int | None = None,
           department: str | None = None) -> dict[str, Any]:
    """A staff member's own suggestion (``suggestion.submit``, any account), received today;
    ``department`` is the 소관부서 the proposer thinks it belongs to (the 실무심의 may set
    another). Returns ``{"suggestion": row, "duplicates": [likely duplicates]}``."""
    if actor.account_id is None:
        raise Invalid("제안은 계정으로 로그인해서 냅니다 / a suggestion needs an account")
    municipality = _text("municipality", municipality, required=True)
    title, body = _text("title", title, required=True), _text("body", body, required=True)
    department = _text("department", department, required=False)
    # an editor's or approver's writes are bound to their department: their own suggestion is theirs
    with write(engine, actor, "suggestion.submit", municipality=municipality, department=actor.department,
               recheck_scopes=False) as tx:
        account = writes.get_row(tx.conn, "accounts", actor.account_id)
        return _create(tx, municipality=municipality, source="staff", title=title, body=body, received_on=today(),
                       proposer_name=actor.login, proposer_contact=None, proposer_login=actor.login,
                       proposer_department=(account or {}).get("department") or actor.department,
                       department=department, call_id=call_id)


def receive(engine, actor: Actor, *, municipality: str, title: str, body: str, proposer_name: str,
            proposer_contact: str | None = None, source: str = "citizen", received_on: Any = None,
            call_id: int | None = None, department: str | None = None,
            proposer_department: str | None = None) -> dict[str, Any]:
    """A suggestion entered on someone's behalf (``suggestion.receive``, the performance
    team): a citizen's from 국민생각함 or a paper form, or a staff member's paper form, with
    the day it was received (today or earlier). Returns as :func:`submit`."""
    if source not in model.SOURCES:
        raise Invalid(f"source: {', '.join(model.SOURCES)} 중 하나 / one of {', '.join(model.SOURCES)}")
    municipality = _text("municipality", municipality, required=True)
    title, body = _text("title", title, required=True), _text("body", body, required=True)
    name = _text("proposer_name", proposer_name, required=True)
    contact = _text("proposer_contact", proposer_contact, required=False)
    department = _text("department", department, required=False)
    proposer_department = _text("department", proposer_department, required=False)
    received = _date("received_on", received_on, default=today())
    if received > today():
        raise Invalid("received_on: 앞으로의 날짜는 쓸 수 없습니다 / a date in the future")
    with write(engine, actor, "suggestion.receive", municipality=municipality, recheck_scopes=False) as tx:
        return _create(tx, municipality=municipality, source=source, title=title, body=body, received_on=received,
                       proposer_name=name, proposer_contact=contact, proposer_login=None,
                       proposer_department=proposer_department if source == "staff" else None,
                       department=department, call_id=call_id)


def _prize(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.replace(",", "").strip().isdigit():
        value = int(value.replace(",", "").strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= model.MAX_PRIZE:
        raise Invalid(f"prize: 부상금은 0~{model.MAX_PRIZE:,}원의 정수 / prize money in whole won, 0 to "
                      f"{model.MAX_PRIZE:,}: {value!r}")
    return value


def review(engine, actor: Actor, *, suggestion_id: int, step: str, outcome: str, version: int,
           decided_on: Any = None, reason: str | None = None, department: str | None = None,
           grade: str | None = None, award: str | None = None, prize: Any = None) -> dict[str, Any]:
    """Record one review step (``suggestion.review``) in order:

    - ``screen`` (실무심의): ``forward`` to the committee (needs a 소관부서: ``department``, or
      the one already set) or ``reject`` (needs a ``reason``);
    - ``committee`` (심사위원회): ``adopt`` with the 창안 ``grade``, ``award`` and ``prize``
      money in won, or ``reject`` (needs a ``reason``);
    - ``implement`` (실시): ``implemented``, of an adopted suggestion.

    ``version`` is the suggestion's as read (another's change first: :class:`Stale`).
    Each step is a ``suggestion_steps`` row with who, when (``decided_on``, default today)
    and why, and the suggestion's status changes — both in the audit log."""
    if step not in model.OUTCOMES:
        raise Invalid(f"step: {', '.join(model.OUTCOMES)} 중 하나 / one of {', '.join(model.OUTCOMES)}")
    if outcome not in model.OUTCOMES[step]:
        raise Invalid(f"outcome: {step} 단계는 {', '.join(model.OUTCOMES[step])} / one of "
                      f"{', '.join(model.OUTCOMES[step])}")
    reason = _text("reason", reason, required=outcome == "reject")
    department = _text("department", department, required=False)
    grade = _text("grade", grade, required=False)
    award = _text("award", award, required=False)
    prize_won = _prize(prize)
    if step != "committee" or outcome != "adopt":
        if grade or award or prize_won:
            raise Invalid("창안 등급·포상·부상금은 심사위원회의 채택에만 / grade, award and prize only with an adoption")
    if grade is not None and grade not in model.GRADES:
        raise Invalid(f"grade: 창안 등급은 {', '.join(model.GRADES)} / one of {', '.join(model.GRADES)}")
    decided = _date("decided_on", decided_on, default=today())
    if decided > today():
        raise Invalid("decided_on: 앞으로의 날짜는 쓸 수 없습니다 / a date in the future")
    if not allowed(actor, "suggestion.review"):
        raise Refused(actor, "suggestion.review")
    with engine.connect() as conn:
        current = store.suggestion(conn, suggestion_id)
    if current is None:
        raise LookupError(f"제안을 찾지 못했습니다 / no such suggestion: {suggestion_id}")
    with write(engine, actor, "suggestion.review", municipality=current["municipality"], recheck_scopes=False) as tx:
        s = writes.get_row(tx.conn, "suggestions", suggestion_id)
        if s["version"] != version:
            raise Stale("suggestions", suggestion_id, s)
        if s["status"] != model.NEEDS[step]:
            raise Invalid(f"이 제안은 지금 '{model.STATUSES[s['status']]}' 상태라 {model.STEPS[step]}을(를) 기록할 수 "
                          f"없습니다 / a suggestion that is {s['status']} cannot take the {step} step")
        last = max([x["decided_on"] for x in store.suggestion_steps(tx.conn, suggestion_id)] or [s["received_on"]])
        if decided < last:
            raise Invalid(f"decided_on: 앞 단계({last.isoformat()})보다 이를 수 없습니다 / before the previous step")
        new_department = department or s["department"]
        if step == "screen" and outcome == "forward" and not new_department:
            raise Invalid("department: 심사위원회에 올리려면 소관부서가 필요합니다 / a department is needed")
        now = _now()
        tx.insert("suggestion_steps", dict(suggestion_id=suggestion_id, municipality=s["municipality"], step=step,
                                           outcome=outcome, reason=reason, decided_on=decided, grade=grade,
                                           award=award, prize=prize_won, decided_by=actor.login, recorded_at=now),
                  year=s["year"])
        changes: dict[str, Any] = dict(status=model.OUTCOMES[step][outcome], department=new_department)
        if step == "committee" and outcome == "adopt":
            changes.update(grade=grade, award=award, prize=prize_won, adopted_on=decided)
        if step == "implement":
            changes.update(implemented_on=decided)
        tx.update("suggestions", suggestion_id, dict(changes, version=version + 1, changed_at=now),
                  expected={"version": version}, note=f"{model.STEPS[step]}: {model.OUTCOME_LABELS[outcome]}")
        return writes.get_row(tx.conn, "suggestions", suggestion_id)
