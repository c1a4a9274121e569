"""HWPX (OWPML, KS X 6101) → normalised text: paragraphs as lines, tables as tab-separated
rows of their grid.

The package's sections (``Contents/section0.xml`` ..., in the order ``content.hpf``
lists them) are read with lxml. A paragraph (``hp:p``) is one line: the text of its runs
(``hp:t``; ``hp:tab`` is a tab, ``hp:lineBreak`` starts a new line with the same
origin). A table (``hp:tbl``) in a run becomes one line per grid row, the cells joined
by tabs, a merged area's text at its anchor (``hp:cellAddr``, ``hp:cellSpan``) and the
positions it covers empty — the shape a text export of the table has; its caption (with
its automatic number, ``표 1``) is a line above or below it, as it is printed. The text of
a text box (a drawing object's ``hp:drawText``) is a line per paragraph where the object
is anchored. Headers, footers, footnotes and endnotes are not body text and are left out. A cell's
paragraphs are joined with a space; a table inside a cell is flattened into the cell's
text (its cells joined with spaces, its rows with " / "). Text before a table in the same
paragraph is a line of its own, as is text after it.

Every line gets a :class:`~sijeong.formats.LineOrigin`: section, paragraph (the top-level
paragraph of the section, 1-based), and for a table row the table (numbered through the
document), the grid row and one place per field with its grid column.
"""

from __future__ import annotations

import io
import re
import zipfile

from . import Decoded, FormatError, LineOrigin, Place

HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"


def decode_hwpx(raw: bytes, *, name: str = "") -> Decoded:
    from lxml import etree

    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as e:
        raise FormatError(f"{name}: HWPX 묶음을 열 수 없습니다 / cannot open the HWPX package: {e}") from e
    with z:
        sections = _section_names(z)
        if not sections:
            raise FormatError(f"{name}: HWPX에 본문 구역이 없습니다 / the HWPX package has no section")
        out = _Out()
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        for s_no, part in enumerate(sections, 1):
            root = etree.fromstring(z.read(part), parser)
            for p_no, p in enumerate(root.iterchildren(f"{HP}p"), 1):
                _paragraph(p, out, Place(section=s_no, paragraph=p_no))
    return Decoded(text="\n".join(out.lines), format="hwpx", origins=out.origins)


def _section_names(z: zipfile.ZipFile) -> list[str]:
    names = z.namelist()
    listed: list[str] = []
    if "Contents/content.hpf" in names:
        hpf = z.read("Contents/content.hpf").decode("utf-8", errors="replace")
        items = dict(re.findall(r'<opf:item [^>]*?id="([^"]+)"[^>]*?href="([^"]+)"', hpf))
        items.update({k: v for v, k in re.findall(r'<opf:item [^>]*?href="([^"]+)"[^>]*?id="([^"]+)"', hpf)})
        for ref in re.findall(r'<opf:itemref [^>]*?idref="([^"]+)"', hpf):
            href = items.get(ref, "")
            if re.search(r"section\d+\.xml$", href):
                listed.append(href if href.startswith("Contents/") else f"Contents/{href.split('/')[-1]}")
    listed = [n for n in listed if n in names]
    if listed:
        return listed
    found = [n for n in names if re.fullmatch(r"Contents/section\d+\.xml", n)]
    return sorted(found, key=lambda n: int(re.search(r"\d+", n.rsplit("/", 1)[1]).group()))


class _Out:
    def __init__(self):
        self.lines: list[str] = []
        self.origins: list[LineOrigin] = []
        self.tables = 0

    def add(self, text: str, place: Place, cells: tuple[Place, ...] = ()) -> None:
        self.lines.append(text)
        self.origins.append(LineOrigin(len(self.lines), place, cells))


def _paragraph(p, out: _Out, place: Place) -> None:
    """Lines of a top-level paragraph: its text (one line per line break; an empty
    paragraph is an empty line), each table and each text box (a drawing object's
    ``hp:drawText``) on lines of its own; the text around them only when there is some."""
    segments: list[object] = []
    buf: list[str] = []
    for run in p.iterchildren(f"{HP}run"):
        for el in run.iterchildren():
            if el.tag == f"{HP}t":
                buf.append(_t_text(el))
            elif el.tag == f"{HP}tbl":
                segments += ["".join(buf), el]
                buf = []
            elif el.tag not in (f"{HP}ctrl", f"{HP}secPr") and (boxes := _box_lines(el)):
                segments += ["".join(buf), boxes]
                buf = []
    segments.append("".join(buf))
    has_objects = len(segments) > 1
    for seg in segments:
        if isinstance(seg, str):
            if seg or not has_objects:
                for piece in seg.split("\n"):
                    out.add(piece, place)
        elif isinstance(seg, list):
            for line in seg:
                out.add(line, place)
        else:
            _table(seg, out, place)


