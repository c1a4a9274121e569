"""Units the readers do not know (issue 14): a new counting unit loses nothing (one
``read.unit`` warning, the table read and checked); an unknown money scale is an error of
its table only (kept as a generic table), never of the whole document."""

from __future__ import annotations

from pathlib import Path

import pytest

from sijeong.model import Finding, Source
from sijeong.pipeline import check, load_text
from sijeong.readers import read_errors
from sijeong.readers.text import ReadError, is_money_scale, parse_unit_note, warn_unknown_unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def plan() -> str:
    return (FIXTURES / "consistent_plan.txt").read_text(encoding="utf-8")


def line_of(text: str, needle: str, after: int = 0) -> int:
    lines = text.split("\n")
    return next(i for i, t in enumerate(lines, 1) if i > after and t == needle)


def unit_findings(doc) -> list[Finding]:
    return [f for f in doc.findings if f.rule == "read.unit"]


@pytest.mark.parametrize("unit", ["편", "척", "권", "부", "필지", "그루", "가구", "세대", "톤", "㎥", "뭉치"])
def test_a_counting_unit_is_no_money_scale(unit):
    assert not is_money_scale(unit)
    note = parse_unit_note(f"(단위: {unit}, 천원)", Source("d", 1))
    assert note.unknown == (unit,) and note.multiplier == 1_000


@pytest.mark.parametrize("unit", ["만원", "십억원", "조원", "만달러", "냥"])
def test_an_unknown_money_scale_is_refused_by_the_note(unit):
    with pytest.raises(ReadError) as e:
        parse_unit_note(f"(단위 : {unit})", Source("d", 7))
    assert e.value.source.line == 7 and "unknown money unit" in e.value.message
    assert e.value.message.startswith("알 수 없는 금액 단위")


def test_a_new_counting_unit_keeps_the_document_whole_with_one_warning(plan):
    base = load_text("plan.txt", plan)
    first = line_of(plan, "(단위 : 건)")
    second = line_of(plan, "(단위 : 건, 천원)")
    text = plan.replace("(단위 : 건)\n", "(단위 : 그루)\n").replace("(단위 : 건, 천원)", "(단위 : 그루, 천원)")
    doc = load_text("plan.txt", text)
    assert not read_errors(doc)
    # the same records and tables as with a known unit: nothing lost
    assert len(doc.records) == len(base.records) and len(doc.tables) == len(base.tables)
    [w] = unit_findings(doc)  # one warning for the new unit, naming both notes
    assert (w.severity, w.actual, w.lines) == ("warning", "그루", [first, second])
    assert w.message.startswith("처음 보는 단위 '그루'") and " / new unit" in w.message
    # the money of the second table still turns 천원 into won
    assert doc.coverage is not None


def test_a_table_in_a_new_unit_is_still_checked(plan):
    text = plan.replace("(단위 : 건)\n", "(단위 : 그루)\n").replace("계\t128\t19", "계\t129\t19")
    doc = load_text("plan.txt", text)
    sums = [f for f in check([doc]) if f.rule == "table.total"]
    row = line_of(text, "계\t129\t19\t")
    assert [f.lines[0] for f in sums] == [row]


def test_an_unknown_money_scale_is_an_error_of_its_table_only(plan):
    base = load_text("plan.txt", plan)
    note = line_of(plan, "(단위:백만원)", after=line_of(plan, "4. 소통마을 환경 개선"))
    lines = plan.split("\n")
    lines[note - 1] = "(단위:만원)"
    doc = load_text("plan.txt", "\n".join(lines))
    assert not read_errors(doc), "the document is stored"
    [e] = unit_findings(doc)
    assert (e.severity, e.lines, e.actual) == ("error", [note], "만원")
    assert e.message.startswith("알 수 없는 금액 단위")
    # the table is kept as a generic one, values as printed (not turned into won)
    kept = [t for t in doc.tables if t.source.line > note and t.name == "표 (단위:만원)"]
    assert len(kept) == 1
    total = next(r for r in kept[0].rows if r.cells[0].text == "계")
    assert [f.value for c in total.cells for f in c.figures][:3] == [126, 63, 63]
    # the rest of the document: everything before the table is read as before
    before = [r for r in base.records if all(f.source.line < note for f in r.figures.values())]
    assert before and len(doc.records) >= len(before)
    assert {t.source.line for t in base.tables if t.source.line < note} <= {t.source.line for t in doc.tables}


@pytest.mark.parametrize("name, line, unit", [("broken_unknown_unit.txt", 3, "냥"), ("settlement_broken_unit.txt", 4, "만달러")])
def test_a_document_that_is_only_a_table_in_an_unknown_money_unit_is_refused(name, line, unit):
    # nothing else was read: nothing to store (the table's error names the line and unit)
    doc = load_text(name, (FIXTURES / name).read_text(encoding="utf-8"))
    [f] = read_errors(doc)
    assert (f.rule, f.lines) == ("read.syntax", [line])
    assert f"unknown money unit: {unit!r}" in f.message


def test_a_new_unit_in_a_settlement_table_is_a_warning():
    text = (FIXTURES / "consistent_report.txt").read_text(encoding="utf-8")
    base = load_text("r.txt", text)
    doc = load_text("r.txt", text.replace("(단위 : 명)", "(단위 : 세대)"))
    assert not read_errors(doc)
    assert len(doc.records) == len(base.records) and len(doc.tables) == len(base.tables)
    [w] = unit_findings(doc)
    assert w.severity == "warning" and w.actual == "세대" and len(w.lines) == text.count("(단위 : 명)")


def test_warnings_merge_per_unit():
    found: list[Finding] = []
    for line, unit in [(3, "척"), (9, "척"), (9, "척"), (12, "편")]:
        warn_unknown_unit(found, doc="d", unit=unit, line=line)
    assert [(f.actual, f.lines) for f in found] == [("척", [3, 9]), ("편", [12])]
