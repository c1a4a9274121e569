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


def html_of(blocks: list) -> str:
    """An HTML page of the blocks for Chromium to print: each paragraph one line of a
    fixed height (an empty one too), each table with ruled cells, its first row a header
    repeated on every page, Korean words kept whole."""
    from html import escape

    out = ['<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><style>',
           "@page { size: A3 landscape; margin: 10mm; }",
           'body { font-family: "Noto Sans CJK KR", sans-serif; font-size: 7pt; margin: 0; word-break: keep-all; }',
           "p { margin: 0; height: 10pt; line-height: 10pt; white-space: pre; }",
           "table { border-collapse: collapse; width: 100%; margin: 0; }",
           "th, td { border: 0.6pt solid #000; padding: 1pt 2pt; font-weight: 400; text-align: left;",
           "         white-space: pre-wrap; overflow-wrap: normal; line-height: 9pt; }",
           "thead { display: table-header-group; } tr { break-inside: avoid; }",
           "table + table { margin-top: 4.5pt; }  /* apart, so their ruling lines do not join */",
           "</style></head><body>"]
    for b in blocks:
        if isinstance(b, str):
            out.append(f"<p>{escape(b)}</p>")  # an empty one is an empty line of the same height
            continue
        out.append("<table><thead><tr>")
        for h in b.header[0]:
            out.append(f'<th colspan="{h.col_span}">{escape(h.text)}</th>')
        out.append("</tr></thead><tbody>")
        for row in b.rows:
            out.append("<tr>" + "".join(
                f'<td rowspan="{c.row_span}">{escape(str(c.value))}</td>' for c in row.cells) + "</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "".join(out)


def print_pdf(html: str, path) -> bool:
    """Print ``html`` to ``path`` with headless Chromium (Debian's /usr/bin/chromium, or
    SIJEONG_CHROMIUM); False when there is no Chromium."""
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    exe = os.environ.get("SIJEONG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        return False
    with tempfile.TemporaryDirectory(prefix="sijeong-test-pdf-") as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(html, encoding="utf-8")
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={Path(path).resolve()}",
                        src.as_uri()], capture_output=True, timeout=120, check=False)
    return Path(path).is_file() and Path(path).stat().st_size > 0
