"""Security headers on every kind of response, pages without inline script or style (so the
Content-Security-Policy breaks nothing), charts.css in step with pygal, no ``server`` banner
and no link built from the request's Host header."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import free_port

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
HOSTILE = "evil.example"


def assert_secure(r: httpx.Response) -> None:
    for k, v in EXPECTED.items():
        assert r.headers.get(k) == v, (r.request.url, k, dict(r.headers))
    csp = r.headers.get("content-security-policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'none'", csp
    assert directives.get("frame-ancestors") == "'none'", csp
    assert "script-src" not in directives, csp  # falls back to default-src 'none': no script at all
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert directives.get("style-src") == "'self'", csp
    assert "server" not in {k.lower() for k in r.headers}, dict(r.headers)


@pytest.mark.parametrize("path, status", [
    ("/dashboard", 200),
    ("/dashboard.json", 200),
    ("/api/v1/indicators", 200),
    ("/static/style.css", 200),
    ("/static/charts.css", 200),
    ("/openapi.json", 200),
    ("/reports/summary.xlsx?year=2020", 200),
    ("/opendata/indicators.csv", 200),
    ("/no-such-page", 404),
    ("/api/v1/no-such", 404),
    ("/indicators?year=20x0", 422),
    ("/static/nothing.css", 404),
])
def test_every_response_carries_the_security_headers(client, path, status):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    assert_secure(r)


def test_redirects_and_unhandled_errors_carry_them_too(app):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    with TestClient(app) as c:
        r = c.get("/reports/download?kind=summary&format=xlsx", follow_redirects=False)
        assert r.status_code == 303
        assert_secure(r)
    boom = create_app(Settings(db_url=app.state.settings.db_url))

    @boom.get("/boom")
    def _boom():
        raise RuntimeError("unhandled")

    with TestClient(boom, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500  # made by Starlette's ServerErrorMiddleware, outside add_middleware
    assert_secure(r)


def test_hsts_only_for_an_https_public_address(fixture_db):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    url, _ = fixture_db
    with TestClient(create_app(Settings(db_url=url, public_url="https://sijeong.example.kr"))) as c:
        assert c.get("/static/style.css").headers["strict-transport-security"].startswith("max-age=")
    with TestClient(create_app(Settings(db_url=url))) as c:
        assert "strict-transport-security" not in c.get("/static/style.css").headers


def test_a_header_the_route_set_is_kept(fixture_db):
    from fastapi.responses import PlainTextResponse
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    app = create_app(Settings(db_url=fixture_db[0]))

    @app.get("/framed")
    def _framed():
        return PlainTextResponse("x", headers={"Referrer-Policy": "no-referrer"})

    with TestClient(app) as c:
        r = c.get("/framed")
    assert r.headers.get_list("referrer-policy") == ["no-referrer"]
    assert r.headers["x-frame-options"] == "DENY"


PAGES = ["/dashboard", "/dashboard?year=2020", "/citizens?year=2020", "/departments", "/indicators", "/programs",
         "/revenues", "/plans", "/findings", "/documents", "/reports", "/opendata", "/no-such-page"]


def _pages(client) -> list[str]:
    data = client.get("/indicators.json?limit=5").json()
    extra = [f"/indicators/{i['id']}" for i in data["items"][:2]]
    extra += sorted(set(re.findall(r'href="(/departments/[^"?]+)', client.get("/departments").text)))[:2]
    extra += sorted(set(re.findall(r'href="(/plans/[^"?]+)', client.get("/plans").text)))[:1]
    extra += sorted(set(re.findall(r'href="(/documents/[^"?#]+)', client.get("/documents").text)))[:1]
    assert len(extra) >= 5, extra
    return PAGES + extra


def test_pages_have_no_inline_script_style_or_handlers(client):
    """What ``default-src 'none'; style-src 'self'`` would block: <script>, <style>, style=
    attributes, on…= handlers, javascript: links, resources from elsewhere."""
    seen_chart = False
    for path in _pages(client):
        r = client.get(path)
        html = r.text
        assert "<script" not in html.lower(), path
        assert "<style" not in html.lower(), path
        tags = re.findall(r"<[a-zA-Z][^<>]*>", html)
        assert not [t for t in tags if re.search(r"\sstyle\s*=", t, re.I)], path
        assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.I)], path
        assert "javascript:" not in html.lower(), path
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', html), path
        for sheet in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
            assert sheet.startswith("/static/") and client.get(sheet).status_code == 200, (path, sheet)
        seen_chart = seen_chart or "<svg" in html
    assert seen_chart, "no page had a chart: the check of the SVGs could not fire"


def test_charts_keep_their_colours_as_attributes(client):
    html = client.get("/dashboard?year=2020").text
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        painted = re.findall(r'class="[^"]*\bcolor-\d+[^"]*"[^>]*\sfill="(#[0-9a-f]{6})"', svg)
        assert painted, svg[:300]


def test_static_charts_css_is_what_pygal_makes():
    from sijeong.web import charts

    path = Path(charts.__file__).parent / "static" / "charts.css"
    assert path.read_text(encoding="utf-8") == charts.stylesheet(), "run: python -c \"from sijeong.web import charts; " \
        "open('src/sijeong/web/static/charts.css','w').write(charts.stylesheet())\""


def test_every_chart_kind_uses_only_rules_charts_css_has():
    """pygal's per-chart stylesheet, once the id and the colours are taken out, must be the one
    charts.css serves, for every kind of chart the pages draw."""
    import pygal

    from sijeong.web import charts

    served = set(charts.stylesheet().splitlines())
    for cls, extra in [(pygal.Bar, {}), (pygal.HorizontalBar, {}), (pygal.HorizontalStackedBar, {"show_y_labels": False}),
                       (pygal.Line, {"dots_size": 5, "allow_interruptions": True})]:
        chart = charts._config(cls, "t", style=charts._styled(charts.GRADE_COLORS), **extra)
        chart.add("a", [1.0, 2.0])
        chart.add("b", [3.0, None])
        svg = chart.render(is_unicode=True)
        css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S))
        css = re.sub(r"#chart-[0-9a-f-]+", ".pygal-chart", css).replace("&gt;", ">")
        rules = {r.strip() + "}" for r in css.split("}") if r.strip() and ".color-" not in r}
        assert rules <= served, (cls.__name__, rules - served)


def test_charts_are_cached_and_deterministic():
    from sijeong.web import charts

    before = charts.cache_info()
    a = charts.bar("제목", ["가", "나"], {"값": [1, 2]}, desc="가 1, 나 2")
    b = charts.bar("제목", ["가", "나"], {"값": [1, 2]}, desc="가 1, 나 2")
    c = charts.bar("제목", ["가", "나"], {"값": [1, 3]}, desc="가 1, 나 3")
    after = charts.cache_info()
    assert a is b and after.hits >= before.hits + 1
    assert c != a  # other values, another chart (a new ingest cannot be served the old one)
    ids = re.findall(r'id="(chart-[^"]+)"', str(a))
    assert ids and not set(ids) & set(re.findall(r'id="(chart-[^"]+)"', str(c)))
    # the same data gives the same ids in another process (no counter, no uuid)
    out = subprocess.run([sys.executable, "-c", "from sijeong.web import charts; print(charts.bar('제목', ['가', '나'], "
                          "{'값': [1, 2]}, desc='가 1, 나 2'))"], capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(a)


def test_html_pages_do_not_echo_a_hostile_host(client):
    for path in ["/citizens?year=2020", "/dashboard", "/reports", "/no-such-page"]:
        r = client.get(path, headers={"host": HOSTILE})
        assert HOSTILE not in r.text, path
        assert HOSTILE not in str(r.headers), path
    r = client.get("/reports/download?kind=summary&format=pdf", headers={"host": HOSTILE}, follow_redirects=False)
    assert r.status_code == 303 and HOSTILE not in r.headers["location"]


def test_templates_are_compiled_once(app):
    env = app.state.templates.env
    assert env.auto_reload is False
    t1 = env.get_template("dashboard.html")
    assert env.get_template("dashboard.html") is t1


@pytest.mark.slow
def test_serve_sends_no_server_banner_and_the_headers(fixture_db, tmp_path):
    """``sijeong serve`` (the app factory in a uvicorn process) on the fixture database."""
    url, _ = fixture_db
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sijeong.cli", "serve", "--db", url, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                r = httpx.get(base + "/static/style.css", timeout=5)
                break
            except httpx.TransportError:
                if time.time() > deadline or proc.poll() is not None:
                    proc.kill()
                    pytest.fail("sijeong serve did not start: " + (proc.stdout.read() if proc.stdout else ""))
                time.sleep(0.2)
        for path in ["/static/style.css", "/dashboard", "/api/v1/indicators", "/no-such-page"]:
            r = httpx.get(base + path, timeout=30)
            assert_secure(r)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
