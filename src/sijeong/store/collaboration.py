"""The SQL of 협업 (collaboration): 협업과제 and their 관리카드 checks; the 협업포인트 ledger —
what an account sent in a month (its balance), how often to one person, the thank-you feed,
the month's top receivers (이달의 협업왕) and the department totals by month and year.
Re-exported by ``store.views``; the writes go through ``sijeong.collaboration``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import table

_JSON = ("cooperating_departments",)


def _row(r: Any) -> dict[str, Any]:
    import json

    d = dict(r._mapping)
    for k in _JSON:
        if isinstance(d.get(k), str):
            try:
                d[k] = json.loads(d[k])
            except ValueError:
                pass
    return d


# --- the ledger -------------------------------------------------------------------------------


def lock_account(conn: Connection, account_id: int) -> dict[str, Any] | None:
    """The sender's account row, locked until the transaction ends (``SELECT … FOR UPDATE``
    on PostgreSQL; SQLite's write transaction is ``BEGIN IMMEDIATE``, one writer at a time):
    two sends of one account are checked and written one after the other."""
    a = table("accounts")
    stmt = sa.select(a.c.id, a.c.login, a.c.role, a.c.department, a.c.municipality, a.c.disabled).where(
        a.c.id == account_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    r = conn.execute(stmt).first()
    return _row(r) if r is not None else None


def account_by_login(conn: Connection, login: str) -> dict[str, Any] | None:
    a = table("accounts")
    r = conn.execute(sa.select(a.c.id, a.c.login, a.c.role, a.c.department, a.c.municipality, a.c.disabled)
                     .where(a.c.login == login)).first()
    return _row(r) if r is not None else None


def sent_points(conn: Connection, account_id: int, month: str) -> int:
    """Points an account sent with thank-you messages in a month (what its allowance lost)."""
    p = table("collab_points")
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(p.c.points), 0)).where(
        p.c.sender_account_id == account_id, p.c.month == month, p.c.kind == "thanks")).scalar_one())


def sent_to(conn: Connection, account_id: int, recipient_id: int, month: str) -> int:
    """Thank-you messages an account sent to one person in a month."""
    p = table("collab_points")
    return int(conn.execute(sa.select(sa.func.count()).where(
        p.c.sender_account_id == account_id, p.c.recipient_account_id == recipient_id, p.c.month == month,
        p.c.kind == "thanks")).scalar_one())


def received_points(conn: Connection, account_id: int, month: str) -> int:
    p = table("collab_points")
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(p.c.points), 0)).where(
        p.c.recipient_account_id == account_id, p.c.month == month)).scalar_one())


def point_feed(conn: Connection, *, municipality: str, month: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The thank-you feed: messages and special grants, newest first."""
    p = table("collab_points")
    conds = [p.c.municipality == municipality] + ([p.c.month == month] if month else [])
    total = conn.execute(sa.select(sa.func.count()).select_from(p).where(*conds)).scalar_one()
    rows = conn.execute(sa.select(p).where(*conds).order_by(p.c.id.desc()).limit(limit).offset(offset))
    return [_row(r) for r in rows], total


def top_receivers(conn: Connection, *, municipality: str, month: str, top: int = 3) -> list[dict[str, Any]]:
    """이달의 협업왕: the accounts that received the most points in the month, ranked (equal
    totals share a rank, the next skips: 1, 2, 2, 4), every one ranked ``top`` or better."""
    p = table("collab_points")
    total = sa.func.sum(p.c.points).label("points")
    rows = conn.execute(sa.select(p.c.recipient_account_id, p.c.recipient_login, sa.func.count().label("messages"),
                                  total)
                        .where(p.c.municipality == municipality, p.c.month == month)
                        .group_by(p.c.recipient_account_id, p.c.recipient_login)
                        .order_by(total.desc(), p.c.recipient_login).limit(top * 20)).all()
    out: list[dict[str, Any]] = []
    for r in rows:
        d = _row(r)
        d["points"] = int(d["points"])
        d["rank"] = 1 + sum(1 for x in rows if int(x.points) > d["points"])
        if d["rank"] > top:
            break
        out.append(d)
    if out:  # the department of each at the time of the month's last message to them
        depts = dict(conn.execute(sa.select(p.c.recipient_account_id, p.c.recipient_department).where(
            p.c.id.in_(sa.select(sa.func.max(p.c.id)).where(p.c.municipality == municipality, p.c.month == month)
                       .group_by(p.c.recipient_account_id)))).all())
        for d in out:
            d["department"] = depts.get(d["recipient_account_id"])
    return out


