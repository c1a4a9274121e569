"""Pledges (공약, issue 12 part 2) through the API and the pages: 003's figures entered through
``POST /api/v1/pledges`` give back the document's counts and percentages; roles × the
pledge operations; a stale edit is 409; the audit trail; the public page shows no internal
note; the summary by field, type and half-year; the XLSX export."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, operations
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
M = "김포시"
#: 003 (2024년도 주요성과, 정책기획과): 공약사업 총 56건 — 이행완료 27건, '25년 완료목표 9건,
#: 정상추진 중 20건; 시 선도사업 15개, 부서 중점사업 41개. Typed here from those counts.
DOC_003 = [("completed", None)] * 27 + [("due", 2025)] * 9 + [("on_track", None)] * 20
TYPES_003 = ["city_leading"] * 15 + ["department"] * 41
FIELDS = ["경제·일자리", "교통", "복지", "문화·관광", "환경", "교육", "안전"]
USERS = {  # login -> (role, department)
    "admin1": ("admin", None),
    "perf": ("performance", None),
    "kim": ("editor", "자치행정과"),
    "lee": ("approver", "자치행정과"),
    "park": ("editor", "교통정책과"),
    "eval": ("evaluator", None),
    "view": ("viewer", None),
}


@pytest.fixture(scope="module")
def cheap():
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


@pytest.fixture(scope="module")
def db_url(tmp_path_factory, cheap):
    url = f"sqlite:///{tmp_path_factory.mktemp('pledges') / 'p.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, (role, dept) in USERS.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def app(db_url):
    return create_app(Settings(db_url=db_url, municipality=M))


def client(app, login: str | None = None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if login:
        r = c.post("/api/v1/auth/login", json={"login": login, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


@pytest.fixture(scope="module")
def loaded(app, db_url):
    """003's 56 pledges in municipality 김포시, entered by the performance team through the API."""
    c = client(app, "perf")
    ids = []
    for i, ((status, year), kind) in enumerate(zip(DOC_003, TYPES_003), start=1):
        body = {"municipality": M, "title": f"공약 {i}", "field": FIELDS[i % len(FIELDS)],
                "lead_department": "자치행정과" if i % 2 else "교통정책과", "status": status, "type": kind,
                "note": f"내부 검토 메모 {i}"}
        if year:
            body["target_year"] = year
        r = c.post("/api/v1/pledges", json=body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def test_003_figures_entered_through_the_api_give_the_documents_counts_and_percentages(app, loaded):
    s = client(app).get("/api/v1/pledges/summary", params={"municipality": M}).json()
    assert s["total"] == 56
    by = {x["status"]: x for x in s["by_status"]}
    assert (by["completed"]["count"], by["completed"]["percent"]) == (27, 48.2)
    assert (by["due"]["count"], by["due"]["percent"]) == (9, 16.1)
    assert (by["on_track"]["count"], by["on_track"]["percent"]) == (20, 35.7)
    assert by["completed"]["label"] == "이행완료" and s["completion_rate"] == 48.2
    assert [b["count"] for b in s["by_status"] if b["status"] in ("partial", "on_hold", "dropped")] == [0, 0, 0]
    assert s["due_by_year"] == [{"target_year": 2025, "count": 9, "percent": 16.1}]
    types = {t["type"]: t["total"] for t in s["by_type"]}
    assert types == {"city_leading": 15, "department": 41}


def test_summary_by_field_adds_up_and_rounds_half_up(app, loaded):
    s = client(app).get("/api/v1/pledges/summary", params={"municipality": M}).json()
    fields = {f["field"]: f for f in s["by_field"]}
    assert set(fields) == set(FIELDS)
    assert sum(f["total"] for f in fields.values()) == 56
    for name, f in fields.items():
        # hand-count from the way the fixture assigns fields
        mine = [st for i, (st, _) in enumerate(DOC_003, start=1) if FIELDS[i % len(FIELDS)] == name]
        assert f["total"] == len(mine)
        done = mine.count("completed")
        assert {b["status"]: b["count"] for b in f["by_status"]}["completed"] == done
        tenths = (done * 2000 // len(mine) + 1) // 2  # percent in tenths, rounded half up, in integers
        assert f["completion_rate"] == tenths / 10


def test_percent_rounds_half_up_as_printed():
    from sijeong.model.pledges import percent

    assert percent(27, 56) == 48.2
    assert percent(1, 8) == 12.5
    assert percent(1, 16) == 6.3  # 6.25 → 6.3 (half up, not banker's 6.2)
    assert percent(0, 0) is None


def test_list_is_paged_and_public_answers_have_no_internal_note(app, loaded):
    anon = client(app)
    r = anon.get("/api/v1/pledges", params={"municipality": M, "limit": 10, "offset": 50})
    body = r.json()
    assert r.status_code == 200 and body["total"] == 56 and len(body["items"]) == 6
    assert [p["number"] for p in body["items"]] == list(range(51, 57))
    assert all("note" not in p for p in body["items"])
    one = anon.get(f"/api/v1/pledges/{loaded[0]}").json()
    assert "note" not in one and "audit" not in one
    signed = client(app, "view").get(f"/api/v1/pledges/{loaded[0]}").json()
    assert signed["note"] == "내부 검토 메모 1" and signed["audit"]


@pytest.mark.parametrize("body, said", [
    ({"status": "finished"}, "status"),
    ({"status": "완료예정"}, "target_year"),  # 완료예정 needs its target year
    ({"status": "completed", "target_year": 1999}, "target_year"),
    ({"status": "completed", "target_year": "2025년"}, "target_year"),
    ({"status": "completed", "type": "기타"}, "type"),
    ({"status": "completed", "title": ""}, "title"),
])
def test_bad_values_are_422_never_500(app, loaded, body, said):
    base = {"municipality": M, "title": "새 공약", "field": "교통", "lead_department": "교통정책과"}
    r = client(app, "perf").post("/api/v1/pledges", json={**base, **body})
    assert r.status_code == 422, r.text
    assert said in r.json()["error"]["message"]


def test_korean_status_and_type_labels_are_taken(app, loaded):
    r = client(app, "perf").post("/api/v1/pledges", json={
        "municipality": "라벨시", "title": "한글 상태", "field": "교통", "lead_department": "교통정책과",
        "status": "완료예정", "target_year": 2026, "type": "시 선도사업"})
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["status"], p["type"], p["number"], p["status_label"]) == ("due", "city_leading", 1, "완료예정 (2026년)")


BASE = {"municipality": "권한시", "title": "권한 시험", "field": "교통", "lead_department": "자치행정과",
        "status": "on_track"}


@pytest.mark.parametrize("login, status", [(None, 401), ("view", 403), ("eval", 403), ("kim", 403), ("lee", 403),
                                           ("perf", 201), ("admin1", 201)])
def test_roles_adding_a_pledge(app, login, status):
    r = client(app, login).post("/api/v1/pledges", json=BASE)
    assert r.status_code == status, r.text
    if status >= 400:
        assert set(r.json()) == {"error"}


def test_csrf_is_needed_with_the_cookie(app):
    c = client(app, "perf")
    del c.headers["X-CSRF-Token"]
    assert c.post("/api/v1/pledges", json=BASE).status_code == 403


@pytest.mark.parametrize("login, status", [(None, 401), ("view", 403), ("eval", 403), ("park", 403),
                                           ("kim", 201), ("lee", 201), ("perf", 201), ("admin1", 201)])
def test_roles_reporting_progress_lead_department_only(app, login, status):
    pid = client(app, "perf").post("/api/v1/pledges", json={**BASE, "municipality": f"보고시-{login}"}).json()["id"]
    r = client(app, login).post(f"/api/v1/pledges/{pid}/reports",
                                json={"period": "2025-H1", "status": "on_track", "text": "설계 완료"})
    assert r.status_code == status, r.text


@pytest.mark.parametrize("login, status", [(None, 401), ("view", 403), ("eval", 403), ("kim", 403), ("lee", 403),
                                           ("perf", 200), ("admin1", 200)])
def test_roles_changing_a_pledge(app, login, status):
    p = client(app, "perf").post("/api/v1/pledges", json={**BASE, "municipality": f"수정시-{login}"}).json()
    r = client(app, login).patch(f"/api/v1/pledges/{p['id']}", json={"version": p["version"], "title": "고친 제목"})
    assert r.status_code == status, r.text


@pytest.mark.parametrize("login, status", [("kim", 403), ("view", 403), ("perf", 201)])
def test_roles_assessing(app, login, status):
    p = client(app, "perf").post("/api/v1/pledges", json={**BASE, "municipality": f"평가시-{login}"}).json()
    r = client(app, login).post(f"/api/v1/pledges/{p['id']}/assessments",
                                json={"panel": "공약 시민평가단", "assessed_on": "2025-06-30", "grade": "우수"})
    assert r.status_code == status, r.text


def test_every_pledge_operation_is_in_the_role_table():
    for name in ("pledge.add", "pledge.update", "pledge.report", "pledge.assess"):
        op = operations.OPERATIONS[name]
        assert "viewer" not in op.roles and "evaluator" not in op.roles
    assert {"editor", "approver"} <= operations.OPERATIONS["pledge.report"].roles
    assert not {"editor", "approver"} & operations.OPERATIONS["pledge.update"].roles


def test_stale_edit_is_409_and_writes_nothing(app, db_url):
    perf = client(app, "perf")
    p = perf.post("/api/v1/pledges", json={**BASE, "municipality": "충돌시"}).json()
    first = perf.patch(f"/api/v1/pledges/{p['id']}", json={"version": p["version"], "status": "partial"})
    assert first.status_code == 200 and first.json()["version"] == p["version"] + 1
    second = client(app, "admin1").patch(f"/api/v1/pledges/{p['id']}", json={"version": p["version"], "title": "늦은 수정"})
    assert second.status_code == 409, second.text
    assert "version" in second.json()["error"]["message"]
    now = perf.get(f"/api/v1/pledges/{p['id']}").json()
    assert now["title"] == "권한 시험" and now["status"] == "partial"
    # a second report of the same half-year needs the first one's version
    perf.post(f"/api/v1/pledges/{p['id']}/reports", json={"period": "2025-H1", "status": "partial", "text": "일부"})
    again = perf.post(f"/api/v1/pledges/{p['id']}/reports", json={"period": "2025-H1", "status": "on_track", "text": "x"})
    assert again.status_code == 409
    fixed = perf.post(f"/api/v1/pledges/{p['id']}/reports",
                      json={"period": "2025-H1", "status": "on_track", "text": "정상", "version": 1})
    assert fixed.status_code == 201 and fixed.json()["version"] == 2


def test_missing_pledge_is_404(app):
    assert client(app).get("/api/v1/pledges/999999").status_code == 404
    r = client(app, "perf").patch("/api/v1/pledges/999999", json={"version": 1, "title": "x"})
    assert r.status_code == 404 and set(r.json()) == {"error"}


def test_audit_trail_rows_of_add_change_and_report(app, db_url):
    perf, kim = client(app, "perf"), client(app, "kim")
    p = perf.post("/api/v1/pledges", json={**BASE, "municipality": "감사시", "note": "비공개"}).json()
    perf.patch(f"/api/v1/pledges/{p['id']}", json={"version": 1, "status": "due", "target_year": 2026})
    kim.post(f"/api/v1/pledges/{p['id']}/reports",
             json={"period": "2025-H2", "status": "completed", "text": "준공", "evidence": "준공검사 조서 2025-123"})
    engine = db.create_engine_for(db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, operation, entity, field, old_value, new_value FROM audit_log "
                                    "WHERE municipality = '감사시' ORDER BY id")).all()
    engine.dispose()
    ops = [(r.actor, r.operation, r.entity, r.field) for r in rows]
    assert ops[0] == ("perf", "pledge.add", "pledges", None)
    assert ("perf", "pledge.update", "pledges", "status") in ops
    assert ("perf", "pledge.update", "pledges", "target_year") in ops
    assert ("kim", "pledge.report", "pledge_reports", None) in ops
    # the newest half-year's report sets the pledge's status, recorded as the report's change
    assert ("kim", "pledge.report", "pledges", "status") in ops
    trail = perf.get(f"/api/v1/pledges/{p['id']}").json()["audit"]
    assert [(a["actor"], a["operation"], a["field"]) for a in trail] == [o[:2] + o[3:] for o in ops]
    now = perf.get(f"/api/v1/pledges/{p['id']}").json()
    assert now["status"] == "completed" and now["reports"][0]["evidence"] == "준공검사 조서 2025-123"
    public = client(app).get(f"/api/v1/pledges/{p['id']}").json()
    assert "evidence" not in public["reports"][0] and "reported_by" not in public["reports"][0]


