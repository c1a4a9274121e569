"""PDF with a text layer → normalised text (pdfplumber, MIT, on pdfminer.six).

Per page, top to bottom: tables found from their ruling lines (pdfplumber's ``lines``
strategy: a grid of drawn cell borders) become one line per grid row with the cells
joined by tabs (a merged area's text at its anchor, covered positions empty; the lines of
a wrapped cell joined with a space); the text outside tables becomes lines from the words'
positions (characters on one baseline form a line; a gap of three spaces or more between
two characters is a tab — the columns of a table printed without rules); a vertical gap of a whole line pitch (the
page's commonest distance between lines) or more stands for that many empty lines, as
a text export has them; at a page break, the space left at the foot of the page (below
the last item, down to the lowest item of any page) and above the first item (below the
highest first item of any page) counts the same way. A table that goes on at
the top of the next page with the same columns continues the table: header rows repeated
there (the same cells as the table's first rows) are dropped.

Every line gets a :class:`~sijeong.formats.LineOrigin` with its page, and for a table row
the table (numbered through the document), the row of that table and a place per field.
A PDF without a text layer (a scan) is refused with a message saying so.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from . import Decoded, FormatError, LineOrigin, Place

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 2,
                  "join_tolerance": 2, "intersection_tolerance": 2}


@dataclass
class _Table:
    number: int
    columns: int
    rows: list[list[str]] = field(default_factory=list)
    first_rows: list[list[str]] = field(default_factory=list)


def decode_pdf(raw: bytes, *, name: str = "") -> Decoded:
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font descriptor warnings of every page
    lines: list[str] = []
    origins: list[LineOrigin] = []
    chars_seen = 0
    tables_seen = 0
    open_table: _Table | None = None

    def add(text: str, place: Place, cells: tuple[Place, ...] = ()) -> None:
        lines.append(text)
        origins.append(LineOrigin(len(lines), place, cells))

    pages = []  # per page: its number and its items (box top, box bottom, kind, object)
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for p_no, page in enumerate(pdf.pages, 1):
            chars_seen += len(page.chars)
            if not page.chars:
                continue
            tables = page.find_tables(TABLE_SETTINGS)
            boxes = [t.bbox for t in tables]
            text_lines = _text_lines(page.filter(lambda o, boxes=boxes: not _inside(o, boxes)),
                                     _space_width(page))
            table_rows = [(t.bbox, [[_cell(c) for c in row] for row in t.extract(x_tolerance=1.5)]) for t in tables]
            pages.append((p_no, text_lines, table_rows))
    pitch = _pitch(pages)
    laid = []
    for p_no, text_lines, table_rows in pages:
        # a text line's box is one line pitch high, centred on its glyphs
        items = [(top - (pitch - h) / 2, top - (pitch - h) / 2 + pitch, "text", text) for top, text, h in text_lines]
        items += [(bbox[1], bbox[3], "table", rows) for bbox, rows in table_rows if rows]
        items.sort(key=lambda x: x[0])
        if items:
            laid.append((p_no, items))
    # the text area: the highest first item and the lowest last item of any page
    area_top = min((items[0][0] for _p, items in laid), default=0.0)
    area_bottom = max((items[-1][1] for _p, items in laid), default=0.0)
    prev_bottom: float | None = None
    for p_no, items in laid:
        for idx, (top, bottom, kind, obj) in enumerate(items):
            if idx == 0 and prev_bottom is not None:
                continues = (kind == "table" and open_table is not None
                             and open_table.columns == max(len(r) for r in obj))
                if not continues:  # empty lines at the foot of the last page and the head of this one
                    blanks = int((area_bottom - prev_bottom) / pitch + 0.1) + round((top - area_top) / pitch)
                    for _ in range(max(0, blanks)):
                        add("", Place(page=p_no))
            elif prev_bottom is not None:
                for _ in range(max(0, round((top - prev_bottom) / pitch))):
                    add("", Place(page=p_no))
            prev_bottom = bottom
            if kind == "text":
                add(obj, Place(page=p_no))
                open_table = None
                continue
            width = max(len(r) for r in obj)
            rows = [r + [""] * (width - len(r)) for r in obj]
            if idx == 0 and open_table is not None and open_table.columns == width:
                t = open_table  # goes on from the previous page
                rows = rows[_repeated_header(t.first_rows, rows):]
            else:
                tables_seen += 1
                t = _Table(tables_seen, width, first_rows=rows[:3])
            for r in rows:
                t.rows.append(r)
                row_no = len(t.rows)
                add("\t".join(r), Place(page=p_no, table=t.number, row=row_no),
                    tuple(Place(page=p_no, table=t.number, row=row_no, column=c) for c in range(1, width + 1)))
            open_table = t
        if items[-1][2] == "text":
            open_table = None
    if chars_seen == 0:
        raise FormatError(f"{name}: 텍스트 층이 없는 PDF입니다(스캔한 이미지). 글자 인식(OCR)을 거친 PDF나 원본(HWP·HWPX·텍스트)을 "
                          f"주십시오 / this PDF has no text layer (a scanned image): give a PDF with a text layer "
                          f"(after OCR) or the original (HWP, HWPX, text)")
    return Decoded(text="\n".join(lines), format="pdf", origins=origins)


def _pitch(pages) -> float:
    """The document's line pitch: the smallest distance between consecutive lines of text
    (at least their glyphs' height), or 1.45 glyph heights when no two lines follow."""
    steps, heights = [], []
    for _p, text_lines, _t in pages:
        heights += [h for _top, _text, h in text_lines]
        for (a, _x, h), (b, _y, _z) in zip(text_lines, text_lines[1:]):
            if b - a >= 1.05 * h:
                steps.append(b - a)
    if steps:
        return min(steps)
    heights.sort()
    return 1.45 * heights[len(heights) // 2] if heights else 12.0


def _inside(obj, boxes) -> bool:
    if obj.get("object_type") != "char":
        return False
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return " ".join(part.strip() for part in text.split("\n") if part.strip())


def _text_lines(page, space: float) -> list[tuple[float, str, float]]:
    """(top, text, height) of each line of text (characters sharing a baseline).

    A line set in from the page's left text edge starts with as many spaces as fit in the
    indent, as the text export's indented lines do. Inside a line, a space character or a
    gap of more than half a space is one space, and a gap of three spaces or more between
    two characters is a tab: the columns of a table printed without rules."""
    lines = page.extract_text_lines(layout=False, strip=True, return_chars=True, x_tolerance=1.5)
    left = min((line["x0"] for line in lines), default=0.0)
    out = []
    for line in lines:
        indent = int((line["x0"] - left) / space + 0.25) if space > 0 else 0  # a whole space, give or take a quarter
        out.append((line["top"], " " * indent + _line_text(line["chars"], space), line["bottom"] - line["top"]))
    return out


def _line_text(chars, space: float) -> str:
    parts: list[str] = []
    prev_x1: float | None = None
    pending = False
    for c in sorted(chars, key=lambda c: c["x0"]):
        if c["text"].isspace():
            pending = prev_x1 is not None
            continue
        if prev_x1 is not None:
            gap = c["x0"] - prev_x1
            if space > 0 and gap >= 3 * space:
                parts.append("\t")
            elif pending or (space > 0 and gap > 0.5 * space):
                parts.append(" ")
        parts.append(c["text"])
        prev_x1, pending = c["x1"], False
    return "".join(parts)


def _space_width(page) -> float:
    """The width of a space on the page: the commonest width of its space characters, or a
    quarter of the commonest character height."""
    from collections import Counter

    widths = Counter(round(c["x1"] - c["x0"], 2) for c in page.chars if c["text"] == " ")
    if widths:
        return widths.most_common(1)[0][0]
    heights = Counter(round(c["bottom"] - c["top"], 1) for c in page.chars)
    return 0.25 * heights.most_common(1)[0][0] if heights else 0.0


def _repeated_header(first_rows: list[list[str]], rows: list[list[str]]) -> int:
    """How many rows at the top of a continued table repeat the table's first rows."""
    k = 0
    while k < len(first_rows) and k < len(rows) and rows[k] == first_rows[k]:
        k += 1
    return k

