"""협업 (issue 13 part 3): the 협업포인트 rules refused when broken — over the month's allowance,
to oneself, to one's own department, a third message to the same person in a month, special
points by a role that may not — each leaving nothing written, and the accepted ones in the
audit log; unused points lapse at month end; two (or eight) sends at once cannot overspend,
on SQLite and PostgreSQL; 이달의 협업왕 and the department totals; 협업과제 and 관리카드 checks;
the rule numbers are settings."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, operations
from sijeong import collaboration as ops
from sijeong.model.collaboration import PointRules, month_of
from sijeong.settings import Settings
from sijeong.store import db
from tests.conftest import fresh_pg_database

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
M = "김포시"
RULES = PointRules()  # the city's: 200P a month, 10P a message, twice a month to one person, not own department
USERS = {  # login -> (role, department)
    "perf": ("performance", "미래전략담당관"),
    "kim": ("editor", "자치행정과"),
    "kim2": ("viewer", "자치행정과"),
    "lee": ("viewer", "교통정책과"),
    "park": ("approver", "기획담당관"),
    "eval": ("evaluator", "감사담당관"),
    "admin1": ("admin", None),
    **{f"r{i}": ("viewer", f"부서{i}") for i in range(25)},
}
DEC = dt.datetime(2026, 12, 10, 3, 0, tzinfo=dt.timezone.utc)
JAN = dt.datetime(2027, 1, 4, 3, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def cheap():
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


def _setup(url: str):
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, (role, dept) in USERS.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
    return engine


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory, cheap):
    engine = _setup(f"sqlite:///{tmp_path_factory.mktemp('collab') / 'c.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_engine_own(cheap):
    with fresh_pg_database(prefix="suggest_collab") as url:
        engine = _setup(url)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request):
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine_own")


def actor(engine, login: str) -> operations.Actor:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id, role, department FROM accounts WHERE login = :l"), {"l": login}).one()
    return operations.Actor(login=login, role=row.role, department=row.department, via="web", account_id=row.id)


def ledger(engine, sender: str | None = None) -> list[tuple]:
    q = "SELECT sender_login, recipient_login, kind, points, month FROM collab_points"
    with engine.connect() as conn:
        rows = conn.execute(sa.text(q + (" WHERE sender_login = :s" if sender else "") + " ORDER BY id"),
                            {"s": sender} if sender else {}).all()
    return [tuple(r) for r in rows]


def audit_count(engine, operation: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE operation = :o"), {"o": operation}).scalar()


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises((operations.Invalid, operations.Refused)) as e:
        fn(*args, **kwargs)
    return str(e.value)


def test_rules_refused_when_broken_leave_nothing_written(engine):
    kim, perf = actor(engine, "kim"), actor(engine, "perf")
    before, audits = ledger(engine), audit_count(engine, "collab.thank")
    assert "자기 자신" in refused(ops.send_thanks, engine, kim, RULES, municipality=M, recipient="kim",
                               message="고맙습니다", at=DEC)
    assert "같은 부서" in refused(ops.send_thanks, engine, kim, RULES, municipality=M, recipient="kim2",
                               message="고맙습니다", at=DEC)
    assert "찾지 못했습니다" in refused(ops.send_thanks, engine, kim, RULES, municipality=M, recipient="nobody",
                                  message="x", at=DEC)
    for _ in range(2):
        ops.send_thanks(engine, kim, RULES, municipality=M, recipient="lee", message="자료 협조 감사합니다", at=DEC)
    assert "2번까지" in refused(ops.send_thanks, engine, kim, RULES, municipality=M, recipient="lee",
                              message="또 감사합니다", at=DEC)
    # special points: the performance team only
    for who in ("kim", "park", "eval", "admin1"):
        assert "권한" in refused(ops.grant_special, engine, actor(engine, who), RULES, municipality=M, recipient="lee",
                               points=50, message="협업 성과", at=DEC)
    after = ledger(engine)
    assert after[len(before):] == [("kim", "lee", "thanks", 10, "2026-12")] * 2
    assert audit_count(engine, "collab.thank") == audits + 2 and audit_count(engine, "collab.special") == 0
    r = ops.grant_special(engine, perf, RULES, municipality=M, recipient="lee", points=50, message="협업 성과 확인", at=DEC)
    assert r["entry"]["kind"] == "special" and r["entry"]["points"] == 50
    with engine.connect() as conn:
        trail = conn.execute(sa.text("SELECT actor, role, entity, new_value FROM audit_log WHERE operation = "
                                     "'collab.special'")).all()
    assert [(t.actor, t.role, t.entity) for t in trail] == [("perf", "performance", "collab_points")]


def test_over_the_allowance_is_refused_and_unused_points_lapse_at_month_end(engine):
    park = actor(engine, "park")
    for i in range(20):  # 20 × 10P = the whole 200P, to 10 people twice each
        out = ops.send_thanks(engine, park, RULES, municipality=M, recipient=f"r{i % 10}", message="감사", at=DEC)
    assert out["balance"]["remaining"] == 0 and out["balance"]["sent"] == 200
    assert "모자랍니다" in refused(ops.send_thanks, engine, park, RULES, municipality=M, recipient="r11",
                               message="감사", at=DEC)
    assert sum(p for *_, p, _m in ledger(engine, "park")) == 200
    # January: a fresh 200P (December's nothing carried, and nothing of it either)
    out = ops.send_thanks(engine, park, RULES, municipality=M, recipient="r11", message="새해 감사", at=JAN)
    assert out["balance"] == {"month": "2027-01", "allowance": 200, "sent": 10, "remaining": 190, "per_message": 10,
                              "received": 0}
    # a month is Korea's: 2026-12-31 15:30 UTC is already January 1st in Korea
    assert month_of(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.timezone.utc)) == "2027-01"


def _race(engine, sender: str, recipients: list[str], rules: PointRules, at: dt.datetime) -> list:
    who = actor(engine, sender)
    barrier = threading.Barrier(len(recipients))
    results: list = [None] * len(recipients)

    def send(i: int) -> None:
        barrier.wait()
        try:
            results[i] = ops.send_thanks(engine, who, rules, municipality=M, recipient=recipients[i], message="동시에",
                                         at=at)
        except operations.Invalid as e:
            results[i] = e

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(recipients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_sends_cannot_overspend(engine):
    rules = PointRules(monthly_allowance=30, per_message=10)
    at = dt.datetime(2026, 11, 5, tzinfo=dt.timezone.utc)
    ops.send_thanks(engine, actor(engine, "eval"), rules, municipality=M, recipient="r20", message="감사", at=at)
    ops.send_thanks(engine, actor(engine, "eval"), rules, municipality=M, recipient="r21", message="감사", at=at)
    # 10P left; two sends at once, then eight
    results = _race(engine, "eval", ["r22", "r23"], rules, at)
    assert sum(1 for r in results if isinstance(r, dict)) == 1
    assert sum(1 for r in results if isinstance(r, operations.Invalid)) == 1
    results = _race(engine, "eval", [f"r{i}" for i in range(8)], rules, at)
    assert all(isinstance(r, operations.Invalid) for r in results)
    spent = [p for s, r, k, p, m in ledger(engine, "eval") if m == "2026-11"]
    assert sum(spent) == 30 and len(spent) == 3


def test_concurrent_sends_to_one_person_keep_the_monthly_limit(engine):
    at = dt.datetime(2026, 10, 5, tzinfo=dt.timezone.utc)
    results = _race(engine, "kim", ["r24"] * 6, RULES, at)
    assert sum(1 for r in results if isinstance(r, dict)) == 2
    assert [x for x in ledger(engine, "kim") if x[1] == "r24"] == [("kim", "r24", "thanks", 10, "2026-10")] * 2


def test_the_rule_numbers_are_settings(monkeypatch):
    with pytest.raises(ValueError):
        PointRules(per_message=300)  # more than the allowance: nobody could send
    s = Settings(db_url="sqlite://")
    assert (s.collab_monthly, s.collab_per_message, s.collab_same_person, s.collab_own_department, s.collab_top) == \
        (200, 10, 2, False, 3)
    for name, value in [("MONTHLY", "300"), ("PER_MESSAGE", "20"), ("SAME_PERSON", "3"), ("OWN_DEPARTMENT", "1"),
                        ("TOP", "5")]:
        monkeypatch.setenv(f"SIJEONG_COLLAB_{name}", value)
    s = Settings.from_env()
    assert (s.collab_monthly, s.collab_per_message, s.collab_same_person, s.collab_own_department, s.collab_top) == \
        (300, 20, 3, True, 5)


def test_own_department_allowed_when_the_city_says_so(sqlite_engine):
    lenient = PointRules(own_department=True)
    at = dt.datetime(2026, 9, 5, tzinfo=dt.timezone.utc)
    out = ops.send_thanks(sqlite_engine, actor(sqlite_engine, "kim2"), lenient, municipality=M, recipient="kim",
                          message="같은 과 동료에게", at=at)
    assert out["entry"]["recipient_department"] == out["entry"]["sender_department"] == "자치행정과"


# --- the API: feed, 협업왕, department totals, tasks -------------------------------------------


@pytest.fixture(scope="module")
def app(cheap, tmp_path_factory):
    from sijeong.web import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('collab_api') / 'a.db'}"
    _setup(url).dispose()
    return create_app(Settings(db_url=url, municipality=M, collab_monthly=50, collab_top=3))


def client(app, login: str | None = None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if login:
        r = c.post("/api/v1/auth/login", json={"login": login, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def test_api_thanks_balance_feed_top_and_department_totals(app):
    month = month_of(dt.datetime.now(dt.timezone.utc))
    assert client(app).get("/api/v1/collaboration/feed").status_code == 401
    kim, lee, park = client(app, "kim"), client(app, "lee"), client(app, "park")
    assert kim.get("/api/v1/collaboration/balance").json()["remaining"] == 50  # the setting, not the constant
    sends = [(kim, "lee"), (kim, "lee"), (park, "lee"), (kim, "park"), (lee, "park"), (lee, "kim"), (park, "r1")]
    for c, to in sends:
        r = c.post("/api/v1/collaboration/thanks", json={"recipient": to, "message": f"{to}님 고맙습니다"})
        assert r.status_code == 201, r.text
    r = kim.post("/api/v1/collaboration/thanks", json={"recipient": "lee", "message": "세 번째"})
    assert r.status_code == 422 and "2번까지" in r.json()["error"]["message"]
    assert kim.post("/api/v1/collaboration/special", json={"recipient": "lee", "points": 5,
                                                          "message": "x"}).status_code == 403
    assert kim.get("/api/v1/collaboration/balance").json() == {
        "month": month, "allowance": 50, "sent": 30, "remaining": 20, "per_message": 10, "received": 10}
    feed = kim.get("/api/v1/collaboration/feed", params={"limit": 3}).json()
    assert feed["total"] == 7 and [x["recipient_login"] for x in feed["items"]] == ["r1", "kim", "park"]
    top = kim.get("/api/v1/collaboration/top").json()["items"]
    # lee 30, park 20, kim 10 and r1 10 share the third place
    assert [(t["recipient_login"], t["points"], t["rank"]) for t in top] == [
        ("lee", 30, 1), ("park", 20, 2), ("kim", 10, 3), ("r1", 10, 3)]
    depts = {d["department"]: d for d in kim.get("/api/v1/collaboration/departments",
                                                 params={"year": int(month[:4])}).json()["items"]}
    assert depts["교통정책과"]["received"] == 30 and depts["교통정책과"]["sent"] == 20
    assert depts["자치행정과"]["received"] == 10 and depts["자치행정과"]["sent"] == 30
    assert depts["기획담당관"]["received_messages"] == 2


def test_api_tasks_and_half_yearly_checks(app):
    perf, kim, lee = client(app, "perf"), client(app, "kim"), client(app, "lee")
    body = {"year": 2026, "title": "인구 50만 대도시 특례 대비 협업", "lead_department": "자치행정과",
            "cooperating_departments": ["교통정책과", "기획담당관"], "manager": "김협업 주무관"}
    assert kim.post("/api/v1/collaboration/tasks", json=body).status_code == 403
    r = perf.post("/api/v1/collaboration/tasks", json=body)
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    check = {"period": "2026-H1", "status": "on_track", "progress": "관계부서 회의 2회"}
    assert lee.post(f"/api/v1/collaboration/tasks/{tid}/checks", json=check).status_code == 403  # not the lead's
    assert kim.post(f"/api/v1/collaboration/tasks/{tid}/checks", json=check).status_code == 201  # the lead's editor
    again = {**check, "progress": "관계부서 회의 3회, 관리카드 현행화"}
    assert perf.post(f"/api/v1/collaboration/tasks/{tid}/checks", json=again).status_code == 201
    assert perf.post(f"/api/v1/collaboration/tasks/{tid}/checks", json={**check, "period": "2026-H3"}).status_code == 422
    assert perf.post("/api/v1/collaboration/tasks/999/checks", json=check).status_code == 404
    (task,) = [t for t in kim.get("/api/v1/collaboration/tasks", params={"year": 2026}).json()["items"]
               if t["id"] == tid]
    assert task["cooperating_departments"] == ["교통정책과", "기획담당관"] and task["manager"] == "김협업 주무관"
    assert [(c["period"], c["progress"], c["checked_by"]) for c in task["checks"]] == [
        ("2026-H1", "관계부서 회의 3회, 관리카드 현행화", "perf")]


def test_pages_send_thanks_and_show_the_balance_feed_and_king(app):
    anon = client(app)
    r = anon.get("/collaboration", follow_redirects=False)
    assert r.status_code in (302, 303, 307) and "/login" in r.headers["location"]
    c = client(app, "eval")
    token = c.headers.pop("X-CSRF-Token")
    page = c.get("/collaboration")
    assert page.status_code == 200 and 'id="remaining">50P' in page.text
    assert '<option value="eval"' not in page.text  # not to oneself
    assert "특별포인트 지급" not in page.text  # the evaluator may not
    r = c.post("/collaboration/thanks", data={"csrf_token": token, "recipient": "r3", "message": "감사합니다"},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert "감사 메시지를 보냈습니다" in page.text and 'id="remaining">40P' in page.text
    assert "eval</strong> → <strong>r3" in page.text
    r = c.post("/collaboration/thanks", data={"csrf_token": token, "recipient": "eval", "message": "나에게"})
    assert r.status_code == 422 and "자기 자신" in r.text and 'id="remaining">40P' in r.text
    perf = client(app, "perf")
    ptoken = perf.headers.pop("X-CSRF-Token")
    assert "특별포인트 지급" in perf.get("/collaboration").text
    r = perf.post("/collaboration/special", data={"csrf_token": ptoken, "recipient": "r3", "points": "100",
                                                   "message": "협업과제 우수"}, follow_redirects=False)
    assert r.status_code == 303
    page = perf.get("/collaboration")
    assert "<strong>r3</strong> (부서3) — 110P" in page.text  # 이달의 협업왕 first place


def test_tasks_page_lists_cards_and_takes_a_check(app):
    perf = client(app, "perf")
    token = perf.headers.pop("X-CSRF-Token")
    r = perf.post("/collaboration/tasks", data={"csrf_token": token, "year": "2026", "title": "스마트 버스정류장 확대",
                                                "lead_department": "교통정책과", "cooperating_departments": "정보통신과, 스마트도시과",
                                                "manager": "이협업 팀장"}, follow_redirects=False)
    assert r.status_code == 303
    page = perf.get("/collaboration/tasks")
    assert "스마트 버스정류장 확대" in page.text and "정보통신과, 스마트도시과" in page.text
    lee = client(app, "lee")  # 교통정책과, a viewer: may not check
    assert "반기 점검 기록" not in lee.get("/collaboration/tasks").text.split("스마트 버스정류장 확대", 1)[1]
