"""Stored rows -> the export's JSON shape: glossary field names, ``source: {doc, line}``,
and ``figures`` (each number's raw text and line)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

INTERNAL = {"document_id", "doc_order", "source_doc", "source_line", "text", "loaded_at"}


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A record row in the export's shape (``sijeong export``, docs/export.md), plus its id:
    ``document``, ``source: {doc, line}``, appearances with ``source: {doc, line}``, and a
    number printed as an integer given back as one (not as the column's double)."""
    from ..store.repository import tidy_row

    row = tidy_row(dict(row))
    out = {k: v for k, v in row.items() if k not in INTERNAL}
    out["document"] = row.get("source_doc")  # a record's source is a line of its own document
    out["source"] = {"doc": row.get("source_doc"), "line": row.get("source_line")}
    out["figures"] = out.get("figures") or {}
    out["appearances"] = [_appearance(a) for a in out.get("appearances") or []]
    return out


def _appearance(a: dict[str, Any]) -> dict[str, Any]:
    """A stored appearance (``{section, doc, line, name, figures, text}``) as the export
    writes it."""
    return {"section": a.get("section"), "name": a.get("name"),
            "source": {"doc": a.get("doc"), "line": a.get("line")},
            "figures": a.get("figures") or {}, "text": a.get("text") or {}}


def finding(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in INTERNAL}
    lines = row.get("lines") or []
    out["lines"] = lines
    # as the export: the stored document the finding is linked to (by its name), if any
    out["document"] = row.get("doc") if row.get("document_id") is not None else None
    out["source"] = {"doc": row.get("doc"), "line": lines[0] if lines else None}
    return out


def document(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (_iso(v) if hasattr(v, "isoformat") else v) for k, v in row.items() if k not in {"text", "headings"}}


def _iso(value: Any) -> str:
    """ISO 8601; a datetime without a zone is UTC (the store writes UTC, and SQLite gives
    it back without the zone PostgreSQL keeps), so both databases answer alike."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()


def envelope(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def jsonable(value: Any) -> Any:
    """Sets (of source lines) become sorted lists; a ``Decimal`` (PostgreSQL's SUM and AVG
    give ``numeric``) an int when it is whole, else a float; everything else passes through."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
