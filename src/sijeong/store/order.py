"""ORDER BY terms that place NULLs as SQLite does, on every database.

SQLite sorts NULL before every value (first when ascending, last when descending);
PostgreSQL sorts it after every value (last when ascending, first when descending). The
read layer orders by nullable columns (year, department, code, …), so without an explicit
``NULLS FIRST`` / ``NULLS LAST`` the same rows came back in another order on PostgreSQL.
Both accept the clause (SQLite since 3.30).
"""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

_NULLS = {operators.nulls_first_op, operators.nulls_last_op}


def _nullable(expr: Any) -> bool:
    """Whether ``expr`` may be NULL: a column declared NOT NULL (or a primary key) may not;
    any other expression may."""
    if isinstance(expr, sa.Column):
        return bool(expr.nullable) and not expr.primary_key
    return True


def sqlite_nulls(term: Any) -> Any:
    """``term`` (a column or expression, or its ``.asc()`` / ``.desc()``) with SQLite's place
    for NULLs made explicit; a term that names its NULLs' place already, or that cannot be
    NULL, is left as it is (a NOT NULL key keeps using its index)."""
    if isinstance(term, UnaryExpression):
        if term.modifier in _NULLS:
            return term
        if term.modifier is operators.desc_op:
            return term.nulls_last() if _nullable(term.element) else term
        if term.modifier is operators.asc_op:
            return term.nulls_first() if _nullable(term.element) else term
    return sa.nulls_first(term) if _nullable(term) else term


def sqlite_order(terms: Iterable[Any]) -> list[Any]:
    """Every term of an ORDER BY through :func:`sqlite_nulls`."""
    return [sqlite_nulls(t) for t in terms]
