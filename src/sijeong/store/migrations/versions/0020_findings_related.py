"""findings.related: the other documents' lines of one defect

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 07:30:00

A defect seen in two documents (``cross.document``: a report's 실적 and a later plan restating
it with another value) is one finding, the plan's; ``related`` lists the other document's
lines (``[{"doc": name, "lines": [...]}]``). Existing rows keep NULL (no other document) until
their scope is checked again; the report's side of such a defect, stored before as a finding of
its own, is deleted (the plan's side stays: it is the one finding now, and keeps its mark).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related', sa.JSON(), nullable=True))
    op.execute("DELETE FROM findings WHERE origin = 'rule' AND rule = 'cross.document' "
               "AND message LIKE '%(the plan''s line is in the message)'")


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('related')