def test_an_older_half_year_report_does_not_change_the_status(app):
    perf = client(app, "perf")
    p = perf.post("/api/v1/pledges", json={**BASE, "municipality": "순서시"}).json()
    perf.post(f"/api/v1/pledges/{p['id']}/reports", json={"period": "2025-H2", "status": "completed", "text": "완료"})
    perf.post(f"/api/v1/pledges/{p['id']}/reports", json={"period": "2025-H1", "status": "partial", "text": "늦은 입력"})
    assert perf.get(f"/api/v1/pledges/{p['id']}").json()["status"] == "completed"


def test_summary_over_time_counts_each_pledges_latest_report(app):
    perf = client(app, "perf")
    m = "시간시"
    ids = [perf.post("/api/v1/pledges", json={**BASE, "municipality": m}).json()["id"] for _ in range(4)]
    plan = {  # pledge -> [(period, status)]
        ids[0]: [("2024-H2", "on_track"), ("2025-H1", "completed")],
        ids[1]: [("2024-H2", "on_track"), ("2025-H2", "completed")],
        ids[2]: [("2025-H1", "partial")],
    }
    for pid, reports in plan.items():
        for period, status in reports:
            r = perf.post(f"/api/v1/pledges/{pid}/reports", json={"period": period, "status": status, "text": "실적"})
            assert r.status_code == 201, r.text
    s = client(app).get("/api/v1/pledges/summary", params={"municipality": m}).json()
    got = {t["period"]: ({b["status"]: b["count"] for b in t["by_status"] if b["count"]}, t["unreported"])
           for t in s["over_time"]}
    assert got == {
        "2024-H2": ({"on_track": 2}, 2),
        "2025-H1": ({"completed": 1, "on_track": 1, "partial": 1}, 1),
        "2025-H2": ({"completed": 2, "partial": 1}, 1),
    }
    h1 = next(t for t in s["over_time"] if t["period"] == "2025-H1")
    assert h1["completion_rate"] == 25.0


