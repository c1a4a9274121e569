"""가점 from 제안제도 and 협업포인트 (issue 13 feeding issue 12's department evaluation): suggestions
entered and moved to 채택 and 실시, thank-you and special points sent, both through their own
operations; the bonus per department checked against hand-computed values (cap, proportion,
half-up rounding), written as the scores of ``<suggestions>`` / ``<collaboration>``, changing
the ranks in the results; refused for a viewer, an evaluator and a published scheme; audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, collaboration, evaluation as ev, evaluation_bonus as evb, operations
from sijeong import suggestions as sug
from sijeong.model import evaluation as scoring
from sijeong.model.collaboration import PointRules
from sijeong.operations import Invalid, Refused
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
M, Y = "김포시", 2025
USERS = {  # login -> (role, department)
    "perf": ("performance", None),
    "ev1": ("evaluator", None),
    "view": ("viewer", "A과"),
    "a1": ("editor", "A과"),
    "b1": ("editor", "B과"),
    "c1": ("editor", "C과"),
    "d1": ("editor", "D과"),  # a department outside the scheme
}
MAY = dt.datetime(Y, 5, 10, 3, tzinfo=dt.timezone.utc)
LAST_YEAR = dt.datetime(Y - 1, 5, 10, 3, tzinfo=dt.timezone.utc)
COMPONENTS = [{"key": "qualitative", "label": "정성평가", "weight": 90, "max_score": 100},
              {"key": "suggest", "label": "제안 가점", "weight": 3, "kind": "bonus"},
              {"key": "collab", "label": "협업 가점", "weight": 2, "kind": "bonus"}]
GROUPS = [{"name": "1그룹", "departments": ["A과", "B과", "C과"]}]


def actor(engine, login: str) -> operations.Actor:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id, role, department FROM accounts WHERE login = :l"), {"l": login}).one()
    return operations.Actor(login=login, role=row.role, department=row.department, via="web", account_id=row.id)


def suggestion(engine, perf, department: str, received: dt.date, *, to: str) -> None:
    """One suggestion of ``department`` received on ``received``, reviewed up to ``to``
    (received, rejected, adopted, implemented)."""
    out = sug.receive(engine, perf, municipality=M, title=f"{department} 제안 {received} {to}",
                      body="현황과 개선 방안", proposer_name="제안자", received_on=received, department=department)
    sid, decided = out["suggestion"]["id"], received + dt.timedelta(days=30)
    if to == "received":
        return
    if to == "rejected":
        sug.review(engine, perf, suggestion_id=sid, step="screen", outcome="reject", version=1, decided_on=decided,
                   reason="기존 시행 중")
        return
    s = sug.review(engine, perf, suggestion_id=sid, step="screen", outcome="forward", version=1, decided_on=decided)
    s = sug.review(engine, perf, suggestion_id=sid, step="committee", outcome="adopt", version=s["version"],
                   decided_on=decided, grade="장려상")
    if to == "implemented":
        sug.review(engine, perf, suggestion_id=sid, step="implement", outcome="implemented", version=s["version"],
                   decided_on=decided + dt.timedelta(days=30))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('evbonus') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, (role, dept) in USERS.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD,
                             municipality=M)
    perf = actor(engine, "perf")
    day = dt.date(Y, 3, 2)
    # A과: 3 adopted, 2 of them implemented; B과: 1 adopted, 1 rejected; C과: 1 received only;
    # A과 last year and D과 (not in the scheme) do not count
    for dept, to in (("A과", "implemented"), ("A과", "implemented"), ("A과", "adopted"), ("B과", "adopted"),
                     ("B과", "rejected"), ("C과", "received"), ("D과", "implemented")):
        suggestion(engine, perf, dept, day, to=to)
    suggestion(engine, perf, "A과", dt.date(Y - 1, 3, 2), to="implemented")
    # 협업포인트 received in the year: A과 30 (special), B과 20, C과 10; D과 100 is outside the
    # scheme; last year's 10 to C과 does not count
    rules = PointRules()
    for sender, recipient, at in (("a1", "b1", MAY), ("c1", "b1", MAY), ("b1", "c1", MAY), ("a1", "c1", LAST_YEAR)):
        collaboration.send_thanks(engine, actor(engine, sender), rules, municipality=M, recipient=recipient,
                                  message="자료 협조 감사합니다", at=at)
    collaboration.grant_special(engine, perf, rules, municipality=M, recipient="a1", points=30, message="협업 성과",
                                at=MAY)
    collaboration.grant_special(engine, perf, rules, municipality=M, recipient="d1", points=100, message="협업 성과",
                                at=MAY)
    sid = ev.configure(engine, perf, municipality=M, year=Y, name="2025년 부서 자체평가", trim="none",
                       groups=GROUPS, components=COMPONENTS)
    for d, v in {"A과": 80, "B과": 82, "C과": 81}.items():
        ev.score(engine, perf, scheme_id=sid, component="qualitative", department=d, value=v)
    yield engine, create_app(Settings(db_url=url, municipality=M)), sid
    engine.dispose()
    accounts.HASHER = saved


def login(app, who: str | None) -> TestClient:
    c = TestClient(app)
    if who:
        r = c.post("/api/v1/auth/login", json={"login": who, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def ranks(c: TestClient, sid: int) -> dict[str, tuple[float, int]]:
    got = c.get(f"/api/v1/evaluations/{sid}/results")
    assert got.status_code == 200, got.text
    return {d["department"]: (d["total"], d["rank"]) for d in got.json()["groups"][0]["departments"]}


def test_the_rules_by_hand():
    rule = scoring.SuggestionRule("0.5", "0.25")
    got = scoring.suggestion_bonus({"A": (3, 2), "B": (1, 0), "X": (9, 9)}, ["A", "B", "C"], rule, 3)
    assert got == {"A": Decimal("2.00"), "B": Decimal("0.50"), "C": Decimal("0.00")}  # 1.5 + 0.5; X not a member
    assert scoring.suggestion_bonus({"A": (5, 3)}, ["A"], rule, 2)["A"] == Decimal("2.00")  # 3.25 capped at 2
    # proportional to the best member: 2 × 20/30 = 1.333… → 1.33, 2 × 10/30 = 0.666… → 0.67 (half up)
    assert scoring.collaboration_bonus({"A": 30, "B": 20, "C": 10, "X": 500}, ["A", "B", "C"], 2) == {
        "A": Decimal("2.00"), "B": Decimal("1.33"), "C": Decimal("0.67")}
    assert scoring.collaboration_bonus({"A": 1, "B": 7}, ["A", "B"], Fraction(5, 2))["A"] == Decimal("0.36")  # 0.357…
    assert set(scoring.collaboration_bonus({}, ["A", "B"], 2).values()) == {Decimal("0.00")}
    for bad in ("0.125", "-1", "101", "x"):
        with pytest.raises(scoring.SchemeError):
            scoring.SuggestionRule(bad, 0)


def test_the_preview_is_the_hand_computed_bonus(site):
    engine, _, sid = site
    perf = actor(engine, "perf")
    with engine.connect() as conn:
        s = evb.bonus_preview(conn, perf, sid, component="suggest", source="suggestions")
        c = evb.bonus_preview(conn, perf, sid, component="collab", source="collaboration")
        capped = evb.bonus_preview(conn, perf, sid, component="suggest", source="suggestions",
                                   rule=scoring.SuggestionRule(1, 1))
        with pytest.raises(ev.Hidden):
            evb.bonus_preview(conn, actor(engine, "view"), sid, component="suggest", source="suggestions")
        with pytest.raises(Invalid):
            evb.bonus_preview(conn, perf, sid, component="qualitative", source="suggestions")
    # 0.5 per adoption, 0.5 more per implementation: A과 3×0.5 + 2×0.5 = 2.5; B과 0.5; C과 0
    assert {d["department"]: (d["adopted"], d["implemented"], d["score"]) for d in s["departments"]} == {
        "A과": (3, 2, 2.5), "B과": (1, 0, 0.5), "C과": (0, 0, 0.0)}
    assert s["evaluator"] == "<suggestions>" and s["cap"] == 3
    # 1 and 1: A과 3 + 2 = 5, capped at the component's 3
    assert {d["department"]: d["score"] for d in capped["departments"]} == {"A과": 3.0, "B과": 1.0, "C과": 0.0}
    # received A과 30, B과 20, C과 10 (D과's 100 is not a member's): 2 × share of 30
    assert {d["department"]: (d["received"], d["score"]) for d in c["departments"]} == {
        "A과": (30, 2.0), "B과": (20, 1.33), "C과": (10, 0.67)}


def test_written_bonus_changes_the_ranks_and_is_audited(site):
    engine, app, sid = site
    c = login(app, "perf")
    # 정성 only: B과 82×0.9 = 73.8, C과 72.9, A과 72
    assert ranks(c, sid) == {"B과": (73.8, 1), "C과": (72.9, 2), "A과": (72.0, 3)}
    r = c.post(f"/api/v1/evaluations/{sid}/bonus-scores", json={"component": "suggest", "source": "suggestions"})
    assert r.status_code == 200, r.text
    assert r.json()["written"] == 3 and r.json()["rule"] == {"per_adopted": 0.5, "per_implemented": 0.5}
    r = c.post(f"/api/v1/evaluations/{sid}/bonus-scores", json={"component": "collab", "source": "collaboration"})
    assert r.status_code == 200 and r.json()["written"] == 3, r.text
    # A과 72 + 2.5 + 2 = 76.5; B과 73.8 + 0.5 + 1.33 = 75.63; C과 72.9 + 0 + 0.67 = 73.57
    assert ranks(c, sid) == {"A과": (76.5, 1), "B과": (75.63, 2), "C과": (73.57, 3)}
    res = c.get(f"/api/v1/evaluations/{sid}/results").json()
    a = next(d for d in res["groups"][0]["departments"] if d["department"] == "A과")
    by = {comp["key"]: comp["by_evaluator"] for comp in a["components"]}
    assert [(x["evaluator"], x["score"]) for x in by["suggest"]] == [("<suggestions>", 2.5)]
    assert [(x["evaluator"], x["score"]) for x in by["collab"]] == [("<collaboration>", 2.0)]
    # unchanged figures: nothing written again
    again = c.post(f"/api/v1/evaluations/{sid}/bonus-scores", json={"component": "suggest", "source": "suggestions"})
    assert again.json()["written"] == 0
    # another rule sent with the request: 1 and 1 → A과 5 capped at 3, B과 1; C과 stays 0
    other = c.post(f"/api/v1/evaluations/{sid}/bonus-scores",
                   json={"component": "suggest", "source": "suggestions", "per_adopted": 1, "per_implemented": 1})
    assert other.status_code == 200 and other.json()["written"] == 2, other.text
    assert ranks(c, sid)["A과"] == (77.0, 1)
    with engine.connect() as conn:
        trail = conn.execute(sa.text(
            "SELECT actor, operation, field, note FROM audit_log WHERE entity = 'evaluation_scores' "
            "AND note LIKE :n ORDER BY id"), {"n": "A과 제안 가점%"}).all()
        collab_trail = conn.execute(sa.text(
            "SELECT note FROM audit_log WHERE entity = 'evaluation_scores' AND note LIKE :n"),
            {"n": "B과 협업 가점%"}).scalars().all()
    assert {(t.actor, t.operation) for t in trail} == {("perf", "evaluation.score")}
    assert trail[0].field is None and "채택 3건×0.5 + 실시 2건×0.5, 최대 3" in trail[0].note
    assert any(t.field == "score" and "채택 3건×1 + 실시 2건×1" in t.note for t in trail)
    assert collab_trail == ["B과 협업 가점 (받은 협업포인트 20P ÷ 최고 30P × 2)"]


def test_refused_for_a_viewer_an_evaluator_anonymous_and_wrong_input(site):
    engine, app, sid = site
    body = {"component": "collab", "source": "collaboration"}
    assert TestClient(app).post(f"/api/v1/evaluations/{sid}/bonus-scores", json=body).status_code == 401
    for who in ("view", "ev1", "a1"):
        r = login(app, who).post(f"/api/v1/evaluations/{sid}/bonus-scores", json=body)
        assert r.status_code == 403, (who, r.text)
    with pytest.raises(Refused):
        evb.score_from_figures(engine, actor(engine, "view"), scheme_id=sid, component="collab",
                               source="collaboration")
    c = login(app, "perf")
    for bad in ({"component": "qualitative", "source": "collaboration"},  # not a bonus component
                {"component": "nope", "source": "collaboration"},
                {"component": "collab", "source": "pledges"},
                {"component": "suggest", "source": "suggestions", "per_adopted": 0.125}):
        assert c.post(f"/api/v1/evaluations/{sid}/bonus-scores", json=bad).status_code == 422, bad
    assert c.post("/api/v1/evaluations/999999/bonus-scores", json=body).status_code == 404
    viewer = login(app, "view")
    assert viewer.post(f"/evaluation/{sid}/bonus-scores",
                       data={"component": "collab", "source": "collaboration",
                             "csrf_token": viewer.headers["X-CSRF-Token"]},
                       follow_redirects=False).status_code == 403


def test_the_results_page_form_writes_the_bonus_and_a_published_scheme_refuses(site):
    engine, app, _ = site
    sid = ev.configure(engine, actor(engine, "perf"), municipality=M, year=Y, name="2025년 가점 시험", trim="none",
                       groups=GROUPS, components=COMPONENTS)
    c = login(app, "perf")
    csrf = c.headers["X-CSRF-Token"]
    page = c.get(f"/evaluation/{sid}").text
    assert f'action="/evaluation/{sid}/bonus-scores"' in page and "<script" not in page
    assert 'name="per_adopted"' in page and "협업포인트" in page
    del c.headers["X-CSRF-Token"]
    assert c.post(f"/evaluation/{sid}/bonus-scores", data={"component": "collab", "source": "collaboration"},
                  follow_redirects=False).status_code == 403  # no CSRF token
    r = c.post(f"/evaluation/{sid}/bonus-scores", follow_redirects=False,
               data={"component": "suggest", "source": "suggestions", "per_adopted": "0.5", "per_implemented": "0.5",
                     "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"] == f"/evaluation/{sid}?bonus=3#h-bonus"
    assert "3개 부서의 가점을 기록했습니다" in c.get(r.headers["location"]).text
    bad = c.post(f"/evaluation/{sid}/bonus-scores", follow_redirects=False,
                 data={"component": "suggest", "source": "suggestions", "per_adopted": "abc", "csrf_token": csrf})
    assert bad.status_code == 422
    c.headers["X-CSRF-Token"] = csrf
    v = next(s for s in c.get("/api/v1/evaluations", params={"municipality": M}).json()["items"] if s["id"] == sid)
    assert c.post(f"/api/v1/evaluations/{sid}/publish",
                  json={"publication": "public", "version": v["version"]}).status_code == 200
    r = c.post(f"/api/v1/evaluations/{sid}/bonus-scores", json={"component": "collab", "source": "collaboration"})
    assert r.status_code == 422 and "공개된 평가" in r.json()["error"]["message"]
    with pytest.raises(Invalid):
        evb.score_from_figures(engine, actor(engine, "perf"), scheme_id=sid, component="suggest",
                               source="suggestions")
    assert f'action="/evaluation/{sid}/bonus-scores"' not in c.get(f"/evaluation/{sid}").text
