"""The SQL of 주민참여예산 (``docs/participation.md``): calls, proposals with their decisions,
site notes and votes, the summary by kind counted in SQL, the residents' codes and sessions,
and the budget line an approved project became (a ``programs`` row of a later year, found by
its identity). Re-exported by ``store.views``; the writes go through ``sijeong.participation``
(``operations.write``).

A vote is one row per choice: ``UNIQUE (ballot_id, resident_id, choice)`` makes the database
refuse the second of two concurrent ballots of one resident; :func:`insert_votes` turns that
refusal into :class:`Duplicate`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.participation import KINDS
from .schema import table


class Duplicate(Exception):
    """The database refused a row a UNIQUE constraint forbids (a second vote)."""


def _d(r: Any) -> dict[str, Any]:
    return dict(r._mapping)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


# --- calls and proposals ---------------------------------------------------------------------


def call(conn: Connection, call_id: int) -> dict[str, Any] | None:
    t = table("pb_calls")
    r = conn.execute(sa.select(t).where(t.c.id == call_id)).first()
    return _d(r) if r is not None else None


def call_of_year(conn: Connection, municipality: str, year: int) -> dict[str, Any] | None:
    t = table("pb_calls")
    r = conn.execute(sa.select(t).where(t.c.municipality == municipality, t.c.year == year)).first()
    return _d(r) if r is not None else None


def calls(conn: Connection, municipality: str, *, limit: int = 100) -> list[dict[str, Any]]:
    """A municipality's calls, newest year first."""
    t = table("pb_calls")
    return [_d(r) for r in conn.execute(sa.select(t).where(t.c.municipality == municipality)
                                        .order_by(t.c.year.desc()).limit(limit))]


def proposal(conn: Connection, proposal_id: int) -> dict[str, Any] | None:
    t = table("pb_proposals")
    r = conn.execute(sa.select(t).where(t.c.id == proposal_id)).first()
    return _d(r) if r is not None else None


def proposals(conn: Connection, call_id: int, *, kind: str | None = None, stage: str | None = None,
              limit: int = 5000, offset: int = 0) -> list[dict[str, Any]]:
    """A call's proposals by number (bounded)."""
    t = table("pb_proposals")
    conds = [t.c.call_id == call_id]
    if kind:
        conds.append(t.c.kind == kind)
    if stage:
        conds.append(t.c.stage == stage)
    return [_d(r) for r in conn.execute(sa.select(t).where(*conds).order_by(t.c.number, t.c.id)
                                        .limit(limit).offset(offset))]


def next_number(conn: Connection, call_id: int) -> int:
    t = table("pb_proposals")
    top = conn.execute(sa.select(sa.func.max(t.c.number)).where(t.c.call_id == call_id)).scalar()
    return (top or 0) + 1


def decisions(conn: Connection, proposal_id: int) -> list[dict[str, Any]]:
    t = table("pb_decisions")
    return [_d(r) for r in conn.execute(sa.select(t).where(t.c.proposal_id == proposal_id).order_by(t.c.id).limit(50))]


def site_notes(conn: Connection, proposal_id: int) -> list[dict[str, Any]]:
    t = table("pb_site_notes")
    return [_d(r) for r in conn.execute(sa.select(t).where(t.c.proposal_id == proposal_id)
                                        .order_by(t.c.visited_on, t.c.id).limit(200))]


