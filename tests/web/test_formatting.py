"""Number formatting of the pages: a reported rate is shown with the decimals it was printed with."""

from __future__ import annotations

from sijeong.web import formatting as f
from sijeong.web import links


def test_a_reported_rate_keeps_its_printed_decimals():
    # 99.95% is ×; shown as "100%" it would read as ○ beside the × grade
    assert f.plain_rate(99.95) == "99.95%"
    assert f.plain_rate(-3.25) == "△3.25%"
    assert f.plain_rate(123) == "123%"
    row = {"rate": 99.95, "figures": {"rate": {"raw": "99.95", "line": 3, "unit": "%", "value": 99.95}},
           "source_doc": "a.txt", "source_line": 3}
    html = str(links.figure(row, "rate", "rate"))
    assert ">99.95%<" in html and "lines=3" in html


def test_a_computed_rate_is_rounded_to_two_decimals():
    assert f.plain_rate(95.23456) == "95.23%"
    assert "95.23%" in str(links.computed(95.23456, {"a.txt": {4, 5}}, "rate"))
