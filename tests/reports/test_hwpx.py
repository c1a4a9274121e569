"""The HWPX writer: every cell text and span where the table puts it (opened again with
python-hwpx, which also validates the package), bold header in 함초롬돋움, body in
함초롬바탕, borders, widths from the content, the unit line and the headings."""

from __future__ import annotations

import re
import zipfile

import pytest

from sijeong.reports import render
from sijeong.reports import tables as T
from sijeong.reports.base import iter_spans
from sijeong.reports.html import cell_text, table_heading
from sijeong.reports.hwpx import read_hwpx_spans, read_hwpx_tables

from .sample import sample_docs

KINDS = ("summary", "goals", "indicators", "settlement", "related_programs", "programs", "revenues")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    docs = sample_docs()
    tables = [T.build(k, docs, 2020) for k in KINDS] + [T.plan(docs, 2022)]
    tables = [t for t in tables if t.rows]
    for t in tables:
        t.municipality = "가상시"
    path = render(tables, "hwpx", tmp_path_factory.mktemp("hwpx") / "r.hwpx", title="가상시 2020년 성과보고서")
    return tables, path


def expected_grid(table):
    grid = [["" for _ in range(table.column_count)] for _ in range(table.header_height + len(table.rows))]
    for r, c, h in table.header_grid():
        grid[r][c] = h.text
    for r, c, cell in table.body_grid():
        text = cell_text(cell)
        row = table.rows[r]
        if c == 0 and row.level and cell.kind not in ("money", "count", "rate", "number"):
            text = "  " * min(row.level, 3) + text
        grid[table.header_height + r][c] = text
    return grid


def test_every_cell_text_and_span(written):
    tables, path = written
    grids, spans = read_hwpx_tables(path), read_hwpx_spans(path)
    assert len(grids) == len(tables)
    for table, grid, got_spans in zip(tables, grids, spans):
        assert grid == expected_grid(table), table.kind
        want = sorted((r + (table.header_height if part == "body" else 0), c, rs, cs)
                      for part, r, c, rs, cs in iter_spans(table))
        assert sorted(got_spans) == want, table.kind
    rates = [t for t in tables if t.kind == "indicators"][0]
    assert any(x.endswith("%") for row in grids[tables.index(rates)] for x in row)


def test_package_validates_and_has_headings(written):
    from hwpx import HwpxDocument

    tables, path = written
    doc = HwpxDocument.open(str(path))
    try:
        assert not doc.validate().issues
        texts = [p.text for p in doc.paragraphs]
    finally:
        doc.close()
    assert [x for x in texts if x][0] == "가상시 2020년 성과보고서"
    for t in tables:
        assert table_heading(t) in texts
        if t.unit_note:
            assert t.unit_note in texts
    assert not any("SIJEONG" in x for x in texts)


def _char_props(header_xml: str) -> dict[str, tuple[bool, str]]:
    faces = dict(re.findall(r'<hh:font id="(\d+)" face="([^"]+)"',
                            re.search(r'<hh:fontface lang="HANGUL".*?</hh:fontface>', header_xml).group(0)))
    out = {}
    for m in re.finditer(r'<hh:charPr [^>]*id="(\d+)"[^>]*>(.*?)</hh:charPr>', header_xml):
        hangul = re.search(r'<hh:fontRef hangul="(\d+)"', m.group(2)).group(1)
        out[m.group(1)] = ("<hh:bold/>" in m.group(2), faces[hangul])
    return out


def test_styles_fonts_borders_and_widths(written):
    tables, path = written
    with zipfile.ZipFile(path) as z:
        header = z.read("Contents/header.xml").decode("utf-8")
        section = z.read("Contents/section0.xml").decode("utf-8")
    props = _char_props(header)
    tbls = re.findall(r"<hp:tbl .*?</hp:tbl>", section, flags=re.S)
    assert len(tbls) == len(tables)
    for table, tbl in zip(tables, tbls):
        assert 'repeatHeader="1"' in tbl
        cells = re.findall(r'<hp:tc [^>]*header="(\d)"[^>]*borderFillIDRef="(\d+)".*?<hp:run charPrIDRef="(\d+)">'
                           r'.*?<hp:cellAddr colAddr="(\d+)" rowAddr="(\d+)"/>.*?<hp:cellSz width="(\d+)"', tbl, flags=re.S)
        heads = [c for c in cells if c[0] == "1"]
        assert len(heads) == len(table.header_grid())
        assert all(props[c[2]] == (True, "함초롬돋움") for c in heads)
        body = [c for c in cells if c[0] == "0"]
        plain = [c for c in body if not (table.rows[int(c[4]) - table.header_height].is_total
                                         or table.rows[int(c[4]) - table.header_height].is_group)]
        assert plain and all(props[c[2]] == (False, "함초롬바탕") for c in plain)
        # every cell has a border fill with black lines
        for fill in {c[1] for c in cells}:
            bf = re.search(rf'<hh:borderFill id="{fill}".*?</hh:borderFill>', header, flags=re.S).group(0)
            assert 'type="SOLID"' in bf and 'color="#000000"' in bf
    # the 사업별조서's name column is wider than a column of "0"s
    prog = tables.index([t for t in tables if t.kind == "programs"][0])
    widths = {int(c): int(w) for c, w in re.findall(r'<hp:cellAddr colAddr="(\d+)" rowAddr="\d+"/>'
                                                     r'<hp:cellSpan colSpan="1" rowSpan="\d+"/><hp:cellSz width="(\d+)"',
                                                     tbls[prog])}
    assert widths[0] > 2 * min(widths.values())


def test_wide_document_is_landscape(written):
    _tables, path = written
    with zipfile.ZipFile(path) as z:
        section = z.read("Contents/section0.xml").decode("utf-8")
    assert 'landscape="NARROWLY"' in section
