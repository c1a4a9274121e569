"""Fit and finish (issue 16): favicon, year switchers, no-data years, the department list."""

from __future__ import annotations


def test_favicon_is_served(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.content.lstrip().startswith(b"<svg")
    page = client.get("/dashboard").text
    assert '<link rel="icon" href="/favicon.ico"' in page
