"""Server-side SVG charts with pygal, inlined in the pages.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by a ``<desc>``
that states the numbers; the page always shows the same data as a table next to it. No
script: pygal's tooltips (which would load JavaScript from the web) are turned off.

No inline style either, so the pages' Content-Security-Policy can say ``style-src 'self'``:
pygal writes a ``<style>`` into every SVG (its own stylesheet scoped to a random
``#chart-uuid``) and ``style="opacity: 0"`` on the tooltip. ``_finish`` removes both; the
palette-independent rules are the static ``/static/charts.css`` (``stylesheet()`` makes it,
a test keeps the file equal to it) and each series' colour becomes ``fill``/``stroke``
presentation attributes on the elements of class ``color-N`` (attributes are not styles,
and a chart may have its own palette).

Rendering is the costly part of a page (pygal), so a chart is cached (LRU) keyed on
everything it is drawn from: kind, title, labels, values, description and options. A new
ingest changes the values, hence the key, so the cache never serves stale numbers and holds
nothing that is not a function of the database's content. Ids are derived from that key
too, so every worker process writes the same HTML for the same data.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any, Sequence

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

#: charts kept per process (an SVG is 10–40 kB)
CACHE_SIZE = 1024

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
        print_zeroes=False,  # an empty segment has no label to print over its neighbours
        legend_at_bottom=True,
        truncate_label=-1,
        **kw,
    )
    return chart


def _styled(colors: Sequence[str] | None) -> Style:
    if not colors:
        return STYLE
    fields = {k: getattr(STYLE, k) for k in dir(STYLE) if not k.startswith("_") and not callable(getattr(STYLE, k))}
    return Style(**{**fields, "colors": tuple(colors)})


_STYLE_EL = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")
_COLOR_RULE = re.compile(r"\.color-(\d+),[^{]*\{stroke:([^;}]+);fill:([^;}]+)\}")
_TAG_WITH_CLASS = re.compile(r'<(\w+)([^<>]*?)\sclass="([^"]*)"([^<>]*?)(/?)>')


def _finish(svg: str, title: str, desc: str, key: str = "") -> Markup:
    """pygal's SVG made accessible and free of script and inline style (see the module doc)."""
    n = hashlib.sha1((key or svg).encode("utf-8")).hexdigest()[:10]
    cid, tid, did = f"chart-{n}", f"chart-title-{n}", f"chart-desc-{n}"
    css = "".join(_STYLE_EL.findall(svg))
    colors = {int(i): (stroke.strip(), fill.strip()) for i, stroke, fill in _COLOR_RULE.findall(_CHART_ID.sub("", css))}
    svg = _STYLE_EL.sub("", svg)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r"<desc[^>]*>.*?</desc>", "", svg, flags=re.S)
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    svg = re.sub(r'\sstyle="[^"]*"', "", svg)  # only the hidden tooltip has one; charts.css hides it
    svg = re.sub(r'\sid="chart-[0-9a-f-]+"', f' id="{cid}"', svg, count=1)

    def paint(m: re.Match) -> str:
        found = re.search(r"(?:^|\s)color-(\d+)(?:\s|$)", m.group(3))
        if not found or int(found.group(1)) not in colors or " fill=" in m.group(2) + m.group(4):
            return m.group(0)
        stroke, fill = colors[int(found.group(1))]
        return f'<{m.group(1)}{m.group(2)} class="{m.group(3)}"{m.group(4)} fill="{fill}" stroke="{stroke}"{m.group(5)}>'

    svg = _TAG_WITH_CLASS.sub(paint, svg)
    svg = svg.replace('class="pygal-chart', 'class="pygal-chart chart', 1)
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
        colors: Sequence[str] | None = None, height: int | None = None, show_y_labels: bool = True,
        margin_left: int | None = None) -> Markup:
    return _cached("bar", title, tuple(labels), _frozen(series), desc,
                   (("horizontal", horizontal), ("stacked", stacked), ("value_suffix", value_suffix),
                    ("colors", tuple(colors) if colors else None), ("height", height),
                    ("show_y_labels", show_y_labels), ("margin_left", margin_left)))


def line(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *,
         desc: str, value_suffix: str = "") -> Markup:
    return _cached("line", title, tuple(labels), _frozen(series), desc, (("value_suffix", value_suffix),))


def _frozen(series: dict[str, Sequence[float | None]]) -> tuple:
    return tuple((name, tuple(None if v is None else float(v) for v in values)) for name, values in series.items())


