"""With the three real documents loaded: figures on the pages agree with the documents.

The expected values below were read by hand from 004_c3ede251798e8a7a.txt (FY2020
settlement and performance report); each test also checks that the linked line prints them.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest

from .conftest import REAL_DOCS, document_line

pytestmark = pytest.mark.real
DOC = "004_c3ede251798e8a7a.txt"


def line_of(doc: str, n: int) -> str:
    return (REAL_DOCS / doc).read_text(encoding="utf-8").split("\n")[n - 1]


def link_for(html: str, text: str) -> tuple[str, int]:
    m = re.search(r'<a class="num" href="/documents/([^"?]+)\?lines=(\d+)#L\d+"[^>]*>' + re.escape(text) + "</a>", html)
    assert m, f"no source link for {text}"
    return unquote(m.group(1)), int(m.group(2))


def test_dashboard_execution_of_gihoek(real_client):
    html = real_client.get("/dashboard?year=2020").text
    section = html[html.index('id="h-exec"'):]
    row = re.search(r'기획담당관</a></th>(.*?)</tr>', section, re.S).group(1)
    for value in ("20,626,294,000", "18,362,055,610"):
        assert value in row
        doc, n = link_for(row, value)
        assert doc == DOC and value in line_of(doc, n) and line_of(doc, n).startswith("기획담당관")


def test_dashboard_summary_and_units(real_client):
    html = real_client.get("/dashboard?year=2020").text
    for value in ("18,362,055,610", "17,881,959,950", "480,095,660"):
        doc, n = link_for(html, value)
        assert value in line_of(doc, n)
    html_m = real_client.get("/dashboard?year=2020&unit=million").text
    assert ">18,362<" in html_m and ">17,882<" in html_m  # 백만원, rounded half up
    real_client.get("/dashboard?unit=won")


def test_indicator_page_figures(real_client):
    items = real_client.get("/api/v1/indicators", params={"year": 2020, "department": "기획담당관", "limit": 100}).json()["items"]
    ind = next(i for i in items if i["name"].startswith("정책자문단"))
    assert (ind["target"], ind["actual"], ind["rate"], ind["grade"]) == (12, 3, 25, "×")
    html = real_client.get(f"/indicators/{ind['id']}").text
    assert "자문단 자문건수" in html
    doc, n = link_for(html, "25%")
    assert "25%" in line_of(doc, n)
    assert "2019년" in html and ">140%<" in html  # the '19 column of the same table
    assert "성과 미달성 원인분석" in html  # its 성과분석


def test_findings_and_document_drill_down(real_client):
    data = real_client.get("/findings.json?limit=5").json()
    assert data["total"] >= 1
    f = next(i for i in data["items"] if i["lines"])
    doc_html = real_client.get(f"/documents/{f['doc']}?lines={f['lines'][0]}").text
    assert document_line(doc_html, f["lines"][0]) == (line_of(f["doc"], f["lines"][0]), True)


def _in_tree_order(programs: list[dict]) -> list[str]:
    """Names out of place: each program must come right inside the subtree of its parent
    (its parent on the path from the first program to the one before it)."""
    path: list[str] = []
    wrong = []
    for p in programs:
        while path and path[-1] != p.get("parent"):
            path.pop()
        if programs.index(p) and not path:
            wrong.append(p["name"])
        path.append(p["name"])
    return wrong


def test_every_department_lists_its_programs_in_tree_order(real_client):
    """A 세부사업 printed only in the 관련 예산사업 결산현황 table (issue 16) sits under its
    단위사업 on the department page and in /programs, never after 기본경비."""
    departments = real_client.get("/api/v1/departments?year=2020&limit=500").json()["items"]
    assert departments
    checked = 0
    for d in departments:
        page = real_client.get(f"/departments/{d['name']}.json?year=2020").json()
        for sg in page["strategic_goals"]:
            for pg in sg.get("policy_goals", []):
                if pg.get("programs"):
                    checked += 1
                    assert _in_tree_order(pg["programs"]) == [], (d["name"], [p["name"] for p in pg["programs"]])
        listed = real_client.get(f"/programs.json?year=2020&department={d['name']}&limit=500").json()["items"]
        assert _in_tree_order(listed) == [], (d["name"], [p["name"] for p in listed])
    assert checked
