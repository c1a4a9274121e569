"""``table.rate_column``: a rate column whose formula the table itself shows (numerator named by
the rate, denominator the column that explains the most rows), each row that does not follow
it reported — made-up tables here, the real ones in test_real_documents.py."""

import random

import pytest

from sijeong.model import Cell, Document, Figure, Source, Table, TableRow
from sijeong.rules.rates import check_rate_columns

DOC = "made_up.txt"


def _cell(text: str, line: int) -> Cell:
    t = text.replace(",", "").replace("%", "").replace("△", "-").strip()
    try:
        value = int(t)
    except ValueError:
        try:
            value = float(t)
        except ValueError:
            return Cell(text, [])
    return Cell(text, [Figure(value, text, Source(DOC, line), "%" if "%" in text else None)])


def _doc(header: list[str], rows: list[list[str]], kind: str = "generic") -> Document:
    t = Table(source=Source(DOC, 10), municipality="가람시", year=2024, department="감사과", name="처리 현황",
              header=[header], header_lines=[10], kind=kind,
              rows=[TableRow(Source(DOC, 11 + i), [_cell(c, 11 + i) for c in r]) for i, r in enumerate(rows)])
    d = Document(name=DOC, municipality="가람시", year=2024, family="plan")
    d.tables.append(t)
    return d


def _rows(rng: random.Random, n: int, decimals: int) -> list[list[str]]:
    out = []
    for i in range(n):
        occurred = rng.randint(10, 90_000)
        done = rng.randint(0, occurred)
        out.append([f"영역{i}", f"{occurred:,}", f"{done:,}", f"{occurred - done:,}",
                    f"{done / occurred * 100:.{decimals}f}%"])
    return out


HEADER = ["업무영역", "발생", "처리", "미처리", "처리율"]


@pytest.mark.parametrize("seed", range(20))
def test_consistent_tables_are_quiet_and_one_changed_rate_is_found(seed):
    rng = random.Random(seed)
    decimals = rng.choice([0, 1, 2])
    rows = _rows(rng, rng.randint(4, 9), decimals)
    assert check_rate_columns([_doc(HEADER, rows)]) == []
    k = rng.randrange(len(rows))
    printed = float(rows[k][4].rstrip("%"))
    wrong = printed + rng.choice([-1, 1]) * rng.choice([2, 5, 11]) * 10 ** -decimals
    rows[k][4] = f"{wrong:.{decimals}f}%"
    found = check_rate_columns([_doc(HEADER, rows)])
    assert [f.lines for f in found] == [[10, 11 + k]]
    assert found[0].rule == "table.rate_column" and found[0].severity == "error"
    assert found[0].expected == pytest.approx(printed) and "처리 ÷ 발생" in found[0].message


def test_a_rate_named_after_no_column_or_a_negation_is_not_guessed():
    rows = [["가", "100", "30", "70%"], ["나", "200", "50", "75%"], ["다", "50", "10", "80%"]]
    # 미처리율's stem 미처리 names no column; 처리 is not 미처리
    assert check_rate_columns([_doc(["구분", "발생", "처리", "미처리율"], rows)]) == []


def test_a_formula_followed_by_too_few_rows_is_not_assumed():
    rows = [["가", "100", "30", "30%"], ["나", "200", "50", "40%"], ["다", "50", "10", "50%"]]
    assert check_rate_columns([_doc(["구분", "발생", "처리", "처리율"], rows)]) == []


def test_indicator_tables_are_left_to_the_indicator_rules():
    rows = [["가", "100", "30", "30%"], ["나", "200", "50", "25%"], ["다", "50", "10", "90%"]]
    assert check_rate_columns([_doc(["구분", "발생", "처리", "처리율"], rows, kind="indicators")]) == []
    assert len(check_rate_columns([_doc(["구분", "발생", "처리", "처리율"], rows)])) == 1
