"""제안제도 (issue 13 part 2) through the operations and the API: 000's 2021 table (374
suggestions, 26 adopted = 7 %, 6 implemented = 23 %) reproduced from entered suggestions; the
review steps in order with who/when/why in the audit log; a closed call refuses; likely
duplicates found when a suggestion is entered; roles."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, operations
from sijeong import suggestions as ops
from sijeong.model.suggestions import whole_percent
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
M = "김포시"
USERS = {  # login -> (role, department)
    "perf": ("performance", "미래전략담당관"),
    "kim": ("editor", "자치행정과"),
    "lee": ("viewer", "교통정책과"),
    "eval": ("evaluator", None),
}
DEPARTMENTS = ["자치행정과", "교통정책과", "기획담당관", "주민협치담당관"]
#: 000 (2021년 제안제도 운영, '21.12월말 기준): 제안건수 374, 채택건수 26 (7%), 실시건수 6 (23%)
SUGGESTED, ADOPTED, IMPLEMENTED = 374, 26, 6


@pytest.fixture(scope="module")
def cheap():
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


@pytest.fixture(scope="module")
def engine(tmp_path_factory, cheap):
    url = f"sqlite:///{tmp_path_factory.mktemp('suggestions') / 's.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, (role, dept) in USERS.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def app(engine):
    return create_app(Settings(db_url=engine.url.render_as_string(hide_password=False), municipality=M))


def client(app, login: str | None = None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if login:
        r = c.post("/api/v1/auth/login", json={"login": login, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def actor(engine, login: str) -> operations.Actor:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id, role, department FROM accounts WHERE login = :l"), {"l": login}).one()
    return operations.Actor(login=login, role=row.role, department=row.department, via="web", account_id=row.id)


@pytest.fixture(scope="module")
def year_2021(engine):
    """374 suggestions received in 2021 (on paper and from citizens), entered by the
    performance team; 26 went through 실무심의 and 심사위원회 to 채택, 6 of those to 실시; some
    others rejected at either step. Titles vary so that they are not all alike."""
    perf = actor(engine, "perf")
    ids = []
    for i in range(SUGGESTED):
        day = dt.date(2021, 1, 1) + dt.timedelta(days=i % 360)
        out = ops.receive(engine, perf, municipality=M, title=f"2021년 제안 {i}번 — 주제 {i % 37}",
                          body=f"현황과 개선 방안 {i}", proposer_name=f"제안자{i}",
                          source="citizen" if i % 3 else "staff", received_on=day,
                          department=DEPARTMENTS[i % len(DEPARTMENTS)])
        ids.append(out["suggestion"]["id"])
    decided = dt.date(2021, 12, 28)
    for n, sid in enumerate(ids[:ADOPTED + 10]):
        s = ops.review(engine, perf, suggestion_id=sid, step="screen", outcome="forward", version=1,
                       decided_on=decided)
        if n < ADOPTED:
            s = ops.review(engine, perf, suggestion_id=sid, step="committee", outcome="adopt", version=s["version"],
                           decided_on=decided, grade="장려상", award="시장 표창", prize=100_000)
            if n < IMPLEMENTED:
                ops.review(engine, perf, suggestion_id=sid, step="implement", outcome="implemented",
                           version=s["version"], decided_on=decided)
        else:  # forwarded, then not adopted by the committee
            ops.review(engine, perf, suggestion_id=sid, step="committee", outcome="reject", version=s["version"],
                       decided_on=decided, reason="예산 여건상 곤란")
    for sid in ids[ADOPTED + 10: ADOPTED + 30]:
        ops.review(engine, perf, suggestion_id=sid, step="screen", outcome="reject", version=1, decided_on=decided,
                   reason="기존 시행 중인 내용")
    return ids


def test_the_2021_table_of_000_is_reproduced_from_entered_suggestions(app, year_2021):
    stats = client(app).get("/api/v1/suggestions/statistics", params={"year": 2021}).json()
    (y,) = stats["years"]
    assert y["year"] == 2021
    assert (y["suggested"], y["adopted"], y["adoption_rate"], y["implemented"], y["implementation_rate"]) == \
        (374, 26, 7, 6, 23)
    # per 소관부서: they add up to the year's line
    depts = y["departments"]
    assert {d["department"] for d in depts} == set(DEPARTMENTS)
    assert sum(d["suggested"] for d in depts) == 374 and sum(d["adopted"] for d in depts) == 26
    assert sum(d["implemented"] for d in depts) == 6
    for d in depts:
        assert d["adoption_rate"] == whole_percent(d["adopted"], d["suggested"])


def test_rates_are_rounded_half_up_to_whole_percent_as_000_prints_them():
    # 26/374 = 6.95 %: printed 7 % (truncating would print 6); 6/26 = 23.08 %: printed 23 %
    assert whole_percent(26, 374) == 7 and 26 * 100 // 374 == 6
    assert whole_percent(6, 26) == 23
    assert whole_percent(1, 8) == 13  # 12.5 → 13, half up (not banker's 12)
    assert whole_percent(0, 0) is None


def test_department_figures_for_the_evaluation_bonus(app, year_2021):
    r = client(app).get("/api/v1/suggestions/departments", params={"year": 2021})
    items = {d["department"]: d for d in r.json()["items"]}
    # the first 26 ids were adopted, dealt round-robin over the departments: 7, 7, 6, 6; implemented 2, 2, 1, 1
    assert [items[d]["adopted"] for d in DEPARTMENTS] == [7, 7, 6, 6]
    assert [items[d]["implemented"] for d in DEPARTMENTS] == [2, 2, 1, 1]


def test_review_steps_in_order_with_who_when_why_in_the_audit_log(app, engine):
    kim, perf = client(app, "kim"), client(app, "perf")
    r = kim.post("/api/v1/suggestions", json={"title": "민원실 대기 번호표 모바일 알림", "body": "대기 순서를 문자로 알려 주면 "
                                                                                       "민원인이 기다리지 않아도 됩니다."})
    assert r.status_code == 201, r.text
    s = r.json()["suggestion"]
    assert s["status"] == "received" and s["proposer_login"] == "kim" and s["proposer_department"] == "자치행정과"
    sid = s["id"]
    step = f"/api/v1/suggestions/{sid}/steps"
    # out of order: the committee before the 실무심의
    assert perf.post(step, json={"step": "committee", "outcome": "adopt", "version": 1}).status_code == 422
    # the proposer's role may not review
    assert kim.post(step, json={"step": "screen", "outcome": "forward", "version": 1,
                                "department": "민원여권과"}).status_code == 403
    # forward needs a 소관부서; a rejection needs a reason
    assert perf.post(step, json={"step": "screen", "outcome": "forward", "version": 1}).status_code == 422
    assert perf.post(step, json={"step": "screen", "outcome": "reject", "version": 1}).status_code == 422
    r = perf.post(step, json={"step": "screen", "outcome": "forward", "version": 1, "department": "민원여권과",
                              "reason": "실무심의회 상정"})
    assert r.status_code == 200 and r.json()["status"] == "screened"
    # a stale version
    assert perf.post(step, json={"step": "committee", "outcome": "adopt", "version": 1}).status_code == 409
    # a grade that is not one, a prize on a rejection
    assert perf.post(step, json={"step": "committee", "outcome": "adopt", "version": 2,
                                 "grade": "대상"}).status_code == 422
    assert perf.post(step, json={"step": "committee", "outcome": "reject", "version": 2, "reason": "x",
                                 "prize": 1000}).status_code == 422
    r = perf.post(step, json={"step": "committee", "outcome": "adopt", "version": 2, "grade": "동상",
                              "award": "시장 표창", "prize": 300_000, "reason": "민원 편의 향상"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["grade"], r.json()["prize"]) == ("adopted", "동상", 300_000)
    r = perf.post(step, json={"step": "implement", "outcome": "implemented", "version": 3})
    assert r.status_code == 200 and r.json()["status"] == "implemented"
    one = perf.get(f"/api/v1/suggestions/{sid}").json()
    assert [(x["step"], x["outcome"], x["decided_by"]) for x in one["steps"]] == [
        ("receive", "received", "kim"), ("screen", "forward", "perf"), ("committee", "adopt", "perf"),
        ("implement", "implemented", "perf")]
    assert one["steps"][2]["reason"] == "민원 편의 향상" and one["steps"][2]["prize"] == 300_000
    ops_seen = [(a["operation"], a["entity"], a["field"], a["new_value"]) for a in one["audit"]]
    assert ("suggestion.submit", "suggestions", None) == ops_seen[0][:3]
    assert ("suggestion.review", "suggestions", "status", "adopted") in ops_seen
    assert ("suggestion.review", "suggestions", "prize", 300_000) in ops_seen
    assert all(a["actor"] == "perf" for a in one["audit"] if a["operation"] == "suggestion.review")
    # after 실시, nothing more
    assert perf.post(step, json={"step": "implement", "outcome": "implemented", "version": 4}).status_code == 422


def test_a_closed_call_refuses_a_suggestion(app, engine):
    perf, kim = client(app, "perf"), client(app, "kim")
    today = ops.today()
    closed = perf.post("/api/v1/suggestions/calls", json={"title": "운양도서관 명칭 공모",
                                                          "opens_on": (today - dt.timedelta(days=30)).isoformat(),
                                                          "closes_on": (today - dt.timedelta(days=1)).isoformat()})
    assert closed.status_code == 201, closed.text
    open_ = perf.post("/api/v1/suggestions/calls", json={"title": "인구정책 슬로건 공모전",
                                                         "opens_on": (today - dt.timedelta(days=3)).isoformat(),
                                                         "closes_on": (today + dt.timedelta(days=10)).isoformat()})
    assert kim.post("/api/v1/suggestions/calls", json={"title": "x", "opens_on": today.isoformat(),
                                                       "closes_on": today.isoformat()}).status_code == 403
    r = kim.post("/api/v1/suggestions", json={"title": "김포 책마루 도서관", "body": "이름 제안",
                                              "call_id": closed.json()["id"]})
    assert r.status_code == 422 and "마감" in r.json()["error"]["message"]
    r = kim.post("/api/v1/suggestions", json={"title": "함께 사는 50만 김포", "body": "슬로건 제안",
                                              "call_id": open_.json()["id"]})
    assert r.status_code == 201 and r.json()["suggestion"]["call_id"] == open_.json()["id"]
    calls = {c["title"]: c for c in client(app).get("/api/v1/suggestions/calls").json()["items"]}
    assert calls["인구정책 슬로건 공모전"]["suggestions"] == 1 and calls["운양도서관 명칭 공모"]["suggestions"] == 0
    # a citizen's paper entry dated within the call is taken even after it closed
    r = perf.post("/api/v1/suggestions/received", json={
        "title": "운양 꿈터 도서관", "body": "이름 제안", "proposer_name": "홍길동", "proposer_contact": "010-0000-0000",
        "call_id": closed.json()["id"], "received_on": (today - dt.timedelta(days=5)).isoformat()})
    assert r.status_code == 201, r.text


def test_likely_duplicates_are_found_when_a_suggestion_is_entered(app):
    kim, lee = client(app, "kim"), client(app, "lee")
    first = kim.post("/api/v1/suggestions", json={"title": "공영주차장 야간 무료 개방",
                                                  "body": "공영주차장을 야간에 무료로 개방하여 주택가 주차난을 줄이자"})
    assert first.status_code == 201 and first.json()["duplicates"] == []
    kim.post("/api/v1/suggestions", json={"title": "가로등 LED 교체", "body": "전기 요금 절감"})
    r = lee.post("/api/v1/suggestions", json={"title": "야간에 공영주차장을 무료로 개방합시다",
                                              "body": "주차난 해소를 위해 밤에는 무료 개방"})
    assert r.status_code == 201
    dups = r.json()["duplicates"]
    assert [d["id"] for d in dups][:1] == [first.json()["suggestion"]["id"]]
    assert all("LED" not in d["title"] for d in dups)
    # before submitting, too
    found = lee.get("/api/v1/suggestions/similar", params={"title": "주차장 야간 개방"}).json()["items"]
    assert first.json()["suggestion"]["id"] in [d["id"] for d in found]
    assert lee.get("/api/v1/suggestions/similar", params={"title": "어린이 도서관 확충"}).json()["items"] == []


def test_suggestions_are_for_signed_in_accounts_and_citizens_entries_for_the_performance_team(app):
    anon = client(app)
    assert anon.get("/api/v1/suggestions").status_code == 401
    assert anon.post("/api/v1/suggestions", json={"title": "x", "body": "y"}).status_code == 401
    assert client(app, "kim").post("/api/v1/suggestions/received", json={
        "title": "x", "body": "y", "proposer_name": "시민"}).status_code == 403
    listed = client(app, "eval").get("/api/v1/suggestions", params={"limit": 5})
    assert listed.status_code == 200 and listed.json()["total"] > 374
    assert "proposer_contact" not in listed.json()["items"][0]


# --- pages -------------------------------------------------------------------------------------


def form_client(app, login: str) -> tuple[TestClient, str]:
    c = client(app, login)
    token = c.headers.pop("X-CSRF-Token")
    return c, token


def test_statistics_page_prints_the_table_as_000_does(app, year_2021):
    r = client(app).get("/suggestions/statistics", params={"year": 2021})
    assert r.status_code == 200
    row = r.text.split("'21년 제안제도 운영", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="n">')[1:]]
    assert cells == ["374", "26", "7%", "6", "23%"]
    assert client(app).get("/suggestions/statistics.json", params={"year": 2021}).json()["years"][0]["adopted"] == 26


def test_pages_need_a_login_and_the_form_walks_a_review(app):
    anon = client(app)
    r = anon.get("/suggestions", follow_redirects=False)
    assert r.status_code in (302, 303, 307) and "/login" in r.headers["location"]
    # a likely duplicate entered earlier (by this test when it runs alone)
    titles = [s["title"] for s in client(app, "perf").get("/api/v1/suggestions", params={"limit": 500}).json()["items"]]
    if "공영주차장 야간 무료 개방" not in titles:
        assert client(app, "kim").post("/api/v1/suggestions", json={
            "title": "공영주차장 야간 무료 개방", "body": "공영주차장을 야간에 무료로 개방하여 주택가 주차난을 줄이자"}).status_code == 201
    kim, token = form_client(app, "kim")
    assert kim.post("/suggestions/new", data={"title": "x", "body": "y"}).status_code == 403  # no CSRF token
    r = kim.post("/suggestions/new", data={"csrf_token": token, "title": "청사 주차장 야간 개방 확대",
                                           "body": "공영주차장을 야간에 개방"}, follow_redirects=False)
    assert r.status_code == 303
    page = kim.get(r.headers["location"])
    assert page.status_code == 200 and "제안을 접수했습니다" in page.text
    assert "공영주차장 야간 무료 개방" in page.text  # the likely duplicate entered earlier
    assert "심사 경과" in page.text and "실무심의 기록" not in page.text  # the editor may not review
    sid = int(r.headers["location"].split("/")[2].split("?")[0])
    perf, ptoken = form_client(app, "perf")
    page = perf.get(f"/suggestions/{sid}")
    assert "실무심의 기록" in page.text
    r = perf.post(f"/suggestions/{sid}/steps", data={"csrf_token": ptoken, "step": "screen", "outcome": "reject",
                                                     "version": "1", "reason": ""})
    assert r.status_code == 422 and "reason" in r.text  # the page again, with the error
    r = perf.post(f"/suggestions/{sid}/steps", data={"csrf_token": ptoken, "step": "screen", "outcome": "reject",
                                                     "version": "1", "reason": "이미 시행 중"}, follow_redirects=False)
    assert r.status_code == 303
    page = perf.get(f"/suggestions/{sid}")
    assert "이미 시행 중" in page.text and "불채택" in page.text


# --- the same answers on PostgreSQL ------------------------------------------------------------


@pytest.mark.postgres
def test_statistics_and_duplicates_are_the_same_on_postgresql(engine, cheap):
    """A small year entered into SQLite and into a PostgreSQL database of its own: the counts
    (SUM of CASE is numeric there), the rounded rates and the duplicate search (ILIKE) agree."""
    from sijeong.store import views
    from tests.conftest import fresh_pg_database

    def fill(eng) -> tuple[dict, list]:
        perf = actor(eng, "perf")
        ids = []
        for i in range(40):
            ids.append(ops.receive(eng, perf, municipality="시험시", title=f"버스 정류장 온열의자 {i}" if i % 4 == 0
                                   else f"제안 {i} 주제 {i % 7}", body="겨울철 정류장 온열의자 설치", proposer_name="시민",
                                   received_on=dt.date(2023, 1 + i % 12, 1),
                                   department=DEPARTMENTS[i % 2])["suggestion"]["id"])
        for sid in ids[:7]:
            s = ops.review(eng, perf, suggestion_id=sid, step="screen", outcome="forward", version=1,
                           decided_on=dt.date(2023, 12, 20))
            s = ops.review(eng, perf, suggestion_id=sid, step="committee", outcome="adopt", version=s["version"],
                           decided_on=dt.date(2023, 12, 21), prize=50_000)
            if sid in ids[:3]:
                ops.review(eng, perf, suggestion_id=sid, step="implement", outcome="implemented",
                           version=s["version"], decided_on=dt.date(2023, 12, 22))
        with eng.connect() as conn:
            stats = views.suggestion_statistics(conn, municipality="시험시", year=2023)
            dups = views.similar_suggestions(conn, municipality="시험시", title="정류장 온열의자를 늘립시다")
        return stats, [(d["title"], d["score"]) for d in dups]

    with fresh_pg_database(prefix="suggest_sugg") as url:
        pg = db.create_engine_for(url)
        try:
            db.migrate(pg)
            for login, (role, dept) in USERS.items():
                accounts.add_account(pg, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
            on_pg = fill(pg)
        finally:
            pg.dispose()
    on_sqlite = fill(engine)
    assert on_pg == on_sqlite
    y = on_pg[0]["years"][0]
    assert (y["suggested"], y["adopted"], y["adoption_rate"], y["implemented"], y["implementation_rate"]) == \
        (40, 7, 18, 3, 43)  # 17.5 % → 18 (half up), 42.86 % → 43
    assert len(on_pg[1]) == 5 and all("온열의자" in t for t, _ in on_pg[1])
