"""주민참여예산 (participatory budgeting, issue 13 part 1; ``docs/participation.md``).

A year's call (기준액, the stages' dates), residents' proposals, each stage's decision with its
reason, 현장실사 notes, the ballot (online votes of registered residents, offline counts entered
by staff), the committee's decision and approved amount, and the budget line the project
became — a program of a later year, found through the read layer together with its
settlement, so a resident reads "제안 → 선정 → 예산 반영 → 집행(결산)".

Every change goes through ``operations.write`` (the role check, one transaction, the audit
log): the staff's under ``pb.call`` / ``pb.review`` / ``pb.ballot`` / ``pb.committee`` /
``pb.budget``, the residents' under ``pb.propose`` / ``pb.vote`` / ``pb.resident.*`` with the
role :data:`~sijeong.operations.RESIDENT`.

Residents are not staff accounts: they live in ``pb_residents`` with their own one-time codes
and sessions and their own cookie (``sijeong_resident``), so a resident's session can never
act as staff and a staff session never votes. Identity check: per city
(:data:`IDENTITY_BY_CITY`, from ``SIJEONG_PB_IDENTITY`` = ``김포시=code,…``); the one built
in, and the default, is a one-time code — :data:`CODE_DIGITS` digits from ``secrets``, only
its salted SHA-256 stored, expiring after :data:`CODE_LIFETIME`, at most
:data:`CODE_ATTEMPTS` tries, used once. The code reaches the resident through a pluggable
sender (:data:`SENDERS`, chosen by ``SIJEONG_PB_SENDER``): ``log`` (the default) writes it to
the server's log for the staff to pass on (a phone call, the 행정복지센터's desk), ``show``
shows it on the page (trials and demonstrations only: it proves nothing about the person).
A city plugs an SMS or e-mail gateway in by adding a sender.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
from typing import Any, Callable

from . import operations
from .model.participation import (DECIDED_STAGES, DECISIONS, DONG_KINDS, KINDS, STAGES, kind_code, next_stage,
                                  stage_index)
from .operations import RESIDENT, Actor, Invalid, Refused, Stale
from .store import participation as store
from .store import writes

log = logging.getLogger("sijeong.participation")

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=15)
CODE_ATTEMPTS = 5
#: at most this many codes per resident in :data:`CODE_WINDOW` (a sender that texts must not be a spam gun)
CODE_REQUESTS = 5
CODE_WINDOW = dt.timedelta(hours=1)
SESSION_LIFETIME = dt.timedelta(hours=12)
MAX_AMOUNT = 10**13  # won: more than any city's whole budget
LIMITS = {"title": 200, "description": 5000, "reason": 2000, "note": 5000, "name": 100, "contact": 200,
          "dong": 50, "place": 100, "program": 300, "department": 200, "code": 50}


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- senders and the identity check --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Delivery:
    """What a sender did with a code: ``shown`` is the code to show on the page (``show``
    sender only), ``message`` what to tell the resident."""

    message: str
    shown: str | None = None


def log_sender(resident: dict[str, Any], code: str) -> Delivery:
    """The default: the code goes to the server's log, for the staff to pass on."""
    log.warning("주민참여예산 확인 코드 / one-time code: resident %s (%s): %s", resident["id"], resident["name"], code)
    return Delivery("확인 코드를 발급했습니다. 담당 부서(주민참여예산 담당)에서 연락처로 알려 드립니다.")


def show_sender(resident: dict[str, Any], code: str) -> Delivery:
    """Shows the code on the page: for trials only (it proves nothing about who registers)."""
    return Delivery("시험 운영: 확인 코드를 화면에 보여 드립니다.", shown=code)


SENDERS: dict[str, Callable[[dict[str, Any], str], Delivery]] = {"log": log_sender, "show": show_sender}
#: municipality → identity check; cities not named use ``code``
IDENTITY_BY_CITY: dict[str, str] = {}


def sender() -> Callable[[dict[str, Any], str], Delivery]:
    name = os.environ.get("SIJEONG_PB_SENDER", "log")
    return SENDERS.get(name, log_sender)


def identity_check(municipality: str) -> str:
    """The identity check the city chose (``SIJEONG_PB_IDENTITY=김포시=code``); ``code`` by default."""
    configured = dict(IDENTITY_BY_CITY)
    for item in os.environ.get("SIJEONG_PB_IDENTITY", "").split(","):
        city, _, check = item.partition("=")
        if city.strip() and check.strip():
            configured[city.strip()] = check.strip()
    return configured.get(municipality, "code")


