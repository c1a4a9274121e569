"""The SQL of the performance cycle (``sijeong.cycle``, ``docs/cycle.md``): reads of the
cycle tables, last year's stored indicators to carry over, and the audit entries a value
was entered by. Rows are written only through ``operations.Tx`` (insert / update with the
audit log), never here.
"""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa

from .schema import table

#: a second insert of a row with the same unique key (two people creating the same record)
Duplicate = sa.exc.IntegrityError


def _rows(conn: sa.Connection, stmt) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def year_row(conn: sa.Connection, municipality: str, year: int) -> dict[str, Any] | None:
    t = table("cycle_years")
    row = conn.execute(sa.select(t).where(t.c.municipality == municipality, t.c.year == year)).mappings().first()
    return dict(row) if row is not None else None


def years(conn: sa.Connection, municipality: str | None = None) -> list[dict[str, Any]]:
    t = table("cycle_years")
    conds = [t.c.municipality == municipality] if municipality else []
    return _rows(conn, sa.select(t).where(*conds).order_by(t.c.municipality, t.c.year))


def plan_indicators(conn: sa.Connection, municipality: str, year: int, department: str | None = None,
                    *, status: str | None = None) -> list[dict[str, Any]]:
    t = table("cycle_indicators")
    conds = [t.c.municipality == municipality, t.c.year == year]
    if department is not None:
        conds.append(t.c.department == department)
    if status is not None:
        conds.append(t.c.status == status)
    return _rows(conn, sa.select(t).where(*conds).order_by(t.c.department, t.c.id))


def results_of(conn: sa.Connection, indicator_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The period results of these plan indicators, by indicator and period."""
    ids = list(indicator_ids)
    if not ids:
        return []
    t = table("cycle_results")
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        out += _rows(conn, sa.select(t).where(t.c.indicator_id.in_(ids[i:i + 500])).order_by(t.c.indicator_id, t.c.period))
    return out


def result_for(conn: sa.Connection, indicator_id: int, period: str) -> dict[str, Any] | None:
    t = table("cycle_results")
    row = conn.execute(sa.select(t).where(t.c.indicator_id == indicator_id, t.c.period == period)).mappings().first()
    return dict(row) if row is not None else None


def windows(conn: sa.Connection, municipality: str, year: int) -> list[dict[str, Any]]:
    t = table("cycle_windows")
    return _rows(conn, sa.select(t).where(t.c.municipality == municipality, t.c.year == year)
                 .order_by(t.c.due_on, t.c.period))


def window_for(conn: sa.Connection, cycle_id: int, period: str) -> dict[str, Any] | None:
    t = table("cycle_windows")
    row = conn.execute(sa.select(t).where(t.c.cycle_id == cycle_id, t.c.period == period)).mappings().first()
    return dict(row) if row is not None else None


def evidence_of(conn: sa.Connection, result_id: int) -> list[dict[str, Any]]:
    t = table("cycle_evidence")
    return _rows(conn, sa.select(t).where(t.c.result_id == result_id).order_by(t.c.id))


def stored_indicators(conn: sa.Connection, municipality: str, year: int,
                      department: str | None = None) -> list[dict[str, Any]]:
    """The indicators stored for a year (read from documents or entered), to carry over:
    name, formula, unit, direction, department, policy goal, actual."""
    t = table("indicators")
    conds = [t.c.municipality == municipality, t.c.year == year]
    if department is not None:
        conds.append(t.c.department == department)
    cols = [t.c.id, t.c.department, t.c.name, t.c.policy_goal, t.c.unit, t.c.formula, t.c.direction,
            t.c.direction_basis, t.c.target, t.c.actual, t.c.source_doc, t.c.source_line]
    return _rows(conn, sa.select(*cols).where(*conds).order_by(t.c.department, t.c.doc_order, t.c.id))


def goal_programs(conn: sa.Connection, municipality: str, year: int) -> dict[tuple[str, str], list[str]]:
    """(department, policy goal) → the 정책사업 the goal describes (policy_goals.program)."""
    t = table("policy_goals")
    stmt = sa.select(t.c.department, t.c.name, t.c.program).where(
        t.c.municipality == municipality, t.c.year == year, t.c.program.is_not(None))
    out: dict[tuple[str, str], list[str]] = {}
    for r in conn.execute(stmt):
        out.setdefault((r.department or "", r.name), []).append(r.program)
    return out


def entry_ids(conn: sa.Connection, entity: str, ids: Iterable[int], field: str) -> dict[int, int]:
    """entity id → the newest audit_log row that entered ``field`` of it (an update of the
    field, or the insert of the row): the entry a value carries as its source."""
    ids = list(ids)
    if not ids:
        return {}
    t = table("audit_log")
    out: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        stmt = (sa.select(t.c.entity_id, sa.func.max(t.c.id))
                .where(t.c.entity == entity, t.c.entity_id.in_(ids[i:i + 500]),
                       sa.or_(t.c.field == field, t.c.field.is_(None)))
                .group_by(t.c.entity_id))
        out.update({eid: aid for eid, aid in conn.execute(stmt)})
    return out


def audit_entry(conn: sa.Connection, entry_id: int) -> dict[str, Any] | None:
    t = table("audit_log")
    row = conn.execute(sa.select(t).where(t.c.id == entry_id)).mappings().first()
    return dict(row) if row is not None else None


def stored_indicator(conn: sa.Connection, indicator_id: int) -> dict[str, Any] | None:
    """A stored indicator (read from a document or published from the entered data)."""
    t = table("indicators")
    cols = [t.c.id, t.c.municipality, t.c.year, t.c.department, t.c.name, t.c.source_doc, t.c.source_line]
    row = conn.execute(sa.select(*cols).where(t.c.id == indicator_id)).mappings().first()
    return dict(row) if row is not None else None


def published_ids(conn: sa.Connection, municipality: str, year: int, doc_name: str) -> dict[int, int]:
    """plan indicator id → the id of its stored indicator in the year's entered document (whose
    source line is the audit entry that made the plan indicator)."""
    t, a = table("indicators"), table("audit_log")
    stmt = (sa.select(t.c.id, a.c.entity_id)
            .join(a, sa.and_(a.c.id == t.c.source_line, a.c.entity == "cycle_indicators"))
            .where(t.c.municipality == municipality, t.c.year == year, t.c.source_doc == doc_name))
    return {plan_id: stored_id for stored_id, plan_id in conn.execute(stmt)}
