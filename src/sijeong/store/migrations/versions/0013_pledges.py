"""pledges (공약)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:59:15

The mayor's pledges (issue 12 part 2): ``pledges`` (the registry), ``pledge_milestones``,
``pledge_reports`` (half-year progress, one per pledge and period) and
``pledge_assessments`` (the citizens' panel's, published or not).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401 (rendered JSONB types name it)
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pledges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('field', sa.Text(), nullable=False),
    sa.Column('type', sa.Text(), nullable=True),
    sa.Column('lead_department', sa.Text(), nullable=False),
    sa.Column('cooperating_departments', sa.JSON(), nullable=True),
    sa.Column('programs', sa.JSON(), nullable=True),
    sa.Column('indicators', sa.JSON(), nullable=True),
    sa.Column('target_year', sa.Integer(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality', 'number', name='uq_pledges_number')
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index('ix_pledges_department', ['municipality', 'lead_department'], unique=False)
        batch_op.create_index('ix_pledges_dims', ['municipality', 'field', 'id'], unique=False)

    op.create_table('pledge_assessments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('panel', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('grade', sa.Text(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pledge_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_pledge_assessments_pledge', ['pledge_id', 'id'], unique=False)

    op.create_table('pledge_milestones',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('due', sa.Text(), nullable=True),
    sa.Column('done', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pledge_milestones', schema=None) as batch_op:
        batch_op.create_index('ix_pledge_milestones_pledge', ['pledge_id', 'id'], unique=False)

    op.create_table('pledge_reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('reported_by', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pledge_id', 'period', name='uq_pledge_reports_period')
    )
    with op.batch_alter_table('pledge_reports', schema=None) as batch_op:
        batch_op.create_index('ix_pledge_reports_dims', ['municipality', 'period'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pledge_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_reports_dims')

    op.drop_table('pledge_reports')
    with op.batch_alter_table('pledge_milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_milestones_pledge')

    op.drop_table('pledge_milestones')
    with op.batch_alter_table('pledge_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_assessments_pledge')

    op.drop_table('pledge_assessments')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index('ix_pledges_dims')
        batch_op.drop_index('ix_pledges_department')

    op.drop_table('pledges')
