"""The SQL of the pledges (공약): pages of the registry, one pledge with its milestones,
reports, assessments and audit trail, and the summary counted in SQL (by status, by field
and type, and by half-year from the progress reports). Re-exported by ``store.views`` (the
read layer); the writes go through ``operations`` (``pledge.*``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.pledges import STATUSES, percent
from .schema import table

#: JSON columns a driver may hand back as text
_JSON = ("cooperating_departments", "programs", "indicators")


def _row(r: Any) -> dict[str, Any]:
    import json

    d = dict(r._mapping)
    for k in _JSON:
        v = d.get(k)
        if isinstance(v, str):
            try:
                d[k] = json.loads(v)
            except ValueError:
                pass
    return d


def _conds(t: sa.Table, municipality: str, field: str | None = None, status: str | None = None,
           department: str | None = None) -> list:
    conds = [t.c.municipality == municipality]
    if field:
        conds.append(t.c.field == field)
    if status:
        conds.append(t.c.status == status)
    if department:
        conds.append(t.c.lead_department == department)
    return conds


def pledge_page(conn: Connection, *, municipality: str, field: str | None = None, status: str | None = None,
                department: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of a municipality's pledges by number, and how many there are in all."""
    t = table("pledges")
    conds = _conds(t, municipality, field, status, department)
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    rows = conn.execute(sa.select(t).where(*conds).order_by(t.c.number, t.c.id).limit(limit).offset(offset))
    return [_row(r) for r in rows], total


def pledge_all(conn: Connection, *, municipality: str, limit: int = 5000) -> list[dict[str, Any]]:
    """Every pledge of a municipality by field and number (bounded; a city has tens)."""
    t = table("pledges")
    rows = conn.execute(sa.select(t).where(t.c.municipality == municipality)
                        .order_by(t.c.field, t.c.number, t.c.id).limit(limit))
    return [_row(r) for r in rows]


def pledge(conn: Connection, pledge_id: int) -> dict[str, Any] | None:
    t = table("pledges")
    r = conn.execute(sa.select(t).where(t.c.id == pledge_id)).first()
    return _row(r) if r is not None else None


def pledge_details(conn: Connection, pledge_id: int, *, published_only: bool = True) -> dict[str, list]:
    """A pledge's milestones, half-year reports (oldest first) and assessments (only the
    published ones unless ``published_only`` is False)."""
    ms, rp, asm = table("pledge_milestones"), table("pledge_reports"), table("pledge_assessments")
    out: dict[str, list] = {}
    out["milestones"] = [dict(r._mapping) for r in conn.execute(
        sa.select(ms).where(ms.c.pledge_id == pledge_id).order_by(ms.c.id).limit(500))]
    out["reports"] = [dict(r._mapping) for r in conn.execute(
        sa.select(rp).where(rp.c.pledge_id == pledge_id).order_by(rp.c.period, rp.c.id).limit(500))]
    conds = [asm.c.pledge_id == pledge_id] + ([asm.c.published.is_(True)] if published_only else [])
    out["assessments"] = [dict(r._mapping) for r in conn.execute(
        sa.select(asm).where(*conds).order_by(asm.c.assessed_on, asm.c.id).limit(500))]
    return out


