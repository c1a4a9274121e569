"""Links from every number to the line it was read from, and the numbers themselves.

A stored record's ``figures`` JSON maps a field to ``{"raw", "line", "unit", "value"}``
(plus ``"doc"`` when the figure comes from another document). :func:`figure` renders a
field of a row as a link to ``/documents/{doc}?lines=N#LN``; :func:`computed` renders a
value the pages compute (a sum, a count, a rate) as a link that highlights every line it
was computed from, marked as computed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import quote

from markupsafe import Markup, escape

from . import formatting as f

MAX_LINES_IN_LINK = 80


def source_href(doc: str | None, lines: Iterable[int]) -> str | None:
    """``/documents/{doc}?lines=12,13#L12``, or None for a computed or unknown source."""
    lines = sorted({int(n) for n in lines if n})[:MAX_LINES_IN_LINK]
    if not doc or doc.startswith("<") or not lines:
        return None
    joined = ",".join(str(n) for n in lines)
    return f"/documents/{_quoted(doc)}?lines={joined}#L{lines[0]}"


@lru_cache(maxsize=4096)
def _quoted(doc: str) -> str:
    """A document name as one path segment (a page links to the same few documents
    hundreds of times)."""
    return quote(doc, safe="")


def _line_href(doc: Any, line: Any) -> str | None:
    """:func:`source_href` of one line, without building a set."""
    if not doc or not line or not isinstance(doc, str) or doc.startswith("<"):
        return None
    n = int(line)
    return f"/documents/{_quoted(doc)}?lines={n}#L{n}"


def _render(value: Any, kind: str, unit: str | None) -> Markup:
    if kind == "money":
        return f.money(value, unit)
    if kind == "rate":
        return f.rate(value)
    return f.number(value)


def _plain(value: Any, kind: str, unit: str | None) -> str:
    if kind == "money":
        return f.plain_money(value, unit)
    if kind == "rate":
        return f.plain_rate(value)
    return f.plain_number(value)


def figure_of(row: Any, field: str) -> dict | None:
    figs = _get(row, "figures") or {}
    fig = figs.get(field) if isinstance(figs, dict) else None
    return fig if isinstance(fig, dict) else None


def source_of(row: Any, field: str | None = None) -> tuple[str | None, int | None]:
    """(doc, line) of a field of a row, falling back to the row's own line."""
    doc = _get(row, "source_doc")
    fig = figure_of(row, field) if field else None
    if fig is not None:
        return fig.get("doc", doc), fig.get("line")
    return doc, _get(row, "source_line")


def figure(row: Any, field: str, kind: str = "number", unit: str | None = None) -> Markup:
    """The field's value, formatted, as a link to its source line."""
    if isinstance(row, dict):  # the pages' rows: the same lookups as _get, without its branches
        value = row.get(field)
        figs = row.get("figures")
        doc = row.get("source_doc")
    else:
        value = _get(row, field)
        figs = _get(row, "figures")
        doc = _get(row, "source_doc")
    fig = figs.get(field) if isinstance(figs, dict) else None
    if not isinstance(fig, dict):
        fig = None
    if value is None and fig is not None:
        value = fig.get("value")  # a figure kept without a column of its own (a task's programme_budget)
    if value is None and fig is None:
        return Markup('<span class="none">-</span>')
    if fig is not None:
        doc, line = fig.get("doc", doc), fig.get("line")
    else:
        line = row.get("source_line") if isinstance(row, dict) else _get(row, "source_line")
    text = _render(value, kind, unit)
    href = _line_href(doc, line)
    if href is None:
        return Markup(f'<span class="num">{text}</span>')
    raw = fig.get("raw") if fig else None
    title = f"원문 {doc} {line}행" + (f" (인쇄값 {raw})" if raw else "")
    # ``text`` is Markup (escaped already); the href needs no escaping: a percent-quoted name
    # (``quote(safe="")`` leaves only letters, digits, ``_.-~`` and ``%XX``), digits, ``/?=#``
    return Markup(f'<a class="num" href="{href}" title="{escape(title)}">{text}</a>')


_CALC_MARK = '<span class="calc" title="계산값">*</span>'


def computed(value: Any, sources: dict[str, set[int]] | None, kind: str = "number", unit: str | None = None) -> Markup:
    """A value the page computed, linking to the lines it was computed from (first document)."""
    text = _render(value, kind, unit)  # Markup: escaped already
    href = None
    if sources:
        doc = min(sources)  # the first document by name (sorted(sources)[0])
        href = source_href(doc, sources[doc])
    if href is None:
        return Markup(f'<span class="num computed">{text}{_CALC_MARK}</span>')
    title = f"계산값: 원문 {doc}의 {len(sources[doc])}개 행에서 계산"
    return Markup(f'<a class="num computed" href="{escape(href)}" title="{escape(title)}">{text}{_CALC_MARK}</a>')


def plain(value: Any, kind: str = "number", unit: str | None = None) -> str:
    return _plain(value, kind, unit)


def _get(row: Any, key: str) -> Any:
    if isinstance(row, dict):
        return row.get(key)
    mapping = getattr(row, "_mapping", None)
    if mapping is not None:
        return mapping.get(key)
    return getattr(row, key, None)
