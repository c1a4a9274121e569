"""cycle

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:40:00

The year's performance cycle entered in sijeong (issue 11, ``docs/cycle.md``):
``cycle_years`` (a municipality-year: open / confirmed / closed), ``cycle_indicators`` (the
year's plan: carried over or created, target, weight, draft / submitted / confirmed),
``cycle_results`` (an indicator's actual per period, draft / submitted / accepted / returned,
``version`` for stale edits), ``cycle_windows`` (when a period's results are due) and
``cycle_evidence`` (files kept outside the web root).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401 (rendered JSONB types name it)
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cycle_years',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Text(), server_default='open', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality', 'year', name='uq_cycle_years')
    )
    op.create_table('cycle_indicators',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('policy_goal', sa.Text(), nullable=True),
    sa.Column('programs', sa.JSON(), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('formula', sa.Text(), nullable=True),
    sa.Column('data_source', sa.Text(), nullable=True),
    sa.Column('direction', sa.Text(), nullable=True),
    sa.Column('measure', sa.Text(), nullable=True),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('weight', sa.Double(), nullable=True),
    sa.Column('prior_actual', sa.Double(), nullable=True),
    sa.Column('carried_from', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), server_default='draft', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle_years.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'department', 'name', name='uq_cycle_indicators')
    )
    with op.batch_alter_table('cycle_indicators', schema=None) as batch_op:
        batch_op.create_index('ix_cycle_indicators_dims', ['municipality', 'year', 'department', 'id'], unique=False)

    op.create_table('cycle_results',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('actual', sa.Double(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), server_default='draft', nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['cycle_indicators.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'period', name='uq_cycle_results')
    )
    with op.batch_alter_table('cycle_results', schema=None) as batch_op:
        batch_op.create_index('ix_cycle_results_dims', ['municipality', 'year', 'department', 'id'], unique=False)

    op.create_table('cycle_windows',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle_years.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'period', name='uq_cycle_windows')
    )
    op.create_table('cycle_evidence',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('stored_name', sa.Text(), nullable=False),
    sa.Column('content_type', sa.Text(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.Text(), nullable=False),
    sa.Column('uploaded_by', sa.Text(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['cycle_results.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name', name='uq_cycle_evidence_stored_name')
    )
    with op.batch_alter_table('cycle_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_cycle_evidence_result_id', ['result_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cycle_evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_cycle_evidence_result_id')

    op.drop_table('cycle_evidence')
    with op.batch_alter_table('cycle_results', schema=None) as batch_op:
        batch_op.drop_index('ix_cycle_results_dims')

    op.drop_table('cycle_results')
    with op.batch_alter_table('cycle_indicators', schema=None) as batch_op:
        batch_op.drop_index('ix_cycle_indicators_dims')

    op.drop_table('cycle_windows')
    op.drop_table('cycle_indicators')
    op.drop_table('cycle_years')
