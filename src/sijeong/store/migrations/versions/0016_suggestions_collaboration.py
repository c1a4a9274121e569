"""suggestions (제안제도) and collaboration (협업)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 16:23:35

Issue 13 parts 2 and 3: ``suggestion_calls`` (공모 with deadlines), ``suggestions`` and
``suggestion_steps`` (접수 → 실무심의 → 심사위원회 → 실시); ``collab_tasks`` (협업과제),
``collab_checks`` (관리카드 half-yearly checks) and ``collab_points`` (the 협업포인트 ledger).
See docs/suggestions.md and docs/collaboration.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401 (rendered JSONB types name it)
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('collab_tasks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('lead_department', sa.Text(), nullable=False),
    sa.Column('cooperating_departments', sa.JSON(), nullable=True),
    sa.Column('manager', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collab_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_collab_tasks_dims', ['municipality', 'year', 'id'], unique=False)

    op.create_table('suggestion_calls',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('suggestion_calls', schema=None) as batch_op:
        batch_op.create_index('ix_suggestion_calls_dims', ['municipality', 'closes_on'], unique=False)

    op.create_table('collab_checks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('checked_by', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['collab_tasks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id', 'period', name='uq_collab_checks_period')
    )
    op.create_table('collab_points',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('month', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('sender_account_id', sa.Integer(), nullable=False),
    sa.Column('sender_login', sa.Text(), nullable=False),
    sa.Column('sender_department', sa.Text(), nullable=True),
    sa.Column('recipient_account_id', sa.Integer(), nullable=False),
    sa.Column('recipient_login', sa.Text(), nullable=False),
    sa.Column('recipient_department', sa.Text(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points > 0', name='ck_collab_points_positive'),
    sa.ForeignKeyConstraint(['recipient_account_id'], ['accounts.id'], ),
    sa.ForeignKeyConstraint(['sender_account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collab_points', schema=None) as batch_op:
        batch_op.create_index('ix_collab_points_dims', ['municipality', 'month', 'id'], unique=False)
        batch_op.create_index('ix_collab_points_recipient', ['recipient_account_id', 'month'], unique=False)
        batch_op.create_index('ix_collab_points_sender', ['sender_account_id', 'month'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('proposer_name', sa.Text(), nullable=False),
    sa.Column('proposer_contact', sa.Text(), nullable=True),
    sa.Column('proposer_login', sa.Text(), nullable=True),
    sa.Column('proposer_department', sa.Text(), nullable=True),
    sa.Column('department', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('grade', sa.Text(), nullable=True),
    sa.Column('award', sa.Text(), nullable=True),
    sa.Column('prize', sa.BigInteger(), nullable=True),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('implemented_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['suggestion_calls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('municipality', 'year', 'number', name='uq_suggestions_number')
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_suggestions_call', ['call_id'], unique=False)
        batch_op.create_index('ix_suggestions_dims', ['municipality', 'year', 'department'], unique=False)

    op.create_table('suggestion_steps',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('step', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('grade', sa.Text(), nullable=True),
    sa.Column('award', sa.Text(), nullable=True),
    sa.Column('prize', sa.BigInteger(), nullable=True),
    sa.Column('decided_by', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('suggestion_id', 'step', name='uq_suggestion_steps_step')
    )


def downgrade() -> None:
    op.drop_table('suggestion_steps')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_dims')
        batch_op.drop_index('ix_suggestions_call')

    op.drop_table('suggestions')
    with op.batch_alter_table('collab_points', schema=None) as batch_op:
        batch_op.drop_index('ix_collab_points_sender')
        batch_op.drop_index('ix_collab_points_recipient')
        batch_op.drop_index('ix_collab_points_dims')

    op.drop_table('collab_points')
    op.drop_table('collab_checks')
    with op.batch_alter_table('suggestion_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestion_calls_dims')

    op.drop_table('suggestion_calls')
    with op.batch_alter_table('collab_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_collab_tasks_dims')

    op.drop_table('collab_tasks')
