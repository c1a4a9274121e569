"""The money listings' rows and sortable headers, rendered in Python (web/listing.py), give
the bytes the former Jinja loops of ``money.html`` gave — kept here as the reference — for
rows with every odd shape: a missing key, a None, a negative amount, a figure of another
document, a figure without a line, a figure whose value is kept only in ``figures``, a
computed source, a raw print with characters to escape, every display unit, revenues' total
row, open-error badges, and a sorted column."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from sijeong.model.vocabulary import PROGRAM_COLUMNS, REVENUE_COLUMNS
from sijeong.web import listing
from sijeong.web.badges import badge
from sijeong.web.render import make_templates

OLD_ROWS = """{% for r in rows %}
    <tr class="{% if kind == 'programs' %}level-{{ r.level }}{% else %}rev-{{ r.level }}{% endif %}{% if (kind == 'revenues' and r.level == 0) %} total{% endif %}">
      <th scope="row">{% if kind == "programs" and r.level %}<span class="tag">{{ LEVEL_TAGS.get(r.level, r.level) }}</span>{% endif %}{% if r.code %}<span class="tag">{{ r.code }}</span>{% endif %}{{ r.name }}{% set re_ = errs.row(r) %}{% if re_ %} {{ badge(re_) }}{% endif %}</th>
      <td>{{ r.department or "-" }}{% if r.year %} <span class="tag">{{ r.year }}</span>{% endif %}</td>
      {% for key, label in columns %}
        {% if key == "rate" %}<td class="n">{{ calc(r.rate, r.rate_sources, "rate") }}</td>
        {% else %}<td class="n">{{ fig(r, key, "money") }}</td>{% endif %}
      {% endfor %}
    </tr>
  {% endfor %}"""

OLD_HEADERS = """{% from "macros.html" import sort_th with context %}{{ sort_th("name", "사업", sort, order) }}|{% for key, label in columns %}{{ sort_th(key, label, sort, order, "n") }}{% endfor %}"""

DOC = "가나시_2020_결산 <보고서>&.txt"


class Errs:
    def __init__(self, by_name):
        self.by_name = by_name

    def row(self, r):
        return self.by_name.get(r.get("name"), [])


def rows(kind: str) -> list[dict]:
    keys = [k for k, _ in (PROGRAM_COLUMNS if kind == "programs" else REVENUE_COLUMNS) if k != "rate"]
    out = []
    for i in range(12):
        r = {"name": f"사업 {i} <&\"'>", "level": ["policy", "unit", "detail", "total", 0, 1, None, "기타<x>"][i % 8],
             "code": ["A-1", None, "", "<b>"][i % 4], "department": ["감사과", None, ""][i % 3],
             "year": [2020, None][i % 2], "source_doc": DOC if i % 5 else "<computed>", "source_line": 10 + i,
             "municipality": "가나시"}
        figs = {}
        for j, k in enumerate(keys):
            v = [1_234_567_890, -4_500, 0, None, 499, 1_500_000, 2.5, -1_499_999][(i + j) % 8]
            if (i + j) % 7 == 3:
                continue  # no column value and no figure: '-'
            r[k] = v
            if (i + j) % 6 == 0:
                continue  # a value without a figure: the row's own line
            fig = {"line": 100 + (i + j) % 4, "raw": [f"{v}", "1,234 <주>", "", None][(i + j) % 4], "unit": "원", "value": v}
            if (i + j) % 9 == 0:
                fig["doc"] = "다른 문서 & 부록.txt"
            if (i + j) % 11 == 0:
                fig.pop("line")
            if (i + j) % 13 == 0:
                r.pop(k)  # the value kept only in the figure
            figs[k] = fig
        if i % 10 != 9:
            r["figures"] = figs
        if i == 4:
            r.pop("name")
            r.pop("level")
            r.pop("year")
        r["rate"] = [97.456, None, 100.0, 12.345, -3.5][i % 5]
        r["rate_sources"] = [{DOC: {10 + i, 12}}, {}, None, {"b.txt": {3}, "a.txt": {5, 1}}][i % 4]
        out.append(r)
    return out


FINDINGS = {"사업 1 <&\"'>": [{"id": 7, "message": "합계가 <맞지> 않음", "expected": 10, "actual": 12, "rule": "sum.x"}],
            "사업 3 <&\"'>": [{"id": 8, "message": "m", "expected": 1.5, "actual": 2, "rule": "cross.y"},
                              {"id": 9, "message": "n", "expected": None, "actual": None, "rule": "z"}]}


@pytest.mark.parametrize("kind", ["programs", "revenues"])
@pytest.mark.parametrize("unit", ["won", "thousand", "million", None])
def test_rows_as_the_template_wrote_them(kind, unit):
    env = make_templates().env
    columns = PROGRAM_COLUMNS if kind == "programs" else REVENUE_COLUMNS
    data = rows(kind)
    errs = Errs(FINDINGS)
    old = env.from_string(OLD_ROWS).render(rows=data, columns=columns, kind=kind, errs=errs, badge=badge, unit=unit)
    assert str(listing.money_rows(data, columns, kind, errs, unit)) == old


@pytest.mark.parametrize("query", ["", "municipality=%EA%B0%80&year=2020&limit=50&offset=100",
                                   "sort=spent&order=desc&limit=50", "order=asc&sort=name&offset=50",
                                   "sort=rate&order=asc&x=%3Cb%3E%26",
                                   # one of sort / order only; a key twice; '+', spaces, '~' and '=' in values
                                   "sort=spent&municipality=%EA%B0%80", "order=asc&department=a+b%2Bc%7E",
                                   "year=2019&year=2020&sort=name&year=2021", "q=a%3Db&unit=thousand&level="])
def test_headers_as_the_macro_wrote_them(query):
    env = make_templates().env
    request = Request({"type": "http", "method": "GET", "path": "/programs", "query_string": query.encode(),
                       "headers": [], "scheme": "http", "server": ("t", 80), "root_path": ""})
    params = dict(request.query_params)
    sort, order = params.get("sort"), params.get("order", "desc")
    old = env.from_string(OLD_HEADERS).render(request=request, columns=PROGRAM_COLUMNS, sort=sort, order=order)
    new = (str(listing.sort_headers(request, [("name", "사업")], sort, order)) + "|"
           + str(listing.sort_headers(request, PROGRAM_COLUMNS, sort, order, "n")))
    assert new == old
