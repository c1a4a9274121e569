"""Department evaluation and 시군종합평가 through /api/v1: a whole evaluation entered by the
performance team and five evaluators reproduces the hand-computed scores and ranks; who may
do what (role × operation, only assigned scores, CSRF); unpublished results invisible to
departments, evaluators and the public; stale writes; the audit rows."""

from __future__ import annotations

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

COMPONENTS = [
    {"key": "performance", "label": "정량평가(추진실적)", "weight": 40},
    {"key": "tasks", "label": "정량평가(이행과제)", "weight": 20},
    {"key": "quality", "label": "지표 품질평가", "weight": 15},
    {"key": "qualitative", "label": "정성평가", "weight": 25},
    {"key": "collaboration", "label": "협업포인트 가점", "weight": 2, "kind": "bonus"},
    {"key": "suggestion", "label": "제안 채택·시행 가점", "weight": 1, "kind": "bonus"},
    {"key": "late", "label": "기한 미준수 감점", "weight": 1, "kind": "penalty"},
]
GROUPS = [{"name": "1그룹", "departments": ["A과", "B과", "C과"]},
          {"name": "2그룹", "departments": ["D과", "E과", "F과", "G동"]}]
DEPTS = [d for g in GROUPS for d in g["departments"]]
#: entered by the performance team (one figure each)
ENTERED = {
    "performance": {"A과": 90, "B과": 85, "C과": 90, "D과": 70, "E과": 80, "F과": 75, "G동": 100},
    "tasks": {"A과": 80, "B과": 100, "C과": 80, "D과": 90, "E과": 60, "F과": 85, "G동": 100},
    "collaboration": {"A과": 1.5, "C과": 2, "F과": 1.5},
    "suggestion": {"B과": 1, "D과": 0.5},
    "late": {"C과": 0.5},
}
#: by the evaluators ev1, ev2, … in order
PANEL = {
    "quality": {"A과": [80, 90, 70], "B과": [60, 60, 90], "C과": [85, 80, 75], "D과": [100, 90, 80],
                "E과": [70, 70, 70], "F과": [90, 90, 90], "G동": [100, 100, 100]},
    "qualitative": {"A과": [95, 60, 80, 85, 75], "B과": [90, 90, 90, 50, 100], "C과": [70, 71, 72, 73, 100],
                    "D과": [88, 88, 88, 88, 88], "E과": [77, 78, 80, 90, 0], "F과": [80, 80, 80, 80, 80]},
}
#: by hand (see tests/model/test_evaluation.py): department -> (total, rank)
EXPECTED = {"A과": (85.5, 2), "B과": (88.0, 1), "C과": (83.5, 3), "D과": (82.0, 1), "E과": (74.08, 3),
            "F과": (82.0, 1), "G동": (75.0, None)}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('evaluation') / 'ev.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    people = {"perf": ("performance", None), "adm": ("admin", None), "viewer": ("viewer", None),
              "a_editor": ("editor", "A과"), "d_editor": ("editor", "D과"), "d_viewer": ("viewer", "D과"),
              "ev_own": ("evaluator", "A과")}
    people |= {f"ev{i}": ("evaluator", None) for i in range(1, 6)}
    tokens = {}
    for login, (role, dept) in people.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD,
                             municipality=M)
        tokens[login] = accounts.issue_token(engine, ADMIN, login=login)
    app = create_app(Settings(db_url=url))
    with TestClient(app) as c:
        yield c, tokens, engine
    engine.dispose()
    accounts.HASHER = saved


def as_(tokens, login):
    return {"Authorization": f"Bearer {tokens[login]}"} if login else {}


def post(c, tokens, login, path, body):
    return c.post(f"/api/v1{path}", json=body, headers=as_(tokens, login))


def get(c, tokens, login, path):
    return c.get(f"/api/v1{path}", headers=as_(tokens, login))


