"""Legible charts (issue 16): a value label sits inside its bar, white on the series colour at
4.5:1 or better; an empty segment or a bar too short for its label prints nothing over its
neighbours; a trend's y-axis starts at zero. Geometry is read from the SVG pygal writes (the
rect each label belongs to), so these run without a browser."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sijeong.web import charts

SERIES = re.compile(r'<g class="series serie-(\d+) color-\d+"[^>]*>(.*?)</g></g>', re.S)
RECT = re.compile(r'<g class="bar"><rect x="[^"]*" y="[^"]*" rx="0" ry="0"(?: width="([^"]*)")?(?: height="([^"]*)")?')
OVERLAY = re.compile(r'class="plot text-overlay">(.*?</g>)</g>', re.S)
LABELS = re.compile(r'<g class="series serie-(\d+) color-\d+"[^>]*>(.*?)</g>', re.S)
TEXT = re.compile(r'class="value">([^<]*)</text>')


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def labels_and_boxes(svg: str) -> list[tuple[str, float, float]]:
    """(label, width, height) of every printed value label and the bar it belongs to."""
    main = svg.split('class="plot overlay"')[0]
    rects = {int(m.group(1)): [(float(w or 0), float(h or 0)) for w, h in RECT.findall(m.group(2))]
             for m in SERIES.finditer(main)}
    out = []
    overlay = OVERLAY.search(svg)
    assert overlay, "a bar chart has a text overlay"
    for m in LABELS.finditer(overlay.group(1)):
        for text, (w, h) in zip(TEXT.findall(m.group(2)), rects[int(m.group(1))]):
            out.append((text, w, h))
    return out


def test_bar_label_colour_reads_on_every_series_colour():
    for colour in (*charts.STYLE.colors, *charts.GRADE_COLORS):
        assert contrast(charts.BAR_LABEL, colour) >= 4.5, colour
    css = charts.stylesheet()
    assert f".pygal-chart.bar-chart .text-overlay [class*=\"color-\"] text{{fill:{charts.BAR_LABEL}}}" in css
    # the rule comes after pygal's black one, which line charts (labels on white) keep
    assert css.index("bar-chart .text-overlay") > css.index('.text-overlay [class*="color-"] text{fill:black}')


def test_empty_segments_print_nothing_and_the_rest_print_their_values():
    svg = str(charts.bar("t", ["감사담당관", "기획담당관"], {"◎": [None, 2], "○": [3, 3], "×": [0, 5]},
                         desc="d", horizontal=True, stacked=True, value_suffix="개", colors=charts.GRADE_COLORS))
    assert 'class="pygal-chart chart bar-chart"' in svg
    printed = [t for t, _, _ in labels_and_boxes(svg) if t]
    assert "0개" not in printed and "-개" not in printed
    assert sorted(printed) == sorted(["2개", "3개", "3개", "5개"])


def test_a_bar_too_short_for_its_label_prints_nothing():
    svg = str(charts.bar("t", ["가", "나"], {"집행률(%)": [0.4, 95.2]}, desc="d", horizontal=True, value_suffix="%"))
    printed = {t for t, _, _ in labels_and_boxes(svg) if t}
    assert printed == {"95.2%"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 60)), min_size=3, max_size=3), min_size=1, max_size=8),
       st.booleans())
def test_every_printed_label_fits_inside_its_bar(rows, stacked):
    labels = [f"부서{i}" for i in range(len(rows))]
    series = {name: [row[k] for row in rows] for k, name in enumerate(["◎", "○", "×"])}
    svg = str(charts.bar("t", labels, series, desc="d", horizontal=True, stacked=stacked, value_suffix="개",
                         colors=charts.GRADE_COLORS))
    for text, width, height in labels_and_boxes(svg):
        if text:
            assert charts.label_width(text) < width and charts.STYLE.value_font_size < height, (text, width, height)
    # nothing is lost: every non-zero value that fits is printed (the table has the rest)
    assert all(t == "" or t.endswith("개") for t, _, _ in labels_and_boxes(svg))


def test_a_trend_starts_at_zero():
    svg = str(charts.line("t", ["2019년", "2020년"], {"목표": [3.4, 4.0], "실적": [3.5, 4.2]}, desc="d"))
    y_axis = re.search(r'<g class="axis y[^"]*">(.*?)</g></g>', svg, re.S).group(1)
    ticks = [float(t.replace(",", "")) for t in re.findall(r">(-?[\d.,]+)</text>", y_axis)]
    assert min(ticks) == 0, ticks
    assert 'bar-chart' not in svg  # labels of a line sit on white: pygal's black stays
