"""PDF with a text layer → the normalised text: tables from their ruling lines (a table going
on over a page break is one table, its repeated header dropped), text lines with their
indent and the empty lines between them, each line's page; a scan without text is refused."""

from __future__ import annotations

import pytest

from sijeong.formats import FormatError, Place, decode, place_of
from sijeong.pipeline import load_path, load_text

from .compare import differences
from .layouts import blocks_of, html_of, print_pdf, table_of

pytestmark = pytest.mark.slow  # each test prints a PDF with Chromium


def _pdf(tmp_path, html, name="t.pdf"):
    path = tmp_path / name
    if not print_pdf(html, path):
        pytest.skip("Chromium is not installed: no PDF to read")
    return path


def test_table_over_a_page_break_text_indent_and_empty_lines(tmp_path):
    rows = [["과목", "예산액", "결산액"]] + [[f"사업 {i}", f"{i * 1000:,}", f"△{i:,}"] for i in range(1, 91)]
    text_before = ["【일반회계】 【가람정책과】", "", "(단위: 원)", ""]
    blocks = text_before + [table_of(rows, merge=False), "", "□ 주요 성과", " - 들여쓴 줄", "끝"]
    d = decode(_pdf(tmp_path, html_of(blocks)).read_bytes(), name="t.pdf")
    lines = d.text.split("\n")
    assert lines[:4] == text_before
    assert lines[4:95] == ["\t".join(r) for r in rows]  # 91 rows, the header once
    assert lines[95:] == ["", "□ 주요 성과", " - 들여쓴 줄", "끝"]
    pages = {o.place.page for o in d.origins[4:95]}
    assert pages == {1, 2}, "the table must run over two A3 pages at this size"
    last = d.origins[94]
    assert last.place == Place(page=2, table=1, row=91) and place_of(d, 95, 2) == Place(page=2, table=1, row=91, column=3)


def test_merged_header_cells(tmp_path):
    rows = [["구분", "예산", "", "결산"], ["", "본예산", "추경", ""], ["가", "1", "2", "3"]]
    d = decode(_pdf(tmp_path, html_of([table_of(rows)])).read_bytes(), name="m.pdf")
    assert d.text.split("\n") == ["\t".join(r) for r in rows]


def test_scan_without_text_layer_is_refused(tmp_path):
    html = '<!DOCTYPE html><html><body><div style="width:200px;height:120px;background:#333"></div></body></html>'
    path = _pdf(tmp_path, html, "scan.pdf")
    with pytest.raises(FormatError) as e:
        decode(path.read_bytes(), name="scan.pdf")
    assert "텍스트 층" in e.value.message and "no text layer" in e.value.message
    doc = load_path(path)
    assert doc.findings[0].rule == "read.file" and "OCR" in doc.findings[0].message


@pytest.mark.real
def test_real_document_from_pdf_reads_the_same_figures(real_docs, tmp_path):
    # reading a PDF is slow (pdfminer is pure Python): the suite reads the first 300-odd
    # lines of the smallest document (cut at an empty line, so no table is cut); the three
    # whole documents were compared the same way, with the result in docs/formats.md
    src = real_docs / "003_c85a2f783e9fa893.txt"
    if not src.exists():
        pytest.skip("003 not among the real documents")
    lines = src.read_text(encoding="utf-8").split("\n")
    cut = next(i for i in range(300, len(lines)) if not lines[i].strip())
    text = "\n".join(lines[:cut])
    path = _pdf(tmp_path, html_of(blocks_of(text)), src.name)
    d = decode(path.read_bytes(), name=src.name)
    a, b = load_text(src.name, text), load_text(src.name, d.text)
    assert len(a.records) > 20 and not differences(a, b)
    assert sum(1 for o in d.origins if o.place.table) > 100


def test_columns_without_rules_become_tabs(tmp_path):
    html = ('<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><style>body{font: 10pt "Noto Sans CJK KR";}'
            "p{margin:0} table{border-spacing:0} td{padding:0 24pt 0 0; border:0}</style></head><body><p>표 없는 줄 두 칸 띄움</p>"
            "<table><tr><td>구분</td><td>예산액</td><td>결산액</td></tr>"
            "<tr><td>가람 사업</td><td>1,000</td><td>△20</td></tr></table></body></html>")
    d = decode(_pdf(tmp_path, html).read_bytes(), name="plain.pdf")
    assert d.text.split("\n") == ["표 없는 줄 두 칸 띄움", "구분\t예산액\t결산액", "가람 사업\t1,000\t△20"]
