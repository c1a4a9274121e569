"""``sijeong ingest`` of a document with a table in a new counting unit and one in an
unknown money scale (issue 14): stored whole (exit 0), the table present in the export, one
``read.unit`` warning for the new unit and one ``read.unit`` error for the money table."""

from __future__ import annotations

import json
from pathlib import Path

from sijeong.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_ingest_stores_a_document_with_new_units_whole(tmp_path, sqlite_url, capsys):
    plan = (FIXTURES / "consistent_plan.txt").read_text(encoding="utf-8")
    lines = plan.replace("(단위 : 건)\n", "(단위 : 필지)\n").split("\n")
    money = max(i for i, t in enumerate(lines) if t == "(단위:백만원)")
    lines[money] = "(단위:십억원)"
    path = tmp_path / "새단위_주요업무계획.txt"
    path.write_text("\n".join(lines), encoding="utf-8")

    assert main(["ingest", str(path), "--db", sqlite_url]) == 0
    capsys.readouterr()
    out = tmp_path / "model.json"
    assert main(["export", "--db", sqlite_url, "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["name"] for d in data["documents"]] == [path.name]
    assert data["plan_tasks"], "the typed records are stored"

    unit_line = lines.index("(단위 : 필지)") + 1
    units = [f for f in data["findings"] if f["rule"] == "read.unit"]
    assert sorted((f["severity"], f["lines"], f["actual"]) for f in units) == [
        ("error", [money + 1], "십억원"), ("warning", [unit_line], "필지")]
    # the table in 필지 is stored (its total row, line after the header) ...
    header = unit_line + 2
    assert any(t["source"]["line"] == header for t in data["tables"]), "the 필지 table is in the export"
    # ... and so is the money table, kept as a generic table with its values as printed
    assert any(t["source"]["line"] == money + 3 for t in data["tables"])
