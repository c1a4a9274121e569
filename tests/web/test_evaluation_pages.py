"""The evaluation pages: results per group with the breakdown (unpublished: 404 to departments,
evaluators and the public), an evaluator's scoring form (only their assignments; a plain POST
form with the session's CSRF token) and the 시군종합평가 page with its projection."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, evaluation as ev, operations
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
PERF = operations.Actor("perf", "performance", via="cli")
M = "김포시"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('evpages') / 'ev.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, role, dept in (("perf", "performance", None), ("ev1", "evaluator", None), ("ev2", "evaluator", None),
                              ("d_editor", "editor", "D과"), ("viewer", "viewer", None)):
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD, municipality=M)
    sid = ev.configure(engine, PERF, municipality=M, year=2022, name="2022년 부서 자체평가", trim="high_low", trim_min=3,
                       groups=[{"name": "1그룹", "departments": ["A과", "B과"]},
                               {"name": "2그룹", "departments": ["D과", "E과"]}],
                       components=[{"key": "performance", "label": "정량평가", "weight": 60},
                                   {"key": "qualitative", "label": "정성평가", "weight": 40},
                                   {"key": "collaboration", "label": "협업 가점", "weight": 2, "kind": "bonus"}])
    ev.assign(engine, PERF, scheme_id=sid, evaluator="ev1", component="qualitative", departments=["A과", "B과"])
    ev.assign(engine, PERF, scheme_id=sid, evaluator="ev2", component="qualitative", departments=["D과", "E과"])
    for d, v in {"A과": 90, "B과": 80, "D과": 70, "E과": 100}.items():
        ev.score(engine, PERF, scheme_id=sid, component="performance", department=d, value=v)
    ev.score(engine, PERF, scheme_id=sid, component="collaboration", department="B과", value=1.5)
    jid = ev.configure_joint(engine, PERF, municipality=M, year=2022, name="2022년 시군종합평가", city="김포",
                             goal="2그룹 1위", groups=[{"name": "1그룹", "cities": ["수원", "용인"]},
                                                    {"name": "2그룹", "cities": ["김포", "파주", "시흥"]},
                                                    {"name": "3그룹", "cities": ["이천", "구리"]}],
                             indicators=[{"number": "1", "name": "지방세 징수율", "weight": 2}])
    for city, cur, prev in (("김포", 88, 80), ("파주", 86, 85), ("시흥", 90, 75), ("수원", 80, 90), ("용인", 85, 70),
                            ("이천", 70, 80), ("구리", 73, 75)):
        ev.enter_joint(engine, PERF, evaluation_id=jid, city=city, current_score=cur, previous_score=prev, version=1)
    app = create_app(Settings(db_url=url))
    yield app, engine, sid, jid
    engine.dispose()
    accounts.HASHER = saved


def login(app, who):
    c = TestClient(app)
    r = c.post("/api/v1/auth/login", json={"login": who, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


def test_unpublished_results_page_is_404_to_all_but_the_performance_team(site):
    app, _, sid, _ = site
    with TestClient(app) as anon:
        r = anon.get(f"/evaluation/{sid}")
        assert r.status_code == 404 and "B과" not in r.text
        listing = anon.get("/evaluation").text
        assert f'href="/evaluation/{sid}"' not in listing and "볼 수 있는 평가 결과가 없습니다" in listing
    for who in ("d_editor", "ev1", "viewer"):
        c, _ = login(app, who)
        r = c.get(f"/evaluation/{sid}")
        assert r.status_code == 404, who
        assert "90" not in r.text.split("<main", 1)[1]
        assert f'href="/evaluation/{sid}"' not in c.get("/evaluation").text
    c, _ = login(app, "perf")
    r = c.get(f"/evaluation/{sid}")
    assert r.status_code == 200
    assert "<script" not in r.text
    # A과: 90/100×60 + nothing yet: incomplete; the page says so
    assert "미완료" in r.text and "정성평가" in r.text
    assert f'href="/evaluation/{sid}"' in c.get("/evaluation").text


def test_an_evaluator_scores_only_their_assignments_with_the_form(site):
    app, engine, sid, _ = site
    with TestClient(app) as anon:
        r = anon.get(f"/evaluation/{sid}/score", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    c, csrf = login(app, "ev1")
    page = c.get(f"/evaluation/{sid}/score")
    assert page.status_code == 200 and "<script" not in page.text
    names = set(re.findall(r'name="(score\|[^"]+)"', page.text))
    assert names == {"score|qualitative|A과", "score|qualitative|B과"}  # not D과, E과 nor the 정량 figures
    form = {"score|qualitative|A과": "85", "score|qualitative|B과": "92.5",
            "score|qualitative|D과": "1", "score|performance|A과": "1"}  # the last two are not theirs: ignored
    assert c.post(f"/evaluation/{sid}/score", data=form, follow_redirects=False).status_code == 403  # no CSRF
    r = c.post(f"/evaluation/{sid}/score", data=form | {"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/evaluation/{sid}/score?saved=2"
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT department, evaluator, score FROM evaluation_scores WHERE evaluator "
                                    "= 'ev1' ORDER BY department")).all()
        audit = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE actor = 'ev1' AND operation = "
                                     "'evaluation.score'")).scalar_one()
    assert [tuple(r) for r in rows] == [("A과", "ev1", 85.0), ("B과", "ev1", 92.5)] and audit == 2
    # a value out of range is shown back with its message, nothing saved
    page = c.get(f"/evaluation/{sid}/score").text
    version = re.search(r'name="version\|qualitative\|A과" value="(\d+)"', page).group(1)
    r = c.post(f"/evaluation/{sid}/score", data={"score|qualitative|A과": "101", "version|qualitative|A과": version,
                                                "csrf_token": csrf})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text and "0~100" in r.text
    # the evaluator of the other group sees only theirs
    c2, _ = login(app, "ev2")
    names = set(re.findall(r'name="(score\|[^"]+)"', c2.get(f"/evaluation/{sid}/score").text))
    assert names == {"score|qualitative|D과", "score|qualitative|E과"}
    assert login(app, "viewer")[0].get(f"/evaluation/{sid}/score").status_code == 404


def test_published_to_departments_each_sees_its_own_breakdown(site):
    app, engine, sid, _ = site
    c2, csrf2 = login(app, "ev2")
    r = c2.post(f"/evaluation/{sid}/score", data={"score|qualitative|D과": "80", "score|qualitative|E과": "50",
                                                 "csrf_token": csrf2}, follow_redirects=False)
    assert r.status_code == 303
    scheme = ev.publish(engine, PERF, scheme_id=sid, publication="departments", version=1)
    assert scheme["publication"] == "departments"
    c, _ = login(app, "d_editor")
    r = c.get(f"/evaluation/{sid}")
    assert r.status_code == 200
    main = r.text.split("<main", 1)[1]
    # D과: 70/100×60 + 80/100×40 = 42 + 32 = 74.00; E과 (60 + 20 = 80.00) is not shown
    assert "74.00" in main and "D과" in main and "E과" not in main and "A과" not in main
    assert "ev2" not in main  # who gave which score is the performance team's
    with TestClient(app) as anon:
        assert anon.get(f"/evaluation/{sid}").status_code == 404
    perf, _ = login(app, "perf")
    main = perf.get(f"/evaluation/{sid}").text.split("<main", 1)[1]
    assert "ev2 80" in main and "80.00" in main and "2위 / 2" in main  # E과 80.00 first, D과 74.00 second


def test_the_joint_evaluation_page_projects_the_rank_and_takes_figures(site):
    app, engine, _, jid = site
    with TestClient(app) as anon:
        assert anon.get(f"/joint/{jid}", follow_redirects=False).status_code == 303
    viewer, vcsrf = login(app, "viewer")
    r = viewer.get(f"/joint/{jid}")
    assert r.status_code == 200 and "<script" not in r.text
    main = r.text.split("<main", 1)[1]
    # 김포 88×0.7 + 80×0.3 = 85.60, 파주 85.70 leads, 시흥 85.50; to tie 파주: (85.7 − 24) / 0.7 → 88.15
    assert "85.60" in main and "2위 / 3" in main and "파주 85.70" in main and "88.15" in main
    assert 'name="current_score|' not in main  # a viewer has no entry form
    assert viewer.post(f"/joint/{jid}", data={"csrf_token": vcsrf}).status_code == 403
    perf, csrf = login(app, "perf")
    page = perf.get(f"/joint/{jid}").text
    version = re.search(r'name="version\|김포" value="(\d+)"', page).group(1)
    r = perf.post(f"/joint/{jid}", data={"current_score|김포": "89", "previous_score|김포": "80",
                                         "version|김포": version, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    main = perf.get(f"/joint/{jid}").text.split("<main", 1)[1]
    assert "86.30" in main and "1위 / 3" in main  # 62.3 + 24
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE operation = 'joint.enter' AND actor = 'perf'"
                                 " AND note = '김포' AND field = 'current_score'")).scalar_one()
    assert n == 2  # the fixture's entry and this one
