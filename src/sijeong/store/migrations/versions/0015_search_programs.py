"""the search index holds programs (세출 사업)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 16:50:00

The site-wide search (issue 16) finds programs as well as plan tasks, narratives and
indicators. ``save_document`` now indexes every 정책사업, 단위사업 and 세부사업; this fills
the index for the programs stored before, with the same title and body
(``store.search.program_body``). SQLite's FTS5 table follows by its triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LEVELS = {"policy": "정책사업", "unit": "단위사업", "detail": "세부사업"}


def upgrade() -> None:
    conn = op.get_bind()
    for level, label in LEVELS.items():
        conn.execute(sa.text(
            "INSERT INTO search_index (document_id, kind, record_id, municipality, year, department, number, "
            "title, body, source_doc, source_line) "
            "SELECT p.document_id, 'program', p.id, p.municipality, p.year, p.department, NULL, p.name, "
            "CASE WHEN p.parent IS NULL OR p.parent = '' THEN CAST(:label AS TEXT) ELSE CAST(:label AS TEXT) || CAST(:nl AS TEXT) || p.parent END, "
            "p.source_doc, p.source_line FROM programs p WHERE p.level = :level AND NOT EXISTS ("
            "SELECT 1 FROM search_index s WHERE s.kind = 'program' AND s.record_id = p.id)"
        ), {"label": label, "level": level, "nl": "\n"})


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM search_index WHERE kind = 'program'"))
