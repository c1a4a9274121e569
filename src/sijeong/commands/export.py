"""``sijeong export [--db URL] --format json [-o FILE] [--municipality M] [--year Y]``

Writes one JSON object (schema: ``docs/export.md``): ``documents``, one key per record
table (``departments``, ``indicators``, ``policy_goals``, ``programs`` ...), ``tables``
and ``findings``. It is streamed: rows are read in batches and written one by one, one
record per line, so the whole model is never held in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable

from ..settings import Settings
from ..store import db, repository
from ..store.schema import own_fields, record_class, record_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")
    parser.add_argument("--format", choices=["json"], default="json", help="형식 / format (json)")
    parser.add_argument("-o", "--output", metavar="FILE", help="출력 파일 / output file (default: standard output)")
    parser.add_argument("--municipality", help="지방자치단체만 / only this municipality")
    parser.add_argument("--year", type=int, help="연도만 / only this year")


def run(args: argparse.Namespace) -> int:
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        db.migrate(engine)
        filters = {"municipality": args.municipality, "year": args.year}
        if not args.output:
            with engine.connect() as conn:
                write_export(conn, sys.stdout, **filters)
            return 0
        target = Path(args.output)
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".json", dir=target.parent.resolve())
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out, engine.connect() as conn:
                write_export(conn, out, **filters)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; give it the usual mode
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        print(f"내보냄 / exported: {target}", file=sys.stderr)
        return 0
    finally:
        engine.dispose()


# --- the JSON shape --------------------------------------------------------------------


def _figures(figs: dict[str, Any] | None) -> dict[str, Any]:
    out = {}
    for key, f in (figs or {}).items():
        d = {"line": f["line"], "raw": f["raw"], "unit": f.get("unit"), "value": f.get("value")}
        if "doc" in f:
            d["doc"] = f["doc"]
        out[key] = d
    return out


def record_json(kind: str, row: dict[str, Any], doc_names: dict[int, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "municipality": row["municipality"],
        "year": row["year"],
        "department": row["department"],
        "name": row["name"],
        "section": row["section"],
        "document": doc_names.get(row["document_id"]),
        "source": {"doc": row["source_doc"], "line": row["source_line"]},
    }
    for f in own_fields(record_class(kind)):
        out[f.name] = row.get(f.name)
    out["figures"] = _figures(row.get("figures"))
    out["appearances"] = [
        {
            "section": a["section"],
            "name": a.get("name"),
            "source": {"doc": a["doc"], "line": a["line"]},
            "figures": _figures(a.get("figures")),
            "text": a.get("text") or {},
        }
        for a in row.get("appearances") or []
    ]
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
        "document": doc_names.get(row["document_id"]),
        "source": {"doc": row["source_doc"], "line": row["source_line"]},
        "header": row.get("header") or [],
        "header_lines": row.get("header_lines") or [],
        "rows": row.get("rows") or [],
    }


def finding_json(row: dict[str, Any], doc_names: dict[int, str]) -> dict[str, Any]:
    keys = ("rule", "severity", "doc", "lines", "message", "expected", "actual", "municipality", "year",
            "department", "subject", "origin")
    out = {k: row[k] for k in keys}
    out["document"] = doc_names.get(row["document_id"]) if row["document_id"] is not None else None
    # like every record: where to look first (the first line taking part; all are in lines)
    out["source"] = {"doc": row["doc"], "line": row["lines"][0] if row["lines"] else None}
    return out


# --- streaming -------------------------------------------------------------------------


def _write_array(out: IO[str], key: str, items: Iterable[dict[str, Any]], first: bool) -> None:
    out.write(("" if first else ",\n") + json.dumps(key) + ": [")
    sep = "\n"
    for item in items:
        out.write(sep + json.dumps(item, ensure_ascii=False, allow_nan=False))
        sep = ",\n"
    out.write("\n]" if sep != "\n" else "]")


def write_export(conn, out: IO[str], *, municipality: str | None = None, year: int | None = None) -> None:
    """Write the export object to ``out``, record by record."""
    drows = repository.document_rows(conn, municipality=municipality, year=year)
    doc_names = {r["id"]: r["name"] for r in drows}
    filters = {"municipality": municipality, "year": year}
    out.write("{\n")
    _write_array(out, "documents", (document_json(r) for r in drows), first=True)
    for kind, table in record_tables().items():
        rows = repository.iter_records(conn, kind, **filters)
        _write_array(out, table.name, (record_json(kind, r, doc_names) for r in rows), first=False)
    rows = repository.iter_records(conn, "tables", **filters)
    _write_array(out, "tables", (table_json(r, doc_names) for r in rows), first=False)
    rows = repository.iter_records(conn, "findings", **filters)
    _write_array(out, "findings", (finding_json(r, doc_names) for r in rows), first=False)
    out.write("\n}\n")