def proposal_audit(conn: Connection, proposal_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """The audit rows of a proposal and of its decisions and site notes, oldest first."""
    a = table("audit_log")
    conds = [sa.and_(a.c.entity == "pb_proposals", a.c.entity_id == proposal_id)]
    for name in ("pb_decisions", "pb_site_notes"):
        conds.append(sa.and_(a.c.entity == name, a.c.entity_id.in_(
            sa.select(table(name).c.id).where(table(name).c.proposal_id == proposal_id))))
    return [_d(r) for r in conn.execute(sa.select(a).where(sa.or_(*conds)).order_by(a.c.id).limit(limit))]


def summary(conn: Connection, call_id: int) -> dict[str, Any]:
    """Counted in SQL, as 000's table prints it: every kind's proposals, selected projects
    (the committee passed them) and their approved amount in won; the totals."""
    t = table("pb_proposals")
    rows = conn.execute(
        sa.select(t.c.kind, sa.func.count(),
                  sa.func.sum(sa.case((t.c.status == "selected", 1), else_=0)),
                  sa.func.sum(sa.case((t.c.status == "selected", t.c.approved_amount), else_=0)),
                  sa.func.sum(t.c.requested_amount))
        .where(t.c.call_id == call_id).group_by(t.c.kind)).all()
    by = {k: (int(n), int(s or 0), int(a or 0), int(req or 0)) for k, n, s, a, req in rows}
    kinds = [{"kind": code, "label": label, "proposals": by.get(code, (0,) * 4)[0],
              "selected": by.get(code, (0,) * 4)[1], "approved_amount": by.get(code, (0,) * 4)[2],
              "requested_amount": by.get(code, (0,) * 4)[3]} for code, label in KINDS.items()]
    return {"kinds": kinds,
            "proposals": sum(k["proposals"] for k in kinds),
            "selected": sum(k["selected"] for k in kinds),
            "approved_amount": sum(k["approved_amount"] for k in kinds),
            "requested_amount": sum(k["requested_amount"] for k in kinds)}


# --- ballots ----------------------------------------------------------------------------------


def ballot(conn: Connection, ballot_id: int) -> dict[str, Any] | None:
    t = table("pb_ballots")
    r = conn.execute(sa.select(t).where(t.c.id == ballot_id)).first()
    return _d(r) if r is not None else None


def ballots(conn: Connection, call_id: int) -> list[dict[str, Any]]:
    t = table("pb_ballots")
    return [_d(r) for r in conn.execute(sa.select(t).where(t.c.call_id == call_id).order_by(t.c.id).limit(100))]


def votes_of(conn: Connection, ballot_id: int, resident_id: int) -> list[dict[str, Any]]:
    t = table("pb_votes")
    return [_d(r) for r in conn.execute(sa.select(t).where(t.c.ballot_id == ballot_id, t.c.resident_id == resident_id)
                                        .order_by(t.c.choice))]


def unique(conn: Connection, fn: Callable[[], Any], message: str = "이미 있습니다 / already there") -> Any:
    """``fn()`` (inserts, with their audit rows) in a savepoint; :class:`Duplicate` when the
    database refuses a row by a UNIQUE constraint — what a concurrent writer that passed the
    same check first leaves behind (on PostgreSQL the second insert waits for the first's
    commit, then fails). The rest of the transaction goes on."""
    try:
        with conn.begin_nested():
            return fn()
    except sa.exc.IntegrityError:
        raise Duplicate(message) from None


def insert_votes(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert a resident's votes in a savepoint; :class:`Duplicate` when the database refuses
    one (the resident's choice, or proposal, is already counted on this ballot)."""
    t = table("pb_votes")
    return unique(conn, lambda: [conn.execute(sa.insert(t).values(**r).returning(t.c.id)).scalar_one() for r in rows],
                  "이미 투표하셨습니다 / already voted on this ballot")


def offline_count(conn: Connection, ballot_id: int, proposal_id: int, place: str) -> dict[str, Any] | None:
    t = table("pb_offline_counts")
    r = conn.execute(sa.select(t).where(t.c.ballot_id == ballot_id, t.c.proposal_id == proposal_id,
                                        t.c.place == place)).first()
    return _d(r) if r is not None else None


def tally(conn: Connection, ballot_id: int) -> list[dict[str, Any]]:
    """Every proposal with votes on the ballot: online votes (counted rows) and offline ones
    (the staff's counts), most votes first."""
    v, o, p = table("pb_votes"), table("pb_offline_counts"), table("pb_proposals")
    online = dict(conn.execute(sa.select(v.c.proposal_id, sa.func.count()).where(v.c.ballot_id == ballot_id)
                               .group_by(v.c.proposal_id)).all())
    offline = dict(conn.execute(sa.select(o.c.proposal_id, sa.func.sum(o.c.votes)).where(o.c.ballot_id == ballot_id)
                                .group_by(o.c.proposal_id)).all())
    ids = set(online) | set(offline)
    if not ids:
        return []
    names = {r.id: r for r in conn.execute(sa.select(p.c.id, p.c.number, p.c.title).where(p.c.id.in_(ids)))}
    out = [{"proposal_id": i, "number": names[i].number, "title": names[i].title, "online": int(online.get(i, 0)),
            "offline": int(offline.get(i, 0) or 0)} for i in ids]
    for r in out:
        r["total"] = r["online"] + r["offline"]
    return sorted(out, key=lambda r: (-r["total"], r["number"]))


def voters(conn: Connection, ballot_id: int) -> int:
    v = table("pb_votes")
    return conn.execute(sa.select(sa.func.count(sa.distinct(v.c.resident_id))).where(v.c.ballot_id == ballot_id)).scalar_one()


# --- the budget line --------------------------------------------------------------------------


def budget_lines(conn: Connection, *, municipality: str, year: int, program: str, department: str | None = None,
                 limit: int = 20) -> list[dict[str, Any]]:
    """The stored ``programs`` rows (사업별조서 of a settlement) of that year named so (and in
    that department when given): budget, current budget, spent, and where they were read."""
    t = table("programs")
    conds = [t.c.municipality == municipality, t.c.year == year, t.c.name == program]
    if department:
        conds.append(t.c.department == department)
    cols = [t.c.id, t.c.municipality, t.c.year, t.c.department, t.c.name, t.c.level, t.c.budget, t.c.current_budget,
            t.c.spent, t.c.unspent, t.c.carry_forward, t.c.source_doc, t.c.source_line]
    return [_d(r) for r in conn.execute(sa.select(*cols).where(*conds).order_by(t.c.id).limit(limit))]


# --- residents --------------------------------------------------------------------------------


def resident(conn: Connection, *, resident_id: int | None = None, municipality: str | None = None,
             contact: str | None = None) -> dict[str, Any] | None:
    t = table("pb_residents")
    cond = t.c.id == resident_id if resident_id is not None else sa.and_(t.c.municipality == municipality,
                                                                       t.c.contact == contact)
    r = conn.execute(sa.select(t).where(cond)).first()
    return _d(r) if r is not None else None


def live_code(conn: Connection, resident_id: int, *, now: dt.datetime) -> dict[str, Any] | None:
    """The resident's newest one-time code, if unused and not expired."""
    t = table("pb_resident_codes")
    r = conn.execute(sa.select(t).where(t.c.resident_id == resident_id, t.c.used_at.is_(None), t.c.expires_at > now)
                     .order_by(t.c.id.desc()).limit(1)).first()
    return _d(r) if r is not None else None


def codes_since(conn: Connection, resident_id: int, *, since: dt.datetime) -> int:
    """How many codes the resident was sent since ``since`` (the limit on code requests)."""
    t = table("pb_resident_codes")
    return conn.execute(sa.select(sa.func.count()).select_from(t)
                        .where(t.c.resident_id == resident_id, t.c.created_at > since)).scalar_one()


def count_code_attempt(conn: Connection, code_id: int) -> None:
    t = table("pb_resident_codes")
    conn.execute(sa.update(t).where(t.c.id == code_id).values(attempts=t.c.attempts + 1))


def use_code(conn: Connection, code_id: int, *, now: dt.datetime) -> int:
    t = table("pb_resident_codes")
    return conn.execute(sa.update(t).where(t.c.id == code_id, t.c.used_at.is_(None)).values(used_at=now)).rowcount


def revoke_codes(conn: Connection, resident_id: int, *, now: dt.datetime) -> int:
    t = table("pb_resident_codes")
    return conn.execute(sa.update(t).where(t.c.resident_id == resident_id, t.c.used_at.is_(None))
                        .values(used_at=now)).rowcount


def live_session(conn: Connection, token_hash: str, *, now: dt.datetime) -> dict[str, Any] | None:
    """The resident session with this token hash, if live and its resident not disabled."""
    s, r = table("pb_resident_sessions"), table("pb_residents")
    stmt = (sa.select(s.c.id.label("session_id"), s.c.expires_at, r.c.id.label("resident_id"), r.c.municipality,
                      r.c.name, r.c.dong)
            .join(r, r.c.id == s.c.resident_id)
            .where(s.c.token_hash == token_hash, s.c.revoked_at.is_(None), s.c.expires_at > now,
                   r.c.disabled.is_(False)))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def revoke_session(conn: Connection, session_id: int, *, now: dt.datetime) -> int:
    t = table("pb_resident_sessions")
    return conn.execute(sa.update(t).where(t.c.id == session_id, t.c.revoked_at.is_(None))
                        .values(revoked_at=now)).rowcount


def revoke_sessions(conn: Connection, resident_id: int, *, now: dt.datetime) -> int:
    t = table("pb_resident_sessions")
    return conn.execute(sa.update(t).where(t.c.resident_id == resident_id, t.c.revoked_at.is_(None))
                        .values(revoked_at=now)).rowcount

