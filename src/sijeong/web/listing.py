"""The body rows and the sortable header of the money listings (세출 사업, 세입) rendered in
Python: one call per page instead of a Jinja macro call per cell (50 rows × 22 columns).

The bytes are the ones ``money.html``'s loops wrote (their whitespace included): each row is
the loop body as Jinja rendered it, each money cell :func:`links.figure` (with the display
unit's divisor looked up once a page, and a source line's link and title built once a page),
the rate cell :func:`links.computed`, a row's open errors :func:`badges.badge`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from markupsafe import Markup, escape

from . import formatting as f
from . import links
from .badges import badge
from ..model.numbers import scaled_int

_MISSING = object()


def _text(row: dict, key: str) -> str:
    """``{{ r.key }}`` of a dict row: '' when the key is missing (Jinja's Undefined), the
    escaped value otherwise (None is 'None', as Jinja writes it)."""
    v = row.get(key, _MISSING)
    return "" if v is _MISSING else escape(v)


_TD = '\n        <td class="n">'
_TD_END = "</td>\n      "
_TD_NONE = _TD + '<span class="none">-</span>' + _TD_END
_RATE_END = "</td>\n        \n      "


def money_rows(rows: list[dict], columns: list[tuple[str, str]], kind: str, errs: Any, unit: str | None) -> Markup:
    """``money.html``'s former ``{% for r in rows %}…{% endfor %}``, byte for byte.

    A money cell is :func:`links.figure` of the field (kind "money"): its text in the display
    unit, linked to its line with the title ``원문 {doc} {line}행 (인쇄값 {raw})``. The pieces
    are appended to one list and joined once (no string per cell); a line's link and title
    are built once a page."""
    divisor = f.MONEY_UNITS[f.unit_key(unit)][1]
    tags = f.LEVEL_TAGS
    keys = [k for k, _ in columns]
    out: list[str] = []
    add = out.append
    programs = kind == "programs"
    # (doc, line) -> the cell up to the title's end ('<td…><a class="num" href="…" title="원문 … 행'),
    # or the '<td…><span class="num">' of a figure without a link (an unknown or computed source)
    opened: dict[tuple[str, int], tuple[str, bool]] = {}
    printed: dict[str, str] = {}  # raw -> its escaped " (인쇄값 raw)"

    def open_cell(doc: Any, line: Any) -> tuple[str, bool]:
        href = links._line_href(doc, line)
        if href is None:
            return _TD + '<span class="num">', False
        # the href needs no escaping (links.figure: a percent-quoted name, digits, /?=#)
        return f'{_TD}<a class="num" href="{href}" title="{escape(f"원문 {doc} {line}행")}', True

    for r in rows:
        level = r.get("level", _MISSING)
        lv = "" if level is _MISSING else escape(level)
        cls = f"level-{lv}" if programs else f"rev-{lv}"
        if kind == "revenues" and level is not _MISSING and level == 0:
            cls += " total"
        add(f'\n    <tr class="{cls}">\n      <th scope="row">')
        if programs and level is not _MISSING and level:
            add(f'<span class="tag">{escape(tags.get(level, level))}</span>')
        code = r.get("code")
        if code:
            add(f'<span class="tag">{escape(code)}</span>')
        add(_text(r, "name"))
        found = errs.row(r)
        if found:
            add(" " + badge(found))
        year = r.get("year")
        add(f'</th>\n      <td>{escape(r.get("department") or "-")}')
        if year:
            add(f' <span class="tag">{escape(year)}</span>')
        add("</td>\n      ")
        figs = r.get("figures")
        if not isinstance(figs, dict):
            figs = {}
        row_doc = r.get("source_doc")
        for key in keys:
            if key == "rate":
                add(_TD)
                add(links.computed(r.get("rate"), r.get("rate_sources"), "rate", unit))
                add(_RATE_END)
                continue
            # links.figure(r, key, "money", unit)
            value = r.get(key)
            fig = figs.get(key)
            if isinstance(fig, dict):
                if value is None:
                    value = fig.get("value")
                doc, line, raw = fig.get("doc", row_doc), fig.get("line"), fig.get("raw")
            elif value is None:
                add(_TD_NONE)
                continue
            else:
                doc, line, raw = row_doc, r.get("source_line"), None
            if type(value) is int:
                n = scaled_int(value, divisor) if divisor != 1 else value
                text = f"{n:,}" if n >= 0 else f.number(n, decimals=0)
            else:
                text = f.money(value, unit)
            if type(line) is int and type(doc) is str:  # 198 and 198.0 would share a key
                head = opened.get((doc, line))
                if head is None:
                    head = opened[(doc, line)] = open_cell(doc, line)
            else:
                head = open_cell(doc, line)
            start, linked = head
            add(start)
            if not linked:
                add(text)
                add("</span>" + _TD_END)
                continue
            if raw:
                tail = printed.get(raw) if type(raw) is str else None
                if tail is None:
                    tail = escape(f" (인쇄값 {raw})")
                    if type(raw) is str:
                        printed[raw] = tail
                add(tail)
            add('">')
            add(text)
            add("</a>" + _TD_END)
        add("\n    </tr>\n  ")
    return Markup("".join(out))


def sort_headers(request: Any, columns: list[tuple[str, str]], sort: str | None, order: str, cls: str = "") -> Markup:
    """``macros.html``'s ``sort_th(key, label, sort, order, cls)`` of each (key, label), joined:
    the link of each is the current URL with ``sort``/``order`` set and ``offset`` removed
    (``render.qs``)."""
    params = dict(request.query_params)
    params.pop("offset", None)
    path = request.url.path
    # urlencode({**params, "sort": key, "order": next_order}) of every column, the other
    # parameters quoted once: each one's "name=value" in the order the dict keeps (sort and
    # order where the URL had them, else after the rest)
    names = [*params, *(k for k in ("sort", "order") if k not in params)]
    quoted = {k: quote_plus(k) + "=" + quote_plus(v) for k, v in params.items() if k not in ("sort", "order")}
    out = []
    for key, label in columns:
        active = sort == key
        next_order = "asc" if active and order == "desc" else "desc"
        changed = {"sort": "sort=" + quote_plus(key), "order": "order=" + next_order}
        href = escape(path + "?" + "&".join([changed[k] if k in changed else quoted[k] for k in names]))
        th = f'<th scope="col" class="{escape(cls)}"'
        if active:
            th += f' aria-sort="{"descending" if order == "desc" else "ascending"}"'
        th += f'><a href="{href}">{escape(label)}'
        if active:
            th += f'<span aria-hidden="true">{" ▼" if order == "desc" else " ▲"}</span>'
        th += '<span class="sr-only">'
        if active:
            th += f'({"내림차순" if order == "desc" else "오름차순"} 정렬됨)'
        th += " 정렬</span></a></th>"
        out.append(th)
    return Markup("".join(out))
