"""Reports print values as the documents do (rates ``134%``), titles name the table, the
CLI refuses an output name that contradicts the format, and the PDF layout (HTML/CSS)
keeps wide tables landscape with column widths from the content."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from sijeong.cli import main
from sijeong.commands.report import output_format
from sijeong.model import Source
from sijeong.reports import render
from sijeong.reports.base import ReportCell, ReportRow, ReportTable, header
from sijeong.reports.html import cell_text, column_widths, print_font_pt, rate_decimals, render_html, table_heading
from sijeong.reports.xlsx import rate_format

from .test_command import FIXTURES


@pytest.mark.parametrize("value, text, fmt", [
    (134, "134%", '#,##0"%";"△"#,##0"%";0"%"'),
    (134.0, "134%", '#,##0"%";"△"#,##0"%";0"%"'),
    (97.5, "97.5%", '#,##0.0"%";"△"#,##0.0"%";0"%"'),
    (62.13, "62.13%", '#,##0.00"%";"△"#,##0.00"%";0"%"'),
    (129.87012987, "129.87%", '#,##0.00"%";"△"#,##0.00"%";0"%"'),
    (-5, "△5%", '#,##0"%";"△"#,##0"%";0"%"'),
    (1466.0, "1,466%", '#,##0"%";"△"#,##0"%";0"%"'),
])
def test_rates_print_as_the_documents_do(value, text, fmt):
    assert cell_text(ReportCell(value, "rate")) == text
    assert rate_format(value) == fmt


def test_rate_decimals():
    assert [rate_decimals(v) for v in (0, 100.0, 0.5, 12.25, 1 / 3)] == [0, 0, 1, 2, 2]
    assert cell_text(ReportCell(None, "rate")) == "-"


def _table(kind="programs", width=3, rows=None, **kw) -> ReportTable:
    return ReportTable(kind=kind, title="사업별조서", unit_note="(단위: 원)",
                       header=header(["과목"] + [f"금액{i}" for i in range(1, width)]),
                       rows=rows or [ReportRow([ReportCell("시정 발전 역량 강화 및 시민 소통 플랫폼 운영"),
                                                *[ReportCell(1_234_567_000, "money", Source("d.txt", 3))] * (width - 1)])],
                       **kw)


def test_titles_name_municipality_year_table_and_department():
    t = _table(municipality="김포시", year=2020, department="기획담당관")
    assert table_heading(t) == "김포시 2020년 성과보고서 사업별조서 (기획담당관)"
    plan = _table(kind="plan", municipality="김포시", year=2022)
    plan.title = "2022년 주요업무계획"
    assert table_heading(plan) == "김포시 2022년 주요업무계획"


def test_xlsx_title_and_widths_from_content(tmp_path):
    t = _table(width=4, municipality="김포시", year=2020)
    path = render([t], "xlsx", tmp_path / "t.xlsx")
    ws = load_workbook(path).worksheets[0]
    assert ws["A1"].value == "김포시 2020년 성과보고서 사업별조서"
    # the name column is wider than a money column, a money column fits "1,234,567,000"
    assert ws.column_dimensions["A"].width > ws.column_dimensions["B"].width >= len("1,234,567,000")


@pytest.mark.parametrize("fmt, output, expected", [
    (None, "x.xlsx", "xlsx"), (None, "x.HWPX", "hwpx"), (None, "x.htm", "html"), (None, "r.pdf", "pdf"),
    (None, "noext", "xlsx"), ("pdf", "noext", "pdf"), ("hwpx", "a.hwpx", "hwpx"),
])
def test_format_follows_the_extension(fmt, output, expected):
    assert output_format(fmt, output) == expected


@pytest.mark.parametrize("fmt, output", [(None, "x.docx"), ("xlsx", "x.docx"), ("xlsx", "x.pdf"), ("html", "a.hwpx")])
def test_contradicting_extension_is_refused(fmt, output):
    with pytest.raises(ValueError):
        output_format(fmt, output)


def test_cli_refuses_docx_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.docx"
    rc = main(["report", "summary", "--year", "2020", "--files", *map(str, FIXTURES), "-o", str(out)])
    assert rc == 2 and not out.exists()
    err = capsys.readouterr().err
    assert ".docx" in err and ".xlsx" in err


def test_cli_takes_the_format_from_the_extension(tmp_path):
    out = tmp_path / "summary.html"
    assert main(["report", "summary", "--year", "2020", "--files", *map(str, FIXTURES), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "2020년 성과보고서 가. 총괄" in html


def test_print_css_wide_tables_landscape_widths_and_page_numbers():
    narrow, wide = _table(width=3), _table(width=12)
    html = render_html([narrow, wide], title="t")
    assert "word-break: keep-all" in html and "display: table-header-group" in html
    assert re.search(r"@page wide \{ size: A4 landscape", html) and "counter(pages)" in html
    sections = re.findall(r'<section class="([^"]+)"', html)
    assert sections == ["report", "report wide"]
    widths = column_widths(wide)
    assert abs(sum(widths) - 100) < 0.1 and widths[0] > widths[1]
    assert html.count("<col style=") == 3 + 12
    assert 5.5 <= print_font_pt(wide) < print_font_pt(narrow) <= 9
