"""Builders for the format tests: the real text's layout as a document with real tables.

A run of lines with tabs and the same number of fields is one table (one row per line,
one cell per field); the first row's non-empty cells are merged over the empty cells to
their right, and a first-column cell over the empty first-column cells below it, as a
printed table does — merging never changes the grid's text, so the normalised text read
back must be the original exactly.
"""

from __future__ import annotations

from sijeong.reports.base import HeaderCell, ReportCell, ReportRow, ReportTable


def blocks_of(text: str) -> list:
    lines = text.split("\n")
    out: list = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            out.append(lines[i])
            i += 1
            continue
        n = lines[i].count("\t")
        j = i
        while j < len(lines) and "\t" in lines[j] and lines[j].count("\t") == n:
            j += 1
        out.append(table_of([line.split("\t") for line in lines[i:j]]))
        i = j
    return out


def table_of(rows: list[list[str]], *, merge: bool = True) -> ReportTable:
    width = len(rows[0])
    head: list[HeaderCell] = []
    c = 0
    first = rows[0]
    while c < width:
        k = 1
        if merge and first[c]:
            while c + k < width and not first[c + k]:
                k += 1
        head.append(HeaderCell(first[c], 1, k))
        c += k
    body = rows[1:]
    spans = [1] * len(body)
    if merge:
        r = 0
        while r < len(body):
            k = 1
            if body[r][0]:
                while r + k < len(body) and not body[r + k][0]:
                    k += 1
            spans[r] = k
            for q in range(r + 1, r + k):
                spans[q] = 0
            r += k
    out_rows = []
    for r, row in enumerate(body):
        cells = []
        if spans[r]:
            cells.append(ReportCell(row[0], "text", row_span=spans[r]))
        cells += [ReportCell(x, "text") for x in row[1:]]
        out_rows.append(ReportRow(cells))
    return ReportTable(kind="generic", title="", unit_note=None, header=[head], rows=out_rows)
