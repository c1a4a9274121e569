"""Each format opens again and holds the tables: XLSX (openpyxl, and the project's own
reader for the round trip), HWPX (python-hwpx), HTML (parsed), PDF (Chromium; PNG pages
with pdftoppm when present)."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from sijeong.reports import render
from sijeong.reports import tables as T
from sijeong.reports.html import table_heading
from sijeong.reports.xlsx_read import read_xlsx

from .sample import sample_docs

KINDS = ("summary", "goals", "indicators", "settlement", "related_programs", "programs", "revenues")


@pytest.fixture(scope="module")
def report():
    docs = sample_docs()
    return [T.build(k, docs, 2020) for k in KINDS] + [T.plan(docs, 2022)]


def test_xlsx_merges_formats_and_fonts(report, tmp_path):
    path = render(report, "xlsx", tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[-1] == "출처" and len(wb.sheetnames) == len(report) + 1
    ws = wb[wb.sheetnames[0]]
    merged = {str(m) for m in ws.merged_cells.ranges}
    # 부서명 over three header rows, 성과목표 over six columns, 결산액 over three
    assert {"A3:A5", "B3:G3", "H3:J3", "C4:D4", "E4:G4"} <= merged
    assert ws.freeze_panes == "B6"
    assert ws["A6"].value == "계" and ws["A6"].font.b
    assert ws["H6"].value == 396_000_000 and ws["H6"].number_format.startswith("#,##0")
    assert ws["B7"].number_format == "#,##0"
    assert not ws["A7"].font.b
    assert ws["A1"].font.name == "맑은 고딕" and ws["H7"].font.name == "맑은 고딕"
    goals = wb[wb.sheetnames[1]]
    assert "A4:A6" in {str(m) for m in goals.merged_cells.ranges}  # strategic goal over its 3 indicators
    # a rate keeps the printed number and shows as printed: 100 → "100%"
    assert goals["F4"].value == 100.0 and goals["F4"].number_format == '#,##0"%";"△"#,##0"%";0"%"'
    src = wb["출처"]
    assert src.max_row > 10 and any(row[5].value for row in src.iter_rows(min_row=2))


def test_xlsx_round_trip_keeps_every_figure(report, tmp_path):
    path = render(report, "xlsx", tmp_path / "r.xlsx")
    sheets = read_xlsx(path)
    assert len(sheets) == len(report)
    for table, sheet in zip(report, sheets):
        assert sheet.title == table_heading(table) and sheet.title.endswith(table.title) and sheet.unit_note == table.unit_note
        assert len(sheet.header) == table.header_height
        assert sheet.rows == table.values(), table.kind
        assert sheet.footnotes == table.footnotes
        assert sheet.bold_rows == [i for i, r in enumerate(table.rows) if r.is_total or r.is_group]


def test_hwpx_reopens_with_the_tables(report, tmp_path):
    from hwpx import HwpxDocument

    from sijeong.reports.hwpx import read_hwpx_spans, read_hwpx_tables

    path = render(report[:3], "hwpx", tmp_path / "r.hwpx", title="가상시 2020 결산")
    doc = HwpxDocument.open(str(path))
    try:
        texts = "\n".join(p.text for p in doc.paragraphs)
        assert "가. 총괄" in texts and "(단위: 개, 원)" in texts and "초과달성(130% 이상)" in texts
        assert not doc.validate().issues
    finally:
        doc.close()
    grids = read_hwpx_tables(path)
    assert len(grids) == 3
    summary = grids[0]
    assert len(summary) == 3 + 3 and len(summary[0]) == 10
    assert summary[0][0] == "부서명" and summary[0][1] == "성과목표"
    assert summary[3][0] == "계" and summary[3][7] == "396,000,000"
    assert summary[4][1:7] == ["1", "2", "3", "1", "1", "1"]
    spans = read_hwpx_spans(path)[0]
    assert (0, 0, 3, 1) in spans and (0, 1, 1, 6) in spans
    goals = grids[1]
    assert goals[1][4] == "340,000,000" and goals[2][4] == ""


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.tables, self.th_scopes, self.spans, self.cells = 0, [], [], []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "table":
            self.tables += 1
        if tag == "th":
            self.th_scopes.append(a.get("scope"))
        if tag in ("td", "th"):
            self._in_cell = True
            self.cells.append("")
            if "colspan" in a or "rowspan" in a:
                self.spans.append((a.get("rowspan"), a.get("colspan")))

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data


def test_html_is_accessible_table_markup(report, tmp_path):
    path = render(report, "html", tmp_path / "r.html", title="가상시 보고서")
    text = path.read_text(encoding="utf-8")
    p = _Tables()
    p.feed(text)
    assert p.html_lang == "ko"
    assert p.tables == len(report)
    assert text.count("<caption>") == len(report)
    assert None not in p.th_scopes and "col" in p.th_scopes and "row" in p.th_scopes
    assert ("3", None) in p.spans and (None, "6") in p.spans
    assert "396,000,000" in p.cells and "△1,000,000" in p.cells
    assert "@media print" in text and 'class="total"' in text
    assert 'data-source="sample_settlement.txt:' in text


def test_pdf_prints_and_renders(report, tmp_path):
    from sijeong.reports.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium is not installed (/usr/bin/chromium): cannot print HTML to PDF")
    path = render(report[:4], "pdf", tmp_path / "r.pdf", title="가상시 2020 결산")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian poppler-utils) is missing: PDF made, pages not rendered")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert pngs and pngs[0].read_bytes().startswith(b"\x89PNG")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "총괄" in text and "396,000,000" in text
