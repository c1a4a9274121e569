"""The alignment of 사업별조서 rows never hides a printed amount to make the arithmetic hold."""

from sijeong.model import Source
from sijeong.readers.settlement_align import align
from sijeong.readers.text import parse_number

S = Source("a.txt", 3)


def cells(*raws):
    return [[parse_number(r, S)] for r in raws]


def test_a_full_row_keeps_every_value_even_when_it_does_not_add_up():
    # 예산현액 5,180,000 − 지출액 5,179,680 = 320, but the row prints 집행잔액 0
    row = cells("5,180,000", "0", "0", "0", "5,180,000", "5,179,680", "0", "0", "0", "0", "0", "0", "0", "0", "0")
    best = align(row)[0]
    assert best.value("spent") == 5_179_680 and best.value("unspent") == 0
    assert not best.unplaced
    assert "unspent" in best.checks  # the identity is left broken for the rules to report


def test_a_row_missing_a_cell_is_aligned_by_the_identities():
    # one of the four 이월 zeros is missing and a stray 0 trails: 반납금 and 집행잔액 by arithmetic
    row = cells("57,162,000", "0", "0", "0", "57,162,000", "13,840,580", "0", "0", "0",
                "10,348,170", "32,973,250", "32,973,250", "0", "0", "0")
    best = align(row)[0]
    assert (best.value("subsidy_returned"), best.value("unspent")) == (10_348_170, 32_973_250)
    assert all(f.value == 0 for f in best.unplaced)