def test_public_page_lists_by_field_without_internal_notes(app, loaded):
    anon = client(app)
    r = anon.get("/pledges", params={"municipality": M})
    assert r.status_code == 200
    html = r.text
    assert "48.2%" in html and "56" in html
    for f in FIELDS:
        assert f in html
    assert "내부 검토 메모" not in html
    one = anon.get(f"/pledges/{loaded[0]}")
    assert one.status_code == 200 and "공약 1" in one.text and "내부 검토 메모" not in one.text
    assert 'name="csrf_token"' not in one.text  # no forms for the public
    signed = client(app, "perf").get(f"/pledges/{loaded[0]}")
    assert "내부 검토 메모 1" in signed.text and 'name="csrf_token"' in signed.text


def test_public_json_twin_has_no_note(app, loaded):
    body = client(app).get("/pledges.json", params={"municipality": M}).json()
    assert body["summary"]["total"] == 56
    assert "내부 검토 메모" not in str(body)


def test_performance_team_adds_and_changes_through_html_forms(app):
    perf = client(app, "perf")
    token = perf.headers.pop("X-CSRF-Token")
    form = perf.get("/pledges/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    r = perf.post("/pledges/new", data={"csrf_token": token, "municipality": "양식시", "title": "양식 공약",
                                        "field": "복지", "lead_department": "복지정책과", "status": "on_track",
                                        "type": "department", "target_year": ""}, follow_redirects=False)
    assert r.status_code == 303, r.text
    pid = int(re.search(r"/pledges/(\d+)", r.headers["location"]).group(1))
    bad = perf.post(f"/pledges/{pid}", data={"csrf_token": token, "version": "1", "title": "양식 공약",
                                             "field": "복지", "lead_department": "복지정책과", "status": "due",
                                             "target_year": ""})
    assert bad.status_code == 422 and "목표연도" in bad.text
    ok = perf.post(f"/pledges/{pid}", data={"csrf_token": token, "version": "1", "title": "양식 공약 (수정)",
                                            "field": "복지", "lead_department": "복지정책과", "status": "due",
                                            "target_year": "2026"}, follow_redirects=False)
    assert ok.status_code == 303
    stale = perf.post(f"/pledges/{pid}", data={"csrf_token": token, "version": "1", "title": "늦음",
                                               "field": "복지", "lead_department": "복지정책과", "status": "due",
                                               "target_year": "2026"})
    assert stale.status_code == 409
    nocsrf = perf.post(f"/pledges/{pid}", data={"version": "2", "title": "x", "field": "복지",
                                                "lead_department": "복지정책과", "status": "due"})
    assert nocsrf.status_code == 403
    assert client(app).get("/pledges/new", follow_redirects=False).status_code == 303  # to the login page
    assert client(app, "kim").get("/pledges/new").status_code == 403


