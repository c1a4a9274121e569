"""Model objects <-> row dicts of the tables in :mod:`sijeong.store.schema`."""

from __future__ import annotations

import dataclasses
import hashlib
import functools
import typing
from typing import Any

from ..model import Cell, Coverage, Document, Figure, Finding, Heading, Record, Source, Table, TableRow
from .codec import (
    Sources,
    appearance_from_json,
    appearance_to_json,
    decoder,
    figures_from_json,
    figures_to_json,
    from_json,
    hints,
    make_figure,
    scalar_kind,
    to_json,
)
from .schema import own_fields

# --- documents -------------------------------------------------------------------------


def document_row(doc: Document, loaded_at) -> dict[str, Any]:
    return {
        "name": doc.name,
        "municipality": doc.municipality,
        "year": doc.year,
        "family": doc.family,
        "title": doc.title,
        "sha256": doc.sha256 or "",
        "line_count": doc.line_count or 0,
        "coverage": dataclasses.asdict(doc.coverage) if doc.coverage is not None else None,
        "headings": [{"line": h.source.line, "level": h.level, "text": h.text} for h in doc.headings],
        "loaded_at": loaded_at,
    }


def document_from_row(row: dict[str, Any]) -> Document:
    cov = row.get("coverage")
    names = {f.name for f in dataclasses.fields(Coverage)}
    doc = Document(
        name=row["name"],
        municipality=row["municipality"],
        year=row["year"],
        family=row["family"],
        title=row["title"],
        sha256=row["sha256"] or "",
        line_count=row["line_count"] or 0,
        coverage=Coverage(**{k: v for k, v in cov.items() if k in names}) if cov is not None else None,
    )
    doc.headings = headings_from_row(doc.name, row.get("headings"))
    return doc


def headings_from_row(doc_name: str, stored: list[dict[str, Any]] | None) -> list[Heading]:
    """The lines no record took (``documents.headings``), as the reader kept them."""
    return [Heading(Source(doc_name, h["line"]), h["level"], h["text"]) for h in stored or []]


# --- records ---------------------------------------------------------------------------


def record_values(rec: Record, document_id: int, order: int) -> list[Any]:
    """The values of a record's row, in the order of :func:`record_columns` (its table's
    columns but ``id``), JSON columns as plain JSON values."""
    doc = rec.source.doc
    out: list[Any] = [document_id, order, rec.municipality, rec.year, rec.department, rec.name, rec.section, doc,
                      rec.source.line, figures_to_json(rec.figures, doc),
                      [appearance_to_json(a, doc) for a in rec.appearances]]
    for name, scalar in _row_fields(type(rec)):
        value = getattr(rec, name)
        out.append(value if scalar else to_json(value))
    return out


@functools.cache
def record_columns(cls: type) -> tuple[str, ...]:
    """The columns :func:`record_values` gives, in its order."""
    return ("document_id", "doc_order", "municipality", "year", "department", "name", "section", "source_doc",
            "source_line", "figures", "appearances", *(name for name, _ in _row_fields(cls)))


def record_row(rec: Record, document_id: int, order: int) -> dict[str, Any]:
    return dict(zip(record_columns(type(rec)), record_values(rec, document_id, order)))


@functools.cache
def _row_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """(field name, stored as a scalar column) for a record class's own fields, worked out
    once per class rather than for every row."""
    h = hints(cls)
    return tuple((f.name, scalar_kind(h[f.name]) is not None) for f in own_fields(cls))


def _allows_none(tp: Any) -> bool:
    return tp is Any or type(None) in typing.get_args(tp)


def record_from_row(cls: type[Record], row: dict[str, Any], sources: Sources | None = None) -> Record:
    """A record from its row (a mapping of column → value, JSON columns decoded);
    ``sources``: a :class:`Sources` shared by the rows of one load."""
    if sources is None:
        sources = Sources()
    doc = row["source_doc"]
    figures = figures_from_json(row.get("figures"), doc, sources)
    kw: dict[str, Any] = {
        "source": sources[doc, row["source_line"]],
        "municipality": row["municipality"],
        "year": row["year"],
        "department": row["department"],
        "name": row["name"],
        "section": row["section"],
        "figures": figures,
        "appearances": [appearance_from_json(a, doc, sources) for a in row.get("appearances") or []],
    }
    for name, tp, kind, allows_none, dec in _decode_plan(cls):
        if name not in row:
            continue
        value = row[name]
        if value is None and not allows_none:
            continue  # a column added later: the field's default
        if kind is None:
            value = dec(value)
        elif kind == "float" and name in figures and figures[name].value == value:
            value = figures[name].value  # keeps 123 an int where the document printed 123
        kw[name] = value
    return cls(**kw)


@functools.cache
def _decode_plan(cls: type) -> tuple[tuple[str, Any, str | None, bool, Any], ...]:
    """(name, type hint, scalar kind, None allowed, decoder) of a record class's own fields,
    worked out once per class: ``record_from_row`` runs for every stored record a check
    loads back."""
    h = hints(cls)
    return tuple((f.name, h[f.name], scalar_kind(h[f.name]), _allows_none(h[f.name]), decoder(h[f.name]))
                 for f in own_fields(cls))


