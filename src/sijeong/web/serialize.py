"""The JSON answers: records, findings and documents in the export's shape (one definition,
``store.serialize``, shared with ``sijeong export``), the list envelope, and plain JSON values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..store.serialize import document, finding, record

__all__ = ["document", "envelope", "finding", "jsonable", "jsonable_records", "record"]


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


#: the keys of :func:`record` made only of a decoded JSON column's values (``store.serialize``'s
#: ``figures`` and ``appearances`` copy values out of the ``figures`` / ``appearances`` columns,
#: which the driver decodes with ``json.loads``): str, int, float, bool, None, dicts with str
#: keys and lists — already what :func:`jsonable` gives back
_DECODED = frozenset({"figures", "appearances"})


def jsonable_records(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[jsonable(it) for it in items]`` for dicts made by :func:`record` (and keys a page
    added to them), the same values: each item's own keys go through :func:`jsonable`, its
    ``figures`` and ``appearances`` (a page's 50 records hold thousands of values there) are
    taken as they are — no value of a decoded JSON column is one :func:`jsonable` changes."""
    plain = _PLAIN
    out = []
    for item in items:
        if type(item) is not dict:
            out.append(jsonable(item))
            continue
        d = {}
        for k, v in item.items():
            if type(k) is not str:  # a column's name is SQLAlchemy's quoted_name (a str subclass)
                k = str(k)
            d[k] = v if type(v) in plain or k in _DECODED else jsonable(v)
        out.append(d)
    return out
