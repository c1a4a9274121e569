"""Messages print amounts with their unit as printed (issue 14): a 백만원 table's total as
``127백만원``, a 천원 table's as ``242,000천원``, a count table's as ``129그루`` — not bare."""

from __future__ import annotations

from pathlib import Path

import pytest

from sijeong.model import Figure, Source
from sijeong.pipeline import check, load_text
from sijeong.rules.tables import amount, column_unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def findings() -> list:
    text = (FIXTURES / "consistent_plan.txt").read_text(encoding="utf-8")
    broken = (text.replace("(단위 : 건)\n", "(단위 : 그루)\n").replace("계\t128\t19", "계\t129\t19")
              .replace("계\t\t126\t63\t63", "계\t\t129\t63\t63"))
    assert broken.count("129") >= 2
    return check([load_text("plan.txt", broken)])


def test_a_count_tables_sum_carries_its_unit(findings):
    [f] = [f for f in findings if f.rule == "table.total" and "접수" in f.message]
    assert "계 129그루 ≠ 2개 행의 합 128그루" in f.message


def test_a_million_won_tables_sum_carries_백만원(findings):
    [f] = [f for f in findings if f.rule == "table.total" and "사업현황" in f.message]
    assert "계 129백만원 ≠ 3개 행의 합 126백만원" in f.message
    assert f.expected == 126_000_000 and f.actual == 129_000_000  # the values stay in won


def test_amount_prints_the_unit_as_printed():
    src = Source("d", 1)
    assert amount(242_000_000, Figure(242_000_000, "242,000", src), "천원") == "242,000천원"
    assert amount(1_500, Figure(1_500, "1,500", src), "백만원") == "1,500백만원"  # kept as printed
    assert amount(12, Figure(12, "12", src), "개소") == "12개소"
    assert amount(7_000, Figure(7_000, "7", src), None) == "7,000원"  # turned into won, scale unknown
    assert amount(12, Figure(12, "12", src), None) == "12"
    assert amount(99.5, Figure(99.5, "99.5%", src, "%"), "천원") == "99.5"
    assert column_unit("면적(㎡)", "천원") == "㎡" and column_unit("사업비", "천원") == "천원"


def test_a_note_of_several_units_is_named_when_the_column_has_none():
    text = (FIXTURES / "consistent_plan.txt").read_text(encoding="utf-8")
    broken = text.replace("반영액\t386,250\t290,000", "반영액\t386,250\t290,001")
    assert broken != text
    [f] = [f for f in check([load_text("plan.txt", broken)]) if "반영액" in f.message]
    # which column is in 건 and which in 천원 is not known: amounts bare, the note named
    assert f.message.endswith("386,251 (단위: 건, 천원)")
