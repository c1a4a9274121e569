"""The fallback: every tab-separated block no typed reader consumed becomes a generic table.

Nothing is silently dropped: a table the typed readers do not recognise is still stored
with its header, rows, typed cells and source lines.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..model import Cell, Figure, Source, Table, TableRow
from .text import Line, is_number, parse_number, split_numbers

_PCT_SPACE = re.compile(r"^([△▲-]?\s*[\d,]+(?:\.\d+)?)\s+%$")


#: (cell text, multiplier) -> (stripped text, (value, raw, unit) of each figure): a table
#: repeats most of its cells (0, -, 100%); each Cell and Figure is still made anew, with its
#: own source. Emptied past 50,000 entries.
_CELLS: dict[tuple[str, int], tuple[str, tuple[tuple, ...]]] = {}


def cell_of(text: str, source: Source, multiplier: int = 1) -> Cell:
    """A cell with the numbers it holds. Text cells keep no figures; a cell of several
    stacked numbers keeps each. Generic tables never raise: what does not parse is text."""
    if type(multiplier) is not int:  # 1 == 1.0 == True: only plain int keys are kept
        return _cell_of(text, source, multiplier)
    got = _CELLS.get((text, multiplier))
    if got is not None:
        return Cell(got[0], [Figure(v, raw, source, unit) for v, raw, unit in got[1]])
    cell = _cell_of(text, source, multiplier)
    if len(_CELLS) >= 50_000:
        _CELLS.clear()
    _CELLS[(text, multiplier)] = (cell.text, tuple((f.value, f.raw, f.unit) for f in cell.figures))
    return cell


def _cell_of(text: str, source: Source, multiplier: int) -> Cell:
    text = text.strip()
    m = _PCT_SPACE.match(text)
    if m:
        text_num = m.group(1).replace(" ", "") + "%"
        return Cell(text, [parse_number(text_num, source)])
    if is_number(text):
        mult = 1 if text.endswith("%") or "." in text else multiplier
        return Cell(text, [parse_number(text, source, multiplier=mult)])
    parts = split_numbers(text)
    if len(parts) > 1 and all(is_number(p) for p in parts):
        return Cell(text, [parse_number(p, source, multiplier=multiplier) for p in parts])
    return Cell(text, [])


def is_table_line(line: Line) -> bool:
    return "\t" in line.text.strip("\n") and bool(line.stripped)


def generic_tables(
    lines: Iterable[Line],
    consumed: set[int],
    *,
    doc: str,
    municipality: str,
    year: int | None,
    department_at: dict[int, str | None] | None = None,
    title_at: dict[int, str] | None = None,
    multiplier_at: dict[int, int] | None = None,
) -> list[Table]:
    """Group the unconsumed tab lines into tables. A table ends at a blank line or a
    non-tab line. The first line is its header (it keeps its cells as text)."""
    tables: list[Table] = []
    current: list[Line] = []

    def flush() -> None:
        if not current:
            return
        first = current[0]
        src = Source(doc, first.no)
        dept = (department_at or {}).get(first.no)
        title = (title_at or {}).get(first.no) or "표"
        mult = (multiplier_at or {}).get(first.no, 1)
        header = [first.cells]
        rows = []
        for ln in current[1:]:
            s = Source(doc, ln.no)
            rows.append(TableRow(s, [cell_of(c, s, mult) for c in ln.cells]))
        if not rows:  # a lone tab line: keep it as a one-row table (its cells typed)
            rows = [TableRow(src, [cell_of(c, src, mult) for c in first.cells])]
        tables.append(
            Table(
                source=src,
                municipality=municipality,
                year=year,
                department=dept,
                name=title,
                header=header,
                header_lines=[first.no] if len(current) > 1 else [],
                rows=rows,
            )
        )
        current.clear()

    for ln in lines:
        if ln.no in consumed or not is_table_line(ln):
            flush()
            continue
        current.append(ln)
    flush()
    return tables