@pytest.fixture(scope="module")
def scheme(setup):
    """The whole evaluation entered through the API; returns the scheme's id."""
    c, t, _ = setup
    r = post(c, t, "perf", "/evaluations", {"municipality": M, "year": 2022, "name": "2022년 부서 자체평가",
                                            "trim": "high_low", "trim_min": 5, "groups": GROUPS,
                                            "components": COMPONENTS})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    for comp, by in PANEL.items():
        n = max(len(v) for v in by.values())
        for i in range(n):
            r = post(c, t, "perf", f"/evaluations/{sid}/assignments",
                     {"evaluator": f"ev{i + 1}", "component": comp, "departments": DEPTS})
            assert r.status_code == 200, r.text
    for comp, by in ENTERED.items():
        for d, v in by.items():
            r = post(c, t, "perf", f"/evaluations/{sid}/scores", {"component": comp, "department": d, "score": v})
            assert r.status_code == 200, r.text
    for comp, by in PANEL.items():
        for d, values in by.items():
            for i, v in enumerate(values):
                r = post(c, t, f"ev{i + 1}", f"/evaluations/{sid}/scores",
                         {"component": comp, "department": d, "score": v})
                assert r.status_code == 200, r.text
    return sid


def totals(body):
    return {d["department"]: (d["total"], d["rank"]) for g in body["groups"] for d in g["departments"]}


def test_the_whole_evaluation_through_the_api_matches_the_hand_computed_values(setup, scheme):
    c, t, _ = setup
    r = get(c, t, "perf", f"/evaluations/{scheme}/results")
    assert r.status_code == 200, r.text
    body = r.json()
    assert totals(body) == EXPECTED
    e = next(d for g in body["groups"] for d in g["departments"] if d["department"] == "E과")
    q = next(x for x in e["components"] if x["key"] == "qualitative")
    assert q["dropped"] == [0, 90] and q["scores"] == [0, 77, 78, 80, 90] and q["points"] == pytest.approx(19.5833, abs=1e-4)
    assert {x["evaluator"] for x in q["by_evaluator"]} == {"ev1", "ev2", "ev3", "ev4", "ev5"}
    assert body["scheme"]["publication"] == "none"


def test_unpublished_results_are_invisible_to_departments_evaluators_and_the_public(setup, scheme):
    c, t, _ = setup
    for who in (None, "viewer", "d_editor", "d_viewer", "ev1", "a_editor"):
        r = get(c, t, who, f"/evaluations/{scheme}/results")
        assert r.status_code == 404, (who, r.text)
        assert "88" not in r.text and "B과" not in r.text
        listed = get(c, t, who, "/evaluations").json()
        assert listed["items"] == [], who
    assert [s["id"] for s in get(c, t, "adm", "/evaluations").json()["items"]] == [scheme]


def test_role_by_operation_allowed_and_refused(setup, scheme):
    c, t, engine = setup
    new = {"municipality": M, "year": 2023, "name": "x", "groups": GROUPS, "components": COMPONENTS}
    for who in ("viewer", "a_editor", "ev1"):
        assert post(c, t, who, "/evaluations", new).status_code == 403, who
        assert post(c, t, who, f"/evaluations/{scheme}/assignments",
                    {"evaluator": "ev1", "component": "quality", "departments": ["B과"]}).status_code == 403
        assert post(c, t, who, f"/evaluations/{scheme}/publish",
                    {"publication": "public", "version": 1}).status_code == 403
    assert post(c, t, None, "/evaluations", new).status_code == 401
    # an evaluator scores only what they are assigned: ev4 has no 지표 품질 and no 정량 figure
    assert post(c, t, "ev4", f"/evaluations/{scheme}/scores",
                {"component": "quality", "department": "B과", "score": 10}).status_code == 403
    assert post(c, t, "ev1", f"/evaluations/{scheme}/scores",
                {"component": "performance", "department": "B과", "score": 10}).status_code == 403
    assert post(c, t, "a_editor", f"/evaluations/{scheme}/scores",
                {"component": "quality", "department": "A과", "score": 100}).status_code == 403
    # nobody is assigned to their own department
    r = post(c, t, "perf", f"/evaluations/{scheme}/assignments",
             {"evaluator": "ev_own", "component": "quality", "departments": ["A과"]})
    assert r.status_code == 422 and "자기 부서" in r.json()["error"]["message"]
    # values out of range, more than two decimals, unknown component or department
    for body in ({"component": "quality", "department": "B과", "score": 100.5},
                 {"component": "quality", "department": "B과", "score": 50.125},
                 {"component": "nothing", "department": "B과", "score": 1},
                 {"component": "collaboration", "department": "B과", "score": 2.5},
                 {"component": "quality", "department": "Z과", "score": 1}):
        assert post(c, t, "perf", f"/evaluations/{scheme}/scores", body).status_code == 422, body
    # the refusals wrote nothing; the scores have their audit rows
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, operation, entity FROM audit_log WHERE operation LIKE "
                                    "'evaluation.%'")).all()
    assert {r.actor for r in rows} == {"perf", "ev1", "ev2", "ev3", "ev4", "ev5"}
    scores = [r for r in rows if r.entity == "evaluation_scores"]
    assert len(scores) == sum(len(v) for v in ENTERED.values()) + sum(
        len(v) for by in PANEL.values() for v in by.values())
    assert sum(1 for r in scores if r.actor == "ev5") == 6  # 정성평가 of six departments


