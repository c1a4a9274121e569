"""The SQL of reading department evaluations and 시군종합평가 (``docs/evaluation.md``).

Reads only: every write goes through ``sijeong.evaluation`` → ``operations.write`` →
``Tx.insert`` / ``Tx.update``. Who may see what is decided above (``sijeong.evaluation``);
these functions answer what is stored, bounded.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .schema import table

LIMIT = 10_000


def _rows(conn: sa.Connection, stmt) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt.limit(LIMIT)).mappings()]


# --- department evaluation -----------------------------------------------------------------


def schemes(conn: sa.Connection, *, municipality: str | None = None, year: int | None = None,
            publication: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Schemes, newest year first."""
    t = table("evaluation_schemes")
    conds = []
    if municipality is not None:
        conds.append(t.c.municipality == municipality)
    if year is not None:
        conds.append(t.c.year == year)
    if publication is not None:
        conds.append(t.c.publication.in_(publication))
    return _rows(conn, sa.select(t).where(*conds).order_by(t.c.year.desc(), t.c.id))


def scheme(conn: sa.Connection, scheme_id: int) -> dict[str, Any] | None:
    """A scheme with its groups (each with its departments, in order) and components."""
    t = table("evaluation_schemes")
    row = conn.execute(sa.select(t).where(t.c.id == scheme_id)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    g, m, c = table("evaluation_groups"), table("evaluation_members"), table("evaluation_components")
    groups = _rows(conn, sa.select(g).where(g.c.scheme_id == scheme_id).order_by(g.c.position, g.c.id))
    members = _rows(conn, sa.select(m).where(m.c.scheme_id == scheme_id).order_by(m.c.position, m.c.id))
    for grp in groups:
        grp["departments"] = [x["department"] for x in members if x["group_id"] == grp["id"]]
    out["groups"] = groups
    out["components"] = _rows(conn, sa.select(c).where(c.c.scheme_id == scheme_id).order_by(c.c.position, c.c.id))
    return out


def scores(conn: sa.Connection, scheme_id: int, *, department: str | None = None,
           evaluator: str | None = None) -> list[dict[str, Any]]:
    """Scores with their component's key, by id."""
    s, c = table("evaluation_scores"), table("evaluation_components")
    conds = [s.c.scheme_id == scheme_id]
    if department is not None:
        conds.append(s.c.department == department)
    if evaluator is not None:
        conds.append(s.c.evaluator == evaluator)
    stmt = (sa.select(s, c.c.key.label("component")).join(c, c.c.id == s.c.component_id)
            .where(*conds).order_by(s.c.id))
    return _rows(conn, stmt)


def score_row(conn: sa.Connection, *, component_id: int, department: str, evaluator: str) -> dict[str, Any] | None:
    s = table("evaluation_scores")
    row = conn.execute(sa.select(s).where(s.c.component_id == component_id, s.c.department == department,
                                          s.c.evaluator == evaluator)).mappings().first()
    return dict(row) if row is not None else None


def assignments(conn: sa.Connection, scheme_id: int, *, evaluator: str | None = None) -> list[dict[str, Any]]:
    """Assignments with their component's key and label, by component then department."""
    a, c = table("evaluation_assignments"), table("evaluation_components")
    conds = [a.c.scheme_id == scheme_id]
    if evaluator is not None:
        conds.append(a.c.evaluator == evaluator)
    stmt = (sa.select(a, c.c.key.label("component"), c.c.label.label("component_label"), c.c.kind, c.c.weight,
                      c.c.max_score)
            .join(c, c.c.id == a.c.component_id).where(*conds).order_by(c.c.position, a.c.id))
    return _rows(conn, stmt)


def assigned_schemes(conn: sa.Connection, evaluator: str) -> list[dict[str, Any]]:
    """The schemes in which the evaluator has something to score, newest year first."""
    t, a = table("evaluation_schemes"), table("evaluation_assignments")
    ids = sa.select(a.c.scheme_id).where(a.c.evaluator == evaluator).distinct()
    return _rows(conn, sa.select(t).where(t.c.id.in_(ids)).order_by(t.c.year.desc(), t.c.id))


def is_assigned(conn: sa.Connection, *, component_id: int, evaluator: str, department: str) -> bool:
    a = table("evaluation_assignments")
    stmt = sa.select(a.c.id).where(a.c.component_id == component_id, a.c.evaluator == evaluator,
                                   a.c.department == department)
    return conn.execute(stmt).first() is not None


def feedback(conn: sa.Connection, scheme_id: int, *, department: str | None = None) -> list[dict[str, Any]]:
    f = table("evaluation_feedback")
    conds = [f.c.scheme_id == scheme_id]
    if department is not None:
        conds.append(f.c.department == department)
    return _rows(conn, sa.select(f).where(*conds).order_by(f.c.department))


# --- 시군종합평가 ----------------------------------------------------------------------------


def joint_evaluations(conn: sa.Connection, *, municipality: str | None = None) -> list[dict[str, Any]]:
    t = table("joint_evaluations")
    conds = [t.c.municipality == municipality] if municipality is not None else []
    return _rows(conn, sa.select(t).where(*conds).order_by(t.c.year.desc(), t.c.id))


def joint_evaluation(conn: sa.Connection, evaluation_id: int) -> dict[str, Any] | None:
    """A joint evaluation with its groups (each with its cities' rows, in order) and indicators."""
    t = table("joint_evaluations")
    row = conn.execute(sa.select(t).where(t.c.id == evaluation_id)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    g, c, i = table("joint_groups"), table("joint_cities"), table("joint_indicators")
    groups = _rows(conn, sa.select(g).where(g.c.evaluation_id == evaluation_id).order_by(g.c.position, g.c.id))
    cities = _rows(conn, sa.select(c).where(c.c.evaluation_id == evaluation_id).order_by(c.c.position, c.c.id))
    for grp in groups:
        grp["cities"] = [x for x in cities if x["group_id"] == grp["id"]]
    out["groups"] = groups
    out["indicators"] = _rows(conn, sa.select(i).where(i.c.evaluation_id == evaluation_id)
                              .order_by(i.c.position, i.c.id))
    return out


def joint_city(conn: sa.Connection, evaluation_id: int, city: str) -> dict[str, Any] | None:
    c = table("joint_cities")
    row = conn.execute(sa.select(c).where(c.c.evaluation_id == evaluation_id, c.c.city == city)).mappings().first()
    return dict(row) if row is not None else None


def joint_tasks(conn: sa.Connection, evaluation_id: int) -> list[dict[str, Any]]:
    """The monthly 이행과제 of a joint evaluation, by indicator and month."""
    t = table("joint_tasks")
    return _rows(conn, sa.select(t).where(t.c.evaluation_id == evaluation_id).order_by(t.c.indicator_id, t.c.month))


def joint_task(conn: sa.Connection, indicator_id: int, month: str) -> dict[str, Any] | None:
    t = table("joint_tasks")
    row = conn.execute(sa.select(t).where(t.c.indicator_id == indicator_id, t.c.month == month)).mappings().first()
    return dict(row) if row is not None else None
