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