def test_xlsx_export_of_the_pledge_table(app, loaded):
    from openpyxl import load_workbook

    r = client(app).get("/pledges.xlsx", params={"municipality": M})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["공약"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["번호", "분야", "공약명", "유형"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4) if row[0].value is not None]
    assert len(rows) == 56
    statuses = [r[header.index("상태")] for r in rows]
    assert statuses.count("이행완료") == 27 and statuses.count("완료예정 (2025년)") == 9
    summary = wb["현황"]
    values = {row[0].value: (row[1].value, row[2].value) for row in summary.iter_rows(min_row=4)
              if row[0].value}
    assert values["이행완료"] == (27, 48.2) and values["합계"] == (56, 100.0)
    assert "내부 검토 메모" not in str(rows)


def test_unpublished_assessments_stay_hidden_until_published(app):
    perf = client(app, "perf")
    p = perf.post("/api/v1/pledges", json={**BASE, "municipality": "공개시"}).json()
    a = perf.post(f"/api/v1/pledges/{p['id']}/assessments",
                  json={"panel": "공약 시민평가단", "assessed_on": "2025-06-30", "grade": "우수", "opinion": "비공개 의견"})
    assert a.status_code == 201 and a.json()["published"] is False
    anon = client(app)
    assert anon.get(f"/api/v1/pledges/{p['id']}").json()["assessments"] == []
    assert "비공개 의견" not in anon.get(f"/pledges/{p['id']}").text
    assert perf.get(f"/api/v1/pledges/{p['id']}").json()["assessments"][0]["opinion"] == "비공개 의견"
    assert client(app, "kim").patch(f"/api/v1/pledges/assessments/{a.json()['id']}",
                                    json={"version": 1, "published": True}).status_code == 403
    pub = perf.patch(f"/api/v1/pledges/assessments/{a.json()['id']}", json={"version": 1, "published": True})
    assert pub.status_code == 200, pub.text
    assert perf.patch(f"/api/v1/pledges/assessments/{a.json()['id']}",
                      json={"version": 1, "published": False}).status_code == 409
    assert anon.get(f"/api/v1/pledges/{p['id']}").json()["assessments"][0]["grade"] == "우수"
    assert "비공개 의견" in anon.get(f"/pledges/{p['id']}").text


