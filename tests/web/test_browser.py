"""Browser suite: Debian's Chromium driven by Playwright against uvicorn in a thread.
Every page passes axe-core (WCAG 2.1 AA tags) with zero violations; keyboard use, the
drill-down from the dashboard to a source line, and search work; screenshots go to
screenshots/ (git-ignored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = ROOT / "screenshots"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


def pages(client) -> list[tuple[str, str]]:
    ind = client.get("/api/v1/indicators?year=2020&limit=1").json()["items"][0]
    task = client.get("/api/v1/plan-tasks?limit=1").json()["items"][0]
    dept = ind["department"]
    return [
        ("dashboard", "/dashboard?year=2020"),
        ("monitoring", "/monitoring?year=2020"),
        ("departments", "/departments"),
        ("department", f"/departments/{dept}?year=2020"),
        ("indicators", "/indicators"),
        ("indicator", f"/indicators/{ind['id']}"),
        ("programs", "/programs?sort=spent&order=desc"),
        ("revenues", "/revenues"),
        ("plans", "/plans"),
        ("plan", f"/plans/{task['id']}"),
        ("findings", "/findings"),
        ("documents", "/documents"),
        ("document", "/documents/performance_report.txt?lines=12,13#L12"),
    ]


def axe_check(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response.get("violations", [])
    if violations:
        print(results.generate_report())
    assert violations == [], [(v["id"], len(v["nodes"])) for v in violations]


@pytest.fixture(scope="module")
def page_list(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        return pages(c)


def test_every_page_passes_axe_and_is_screenshotted(page, live_server, page_list):
    SHOTS.mkdir(exist_ok=True)
    for name, path in page_list:
        resp = page.goto(live_server + path)
        assert resp.status == 200, path
        assert page.locator("html").get_attribute("lang") == "ko"
        axe_check(page)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_phone_width_has_no_page_overflow(browser, live_server, page_list):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ko-KR")
    pg = context.new_page()
    try:
        for name, path in page_list[:3] + page_list[5:6]:
            pg.goto(live_server + path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 380, (path, width)  # wide tables scroll inside their own region
            axe_check(pg)
            pg.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=False)
    finally:
        context.close()


def test_keyboard_skip_link_and_focus(page, live_server):
    page.goto(live_server + "/dashboard?year=2020")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "본문 바로가기"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # the next Tab stops inside the main content, not in the header
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_keyboard_only_unit_switch(page, live_server):
    page.goto(live_server + "/programs")
    page.focus("#unit-select")
    page.select_option("#unit-select", "thousand")  # a focused select changes value by keys; set it directly
    page.keyboard.press("Tab")  # to the 적용 button
    assert page.evaluate("document.activeElement.textContent") == "적용"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "unit=thousand" in page.url
    assert "단위: 천원" in page.content()
    page.goto(live_server + "/programs?unit=won")


def test_drill_down_from_dashboard_to_source_line(page, live_server):
    page.goto(live_server + "/dashboard?year=2020")
    page.locator("#h-grades ~ .table-wrap a[href^='/departments/']").first.click()
    page.wait_for_load_state()
    assert "/departments/" in page.url
    link = page.locator("a.num:not(.computed)").first
    number = link.inner_text().strip()
    link.click()
    page.wait_for_load_state()
    assert re.search(r"/documents/[^?]+\?lines=\d+#L\d+$", page.url)
    n = int(page.url.rsplit("#L", 1)[1])
    line = page.locator(f"#L{n}")  # a line of text (li) or a row of a table's grid (tr)
    assert "hl" in (line.get_attribute("class") or "")
    assert number.replace("%", "") in line.inner_text()
    assert line.is_visible() and 0 < line.bounding_box()["y"] < page.viewport_size["height"]  # scrolled into view
    axe_check(page)


def test_search_form(page, live_server, app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        title = c.get("/api/v1/plan-tasks?limit=1").json()["items"][0]["title"]
    word = title.split()[0]
    page.goto(live_server + "/plans")
    page.fill("#f-q", word)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the plain GET form
    assert "q=" in page.url
    assert page.locator("[role=status]").inner_text().startswith(f"‘{word}’ 검색 결과")
    assert page.locator("article.task").count() >= 1
    axe_check(page)


# --- 알기 쉬운 예산, 보고서, 공공데이터 -------------------------------------------------------

NEW_PAGES = [("citizens", "/citizens?year=2020"), ("reports", "/reports"), ("opendata", "/opendata?year=2020")]


def test_citizens_reports_opendata_pass_axe_and_are_screenshotted(page, live_server):
    SHOTS.mkdir(exist_ok=True)
    for name, path in NEW_PAGES:
        resp = page.goto(live_server + path)
        assert resp.status == 200, path
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator(f".site-nav a[href^='/{name}']").get_attribute("aria-current") == "page"
        axe_check(page)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    # the data dictionary's tables, opened, pass too
    page.goto(live_server + "/opendata?year=2020")
    page.locator("details.dict summary").first.click()
    assert page.locator("details.dict").first.get_attribute("open") is not None
    axe_check(page)


def test_citizens_charts_have_names_and_a_table(page, live_server):
    page.goto(live_server + "/citizens?year=2020")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        ids = charts.nth(i).get_attribute("aria-labelledby").split()
        title = page.locator(f"#{ids[0]}").text_content()
        desc = page.locator(f"#{ids[1]}").text_content()
        assert title.startswith("2020년") and desc
    # each chart section has a table with the same numbers, and its sums link to source lines
    assert page.locator("#h-in ~ .table-wrap table caption").count() == 1
    link = page.locator("#h-in ~ .table-wrap a.num").first
    link.click()
    page.wait_for_load_state()
    assert re.search(r"/documents/[^?]+\?lines=[\d,]+#L\d+$", page.url)
    assert page.locator(".doc .hl").count() >= 1


def test_citizens_phone_width_and_print(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(live_server + "/citizens?year=2020")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 380
        axe_check(pg)
        pg.screenshot(path=str(SHOTS / "phone-citizens.png"), full_page=False)
        pg.emulate_media(media="print")
        assert pg.locator(".site-nav").is_hidden()
        assert pg.locator(".citizens-tools").is_hidden()
        assert pg.locator("#h-goal").is_visible()
        pg.screenshot(path=str(SHOTS / "print-citizens.png"), full_page=True)
    finally:
        context.close()


def test_report_form_downloads_a_korean_named_file(page, live_server):
    page.goto(live_server + "/reports")
    page.select_option("#r-kind", "summary")
    page.select_option("#r-year", "2020")
    page.select_option("#r-format", "xlsx")
    with page.expect_download() as info:
        page.locator("form.filters button[type=submit]").click()
    download = info.value
    assert download.suggested_filename == "김포시_2020년_총괄.xlsx"
    path = download.path()
    assert path and Path(path).read_bytes()[:2] == b"PK"