def pledge_audit(conn: Connection, pledge_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """The audit rows of a pledge and of its milestones, reports and assessments, oldest first."""
    a = table("audit_log")
    conds = [sa.and_(a.c.entity == "pledges", a.c.entity_id == pledge_id)]
    for name in ("pledge_milestones", "pledge_reports", "pledge_assessments"):
        conds.append(sa.and_(a.c.entity == name, a.c.entity_id.in_(
            sa.select(table(name).c.id).where(table(name).c.pledge_id == pledge_id))))
    stmt = sa.select(a).where(sa.or_(*conds)).order_by(a.c.id).limit(limit)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def next_number(conn: Connection, municipality: str) -> int:
    t = table("pledges")
    top = conn.execute(sa.select(sa.func.max(t.c.number)).where(t.c.municipality == municipality)).scalar()
    return (top or 0) + 1


def report_of(conn: Connection, pledge_id: int, period: str) -> dict[str, Any] | None:
    t = table("pledge_reports")
    r = conn.execute(sa.select(t).where(t.c.pledge_id == pledge_id, t.c.period == period)).first()
    return dict(r._mapping) if r is not None else None


def latest_period(conn: Connection, pledge_id: int) -> str | None:
    t = table("pledge_reports")
    return conn.execute(sa.select(sa.func.max(t.c.period)).where(t.c.pledge_id == pledge_id)).scalar()


def _counts(by: dict[str, int], total: int) -> dict[str, Any]:
    """Counts and one-decimal percentages of every status (zeros included, in order)."""
    return {
        "total": total,
        "by_status": [{"status": code, "label": label, "count": by.get(code, 0),
                       "percent": percent(by.get(code, 0), total)} for code, label in STATUSES.items()],
        "completion_rate": percent(by.get("completed", 0), total),
    }


def pledge_summary(conn: Connection, *, municipality: str) -> dict[str, Any]:
    """Counted in SQL: the total and every status's count and percentage; the same by field
    and by type; ``due`` split by target year; and, for every half-year with a report, each
    pledge's status at that time (its latest report up to the period; ``unreported`` when it
    has none yet)."""
    t = table("pledges")
    where = t.c.municipality == municipality
    by_status: dict[str, int] = {}
    for status, n in conn.execute(sa.select(t.c.status, sa.func.count()).where(where).group_by(t.c.status)):
        by_status[status] = n
    total = sum(by_status.values())
    out = {"municipality": municipality, **_counts(by_status, total)}

    due = conn.execute(sa.select(t.c.target_year, sa.func.count()).where(where, t.c.status == "due")
                       .group_by(t.c.target_year).order_by(t.c.target_year)).all()
    out["due_by_year"] = [{"target_year": y, "count": n, "percent": percent(n, total)} for y, n in due]

    for key, col in (("by_field", t.c.field), ("by_type", t.c.type)):
        groups: dict[Any, dict[str, int]] = {}
        for value, status, n in conn.execute(sa.select(col, t.c.status, sa.func.count()).where(where)
                                             .group_by(col, t.c.status).order_by(col)):
            groups.setdefault(value, {})[status] = n
        out[key] = [{key[3:]: value, **_counts(g, sum(g.values()))} for value, g in groups.items()]

    out["over_time"] = _over_time(conn, municipality, total)
    return out


def _over_time(conn: Connection, municipality: str, total: int) -> list[dict[str, Any]]:
    r = table("pledge_reports")
    p = table("pledges")
    periods = [x for (x,) in conn.execute(sa.select(r.c.period).where(r.c.municipality == municipality)
                                           .distinct().order_by(r.c.period).limit(200))]
    out = []
    for period in periods:
        # each pledge's latest report up to this period
        latest = (sa.select(r.c.pledge_id, sa.func.max(r.c.period).label("period"))
                  .where(r.c.municipality == municipality, r.c.period <= period)
                  .group_by(r.c.pledge_id).subquery())
        stmt = (sa.select(r.c.status, sa.func.count())
                .join(latest, sa.and_(latest.c.pledge_id == r.c.pledge_id, latest.c.period == r.c.period))
                .join(p, p.c.id == r.c.pledge_id).where(p.c.municipality == municipality)
                .group_by(r.c.status))
        by = {s: n for s, n in conn.execute(stmt)}
        reported = sum(by.values())
        row = {"period": period, **_counts(by, total), "reported": reported, "unreported": total - reported}
        out.append(row)
    return out


def pledge_fields(conn: Connection, *, municipality: str) -> list[str]:
    t = table("pledges")
    return [x for (x,) in conn.execute(sa.select(t.c.field).where(t.c.municipality == municipality)
                                        .distinct().order_by(t.c.field).limit(500))]


def pledge_municipalities(conn: Connection) -> list[str]:
    t = table("pledges")
    return [x for (x,) in conn.execute(sa.select(t.c.municipality).distinct().order_by(t.c.municipality).limit(500))]
