"""check_stamps: what ``sijeong check`` may reuse without checking again

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 11:00:00

One row per scope (municipality and year; year NULL: the whole municipality) checked by the
write path's re-check or by ``check --save``: the fingerprint of the code that checked it and
digests of the scope's documents, of the other documents it was compared with and of the
findings stored then, and the findings as the check gave them (JSON: stored numbers lose the
difference between 100 and 100.0, what ``check`` prints keeps it). ``sijeong check`` prints a scope's stored findings instead of checking it
again only when all of them are still what they were (``store/stamps.py``). A database migrated
to this revision has no stamps: its first check checks every scope, ``check --save`` stamps them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_stamps',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('municipality', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('context_after', sa.Integer(), nullable=True),
    sa.Column('context_before', sa.Integer(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('output', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('check_stamps', schema=None) as batch_op:
        batch_op.create_index('ix_check_stamps_dims', ['municipality', 'year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('check_stamps', schema=None) as batch_op:
        batch_op.drop_index('ix_check_stamps_dims')
    op.drop_table('check_stamps')
