"""The shape every report table has, whatever renders it.

A :class:`ReportTable` is plain data: a title, a unit note, multi-level header rows whose
cells span rows and columns, body rows of typed cells, and footnotes. Cells know their
kind (money, count, rate, number, text, grade) and where their value came from: a printed
figure keeps its ``source`` (document and line); a value the project computed has
``computed=True`` and lists the ``inputs`` it was computed from.

Spans work as in HTML: a cell with ``row_span=3`` covers the same column of the next two
rows, and those rows simply omit it. :func:`grid` turns rows into (row, column, cell)
positions so every renderer places cells the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import Source
from ..model.numbers import number_text

KINDS = ("money", "count", "rate", "number", "text", "grade")



@dataclass(slots=True)
class HeaderCell:
    text: str
    row_span: int = 1
    col_span: int = 1


@dataclass(slots=True)
class ReportCell:
    value: Any
    kind: str = "text"
    source: Source | None = None  # the printed figure the value comes from
    computed: bool = False
    inputs: list[Source] = field(default_factory=list)  # what a computed value was computed from
    row_span: int = 1
    col_span: int = 1

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "kind": self.kind, "text": self.text}
        if self.source is not None:
            out["source"] = self.source.as_dict()
        if self.computed:
            out["computed"] = True
            out["inputs"] = [s.as_dict() for s in self.inputs]
        if self.row_span != 1:
            out["row_span"] = self.row_span
        if self.col_span != 1:
            out["col_span"] = self.col_span
        return out


@dataclass(slots=True)
class ReportRow:
    cells: list[ReportCell]
    is_total: bool = False  # 계 / 합계 / a parent's subtotal
    is_group: bool = False  # a heading row spanning the table (a department, a policy goal)
    level: int = 0  # indentation of the first cell (program hierarchy)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cells": [c.as_dict() for c in self.cells]}
        if self.is_total:
            out["is_total"] = True
        if self.is_group:
            out["is_group"] = True
        if self.level:
            out["level"] = self.level
        return out


@dataclass(kw_only=True, slots=True)
class ReportTable:
    kind: str  # summary | goals | indicators | settlement | related_programs | programs | revenues | plan
    title: str
    unit_note: str | None
    header: list[list[HeaderCell]]
    rows: list[ReportRow] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    municipality: str | None = None
    year: int | None = None
    department: str | None = None

    @property
    def column_count(self) -> int:
        return sum(c.col_span for c in self.header[0]) if self.header else 0

    @property
    def header_height(self) -> int:
        return len(self.header)

    def body_grid(self) -> list[tuple[int, int, ReportCell]]:
        """(row index, column index, cell) of every body cell, spans resolved."""
        return grid([r.cells for r in self.rows], self.column_count)

    def header_grid(self) -> list[tuple[int, int, HeaderCell]]:
        return grid(self.header, self.column_count)

    def values(self) -> list[list[Any]]:
        """The body as a full matrix of values (covered positions hold ``None``)."""
        out: list[list[Any]] = [[None] * self.column_count for _ in self.rows]
        for r, c, cell in self.body_grid():
            out[r][c] = cell.value
        return out

    def column_labels(self) -> list[str]:
        """One label per column: the header texts above it joined with ' / '."""
        labels: list[list[str]] = [[] for _ in range(self.column_count)]
        for _r, c, cell in self.header_grid():
            for k in range(c, c + cell.col_span):
                if cell.text not in labels[k]:
                    labels[k].append(cell.text)
        return [" / ".join(parts) for parts in labels]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "unit_note": self.unit_note,
            "municipality": self.municipality,
            "year": self.year,
            "department": self.department,
            "header": [[{"text": h.text, "row_span": h.row_span, "col_span": h.col_span} for h in row] for row in self.header],
            "columns": self.column_labels(),
            "rows": [r.as_dict() for r in self.rows],
            "footnotes": list(self.footnotes),
        }


def grid(rows: list[list[Any]], width: int) -> list[tuple[int, int, Any]]:
    """Place cells with ``row_span``/``col_span`` on a grid, HTML style."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Any]] = []
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            if c >= width:
                raise ValueError(f"row {r} has more cells than the {width} columns of its header")
            out.append((r, c, cell))
            for dr in range(cell.row_span):
                for dc in range(cell.col_span):
                    taken.add((r + dr, c + dc))
            c += cell.col_span
    return out


def iter_spans(table: ReportTable) -> Iterator[tuple[str, int, int, int, int]]:
    """("header"|"body", row, col, row_span, col_span) of every cell spanning more than one."""
    for r, c, h in table.header_grid():
        if h.row_span > 1 or h.col_span > 1:
            yield "header", r, c, h.row_span, h.col_span
    for r, c, cell in table.body_grid():
        if cell.row_span > 1 or cell.col_span > 1:
            yield "body", r, c, cell.row_span, cell.col_span


def format_value(value: Any, kind: str) -> str:
    """The text a reader of the printed table expects (△ for negative money)."""
    if value is None:
        return "" if kind in ("text", "grade") else "-"
    if kind in ("money", "count"):
        return number_text(int(value), decimals=0)
    if kind == "rate":
        return number_text(float(value), trim=False)
    if kind == "number":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"{value:,}" if isinstance(value, int) else f"{value:,}".rstrip("0").rstrip(".")
    return str(value)


def header(*rows: list[tuple[str, int, int] | str]) -> list[list[HeaderCell]]:
    """Header rows from ``"text"`` or ``(text, row_span, col_span)`` items."""
    out: list[list[HeaderCell]] = []
    for row in rows:
        out.append([HeaderCell(x) if isinstance(x, str) else HeaderCell(x[0], x[1], x[2]) for x in row])
    return out