def record_reader(cls: type[Record], columns: list[str]):
    """``read(row, sources) -> record`` for rows of a ``select`` of these columns, taken by
    position (no mapping per row): what :func:`record_from_row` makes of the same row as a
    mapping, built for the many rows a check loads back."""
    at = {c: i for i, c in enumerate(columns)}
    i_doc, i_line, i_figs, i_apps = at["source_doc"], at["source_line"], at["figures"], at["appearances"]
    i_m, i_y, i_dep, i_name, i_sec = (at[c] for c in ("municipality", "year", "department", "name", "section"))
    plan = tuple((name, at[name], kind, allows_none, dec)
                 for name, _tp, kind, allows_none, dec in _decode_plan(cls) if name in at)

    def read(row, sources: Sources) -> Record:
        doc = row[i_doc]
        figures = figures_from_json(row[i_figs], doc, sources)
        apps = row[i_apps]
        kw: dict[str, Any] = {
            "source": sources[doc, row[i_line]], "municipality": row[i_m], "year": row[i_y],
            "department": row[i_dep], "name": row[i_name], "section": row[i_sec], "figures": figures,
            "appearances": [appearance_from_json(a, doc, sources) for a in apps] if apps else [],
        }
        for name, i, kind, allows_none, dec in plan:
            value = row[i]
            if value is None:
                if not allows_none:
                    continue  # a column added later: the field's default
                kw[name] = None if kind is not None else dec(None)
                continue
            if kind is None:
                value = dec(value)
            elif kind == "float" and name in figures and figures[name].value == value:
                value = figures[name].value  # keeps 123 an int where the document printed 123
            kw[name] = value
        return cls(**kw)
    return read


# --- generic tables --------------------------------------------------------------------


def _cell_figure(fig: Figure, line: int, doc: str) -> list[Any]:
    out: list[Any] = [fig.value, fig.raw]
    if fig.unit is not None or fig.source.line != line or fig.source.doc != doc:
        out += [fig.unit, fig.source.line]
    if fig.source.doc != doc:
        out.append(fig.source.doc)
    return out


def _cell_figure_back(item: list[Any], line: int, doc: str, sources: Sources | None = None) -> Figure:
    n = len(item)
    unit = item[2] if n > 2 else None
    fline = item[3] if n > 3 else line
    fdoc = item[4] if n > 4 else doc
    return make_figure(item[0], item[1], sources[fdoc, fline] if sources is not None else Source(fdoc, fline), unit)


def table_row(t: Table, document_id: int, order: int) -> dict[str, Any]:
    doc = t.source.doc
    rows = []
    for r in t.rows:
        line = r.source.line
        cells = []
        for c in r.cells:
            figs = []
            for f in c.figures:
                fs = f.source
                if f.unit is None and fs.line == line and fs.doc == doc:
                    figs.append([f.value, f.raw])  # the common case: value and raw, on the row's line
                else:
                    figs.append(_cell_figure(f, line, doc))
            cells.append({"text": c.text, "figures": figs})
        rows.append({"line": line, "cells": cells})
    return {
        "document_id": document_id,
        "doc_order": order,
        "municipality": t.municipality,
        "year": t.year,
        "department": t.department,
        "name": t.name,
        "kind": t.kind,
        "unit": t.unit,
        "typed": bool(t.typed),
        "source_doc": doc,
        "source_line": t.source.line,
        "header": [list(h) for h in t.header],
        "header_lines": list(t.header_lines),
        "rows": rows,
    }


def table_from_row(row: dict[str, Any], sources: Sources | None = None) -> Table:
    if sources is None:
        sources = Sources()
    doc = row["source_doc"]
    rows = []
    for r in row.get("rows") or []:
        line = r["line"]
        src = sources[doc, line]
        cells = []
        for c in r["cells"]:
            figs = c.get("figures")
            if figs:
                out = []
                for f in figs:
                    if len(f) == 2:  # the common case: value and raw, on the row's line
                        out.append(make_figure(f[0], f[1], src, None))
                    else:
                        out.append(_cell_figure_back(f, line, doc, sources))
                cells.append(Cell(c["text"], out))
            else:
                cells.append(Cell(c["text"], []))
        rows.append(TableRow(src, cells))
    return Table(
        source=sources[doc, row["source_line"]],
        municipality=row["municipality"],
        year=row["year"],
        department=row["department"],
        name=row["name"],
        unit=row["unit"],
        header=[list(h) for h in row.get("header") or []],
        header_lines=list(row.get("header_lines") or []),
        rows=rows,
        typed=bool(row["typed"]),
        kind=row["kind"],
    )


# --- findings --------------------------------------------------------------------------


def finding_fingerprint(f: Finding | dict[str, Any]) -> str:
    """What a finding is about, the same in every re-check that finds the same problem: its
    municipality, year, rule, document, subject and lines (not its message, whose numbers
    change when one of them is corrected elsewhere)."""
    get = f.get if isinstance(f, dict) else lambda k: getattr(f, k)
    key = "|".join(str(x) for x in (get("municipality"), get("year"), get("rule"), get("doc"), get("subject"),
                                      ",".join(str(int(n)) for n in sorted(get("lines") or []))))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def finding_row(f: Finding, document_id: int | None, origin: str) -> dict[str, Any]:
    d = f.as_dict()
    d["origin"] = origin
    d["fingerprint"] = finding_fingerprint(f)
    d["lines"] = [int(x) for x in f.lines]
    d["expected"] = to_json(f.expected)
    d["actual"] = to_json(f.actual)
    d["related"] = [{"doc": r["doc"], "lines": [int(x) for x in r["lines"]]} for r in f.related]
    d["document_id"] = document_id
    return d


FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def finding_from_row(row: dict[str, Any]) -> Finding:
    out = Finding(**{k: row[k] for k in FINDING_FIELDS if k != "related"})
    out.related = list(row.get("related") or [])
    return out