def department_points(conn: Connection, *, municipality: str, year: int) -> list[dict[str, Any]]:
    """Per department and month of a year: points received (thanks and special), points sent
    and messages, by the department each person was in at the time. Counted in SQL."""
    p = table("collab_points")
    where = [p.c.municipality == municipality, p.c.month.like(f"{year:04d}-%")]
    received = conn.execute(sa.select(p.c.recipient_department, p.c.month, sa.func.sum(p.c.points), sa.func.count(),
                                      sa.func.sum(sa.case((p.c.kind == "special", p.c.points), else_=0)))
                            .where(*where).group_by(p.c.recipient_department, p.c.month)).all()
    sent = conn.execute(sa.select(p.c.sender_department, p.c.month, sa.func.sum(p.c.points), sa.func.count())
                        .where(*where, p.c.kind == "thanks").group_by(p.c.sender_department, p.c.month)).all()
    out: dict[tuple, dict[str, Any]] = {}

    def entry(dept, month):
        return out.setdefault((dept, month), {"department": dept, "month": month, "received": 0, "received_messages": 0,
                                              "special": 0, "sent": 0, "sent_messages": 0})

    for dept, month, pts, n, special in received:
        e = entry(dept, month)
        e.update(received=int(pts), received_messages=int(n), special=int(special or 0))
    for dept, month, pts, n in sent:
        e = entry(dept, month)
        e.update(sent=int(pts), sent_messages=int(n))
    return sorted(out.values(), key=lambda e: (e["department"] is None, e["department"] or "", e["month"]))


# --- 협업과제 and 관리카드 ----------------------------------------------------------------------


def collab_task(conn: Connection, task_id: int) -> dict[str, Any] | None:
    t = table("collab_tasks")
    r = conn.execute(sa.select(t).where(t.c.id == task_id)).first()
    return _row(r) if r is not None else None


def collab_tasks(conn: Connection, *, municipality: str, year: int | None = None,
                 limit: int = 500) -> list[dict[str, Any]]:
    """A municipality's 협업과제 (newest year first), each with its 관리카드 checks oldest first."""
    t, c = table("collab_tasks"), table("collab_checks")
    conds = [t.c.municipality == municipality] + ([t.c.year == year] if year is not None else [])
    tasks = [_row(r) for r in conn.execute(sa.select(t).where(*conds).order_by(t.c.year.desc(), t.c.id)
                                            .limit(limit))]
    ids = [x["id"] for x in tasks]
    checks: dict[int, list] = {}
    if ids:
        for r in conn.execute(sa.select(c).where(c.c.task_id.in_(ids)).order_by(c.c.period, c.c.id)):
            checks.setdefault(r.task_id, []).append(_row(r))
    for x in tasks:
        x["checks"] = checks.get(x["id"], [])
    return tasks


def collab_check(conn: Connection, task_id: int, period: str) -> dict[str, Any] | None:
    c = table("collab_checks")
    r = conn.execute(sa.select(c).where(c.c.task_id == task_id, c.c.period == period)).first()
    return _row(r) if r is not None else None


def collab_audit(conn: Connection, *, entity: str, entity_id: int, limit: int = 200) -> list[dict[str, Any]]:
    a = table("audit_log")
    return [_row(r) for r in conn.execute(sa.select(a).where(a.c.entity == entity, a.c.entity_id == entity_id)
                                           .order_by(a.c.id).limit(limit))]


def colleagues(conn: Connection, *, limit: int = 5000) -> list[dict[str, Any]]:
    """Every enabled account's login and department (never more), by department and login: the
    people one can thank."""
    a = table("accounts")
    rows = conn.execute(sa.select(a.c.id, a.c.login, a.c.department).where(a.c.disabled.is_(False))
                        .order_by(a.c.department, a.c.login).limit(limit))
    return [_row(r) for r in rows]
