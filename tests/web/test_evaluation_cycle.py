"""정량 추진실적 from the cycle's accepted results: each department's confirmed plan indicators
with an accepted annual result, 달성률 (목표/실적 when lower is better) counted up to 100%,
weighted by the plan's 가중치, on the component's scale — checked against hand-computed
values; written as the scores of ``<cycle>``, then scored and ranked like any other; only the
performance team; not while published."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, cycle, evaluation as ev, evaluation_cycle as evc, operations
from sijeong.operations import Invalid, Refused
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
PERF = operations.Actor("perf", "performance", via="cli")
M, Y = "김포시", 2022


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('evcycle') / 'c.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, role, dept in (("perf", "performance", None), ("ev1", "evaluator", None), ("a_editor", "editor", "A과")):
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD, municipality=M)
    cycle.open_year(engine, ADMIN, municipality=M, year=Y)
    plan = {
        # A과: weights 60 and 40; 90/100 = 90%, 60/50 = 120% → counted 100%
        ("A과", "민원 처리 건수"): dict(unit="건", target=100, weight=60, actual=90, accept=True),
        ("A과", "교육 만족도"): dict(unit="점", target=50, weight=40, actual=60, accept=True),
        # B과: lower is better — said by the plan (처리 기간: 10/8 = 125% → 100%) or by the unit (위: 3/4 =
        # 75%); no weights → equal; one only submitted
        ("B과", "처리 기간"): dict(unit="일", target=10, weight=None, actual=8, accept=True, direction="lower"),
        ("B과", "도 평가 순위"): dict(unit="위", target=3, weight=None, actual=4, accept=True),
        ("B과", "참여 인원"): dict(unit="명", target=100, weight=None, actual=10, accept=False),
        # C과: a quarter accepted, no annual result → no score
        ("C과", "점검 횟수"): dict(unit="회", target=12, weight=None, actual=3, accept=True, period=f"{Y}-Q1"),
    }
    for (dept, name), p in plan.items():
        ind = cycle.create_indicator(engine, ADMIN, municipality=M, year=Y, department=dept, name=name, unit=p["unit"],
                                     target=p["target"], **({"weight": p["weight"]} if p["weight"] else {}),
                                     **({"direction": p["direction"]} if "direction" in p else {}))
        p["id"] = ind["id"]
    for dept in ("A과", "B과", "C과"):
        cycle.submit_plan(engine, ADMIN, municipality=M, year=Y, department=dept)
    cycle.confirm_plan(engine, ADMIN, municipality=M, year=Y)
    for p in plan.values():
        res, _ = cycle.enter_result(engine, ADMIN, p["id"], period=p.get("period", str(Y)), actual=p["actual"])
        res = cycle.submit_result(engine, ADMIN, res["id"])
        if p["accept"]:
            cycle.accept_result(engine, ADMIN, res["id"])
    sid = ev.configure(engine, PERF, municipality=M, year=Y, name="2022년 부서 자체평가", trim="none",
                       groups=[{"name": "1그룹", "departments": ["A과", "B과", "C과"]}],
                       components=[{"key": "performance", "label": "정량 추진실적", "weight": 50, "max_score": 100},
                                   {"key": "qualitative", "label": "정성평가", "weight": 50},
                                   {"key": "bonus", "label": "협업 가점", "weight": 2, "kind": "bonus"}])
    for d, v in {"A과": 80, "B과": 90, "C과": 70}.items():
        ev.score(engine, PERF, scheme_id=sid, component="qualitative", department=d, value=v)
    yield engine, create_app(Settings(db_url=url)), sid
    engine.dispose()
    accounts.HASHER = saved


def test_the_preview_reproduces_the_hand_computed_scores(site):
    engine, _, sid = site
    with engine.connect() as conn:
        data = evc.cycle_performance(conn, PERF, sid, "performance")
    by = {d["department"]: d for d in data["departments"]}
    # A과: (60×90 + 40×100) / 100 = 94.00
    assert by["A과"]["score"] == 94.0 and by["A과"]["weighted"] is True
    assert [(i["name"], i["rate"], i["counted"]) for i in by["A과"]["indicators"]] == [
        ("민원 처리 건수", 90.0, 90.0), ("교육 만족도", 120.0, 100.0)]
    # B과: lower is better: 10/8 = 125% → 100; 3/4 = 75%; equal weights: (100 + 75) / 2 = 87.50;
    # 참여 인원 (submitted, not accepted) does not count
    assert by["B과"]["score"] == 87.5 and by["B과"]["weighted"] is False
    assert {i["name"]: (i["direction"], i["rate"]) for i in by["B과"]["indicators"]} == {
        "처리 기간": ("lower", 125.0), "도 평가 순위": ("lower", 75.0)}
    # C과: only a quarter's result: no annual accepted result, no score
    assert by["C과"]["score"] is None and by["C과"]["indicators"] == []


def test_written_scores_are_ranked_with_the_others(site):
    engine, _, sid = site
    with pytest.raises(Refused):
        evc.score_from_cycle(engine, operations.Actor("ev1", "evaluator"), scheme_id=sid, component="performance")
    with pytest.raises(Invalid):
        evc.score_from_cycle(engine, PERF, scheme_id=sid, component="bonus")
    out = evc.score_from_cycle(engine, PERF, scheme_id=sid, component="performance")
    assert out["written"] == 2
    assert evc.score_from_cycle(engine, PERF, scheme_id=sid, component="performance")["written"] == 0  # unchanged
    with engine.connect() as conn:
        res = ev.results(conn, PERF, sid)
    rows = {d["department"]: d for d in res["groups"][0]["departments"]}
    # A과: 94/100×50 + 80/100×50 = 47 + 40 = 87; B과: 87.5/100×50 + 90/100×50 = 43.75 + 45 = 88.75
    assert (rows["B과"]["total"], rows["B과"]["rank"]) == (88.75, 1)
    assert (rows["A과"]["total"], rows["A과"]["rank"]) == (87.0, 2)
    assert rows["C과"]["rank"] is None and rows["C과"]["complete"] is False  # no 추진실적: not ranked
    perf_comp = next(c for c in rows["A과"]["components"] if c["key"] == "performance")
    assert perf_comp["by_evaluator"][0]["evaluator"] == "<cycle>" and perf_comp["scores"] == [94.0]


def test_the_api_preview_is_the_performance_teams_and_a_published_scheme_keeps_its_scores(site):
    engine, app, sid = site
    with TestClient(app) as anon:
        assert anon.get(f"/api/v1/evaluations/{sid}/cycle-scores?component=performance").status_code == 401
    for who, status in (("a_editor", 404), ("ev1", 404), ("perf", 200)):
        c = TestClient(app)
        r = c.post("/api/v1/auth/login", json={"login": who, "password": PASSWORD})
        csrf = r.json()["csrf_token"]
        got = c.get(f"/api/v1/evaluations/{sid}/cycle-scores", params={"component": "performance"})
        assert got.status_code == status, (who, got.text)
        if who != "perf":
            w = c.post(f"/api/v1/evaluations/{sid}/cycle-scores", json={"component": "performance"},
                       headers={"X-CSRF-Token": csrf})
            assert w.status_code == 403, w.text
    assert {d["department"]: d["score"] for d in got.json()["departments"]} == {"A과": 94.0, "B과": 87.5, "C과": None}
    w = c.post(f"/api/v1/evaluations/{sid}/cycle-scores", json={"component": "performance"},
               headers={"X-CSRF-Token": csrf})
    assert w.status_code == 200 and w.json()["written"] == 0  # written by the test before
    version = c.get("/api/v1/evaluations", params={"municipality": M}).json()
    v = next(s for s in version["items"] if s["id"] == sid)["version"]
    assert c.post(f"/api/v1/evaluations/{sid}/publish", json={"publication": "public", "version": v},
                  headers={"X-CSRF-Token": csrf}).status_code == 200
    w = c.post(f"/api/v1/evaluations/{sid}/cycle-scores", json={"component": "performance"},
               headers={"X-CSRF-Token": csrf})
    assert w.status_code == 422


def test_without_a_component_the_first_score_component(site):
    engine, _, sid = site
    with engine.connect() as conn:
        assert evc.cycle_performance(conn, PERF, sid)["component"] == "performance"
        with pytest.raises(ev.Hidden):
            evc.cycle_performance(conn, None, sid)


def test_the_results_page_form_writes_the_scores(site, tmp_path):
    # a scheme of its own (the module's is published by now)
    engine, app, _ = site
    sid = ev.configure(engine, PERF, municipality=M, year=Y, name="2022년 정량 시험", trim="none",
                       groups=[{"name": "1그룹", "departments": ["A과", "B과"]}],
                       components=[{"key": "performance", "label": "정량 추진실적", "weight": 100}])
    c = TestClient(app)
    csrf = c.post("/api/v1/auth/login", json={"login": "perf", "password": PASSWORD}).json()["csrf_token"]
    page = c.get(f"/evaluation/{sid}").text
    assert f'action="/evaluation/{sid}/cycle-scores"' in page and "<script" not in page
    assert c.post(f"/evaluation/{sid}/cycle-scores", data={"component": "performance"},
                  follow_redirects=False).status_code == 403  # no CSRF token
    r = c.post(f"/evaluation/{sid}/cycle-scores", data={"component": "performance", "csrf_token": csrf},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/evaluation/{sid}?cycle=2#h-cycle"
    assert "2개 부서의 점수를 기록했습니다" in c.get(r.headers["location"]).text
    totals = {d["department"]: d["total"] for d in c.get(f"/api/v1/evaluations/{sid}/results").json()["groups"][0][
        "departments"]}
    assert totals == {"A과": 94.0, "B과": 87.5}
    ed = TestClient(app)
    ed_csrf = ed.post("/api/v1/auth/login", json={"login": "a_editor", "password": PASSWORD}).json()["csrf_token"]
    assert ed.post(f"/evaluation/{sid}/cycle-scores", data={"csrf_token": ed_csrf},
                   follow_redirects=False).status_code == 403
