"""Open data: every record kind as CSV (UTF-8 with BOM, so Excel opens it in Korean) and
JSON, with the data dictionary (``data-dictionary.csv`` / ``.json``) next to them.

Columns are the record's own fields (names from the glossary) plus its provenance:
``source_doc``, ``source_line`` and ``figure_lines`` (the line each number was printed
on). Lists and objects are JSON inside a CSV cell. ``None`` is an empty cell / ``null``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import Document, Record
from .dictionary import LEAD, TRAIL, rows_for

SKIP = {"source", "figures", "appearances", "municipality", "year", "department", "name", "section"}


def columns(cls: type[Record]) -> list[str]:
    own = [f.name for f in dataclasses.fields(cls) if f.name not in SKIP]
    return [*LEAD, *own, *TRAIL]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def row(rec: Record) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": rec.kind}
    for f in dataclasses.fields(rec):
        if f.name not in ("source", "figures", "appearances"):
            out[f.name] = _plain(getattr(rec, f.name))
    out["source_doc"] = rec.source.doc
    out["source_line"] = rec.source.line
    out["figure_lines"] = {k: fig.source.line for k, fig in rec.figures.items()}
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export(docs: Iterable[Document], outdir: str | Path) -> list[Path]:
    """Write ``<kind>.csv`` and ``<kind>.json`` for each record kind present, and the
    dictionary. Returns the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[Record]] = {}
    types: dict[str, type[Record]] = {}
    for doc in docs:
        for rec in doc.records:
            by_kind.setdefault(rec.kind, []).append(rec)
            types[rec.kind] = type(rec)
    written: list[Path] = []
    cols_by_kind: dict[str, list[str]] = {}
    for kind in sorted(by_kind):
        cols = columns(types[kind])
        cols_by_kind[kind] = cols
        rows = [row(r) for r in by_kind[kind]]
        csv_path = outdir / f"{kind}.csv"
        with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for r in rows:
                w.writerow([_cell(r.get(c)) for c in cols])
        json_path = outdir / f"{kind}.json"
        json_path.write_text(json.dumps({"kind": kind, "columns": cols, "records": rows}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
        written += [csv_path, json_path]
    written += write_dictionary(cols_by_kind, outdir)
    return written


def write_dictionary(cols_by_kind: dict[str, list[str]], outdir: Path) -> list[Path]:
    entries = rows_for(cols_by_kind)
    csv_path = outdir / "data-dictionary.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["kind", "field", "label_ko", "description_en", "type"])
        w.writeheader()
        w.writerows(entries)
    json_path = outdir / "data-dictionary.json"
    json_path.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    return [csv_path, json_path]
