"""시군종합평가 monthly 이행과제 and the 부진지표 list: the rule (지연, or short of plan — above it
when lower is better; 미보고 without a report of the month), who may report (the indicator's
department, the performance team), stale reports, the API, the /joint page's form and the
monitoring page's use of it."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, evaluation as ev, joint_tasks, operations
from sijeong.model.joint import standing, task_behind
from sijeong.operations import Invalid, Refused, Stale
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
PERF = operations.Actor("perf", "performance", via="cli")
TAX = operations.Actor("tax", "editor", "세정과", via="cli")
M, Y = "김포시", 2022


def test_the_rule():
    assert task_behind("delayed", None, None)
    assert task_behind("on_track", 50, 40) and not task_behind("on_track", 50, 50)
    assert task_behind("on_track", 5, 7, "lower") and not task_behind("on_track", 5, 4, "lower")
    assert not task_behind("done", None, None)
    tasks = [{"month": "2022-02", "status": "delayed", "target": None, "actual": None},
             {"month": "2022-03", "status": "done", "target": 10, "actual": 10}]
    assert standing(tasks, "2022-03")[0] == "done"
    assert standing(tasks, "2022-02")[0] == "behind"
    assert standing(tasks, "2022-04") == ("unreported", None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('jtasks') / 'j.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, role, dept in (("perf", "performance", None), ("tax", "editor", "세정과"),
                              ("traffic", "editor", "교통과"), ("viewer", "viewer", None)):
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD, municipality=M)
    jid = ev.configure_joint(engine, PERF, municipality=M, year=Y, name="2022년 시군종합평가", city="김포",
                             groups=[{"name": "2그룹", "cities": ["김포", "파주"]}],
                             indicators=[{"number": "1", "name": "지방세 징수율", "unit": "%", "department": "세정과"},
                                         {"number": "2", "name": "교통안전 순위", "unit": "위", "department": "교통과"},
                                         {"number": "3", "name": "시책 홍보", "department": None}])
    yield engine, create_app(Settings(db_url=url, municipality=M)), jid
    engine.dispose()
    accounts.HASHER = saved


def test_reports_by_department_the_lagging_list_and_stale_edits(site):
    engine, _, jid = site
    row = joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="1", month=f"{Y}-03",
                                 task="체납 독려 문자 발송", status="on_track", target=50, actual=40, evidence="세정과-77")
    assert row["version"] == 1 and row["entered_by"] == "tax" and row["department"] == "세정과"
    with pytest.raises(Refused):  # another department's indicator
        joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="2", month=f"{Y}-03", task="x",
                               status="on_track")
    with pytest.raises(Refused):  # an indicator without a department: the performance team's
        joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="3", month=f"{Y}-03", task="x",
                               status="on_track")
    with pytest.raises(Stale):  # the month is reported already: its version is needed
        joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="1", month=f"{Y}-03", task="다시",
                               status="on_track")
    with pytest.raises(Invalid):
        joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="1", month="2019-03", task="x",
                               status="on_track")
    with pytest.raises(Invalid):
        joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="1", month=f"{Y}-04", task="x",
                               status="late")
    # 교통안전 순위 (위: lower is better): planned 5th, now 7th → behind
    joint_tasks.enter_task(engine, PERF, evaluation_id=jid, indicator="2", month=f"{Y}-03", task="캠페인",
                           status="on_track", target=5, actual=7)
    with engine.connect() as conn:
        data = joint_tasks.tasks(conn, jid)
    assert data["month"] == f"{Y}-03"
    assert data["lagging"] == ["1", "2"] and data["unreported"] == ["3"]
    by = {i["number"]: i for i in data["indicators"]}
    assert by["2"]["direction"] == "lower" and by["1"]["task"]["evidence"] == "세정과-77"
    # corrected with the version read: on plan now
    joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="1", month=f"{Y}-03", task="체납 독려",
                           status="on_track", target=50, actual=52, version=1)
    with engine.connect() as conn:
        data = joint_tasks.tasks(conn, jid)
        earlier = joint_tasks.tasks(conn, jid, month=f"{Y}-02")
    assert data["lagging"] == ["2"]
    assert earlier["lagging"] == [] and earlier["unreported"] == ["1", "2", "3"]


def test_the_api_and_the_page_form(site):
    engine, app, jid = site
    with TestClient(app) as anon:
        assert anon.get(f"/api/v1/joint-evaluations/{jid}/tasks").status_code == 401
        assert anon.get(f"/joint/{jid}", follow_redirects=False).status_code in (303, 307)
    c = TestClient(app)
    csrf = c.post("/api/v1/auth/login", json={"login": "traffic", "password": PASSWORD}).json()["csrf_token"]
    r = c.post(f"/api/v1/joint-evaluations/{jid}/tasks", headers={"X-CSRF-Token": csrf},
               json={"indicator": "2", "month": f"{Y}-05", "task": "어린이 보호구역 점검", "status": "delayed"})
    assert r.status_code == 201, r.text
    r = c.post(f"/api/v1/joint-evaluations/{jid}/tasks", headers={"X-CSRF-Token": csrf},
               json={"indicator": "1", "month": f"{Y}-05", "task": "남의 지표", "status": "done"})
    assert r.status_code == 403
    got = c.get(f"/api/v1/joint-evaluations/{jid}/tasks", params={"month": f"{Y}-05"}).json()
    assert got["lagging"] == ["2"] and got["unreported"] == ["1", "3"]
    page = c.get(f"/joint/{jid}?month={Y}-05").text
    assert 'id="tasks"' in page and "어린이 보호구역 점검" in page and "<script" not in page
    # the form offers only this department's indicator
    form = page.split('action="/joint/%d/tasks"' % jid, 1)[1].split("</form>", 1)[0]
    assert "교통안전 순위" in form and "지방세 징수율" not in form
    r = c.post(f"/joint/{jid}/tasks", data={"csrf_token": csrf, "indicator": "2", "month": f"{Y}-06",
                                            "task": "신호 체계 개선", "status": "on_track", "target": "5",
                                            "actual": "5"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/joint/{jid}?month={Y}-06")
    assert "이행과제를 저장했습니다" in c.get(r.headers["location"]).text
    # the same month again: 409 on the form with the current version, then replaced
    r = c.post(f"/joint/{jid}/tasks", data={"csrf_token": csrf, "indicator": "2", "month": f"{Y}-06",
                                            "task": "신호 체계 개선 완료", "status": "done"})
    assert r.status_code == 409 and "이미 있습니다" in r.text and 'name="version" value="1"' in r.text
    r = c.post(f"/joint/{jid}/tasks", data={"csrf_token": csrf, "indicator": "2", "month": f"{Y}-06",
                                            "task": "신호 체계 개선 완료", "status": "done", "version": "1"},
               follow_redirects=False)
    assert r.status_code == 303
    assert c.post(f"/joint/{jid}/tasks", data={"indicator": "2", "month": f"{Y}-06", "task": "x",
                                               "status": "done"}).status_code == 403  # no CSRF token
    v = TestClient(app)
    vcsrf = v.post("/api/v1/auth/login", json={"login": "viewer", "password": PASSWORD}).json()["csrf_token"]
    assert v.post(f"/joint/{jid}/tasks", data={"csrf_token": vcsrf, "indicator": "2", "month": f"{Y}-07",
                                               "task": "x", "status": "done"}).status_code == 403
    assert 'action="/joint/%d/tasks"' % jid not in v.get(f"/joint/{jid}").text  # nothing to report


def test_the_monitoring_page_shows_the_months_standing(site):
    engine, app, jid = site
    c = TestClient(app)
    c.post("/api/v1/auth/login", json={"login": "viewer", "password": PASSWORD})
    j = c.get(f"/monitoring.json?year={Y}").json()["joint"]
    assert j["month"] == f"{Y}-06"
    by = {i["number"]: i for i in j["indicators"]}
    assert by["2"]["month_standing"] == "done" and by["1"]["month_standing"] == "unreported"
    joint_tasks.enter_task(engine, TAX, evaluation_id=jid, indicator="1", month=f"{Y}-06", task="징수 독려",
                           status="delayed")
    j = c.get(f"/monitoring.json?year={Y}").json()["joint"]
    assert [i["number"] for i in j["indicators"]][0] == "1" and j["indicators"][0]["status"] == "behind"


def test_the_lagging_list_as_xlsx(site):
    import io

    import openpyxl

    engine, app, jid = site
    with TestClient(app) as anon:
        assert anon.get(f"/joint/{jid}/tasks.xlsx", follow_redirects=False).status_code in (303, 307)
    c = TestClient(app)
    c.post("/api/v1/auth/login", json={"login": "viewer", "password": PASSWORD})
    assert f'href="/joint/{jid}/tasks.xlsx?month=' in c.get(f"/joint/{jid}").text
    r = c.get(f"/joint/{jid}/tasks.xlsx", params={"month": f"{Y}-03"})
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = [[c.value for c in row] for row in wb["부진지표"].iter_rows(min_row=3)]
    assert rows[0] == ["번호", "지표", "담당 부서", "상태", "이행과제", "계획", "실적", "증빙"]
    # 2022-03: 2 (위, 7th against 5th) 부진; 3 미보고; 1 on plan after the correction (52 ≥ 50)
    assert [r[:4] for r in rows[1:]] == [["2", "교통안전 순위", "교통과", "부진"], ["3", "시책 홍보", None, "미보고"],
                                         ["1", "지방세 징수율", "세정과", "정상"]]
    assert rows[3][4:] == ["체납 독려", 50, 52, None]  # the correction left the evidence out
    assert "부진지표 1개" in wb["부진지표"]["A1"].value
    monthly = [[c.value for c in row] for row in wb["월별 이행과제"].iter_rows(min_row=4)]
    assert ["2", "교통안전 순위", f"{Y}-03", "정상", "부진", "캠페인", 5, 7, None, None, "perf"] in monthly
