"""The shared number and unit helpers of the readers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sijeong.model import Source
from sijeong.readers.text import (
    ReadError,
    collapse,
    is_number,
    looks_broken_number,
    number_or_none,
    numeric_tokens,
    parse_number,
    parse_unit_note,
    split_numbers,
    strip_latex,
)

S = Source("t.txt", 7)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("1,149,710,000", 1149710000),
        ("0", 0),
        ("△5,558,259,000", -5558259000),
        ("△ 113,330,670", -113330670),
        ("-323,255,220", -323255220),
        ("97.5", 97.5),
        ("0.3", 0.3),
        ("130%", 130),
        ("100.00 %", 100.0),
        ("△14.93%", -14.93),
    ],
)
def test_parse_number(raw, value):
    fig = parse_number(raw, S)
    assert fig.value == value
    assert fig.raw == raw
    assert fig.source == S


def test_dash_is_none_but_counts_as_zero():
    fig = parse_number("-", S)
    assert fig.value is None and fig.amount == 0


def test_thousand_won_becomes_won():
    assert parse_number("1,237,427", S, multiplier=1000).value == 1_237_427_000
    assert parse_number("1.5", S, multiplier=100_000_000).value == 150_000_000


def test_fractional_won_is_an_error():
    assert parse_number("1.5", S).value == 1.5  # not money: kept as printed
    with pytest.raises(ReadError) as e:
        parse_number("0.0001", S, multiplier=1000)
    assert "t.txt:7" in str(e.value)


def test_letter_inside_a_number_names_the_line():
    assert looks_broken_number("1,14O,710,000")
    with pytest.raises(ReadError) as e:
        number_or_none("1,14O,710,000", S)
    assert "t.txt:7" in str(e.value) and "letter inside a number" in str(e.value)
    assert number_or_none("기획담당관", S) is None
    assert not is_number("12a")


def test_unit_notes():
    assert parse_unit_note("(단위: 원)", S).multiplier == 1
    assert parse_unit_note("(단위 : 천원)", S).multiplier == 1000
    note = parse_unit_note("(단위:개, 원)", S)
    assert note.units == ("개", "원") and note.money == "원"
    assert parse_unit_note("(단위: 원, %)", S).multiplier == 1
    assert parse_unit_note("본문 (단위: 원) 아님", S) is None
    with pytest.raises(ReadError) as e:  # a money unit that is not known: amounts cannot become won
        parse_unit_note("(단위: 만달러)", S)
    assert "unknown money unit" in str(e.value) and "t.txt:7" in str(e.value)
    # a counting unit that is not known: kept as printed (read_document warns, read.unit)
    note = parse_unit_note("(단위: 필지, 천원)", S)
    assert note.units == ("필지", "천원") and note.unknown == ("필지",) and note.multiplier == 1000


def test_stacked_cells_and_helpers():
    assert split_numbers("264,144,000 △5,558,259,000") == ["264,144,000", "△5,558,259,000"]
    assert split_numbers("△ 7,373,350") == ["△7,373,350"]
    assert collapse(' <ul style="x"> ○ 가  나 </ul>') == "○ 가 나"
    latex = r"$\left\{ \begin{array}{l} \text{의존재원(국도비보조금} \\ \text{+지방교부세)} \end{array} \right\} * 100$"
    out = strip_latex(latex)
    assert "의존재원(국도비보조금" in out and "\\" not in out and "$" not in out


def test_numeric_tokens():
    assert numeric_tokens("예산액 1,149,710,000 실적 97.5 (행 4006)") == ["1,149,710,000", "97.5", "4006"]


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_round_trip_formatted_integers(n):
    raw = ("△" if n < 0 else "") + f"{abs(n):,}"
    assert parse_number(raw, S).value == n
