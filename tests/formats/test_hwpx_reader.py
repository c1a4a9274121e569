"""HWPX → the same normalised text and the same model as the text export, with each line's
place in the original (section, paragraph, table, row, column)."""

from __future__ import annotations

import zipfile

import pytest

from sijeong.formats import Place, decode, place_of
from sijeong.pipeline import load_path
from sijeong.reports.hwpx import Para, write_blocks

from .layouts import blocks_of, table_of


def test_paragraphs_merged_cells_and_positions(tmp_path):
    t = table_of([["과목", "예산액", "", "비고"], ["가 사업", "1,000", "2,000", ""], ["", "3", "4", "x"]])
    path = write_blocks([Para("【일반회계】", "title"), "", "(단위: 원)", t, "끝"], tmp_path / "a.hwpx")
    d = decode(path.read_bytes(), name="a.hwpx")
    assert d.format == "hwpx"
    assert d.text == "【일반회계】\n\n(단위: 원)\n과목\t예산액\t\t비고\n가 사업\t1,000\t2,000\t\n\t3\t4\tx\n끝"
    assert place_of(d, 1) == Place(section=1, paragraph=1)
    assert place_of(d, 5) == Place(section=1, paragraph=4, table=1, row=2)
    assert place_of(d, 5, 2) == Place(section=1, paragraph=4, table=1, row=2, column=3)
    assert str(place_of(d, 5, 2)) == "구역 1 문단 4 표 1 2행 3열"
    assert place_of(d, 7) == Place(section=1, paragraph=5)


def _rewrite_section(path, edit) -> bytes:
    src = zipfile.ZipFile(path)
    out = path.with_name("edited.hwpx")
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "Contents/section0.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)
    return out.read_bytes()


def test_nested_table_tabs_and_line_breaks(tmp_path):
    outer = table_of([["구분", "내용"], ["가", "INNER"]], merge=False)
    inner = table_of([["a", "b"], ["c", "d"]], merge=False)
    path = write_blocks(["앞", outer, "뒤", inner], tmp_path / "n.hwpx")
    def edit(xml: str) -> str:
        # move the second table into the outer table's cell "INNER"; a tab and a line break in "앞"
        start = xml.rindex("<hp:tbl ")
        end = xml.index("</hp:tbl>", start) + len("</hp:tbl>")
        tbl = xml[start:end]
        xml = xml[:start] + xml[end:]
        xml = xml.replace("<hp:t>INNER</hp:t>", tbl + "<hp:t/>")
        return xml.replace("<hp:t>앞</hp:t>", "<hp:t>앞<hp:tab/>둘<hp:lineBreak/>셋</hp:t>")

    raw = _rewrite_section(path, edit)
    d = decode(raw, name="n.hwpx")
    # the paragraph the inner table was taken from stays, empty
    assert d.text.split("\n") == ["앞\t둘", "셋", "구분\t내용", "가\ta b / c d", "뒤", ""]
    assert place_of(d, 2) == Place(section=1, paragraph=1)


@pytest.mark.slow
@pytest.mark.real
def test_real_documents_from_hwpx_read_the_same(real_docs, tmp_path):
    for src in sorted(real_docs.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        blocks = blocks_of(text)
        assert sum(1 for b in blocks if not isinstance(b, str)) > 20, src.name
        (tmp_path / "hwpx").mkdir(exist_ok=True)
        # the same file name (a Source names it): sijeong looks at the bytes, not the extension
        target = tmp_path / "hwpx" / src.name
        write_blocks(blocks, target)
        assert target.read_bytes().startswith(b"PK")
        d = decode(target.read_bytes(), name=src.name)
        assert d.text == text, src.name
        a, b = load_path(src), load_path(target)
        assert a.records and a.records == b.records and a.tables == b.tables and a.headings == b.headings
        assert [(f.rule, f.lines) for f in a.findings] == [(f.rule, f.lines) for f in b.findings]
        # every table row keeps a place per field
        rows = [o for o in d.origins if o.place.table is not None]
        assert rows and all(len(o.cells) == d.text.split("\n")[o.line - 1].count("\t") + 1 for o in rows)
