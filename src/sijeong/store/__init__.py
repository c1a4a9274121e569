"""Storage: SQLAlchemy tables generated from the model, Alembic migrations, and
keyword-only repository functions. The engine is built by the CLI or ``create_app``."""

from .db import create_engine_for, migrate
from .repository import (
    count_rows,
    delete_document,
    document_rows,
    iter_records,
    list_findings,
    list_records,
    load_documents,
    save_document,
    save_findings,
    to_record,
)
from .search import search, search_count

__all__ = [
    "count_rows",
    "create_engine_for",
    "delete_document",
    "document_rows",
    "list_findings",
    "search_count",
    "to_record",
    "iter_records",
    "list_records",
    "load_documents",
    "migrate",
    "save_document",
    "save_findings",
    "search",
]
