"""The /api/v1 contract: one envelope for lists, one error shape, export field names."""

from __future__ import annotations

import pytest

RESOURCES = ["indicators", "policy-goals", "programs", "revenues", "departments", "plan-tasks", "findings"]


@pytest.mark.parametrize("name", RESOURCES)
def test_list_envelope_and_paging(client, name):
    full = client.get(f"/api/v1/{name}?limit=500").json()
    assert set(full) == {"items", "total", "limit", "offset"}
    assert full["total"] == len(full["items"]) and full["total"] >= 1
    page = client.get(f"/api/v1/{name}?limit=1&offset=1").json()
    assert page["limit"] == 1 and page["offset"] == 1 and page["total"] == full["total"]
    if full["total"] > 1:
        assert page["items"] == full["items"][1:2]
    item = full["items"][0]
    assert set(item["source"]) == {"doc", "line"} and item["source"]["line"] >= 1


def test_records_use_glossary_names(client):
    ind = client.get("/api/v1/indicators?limit=500").json()["items"]
    keys = set(ind[0])
    assert {"name", "department", "year", "policy_goal", "formula", "direction", "target", "actual", "rate", "grade",
            "figures", "source"} <= keys
    assert "source_doc" not in keys and "document_id" not in keys
    with_rate = next(i for i in ind if i["figures"].get("rate"))
    assert set(with_rate["figures"]["rate"]) >= {"raw", "line", "value"}
    progs = client.get("/api/v1/programs?limit=500").json()["items"]
    assert {"budget", "current_budget", "spent", "unspent", "level", "parent"} <= set(progs[0])


def test_filters(client):
    all_items = client.get("/api/v1/indicators?limit=500").json()["items"]
    dept = all_items[0]["department"]
    only = client.get("/api/v1/indicators", params={"department": dept, "limit": 500}).json()
    assert only["total"] == sum(1 for i in all_items if i["department"] == dept)
    year = client.get("/api/v1/indicators", params={"year": 2020, "limit": 500}).json()
    assert year["total"] == sum(1 for i in all_items if i["year"] == 2020)
    other = client.get("/api/v1/indicators", params={"municipality": "없는시"}).json()
    assert other["total"] == 0 and other["items"] == []


def test_item_and_errors(client):
    first = client.get("/api/v1/programs?limit=1").json()["items"][0]
    assert client.get(f"/api/v1/programs/{first['id']}").json()["name"] == first["name"]
    for path, status in [("/api/v1/programs/999999", 404), ("/api/v1/nothing", 404),
                         ("/api/v1/programs?limit=0", 422), ("/api/v1/programs?year=abc", 422),
                         ("/api/v1/findings?severity=bad", 422), ("/api/v1/search", 422)]:
        r = client.get(path)
        assert r.status_code == status, path
        body = r.json()
        assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]


def test_search(client):
    tasks = client.get("/api/v1/plan-tasks?limit=500").json()["items"]
    word = tasks[0]["title"].split()[0]
    hits = client.get("/api/v1/search", params={"q": word}).json()
    assert hits["total"] >= 1
    assert all(set(h["source"]) == {"doc", "line"} for h in hits["items"])
    assert any(h["record_id"] == tasks[0]["id"] for h in hits["items"]) or hits["total"] > len(hits["items"])


def test_openapi(client):
    spec = client.get("/openapi.json").json()
    for name in RESOURCES + ["search"]:
        assert f"/api/v1/{name}" in spec["paths"]
    assert client.get("/docs").status_code == 404  # no Swagger UI from a CDN


def test_items_have_the_export_shape(client, fixture_db):
    """An API item carries the same keys as the export's record (plus its ``id``), its
    appearances the export's ``source: {doc, line}``, and numbers as the export writes them."""
    import io
    import json

    from sijeong.commands.export import write_export
    from sijeong.store import create_engine_for

    engine = create_engine_for(fixture_db[0])
    buf = io.StringIO()
    with engine.connect() as conn:
        write_export(conn, buf)
    engine.dispose()
    export = json.loads(buf.getvalue())
    checked_appearances = 0
    for path, key in [("indicators", "indicators"), ("programs", "programs"), ("policy-goals", "policy_goals"),
                      ("revenues", "revenues"), ("departments", "departments"), ("plan-tasks", "plan_tasks")]:
        items = client.get(f"/api/v1/{path}?limit=500").json()["items"]
        exported = {(e["source"]["doc"], e["source"]["line"], e["name"], e["year"]): e for e in export[key]}
        assert items and len(items) == len(export[key]) == len(exported), path
        for item in items:
            e = exported[(item["source"]["doc"], item["source"]["line"], item["name"], item["year"])]
            assert set(item) - {"id"} == set(e), (path, set(item) ^ set(e))
            for k, v in e.items():
                assert json.dumps(item[k], sort_keys=True) == json.dumps(v, sort_keys=True), (path, item["name"], k)
            checked_appearances += len(e["appearances"])
    assert checked_appearances > 0


def test_findings_have_the_export_shape(client, fixture_db):
    """A finding from the API carries the export's keys (plus ``id``) and values."""
    import io
    import json

    from sijeong.commands.export import write_export
    from sijeong.store import create_engine_for

    engine = create_engine_for(fixture_db[0])
    buf = io.StringIO()
    with engine.connect() as conn:
        write_export(conn, buf)
    engine.dispose()
    exported = json.loads(buf.getvalue())["findings"]
    items = client.get("/api/v1/findings?limit=500").json()["items"]
    assert items and len(items) == len(exported)
    key = lambda f: json.dumps([f["rule"], f["doc"], f["lines"], f["message"]], ensure_ascii=False)  # noqa: E731
    by_key = {key(e): e for e in exported}
    assert any(e["document"] for e in exported)
    for item in items:
        e = by_key[key(item)]
        # the API adds: id, fingerprint (the key of the marks), the mark and the rule's Korean name
        assert set(item) - {"id", "fingerprint", "mark", "rule_name"} == set(e), set(item) ^ set(e)
        for k, v in e.items():
            assert json.dumps(item[k], sort_keys=True) == json.dumps(v, sort_keys=True), (item["rule"], k)
