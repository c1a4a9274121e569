"""docs/export.md and docs/schema.md name every key and field the export and the schema have."""

import re
from pathlib import Path

from sijeong.store.schema import own_fields, record_class, record_tables

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _section(text: str, heading: str) -> str:
    m = re.search(rf"^### `{re.escape(heading)}`.*?(?=^### |^## |\Z)", text, re.S | re.M)
    assert m, f"docs/export.md has no section ### `{heading}`"
    return m.group(0)


def test_every_record_field_is_documented_with_a_korean_label():
    text = (DOCS / "export.md").read_text(encoding="utf-8")
    for kind, table in record_tables().items():
        assert f"| `{table.name}` |" in text, f"top-level key {table.name} undocumented"
        section = _section(text, table.name)
        for f in own_fields(record_class(kind)):
            row = re.search(rf"^\| `{f.name}` \| ([^|]+)\|", section, re.M)
            assert row, f"{table.name}.{f.name} undocumented in docs/export.md"
            assert re.search(r"[가-힣]", row.group(1)), f"{table.name}.{f.name} has no Korean label"
    for key in ("documents", "tables", "findings"):
        assert f"| `{key}` |" in text


def test_every_record_table_is_in_the_schema_doc():
    text = (DOCS / "schema.md").read_text(encoding="utf-8")
    for table in record_tables().values():
        assert f"| `{table.name}` |" in text, f"{table.name} missing from docs/schema.md"
