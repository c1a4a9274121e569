"""The site-wide search (issue 16): a search box in every page's header, and /search over
indicators, programs, plan tasks, narratives and documents, with a count per kind, paging,
the kind filter, and an empty result that says why."""

from __future__ import annotations

import re
from html import unescape

import pytest


def test_every_page_has_the_search_box(client):
    for path in ("/dashboard", "/indicators", "/documents", "/citizens", "/findings"):
        html = client.get(path).text
        form = re.search(r'<form class="site-search" role="search" method="get" action="/search">(.*?)</form>', html, re.S)
        assert form, path
        assert '<label for="site-q"' in form.group(1) and 'id="site-q" type="search" name="q"' in form.group(1)


def test_an_indicator_and_a_program_are_found_by_name(client):
    ind = client.get("/api/v1/indicators?limit=1").json()["items"][0]
    data = client.get("/search.json", params={"q": ind["name"]}).json()
    assert data["counts"]["indicator"] >= 1
    hit = next(h for h in data["items"] if h["kind"] == "indicator" and h["record_id"] == ind["id"])
    assert hit["url"] == f"/indicators/{ind['id']}" and hit["source"]["doc"] and hit["source"]["line"]
    assert data["total"] == sum(data["counts"].values())

    prog = next(p for p in client.get("/api/v1/programs?limit=200").json()["items"] if p["level"] == "detail")
    found = client.get("/search.json", params={"q": prog["name"], "kind": "program"}).json()
    assert found["total"] == found["counts"]["program"] >= 1
    assert all(h["kind"] == "program" for h in found["items"])
    p_hit = next(h for h in found["items"] if h["record_id"] == prog["id"])
    assert p_hit["url"].startswith("/documents/") and f"#L{prog['source']['line']}" in p_hit["url"]
    html = client.get("/search", params={"q": prog["name"], "kind": "program"}).text
    assert 'aria-current="page">세출 사업' in html and unescape(prog["name"]) in unescape(html)


def test_documents_are_found_by_title(client):
    doc = next(d for d in client.get("/documents.json").json()["items"] if d.get("title"))
    word = doc["title"].split()[0]
    data = client.get("/search.json", params={"q": word}).json()
    assert doc["name"] in [d["name"] for d in data["documents"]]
    html = client.get("/search", params={"q": word}).text
    assert f'href="/documents/{doc["name"]}"' in html


def test_paging_and_counts(client):
    ind = client.get("/api/v1/indicators?limit=1").json()["items"][0]
    word = ind["department"]  # every record of the department is indexed under it
    everything = client.get("/search.json", params={"q": ind["name"][:3], "limit": 100}).json()
    assert everything["total"] >= 1
    if everything["total"] >= 2:
        second = client.get("/search.json", params={"q": ind["name"][:3], "limit": 1, "offset": 1}).json()
        assert second["items"][0]["record_id"] == everything["items"][1]["record_id"]
    assert client.get("/search.json", params={"q": word}).status_code == 200


def test_empty_results_say_why(client):
    html = client.get("/search", params={"q": "없을법한낱말쀍", "year": "2099"}).text
    assert "2099년 문서가 없습니다" in html
    assert "‘없을법한낱말쀍’으로 찾은 것이 없습니다" in unescape(html)
    html = client.get("/search", params={"q": "쀍쀍", "kind": "indicator"}).text
    assert "‘쀍쀍’으로 찾은 성과지표가 없습니다" in unescape(html)
    assert "검색어를 넣으세요" in client.get("/search").text


@pytest.mark.parametrize("params", [{"q": "a\x00b"}, {"q": "x" * 201}, {"kind": "secret"}, {"q": "a", "offset": "-1"}])
def test_bad_input_is_a_422_page_not_a_500(client, params):
    assert client.get("/search", params=params).status_code == 422
    assert client.get("/search.json", params=params).status_code == 422
