"""Fit and finish (issue 16): favicon, year switchers, no-data years, the department list."""

from __future__ import annotations

import pytest


def test_favicon_is_served(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.content.lstrip().startswith(b"<svg")
    page = client.get("/dashboard").text
    assert '<link rel="icon" href="/favicon.ico"' in page


def test_citizens_particles_follow_the_amount(client):
    page = client.get("/citizens?year=2020").text
    assert "원를" not in page and "원예요" not in page
    assert "</strong>을 썼어요" in page  # an amount in 억·만 원 ends in 원


# --- navigation -------------------------------------------------------------------------------

def test_year_switchers_mark_the_selected_year(client):
    import re

    ind = client.get("/api/v1/indicators?year=2020&limit=1").json()["items"][0]
    for path in ("/dashboard?year=2020", "/departments?year=2020", "/citizens?year=2020",
                 f"/departments/{ind['department']}?year=2020"):
        html = client.get(path).text
        switcher = re.search(r'<nav class="pager" aria-label="연도 선택">(.*?)</nav>', html, re.S)
        assert switcher, path
        current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', switcher.group(1))
        assert current == ["2020년"], (path, current)


def test_menu_links_keep_year_and_municipality(client):
    import re
    from urllib.parse import parse_qs, urlsplit

    html = client.get("/indicators?year=2020&municipality=김포시&grade=%C3%97").text
    nav = re.search(r'<nav class="site-nav nav-wide" aria-label="주 메뉴">(.*?)</nav>', html, re.S).group(1)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert len(hrefs) == 14  # 공약, 종합 모니터링 (issue 12) and 주민참여예산 (issue 13) added
    for href in hrefs:
        q = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        assert q == {"municipality": ["김포시"], "year": ["2020"]}, href  # not the page's own filters
    plain = client.get("/indicators").text
    nav = re.search(r'<nav class="site-nav nav-wide" aria-label="주 메뉴">(.*?)</nav>', plain, re.S).group(1)
    assert 'href="/dashboard"' in nav  # nothing to keep


def test_a_year_without_data_says_so(client):
    years = client.get("/dashboard.json").json()["years"]
    assert 1999 not in years
    r = client.get("/dashboard?year=1999")
    assert r.status_code == 200
    assert "1999년 자료가 없습니다" in r.text
    assert 'class="cards"' not in r.text  # no dashboard of zeros
    for y in years:
        assert f'year={y}">{y}년</a>' in r.text
    assert client.get("/dashboard.json?year=1999").json()["no_data"] is True


def test_a_plan_only_year_says_so(client):
    years = client.get("/dashboard.json").json()["years"]
    with_results = {i["year"] for i in client.get("/api/v1/indicators?limit=500").json()["items"]}
    with_results |= {p["year"] for p in client.get("/api/v1/programs?limit=500").json()["items"]}
    plan_only = [y for y in years if y not in with_results]
    assert plan_only, "the fixtures have a year with plans only"
    y = plan_only[0]
    html = client.get(f"/dashboard?year={y}").text
    assert f"{y}년은 주요업무계획만 있습니다" in html
    assert 'class="cards"' not in html
    assert f'href="/plans?year={y}"' in html
    data = client.get(f"/dashboard.json?year={y}").json()
    tasks = client.get(f"/api/v1/plan-tasks?year={y}&limit=500").json()
    assert data["plan_only"] is True
    assert sum(p["count"] for p in data["plan_task_counts"]) == tasks["total"]
    # a year with results is still a full dashboard
    assert 'class="cards"' in client.get("/dashboard?year=2020").text


def test_department_list_shows_counts_rates_and_money(client):
    items = client.get("/api/v1/indicators?year=2020&limit=500").json()["items"]
    stats = {s["department"]: s for s in client.get("/departments.json?year=2020").json()["stats"]}
    assert stats
    for dept in {i["department"] for i in items}:
        mine = [i for i in items if i["department"] == dept]
        grades = [i["grade"] or i["grade_computed"] for i in mine]
        s = stats[dept]
        assert s["indicators"] == len(mine)
        graded = [g for g in grades if g in ("◎", "○", "×")]
        assert s["graded"] == len(graded)
        assert s["met"] == sum(1 for g in graded if g in ("◎", "○"))
        if graded:
            assert abs(s["achievement"] - 100 * s["met"] / len(graded)) < 1e-9
    execution = {e["department"]: e for e in client.get("/dashboard.json?year=2020").json()["execution"]}
    for dept, e in execution.items():
        assert (stats[dept]["current_budget"], stats[dept]["rate"]) == (e["current_budget"], e["rate"])
    html = client.get("/departments?year=2020").text
    assert "<th scope=\"col\" class=\"n\">집행률</th>" in html
    # another year's list is that year's
    other = client.get("/departments.json?year=2019").json()
    assert all(s["department"] in other["items"] for s in other["stats"])


# --- the browser at phone and desktop width -------------------------------------------------

BROKEN_WORDS_JS = """() => {
  // a Korean word inside a table cell drawn on two lines = broken
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const cell = n.parentElement && n.parentElement.closest('td, th');
    if (!cell || n.parentElement.closest('.sr-only')) continue;
    const re = /[\\uAC00-\\uD7A3]+/g;  // a run of Hangul syllables; a break at a bracket or a digit is not inside a word
    let m;
    while ((m = re.exec(n.data)) !== null) {
      const r = document.createRange();
      r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
      if (tops.size > 1) out.push(m[0]);
    }
  }
  return out;
}"""

LABELS_OUTSIDE_JS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.chart-box svg')) {
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim() || getComputedStyle(t).visibility === 'hidden' || t.closest('.tooltip')) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(t.textContent.trim());
    }
  }
  return out;
}"""


def _pages(app):
    from fastapi.testclient import TestClient

    from .test_browser import pages

    with TestClient(app) as c:
        return pages(c) + [("citizens", "/citizens?year=2020"), ("reports", "/reports"), ("opendata", "/opendata")]


@pytest.mark.slow
@pytest.mark.browser
def test_phone_menu_tables_and_charts(browser, live_server, app):
    from .test_browser import axe_check

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    pg = ctx.new_page()
    try:
        for name, path in _pages(app):
            pg.goto(live_server + path)
            # the menu is one closed <summary> row; the wide menu is not shown
            assert pg.locator(".nav-wide").is_hidden(), path
            assert pg.locator(".nav-phone summary").is_visible(), path
            assert pg.locator(".nav-phone[open]").count() == 0, path
            assert pg.locator(".nav-phone a").first.is_hidden(), path
            assert pg.locator(".nav-phone summary").bounding_box()["height"] < 60, path
            assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                path, pg.evaluate("document.documentElement.scrollWidth"))
            assert pg.evaluate(BROKEN_WORDS_JS) == [], path
            assert pg.evaluate(LABELS_OUTSIDE_JS) == [], path
            if name == "citizens":  # no auditors' "*" for citizens; the computed links still say so in their title
                assert pg.evaluate("[...document.querySelectorAll('main .calc')].every(e => e.getClientRects().length === 0)")
                assert pg.locator("main a.computed[title^='계산값']").count() > 0
            axe_check(pg)
        # keyboard: Tab to the menu, Enter opens it, the next Tab reaches its first link
        pg.goto(live_server + "/dashboard?year=2020")
        pg.focus(".nav-phone summary")
        pg.keyboard.press("Enter")
        assert pg.locator(".nav-phone[open]").count() == 1
        assert pg.locator(".nav-phone a").first.is_visible()
        pg.keyboard.press("Tab")
        assert pg.evaluate("document.activeElement.textContent") == "대시보드"
        assert pg.evaluate("document.activeElement.getAttribute('aria-current')") == "page"
        axe_check(pg)
    finally:
        ctx.close()


@pytest.mark.slow
@pytest.mark.browser
def test_desktop_menu_is_one_row_and_axe_clean(browser, live_server, app):
    from .test_browser import axe_check

    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR")
    pg = ctx.new_page()
    try:
        for name, path in _pages(app):
            pg.goto(live_server + path)
            assert pg.locator(".nav-phone").is_hidden(), path
            tops = {round(b["y"]) for b in (a.bounding_box() for a in pg.locator(".nav-wide a").all())}
            assert len(tops) == 1, (path, tops)
            assert pg.evaluate(BROKEN_WORDS_JS) == [], path
            assert pg.evaluate(LABELS_OUTSIDE_JS) == [], path
            if name in ("citizens", "reports", "opendata"):  # the others: test_browser at 1280 px
                axe_check(pg)
    finally:
        ctx.close()


def test_citizens_footer_does_not_explain_a_mark_it_does_not_show(client):
    citizens = client.get("/citizens?year=2020").text
    dashboard = client.get("/dashboard?year=2020").text
    assert "표시는 원문 값으로 계산한 값" not in citizens and "밑줄 친 숫자" in citizens
    assert "표시는 원문 값으로 계산한 값" in dashboard


def test_program_levels_are_tagged_in_korean(client):
    """The 사업별조서's department total line (level "total") is tagged 부서 합계, never "total"."""
    import re

    from urllib.parse import quote

    dept = next(p["department"] for p in client.get("/api/v1/programs?year=2020").json()["items"] if p["level"] == "detail")
    for path in ("/programs?year=2020", f"/departments/{quote(dept)}?year=2020"):
        html = client.get(path).text
        tags = set(re.findall(r'<span class="tag">([^<]*)</span>', html))
        assert "total" not in tags, path
    tags = set(re.findall(r'<span class="tag">([^<]*)</span>', client.get("/programs?year=2020").text))
    assert {"정책사업", "단위사업", "세부사업"} <= tags
    assert '<span class="tag">부서 합계</span>' in client.get("/programs?year=2020").text
