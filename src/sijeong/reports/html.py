"""ReportTable → HTML (Jinja2): accessible table markup with print CSS, ``lang="ko"``.

Header cells are ``<th scope="col">`` with the printed spans, each row's label a
``<th scope="row">``, the title a ``<caption>``. Numeric cells carry
``data-source="doc:line"`` (printed figures) or ``data-computed`` (computed values).

The print CSS is the PDF's layout (:mod:`.pdf` prints this page with Chromium): A4, a wide
table on a landscape page of its own (named page ``wide``), column widths from the
content (:func:`column_widths`, a ``<colgroup>``), Korean words kept whole
(``word-break: keep-all``), the header rows repeated on every page, and page numbers in
the bottom margin (``@page`` margin boxes, Chromium 131 or later).

:func:`cell_text` is the text every renderer prints for a cell: rates as the documents
print them (``134%``, ``97.5%``), money with ``△`` for negatives.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..model.numbers import number_text, rate_decimals
from .base import ReportCell, ReportTable

TEMPLATES = Path(__file__).parent / "templates"
WIDE_COLUMNS = 7  # a table of more columns than this gets a landscape page
FAMILY = {"plan": "주요업무계획"}  # every other kind is a table of the 성과보고서


def cell_text(cell: ReportCell) -> str:
    if cell.kind == "rate" and cell.value is not None:
        v = float(cell.value)
        return number_text(v, decimals=rate_decimals(v), trim=False) + "%"
    return cell.text


def table_heading(table: ReportTable) -> str:
    """``김포시 2020년 성과보고서 사업별조서 (기획담당관)``: municipality, year, family, the
    table's name and its department — what a reader needs to know which table this is."""
    family = FAMILY.get(table.kind, "성과보고서")
    words = [table.municipality]
    if table.year and not table.title.startswith(f"{table.year}년"):
        words += [f"{table.year}년", family]
    words.append(table.title)
    title = " ".join(w for w in words if w)
    return f"{title} ({table.department})" if table.department else title


def text_width(text: str) -> int:
    """Display width in half-width units: Hangul and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


PAGE_PT = {"portrait": 527.0, "landscape": 785.0}  # A4 width inside the print margins, in points
CHAR_EM = 0.52  # a half-width unit (a digit; half a Hangul syllable) in em
PAD_PT = 4.5  # a cell's left and right padding and border, in points


def column_units(table: ReportTable, cap: int = 26) -> list[float]:
    """Half-width units each column needs: its widest number (numbers never wrap), its widest
    text up to ``cap`` (longer names wrap between words), a header word up to 8 units
    (longer header words may break), and at least 3."""
    n = table.column_count
    need = [3.0] * n
    for _r, c, h in table.header_grid():
        if h.col_span == 1:
            longest = max((text_width(w) for w in h.text.split()), default=0)
            need[c] = max(need[c], min(longest, 8))
    for _r, c, cell in table.body_grid():
        if cell.col_span == 1:
            w = text_width(cell_text(cell))
            if cell.kind == "text":
                w = min(w, cap)
            need[c] = max(need[c], w + 0.5)
    return need


def column_widths(table: ReportTable, *, cap: int = 26) -> list[float]:
    """Percentages of the table's width, one per column, from the content (:func:`column_units`)."""
    if not table.column_count:
        return []
    need = column_units(table, cap)
    total = sum(need)
    return [round(100 * w / total, 2) for w in need]


def print_font_pt(table: ReportTable, *, cap: int = 26) -> float:
    """The print font size that fits the table's columns on its page (between 5.5 and 9 pt)."""
    if not table.column_count:
        return 9.0
    width = PAGE_PT["landscape" if is_wide(table) else "portrait"] - PAD_PT * table.column_count
    units = sum(column_units(table, cap))
    return round(max(5.5, min(9.0, width / (units * CHAR_EM))), 1)


def is_wide(table: ReportTable) -> bool:
    return table.column_count > WIDE_COLUMNS


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(cell_text=cell_text, table_heading=table_heading, column_widths=column_widths, is_wide=is_wide,
                       print_font_pt=print_font_pt)
    return env


def render_html(tables: list[ReportTable], *, title: str | None = None) -> str:
    title = title or (table_heading(tables[0]) if len(tables) == 1 else "보고서")
    return _env().get_template("report.html.j2").render(tables=tables, title=title)


def write_html(tables: list[ReportTable], path: str | Path, *, title: str | None = None) -> Path:
    path = Path(path)
    path.write_text(render_html(tables, title=title), encoding="utf-8")
    return path
