"""ReportTable → HWPX (한/글 OWPML, KS X 6101), with python-hwpx (Apache-2.0) for the package
and the styles, and the tables written as OWPML in one pass.

For each table: a heading paragraph (municipality, year, document, table, department), the
unit note on the right, the table, and the footnotes. The header rows are bold on a
tinted fill, total rows bold, every cell has thin black borders, numbers are right
aligned as printed (``1,234``, ``△5``, ``134%``), column widths follow the content
(:func:`.html.column_widths`), and the fonts are Hancom's defaults: 함초롬돋움 for the
headings and the table header, 함초롬바탕 for the text. A document with a table of more
than seven columns is set on A4 landscape.

Why not python-hwpx's table API: ``set_cell_text`` and ``merge_cells`` rebuild the table's
whole cell grid on every call, so a 157-row 사업별조서 took minutes. Here each ``hp:tbl``
is built as one XML string (the structure python-hwpx's ``HwpxOxmlTable.create`` writes:
``hp:tc`` with ``hp:subList``/``hp:p``/``hp:run``/``hp:t``, ``hp:cellAddr``,
``hp:cellSpan``, ``hp:cellSz``, ``hp:cellMargin``; a merged area is one ``hp:tc`` at its
anchor with its spans, the covered positions are left out) and parsed once.
:func:`read_hwpx_tables` opens the file again with python-hwpx and returns each table's
text grid, so tests (and users) can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .base import ReportTable
from .html import WIDE_COLUMNS, cell_text, column_widths, column_units, table_heading

HP_NS = "http://www.hancom.co.kr/hwpml/2011/paragraph"
BODY_FONT, HEAD_FONT = "함초롬바탕", "함초롬돋움"
MM = 7200 / 25.4  # HWPUNITs per millimetre
PAGE_MM = {"portrait": 210 - 2 * 20, "landscape": 297 - 2 * 15}  # text width inside the margins
CELL_PAD = (141, 141, 85, 85)  # left, right, top, bottom padding of a cell (0.5 mm, 0.3 mm)
CHAR_EM = 0.52


class _Styles:
    """charPr / paraPr / borderFill ids of the styles the tables use, made once per document."""

    def __init__(self, doc, font_pt: float):
        run = doc.styles.ensure_run
        self.title = run(bold=True, font=HEAD_FONT, size=14)
        self.heading = run(bold=True, font=HEAD_FONT, size=12)
        self.text = run(font=BODY_FONT, size=10)
        self.cell = run(font=BODY_FONT, size=font_pt)
        self.cell_bold = run(bold=True, font=BODY_FONT, size=font_pt)
        self.head = run(bold=True, font=HEAD_FONT, size=font_pt)
        header = doc.parts.headers[0]
        self.left = header.ensure_paragraph_alignment("LEFT")
        self.center = header.ensure_paragraph_alignment("CENTER")
        self.right = header.ensure_paragraph_alignment("RIGHT")
        self.border = doc.styles.ensure_border_fill(border_color="#000000", border_width="0.12 mm")
        self.head_fill = doc.styles.ensure_border_fill(border_color="#000000", border_width="0.12 mm", fill_color="#E8EEF4")
        self.total_fill = doc.styles.ensure_border_fill(border_color="#000000", border_width="0.12 mm", fill_color="#F4F4F4")


def font_size(tables: list[ReportTable], width_mm: float) -> float:
    """One table font size (pt) for the document: the widest table's columns must fit."""
    best = 10.0
    for t in tables:
        if not t.column_count:
            continue
        pad_pt = (CELL_PAD[0] + CELL_PAD[1]) / 100 * t.column_count  # HWPUNIT/100 = pt
        avail_pt = width_mm * 72 / 25.4 - pad_pt
        best = min(best, avail_pt / (sum(column_units(t)) * CHAR_EM))
    return round(max(6.0, min(10.0, best)), 1)


MARKER = "\u2063SIJEONG-BODY\u2063"  # the placeholder paragraph's text, replaced by the body


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of :func:`write_blocks`: ``style`` is title, heading, text or unit (right aligned)."""

    text: str
    style: str = "text"


def write_hwpx(tables: list[ReportTable], path: str | Path, *, title: str | None = None) -> Path:
    """Each table with its heading, unit line and footnotes, after the document's title."""
    blocks: list[Para | ReportTable] = [Para(title, "title")] if title else []
    for table in tables:
        blocks.append(Para(table_heading(table), "heading"))
        if table.unit_note:
            blocks.append(Para(table.unit_note, "unit"))
        blocks.append(table)
        blocks += [Para(note) for note in table.footnotes]
        blocks.append(Para(""))
    return write_blocks(blocks, path)


