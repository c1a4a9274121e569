"""The document view (issue 16): a table line is a grid (each tab-separated cell in its own
column, figures right-aligned), the page says why lines are highlighted, and a long document
is shown a window of lines at a time around the highlighted line (never the whole text)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

from sijeong.web.pages import documents

from .conftest import FIXTURES, document_line


def _fixture(name: str) -> list[str]:
    return (FIXTURES / name).read_text(encoding="utf-8").split("\n")


def test_a_table_line_is_a_row_of_cells_with_figures_right_aligned(client):
    lines = _fixture("consistent_report.txt")
    n = next(i for i, t in enumerate(lines, 1) if "\t" in t and re.search(r"\t[\d,]+\d(\t|$)", t))
    html = client.get(f"/documents/consistent_report.txt?lines={n}").text
    row = re.search(rf'<tr id="L{n}" class="hl">(.*?)</tr>', html, re.S)
    assert row, "the highlighted table line is a row of the grid"
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", row.group(1), re.S)
    assert [unescape(c) for _, c in cells] == lines[n - 1].split("\t")
    for attrs, text in cells:
        figure = bool(re.fullmatch(r"-?[\d,]+(\.\d+)?", unescape(text).strip()))
        assert ('class="n"' in attrs) == figure, (text, attrs)
    assert document_line(html, n) == (lines[n - 1], True)
    # a line without a tab stays a line of text
    m = next(i for i, t in enumerate(lines, 1) if t.strip() and "\t" not in t)
    assert re.search(rf'<li id="L{m}"', html)


def test_the_page_says_why_lines_are_highlighted(client):
    html = client.get("/documents/performance_report.txt?lines=13,14#L13").text
    why = re.search(r'<div class="panel doc-why" role="status">(.*?)</div>', html, re.S)
    assert why and "13행" in why.group(1) and "14행" in why.group(1)
    assert "이 행에서 읽혔습니다" in why.group(1)
    assert "doc-why" not in client.get("/documents/performance_report.txt").text  # nothing highlighted, nothing said


def test_window_around_the_first_highlighted_line():
    assert documents.window(100, [], None) == (1, 100)
    assert documents.window(5000, [], None) == (1, documents.WINDOW)
    first, last = documents.window(5000, [1483, 1501], None)
    assert first == 1483 - documents.CONTEXT and last == first + documents.WINDOW - 1
    assert documents.window(5000, [4990], None) == (5000 - documents.WINDOW + 1, 5000)  # the end shows a full page
    assert documents.window(5000, [3], None) == (1, documents.WINDOW)
    assert documents.window(5000, [], 777) == (777, 777 + documents.WINDOW - 1)
    assert documents.window(5000, [], 10 ** 8) == (5000 - documents.WINDOW + 1, 5000)


def test_blocks_group_runs_of_table_lines():
    text = ["제목", "가\t1\t2", "나\t3\t4", "", "끝\t5"]
    out = documents.blocks(text, 1, 5)
    assert [b["kind"] for b in out] == ["text", "table", "text", "table"]
    assert out[1]["rows"] == [(2, [("가", False), ("1", True), ("2", True)]), (3, [("나", False), ("3", True), ("4", True)])]
    assert documents.blocks(text, 2, 3) == [out[1]]


def test_a_long_document_is_paged(client, monkeypatch):
    lines = _fixture("consistent_report.txt")
    monkeypatch.setattr(documents, "WINDOW", 50)
    monkeypatch.setattr(documents, "CONTEXT", 10)
    n = 200
    html = client.get(f"/documents/consistent_report.txt?lines={n},{len(lines) - 5}").text
    shown = sorted(int(x) for x in re.findall(r'<(?:li|tr) id="L(\d+)"', html))
    assert shown == list(range(n - 10, n - 10 + 50))
    assert document_line(html, n) == (lines[n - 1], True)
    pager = re.search(r'<nav class="doc-pager" aria-label="원문 쪽 이동">(.*?)</nav>', html, re.S).group(1)
    assert f"{n - 10}–{n + 39}행 / 전체 {len(lines)}행" in pager
    hrefs = [unquote(unescape(h)) for h in re.findall(r'href="([^"]+)"', pager)]
    assert f"?lines={n},{len(lines) - 5}&start={n + 40}" in hrefs and f"?lines={n},{len(lines) - 5}&start=1" in hrefs
    # a highlighted line outside the window is linked to the page that shows it
    far = len(lines) - 5
    assert f"?lines={n},{far}&start={far - 10}#L{far}" in [unquote(unescape(h)) for h in re.findall(r'href="([^"]+)"', html)]
    nxt = client.get(f"/documents/consistent_report.txt?lines={n},{far}&start={far - 10}").text
    assert document_line(nxt, far) == (lines[far - 1], True)
    assert document_line(nxt, n) is None


def test_pages_name_documents_by_their_title(client):
    """Issue 16: a source link says which document by its year and title (the file name stays
    in the link and its tooltip), on the findings work list, a finding and an indicator."""
    titled = {d["name"]: d for d in client.get("/documents.json").json()["items"] if d.get("title")}
    assert titled
    finding = next(f for f in client.get("/findings.json?limit=500").json()["items"]
                   if f.get("doc") in titled and f.get("lines"))
    doc = titled[finding["doc"]]
    label = f"{doc['year']}년 {doc['title']}" if doc.get("year") else doc["title"]
    for html in (client.get(f"/findings/{finding['id']}").text, client.get("/findings?limit=500").text):
        link = re.search(rf'<a href="/documents/{re.escape(doc["name"])}\?lines=[^"]+" title="{re.escape(doc["name"])}">([^<]+)</a>',
                         unescape(html))
        assert link and link.group(1).startswith(label), link and link.group(1)
    ind = next(i for i in client.get("/api/v1/indicators?limit=500").json()["items"] if i["source"]["doc"] in titled)
    d = titled[ind["source"]["doc"]]
    html = unescape(client.get(f"/indicators/{ind['id']}").text)
    want = f"{d['year']}년 {d['title']}" if d.get("year") else d["title"]
    assert f"{want} {ind['source']['line']}행</a>" in html
