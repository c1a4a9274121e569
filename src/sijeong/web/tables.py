"""The store's tables, as SQLAlchemy Core objects, for the pages' own queries.

Taken from the store's metadata object when it offers one, else reflected once from the
database (and cached on ``app.state``). Unknown tables give ``None`` so a page can show
"no data" instead of failing while a record kind is not stored yet.
"""

from __future__ import annotations

import importlib
import json
import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def store_metadata() -> sa.MetaData | None:
    for mod in ("sijeong.store.schema", "sijeong.store.db", "sijeong.store"):
        try:
            m = importlib.import_module(mod)
        except ImportError:
            continue
        md = getattr(m, "metadata", None) or getattr(m, "METADATA", None)
        if callable(md) and not isinstance(md, sa.MetaData):
            md = md()
        if isinstance(md, sa.MetaData):
            return md
    return None


class Tables:
    """``tables["indicators"]`` -> Table or None; reflects what the store metadata lacks."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._md = store_metadata()
        self._reflected: sa.MetaData | None = None
        self._lock = threading.Lock()

    def get(self, name: str) -> sa.Table | None:
        if self._md is not None and name in self._md.tables:
            return self._md.tables[name]
        reflected = self._reflected
        if reflected is None:
            with self._lock:  # once, and never seen half-done by another request's thread
                if self._reflected is None:
                    md = sa.MetaData()
                    md.reflect(self.engine)
                    self._reflected = md
                reflected = self._reflected
        return reflected.tables.get(name)

    def __getitem__(self, name: str) -> sa.Table | None:
        return self.get(name)

    def refresh(self) -> None:
        self._reflected = None


def col(table: sa.Table, name: str) -> Any:
    """A column, or a NULL literal when the table lacks it (a field not stored yet)."""
    return table.c[name] if name in table.c else sa.null()


def has(table: sa.Table | None, name: str) -> bool:
    return table is not None and name in table.c


def as_dict(row: Any) -> dict[str, Any]:
    """A result row as a dict, with JSON text columns decoded."""
    d = dict(row._mapping)
    for key in ("figures", "appearances", "lines", "schedule", "staff", "people", "objectives",
                "cooperating_departments", "items", "sections", "teams", "footnotes", "staffing",
                "duties", "expected", "actual", "coverage"):
        v = d.get(key)
        if isinstance(v, str) and v[:1] in "[{":
            try:
                d[key] = json.loads(v)
            except ValueError:
                pass
    return d