def write_blocks(blocks: list[Para | ReportTable | str], path: str | Path) -> Path:
    """An HWPX of paragraphs and tables in this order (a ``str`` is a text paragraph).

    python-hwpx makes the package, the page and the styles, and the section's first
    paragraph (which holds the page setup) gets the first line. Everything after it is
    written as OWPML in one pass — paragraphs (``hp:p``/``hp:run``/``hp:t``, a tab as
    ``hp:tab``) and tables (:func:`table_xml`, in a run of their own paragraph) — and put
    in place of one placeholder paragraph in the saved section part. (python-hwpx builds
    and validates each element it saves, which takes seconds for a table of thousands of
    cells or a document of thousands of paragraphs; the tests open the result with
    python-hwpx and validate it.)"""
    from hwpx import HwpxDocument

    path = Path(path)
    tables = [b for b in blocks if isinstance(b, ReportTable)]
    doc = HwpxDocument.new()
    wide = any(t.column_count > WIDE_COLUMNS for t in tables)
    if wide:
        doc.page.setup(paper_size="A4", orientation="LANDSCAPE",
                       margins_mm={"left": 15, "right": 15, "top": 15, "bottom": 15})
    width_mm = PAGE_MM["landscape" if wide else "portrait"]
    st = _Styles(doc, font_size(tables, width_mm))
    styles = {"title": (st.title, st.left), "heading": (st.heading, st.left), "text": (st.text, st.left),
              "unit": (st.text, st.right)}
    rest = list(blocks)
    first = doc.paragraphs[0] if doc.paragraphs and not doc.paragraphs[0].text else None  # holds the page setup
    if first is not None and rest and not isinstance(rest[0], ReportTable):
        para = Para(rest[0]) if isinstance(rest[0], str) else rest[0]
        first.text = para.text
        first.char_pr_id_ref, first.para_pr_id_ref = styles[para.style]
        rest = rest[1:]
    body: list[str] = []
    for block in rest:
        if isinstance(block, ReportTable):
            if block.column_count and (block.header or block.rows):
                tbl = table_xml(block, st, int(width_mm * MM)).replace(f' xmlns:hp="{HP_NS}"', "", 1)
                body.append(_p(st.left, st.text, tbl + "<hp:t/>"))
            continue
        para = Para(block) if isinstance(block, str) else block
        char_pr, para_pr = styles[para.style]
        body.append(_p(para_pr, char_pr, _t(para.text)))
    if body:
        doc.add_paragraph(MARKER, char_pr_id_ref=st.text, para_pr_id_ref=st.left)
    tmp = path.with_name(f".{path.name}.part")
    try:
        doc.save_to_path(tmp)
        _put_body(tmp, path, "".join(body) if body else None)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _t(text: str) -> str:
    if not text:
        return "<hp:t/>"
    return "<hp:t>" + "<hp:tab/>".join(escape(part) for part in text.split("\t")) + "</hp:t>"


def _p(para_pr, char_pr, run_content: str) -> str:
    return (f'<hp:p id="{next(_ids)}" paraPrIDRef={quoteattr(str(para_pr))} styleIDRef="0" pageBreak="0" '
            f'columnBreak="0" merged="0"><hp:run charPrIDRef={quoteattr(str(char_pr))}>{run_content}</hp:run></hp:p>')


_PLACEHOLDER = re.compile(r"<hp:p [^>]*><hp:run [^>]*><hp:t>" + re.escape(MARKER) + r"</hp:t></hp:run>"
                          r"(?:<hp:linesegarray>.*?</hp:linesegarray>)?</hp:p>", re.S)


