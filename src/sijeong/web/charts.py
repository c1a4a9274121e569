"""Server-side SVG charts with pygal, inlined in the pages.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by a ``<desc>``
that states the numbers; the page always shows the same data as a table next to it. No
script: pygal's tooltips (which would load JavaScript from the web) are turned off.
"""

from __future__ import annotations

import re
from itertools import count
from typing import Sequence

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

_ids = count(1)

FONT = "'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    opacity="1",
    opacity_hover="1",
    colors=("#1d4f91", "#c2410c", "#2f7d32", "#6b4fa1", "#8a6d00", "#0f766e"),
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
)


def _config(chart_cls, title: str, **kw):
    chart = chart_cls(
        style=kw.pop("style", STYLE),
        js=[],  # no script, no network
        disable_xml_declaration=True,
        explicit_size=False,
        width=kw.pop("width", 720),
        height=kw.pop("height", 360),
        title=None,  # the page's heading/caption names the chart
        print_values=kw.pop("print_values", True),
        legend_at_bottom=True,
        truncate_label=-1,
        **kw,
    )
    return chart


def _finish(svg: str, title: str, desc: str) -> Markup:
    n = next(_ids)
    tid, did = f"chart-title-{n}", f"chart-desc-{n}"
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r"<desc[^>]*>.*?</desc>", "", svg, flags=re.S)
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace('class="pygal-chart"', 'class="pygal-chart chart"', 1)
    head = f'<svg role="img" aria-labelledby="{tid} {did}" focusable="false"'
    svg = re.sub(r"^<svg", head, svg.strip(), count=1)
    svg = re.sub(
        r"(<svg[^>]*>)",
        lambda m: m.group(1) + f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>',
        svg,
        count=1,
    )
    return Markup(f'<figure class="chart-box">{svg}</figure>')


def bar(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *,
        desc: str, horizontal: bool = False, value_suffix: str = "", stacked: bool = False,
        colors: Sequence[str] | None = None) -> Markup:
    cls = {(False, False): pygal.Bar, (True, False): pygal.HorizontalBar,
           (False, True): pygal.StackedBar, (True, True): pygal.HorizontalStackedBar}[(horizontal, stacked)]
    height = max(260, 60 + 44 * len(labels)) if horizontal else 360
    style = STYLE
    if colors:
        style = Style(**{**{k: getattr(STYLE, k) for k in dir(STYLE) if not k.startswith("_") and not callable(getattr(STYLE, k))},
                         "colors": tuple(colors)})
    longest = max((len(x) for x in labels), default=4)
    chart = _config(cls, title, height=height, style=style,
                    value_formatter=lambda v: _fmt(v) + value_suffix,
                    x_label_rotation=0 if horizontal else 20,
                    margin_left=(min(longest, 18) * 7 if horizontal else 20))
    chart.x_labels = [_short(x) for x in labels]
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _finish(chart.render(is_unicode=True), title, desc)


def line(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *,
         desc: str, value_suffix: str = "") -> Markup:
    chart = _config(pygal.Line, title, height=320, value_formatter=lambda v: _fmt(v) + value_suffix,
                    dots_size=5, allow_interruptions=True)
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _finish(chart.render(is_unicode=True), title, desc)


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"


def _short(label: str, n: int = 18) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"

#: ◎ 초과달성, ○ 달성, × 미달성 — the same hues as the grade badges
GRADE_COLORS = ("#0b4f8a", "#2f7d32", "#b42318")
