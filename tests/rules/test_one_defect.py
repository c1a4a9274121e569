"""Findings as one list of distinct problems: an error on rows the reader flagged as
uncertainly aligned is a warning '열 정렬 불확실: …', and the findings of one defect are merged
into one finding listing every line and every rule that saw it."""

from __future__ import annotations

from sijeong.model import Document, Finding
from sijeong.rules import _soften_unreadable, merge_same_defect, rules_of


def F(rule, lines, severity="error", expected=None, actual=None, subject=None, doc="d.txt", message=None):
    return Finding(rule=rule, severity=severity, doc=doc, lines=list(lines),
                   message=message or f"{rule} {lines}", expected=expected, actual=actual, subject=subject)


def doc_with(*reader_findings):
    d = Document(name="d.txt", municipality="김포시", year=2020, family="settlement_report")
    d.findings.extend(reader_findings)
    return d


def test_error_on_flagged_rows_only_becomes_uncertain_warning():
    d = doc_with(F("read.alignment", [10], "info", actual=["0"]),
                 F("read.alignment", [11, 12], "info", actual=["0", "0"]))
    on = F("program.total", [10, 11])
    partly = F("program.total", [10, 13])
    _soften_unreadable([d], [on, partly])
    assert on.severity == "warning" and on.message.startswith("열 정렬 불확실: program.total")
    assert "읽은 방식: 어느 열에도 맞지 않는 값(10행 0; 11행 0, 0)을 빼고 읽음" in on.message
    assert "다른 읽기: 읽기가 제시하지 않음" in on.message
    assert partly.severity == "error" and partly.message == "program.total [10, 13]"


def test_hierarchy_alternative_is_named_and_unit_is_not_a_flag():
    d = doc_with(F("read.hierarchy", [5], "info", expected="unspent"), F("read.unit", [6], "warning"))
    h = F("program.total", [5])
    u = F("table.total", [6])
    info = F("program.total", [5], "info")
    _soften_unreadable([d], [h, u, info])
    assert h.severity == "warning" and "다른 읽기: unspent 이외의 열로 정한 구조" in h.message
    assert u.severity == "error" and info.severity == "info"


def test_a_reader_warning_on_any_line_still_softens():
    d = doc_with(F("read.alignment", [7], "warning", actual=["14,726,630", "0"]))
    f = F("program.total", [7, 8, 9])
    _soften_unreadable([d], [f])
    assert f.severity == "warning" and "7행 14,726,630, 0" in f.message


def test_same_lines_merge_into_one_listing_every_rule():
    a = F("program.unspent", [224], expected=320, actual=0)
    b = F("program.unspent_parts", [224], expected=320, actual=0)
    c = F("program.total", [222, 224], expected=0, actual=320)
    out = merge_same_defect([a, b, c])
    assert len(out) == 2
    assert out[0].rule == "program.unspent" and rules_of(out[0]) == ["program.unspent", "program.unspent_parts"]
    assert "같은 결함 2건" in out[0].message
    assert rules_of(out[1]) == ["program.total"]


def test_same_pair_on_overlapping_lines_or_same_subject():
    a = F("x.a", [1, 2], expected=5, actual=6)
    b = F("x.b", [2, 3], expected=5, actual=6)
    c = F("x.a", [40], expected=5, actual=6, subject="S")
    d = F("x.a", [90], expected=5, actual=6, subject="S")
    e = F("x.a", [70], expected=5, actual=6, subject="T")  # same pair, elsewhere, other subject
    out = merge_same_defect([a, b, c, d, e])
    assert [f.lines for f in out] == [[1, 2, 3], [40, 90], [70]]


def test_distinct_defects_stay_apart():
    a = F("x.a", [1, 2], expected=5, actual=6)
    other_doc = F("x.a", [1, 2], expected=5, actual=6, doc="e.txt")
    other_severity = F("x.b", [1, 2], "info")
    other_pair = F("x.b", [2], expected=7, actual=8)
    out = merge_same_defect([a, other_doc, other_severity, other_pair])
    assert len(out) == 4 and all("같은 결함" not in f.message for f in out)


def test_merging_softened_findings_keeps_one_prefix_and_one_reading():
    d = doc_with(F("read.alignment", [10], "info", actual=["0"]))
    a = F("program.total", [10], message="A 1원 ≠ 2원")
    b = F("program.total", [10], message="B 3원 ≠ 4원")
    _soften_unreadable([d], [a, b])
    (m,) = merge_same_defect([a, b])
    assert m.message.count("열 정렬 불확실") == 1 and m.message.count("읽은 방식") == 1
    assert m.message.startswith("열 정렬 불확실: A 1원 ≠ 2원 ; B 3원 ≠ 4원 — 읽은 방식:")