def test_department_editor_reports_with_the_html_form(app):
    p = client(app, "perf").post("/api/v1/pledges", json={**BASE, "municipality": "양식보고시"}).json()
    kim = client(app, "kim")
    token = kim.headers.pop("X-CSRF-Token")
    page = kim.get(f"/pledges/{p['id']}")
    assert 'action="/pledges/%d/reports"' % p["id"] in page.text and "공약 수정" not in page.text
    data = {"csrf_token": token, "period": "2025-H1", "status": "completed", "text": "완료 보고", "evidence": ""}
    r = kim.post(f"/pledges/{p['id']}/reports", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("#reports")
    again = kim.post(f"/pledges/{p['id']}/reports", data=data)  # same half-year without its version
    assert again.status_code == 409 and "이미 있습니다" in again.text and 'role="alert"' in again.text
    bad = kim.post(f"/pledges/{p['id']}/reports", data={**data, "period": "2025-H3"})
    assert bad.status_code == 422 and "2025-H1" in bad.text
    fixed = kim.post(f"/pledges/{p['id']}/reports", data={**data, "text": "고친 보고", "version": "1"},
                     follow_redirects=False)
    assert fixed.status_code == 303
    park = client(app, "park")  # another department's editor
    ptoken = park.headers.pop("X-CSRF-Token")
    assert 'action="/pledges/%d/reports"' % p["id"] not in park.get(f"/pledges/{p['id']}").text
    refused = park.post(f"/pledges/{p['id']}/reports", data={**data, "csrf_token": ptoken, "period": "2025-H2"})
    assert refused.status_code == 403
    body = client(app).get(f"/api/v1/pledges/{p['id']}").json()
    assert [(r["period"], r["text"]) for r in body["reports"]] == [("2025-H1", "고친 보고")]


def test_performance_team_adds_milestones_and_assessments_with_forms(app):
    perf = client(app, "perf")
    token = perf.headers.pop("X-CSRF-Token")
    p = client(app, "perf").post("/api/v1/pledges", json={**BASE, "municipality": "양식평가시"}).json()
    r = perf.post(f"/pledges/{p['id']}/milestones", data={"csrf_token": token, "title": "실시설계", "due": "2025-H2"},
                  follow_redirects=False)
    assert r.status_code == 303
    r = perf.post(f"/pledges/{p['id']}/assessments", data={"csrf_token": token, "panel": "공약 시민평가단",
                                                           "assessed_on": "2025-06-30", "grade": "우수",
                                                           "opinion": "시민 의견"}, follow_redirects=False)
    assert r.status_code == 303
    bad = perf.post(f"/pledges/{p['id']}/assessments", data={"csrf_token": token, "panel": "x", "assessed_on": "내일"})
    assert bad.status_code == 422 and "2025-06-30" in bad.text
    assert "시민 의견" not in client(app).get(f"/pledges/{p['id']}").text  # not published yet
    aid = perf.get(f"/api/v1/pledges/{p['id']}").json()["assessments"][0]["id"]
    r = perf.post(f"/pledges/{p['id']}/assessments/{aid}", data={"csrf_token": token, "version": "1", "published": "1"},
                  follow_redirects=False)
    assert r.status_code == 303
    public = client(app).get(f"/pledges/{p['id']}").text
    assert "시민 의견" in public and "실시설계" in public
    kim = client(app, "kim")
    ktoken = kim.headers.pop("X-CSRF-Token")
    assert kim.post(f"/pledges/{p['id']}/milestones", data={"csrf_token": ktoken, "title": "x"}).status_code == 403