def test_a_changed_score_needs_the_version_read(setup, scheme):
    c, t, engine = setup
    mine = get(c, t, "ev1", f"/evaluations/{scheme}/assignments/mine").json()["assignments"]
    a = next(x for x in mine if x["component"] == "quality" and x["department"] == "G동")
    assert (a["score"], a["version"]) == (100, 1)
    path = f"/evaluations/{scheme}/scores"
    assert post(c, t, "ev1", path, {"component": "quality", "department": "G동", "score": 99}).status_code == 409
    r = post(c, t, "ev1", path, {"component": "quality", "department": "G동", "score": 99, "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert post(c, t, "ev1", path, {"component": "quality", "department": "G동", "score": 100,
                                    "version": 1}).status_code == 409
    assert post(c, t, "ev1", path, {"component": "quality", "department": "G동", "score": 100,
                                    "version": 2}).status_code == 200
    with engine.connect() as conn:
        changes = conn.execute(sa.text("SELECT old_value, new_value FROM audit_log WHERE entity = "
                                       "'evaluation_scores' AND field = 'score' ORDER BY id")).all()
    assert [(float(o), float(n)) for o, n in changes] == [(100, 99), (99, 100)]
    # an evaluator not assigned anything is told so; the form lists only their assignments
    assert get(c, t, "viewer", f"/evaluations/{scheme}/assignments/mine").status_code == 404
    assert {x["component"] for x in mine} == {"quality", "qualitative"}


