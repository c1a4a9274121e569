"""finding marks

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 13:35:00

``findings.fingerprint``: what a finding is about, stable across re-checks
(``store.rows.finding_fingerprint``), filled in here for the findings already stored;
``finding_marks``: the performance team's 확인 / 조치 완료 / 오탐 on a finding, keyed by it.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def _fingerprint(row) -> str:
    lines = row.lines
    if isinstance(lines, str):
        lines = json.loads(lines)
    key = "|".join(str(x) for x in (row.municipality, row.year, row.rule, row.doc, row.subject,
                                      ",".join(str(int(n)) for n in sorted(lines or []))))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.Text(), nullable=True))
        batch_op.create_index('ix_findings_fingerprint', ['municipality', 'fingerprint'], unique=False)
    conn = op.get_bind()
    findings = sa.table('findings', sa.column('id'), sa.column('municipality'), sa.column('year'), sa.column('rule'),
                        sa.column('doc'), sa.column('subject'), sa.column('lines'), sa.column('fingerprint'))
    last = 0
    while True:  # in pages, never the whole table in memory
        rows = conn.execute(sa.select(findings).where(findings.c.id > last).order_by(findings.c.id).limit(5000)).all()
        if not rows:
            break
        conn.execute(sa.update(findings).where(findings.c.id == sa.bindparam('fid'))
                     .values(fingerprint=sa.bindparam('fp')),
                     [{'fid': r.id, 'fp': _fingerprint(r)} for r in rows])
        last = rows[-1].id
    op.create_table(
        'finding_marks',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('municipality', sa.Text(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('fingerprint', sa.Text(), nullable=False),
        sa.Column('rule', sa.Text(), nullable=False),
        sa.Column('status', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('marked_by', sa.Text(), nullable=False),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('municipality', 'fingerprint', name='uq_finding_marks'),
    )


def downgrade() -> None:
    op.drop_table('finding_marks')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_fingerprint')
        batch_op.drop_column('fingerprint')
