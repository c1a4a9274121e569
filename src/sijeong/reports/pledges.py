"""The pledge table (공약) as XLSX (openpyxl): a sheet ``공약`` with one row per pledge (number,
field, title, type, lead and cooperating departments, target year, status — no internal
note), and a sheet ``현황`` with the counts and one-decimal percentages by status, as the
summary computes them. Row 1 the title, row 3 the header, as the other reports."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .xlsx import FONT

HEADER = ["번호", "분야", "공약명", "유형", "주관부서", "협조부서", "연계 사업", "연계 성과지표", "완료 목표연도", "상태"]
WIDTHS = [7, 16, 48, 14, 16, 24, 24, 24, 12, 18]
_fill = PatternFill("solid", fgColor="E8EEF4")


def _head(ws, title: str, header: list[str]) -> None:
    ws.cell(1, 1, title).font = Font(name=FONT, bold=True, size=14)
    for i, h in enumerate(header, start=1):
        c = ws.cell(3, i, h)
        c.font = Font(name=FONT, bold=True)
        c.fill = _fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "B4"


def pledges_workbook(municipality: str, rows: list[dict[str, Any]], summary: dict[str, Any]) -> bytes:
    """``rows``: pledges as the public sees them (``public_pledge``); ``summary``: the store's
    pledge summary. Returns the workbook's bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "공약"
    _head(ws, f"{municipality} 공약 목록", HEADER)
    for r in rows:
        ws.append([r["number"], r["field"], r["title"], r.get("type_label") or "", r["lead_department"],
                   ", ".join(r.get("cooperating_departments") or []), ", ".join(r.get("programs") or []),
                   ", ".join(r.get("indicators") or []), r.get("target_year"), r["status_label"]])
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(3, i).column_letter].width = w
    for row in ws.iter_rows(min_row=4):
        for c in row:
            c.font = Font(name=FONT)
            c.alignment = Alignment(vertical="top", wrap_text=c.column in (3, 6, 7, 8))

    st = wb.create_sheet("현황")
    _head(st, f"{municipality} 공약 이행 현황 (전체 {summary['total']}건)", ["상태", "건수", "비율(%)"])
    for b in summary["by_status"]:
        st.append([b["label"], b["count"], b["percent"]])
    st.append(["합계", summary["total"], 100.0 if summary["total"] else None])
    for row in st.iter_rows(min_row=4):
        row[0].font = Font(name=FONT, bold=row[0].value == "합계")
        row[1].font = row[2].font = Font(name=FONT)
        row[1].number_format = "#,##0"
        row[2].number_format = '0.0"%"'
    st.column_dimensions["A"].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
