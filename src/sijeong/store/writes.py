"""The SQL of the write path: rows in and out of one table, compare-and-swap updates, the
append-only audit log. Called only by ``sijeong.operations`` (the write path: permission,
one transaction, who/what/when, re-check), never by pages or commands directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import sqlalchemy as sa

from .schema import table


class Conflict(Exception):
    """A compare-and-swap update found the row changed (or gone) since it was read."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("row changed since it was read")
        self.current = current


def _equal(t: sa.Table, values: dict[str, Any]) -> list:
    """Column = value for each item (``None`` matches NULL)."""
    return [t.c[k].is_(None) if v is None else t.c[k] == v for k, v in values.items()]


def get_row(conn: sa.Connection, table_name: str, row_id: int) -> dict[str, Any] | None:
    t = table(table_name)
    row = conn.execute(sa.select(t).where(t.c.id == row_id)).mappings().first()
    return dict(row) if row is not None else None


def find_rows(conn: sa.Connection, table_name: str, /, *, limit: int = 10_000, **equal: Any) -> list[dict[str, Any]]:
    """Rows whose columns equal the given values (``None`` matches NULL), by id; bounded."""
    t = table(table_name)
    stmt = sa.select(t).where(*_equal(t, equal)).order_by(t.c.id).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def insert_row(conn: sa.Connection, name: str, values: dict[str, Any]) -> int:
    t = table(name)
    return conn.execute(sa.insert(t).values(**values).returning(t.c.id)).scalar_one()


def update_row(conn: sa.Connection, name: str, row_id: int, values: dict[str, Any], *,
               expected: dict[str, Any] | None = None) -> None:
    """Set ``values`` on one row. With ``expected`` (column → value read before), the update
    happens only if the row still holds those values — one statement, so two writers cannot
    both pass — else :class:`Conflict` with the row as it is now."""
    t = table(name)
    conds = [t.c.id == row_id, *_equal(t, expected or {})]
    if conn.execute(sa.update(t).where(*conds).values(**values)).rowcount != 1:
        raise Conflict(get_row(conn, name, row_id))


def append_audit(conn: sa.Connection, entries: Iterable[dict[str, Any]]) -> int:
    rows = [dict(e) for e in entries]
    now = dt.datetime.now(dt.timezone.utc)
    for r in rows:
        r.setdefault("at", now)
    if rows:
        conn.execute(sa.insert(table("audit_log")), rows)
    return len(rows)


def audit_trail(conn: sa.Connection, *, entity: str, entity_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """The audit rows of one entity, oldest first (through ix_audit_log_entity)."""
    t = table("audit_log")
    stmt = (sa.select(t).where(t.c.entity == entity, t.c.entity_id == entity_id)
            .order_by(t.c.id).limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def audit_rows(conn: sa.Connection, *, municipality: str | None = None, year: int | None = None,
               limit: int = 500) -> list[dict[str, Any]]:
    """The newest audit rows of a scope, newest first."""
    t = table("audit_log")
    conds = []
    if municipality is not None:
        conds.append(t.c.municipality == municipality)
    if year is not None:
        conds.append(t.c.year == year)
    stmt = sa.select(t).where(*conds).order_by(t.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def indicator_derivation_rows(conn: sa.Connection, *, municipality: str, years: list[int] | None,
                              batch_size: int = 5000) -> Iterable[dict[str, Any]]:
    """The columns the derived values of a scope's indicators are computed from, in id order
    (keyset pages, never the whole table at once)."""
    t = table("indicators")
    cols = [t.c.id, t.c.year, t.c.department, t.c.name, t.c.unit, t.c.formula, t.c.target, t.c.actual,
            t.c.direction, t.c.direction_basis, t.c.rate_computed, t.c.grade_computed]
    conds = [t.c.municipality == municipality]
    if years is not None:
        conds.append(t.c.year.in_(years))
    last = 0
    while True:
        rows = [dict(r) for r in conn.execute(
            sa.select(*cols).where(*conds, t.c.id > last).order_by(t.c.id).limit(batch_size)).mappings()]
        yield from rows
        if len(rows) < batch_size:
            return
        last = rows[-1]["id"]