def test_the_cookie_session_needs_its_csrf_token(setup, scheme):
    c, t, _ = setup
    with TestClient(c.app) as browser:
        r = browser.post("/api/v1/auth/login", json={"login": "ev2", "password": PASSWORD})
        csrf = r.json()["csrf_token"]
        body = {"component": "quality", "department": "A과", "score": 90, "version": 1}
        assert browser.post(f"/api/v1/evaluations/{scheme}/scores", json=body).status_code == 403
        r = browser.post(f"/api/v1/evaluations/{scheme}/scores", json=body, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text


def test_publishing_to_departments_then_to_the_public(setup, scheme):
    c, t, _ = setup
    v = get(c, t, "perf", f"/evaluations/{scheme}/results").json()["scheme"]["version"]
    r = post(c, t, "perf", f"/evaluations/{scheme}/feedback",
             {"department": "D과", "changes": "성과지표 2개 교체", "budget_note": "미흡 사업 10% 감액",
              "budget_change": -15_000_000, "programs": [{"name": "시민참여 확대", "rating": "미흡"}]})
    assert r.status_code == 200, r.text
    assert post(c, t, "perf", f"/evaluations/{scheme}/publish",
                {"publication": "departments", "version": v + 1}).status_code == 409
    r = post(c, t, "perf", f"/evaluations/{scheme}/publish", {"publication": "departments", "version": v})
    assert r.status_code == 200 and r.json()["publication"] == "departments"
    for who in ("d_editor", "d_viewer"):
        body = get(c, t, who, f"/evaluations/{scheme}/results").json()
        assert totals(body) == {"D과": EXPECTED["D과"]}, who
        d = body["groups"][0]["departments"][0]
        assert d["feedback"]["budget_change"] == -15_000_000
        assert all("by_evaluator" not in x for x in d["components"])
        assert "ev1" not in str(body)
    assert totals(get(c, t, "a_editor", f"/evaluations/{scheme}/results").json()) == {"A과": EXPECTED["A과"]}
    for who in (None, "viewer", "ev1"):
        assert get(c, t, who, f"/evaluations/{scheme}/results").status_code == 404, who
    # published scores are frozen
    assert post(c, t, "perf", f"/evaluations/{scheme}/scores",
                {"component": "performance", "department": "A과", "score": 1, "version": 1}).status_code == 422
    r = post(c, t, "adm", f"/evaluations/{scheme}/publish", {"publication": "public", "version": v + 1})
    assert r.status_code == 200
    body = get(c, t, None, f"/evaluations/{scheme}/results").json()
    assert totals(body) == EXPECTED and "ev1" not in str(body)
    assert [s["id"] for s in get(c, t, None, "/evaluations").json()["items"]] == [scheme]


# --- 시군종합평가 --------------------------------------------------------------------------------

JOINT_GROUPS = [{"name": "1그룹", "cities": ["수원", "용인", "고양"]},
                {"name": "2그룹", "cities": ["시흥", "김포", "파주", "하남"]},
                {"name": "3그룹", "cities": ["이천", "구리", "안성", "의왕"]}]
FIGURES = {"수원": (80, 90), "용인": (85, 70), "고양": (75, 95), "김포": (88, 80), "시흥": (90, 75), "파주": (86, 85),
           "하남": (84.5, 83), "이천": (70, 80), "구리": (73, 75), "안성": (76, 68), "의왕": (90, None)}


def test_joint_evaluation_projection_through_the_api(setup):
    c, t, engine = setup
    body = {"municipality": M, "year": 2022, "name": "2022년 시군종합평가", "city": "김포", "goal": "2그룹 1위",
            "groups": JOINT_GROUPS, "indicators": [
                {"number": "1-1", "name": "지방세 징수율", "unit": "%", "weight": 2.5, "target_grade": "가",
                 "department": "세정과", "definition": "징수액/부과액×100"}]}
    assert post(c, t, "a_editor", "/joint-evaluations", body).status_code == 403
    r = post(c, t, "perf", "/joint-evaluations", body)
    assert r.status_code == 201, r.text
    jid = r.json()["id"]
    for city, (cur, prev) in FIGURES.items():
        assert post(c, t, "viewer", f"/joint-evaluations/{jid}/entries",
                    {"city": city, "current_score": cur, "previous_score": prev, "version": 1}).status_code == 403
        r = post(c, t, "perf", f"/joint-evaluations/{jid}/entries",
                 {"city": city, "current_score": cur, "previous_score": prev, "version": 1})
        assert r.status_code == 200, r.text
    assert get(c, t, None, f"/joint-evaluations/{jid}").status_code == 401
    p = get(c, t, "viewer", f"/joint-evaluations/{jid}").json()
    got = {g["name"]: [(x["city"], x["score"], x["rank"]) for x in g["cities"]] for g in p["groups"]}
    assert got == {
        "1그룹": [("수원", 83.0, 1), ("고양", 81.0, 2), ("용인", 80.5, 3)],
        "2그룹": [("파주", 85.7, 1), ("김포", 85.6, 2), ("시흥", 85.5, 3), ("하남", 84.05, 4)],
        "3그룹": [("구리", 73.6, 1), ("안성", 73.6, 1), ("이천", 73.0, 3), ("의왕", None, None)],
    }
    assert p["projection"] == {"city": "김포", "group": "2그룹", "score": 85.6, "rank": 2, "group_size": 4,
                               "leader": "파주", "leader_score": 85.7, "needed_for_first": 88.15}
    assert p["indicators"][0]["weight"] == 2.5
    assert get(c, t, "perf", f"/joint-evaluations/{jid}?city=구리").json()["projection"]["rank"] == 1
    assert get(c, t, "perf", f"/joint-evaluations/{jid}?city=서울").status_code == 422
    # the same city entered from a stale read
    assert post(c, t, "perf", f"/joint-evaluations/{jid}/entries",
                {"city": "김포", "current_score": 90, "previous_score": 80, "version": 1}).status_code == 409
    r = post(c, t, "perf", f"/joint-evaluations/{jid}/result",
             {"final_rank": 4, "final_group_rank": 3, "prize_money": 200_000_000, "version": 1})
    assert r.status_code == 200 and r.json()["prize_money"] == 200_000_000
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE operation = 'joint.enter'")).scalar_one()
        ops = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT operation FROM audit_log WHERE operation LIKE "
                                                   "'joint.%'"))}
    assert ops == {"joint.configure", "joint.enter", "joint.result"}
    assert n >= len(FIGURES) * 2  # current and previous each (의왕: current and the clearing of none)
