"""A figure with an open error is marked where it is shown: the errors that still stand
(unmarked, or marked only 확인) on the lines of the records a page shows, read once per page
(``views.open_errors_on``), matched here to a record and to its figures.

A finding goes to the record(s) of the page it fits best, by the record's lines (its own, its
figures', its appearances'): the printed number the finding calls wrong (``actual``) on the
finding's first line (where to look first), else on another of its lines, else only the
finding's first line. A finding is on a figure of its record when the figure's line is among
the finding's and its value is the finding's ``actual``. A sum over many rows is so marked on
the row whose printed number is wrong, not on every row it adds.
"""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup, escape

from ..store import views
from . import formatting as f


def _figures(row: dict[str, Any]) -> Iterable[tuple[str, str | None, int | None, Any]]:
    """(field, doc, line, value) of a record's figures and of its appearances' figures."""
    doc = row.get("source_doc")
    for field, fig in (row.get("figures") or {}).items():
        if isinstance(fig, dict):
            yield field, fig.get("doc", doc), fig.get("line"), fig.get("value")
    for app in row.get("appearances") or []:
        if not isinstance(app, dict):
            continue
        for field, fig in (app.get("figures") or {}).items():
            if isinstance(fig, dict):
                yield field, fig.get("doc", app.get("doc", doc)), fig.get("line", app.get("line")), fig.get("value")


def _lines(row: dict[str, Any]) -> set[tuple[str, int]]:
    out = {(d, n) for _, d, n, _ in _figures(row) if d and n}
    if row.get("source_doc") and row.get("source_line"):
        out.add((row["source_doc"], row["source_line"]))
    for app in row.get("appearances") or []:
        if isinstance(app, dict) and app.get("line"):
            out.add((app.get("doc") or row.get("source_doc"), app["line"]))
    return out


def _docs(row: dict[str, Any]) -> set[str | None]:
    """The documents of :func:`_lines` (``{d for d, _ in _lines(row)}``), without the pairs."""
    doc = row.get("source_doc")
    out: set[str | None] = set()
    figs = row.get("figures")
    if figs:
        for fig in figs.values():
            if isinstance(fig, dict) and fig.get("line"):
                d = fig.get("doc", doc)
                if d:
                    out.add(d)
    if doc and row.get("source_line"):
        out.add(doc)
    for app in row.get("appearances") or []:
        if not isinstance(app, dict):
            continue
        for fig in (app.get("figures") or {}).values():
            if isinstance(fig, dict) and fig.get("line", app.get("line")):
                d = fig.get("doc", app.get("doc", doc))
                if d:
                    out.add(d)
        if app.get("line"):
            out.add(app.get("doc") or doc)
    return out


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
        and not isinstance(b, bool) and abs(a - b) < 1e-9


class Badges:
    """The open errors of a page's records, by record and by figure. Each finding goes to the
    record(s) it fits best: the wrong number on the finding's first line, else the wrong
    number on another of its lines, else the finding's first line."""

    def __init__(self, findings: list[dict[str, Any]], rows: list[dict[str, Any]] = ()) -> None:
        self.findings = findings
        self._by_row: dict[int, list[dict[str, Any]]] = {}
        if not findings:  # a page without open errors (the usual one): nothing to match
            return
        shown = [(r, _lines(r), list(_figures(r))) for r in rows]
        at: dict[tuple[str, int], list[int]] = {}  # (doc, line) -> the rows (by index) on it
        for i, (_, lines, _) in enumerate(shown):
            for key in lines:
                at.setdefault(key, []).append(i)
        for fd in findings:
            near = sorted({i for n in fd.get("lines") or [] for i in at.get((fd["doc"], n), [])})
            scored = [(self._score(fd, shown[i][1], shown[i][2]), shown[i][0]) for i in near]
            best = max((sc for sc, _ in scored), default=0)
            for sc, r in scored:
                if best and sc == best:
                    self._by_row.setdefault(id(r), []).append(fd)

    @classmethod
    def of(cls, conn, rows: Iterable[dict[str, Any] | None]) -> "Badges":
        rows = [r for r in rows if r]
        scopes: dict[tuple[str | None, int | None], set[str]] = {}
        for r in rows:
            scopes.setdefault((r.get("municipality"), r.get("year")), set()).update(_docs(r))
        found: dict[int, dict] = {}
        for (m, y), docs in scopes.items():
            for fd in views.open_errors_on(conn, m, y, docs):
                found[fd["id"]] = fd
        return cls([found[k] for k in sorted(found)], rows)

    @staticmethod
    def _score(fd: dict[str, Any], lines: set[tuple[str, int]], figures: list[tuple]) -> int:
        flines = fd.get("lines") or []
        if not flines:
            return 0
        doc, first = fd["doc"], flines[0]
        wrong = {n for _, d, n, v in figures if d == doc and n in flines and _same(v, fd.get("actual"))}
        if first in wrong:
            return 3
        if wrong:
            return 2
        return 1 if (doc, first) in lines else 0

    def row(self, row: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The open errors on this record (one of the page's rows)."""
        return list(self._by_row.get(id(row), [])) if row else []

    def field(self, row: dict[str, Any] | None, field: str) -> list[dict[str, Any]]:
        """The open errors on one figure of this record (its printed value is the one called wrong)."""
        if not row:
            return []
        fig = (row.get("figures") or {}).get(field)
        if not isinstance(fig, dict) or not fig.get("line"):
            return []
        doc = fig.get("doc", row.get("source_doc"))
        return [fd for fd in self.row(row)
                if fd["doc"] == doc and fig["line"] in (fd.get("lines") or []) and _same(fig.get("value"), fd.get("actual"))]


def badge(findings: list[dict[str, Any]]) -> Markup:
    """A small "검증 오류" mark per finding, linking to it, with the computed (or the other
    table's) value beside the printed one when the finding has both."""
    parts = []
    for fd in findings:
        title = escape(fd.get("message") or "")
        text = Markup(f'<a class="badge-error" href="/findings/{int(fd["id"])}" title="{title}">검증 오류</a>')
        exp, act = fd.get("expected"), fd.get("actual")
        if isinstance(exp, (int, float)) and isinstance(act, (int, float)):
            label = "대조값" if str(fd.get("rule", "")).startswith("cross.") else "계산값"
            text += Markup(f' <span class="badge-values">{label} ') + f.number(exp) + Markup(" · 인쇄값 ") \
                + f.number(act) + Markup("</span>")
        parts.append(Markup('<span class="badge">') + text + Markup("</span>"))
    return Markup(" ").join(parts)