def _put_body(src: Path, dst: Path, body: str | None) -> None:
    """Copy the package ``src`` to ``dst`` with the placeholder paragraph replaced by ``body``."""
    import zipfile

    done = body is None
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if not done and info.filename.startswith("Contents/section") and info.filename.endswith(".xml"):
                xml, n = _PLACEHOLDER.subn(lambda _m: body, data.decode("utf-8"), count=1)
                done = n == 1
                data = xml.encode("utf-8")
            elif info.filename == "Preview/PrvText.txt":
                data = data.decode("utf-8", errors="replace").replace(MARKER, "").encode("utf-8")
            zout.writestr(info, data)
    if not done:
        raise RuntimeError("본문을 넣지 못했습니다 / the HWPX body placeholder was not found")


_ids = iter(range(1_000_000_000, 2**31 - 1))


def table_xml(table: ReportTable, st: _Styles, width: int) -> str:
    """The ``hp:tbl`` of a report table as one XML string."""
    n_cols = table.column_count
    shares = column_widths(table)
    col_w = [int(width * s / 100) for s in shares]
    col_w[-1] += width - sum(col_w)
    hh = table.header_height
    n_rows = hh + len(table.rows)
    row_h = 1000
    rows: list[list[str]] = [[] for _ in range(n_rows)]
    for r, c, h in table.header_grid():
        rows[r].append(_tc(r, c, h.row_span, h.col_span, h.text, col_w, row_h, st.head_fill, st.head, st.center, header=True))
    for r, c, cell in table.body_grid():
        row = table.rows[r]
        strong = row.is_total or row.is_group
        numeric = cell.kind in ("money", "count", "rate", "number")
        align = st.right if numeric else (st.center if cell.kind == "grade" else st.left)
        text = cell_text(cell)
        if c == 0 and row.level and not numeric:
            text = "  " * min(row.level, 3) + text
        rows[hh + r].append(_tc(hh + r, c, cell.row_span, cell.col_span, text, col_w, row_h,
                                st.total_fill if strong else st.border, st.cell_bold if strong else st.cell, align))
    pad = CELL_PAD
    head = (
        f'<hp:tbl xmlns:hp="{HP_NS}" id="{next(_ids)}" zOrder="0" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" '
        f'textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" pageBreak="CELL" repeatHeader="{1 if hh else 0}" '
        f'rowCnt="{n_rows}" colCnt="{n_cols}" cellSpacing="0" borderFillIDRef="{st.border}" noAdjust="0">'
        f'<hp:sz width="{width}" widthRelTo="ABSOLUTE" height="{row_h * n_rows}" heightRelTo="ABSOLUTE" protect="0"/>'
        '<hp:pos treatAsChar="1" affectLSpacing="0" flowWithText="1" allowOverlap="0" holdAnchorAndSO="0" '
        'vertRelTo="PARA" horzRelTo="COLUMN" vertAlign="TOP" horzAlign="LEFT" vertOffset="0" horzOffset="0"/>'
        '<hp:outMargin left="0" right="0" top="0" bottom="0"/>'
        f'<hp:inMargin left="{pad[0]}" right="{pad[1]}" top="{pad[2]}" bottom="{pad[3]}"/>'
    )
    return head + "".join("<hp:tr>" + "".join(cells) + "</hp:tr>" for cells in rows) + "</hp:tbl>"


def _tc(r, c, rs, cs, text, col_w, row_h, fill, char_pr, para_pr, *, header=False) -> str:
    w = sum(col_w[c:c + cs])
    t = f"<hp:t>{escape(text)}</hp:t>" if text else "<hp:t/>"
    return (
        f'<hp:tc name="" header="{1 if header else 0}" hasMargin="0" protect="0" editable="0" dirty="0" '
        f'borderFillIDRef="{fill}">'
        '<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="CENTER" linkListIDRef="0" '
        'linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" hasNumRef="0">'
        f'<hp:p id="{next(_ids)}" paraPrIDRef={quoteattr(str(para_pr))} styleIDRef="0" pageBreak="0" columnBreak="0" '
        f'merged="0"><hp:run charPrIDRef={quoteattr(str(char_pr))}>{t}</hp:run></hp:p></hp:subList>'
        f'<hp:cellAddr colAddr="{c}" rowAddr="{r}"/><hp:cellSpan colSpan="{cs}" rowSpan="{rs}"/>'
        f'<hp:cellSz width="{w}" height="{row_h * rs}"/>'
        f'<hp:cellMargin left="{CELL_PAD[0]}" right="{CELL_PAD[1]}" top="{CELL_PAD[2]}" bottom="{CELL_PAD[3]}"/>'
        "</hp:tc>"
    )


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