# --- values ----------------------------------------------------------------------------------


def _text(name: str, value: Any, *, required: bool = True) -> str | None:
    return operations.text_value(name, value, limit=LIMITS[name], required=required)


def _won(name: str, value: Any, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise Invalid(f"{name}: 0 이상의 원 단위 정수여야 합니다 / a whole number of won: {value!r}")
    return value


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise Invalid(f"year: 2000~2100 사이의 연도여야 합니다 / a year from 2000 to 2100: {value!r}")
    return value


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"{name}: 날짜는 2022-07-15처럼 적습니다 / a date such as 2022-07-15: {value!r}") from None


def _schedule(items: Any) -> list[dict[str, str]]:
    out = []
    for item in items or []:
        if not isinstance(item, dict) or item.get("stage") not in STAGES:
            raise Invalid(f"schedule: 단계는 {', '.join(STAGES)} 중 하나 / unknown stage in {item!r}")
        starts = _date("starts_on", item.get("starts_on")) if item.get("starts_on") else None
        ends = _date("ends_on", item.get("ends_on")) if item.get("ends_on") else None
        if starts and ends and ends < starts:
            raise Invalid(f"schedule: {item['stage']} 끝나는 날이 시작보다 앞섭니다 / ends before it starts")
        out.append({"stage": item["stage"], "starts_on": starts.isoformat() if starts else None,
                    "ends_on": ends.isoformat() if ends else None})
    return sorted(out, key=lambda x: stage_index(x["stage"]))


def _get(conn, name: str, row_id: int, what: str) -> dict[str, Any]:
    row = writes.get_row(conn, name, row_id)
    if row is None:
        raise LookupError(f"{what}을(를) 찾지 못했습니다 / no such {name}: {row_id}")
    return row


def _read(engine, fn, *args, **kwargs):
    with engine.connect() as conn:
        return fn(conn, *args, **kwargs)


# --- the staff's operations --------------------------------------------------------------------