def _box_lines(shape) -> list[str]:
    """The paragraphs of a drawing object's text boxes, then its caption."""
    lines = [_inline_text(p) for box in shape.iter(f"{HP}drawText") for p in box.iterfind(f"{HP}subList/{HP}p")]
    return lines + _caption(shape)


def _caption(obj) -> list[str]:
    cap = obj.find(f"{HP}caption")
    if cap is None:
        return []
    return [_inline_text(p, autonum=True) for p in cap.iterfind(f"{HP}subList/{HP}p")]


def _inline_text(p, *, autonum: bool = False) -> str:
    """A paragraph inside a cell, caption or text box as one line: tabs and line breaks as
    spaces, an automatic number (표 1) when ``autonum``, a nested table flattened."""
    bits = []
    for run in p.iterchildren(f"{HP}run"):
        for el in run.iterchildren():
            if el.tag == f"{HP}t":
                bits.append(_t_text(el).replace("\n", " ").replace("\t", " "))
            elif el.tag == f"{HP}tbl":
                rows = _grid(el)
                bits.append(" / ".join(" ".join(c for c in row if c) for row in rows if any(row)))
            elif el.tag == f"{HP}ctrl" and autonum:
                bits += [n.get("num", "") for n in el.iter(f"{HP}autoNum")]
    return "".join(bits)


def _t_text(t) -> str:
    """An ``hp:t``'s text with its inline ``hp:tab``/``hp:lineBreak``."""
    parts = [t.text or ""]
    for child in t:
        tag = child.tag
        if tag == f"{HP}tab":
            parts.append("\t")
        elif tag in (f"{HP}lineBreak",):
            parts.append("\n")
        elif tag == f"{HP}nbSpace" or tag == f"{HP}fwSpace":
            parts.append(" ")
        parts.append(child.tail or "")
    return "".join(parts)


def _cell_text(tc) -> str:
    """A cell's text: its paragraphs joined with a space, nested tables flattened."""
    sub = tc.find(f"{HP}subList")
    if sub is None:
        return ""
    return " ".join(x for x in (_inline_text(p) for p in sub.iterchildren(f"{HP}p")) if x)


def _grid(tbl) -> list[list[str]]:
    cells = list(_cells(tbl))
    n_rows = max([r + rs for r, c, rs, cs, _ in cells], default=0)
    n_cols = max([c + cs for r, c, rs, cs, _ in cells], default=0)
    grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    for r, c, _rs, _cs, tc in cells:
        grid[r][c] = _cell_text(tc)
    return grid


def _cells(tbl):
    """(row, col, row_span, col_span, hp:tc) of a table's own cells; a cell without an
    address is placed HTML-style after the cells before it."""
    taken: set[tuple[int, int]] = set()
    for r_idx, tr in enumerate(tbl.iterchildren(f"{HP}tr")):
        c_next = 0
        for tc in tr.iterchildren(f"{HP}tc"):
            addr, span = tc.find(f"{HP}cellAddr"), tc.find(f"{HP}cellSpan")
            rs = int(span.get("rowSpan", "1")) if span is not None else 1
            cs = int(span.get("colSpan", "1")) if span is not None else 1
            if addr is not None:
                r, c = int(addr.get("rowAddr", r_idx)), int(addr.get("colAddr", c_next))
            else:
                r, c = r_idx, c_next
                while (r, c) in taken:
                    c += 1
            for dr in range(max(rs, 1)):
                for dc in range(max(cs, 1)):
                    taken.add((r + dr, c + dc))
            c_next = c + max(cs, 1)
            yield r, c, max(rs, 1), max(cs, 1), tc


def _table(tbl, out: _Out, place: Place) -> None:
    out.tables += 1
    t_no = out.tables
    grid = _grid(tbl)
    caption = _caption(tbl)
    cap = tbl.find(f"{HP}caption")
    above = cap is not None and cap.get("side", "BOTTOM") in ("TOP", "LEFT")
    cap_place = Place(section=place.section, paragraph=place.paragraph, table=t_no)
    for line in caption if above else []:
        out.add(line, cap_place)
    for r, row in enumerate(grid, 1):
        base = Place(section=place.section, paragraph=place.paragraph, table=t_no, row=r)
        cells = tuple(Place(section=place.section, paragraph=place.paragraph, table=t_no, row=r, column=c)
                      for c in range(1, len(row) + 1))
        out.add("\t".join(row), base, cells)
    for line in [] if above else caption:
        out.add(line, cap_place)
