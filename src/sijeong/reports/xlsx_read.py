"""Read a report workbook written by :mod:`.xlsx` back into rows.

The layout is the one :func:`write_xlsx` writes: the title in A1, the unit note in row 2,
the header from row 3 down to the frozen pane, the body from the frozen pane down to the
first empty row. A merged area's value sits in its top-left cell; the other positions read
as ``None``, as :meth:`ReportTable.values` gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

from .xlsx import HEADER_ROW, SOURCES_SHEET, UNIT_ROW


@dataclass
class SheetTable:
    sheet: str
    title: str | None
    unit_note: str | None
    header: list[list[Any]]
    rows: list[list[Any]]
    footnotes: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # e.g. "A3:A5"
    bold_rows: list[int] = field(default_factory=list)  # body row indexes shown bold (totals, groups)


def read_xlsx(path: str | Path) -> list[SheetTable]:
    wb = load_workbook(path)  # values as stored (numbers stay numbers)
    out: list[SheetTable] = []
    for ws in wb.worksheets:
        if ws.title == SOURCES_SHEET:
            continue
        if ws.freeze_panes is None:
            raise ValueError(f"{ws.title}: 틀 고정이 없어 본문 시작을 알 수 없습니다 / no frozen pane, not a sijeong report")
        _col, body_row = coordinate_from_string(ws.freeze_panes)
        width = ws.max_column
        unit = None
        for c in range(1, width + 1):
            if ws.cell(UNIT_ROW, c).value is not None:
                unit = ws.cell(UNIT_ROW, c).value
        header = [[ws.cell(r, c).value for c in range(1, width + 1)] for r in range(HEADER_ROW, body_row)]
        rows: list[list[Any]] = []
        bold: list[int] = []
        r = body_row
        while r <= ws.max_row:
            values = [ws.cell(r, c).value for c in range(1, width + 1)]
            if all(v is None for v in values) and not _inside_merge(ws, r):
                break
            if ws.cell(r, 1).font is not None and ws.cell(r, 1).font.b:
                bold.append(len(rows))
            rows.append(values)
            r += 1
        notes = [ws.cell(k, 1).value for k in range(r + 1, ws.max_row + 1) if ws.cell(k, 1).value]
        out.append(
            SheetTable(
                sheet=ws.title,
                title=ws.cell(1, 1).value,
                unit_note=unit,
                header=header,
                rows=rows,
                footnotes=notes,
                merged=[str(m) for m in ws.merged_cells.ranges],
                bold_rows=bold,
            )
        )
    return out


def _inside_merge(ws, row: int) -> bool:
    return any(m.min_row < row <= m.max_row for m in ws.merged_cells.ranges)
