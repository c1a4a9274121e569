"""ReportTable → XLSX (openpyxl): one sheet per table, the official layout.

Row 1 the title, row 2 the unit note, then the header rows (merged as printed), then the
body (merged where cells span), then the footnotes after one empty row. The title names
the municipality, year, document and table (and department). Money and counts use
``#,##0`` (negative as ``△``); a rate keeps the value the document prints (134) and shows
it as printed, ``134%``, with as many decimals as it has (``0"%"``, ``0.0"%"``; at most two
for a computed rate) — the value stays the printed number, not a fraction. Total rows are bold, panes are frozen
below the header and right of the first column, and every cell uses a Korean font.
A sheet ``출처`` lists where each value came from (document and line, or computed).
:mod:`.xlsx_read` reads such a workbook back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .base import ReportTable
from .html import column_units, rate_decimals, table_heading

FONT = "맑은 고딕"
TITLE_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3
SOURCES_SHEET = "출처"

NUMBER_FORMATS = {
    "money": '#,##0;"△"#,##0;0',
    "count": "#,##0",
    "rate": '0"%";"△"0"%";0"%"',
    "number": "General",
}

_thin = Side(style="thin", color="808080")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_header_fill = PatternFill("solid", fgColor="E8EEF4")
_total_fill = PatternFill("solid", fgColor="F4F4F4")


def sheet_title(table: ReportTable, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", table.title).strip()[:28] or table.kind
    title, n = base, 2
    while title in used or title == SOURCES_SHEET:
        title = f"{base[:26]}_{n}"
        n += 1
    used.add(title)
    return title


#: (document, line) → the open findings on it, as "rule: message" (see :func:`finding_notes`)
Notes = dict[tuple[str, int], list[str]]


def finding_notes(findings: Iterable[dict]) -> Notes:
    """The open findings by the lines they stand on: a cell printed on one of a finding's
    lines carries it as a comment. ``findings`` are dicts with ``doc``, ``lines``, ``rule`` and
    ``message`` (stored findings, or ``Finding.as_dict()``)."""
    out: Notes = {}
    for f in findings:
        text = f"검증 {'오류' if f.get('severity', 'error') == 'error' else '경고'} ({f['rule']}): {f['message']}"
        for line in f.get("lines") or []:
            out.setdefault((f["doc"], int(line)), []).append(text)
    return out


def write_xlsx(tables: list[ReportTable], path: str | Path, *, findings: Notes | None = None) -> Path:
    """The tables as a workbook, a sheet each, and a sheet of every value's source. A cell whose
    value stands on a line with an open finding (``findings``) carries a comment naming it."""
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    src = wb.create_sheet(SOURCES_SHEET)
    src.append(["시트 / sheet", "셀 / cell", "값 / value", "문서 / document", "줄 / line", "계산값 / computed", "계산 근거 줄 / input lines"])
    for table in tables:
        ws = wb.create_sheet(sheet_title(table, used), index=len(wb.sheetnames) - 1)
        _write_table(ws, table, src, findings or {})
    for cell in src[1]:
        cell.font = Font(name=FONT, bold=True)
    for row in src.iter_rows(min_row=2):
        for cell in row:
            cell.font = Font(name=FONT)
    src.sheet_state = "visible"
    wb.save(path)
    return path


def _write_table(ws, table: ReportTable, src_ws, notes: Notes) -> None:
    width = table.column_count
    ws.cell(TITLE_ROW, 1, table_heading(table)).font = Font(name=FONT, bold=True, size=14)
    if table.unit_note:
        c = ws.cell(UNIT_ROW, width, table.unit_note)
        c.font = Font(name=FONT)
        c.alignment = Alignment(horizontal="right")
    for r, c, h in table.header_grid():
        row, col = HEADER_ROW + r, 1 + c
        cell = ws.cell(row, col, h.text)
        _style_span(ws, row, col, h.row_span, h.col_span, bold=True, fill=_header_fill, center=True)
        if h.row_span > 1 or h.col_span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + h.row_span - 1, end_column=col + h.col_span - 1)
        cell.font = Font(name=FONT, bold=True)
    body = HEADER_ROW + table.header_height
    for r, c, rc in table.body_grid():
        rr = table.rows[r]
        row, col = body + r, 1 + c
        cell = ws.cell(row, col, rc.value)
        bold = rr.is_total or rr.is_group
        _style_span(ws, row, col, rc.row_span, rc.col_span, bold=bold, fill=_total_fill if bold else None, center=False)
        if rc.kind in NUMBER_FORMATS:
            cell.number_format = rate_format(rc.value) if rc.kind == "rate" else NUMBER_FORMATS[rc.kind]
            cell.alignment = Alignment(horizontal="right", vertical="center")
        else:
            indent = rr.level if c == 0 else 0
            cell.alignment = Alignment(horizontal="center" if rc.kind == "grade" else "left", vertical="center",
                                       wrap_text=True, indent=indent)
        if rc.row_span > 1 or rc.col_span > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + rc.row_span - 1, end_column=col + rc.col_span - 1)
        said = notes.get((rc.source.doc, rc.source.line)) if rc.source is not None else None
        if said:
            text = "\n".join(dict.fromkeys(said))[:2000]
            cell.comment = Comment(f"{text}\n(원문 {rc.source.doc}:{rc.source.line})", "sijeong", width=360, height=160)
        if rc.source is not None or rc.computed:
            src_ws.append([
                ws.title, cell.coordinate, rc.value,
                rc.source.doc if rc.source else None, rc.source.line if rc.source else None,
                "예 / yes" if rc.computed else None,
                ", ".join(f"{s.doc}:{s.line}" for s in rc.inputs[:50]) or None,
            ])
    end = body + len(table.rows)
    for i, note in enumerate(table.footnotes):
        ws.cell(end + 1 + i, 1, note).font = Font(name=FONT)
    ws.freeze_panes = f"B{body}"
    for k, units in enumerate(column_units(table, cap=40)):  # widths from the content
        ws.column_dimensions[get_column_letter(k + 1)].width = max(6, min(units + 2, 42))
    ws.sheet_view.zoomScale = 90
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape" if width > 7 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{HEADER_ROW}:{body - 1}"


def rate_format(value) -> str:
    """``0"%"`` for 134, ``0.0"%"`` for 97.5, ``0.00"%"`` for a computed 129.87…: the
    printed decimals, the percent sign as text (the cell's value stays 134)."""
    if value is None:
        return NUMBER_FORMATS["rate"]
    d = rate_decimals(float(value))
    body = "#,##0" + ("." + "0" * d if d else "")
    return f'{body}"%";"△"{body}"%";0"%"'


def _style_span(ws, row: int, col: int, rs: int, cs: int, *, bold: bool, fill, center: bool) -> None:
    for r in range(row, row + rs):
        for c in range(col, col + cs):
            cell = ws.cell(r, c)
            cell.border = _border
            cell.font = Font(name=FONT, bold=bold)
            if fill is not None:
                cell.fill = fill
            if center:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
