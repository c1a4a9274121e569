"""audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:20:00

``audit_log``: one append-only row per change made through the write path
(``sijeong.operations.write``): who (actor, role), how (via: cli, web, api, upload), which
operation, the scope (municipality, year), the entity and field, the value before and after.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.Text(), nullable=False),
        sa.Column('role', sa.Text(), nullable=False),
        sa.Column('via', sa.Text(), nullable=False),
        sa.Column('operation', sa.Text(), nullable=False),
        sa.Column('municipality', sa.Text(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('entity', sa.Text(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('field', sa.Text(), nullable=True),
        sa.Column('old_value', sa.JSON(), nullable=True),
        sa.Column('new_value', sa.JSON(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_dims', ['municipality', 'year', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_index('ix_audit_log_dims')
    op.drop_table('audit_log')
