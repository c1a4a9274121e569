"""The SQL of 제안제도 (suggestions): pages of suggestions, one with its steps and audit
trail, public calls, likely duplicates of a new one, and the statistics counted in SQL (per
year and per 소관부서: 제안건수, 채택건수, 실시건수). Re-exported by ``store.views``; the writes
go through ``sijeong.suggestions`` (``suggestion.*`` operations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.suggestions import ADOPTED, similarity, statistics_row, trigrams
from .schema import table
from .search import _like, _snippet, _terms

#: the most trigrams of a new title the duplicate search asks the database about
MAX_PROBES = 40
#: the most candidates read back to rank
MAX_CANDIDATES = 500


def _row(r: Any) -> dict[str, Any]:
    return dict(r._mapping)


def suggestion(conn: Connection, suggestion_id: int) -> dict[str, Any] | None:
    t = table("suggestions")
    r = conn.execute(sa.select(t).where(t.c.id == suggestion_id)).first()
    return _row(r) if r is not None else None


def suggestion_page(conn: Connection, *, municipality: str, year: int | None = None, status: str | None = None,
                    department: str | None = None, call_id: int | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of a municipality's suggestions, newest first, and how many in all."""
    t = table("suggestions")
    conds = [t.c.municipality == municipality]
    if year is not None:
        conds.append(t.c.year == year)
    if status:
        conds.append(t.c.status == status)
    if department:
        conds.append(t.c.department == department)
    if call_id is not None:
        conds.append(t.c.call_id == call_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    rows = conn.execute(sa.select(t).where(*conds).order_by(t.c.year.desc(), t.c.number.desc(), t.c.id.desc())
                        .limit(limit).offset(offset))
    return [_row(r) for r in rows], total


def suggestion_steps(conn: Connection, suggestion_id: int) -> list[dict[str, Any]]:
    t = table("suggestion_steps")
    return [_row(r) for r in conn.execute(sa.select(t).where(t.c.suggestion_id == suggestion_id)
                                           .order_by(t.c.id).limit(100))]


def suggestion_step(conn: Connection, suggestion_id: int, step: str) -> dict[str, Any] | None:
    t = table("suggestion_steps")
    r = conn.execute(sa.select(t).where(t.c.suggestion_id == suggestion_id, t.c.step == step)).first()
    return _row(r) if r is not None else None


def suggestion_audit(conn: Connection, suggestion_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """The audit rows of a suggestion and of its steps, oldest first."""
    a, st = table("audit_log"), table("suggestion_steps")
    cond = sa.or_(sa.and_(a.c.entity == "suggestions", a.c.entity_id == suggestion_id),
                  sa.and_(a.c.entity == "suggestion_steps",
                          a.c.entity_id.in_(sa.select(st.c.id).where(st.c.suggestion_id == suggestion_id))))
    return [_row(r) for r in conn.execute(sa.select(a).where(cond).order_by(a.c.id).limit(limit))]


def next_number(conn: Connection, municipality: str, year: int) -> int:
    t = table("suggestions")
    top = conn.execute(sa.select(sa.func.max(t.c.number))
                       .where(t.c.municipality == municipality, t.c.year == year)).scalar()
    return (top or 0) + 1


def suggestion_years(conn: Connection, *, municipality: str) -> list[int]:
    t = table("suggestions")
    return [y for (y,) in conn.execute(sa.select(t.c.year).where(t.c.municipality == municipality)
                                        .distinct().order_by(t.c.year.desc()).limit(200))]


# --- calls (공모) ------------------------------------------------------------------------------


def suggestion_call(conn: Connection, call_id: int) -> dict[str, Any] | None:
    t = table("suggestion_calls")
    r = conn.execute(sa.select(t).where(t.c.id == call_id)).first()
    return _row(r) if r is not None else None


def suggestion_calls(conn: Connection, *, municipality: str, limit: int = 200) -> list[dict[str, Any]]:
    """A municipality's calls, the latest deadline first, each with how many suggestions it got."""
    t, s = table("suggestion_calls"), table("suggestions")
    n = sa.select(sa.func.count()).where(s.c.call_id == t.c.id).scalar_subquery()
    rows = conn.execute(sa.select(t, n.label("suggestions")).where(t.c.municipality == municipality)
                        .order_by(t.c.closes_on.desc(), t.c.id.desc()).limit(limit))
    return [_row(r) for r in rows]


# --- likely duplicates ---------------------------------------------------------------------------


def similar_suggestions(conn: Connection, *, municipality: str, title: str, body: str = "",
                        exclude_id: int | None = None, limit: int = 5, threshold: float = 0.4) -> list[dict[str, Any]]:
    """Suggestions of the municipality that look like this one, most alike first.

    The search index's own way of matching (``store.search``: terms split as the search box
    splits them, matched as substrings — FTS5's trigram tokenizer) finds the candidates: any
    suggestion whose title or body holds one of the new title's trigrams (words of one or
    two characters whole). They are then ranked by :func:`model.suggestions.similarity`
    (shared trigrams of the titles, and of title and body) and kept from ``threshold`` up."""
    t = table("suggestions")
    probes = sorted(trigrams(" ".join(_terms(title))), key=lambda x: (-len(x), x))[:MAX_PROBES]
    probes = [p for p in probes if len(p) >= 2]
    if not probes:
        return []
    text = t.c.title + " " + t.c.body
    op = text.ilike if conn.dialect.name == "postgresql" else text.like
    conds = [t.c.municipality == municipality, sa.or_(*[op(_like(p), escape="\\") for p in probes])]
    if exclude_id is not None:
        conds.append(t.c.id != exclude_id)
    rows = conn.execute(sa.select(t.c.id, t.c.year, t.c.number, t.c.title, t.c.body, t.c.status, t.c.department)
                        .where(*conds).order_by(t.c.id.desc()).limit(MAX_CANDIDATES))
    scored = []
    for r in rows:
        d = _row(r)
        score = similarity(title, body, d["title"], d["body"])
        if score >= threshold:
            d["score"] = round(score, 3)
            d["snippet"] = _snippet(d.pop("body"), _terms(title))
            scored.append(d)
    scored.sort(key=lambda d: (-d["score"], -d["id"]))
    return scored[:limit]


# --- statistics --------------------------------------------------------------------------------


def suggestion_statistics(conn: Connection, *, municipality: str, year: int | None = None) -> dict[str, Any]:
    """Counted in SQL, by the year a suggestion was received: 제안건수 (all), 채택건수 (adopted
    or implemented), 실시건수 (implemented), with 채택률 and 실시율 in whole percent as 000
    prints them — per year, and per 소관부서 within each year (a suggestion with no
    department yet is counted under ``None``)."""
    t = table("suggestions")
    adopted = sa.func.sum(sa.case((t.c.status.in_(ADOPTED), 1), else_=0))
    implemented = sa.func.sum(sa.case((t.c.status == "implemented", 1), else_=0))
    conds = [t.c.municipality == municipality] + ([t.c.year == year] if year is not None else [])
    stmt = (sa.select(t.c.year, t.c.department, sa.func.count(), adopted, implemented).where(*conds)
            .group_by(t.c.year, t.c.department).order_by(t.c.year.desc(), t.c.department))
    years: dict[int, list] = {}
    for y, dept, n, a, i in conn.execute(stmt):
        years.setdefault(y, []).append((dept, int(n), int(a or 0), int(i or 0)))
    out = []
    for y, rows in years.items():
        depts = sorted(rows, key=lambda r: (r[0] is None, r[0] or ""))
        out.append({"year": y, **statistics_row(sum(r[1] for r in rows), sum(r[2] for r in rows),
                                                 sum(r[3] for r in rows)),
                    "departments": [{"department": d, **statistics_row(n, a, i)} for d, n, a, i in depts]})
    return {"municipality": municipality, "years": out}


def department_suggestion_figures(conn: Connection, *, municipality: str, year: int) -> list[dict[str, Any]]:
    """Per 소관부서 of a year: suggestions, adopted, implemented and the rates — the figures a
    department evaluation's 제안 bonus (가점) is worked out from."""
    stats = suggestion_statistics(conn, municipality=municipality, year=year)
    return stats["years"][0]["departments"] if stats["years"] else []


def today_kst() -> dt.date:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=9)).date()
