"""scope indexes end with id; documents by municipality and year

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 02:21:48.858643

The (municipality, year, department) index of every record table and of ``tables``, and
the (municipality, year, rule) index of ``findings``, get ``id`` as their last column, so
that one scope's rows come out of the index in id order (keyset paging in
``repository.iter_records`` and ``list_findings`` without walking the primary key).
``documents`` gets an index on (municipality, year). Plain CREATE/DROP INDEX on both
databases (no batch mode: nothing here needs SQLite to copy a table).
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: the tables with an ``ix_<table>_dims`` index on (municipality, year, department) at 0005
DIMS_TABLES = (
    "assets", "budget_items", "committees", "department_summaries", "departments", "indicators", "narratives",
    "plan_tasks", "policy_goals", "programs", "revenues", "settlement_lines", "staffings", "statistics",
    "strategic_goals", "tables",
)
DIMS = ["municipality", "year", "department"]
FINDINGS_DIMS = ["municipality", "year", "rule"]


def _replace(table: str, columns: list[str]) -> None:
    op.drop_index(f"ix_{table}_dims", table_name=table)
    op.create_index(f"ix_{table}_dims", table, columns, unique=False)


def upgrade() -> None:
    for name in DIMS_TABLES:
        _replace(name, DIMS + ["id"])
    _replace("findings", FINDINGS_DIMS + ["id"])
    op.create_index("ix_documents_dims", "documents", ["municipality", "year"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_documents_dims", table_name="documents")
    _replace("findings", FINDINGS_DIMS)
    for name in DIMS_TABLES:
        _replace(name, DIMS)
