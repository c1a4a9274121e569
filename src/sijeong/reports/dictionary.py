"""The open data's dictionary: every exported column with its Korean label, English
description and type. ``docs/data-dictionary.md`` is written from the same table, and
:func:`opendata.export` emits it next to the data as CSV and JSON.

Fields shared by several record kinds mean the same thing in each (``budget`` is always
예산액 in won); where a kind gives a field a narrower sense the description says so.
"""

from __future__ import annotations

from ..model.vocabulary import FIELDS  # noqa: F401  (field: Korean label, English description, type)

#: columns every kind's file starts with, and ends with
LEAD = ("kind", "municipality", "year", "department", "name")
TRAIL = ("section", "source_doc", "source_line", "figure_lines")


def describe(field: str) -> tuple[str, str, str]:
    if field not in FIELDS and field.endswith("_line") and field[: -len("_line")] in FIELDS:
        ko, en, _ = FIELDS[field[: -len("_line")]]
        return f"{ko} 인쇄 줄", f"line of the source document where the {en} is printed (CSV)", "integer"
    return FIELDS.get(field, (field, field.replace("_", " "), "text"))


def rows_for(columns_by_kind: dict[str, list[str]]) -> list[dict[str, str]]:
    """Dictionary rows (kind, field, label_ko, description_en, type) for emitted columns."""
    out = []
    for kind, cols in columns_by_kind.items():
        for col in cols:
            ko, en, typ = describe(col)
            out.append({"kind": kind, "field": col, "label_ko": ko, "description_en": en, "type": typ})
    return out
