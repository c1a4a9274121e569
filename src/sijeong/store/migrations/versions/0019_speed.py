"""data_version: one row every write transaction bumps

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 23:10:00

The public page cache (web/cache.py) keys an answer by its URL and this number: every write
transaction (``db.writing``, ``repository``'s own) adds one to it in the same transaction,
so a cached page is never served once the data it was drawn from has changed — in any
process or machine reading the same database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table('data_version')
