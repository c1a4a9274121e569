"""Stored rows -> the export's JSON shape (``sijeong export``, docs/export.md), one definition
for the export and the web (the API and the pages' ``.json`` twins): glossary field names,
``document``, ``source: {doc, line}``, ``figures`` (each number's raw text, line, unit and
value) and ``appearances`` (each with its own ``source``).

The export writes exactly the columns of the shape (:func:`record_json`, :func:`finding_json`,
:func:`document_json`, :func:`table_json`); the web gives the same shape of every column a row
has, plus its ``id`` and what the page added (:func:`record`, :func:`finding`, :func:`document`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .repository import tidy_row

#: columns that are not part of the shape (said as ``document`` / ``source`` instead, or too big)
INTERNAL = {"document_id", "doc_order", "source_doc", "source_line", "text", "loaded_at",
            # the key of a finding's marks: stable across re-checks, not part of what was found
            "fingerprint"}
#: the columns every record has, in the export's order (its own fields follow)
RECORD_HEAD = ("municipality", "year", "department", "name", "section")
FINDING_KEYS = ("rule", "severity", "doc", "lines", "message", "expected", "actual", "municipality", "year",
                "department", "subject", "origin", "related")


def source(doc: Any, line: Any) -> dict[str, Any]:
    return {"doc": doc, "line": line}


def figures(figs: dict[str, Any] | None) -> dict[str, Any]:
    """Stored figures as written: ``{line, raw, unit, value}`` (and ``doc`` when the figure
    comes from another document than its record)."""
    out = {}
    for key, f in (figs or {}).items():
        d = {"line": f["line"], "raw": f["raw"], "unit": f.get("unit"), "value": f.get("value")}
        if "doc" in f:
            d["doc"] = f["doc"]
        out[key] = d
    return out


def appearance(a: dict[str, Any]) -> dict[str, Any]:
    """A stored appearance (``{section, doc, line, name, figures, text}``) as written."""
    return {"section": a.get("section"), "name": a.get("name"), "source": source(a.get("doc"), a.get("line")),
            "figures": figures(a.get("figures")), "text": a.get("text") or {}}


def _provenance(row: dict[str, Any], document_name: Any) -> dict[str, Any]:
    """What every record says of where it was printed."""
    return {"document": document_name, "source": source(row.get("source_doc"), row.get("source_line"))}


def _numbers(row: dict[str, Any]) -> dict[str, Any]:
    return {"figures": figures(row.get("figures")),
            "appearances": [appearance(a) for a in row.get("appearances") or []]}


# --- the export ---------------------------------------------------------------------------


def record_json(row: dict[str, Any], doc_names: dict[int, str], fields: list[str]) -> dict[str, Any]:
    """A record row of the export: the common columns, its document, source, own ``fields``,
    figures and appearances."""
    out: dict[str, Any] = {k: row[k] for k in RECORD_HEAD}
    out.update(_provenance(row, doc_names.get(row["document_id"])))
    for name in fields:
        out[name] = row.get(name)
    out.update(_numbers(row))
    return out


def document_json(row: dict[str, Any]) -> dict[str, Any]:
    cov = row.get("coverage")
    if cov is not None:
        t = cov.get("typed", 0) + cov.get("typed_text", 0) + cov.get("structure", 0)
        share = round(100.0 * t / cov["total"], 2) if cov.get("total") else 100.0
        cov = {**cov, "typed_share": 0.0 if cov.get("family_records") == 0 else share}  # no record of its family
    loaded = row["loaded_at"]
    return {
        "name": row["name"],
        "municipality": row["municipality"],
        "year": row["year"],
        "family": row["family"],
        "title": row["title"],
        "sha256": row["sha256"],
        "line_count": row["line_count"],
        "loaded_at": loaded.isoformat() if isinstance(loaded, dt.datetime) else loaded,
        "coverage": cov,
        "headings": row.get("headings") or [],
    }


def table_json(row: dict[str, Any], doc_names: dict[int, str]) -> dict[str, Any]:
    return {
        "municipality": row["municipality"],
        "year": row["year"],
        "department": row["department"],
        "name": row["name"],
        "kind": row["kind"],
        "unit": row["unit"],
        "typed": bool(row["typed"]),
        **_provenance(row, doc_names.get(row["document_id"])),
        "header": row.get("header") or [],
        "header_lines": row.get("header_lines") or [],
        "rows": row.get("rows") or [],
    }


def _finding_provenance(row: dict[str, Any], document_name: Any) -> dict[str, Any]:
    # like every record: where to look first (the first line taking part; all are in lines)
    lines = row.get("lines")
    return {"document": document_name, "source": source(row.get("doc"), lines[0] if lines else None)}


def related(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The other documents' lines of the finding's defect: ``[{doc, lines}]`` (empty for most)."""
    return [{"doc": r["doc"], "lines": list(r.get("lines") or [])} for r in row.get("related") or []]


def finding_json(row: dict[str, Any], doc_names: dict[int, str]) -> dict[str, Any]:
    out = {k: row[k] for k in FINDING_KEYS}
    out["related"] = related(row)
    out.update(_finding_provenance(row, doc_names.get(row["document_id"]) if row["document_id"] is not None else None))
    return out


# --- the web: the same shape of a whole row, with its id ---------------------------------------


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A record row in the export's shape, plus its id and what a page added to the row;
    a number printed as an integer is given back as one (not as the column's double)."""
    row = tidy_row(dict(row))
    out = {k: v for k, v in row.items() if k not in INTERNAL}
    # a record's source is a line of its own document
    out.update(_provenance(row, row.get("source_doc")))
    out.update(_numbers(row))
    return out


def finding(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in INTERNAL}
    out["lines"] = row.get("lines") or []
    out["related"] = related(row)
    # as the export: the stored document the finding is linked to (by its name), if any
    out.update(_finding_provenance(row, row.get("doc") if row.get("document_id") is not None else None))
    return out


def document(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (iso(v) if hasattr(v, "isoformat") else v) for k, v in row.items() if k not in {"text", "headings"}}


def iso(value: Any) -> str:
    """ISO 8601; a datetime without a zone is UTC (the store writes UTC, and SQLite gives
    it back without the zone PostgreSQL keeps), so both databases answer alike."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()
