"""시군종합평가 monthly 이행과제

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 16:50:00

Per joint-evaluation indicator and month: the task, planned and actual figures, status,
evidence reference and who entered it (docs/evaluation.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('joint_tasks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), nullable=True),
    sa.Column('month', sa.Text(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('actual', sa.Double(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('entered_by', sa.Text(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['joint_evaluations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['joint_indicators.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('indicator_id', 'month', name='uq_joint_tasks')
    )
    with op.batch_alter_table('joint_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_joint_tasks_evaluation', ['evaluation_id', 'month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('joint_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_joint_tasks_evaluation')

    op.drop_table('joint_tasks')
