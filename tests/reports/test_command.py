"""``sijeong report`` end to end over our own fixtures (no database), and open data."""

from __future__ import annotations

import csv
import json
from dataclasses import fields
from pathlib import Path

import pytest

from sijeong.cli import main
from sijeong.model import PLAN_RECORD_TYPES, RECORD_TYPES, DepartmentSummary
from sijeong.pipeline import load_path
from sijeong.reports.dictionary import FIELDS
from sijeong.reports.opendata import export
from sijeong.reports.xlsx_read import read_xlsx

from .sample import sample_docs

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [ROOT / "tests" / "fixtures" / "settlement_part.txt", ROOT / "tests" / "fixtures" / "performance_report.txt"]


def test_report_summary_xlsx_equals_the_printed_summary(tmp_path, capsys):
    out = tmp_path / "summary.xlsx"
    rc = main(["report", "summary", "--year", "2020", "--files", *map(str, FIXTURES), "--format", "xlsx", "-o", str(out)])
    assert rc == 0, capsys.readouterr().err
    sheet = read_xlsx(out)[0]
    by_name = {r[0]: r[1:] for r in sheet.rows}
    printed = [r for d in map(load_path, FIXTURES) for r in d.of(DepartmentSummary) if not r.is_total]
    assert printed
    for rec in printed:
        assert by_name[rec.department] == [rec.strategic_goal_count, rec.policy_goal_count, rec.indicator_count,
                                           rec.exceeded_count, rec.achieved_count, rec.missed_count,
                                           rec.settled, rec.prior_year_settled, rec.change]


@pytest.mark.parametrize("fmt", ["html", "hwpx"])
def test_report_all_kinds_for_one_department(tmp_path, fmt):
    out = tmp_path / f"all.{fmt}"
    rc = main(["report", "all", "--year", "2020", "--department", "햇살정책담당관", "--files", *map(str, FIXTURES),
               "--format", fmt, "-o", str(out)])
    assert rc == 0 and out.stat().st_size > 1000


def test_report_without_data_fails_with_a_message(tmp_path, capsys):
    rc = main(["report", "summary", "--year", "1999", "--files", *map(str, FIXTURES), "-o", str(tmp_path / "x.xlsx")])
    assert rc == 1 and "no data" in capsys.readouterr().err


def test_opendata_csv_has_bom_and_matches_json(tmp_path):
    written = export(sample_docs(), tmp_path)
    names = {p.name for p in written}
    assert {"program.csv", "program.json", "indicator.csv", "data-dictionary.csv", "data-dictionary.json"} <= names
    raw = (tmp_path / "program.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "program.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # the header row is the dictionary's Korean labels: back to field names to compare with the JSON
    from sijeong.reports.dictionary import describe

    by_label = {describe(f)[0]: f for f in ("name", "spent", "source_line", "spent_line")}
    rows = [{by_label.get(k, k): v for k, v in r.items()} for r in rows]
    data = json.loads((tmp_path / "program.json").read_text(encoding="utf-8"))
    assert len(rows) == len(data["records"]) == 18
    assert rows[0]["name"] == data["records"][0]["name"] == "소통 행정"
    assert int(rows[0]["spent"]) == data["records"][0]["spent"] == 250_000_000
    assert int(rows[0]["source_line"]) == data["records"][0]["source_line"] > 0
    assert int(rows[0]["spent_line"]) == data["records"][0]["figure_lines"]["spent"]
    dictionary = json.loads((tmp_path / "data-dictionary.json").read_text(encoding="utf-8"))
    cols = {(e["kind"], e["field"]) for e in dictionary}
    assert all(("program", c) in cols for c in data["columns"])
    assert next(e for e in dictionary if e["field"] == "spent")["label_ko"] == "지출액"


def test_every_model_field_is_in_the_dictionary_and_its_doc():
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    skip = {"source", "figures", "appearances"}
    for cls in (*RECORD_TYPES, *PLAN_RECORD_TYPES):
        for f in fields(cls):
            if f.name in skip:
                continue
            assert f.name in FIELDS, f"{cls.kind}.{f.name} missing from reports/dictionary.py"
            assert f"`{f.name}`" in doc, f"{f.name} missing from docs/data-dictionary.md"
