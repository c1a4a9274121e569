"""The JSON answers: records, findings and documents in the export's shape (one definition,
``store.serialize``, shared with ``sijeong export``), the list envelope, and plain JSON values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..store.serialize import document, finding, record

__all__ = ["document", "envelope", "finding", "jsonable", "record"]


def envelope(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


#: the values :func:`jsonable` gives back as they are (exact types: a subclass takes the long way)
_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Sets (of source lines) become sorted lists; a ``Decimal`` (PostgreSQL's SUM and AVG
    give ``numeric``) an int when it is whole, else a float; everything else passes through.

    Plain values (str, int, float, bool, None) and plain dicts and lists are checked by their
    exact type first: a page's 50 records hold thousands of values (every figure's raw text,
    line, unit and value)."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is dict:
        plain = _PLAIN
        return {(k if type(k) is str else str(k)): (v if type(v) in plain else jsonable(v)) for k, v in value.items()}
    if t is list:
        plain = _PLAIN
        return [v if type(v) in plain else jsonable(v) for v in value]
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
