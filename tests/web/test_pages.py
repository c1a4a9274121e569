"""In-process tests of the pages against create_app on a SQLite DB loaded from tests/fixtures."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest

from .conftest import FIXTURES, document_line

PAGES = ["/dashboard", "/departments", "/indicators", "/programs", "/revenues", "/plans", "/findings", "/documents"]
NUM_LINK = re.compile(r'<a class="num" href="(/documents/[^"]+)" title="([^"]+)">(.*?)</a>', re.S)


def fixture_line(doc: str, line: int) -> str:
    return (FIXTURES / doc).read_text(encoding="utf-8").split("\n")[line - 1]


def test_root_redirects_to_latest_year_dashboard(client, fixture_db):
    _, docs = fixture_db
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 302
    years = {rec.year for d in docs for rec in d.records if type(rec).__name__ in ("Indicator", "Program", "Revenue") and rec.year}
    assert f"year={max(years)}" in r.headers["location"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_korean_accessible_and_self_contained(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    html = r.text
    assert '<html lang="ko">' in html
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert "<script" not in html  # pages render without client script
    external = [u for u in re.findall(r'(?:src|href)="(https?://[^"]+)"', html)]
    assert external == []
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        assert "<caption>" in table
        assert re.search(r'<th scope="(col|row)"', table)


def twinned_routes(app) -> list:
    """The GET routes of the app (from ``app.routes``, included routers too) that have a
    ``.json`` twin route: ``/indicators`` and ``/indicators.json``, ``/departments/{name}`` and
    ``/departments/{name}.json``."""
    from fastapi.routing import APIRoute, iter_route_contexts

    contexts = [c for c in iter_route_contexts(app.routes)
                if isinstance(c.original_route, APIRoute) and "GET" in (c.methods or ())]
    paths = {c.path for c in contexts}
    return [c for c in contexts if not c.path.endswith(".json") and c.path + ".json" in paths]


def test_every_page_has_a_json_twin(app, client):
    """Every page route with a ``.json`` twin, enumerated from the app's routes, its path
    parameters filled with names and ids that exist: the page is HTML, the twin a JSON object."""
    from .test_concurrency import route_urls

    twinned = twinned_routes(app)
    assert {"/dashboard", "/indicators", "/indicators/{indicator_id}", "/departments/{name}",
            "/citizens"} <= {c.path for c in twinned}
    urls = route_urls(app, client, pdf=False)
    asked = []
    for context in twinned:
        url = next((u for u in urls if context.path_regex.match(u.split("?")[0]) and ".json" not in u.split("?")[0]), None)
        assert url is not None, f"{context.path}: no URL for the route"
        base, sep, query = url.partition("?")
        page = client.get(url)
        assert page.status_code == 200, (url, page.text[:300])
        assert page.headers["content-type"].startswith("text/html"), url
        twin = client.get(base + ".json" + sep + query)
        assert twin.status_code == 200, (url, twin.text[:300])
        assert twin.headers["content-type"].startswith("application/json"), url
        assert isinstance(twin.json(), dict), url
        asked.append(context.path)
    assert len(asked) == len(twinned)


def test_number_links_point_at_lines_that_print_them(client):
    """Every printed-figure link on the dashboard and the department page goes to a line
    whose text contains the figure as printed (the title carries the raw token)."""
    checked = 0
    for path in ["/dashboard?year=2020", "/departments/%ED%96%87%EC%82%B4%EC%A0%95%EC%B1%85%EB%8B%B4%EB%8B%B9%EA%B4%80?year=2020",
                 "/programs", "/revenues", "/indicators"]:
        html = client.get(path).text
        for href, title, _text in NUM_LINK.findall(html):
            m = re.match(r"/documents/([^?]+)\?lines=(\d+)#L(\d+)", unescape(href))
            assert m, href
            doc, line = unquote(m.group(1)), int(m.group(2))
            assert int(m.group(3)) == line
            raw = re.search(r"인쇄값 (.+)\)$", unescape(title))
            if raw:
                assert raw.group(1) in fixture_line(doc, line), (path, doc, line, raw.group(1))
                checked += 1
    assert checked >= 20


def test_dashboard_counts_match_the_records(client, fixture_db):
    _, docs = fixture_db
    data = client.get("/dashboard.json?year=2020").json()
    grades = [r.grade or r.grade_computed for d in docs for r in d.records
              if type(r).__name__ == "Indicator" and r.year == 2020]
    for g in ("◎", "○", "×"):
        assert data["grade_totals"][g] == grades.count(g)
    missed = [r.name for d in docs for r in d.records if type(r).__name__ == "Indicator" and r.year == 2020
              and (r.grade or r.grade_computed) == "×"]
    assert sorted(m["name"] for m in data["missed"]) == sorted(missed)


def test_money_unit_changes_display_and_is_remembered(client, fixture_db):
    _, docs = fixture_db
    prog = next(r for d in docs for r in d.records if type(r).__name__ == "Program" and r.spent and r.spent % 1000 == 0
                and r.spent >= 1_000_000)
    won = f"{prog.spent:,}"
    thousand = f"{prog.spent // 1000:,}"
    assert won in client.get("/programs").text
    r = client.get("/programs?unit=thousand")
    assert "단위: 천원" in r.text and thousand in r.text
    assert r.cookies.get("unit") == "thousand" or "unit=thousand" in r.headers.get("set-cookie", "")
    r2 = client.get("/programs")  # the cookie is remembered
    assert "단위: 천원" in r2.text
    client.get("/programs?unit=won")


@pytest.mark.parametrize("table,column", [("programs", "spent"), ("programs", "rate"), ("revenues", "received")])
def test_sorting_is_server_side(client, table, column):
    for order in ("desc", "asc"):
        items = client.get(f"/{table}.json?sort={column}&order={order}").json()["items"]
        values = [i[column] for i in items if i.get(column) is not None]
        assert len(values) >= 2
        assert values == sorted(values, reverse=(order == "desc"))
    html = client.get(f"/{table}?sort={column}&order=desc").text
    assert 'aria-sort="descending"' in html


def test_plan_search_and_filters(client, fixture_db):
    _, docs = fixture_db
    tasks = [r for d in docs for r in d.records if type(r).__name__ == "PlanTask"]
    word = tasks[0].title.split()[0]
    data = client.get("/plans.json", params={"q": word}).json()
    assert data["total"] >= 1
    assert all(word in (i["title"] + " ".join(i.get("objectives") or []) + (i.get("snippet") or "")) for i in data["items"])
    html = client.get("/plans", params={"q": word}).text
    assert f"‘{word}’ 검색 결과" in html
    dept = tasks[0].department
    data = client.get("/plans.json", params={"department": dept, "year": tasks[0].year}).json()
    assert data["total"] == sum(1 for t in tasks if t.department == dept and t.year == tasks[0].year)
    nothing = client.get("/plans.json", params={"q": "없는낱말입니다"}).json()
    assert nothing["total"] == 0


def test_plan_task_page_shows_schedule_and_people(client, fixture_db):
    _, docs = fixture_db
    data = client.get("/plans.json?limit=100").json()
    with_schedule = next(i for i in data["items"] if i.get("schedule"))
    html = client.get(f"/plans/{with_schedule['id']}").text
    assert "추진 일정" in html
    assert with_schedule["schedule"][0]["text"] in unescape(html)


def test_plan_task_page_shows_a_programme_total_apart(client):
    """consistent_plan.txt 미래가치담당관 5: the '20년 column of its 국비지원현황 table (400) is the
    year's 사업비, the table's 총예산 1,240 (백만원, '18–'21) is shown apart as 총사업비 with its line."""
    data = client.get("/plans.json", params={"department": "미래가치담당관", "year": 2020, "limit": 100}).json()
    (task,) = [i for i in data["items"] if i["number"] == 5]
    assert task["budget"] == 400_000_000
    html = unescape(client.get(f"/plans/{task['id']}").text)
    assert "총사업비(여러 해)" in html and "1,240,000,000" in html
    assert "consistent_plan.txt?lines=243" in html


def test_findings_link_to_highlighted_source(client):
    data = client.get("/findings.json").json()
    assert data["total"] >= 1
    f = next(i for i in data["items"] if i["lines"])
    html = client.get("/findings").text
    assert f"/documents/{f['doc']}?lines=" in unescape(html)


def test_document_view_highlights_lines(client):
    doc = "performance_report.txt"
    html = client.get(f"/documents/{doc}?lines=12,13").text
    for n in (12, 13):
        assert document_line(html, n) == (fixture_line(doc, n), True), n
    assert document_line(html, 14) == (fixture_line(doc, 14), False)
    data = client.get(f"/documents/{doc}.json?lines=12").json()
    assert data["highlighted"] == [{"line": 12, "text": fixture_line(doc, 12)}]


def test_html_errors_are_korean_pages(client):
    r = client.get("/indicators/999999")
    assert r.status_code == 404
    assert '<html lang="ko">' in r.text and "찾을 수 없습니다" in r.text
    r = client.get("/indicators/999999.json")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


@pytest.mark.parametrize("path", [
    "/plans?q=&year=&department=",
    "/indicators?grade=&year=&department=",
    "/programs?level=&year=&department=",
    "/findings?severity=&rule=&year=&department=",
    "/revenues?year=&department=",
])
def test_forms_submitted_with_empty_fields(client, path):
    """The GET forms send every field, empty ones included: they mean "all"."""
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert "pager" in r.text or "count" in r.text


def test_bad_year_is_a_korean_422(client):
    r = client.get("/indicators?year=20x0")
    assert r.status_code == 422 and "요청 값이 올바르지 않습니다" in r.text


def test_computed_rate_on_the_indicator_page_links_to_target_and_actual(client):
    """달성률(계산) is a number on the page too: it links to the lines of 목표 and 실적."""
    items = client.get("/api/v1/indicators?limit=500").json()["items"]
    ind = next(i for i in items if i["rate_computed"] is not None and {"target", "actual"} <= set(i["figures"]))
    html = client.get(f"/indicators/{ind['id']}").text
    dd = re.search(r"<dt>달성률\(계산\)</dt><dd>(.*?)</dd>", html, re.S)
    assert dd, "no 달성률(계산) on the page"
    link = re.search(r'<a class="num computed" href="([^"]+)"', dd.group(1))
    assert link, dd.group(1)
    lines = {ind["figures"]["target"]["line"], ind["figures"]["actual"]["line"]}
    want = ",".join(str(n) for n in sorted(lines))
    assert f"?lines={want}#L{min(lines)}" in unescape(link.group(1))