@lru_cache(maxsize=CACHE_SIZE)
def _cached(kind: str, title: str, labels: tuple, series: tuple, desc: str, options: tuple) -> Markup:
    key = repr((kind, title, labels, series, desc, options))
    opts: dict[str, Any] = dict(options)
    if kind == "line":
        chart = _config(pygal.Line, title, height=320, value_formatter=lambda v: _fmt(v) + opts["value_suffix"],
                        dots_size=5, allow_interruptions=True, include_x_axis=True)  # zero-based: 3.4 → 4.2 is no leap
        chart.x_labels = list(labels)
    else:
        horizontal, stacked = opts["horizontal"], opts["stacked"]
        cls = {(False, False): pygal.Bar, (True, False): pygal.HorizontalBar,
               (False, True): pygal.StackedBar, (True, True): pygal.HorizontalStackedBar}[(horizontal, stacked)]
        height = opts["height"] or (max(260, 60 + 44 * len(labels)) if horizontal else 360)
        longest = max((len(x) for x in labels), default=4)
        margin_left = opts["margin_left"]
        if margin_left is None:
            margin_left = min(longest, 18) * 7 if horizontal else 20
        chart = _config(cls, title, height=height, style=_styled(opts["colors"]),
                        value_formatter=lambda v: _fmt(v) + opts["value_suffix"],
                        x_label_rotation=0 if horizontal else 20, margin_left=margin_left,
                        show_y_labels=opts["show_y_labels"])
        chart.x_labels = [_short(x) for x in labels]
    for name, values in series:
        chart.add(name, list(values))
    svg = chart.render(is_unicode=True)
    if kind == "bar":
        svg = fit_bar_labels(svg).replace('class="pygal-chart"', 'class="pygal-chart bar-chart"', 1)
    return _finish(svg, title, desc, key)


_SERIES_G = re.compile(r'<g class="series serie-(\d+) color-\d+">(.*?)</g></g>', re.S)
_RECT = re.compile(r'<g class="bar"><rect x="[^"]*" y="[^"]*" rx="0" ry="0"(?: width="([^"]*)")?(?: height="([^"]*)")?')
_OVERLAY = re.compile(r'(<g transform="[^"]*" class="plot text-overlay">)(.*?</g>)(</g>)', re.S)
_VALUE_TEXT = re.compile(r'(<text text-anchor="middle" x="[^"]*" y="[^"]*" class="value">)([^<]*)(</text>)')


def label_width(text: str, size: float = STYLE.value_font_size) -> float:
    """The width a value label takes (px): Hangul a full em, digits and signs a bit over half."""
    return sum(size if ord(ch) >= 0x1100 else 0.62 * size for ch in text)


def fit_bar_labels(svg: str) -> str:
    """Each bar's value label is printed inside its bar, white on the series colour (charts.css,
    ``.bar-chart``); a label its bar cannot hold (a short bar, a thin segment of a stacked bar)
    is left out rather than printed over a neighbour or on the white ground: the table beside
    every chart has the number."""
    rects: dict[int, list[tuple[float, float]]] = {}
    for m in _SERIES_G.finditer(svg.split('class="plot overlay"')[0]):
        rects[int(m.group(1))] = [(float(w or 0), float(h or 0)) for w, h in _RECT.findall(m.group(2))]
    size = STYLE.value_font_size

    def series(m: re.Match) -> str:
        boxes = iter(rects.get(int(m.group(1)), []))

        def one(t: re.Match) -> str:
            width, height = next(boxes, (0.0, 0.0))
            text = t.group(2)
            if text and (label_width(text) + 4 > width or size + 2 > height):
                text = ""
            return t.group(1) + text + t.group(3)

        return _VALUE_TEXT.sub(one, m.group(0))

    def overlay(m: re.Match) -> str:
        body = re.sub(r'<g class="series serie-(\d+) color-\d+">.*?</g>', series, m.group(2), flags=re.S)
        return m.group(1) + body + m.group(3)

    return _OVERLAY.sub(overlay, svg, count=1)


def cache_info():
    """Hits, misses and size of the chart cache (for benchmarks and tests)."""
    return _cached.cache_info()


def stylesheet() -> str:
    """pygal's stylesheet for ``STYLE`` with the chart id replaced by ``.pygal-chart`` and the
    series colours left out (they are attributes, see ``_finish``): ``static/charts.css``."""
    chart = _config(pygal.Bar, "")
    chart.add("a", [1.0])
    css = "".join(_STYLE_EL.findall(chart.render(is_unicode=True)))
    css = _CHART_ID.sub(".pygal-chart", css).replace("&gt;", ">")
    rules = [r.strip() + "}" for r in css.split("}") if r.strip()]
    keep = [r for r in rules if ".color-" not in r]
    keep.append('.pygal-chart .text-overlay [class*="color-"] text{fill:black}')
    # bar labels sit inside their bar (fit_bar_labels): white on the dark series colours (≥ 4.5:1)
    keep.append(f'.pygal-chart.bar-chart .text-overlay [class*="color-"] text{{fill:{BAR_LABEL}}}')
    keep.append(".pygal-chart .tooltip{display:none}")
    return "/* made by sijeong.web.charts.stylesheet() from pygal's own CSS; do not edit */\n" + "\n".join(keep) + "\n"


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"


def _short(label: str, n: int = 18) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"

#: the colour of a value label inside a bar: every series colour must hold it at 4.5:1
BAR_LABEL = "#ffffff"

#: ◎ 초과달성, ○ 달성, × 미달성 — the same hues as the grade badges
GRADE_COLORS = ("#0b4f8a", "#2f7d32", "#b42318")
