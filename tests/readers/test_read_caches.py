"""The readers' caches (h/readspeed) give back what the uncached code gave: each Figure is new,
with its own source; a caller may change the list it gets; ``1 == 1.0`` does not share a key."""

from sijeong.model import Source
from sijeong.readers.generic import cell_of
from sijeong.readers.layout import TABLE_KINDS
from sijeong.readers.text import is_number, lines_of, parse_number, split_cells


def test_parse_number_cached_figures_are_new_with_their_own_source():
    a, b = Source("d.txt", 3), Source("d.txt", 9)
    first = parse_number("1,234", a, multiplier=1000)
    second = parse_number(" 1,234 ", b, multiplier=1000)
    assert (first.value, first.raw, first.source) == (1_234_000, "1,234", a)
    assert (second.value, second.raw, second.source) == (1_234_000, "1,234", b)
    assert first is not second
    pct = parse_number("97.5 %", a)
    assert (pct.value, pct.unit) == (97.5, "%")
    assert parse_number("97.5 %", b, unit="개").unit == "%"  # the printed % wins, as before
    assert parse_number("-", a).value is None and parse_number("△1,000", a).value == -1000


def test_a_float_scale_does_not_share_the_int_key():
    src = Source("d.txt", 1)
    assert type(parse_number("7", src, multiplier=1).value) is int
    assert type(parse_number("7", src, multiplier=1.0).value) is float
    assert type(parse_number("7", src, multiplier=1).value) is int


def test_is_number_cached_answers():
    for _ in range(2):
        assert is_number(" 1,000 ") and is_number("-") and is_number("12.5%")
        assert not is_number("1,0O0") and not is_number("") and not is_number("가")


def test_cell_of_cached_cells_are_new():
    a, b = Source("d.txt", 1), Source("d.txt", 2)
    c1, c2 = cell_of(" 264,144,000 △5,558,259,000 ", a, 1), cell_of(" 264,144,000 △5,558,259,000 ", b, 1)
    assert c1.text == c2.text == "264,144,000 △5,558,259,000"
    assert [f.value for f in c1.figures] == [f.value for f in c2.figures] == [264_144_000, -5_558_259_000]
    assert [f.source for f in c2.figures] == [b, b] and c1.figures[0] is not c2.figures[0]
    c2.figures.clear()
    assert len(cell_of(" 264,144,000 △5,558,259,000 ", a, 1).figures) == 2
    assert cell_of("100 %", a, 1000).figures[0].value == 100  # a percentage is not scaled
    assert cell_of("합계", a).figures == []


def test_lines_and_cells_are_the_callers_own():
    text = "가\t1\t2\n\n나\t 3 \t"
    lines = lines_of(text)
    lines.clear()
    assert [(ln.no, ln.text) for ln in lines_of(text)] == [(1, "가\t1\t2"), (2, ""), (3, "나\t 3 \t")]
    cells = split_cells("가\t 3 \t")
    cells.append("x")
    assert split_cells("가\t 3 \t") == ["가", "3"]


def test_table_kinds_match_joined_cells_as_cells():
    kind = TABLE_KINDS[0]
    cells = ["과목", "예산액", "징수결정액", "수납액"]
    assert kind.matches(cells) and kind.matches_joined("\x00".join(cells))
    # a synonym split over two cells is not in either cell
    assert not kind.matches(["예산", "액징수결정", "액"])
