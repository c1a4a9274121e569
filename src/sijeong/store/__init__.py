"""Storage: SQLAlchemy tables generated from the model, Alembic migrations, and
keyword-only repository functions. The engine is built by the CLI or ``create_app``."""

from .db import create_engine_for, migrate
from .repository import (
    iter_records,
    list_records,
    load_documents,
    save_document,
    save_findings,
)
from .search import search

__all__ = [
    "create_engine_for",
    "iter_records",
    "list_records",
    "load_documents",
    "migrate",
    "save_document",
    "save_findings",
    "search",
]
