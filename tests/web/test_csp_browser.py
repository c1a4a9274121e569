"""In Chromium, the Content-Security-Policy blocks nothing the pages use: no "Refused to …"
report on any page, both stylesheets applied, and the charts keep pygal's look (fonts from
charts.css, series colours from the presentation attributes)."""

from __future__ import annotations

import pytest

from .test_browser import pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXTRA = ["/citizens?year=2020", "/reports", "/opendata", "/no-such-page"]


def test_no_page_trips_the_policy(browser, live_server, app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        paths = [p for _, p in pages(c)] + EXTRA
    context = browser.new_context(locale="ko-KR")  # no bypass_csp: the policy is enforced
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text or "Refused" in m.text else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        for path in paths:
            r = page.goto(live_server + path)
            assert r is not None and "content-security-policy" in r.headers, path
            page.wait_for_load_state("load")
            sheets = page.evaluate("Array.from(document.styleSheets).map(s => s.href)")
            assert any(s and s.endswith("/static/style.css") for s in sheets), (path, sheets)
        assert refused == [], refused
        assert failed == [], failed

        # the charts: pygal's fonts (charts.css) and the series' colours (attributes) are in effect
        page.goto(live_server + "/dashboard?year=2020")
        svg = page.locator("svg.pygal-chart").first
        assert svg.count() == 1
        family = svg.evaluate("e => getComputedStyle(e).fontFamily")
        assert "Noto Sans" in family, family
        fill = page.locator("svg.pygal-chart g.series.color-0").first.evaluate("e => getComputedStyle(e).fill")
        assert fill not in ("", "none", "rgb(0, 0, 0)"), fill
        hidden = page.locator("svg.pygal-chart .tooltip").first
        if hidden.count():
            assert hidden.evaluate("e => getComputedStyle(e).display") == "none"
    finally:
        context.close()
