"""The program hierarchy inferred from sums: exact when every sum agrees, and, when one
printed amount is wrong, the reading with the fewest broken parent sums (by the column that
agrees most), so that the rules can name the broken sum."""

from __future__ import annotations

from pathlib import Path

from sijeong.model import Program
from sijeong.pipeline import load_text
from sijeong.readers.settlement_tree import infer_levels, infer_tolerant, mismatches
from sijeong.rules import run_rules

# total; policy P1 (units U1 = D1 + D2, U2 = D3); policy P2 (unit U3 = D4)
NAMES = ["T", "P1", "U1", "D1", "D2", "U2", "D3", "P2", "U3", "D4"]
BUDGET = [250, 180, 150, 100, 50, 30, 30, 70, 70, 70]
CURRENT = [270, 195, 165, 110, 55, 30, 30, 75, 75, 75]
SPENT = [210, 150, 130, 90, 40, 20, 20, 60, 60, 60]
UNSPENT = [c - s for c, s in zip(CURRENT, SPENT)]
EXPECTED = [("total", None), ("policy", 0), ("unit", 1), ("detail", 2), ("detail", 2),
            ("unit", 1), ("detail", 5), ("policy", 0), ("unit", 7), ("detail", 8)]


def columns(**changes: tuple[int, int]) -> dict[str, list[int]]:
    """The four columns, with ``column=(row, new value)`` misprints."""
    cols = {"budget": list(BUDGET), "current_budget": list(CURRENT), "spent": list(SPENT), "unspent": list(UNSPENT)}
    for name, (row, value) in changes.items():
        cols[name][row] = value
    return cols


def keys(cols: dict[str, list[int]]) -> list[tuple[int, int]]:
    return list(zip(cols["budget"], cols["current_budget"]))


def test_exact_reading_of_a_consistent_table():
    assert infer_levels(keys(columns()), has_total=True) == EXPECTED
    assert infer_tolerant(columns(), has_total=True).mismatches == {}


def test_misprinted_detail_budget_is_read_by_another_column():
    cols = columns(budget=(3, 101))  # D1 100 → 101: U1 150 ≠ 101 + 50
    assert infer_levels(keys(cols), has_total=True) is None
    assert infer_levels([(b, 0) for b, _ in keys(cols)], has_total=True) is None
    reading = infer_tolerant(cols, has_total=True)
    assert reading.levels == EXPECTED
    assert reading.column != "budget" and reading.broken == []
    assert reading.mismatches == {"budget": [2]}
    assert reading.disagreeing == [2]


def test_misprinted_unit_breaks_two_sums_in_its_column():
    """Only the budget column: U1 150 → 160 breaks U1 = D1 + D2 and P1 = U1 + U2 (k = 2)."""
    cols = {"budget": columns(budget=(2, 160))["budget"]}
    reading = infer_tolerant(cols, has_total=True)
    assert reading.levels == EXPECTED
    assert reading.column == "budget" and reading.broken == [1, 2]


def test_misprinted_total_is_one_broken_sum():
    cols = {"budget": columns(budget=(0, 260))["budget"]}
    reading = infer_tolerant(cols, has_total=True)
    assert reading.levels == EXPECTED and reading.broken == [0]


def test_the_column_that_agrees_most_wins():
    """D1's budget and spent misprinted: current_budget (and unspent) still read exactly."""
    cols = columns(budget=(3, 101), spent=(3, 91))
    reading = infer_tolerant(cols, has_total=True)
    assert reading.levels == EXPECTED
    assert reading.column == "current_budget"
    assert reading.mismatches == {"budget": [2], "spent": [2]}


def test_no_reading_with_few_broken_sums():
    """Amounts that no hierarchy explains with at most two broken sums in any column."""
    cols = {"budget": [1000, 7, 13, 29, 53, 101, 211]}
    assert infer_tolerant(cols, has_total=True) is None


def test_mismatches_lists_parents_off_their_sum():
    assert mismatches(EXPECTED, BUDGET) == []
    assert mismatches(EXPECTED, columns(budget=(9, 71))["budget"]) == [8]


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "consistent_report.txt"


SHIFTED = ("budget", "current_budget", "unspent", "spending_balance")


def test_misprint_in_a_read_table_is_reported_by_the_rules_on_its_lines():
    """consistent_report.txt with one detail row raised by 1 won in 예산액, 예산현액, 집행잔액
    and 지출잔액 (the row still adds up, its unit no longer does): the hierarchy is still read,
    by 지출액 (an info names the unit), and program.total reports the unit's 예산액 on the
    unit's and the changed row's lines; no reader warning."""
    text = FIXTURE.read_text(encoding="utf-8")
    lines = text.split("\n")
    consistent = load_text(FIXTURE.name, text)
    progs = [p for p in consistent.records if isinstance(p, Program) and p.section == "사업별조서"]
    detail = next(p for p in progs if p.level == "detail"
                  and all(k in p.figures and p.figures[k].raw[-1] in "012345678" for k in SHIFTED))
    unit = next(p for p in progs if p.name == detail.parent and p.level == "unit")
    no = detail.source.line
    for key in SHIFTED:
        fig = detail.figures[key]
        cells = lines[fig.source.line - 1].split("\t")
        ci = next(i for i, c in enumerate(cells) if c == fig.raw)
        cells[ci] = fig.raw[:-1] + str(int(fig.raw[-1]) + 1) + "\u200b"  # marked: not changed twice
        lines[fig.source.line - 1] = "\t".join(cells)
    changed = "\n".join(lines).replace("\u200b", "")
    doc = load_text(FIXTURE.name, changed)
    assert not [f for f in doc.findings if f.severity != "info"], doc.findings
    hier = [f for f in doc.findings if f.rule == "read.hierarchy"]
    assert len(hier) == 1 and hier[0].expected == "spent" and hier[0].lines == [unit.source.line], hier
    levels = [(p.name, p.level, p.parent) for p in doc.records if isinstance(p, Program) and p.section == "사업별조서"]
    assert levels == [(p.name, p.level, p.parent) for p in progs]
    totals = [f for f in run_rules([doc]) if f.rule == "program.total" and f.severity == "error"]
    # the four columns of the changed row are one defect: one finding (rules.merge_same_defect)
    # stating each column, the 예산액 among them
    budget = [f for f in totals if f.subject == unit.name
              and any("예산액" in m and "현액" not in m for m in f.message.split(" ; "))]
    assert len(budget) == 1 and unit.source.line in budget[0].lines and no in budget[0].lines, totals
    assert f"{unit.budget:,}원 ≠" in budget[0].message and f"{unit.budget + 1:,}원" in budget[0].message
