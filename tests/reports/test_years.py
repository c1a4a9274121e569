"""A report of one year counts that year's records only (a later work plan names the same departments)."""

from pathlib import Path

from sijeong.pipeline import load_path
from sijeong.reports.tables import summary

ROOT = Path(__file__).resolve().parents[2]


def test_summary_counts_only_the_years_strategic_goals():
    docs = [load_path(p) for p in sorted((ROOT / "samples").glob("*.txt"))]
    assert {d.year for d in docs} == {2023, 2024}
    table = summary(docs, 2023)
    cells = {r.cells[0].value: r.cells[1] for r in table.rows}
    goals = cells["기획예산과"]
    assert goals.value == 1
    # the cell links to the lines it counted: none of them in the 2024 plan
    assert goals.inputs and {s.doc for s in goals.inputs} == {"예시시_2023_결산_성과보고서.txt"}
