"""findings.related: the other documents' lines of one defect

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 07:30:00

A defect seen in two documents (``cross.document``: a report's 실적 and a later plan restating
it with another value) is one finding, the plan's; ``related`` lists the other document's
lines (``[{"doc": name, "lines": [...]}]``). Existing rows keep NULL (no other document) until
their scope is checked again; the report's side of such a defect, stored before as a finding of
its own, is deleted (the plan's side stays: it is the one finding now, and keeps its mark); a
reviewer's mark on the report's side moves to the plan's side when that has none.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related', sa.JSON(), nullable=True))
    _carry_marks(op.get_bind())
    op.execute("DELETE FROM findings WHERE origin = 'rule' AND rule = 'cross.document' "
               "AND message LIKE '%" + REPORT_SIDE.replace("'", "''") + "'")


#: how the report's side of a cross.document difference ended its message before this revision
REPORT_SIDE = "(the plan's line is in the message)"


def _lines(value) -> list[int]:
    value = json.loads(value) if isinstance(value, str) else value
    return [int(n) for n in value or []]


def _carry_marks(conn) -> None:
    """A mark on a report's side moves to the plan's side of the same difference: the same
    municipality and subject, each side's message naming the other's document and lines."""
    rows = conn.execute(sa.text(
        "SELECT municipality, year, doc, lines, message, subject, fingerprint FROM findings "
        "WHERE origin = 'rule' AND rule = 'cross.document'")).mappings().all()
    plans = [r for r in rows if not r["message"].endswith(REPORT_SIDE)]
    for r in rows:
        if not r["message"].endswith(REPORT_SIDE) or not r["fingerprint"]:
            continue
        names_report = f"({r['doc']}:{','.join(map(str, _lines(r['lines'])))}행)"
        found = [p for p in plans if (p["municipality"], p["subject"]) == (r["municipality"], r["subject"])
                 and names_report in p["message"] and _lines(p["lines"])
                 and f"({p['doc']}:{_lines(p['lines'])[0]}행" in r["message"]]
        if len(found) != 1 or not found[0]["fingerprint"]:
            continue
        p = found[0]
        taken = conn.execute(sa.text("SELECT 1 FROM finding_marks WHERE municipality = :m AND fingerprint = :f"),
                             {"m": p["municipality"], "f": p["fingerprint"]}).first()
        if taken is None:
            conn.execute(sa.text("UPDATE finding_marks SET fingerprint = :new, year = :y "
                                 "WHERE municipality = :m AND fingerprint = :old"),
                         {"new": p["fingerprint"], "y": p["year"], "m": r["municipality"], "old": r["fingerprint"]})


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('related')
