"""The cycle's API (``/api/v1``, ``web/api_cycle.py``): the path an outside check walks —
open a year, carry over, targets, submit, confirm, quarterly result with a PDF, return,
resubmit, accept, the annual result, the report table from the entered data, close, the
audit trail — with the status codes of issue 11: 201 allowed, 401 without an actor,
403 role or department, 404 unknown, 409 stale (with the newer value), 422 bad value,
423 a closed year; never 500. ``require_actor`` is overridden with the actor of each step
(the auth branch provides the real one)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sijeong.model import Document, Figure, Indicator, Source
from sijeong.operations import Actor
from sijeong.settings import Settings
from sijeong.store import create_engine_for, migrate, repository
from sijeong.web import create_app
from sijeong.web.auth import require_actor

M = "김포시"
D = "기획담당관"
Y = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def who(role: str, department: str | None = D, login: str | None = None) -> Actor:
    return Actor(login or f"{role}1", role, department if role in ("editor", "approver") else None, via="api")


@pytest.fixture
def api(tmp_path):
    url = f"sqlite:///{tmp_path / 'cycle.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    name = "last_year.txt"
    ind = Indicator(source=Source(name, 7), municipality=M, year=Y - 1, department=D, name="민원 처리 건수", unit="건",
                    formula="연간 처리 건수", policy_goal="열린 행정")
    ind.set("actual", Figure(80, "80", Source(name, 8), "건"))
    printed = Indicator(source=Source("printed.txt", 3), municipality=M, year=Y, department=D, name="민원 처리 건수",
                        unit="건")
    with engine.connect() as conn:
        repository.save_document(conn, Document(name=name, municipality=M, year=Y - 1, family="settlement_report",
                                                records=[ind]))
        # the same indicator as a printed document of the plan year shows it
        repository.save_document(conn, Document(name="printed.txt", municipality=M, year=Y, family="settlement_report",
                                                records=[printed]))
        conn.commit()
    engine.dispose()
    app = create_app(Settings(db_url=url, evidence_dir=str(tmp_path / "evidence"), evidence_max_bytes=1 << 16))
    current = {"actor": None}
    app.dependency_overrides[require_actor] = lambda: current["actor"]
    with TestClient(app, raise_server_exceptions=False) as client:
        def as_(actor: Actor) -> TestClient:
            current["actor"] = actor
            return client
        yield as_, tmp_path


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


def test_the_cycle_through_the_api(api):
    as_, tmp = api
    perf, ed, ap = who("performance"), who("editor"), who("approver")
    ok(as_(perf).post("/api/v1/cycle/years", json={"year": Y}), 201)
    assert as_(perf).post("/api/v1/cycle/years", json={"year": Y}).status_code == 409  # already open
    created = ok(as_(ed).post(f"/api/v1/cycle/years/{Y}/plan/carry-over", json={"department": D}), 201)["created"]
    (ind_id,) = created
    plan = ok(as_(ed).get(f"/api/v1/cycle/years/{Y}/plan"))
    (ind,) = plan["indicators"]
    assert ind["name"] == "민원 처리 건수" and ind["status"] == "draft"
    assert {f["rule"] for f in plan["findings"]} >= {"plan.formula_no_source", "plan.output_indicator"}
    ind = ok(as_(ed).patch(f"/api/v1/plan-indicators/{ind_id}", json={"target": 70, "weight": 30, "version": ind["version"]}))
    assert "plan.target_not_ahead" in {f["rule"] for f in ok(as_(ed).get(f"/api/v1/cycle/years/{Y}/plan"))["findings"]}
    stale = as_(ed).patch(f"/api/v1/plan-indicators/{ind_id}", json={"target": 95, "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["current"]["target"] == 70
    ind = ok(as_(ed).patch(f"/api/v1/plan-indicators/{ind_id}", json={"target": 90, "data_source": "민원 통계",
                                                                      "version": ind["version"]}))
    assert as_(ed).post(f"/api/v1/cycle/years/{Y}/plan/submit", json={"department": D}).status_code == 403
    assert as_(who("approver", "세무과")).post(f"/api/v1/cycle/years/{Y}/plan/submit",
                                               json={"department": D}).status_code == 403
    ok(as_(ap).post(f"/api/v1/cycle/years/{Y}/plan/submit", json={"department": D}))
    ok(as_(perf).post(f"/api/v1/cycle/years/{Y}/plan/confirm", json={}))

    # a reporting window: after its due date, the indicator without a submitted Q1 result is late
    assert as_(ed).post(f"/api/v1/cycle/years/{Y}/windows", json={"period": f"{Y}-Q1", "due_on": "2000-01-01"}).status_code == 403
    assert as_(perf).post(f"/api/v1/cycle/years/{Y}/windows", json={"period": f"{Y}-Q1", "due_on": "어제"}).status_code == 422
    ok(as_(perf).post(f"/api/v1/cycle/years/{Y}/windows", json={"period": f"{Y}-Q1", "due_on": f"{Y}-04-10"}))
    (late,) = ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/late"))["items"]  # the clock is past 2025-04-10
    assert (late["department"], late["period"], late["status"]) == (D, f"{Y}-Q1", "missing")

    # the id /api/v1/indicators knows: the published (entered) indicator, or a read one of the
    # same year, department and name, stands for the plan indicator; last year's does not
    (planned,) = ok(as_(ed).get(f"/api/v1/cycle/years/{Y}/plan"))["indicators"]
    stored = planned["indicator_id"]
    assert ok(as_(ed).get(f"/api/v1/indicators/{stored}"))["source"]["doc"] == "입력 2025 성과관리"
    listed = {i["source"]["doc"]: i["id"] for i in ok(as_(ed).get("/api/v1/indicators", params={"limit": 50}))["items"]}
    assert ok(as_(ed).get(f"/api/v1/indicators/{listed['printed.txt']}/results"))["indicator"]["id"] == ind_id
    missing = as_(ed).get(f"/api/v1/indicators/{listed['last_year.txt']}/results")
    assert missing.status_code == 404 and "확정된 성과계획에 없습니다" in missing.json()["error"]["message"]
    purl = f"/api/v1/plan-indicators/{ind_id}/results"

    # a quarterly result with a PDF as evidence
    url = f"/api/v1/indicators/{stored}/results"
    for actor in (who("viewer"), who("evaluator"), who("performance"), who("editor", "세무과"), ap):
        assert as_(actor).post(url, json={"period": f"{Y}-Q1", "actual": 20}).status_code == 403
    q1 = ok(as_(ed).post(url, json={"period": f"{Y}-Q1", "actual": 20, "comment": "1분기 누적"}), 201)
    ev = ok(as_(ed).post(f"/api/v1/results/{q1['id']}/evidence",
                         files={"file": ("1분기.pdf", PDF, "application/pdf")}), 201)
    assert ev["content_type"] == "pdf" and len(ev["sha256"]) == 64
    fake = as_(ed).post(f"/api/v1/results/{q1['id']}/evidence", files={"file": ("사진.pdf", PNG, "application/pdf")})
    assert fake.status_code == 422 and "the name says PDF but the content is PNG" in fake.json()["error"]["message"]
    assert len(list((tmp / "evidence").iterdir())) == 1  # only the PDF
    big = as_(ed).post(f"/api/v1/results/{q1['id']}/evidence", files={"file": ("큰.pdf", PDF + b"0" * (1 << 16), "x")})
    assert big.status_code == 422 and "너무 큽니다" in big.json()["error"]["message"]
    got = as_(ed).get(f"/api/v1/evidence/{ev['id']}")
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert as_(who("viewer")).get(f"/api/v1/evidence/{ev['id']}").status_code == 403
    assert as_(who("editor", "세무과")).get(f"/api/v1/evidence/{ev['id']}").status_code == 403

    # bad values: 422; unknown: 404; never 500
    for body in ({"period": f"{Y}-Q5", "actual": 1}, {"period": f"{Y - 1}-Q1", "actual": 1},
                 {"period": f"{Y}-Q2", "actual": "많음"}, {"period": f"{Y}-Q2", "actual": True},
                 {"period": f"{Y}-Q2"}, {"period": f"{Y}-Q2", "actual": 1, "extra": 1}, {"period": f"{Y}-Q2", "actual": 1e300}):
        r = as_(ed).post(url, json=body)
        assert r.status_code == 422, (body, r.text)
    assert as_(ed).post("/api/v1/indicators/999999/results", json={"period": f"{Y}-Q1", "actual": 1}).status_code == 404
    assert as_(ed).post("/api/v1/indicators/99999999999999999999/results", json={"period": "2025", "actual": 1}).status_code == 422
    assert as_(ed).post(url, content=b"{not json", headers={"content-type": "application/json"}).status_code == 422

    # two editors, one record: the second is told and shown the newer value; nothing written
    other = who("editor", login="editor2")
    newer = ok(as_(other).post(url, json={"period": f"{Y}-Q1", "actual": 21, "version": q1["version"]}), 200)
    stale = as_(ed).post(url, json={"period": f"{Y}-Q1", "actual": 25, "version": q1["version"]})
    assert stale.status_code == 409
    assert stale.json()["error"]["current"]["actual"] == 21 and stale.json()["error"]["current"]["version"] == newer["version"]
    (r,) = ok(as_(ed).get(url))["results"]
    assert r["actual"] == 21 and [e["file_name"] for e in r["evidence"]] == ["1분기.pdf"]

    # submit, return with a reason, correct, resubmit, accept
    rid = q1["id"]
    assert as_(ed).post(f"/api/v1/results/{rid}/submit", json={}).status_code == 403
    ok(as_(ap).post(f"/api/v1/results/{rid}/submit", json={"version": newer["version"]}))
    assert as_(ap).post(f"/api/v1/results/{rid}/accept", json={}).status_code == 403
    assert as_(perf).post(f"/api/v1/results/{rid}/return", json={}).status_code == 422  # no reason
    back = ok(as_(perf).post(f"/api/v1/results/{rid}/return", json={"reason": "증빙 수치와 다릅니다"}))
    (r,) = ok(as_(ed).get(url))["results"]
    assert (r["status"], r["return_reason"]) == ("returned", "증빙 수치와 다릅니다")
    fixed = ok(as_(ed).post(url, json={"period": f"{Y}-Q1", "actual": 22, "version": back["version"]}))
    ok(as_(ap).post(f"/api/v1/results/{rid}/submit", json={"version": fixed["version"]}))
    ok(as_(perf).post(f"/api/v1/results/{rid}/accept", json={}))
    (lag,) = ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/lagging"))["items"]
    assert lag["indicator_id"] == ind_id and lag["projected"] == 88 and lag["target"] == 90

    # the accept republished the entered document (its stored indicator may have a new id); the
    # plan indicator's id stays
    (planned,) = ok(as_(ed).get(f"/api/v1/cycle/years/{Y}/plan"))["indicators"]
    assert ok(as_(ed).get(f"/api/v1/indicators/{planned['indicator_id']}/results"))["indicator"]["id"] == ind_id
    url = purl

    # the annual result, and the year's report table from what was entered
    annual = ok(as_(ed).post(url, json={"period": str(Y), "actual": 95, "comment": "연간 실적"}), 201)
    ok(as_(ap).post(f"/api/v1/results/{annual['id']}/submit", json={}))
    ok(as_(perf).post(f"/api/v1/results/{annual['id']}/accept", json={}))
    assert ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/lagging"))["items"] == []
    table = ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/report/indicators"))
    cells = [c for row in table["rows"] for c in row["cells"]]
    actual = next(c for c in cells if c.get("value") == 95)
    assert actual["source"]["doc"] == "입력 2025 성과관리"
    book = ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/report/plan_book"))
    assert ["민원 처리 건수(건)", "연간 처리 건수", "민원 통계", 80, 90, 30] in [
        [c["value"] for c in row["cells"]] for row in book["rows"]]
    assert ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/late"))["items"] == []  # Q1 submitted since
    entry = ok(as_(perf).get(f"/api/v1/entries/{actual['source']['line']}"))
    assert (entry["entity"], entry["entity_id"], entry["actor"]) == ("cycle_results", annual["id"], "editor1")

    # the year closed: writes refused with 423 and a Korean message; reopening is recorded
    year = ok(as_(perf).post(f"/api/v1/cycle/years/{Y}/close", json={}))
    assert year["status"] == "closed"
    locked = as_(ed).post(url, json={"period": f"{Y}-Q2", "actual": 1})
    assert locked.status_code == 423 and "결산 확정" in locked.json()["error"]["message"]
    assert as_(ed).post(f"/api/v1/cycle/years/{Y}/reopen", json={"reason": "정정"}).status_code == 403
    ok(as_(perf).post(f"/api/v1/cycle/years/{Y}/reopen", json={"reason": "감사 지적 정정"}))
    ok(as_(ed).post(url, json={"period": f"{Y}-Q2", "actual": 40}), 201)

    # the audit trail of each step of the quarterly result
    trail = ok(as_(who("viewer")).get(f"/api/v1/audit/cycle_results/{rid}"))["items"]
    assert [(t["actor"], t["field"], t["new_value"] if t["field"] else None) for t in trail
            if t["field"] != "version"] == [
        ("editor1", None, None),
        ("editor2", "actual", 21),
        ("approver1", "status", "submitted"),
        ("performance1", "status", "returned"), ("performance1", "return_reason", "증빙 수치와 다릅니다"),
        ("editor1", "actual", 22), ("editor1", "status", "draft"),
        ("approver1", "status", "submitted"), ("approver1", "return_reason", None),
        ("performance1", "status", "accepted"),
    ]
    assert [t["new_value"] for t in trail if t["field"] == "version"] == [2, 3, 4, 5, 6, 7]
    assert trail[0]["new_value"]["comment"] == "1분기 누적" and r["comment"] == "1분기 누적"  # a correction kept it
    assert all(t["via"] == "api" for t in trail)

    # the public pages show the entered document like a read one (no error anywhere)
    from urllib.parse import quote

    (planned,) = ok(as_(perf).get(f"/api/v1/cycle/years/{Y}/plan"))["indicators"]
    for path in ("/", "/documents", f"/documents/{quote('입력 2025 성과관리')}", f"/indicators/{planned['indicator_id']}",
                 f"/indicators?year={Y}", f"/reports?year={Y}", f"/reports/indicators.json?year={Y}", f"/findings?year={Y}",
                 f"/departments/{quote(D)}?year={Y}", f"/citizens?year={Y}"):
        r = as_(perf).get(path, follow_redirects=True)
        assert r.status_code < 500, (path, r.status_code)
    report = ok(as_(perf).get(f"/reports/indicators.json?year={Y}"))
    assert any(c.get("value") == 95 and c.get("source", {}).get("doc") == "입력 2025 성과관리"
               for t in (report.get("tables") or [report]) for row in t.get("rows", []) for c in row["cells"])
    assert as_(perf).get("/api/v1/audit/documents/1").status_code == 404
    assert as_(perf).get("/api/v1/audit/cycle_results/999999").status_code == 404


def test_without_an_actor_every_cycle_route_answers_401(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    app = create_app(Settings(db_url=url, evidence_dir=str(tmp_path / "ev")))
    with TestClient(app, raise_server_exceptions=False) as client:
        for method, path, body in (("post", "/api/v1/indicators/1/results", {"period": "2025", "actual": 1}),
                                   ("post", "/api/v1/cycle/years", {"year": 2025}),
                                   ("get", "/api/v1/cycle/years/2025/plan", None),
                                   ("get", "/api/v1/evidence/1", None),
                                   ("get", "/api/v1/audit/cycle_results/1", None)):
            r = client.request(method.upper(), path, json=body)
            assert r.status_code == 401, (path, r.text)
            assert r.json()["error"]["status"] == 401


def test_the_cycle_routes_are_in_the_openapi_document(api):
    as_, _ = api
    paths = as_(who("viewer")).get("/openapi.json").json()["paths"]
    post = paths["/api/v1/indicators/{indicator_id}/results"]["post"]
    assert {"201", "403", "409", "422"} <= set(post["responses"])
    for p in ("/api/v1/cycle/years/{year}/plan/submit", "/api/v1/results/{result_id}/accept",
              "/api/v1/results/{result_id}/return", "/api/v1/cycle/years/{year}/close", "/api/v1/audit/{entity}/{entity_id}"):
        assert p in paths, p


def test_control_characters_in_bodies_are_422_not_500(api):
    as_, _ = api
    perf, ed = who("performance"), who("editor")
    ok(as_(perf).post("/api/v1/cycle/years", json={"year": Y}), 201)
    for actor, path, body in (
        (perf, "/api/v1/cycle/years", {"year": Y + 1, "municipality": "김포\x00시"}),
        (ed, f"/api/v1/cycle/years/{Y}/plan/carry-over", {"department": "기획\x00담당관"}),
        (ed, f"/api/v1/cycle/years/{Y}/plan/indicators", {"department": D, "name": "지표\x00"}),
        (ed, f"/api/v1/cycle/years/{Y}/plan/indicators", {"department": D, "name": "지표", "programs": ["사업\x00"]}),
        (ed, f"/api/v1/cycle/years/{Y}/plan/indicators", {"department": D, "name": "지표", "formula": "a\x00b"}),
        (perf, f"/api/v1/cycle/years/{Y}/close", {"municipality": "\x00"}),
    ):
        r = as_(actor).post(path, json=body)
        assert r.status_code == 422, (path, body, r.status_code, r.text)


def test_with_a_real_login_csrf_and_department_are_enforced(tmp_path):
    """No override: accounts log in through /api/v1/auth/login; a cookie-authenticated write
    without X-CSRF-Token is refused and writes nothing; with it, 201 for the editor of the
    department, 403 for another department's editor."""
    from argon2 import PasswordHasher, profiles

    from sijeong import accounts, cycle, operations

    saved, accounts.HASHER = accounts.HASHER, PasswordHasher.from_parameters(profiles.CHEAPEST)
    try:
        url = f"sqlite:///{tmp_path / 'login.db'}"
        engine = create_engine_for(url)
        migrate(engine)
        admin = operations.cli_actor()
        for login, role, dept in (("ed", "editor", D), ("other", "editor", "세무과"), ("perf", "performance", None)):
            accounts.add_account(engine, admin, login=login, role=role, department=dept, password="correct horse battery")
        cycle.open_year(engine, admin, municipality=M, year=Y)
        ind = cycle.create_indicator(engine, admin, municipality=M, year=Y, department=D, name="지표", target=10)
        cycle.submit_plan(engine, admin, municipality=M, year=Y, department=D)
        cycle.confirm_plan(engine, admin, municipality=M, year=Y)
        engine.dispose()
        app = create_app(Settings(db_url=url, evidence_dir=str(tmp_path / "ev")))
        path = f"/api/v1/plan-indicators/{ind['id']}/results"
        with TestClient(app, raise_server_exceptions=False) as client:
            csrf = ok(client.post("/api/v1/auth/login", json={"login": "other", "password": "correct horse battery"}))["csrf_token"]
            assert client.post(path, json={"period": f"{Y}-Q1", "actual": 1}, headers={"X-CSRF-Token": csrf}).status_code == 403
            csrf = ok(client.post("/api/v1/auth/login", json={"login": "ed", "password": "correct horse battery"}))["csrf_token"]
            no_token = client.post(path, json={"period": f"{Y}-Q1", "actual": 1})
            assert no_token.status_code == 403 and no_token.json()["error"]["status"] == 403
            assert ok(client.get(path))["results"] == []  # nothing written
            row = ok(client.post(path, json={"period": f"{Y}-Q1", "actual": 1}, headers={"X-CSRF-Token": csrf}), 201)
            (entry,) = [t for t in ok(client.get(f"/api/v1/audit/cycle_results/{row['id']}"))["items"]]
            assert (entry["actor"], entry["role"], entry["via"]) == ("ed", "editor", "api")
    finally:
        accounts.HASHER = saved
