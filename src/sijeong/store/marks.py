"""The people's marks on findings (``finding_marks``), keyed by the finding's fingerprint so
that a re-check which finds the same problem again keeps its mark."""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa

from .schema import table

#: status → Korean label (확인: seen; 조치 완료: fixed, with what was done; 오탐: not an error, with why)
STATUSES = {"seen": "확인", "fixed": "조치 완료", "false_positive": "오탐"}
#: statuses that need a note saying what was done or why
NEEDS_NOTE = frozenset({"fixed", "false_positive"})


def marks_for(conn: sa.Connection, municipality: str, fingerprints: Iterable[str]) -> dict[str, dict[str, Any]]:
    """fingerprint → mark, for the given fingerprints only (through uq_finding_marks)."""
    t = table("finding_marks")
    wanted = sorted(set(fingerprints))
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(wanted), 500):
        stmt = sa.select(t).where(t.c.municipality == municipality, t.c.fingerprint.in_(wanted[i:i + 500]))
        out.update({r["fingerprint"]: dict(r) for r in conn.execute(stmt).mappings()})
    return out


def mark_of(conn: sa.Connection, municipality: str, fingerprint: str) -> dict[str, Any] | None:
    return marks_for(conn, municipality, [fingerprint]).get(fingerprint)


def finding(conn: sa.Connection, finding_id: int) -> dict[str, Any] | None:
    t = table("findings")
    row = conn.execute(sa.select(t).where(t.c.id == finding_id)).mappings().first()
    return dict(row) if row is not None else None
