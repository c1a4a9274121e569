"""ReportTable → HWPX (한/글 OWPML, KS X 6101) with python-hwpx (Apache-2.0).

For each table: a title paragraph, the unit note, the table (header rows merged as
printed, body spans merged), and the footnotes. Numbers are written as the printed
text (``1,234``, ``△5``). :func:`read_hwpx_tables` opens the file again with the same
library and returns each table's text grid, so tests (and users) can check it.
"""

from __future__ import annotations

from pathlib import Path

from .base import ReportTable


def write_hwpx(tables: list[ReportTable], path: str | Path, *, title: str | None = None) -> Path:
    from hwpx import HwpxDocument

    path = Path(path)
    doc = HwpxDocument.new()
    if title:
        doc.add_paragraph(title)
    for table in tables:
        doc.add_paragraph(table.title)
        if table.unit_note:
            doc.add_paragraph(table.unit_note)
        _add_table(doc, table)
        for note in table.footnotes:
            doc.add_paragraph(note)
        doc.add_paragraph("")
    doc.save_to_path(path)
    return path


def _add_table(doc, table: ReportTable) -> None:
    n_rows = table.header_height + len(table.rows)
    width = table.column_count
    if n_rows == 0 or width == 0:
        return
    t = doc.add_table(n_rows, width)
    placed = [(r, c, h.text, h.row_span, h.col_span) for r, c, h in table.header_grid()]
    off = table.header_height
    placed += [(off + r, c, cell.text, cell.row_span, cell.col_span) for r, c, cell in table.body_grid()]
    # merge first (python-hwpx keeps covered cells' text in the anchor), then write text
    for r, c, _text, rs, cs in placed:
        if rs > 1 or cs > 1:
            t.merge_cells(r, c, r + rs - 1, c + cs - 1)
    for r, c, text, _rs, _cs in placed:
        if text:
            t.set_cell_text(r, c, text)


def read_hwpx_tables(path: str | Path) -> list[list[list[str]]]:
    """Every table of the document as rows of cell texts; a merged area's text is at its
    anchor and the covered positions read as ``""``."""
    from hwpx import HwpxDocument

    doc = HwpxDocument.open(str(path))
    out: list[list[list[str]]] = []
    try:
        for p in doc.paragraphs:
            for t in p.tables:
                grid = [["" for _ in range(t.column_count)] for _ in range(t.row_count)]
                for pos in t.iter_grid():
                    if pos.anchor == (pos.row, pos.column):
                        grid[pos.row][pos.column] = pos.cell.text
                out.append(grid)
    finally:
        doc.close()
    return out


def read_hwpx_spans(path: str | Path) -> list[list[tuple[int, int, int, int]]]:
    """(row, col, row_span, col_span) of every merged cell, per table."""
    from hwpx import HwpxDocument

    doc = HwpxDocument.open(str(path))
    out = []
    try:
        for p in doc.paragraphs:
            for t in p.tables:
                spans = []
                for pos in t.iter_grid():
                    if pos.anchor == (pos.row, pos.column) and pos.span != (1, 1):
                        spans.append((pos.row, pos.column, pos.span[0], pos.span[1]))
                out.append(spans)
    finally:
        doc.close()
    return out
