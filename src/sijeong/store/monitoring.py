"""The SQL of the monitoring page (종합 모니터링, issue 12 part 4): a municipality's indicators
over every stored year (for the trend), the year's policy goals and strategic goals, and the
visions printed in the work plans. Re-exported by ``store.views`` (the read layer); bounded,
filtered by municipality (and year), never a whole table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .order import sqlite_order
from .schema import table

#: a city prints hundreds of indicators a year; ten years of them fit
LIMIT = 20_000

_INDICATOR_COLUMNS = ("id", "year", "department", "name", "policy_goal", "strategic_goal", "unit", "target", "actual",
                      "rate", "rate_computed", "grade", "grade_computed", "source_doc", "source_line", "doc_order")


def indicator_series(conn: Connection, *, municipality: str, limit: int = LIMIT) -> list[dict[str, Any]]:
    """Every stored indicator of the municipality with a year (any document), by department,
    printed order and year: the columns the monitoring needs (rate and grade as printed and as
    computed)."""
    t = table("indicators")
    cols = [t.c[k] for k in _INDICATOR_COLUMNS]
    stmt = (sa.select(*cols).where(t.c.municipality == municipality, t.c.year.is_not(None))
            .order_by(*sqlite_order([t.c.department, t.c.doc_order, t.c.year, t.c.id])).limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def policy_goals_of_year(conn: Connection, *, municipality: str, year: int, limit: int = 2000) -> list[dict[str, Any]]:
    """The year's policy goals (정책사업목표) in printed order, with their strategic goal and money."""
    t = table("policy_goals")
    cols = [t.c[k] for k in ("id", "department", "name", "strategic_goal", "budget", "settled", "source_doc",
                             "source_line")]
    stmt = (sa.select(*cols).where(t.c.municipality == municipality, t.c.year == year)
            .order_by(*sqlite_order([t.c.department, t.c.doc_order, t.c.id])).limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def strategic_goals_of_year(conn: Connection, *, municipality: str, year: int,
                            limit: int = 2000) -> list[dict[str, Any]]:
    """The year's strategic goals (전략목표) of the performance report — not the plans' visions."""
    t = table("strategic_goals")
    stmt = (sa.select(t.c.id, t.c.department, t.c.name, t.c.source_doc, t.c.source_line)
            .where(t.c.municipality == municipality, t.c.year == year, t.c.vision.is_(None))
            .order_by(*sqlite_order([t.c.department, t.c.doc_order, t.c.id])).limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def visions(conn: Connection, *, municipality: str, year: int, limit: int = 50) -> list[dict[str, Any]]:
    """The visions (비전) the work plans print, of the latest plan year not after ``year``
    (else the earliest after it): distinct texts with the department and line that print them."""
    t = table("strategic_goals")
    base = [t.c.municipality == municipality, t.c.vision.is_not(None)]
    chosen = conn.execute(sa.select(sa.func.max(t.c.year)).where(*base, t.c.year <= year)).scalar()
    if chosen is None:
        chosen = conn.execute(sa.select(sa.func.min(t.c.year)).where(*base, t.c.year > year)).scalar()
    if chosen is None:
        return []
    stmt = (sa.select(t.c.year, t.c.department, t.c.vision, t.c.source_doc, t.c.source_line)
            .where(*base, t.c.year == chosen).order_by(*sqlite_order([t.c.department, t.c.doc_order, t.c.id]))
            .limit(limit))
    out: dict[str, dict[str, Any]] = {}
    for r in conn.execute(stmt).mappings():
        out.setdefault(r["vision"], dict(r))
    return list(out.values())
