"""HWP 5.0 binary files (public samples of hwplib, Apache-2.0; see tests/fixtures/README.md)
read without a crash, their tables checked against values typed by hand."""

from __future__ import annotations

import pytest

from sijeong.formats import FormatError, Place, decode, place_of, sniff
from sijeong.pipeline import load_path


def _read(fixtures_dir, name):
    raw = (fixtures_dir / "hwp" / name).read_bytes()
    assert sniff(raw) == "hwp"
    return decode(raw, name=name)


def test_seven_by_seven_table(fixtures_dir):
    d = _read(fixtures_dir, "hwplib-merging-cell.hwp")
    assert d.format == "hwp"
    lines = d.text.split("\n")
    assert lines[:7] == ["\t".join(f"{r},{c}" for c in range(7)) for r in range(7)]
    assert place_of(d, 3, 4) == Place(section=1, paragraph=1, table=1, row=3, column=5)


def test_merged_cells_keep_the_grid(fixtures_dir):
    d = _read(fixtures_dir, "hwplib-SimpleTable.hwp")
    assert d.text.split("\n")[:4] == ["1\t\t2", "\t\t3", "5\t4\t", "ㅁ"]
    assert place_of(d, 4) == Place(section=1, paragraph=2)


def test_two_tables(fixtures_dir):
    d = _read(fixtures_dir, "hwplib-basic-table.hwp")
    lines = d.text.split("\n")
    assert lines[:3] == ["ABC 123\tDEF\tGHI", "LMN\tOPQ\tSTR", "UVM\t123\t456"]
    assert lines[3].strip() == "표 1"  # the caption below the table, its number filled in
    assert place_of(d, 4) == Place(section=1, paragraph=1, table=1)
    assert max(o.place.table or 0 for o in d.origins) == 2


def test_text_boxes_and_their_caption(fixtures_dir):
    d = _read(fixtures_dir, "hwplib-textbox.hwp")
    assert [x.strip() for x in d.text.split("\n")] == ["ABC", "그림 1", "123", "ABC"]
    assert all(o.place == Place(section=1, paragraph=1) for o in d.origins)


def test_distribution_document_is_refused(fixtures_dir):
    with pytest.raises(FormatError) as e:
        _read(fixtures_dir, "hwplib-distribution.hwp")
    assert "배포용" in e.value.message and "distribution" in e.value.message


def test_pipeline_reports_a_finding_not_a_crash(fixtures_dir):
    doc = load_path(fixtures_dir / "hwp" / "hwplib-distribution.hwp")
    assert [f.rule for f in doc.findings] == ["read.file"] and "배포용" in doc.findings[0].message
    doc = load_path(fixtures_dir / "hwp" / "hwplib-merging-cell.hwp")  # no document family: a finding, no crash
    assert doc.findings and not doc.records


def test_other_ole_file_is_refused():
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(FormatError) as e:
        decode(fake, name="old.doc")
    assert "HWP" in e.value.message