def open_call(engine, actor: Actor, *, municipality: str, year: int, title: str, envelope: int,
              schedule: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A year's call for proposals (``pb.call``): its 기준액 in won and the stages' dates."""
    municipality = _text("name", municipality)
    year, title, envelope = _year(year), _text("title", title), _won("envelope", envelope)
    sched = _schedule(schedule)
    with operations.write(engine, actor, "pb.call", municipality=municipality, recheck_scopes=False) as tx:
        if store.call_of_year(tx.conn, municipality, year) is not None:
            raise Invalid(f"{municipality} {year}년 공모가 이미 있습니다 / the year's call exists")
        try:
            row_id = store.unique(tx.conn, lambda: tx.insert("pb_calls", dict(
                municipality=municipality, year=year, title=title, envelope=envelope, schedule=sched,
                created_at=now(), version=1)))
        except store.Duplicate:
            raise Invalid(f"{municipality} {year}년 공모가 이미 있습니다 / the year's call exists") from None
        return writes.get_row(tx.conn, "pb_calls", row_id)


def set_schedule(engine, actor: Actor, *, call_id: int, version: int, envelope: int | None = None,
                 schedule: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Change a call's 기준액 or stage dates (``pb.call``); ``version`` as read, else :class:`Stale`."""
    call = _read(engine, store.call, call_id)
    if call is None:
        raise LookupError(f"공모를 찾지 못했습니다 / no such call: {call_id}")
    values: dict[str, Any] = {}
    if envelope is not None:
        values["envelope"] = _won("envelope", envelope)
    if schedule is not None:
        values["schedule"] = _schedule(schedule)
    with operations.write(engine, actor, "pb.call", municipality=call["municipality"], recheck_scopes=False) as tx:
        if values:
            tx.update("pb_calls", call_id, dict(values, version=version + 1), expected={"version": version})
        return writes.get_row(tx.conn, "pb_calls", call_id)


def _proposal(engine, proposal_id: int) -> dict[str, Any]:
    row = _read(engine, store.proposal, proposal_id)
    if row is None:
        raise LookupError(f"제안을 찾지 못했습니다 / no such proposal: {proposal_id}")
    return row


def decide(engine, actor: Actor, *, proposal_id: int, stage: str, decision: str, reason: str,
           approved_amount: int | None = None) -> dict[str, Any]:
    """Record the decision of the stage a proposal waits at, with its reason (public once
    recorded): 통과 moves it on, 탈락 ends it. The committee's (``pb.committee``) passes it
    with the approved amount (won); the other stages are ``pb.review``. A stage is decided
    once and in order (``UNIQUE (proposal_id, stage)``). Returns the proposal as stored."""
    if stage not in DECIDED_STAGES:
        raise Invalid(f"stage: 결정하는 단계는 {', '.join(DECIDED_STAGES)} / not a decided stage: {stage!r}")
    if decision not in DECISIONS:
        raise Invalid(f"decision: pass (통과) 또는 fail (탈락) / {decision!r}")
    reason = _text("reason", reason)
    operation = "pb.committee" if stage == "committee" else "pb.review"
    if stage == "committee" and decision == "pass":
        approved_amount = _won("approved_amount", approved_amount)
    elif approved_amount is not None:
        raise Invalid("approved_amount: 반영액은 위원회가 통과시킬 때만 적습니다 / only with the committee's pass")
    p = _proposal(engine, proposal_id)
    with operations.write(engine, actor, operation, municipality=p["municipality"], recheck_scopes=False) as tx:
        p = _get(tx.conn, "pb_proposals", proposal_id, "제안")
        if p["status"] != "open" or p["stage"] != stage:
            raise Invalid(f"이 제안은 지금 '{STAGES.get(p['stage'], p['stage'])}' 단계입니다 "
                          f"({'종료됨' if p['status'] != 'open' else '진행 중'}) / the proposal waits at {p['stage']}, "
                          f"status {p['status']}")
        t = now()
        values: dict[str, Any] = {"changed_at": t, "version": p["version"] + 1}
        if decision == "fail":
            values["status"] = "rejected"
        else:
            values["stage"] = next_stage(stage)
            if stage == "committee":
                values.update(status="selected", approved_amount=approved_amount)
        # the proposal first: of two staff deciding at once, the second waits for the row and
        # finds it moved on (Stale, 409) before it writes a decision
        tx.update("pb_proposals", proposal_id, values, expected={"version": p["version"]},
                  note=f"{STAGES[stage]}: {DECISIONS[decision]}")
        tx.insert("pb_decisions", dict(proposal_id=proposal_id, municipality=p["municipality"], year=p["year"],
                                       stage=stage, decision=decision, reason=reason, decided_by=actor.login,
                                       decided_at=t))
        return writes.get_row(tx.conn, "pb_proposals", proposal_id)


def add_site_note(engine, actor: Actor, *, proposal_id: int, visited_on: Any, note: str) -> dict[str, Any]:
    """A 현장실사 note (``pb.review``). Photos are not taken (see ``docs/participation.md``)."""
    visited_on, note = _date("visited_on", visited_on), _text("note", note)
    p = _proposal(engine, proposal_id)
    with operations.write(engine, actor, "pb.review", municipality=p["municipality"], recheck_scopes=False) as tx:
        row_id = tx.insert("pb_site_notes", dict(proposal_id=proposal_id, municipality=p["municipality"],
                                                 year=p["year"], visited_on=visited_on, note=note,
                                                 written_by=actor.login, written_at=now()))
        return writes.get_row(tx.conn, "pb_site_notes", row_id)


def open_ballot(engine, actor: Actor, *, call_id: int, title: str, choices: int = 1) -> dict[str, Any]:
    """A ballot of the call (``pb.ballot``): residents pick up to ``choices`` of the proposals
    at the 주민투표 stage."""
    title = _text("title", title)
    if isinstance(choices, bool) or not isinstance(choices, int) or not 1 <= choices <= 50:
        raise Invalid(f"choices: 1~50 / {choices!r}")
    call = _read(engine, store.call, call_id)
    if call is None:
        raise LookupError(f"공모를 찾지 못했습니다 / no such call: {call_id}")
    with operations.write(engine, actor, "pb.ballot", municipality=call["municipality"], recheck_scopes=False) as tx:
        row_id = tx.insert("pb_ballots", dict(call_id=call_id, municipality=call["municipality"], year=call["year"],
                                              title=title, choices=choices, status="open", created_at=now(),
                                              version=1))
        return writes.get_row(tx.conn, "pb_ballots", row_id)


def close_ballot(engine, actor: Actor, *, ballot_id: int, version: int) -> dict[str, Any]:
    b = _read(engine, store.ballot, ballot_id)
    if b is None:
        raise LookupError(f"투표를 찾지 못했습니다 / no such ballot: {ballot_id}")
    with operations.write(engine, actor, "pb.ballot", municipality=b["municipality"], recheck_scopes=False) as tx:
        tx.update("pb_ballots", ballot_id, dict(status="closed", version=version + 1), expected={"version": version})
        return writes.get_row(tx.conn, "pb_ballots", ballot_id)


def enter_offline(engine, actor: Actor, *, ballot_id: int, proposal_id: int, place: str, votes: int,
                  version: int | None = None) -> dict[str, Any]:
    """The count of a 투표소's paper ballots for one proposal (``pb.ballot``); a second count of
    the same place replaces the first only with its ``version``."""
    place = _text("place", place)
    if isinstance(votes, bool) or not isinstance(votes, int) or not 0 <= votes <= 10_000_000:
        raise Invalid(f"votes: 0 이상의 정수 / a count: {votes!r}")
    b = _read(engine, store.ballot, ballot_id)
    if b is None:
        raise LookupError(f"투표를 찾지 못했습니다 / no such ballot: {ballot_id}")
    with operations.write(engine, actor, "pb.ballot", municipality=b["municipality"], recheck_scopes=False) as tx:
        p = _get(tx.conn, "pb_proposals", proposal_id, "제안")
        if p["call_id"] != b["call_id"]:
            raise Invalid("이 투표의 공모에 속한 제안이 아닙니다 / the proposal is not of this ballot's call")
        old = store.offline_count(tx.conn, ballot_id, proposal_id, place)
        if old is None:
            if version is not None:
                raise Stale("pb_offline_counts", proposal_id, None)
            try:
                row_id = store.unique(tx.conn, lambda: tx.insert("pb_offline_counts", dict(
                    ballot_id=ballot_id, proposal_id=proposal_id, municipality=b["municipality"], place=place,
                    votes=votes, entered_by=actor.login, version=1)))
            except store.Duplicate:
                raise Stale("pb_offline_counts", proposal_id, None) from None
        else:
            if version != old["version"]:
                raise Stale("pb_offline_counts", old["id"], old)
            tx.update("pb_offline_counts", old["id"], dict(votes=votes, entered_by=actor.login,
                                                           version=old["version"] + 1),
                      expected={"version": old["version"]})
            row_id = old["id"]
        return writes.get_row(tx.conn, "pb_offline_counts", row_id)


def link_budget(engine, actor: Actor, *, proposal_id: int, year: int, program: str, department: str | None = None,
                code: str | None = None) -> dict[str, Any]:
    """The budget line a selected project became (``pb.budget``): the program of a later
    year, by its identity (municipality, year, department, name, code). Its figures — budget,
    current budget, spent — are read from the stored documents (:func:`budget_path`); the
    link does not need them to exist yet. Records the 본예산 반영 stage."""
    year, program = _year(year), _text("program", program)
    department, code = _text("department", department, required=False), _text("code", code, required=False)
    p = _proposal(engine, proposal_id)
    with operations.write(engine, actor, "pb.budget", municipality=p["municipality"], recheck_scopes=False) as tx:
        p = _get(tx.conn, "pb_proposals", proposal_id, "제안")
        if p["status"] != "selected":
            raise Invalid("위원회가 선정한 사업만 예산에 연결합니다 / only a selected project has a budget line")
        if year <= p["year"]:
            raise Invalid(f"year: {p['year']}년 공모의 사업은 그 다음 해 이후 예산에 반영됩니다 / a later year")
        t = now()
        tx.update("pb_proposals", proposal_id, dict(budget_year=year, budget_program=program,
                                                    budget_department=department, budget_code=code,
                                                    stage="reflected", changed_at=t, version=p["version"] + 1),
                  expected={"version": p["version"]})
        if not writes.find_rows(tx.conn, "pb_decisions", proposal_id=proposal_id, stage="reflected", limit=1):
            tx.insert("pb_decisions", dict(proposal_id=proposal_id, municipality=p["municipality"], year=p["year"],
                                           stage="reflected", decision="pass",
                                           reason=f"{year}년 본예산 반영: {department + ' ' if department else ''}{program}",
                                           decided_by=actor.login, decided_at=t))
        return writes.get_row(tx.conn, "pb_proposals", proposal_id)


# --- proposing and voting ------------------------------------------------------------------------


def propose(engine, actor: Actor, *, call_id: int, title: str, description: str, kind: str,
            requested_amount: int, dong: str | None = None, resident_id: int | None = None) -> dict[str, Any]:
    """A proposal (``pb.propose``): by a signed-in resident (``resident_id`` theirs), or entered
    by staff from a paper proposal (``resident_id`` None)."""
    title, description = _text("title", title), _text("description", description)
    code = kind_code(kind) if isinstance(kind, str) else None
    if code is None:
        raise Invalid(f"kind: {', '.join(f'{c} ({lb})' for c, lb in KINDS.items())} 중 하나 / unknown kind {kind!r}")
    dong = _text("dong", dong, required=code in DONG_KINDS)
    requested_amount = _won("requested_amount", requested_amount)
    if actor.role == RESIDENT and (resident_id is None or actor.account_id != resident_id):
        raise Refused(actor, "pb.propose")
    call = _read(engine, store.call, call_id)
    if call is None:
        raise LookupError(f"공모를 찾지 못했습니다 / no such call: {call_id}")
    with operations.write(engine, actor, "pb.propose", municipality=call["municipality"], recheck_scopes=False) as tx:
        if resident_id is not None:
            r = _get(tx.conn, "pb_residents", resident_id, "주민")
            if r["municipality"] != call["municipality"]:
                raise Invalid("다른 지방자치단체의 공모입니다 / the call is of another municipality")
        t = now()

        def insert():
            return tx.insert("pb_proposals", dict(
                call_id=call_id, municipality=call["municipality"], year=call["year"],
                number=store.next_number(tx.conn, call_id), title=title, description=description, kind=code,
                dong=dong, requested_amount=requested_amount, resident_id=resident_id, stage="eligibility",
                status="open", created_at=t, changed_at=t, version=1))

        for attempt in range(1, 6):  # two proposals at once took the same next number: take the one after
            try:
                row_id = store.unique(tx.conn, insert)
                break
            except store.Duplicate:
                if attempt == 5:
                    raise Invalid("제안이 몰려 번호를 정하지 못했습니다. 다시 제출해 주십시오 / busy: submit again") from None
        return writes.get_row(tx.conn, "pb_proposals", row_id)


def vote(engine, actor: Actor, *, ballot_id: int, proposal_ids: list[int]) -> list[dict[str, Any]]:
    """A resident's ballot (``pb.vote``): up to the ballot's ``choices`` proposals, each at the
    주민투표 stage of the ballot's call; once per ballot. The check before the insert gives
    the message; the database's ``UNIQUE (ballot_id, resident_id, choice)`` is what holds when
    two requests of one resident arrive together (the second is refused, nothing of it kept)."""
    if actor.role != RESIDENT or actor.account_id is None:
        raise Refused(actor, "pb.vote")
    ids = list(dict.fromkeys(proposal_ids or []))
    if not ids or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise Invalid("투표할 제안을 고르십시오 / choose at least one proposal")
    b = _read(engine, store.ballot, ballot_id)
    if b is None:
        raise LookupError(f"투표를 찾지 못했습니다 / no such ballot: {ballot_id}")
    if len(ids) > b["choices"]:
        raise Invalid(f"{b['choices']}개까지 고를 수 있습니다 / at most {b['choices']} choices")
    with operations.write(engine, actor, "pb.vote", municipality=b["municipality"], recheck_scopes=False) as tx:
        b = _get(tx.conn, "pb_ballots", ballot_id, "투표")
        if b["status"] != "open":
            raise Invalid("마감된 투표입니다 / the ballot is closed")
        r = _get(tx.conn, "pb_residents", actor.account_id, "주민")
        if r["municipality"] != b["municipality"] or r["disabled"]:
            raise Refused(actor, "pb.vote")
        for pid in ids:
            p = writes.get_row(tx.conn, "pb_proposals", pid)
            if p is None or p["call_id"] != b["call_id"] or p["stage"] != "vote" or p["status"] != "open":
                raise Invalid(f"투표 대상이 아닌 제안입니다 / not on this ballot: {pid}")
        if store.votes_of(tx.conn, ballot_id, r["id"]):
            raise Invalid("이미 투표하셨습니다 / already voted on this ballot")
        t = now()
        rows = [dict(ballot_id=ballot_id, resident_id=r["id"], proposal_id=pid, choice=i, cast_at=t)
                for i, pid in enumerate(ids, start=1)]
        try:
            vote_ids = store.insert_votes(tx.conn, rows)
        except store.Duplicate as e:
            raise Invalid(str(e)) from None
        for vid, row in zip(vote_ids, rows):
            tx.note("pb_votes", vid, municipality=b["municipality"], year=b["year"],
                    new={"ballot_id": ballot_id, "proposal_id": row["proposal_id"], "choice": row["choice"]})
        return [dict(r, id=v) for v, r in zip(vote_ids, rows)]


# --- residents: registration, codes, sessions ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ResidentSession:
    token: str
    csrf_token: str
    resident_id: int
    session_id: int
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class ResidentAuth:
    """A request's resident (by the ``sijeong_resident`` cookie)."""

    resident_id: int
    municipality: str
    name: str
    session_id: int
    csrf_token: str
    dong: str | None = None

    def actor(self, via: str = "web") -> Actor:
        return resident_actor(self.resident_id, via)


def resident_actor(resident_id: int | None, via: str = "web") -> Actor:
    login = f"resident:{resident_id}" if resident_id is not None else "resident:(등록)"
    return Actor(login=login, role=RESIDENT, via=via, account_id=resident_id)


def _code_hash(resident_id: int, code: str, salt: str) -> str:
    digest = hashlib.sha256(f"{salt}:{resident_id}:{code}".encode("utf-8")).hexdigest()
    return f"{salt}${digest}"


def _code_matches(resident_id: int, stored: str, code: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(stored.encode(), _code_hash(resident_id, code, salt).encode())


def normal_contact(value: Any) -> str:
    """A phone number as its digits (010-1234-5678 = 010 1234 5678), an e-mail address in lower case."""
    v = "".join(_text("contact", value).split()).lower()
    if "@" not in v:
        digits = "".join(c for c in v if c.isdigit())
        if not digits or any(not (c.isdigit() or c in "-+().") for c in v):
            raise Invalid("contact: 휴대전화 번호나 전자우편 주소를 적습니다 / a phone number or an e-mail address")
        return digits
    return v


def request_code(engine, *, municipality: str, name: str, contact: str, dong: str | None = None,
                 via: str = "web", deliver: Callable[[dict[str, Any], str], Delivery] | None = None) -> Delivery:
    """Register a resident (or find the one with this contact) and send a one-time code
    (``pb.resident.register``); the earlier unused codes die. Returns what the sender did."""
    if identity_check(municipality) != "code":
        raise Invalid(f"{municipality}의 본인 확인 방식은 아직 지원하지 않습니다 / identity check not supported")
    municipality, name, contact = _text("name", municipality), _text("name", name), normal_contact(contact)
    dong = _text("dong", dong, required=False)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    with operations.write(engine, resident_actor(None, via), "pb.resident.register", municipality=municipality,
                          recheck_scopes=False) as tx:
        t = now()
        if not store.calls(tx.conn, municipality, limit=1):
            raise Invalid(f"{municipality}에는 주민참여예산 공모가 없습니다 / no participatory budgeting call there")
        r = store.resident(tx.conn, municipality=municipality, contact=contact)
        if r is None:
            try:
                rid = store.unique(tx.conn, lambda: writes.insert_row(tx.conn, "pb_residents", dict(
                    municipality=municipality, name=name, contact=contact, dong=dong, disabled=False, created_at=t)))
            except store.Duplicate:  # registered at the same moment by another request: ask again
                raise Invalid("같은 연락처의 등록이 방금 처리되었습니다. 다시 요청해 주십시오 / just registered: "
                              "ask for a code again") from None
            tx.note("pb_residents", rid, new={"name": name, "dong": dong}, note="주민 등록 / resident registered")
            r = writes.get_row(tx.conn, "pb_residents", rid)
        elif r["disabled"]:
            raise Invalid("사용이 중지된 주민 등록입니다 / the registration is disabled")
        elif store.codes_since(tx.conn, r["id"], since=t - CODE_WINDOW) >= CODE_REQUESTS:
            raise Invalid(f"확인 코드를 너무 자주 요청했습니다. 한 시간에 {CODE_REQUESTS}번까지입니다 / "
                          f"at most {CODE_REQUESTS} codes an hour")
        store.revoke_codes(tx.conn, r["id"], now=t)
        cid = writes.insert_row(tx.conn, "pb_resident_codes", dict(
            resident_id=r["id"], code_hash=_code_hash(r["id"], code, secrets.token_hex(8)), created_at=t,
            expires_at=t + CODE_LIFETIME, attempts=0))
        tx.note("pb_resident_codes", cid, new={"resident_id": r["id"], "expires_at": (t + CODE_LIFETIME).isoformat()},
                note="확인 코드 발급 / one-time code issued")
    return (deliver or sender())(r, code)


def verify_code(engine, *, municipality: str, contact: str, code: str, via: str = "web") -> ResidentSession:
    """Open a resident's session with the code just sent (``pb.resident.session``): wrong,
    expired, used or tried :data:`CODE_ATTEMPTS` times — one message, :class:`Invalid`."""
    wrong = Invalid("확인 코드가 맞지 않거나 만료되었습니다 / wrong or expired code")
    contact = normal_contact(contact)
    code = (code or "").strip()
    with engine.connect() as conn:
        r = store.resident(conn, municipality=municipality, contact=contact)
    if r is None or r["disabled"]:
        raise wrong
    actor = resident_actor(r["id"], via)
    token = secrets.token_urlsafe(32)
    ok = False
    with operations.write(engine, actor, "pb.resident.session", municipality=municipality, recheck_scopes=False) as tx:
        t = now()
        c = store.live_code(tx.conn, r["id"], now=t)
        if c is not None and c["attempts"] < CODE_ATTEMPTS:
            store.count_code_attempt(tx.conn, c["id"])
            ok = len(code) == CODE_DIGITS and code.isdigit() and _code_matches(r["id"], c["code_hash"], code)
        if not ok:
            tx.note("pb_resident_codes", c["id"] if c else None, note="확인 코드 틀림 / wrong code")
        else:
            store.use_code(tx.conn, c["id"], now=t)
            if r["verified_at"] is None:
                writes.update_row(tx.conn, "pb_residents", r["id"], {"verified_at": t})
            sid = writes.insert_row(tx.conn, "pb_resident_sessions", dict(
                resident_id=r["id"], token_hash=hashlib.sha256(token.encode()).hexdigest(), created_at=t,
                expires_at=t + SESSION_LIFETIME))
            tx.note("pb_resident_sessions", sid, new={"resident_id": r["id"]}, note="주민 로그인 / resident signed in")
    if not ok:
        raise wrong
    return ResidentSession(token=token, csrf_token=_csrf(token), resident_id=r["id"], session_id=sid,
                           expires_at=t + SESSION_LIFETIME)


def _csrf(token: str) -> str:
    return hmac.new(token.encode(), b"sijeong resident csrf", hashlib.sha256).hexdigest()


def resolve(conn, token: str | None) -> ResidentAuth | None:
    """The resident of a session token, if the session is live (on the caller's connection)."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    row = store.live_session(conn, hashlib.sha256(token.encode()).hexdigest(), now=now())
    if row is None:
        return None
    return ResidentAuth(resident_id=row["resident_id"], municipality=row["municipality"], name=row["name"],
                        session_id=row["session_id"], csrf_token=_csrf(token), dong=row.get("dong"))


def sign_out(engine, auth: ResidentAuth, *, via: str = "web") -> bool:
    with operations.write(engine, auth.actor(via), "pb.resident.session", municipality=auth.municipality,
                          recheck_scopes=False) as tx:
        n = store.revoke_session(tx.conn, auth.session_id, now=now())
        tx.note("pb_resident_sessions", auth.session_id, field="revoked", old=False, new=True,
                note="주민 로그아웃 / resident signed out")
    return n == 1


# --- reading ------------------------------------------------------------------------------------


def path_of(p: dict[str, Any], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """제안 → 선정 → 예산 반영 → 집행(결산): which steps a proposal has reached."""
    spent = [x for x in lines if x.get("spent") is not None]
    reached = {"proposed": True, "selected": p["status"] == "selected", "budgeted": bool(p.get("budget_program")),
               "settled": bool(spent) and bool(p.get("budget_program"))}
    from .model.participation import PATH

    return [{"step": k, "label": label, "reached": reached[k]} for k, label in PATH]
