"""Directions of indicators set by a user (``higher`` / ``lower``), kept apart from the
documents' records so that re-loading a document keeps the user's word."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .schema import table

DIRECTIONS = ("higher", "lower")


def set_direction(
    conn: sa.Connection, *, municipality: str, department: str, name: str, direction: str, note: str | None = None
) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}: {direction!r}")
    t = table("indicator_directions")
    conn.execute(sa.delete(t).where(t.c.municipality == municipality, t.c.department == department, t.c.name == name))
    conn.execute(sa.insert(t).values(municipality=municipality, department=department, name=name,
                                     direction=direction, note=note, set_at=dt.datetime.now(dt.timezone.utc)))


def clear_direction(conn: sa.Connection, *, municipality: str, department: str, name: str) -> int:
    t = table("indicator_directions")
    stmt = sa.delete(t).where(t.c.municipality == municipality, t.c.department == department, t.c.name == name)
    return conn.execute(stmt).rowcount


def user_directions(conn: sa.Connection, *, municipality: str) -> dict[tuple[str, str], str]:
    """(department, indicator name) → direction, for one municipality."""
    t = table("indicator_directions")
    rows = conn.execute(sa.select(t.c.department, t.c.name, t.c.direction).where(t.c.municipality == municipality))
    return {(d, n): v for d, n, v in rows}
