"""The one Korean number formatter (model/numbers.py) and the one rate/grade computation
(model/grades.py)."""

from decimal import Decimal

from sijeong.model import grades
from sijeong.model.numbers import number_text, rate_decimals, scaled, won_words


def test_number_text_separators_negative_and_trimming():
    assert number_text(None) == "-"
    assert number_text(1234567) == "1,234,567"
    assert number_text(-7373350) == "△7,373,350"
    assert number_text(97.5) == "97.5"
    assert number_text(97.5, trim=False) == "97.50"
    assert number_text(5.0) == "5"
    assert number_text(3, trim=False) == "3.00"
    assert number_text(128.567) == "128.57"
    assert number_text(123456789012345678901234567890) == "123,456,789,012,345,678,901,234,567,890"


def test_number_text_rounds_half_up_on_the_printed_digits():
    # the documents' way; Python's format would give 0.12 and 1.00 (binary 1.00499…)
    assert number_text(0.125) == "0.13"
    assert number_text(1.005, trim=False) == "1.01"
    assert number_text(Decimal("2.5"), decimals=0) == "3"
    assert number_text(-0.001) == "0"  # rounds to zero: no △


def test_scaled_and_rate_decimals():
    assert scaled(1_500, 1_000) == 2
    assert scaled(None, 1_000) is None
    assert rate_decimals(134.0) == 0 and rate_decimals(97.5) == 1 and rate_decimals(129.87012987) == 2


def test_won_words():
    assert won_words(485_450_000) == "4억 8,545만 원"
    assert won_words(485_455_000) == "약 4억 8,546만 원"
    assert won_words(-9_999) == "마이너스 9,999원"
    assert won_words(None) == "-"


def test_rate_and_grade():
    assert grades.rate_of(100, 130, "higher") == 130
    assert grades.rate_of(130, 100, "lower") == 130
    assert grades.rate_of(0, 5, "higher") is None and grades.rate_of(None, 5, "higher") is None
    assert [grades.grade_of(r) for r in (None, 99.99, 100, 129.9999999999, 130)] == [None, "×", "○", "◎", "◎"]
    assert grades.computed(3, 1, "higher") == (33.3333, "×")
