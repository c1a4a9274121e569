"""Coverage counts every numeric token of a document exactly once."""

from sijeong.coverage import compute
from sijeong.model import Document, Figure, Heading, Narrative, OutlineItem, Program, Source, Table, TableRow
from sijeong.readers.generic import cell_of

TEXT = "\n".join(
    [
        "3. 결산현황",  # 1 heading: 1 token
        "사업A\t1,000\t900",  # 2 typed: 2 tokens
        "- 2020. 3. : 보고회 12회",  # 3 narrative text: 3 tokens
        "표\t7\t8",  # 4 generic table header (2 tokens)
        "합\t15\t16",  # 5 generic row (2 tokens)
        "고아 99",  # 6 nowhere: 1 token
    ]
)


def test_counts_each_category():
    d = "c.txt"
    prog = Program(source=Source(d, 2), municipality="m", year=2020, department="부", name="사업A")
    prog.set("budget", Figure(1000, "1,000", Source(d, 2)))
    prog.set("spent", Figure(900, "900", Source(d, 2)))
    nar = Narrative(source=Source(d, 3), municipality="m", year=2020, department="부", name="주요성과",
                    items=[OutlineItem(Source(d, 3), "-", "2020. 3. : 보고회 12회")])
    s4, s5 = Source(d, 4), Source(d, 5)
    table = Table(source=s4, municipality="m", year=2020, department="부", name="표",
                  header=[["표", "7", "8"]], header_lines=[4],
                  rows=[TableRow(s5, [cell_of(c, s5) for c in ["합", "15", "16"]])])
    doc = Document(name=d, municipality="m", year=2020, family="x", records=[prog, nar], tables=[table],
                   headings=[Heading(Source(d, 1), 1, "3. 결산현황")])
    cov = compute(doc, TEXT)
    assert cov.total == 11
    assert (cov.typed, cov.typed_text, cov.structure, cov.generic, cov.nowhere) == (2, 3, 1, 4, 1)
    assert cov.nowhere_lines == [6]
    assert "nowhere 1" in cov.line(d)


def test_a_token_is_not_counted_twice():
    d = "c.txt"
    prog = Program(source=Source(d, 1), municipality="m", year=2020, department=None, name="x")
    prog.set("budget", Figure(5, "5", Source(d, 1)))
    doc = Document(name=d, municipality="m", year=2020, family="x", records=[prog])
    cov = compute(doc, "x\t5\t5")
    assert (cov.typed, cov.nowhere) == (1, 1)


def test_typed_table_header_is_structure_and_unplaced_cells_are_generic():
    d = "c.txt"
    s1, s2 = Source(d, 1), Source(d, 2)
    prog = Program(source=s2, municipality="m", year=2020, department=None, name="x")
    prog.set("budget", Figure(5, "5", s2))
    printed = Table(source=s1, municipality="m", year=2020, department=None, name="사업별조서",
                    header=[["사업명", "'20예산"]], header_lines=[1], typed=True, kind="programs",
                    rows=[TableRow(s2, [cell_of(c, s2) for c in ["x", "5", "7"]])])
    doc = Document(name=d, municipality="m", year=2020, family="x", records=[prog], tables=[printed])
    cov = compute(doc, "사업명\t'20예산\nx\t5\t7")
    assert (cov.typed, cov.structure, cov.generic, cov.nowhere) == (1, 1, 1, 0)


def _coverage_of(family: str, records: list) -> "Coverage":  # noqa: F821
    d = "f.txt"
    doc = Document(name=d, municipality="m", year=2020, family=family, records=records,
                   headings=[Heading(Source(d, 1), 1, "3. 결산현황")])
    return compute(doc, "3. 결산현황\n사업A\t1,000\t900")


def test_no_record_of_the_family_is_not_typed():
    """Headings and the figures of other records do not make a document read: a settlement
    report without one revenue, program, indicator or goal is typed 0 %, and says so."""
    d = "f.txt"
    nar = Narrative(source=Source(d, 2), municipality="m", year=2020, department="부", name="사업A 1,000 900")
    cov = _coverage_of("settlement_report", [nar])
    assert cov.family_records == 0
    assert cov.typed + cov.typed_text + cov.structure == 3  # every token sits in a heading or text ...
    assert cov.typed_share == 0.0  # ... but none in a record of the family
    assert "no record of the document's family" in cov.line(d) and "(0.0%" in cov.line(d)
    assert cov.as_dict()["typed_share"] == 0.0 and cov.as_dict()["family_records"] == 0
    # the same document with one program of its family is read
    prog = Program(source=Source(d, 2), municipality="m", year=2020, department="부", name="사업A")
    prog.set("budget", Figure(1000, "1,000", Source(d, 2)))
    cov = _coverage_of("settlement_report", [nar, prog])
    assert cov.family_records == 1 and cov.typed_share == 100.0
    assert "no record" not in cov.line(d)


def test_a_plan_without_tasks_is_not_typed():
    d = "f.txt"
    nar = Narrative(source=Source(d, 2), municipality="m", year=2020, department="부", name="사업A 1,000 900")
    assert _coverage_of("work_plan", [nar]).typed_share == 0.0
    # a family without a list of records (an unknown one) keeps the plain share
    cov = _coverage_of("x", [nar])
    assert cov.family_records is None and cov.typed_share == 100.0
