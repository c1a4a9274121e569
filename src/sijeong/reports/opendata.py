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
from .dictionary import LEAD, TRAIL, describe, rows_for

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


LINE = "_line"


def csv_columns(cols: list[str], cls: type[Record] | None) -> list[str]:
    """The CSV's columns: ``figure_lines`` (an object, fine in JSON, a JSON text inside a CSV
    cell) becomes one column per number of the kind, ``target_line`` …: the line of the
    document each is printed on."""
    out: list[str] = []
    for c in cols:
        if c == "figure_lines":
            out += [f"{n}{LINE}" for n in (cls.numeric_fields if cls is not None else ())]
        else:
            out.append(c)
    return out


def csv_header(cols: list[str], language: str = "ko", labels: dict[str, str] | None = None) -> list[str]:
    """The header row: the Korean labels of the data dictionary (``language="ko"``, as Korean
    open data prints them; ``labels`` for columns the record dictionary does not describe), or
    the field names (``"en"``); a label two columns share gets its field name beside it."""
    if language == "en":
        return list(cols)
    labels = [(labels or {}).get(c) or describe(c)[0] for c in cols]
    seen = {lab for lab in labels if labels.count(lab) > 1}
    return [f"{lab}({c})" if lab in seen else lab for lab, c in zip(labels, cols)]


def csv_cell(row: dict[str, Any], col: str) -> Any:
    """A row's value for a CSV column: plain text, never a JSON object (a list of line numbers
    is written as numbers separated by spaces)."""
    if col.endswith(LINE) and col not in row:
        return _cell((row.get("figure_lines") or {}).get(col[: -len(LINE)]))
    value = row.get(col)
    if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return " ".join(str(v) for v in value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        text = _text_items(value)
        if text is not None:
            return text
    return _cell(value)


def _text_items(items: list[dict], depth: int = 0) -> str | None:
    """Outline items, milestones and people as the lines a reader would write by hand
    (``□ 추진계획`` / ``  - 세부 내용``; ``이름(직위)``; a finding's related ``문서: 12 13``), or None
    for objects of another shape."""
    lines = []
    for it in items:
        if "text" in it:
            marker = it.get("marker") or ""
            lines.append("  " * depth + (f"{marker} " if marker else "") + str(it["text"]))
            if it.get("children"):
                lines.append(_text_items(it["children"], depth + 1) or "")
        elif set(it) == {"doc", "lines"}:  # a finding's other document and its lines
            lines.append(f"{it['doc']}: " + " ".join(str(n) for n in it["lines"] or []))
        elif "name" in it and "role" in it:
            title = it.get("title")
            lines.append(f"{it.get('name') or ''}({title})" if title else str(it.get("name") or ""))
        else:
            return None
    return "\n".join(line for line in lines if line)


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
        cols_by_kind[kind] = list(dict.fromkeys(cols + csv_columns(cols, types[kind])))
        rows = [row(r) for r in by_kind[kind]]
        csv_path = outdir / f"{kind}.csv"
        ccols = csv_columns(cols, types[kind])
        with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(csv_header(ccols))
            for r in rows:
                w.writerow([csv_cell(r, c) for c in ccols])
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
