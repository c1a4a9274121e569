"""주민참여예산 through the pages and the API: a resident registers with the one-time code
(delivered by a test sender that keeps it), proposes and votes; staff decide each stage through
their forms; the public reads the decisions with their reasons and the path to the budget line;
CSRF on every form; a resident's cookie is not a staff session, nor the other way round; the
open data carries no proposer; a second vote is refused through the API."""

from __future__ import annotations

import csv
import io
import re

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, operations, participation
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

PASSWORD = "correct horse battery"
M = "김포시"
ADMIN = operations.cli_actor()


class Outbox:
    def __init__(self):
        self.codes: list[str] = []

    def __call__(self, resident, code):
        self.codes.append(code)
        return participation.Delivery("확인 코드를 보냈습니다 (시험).")


@pytest.fixture(scope="module")
def outbox():
    box = Outbox()
    saved = participation.sender
    participation.sender = lambda: box
    yield box
    participation.sender = saved


@pytest.fixture(scope="module")
def app(tmp_path_factory, outbox):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('pb') / 'pb.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, role in (("perf", "performance"), ("view", "viewer")):
        accounts.add_account(engine, ADMIN, login=login, role=role, password=PASSWORD)
    engine.dispose()
    yield create_app(Settings(db_url=url, municipality=M))
    accounts.HASHER = saved


def staff(app, login="perf") -> tuple[TestClient, str]:
    c = TestClient(app, raise_server_exceptions=True)
    r = c.post("/api/v1/auth/login", json={"login": login, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def register(app, outbox, contact: str, name: str = "김주민") -> TestClient:
    c = TestClient(app, raise_server_exceptions=True, follow_redirects=False)
    page = c.get("/participation/register")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    token = _csrf(page.text)
    r = c.post("/participation/register", data={"csrf_token": token, "municipality": M, "name": name,
                                                "contact": contact, "dong": "사우동", "next": "/participation"})
    assert r.status_code == 200 and "확인 코드를 보냈습니다" in r.text
    code = outbox.codes[-1]
    wrong = "000000" if code != "000000" else "111111"
    bad = c.post("/participation/verify", data={"csrf_token": token, "municipality": M, "contact": contact,
                                                "code": wrong, "next": "/participation"})
    assert bad.status_code == 422 and "sijeong_resident" not in bad.headers.get("set-cookie", "")
    ok = c.post("/participation/verify", data={"csrf_token": token, "municipality": M, "contact": contact,
                                               "code": code, "next": "/participation"})
    assert ok.status_code == 303 and ok.headers["location"] == "/participation"
    assert "sijeong_resident=" in ok.headers["set-cookie"] and "HttpOnly" in ok.headers["set-cookie"]
    return c


@pytest.fixture(scope="module")
def flow(app, outbox):
    """A call opened by the performance team, a resident's proposal through the form, the
    stages decided through the staff's forms up to the vote, and a ballot."""
    s, csrf = staff(app)
    r = s.post("/api/v1/participation/calls", headers={"X-CSRF-Token": csrf},
               json={"municipality": M, "year": 2022, "title": "2022년 주민참여예산 주민제안 공모",
                     "envelope": 5_000_000_000, "schedule": [{"stage": "submitted", "starts_on": "2022-02-01",
                                                              "ends_on": "2022-05-31"}]})
    assert r.status_code == 201, r.text
    call_id = r.json()["id"]
    r = s.patch(f"/api/v1/participation/calls/{call_id}", headers={"X-CSRF-Token": csrf},
                json={"version": 1, "schedule": [{"stage": "submitted", "starts_on": "2022-02-01", "ends_on": "2022-05-31"},
                                                  {"stage": "vote", "starts_on": "2022-08-01", "ends_on": "2022-08-31"}]})
    assert r.status_code == 200 and [x["label"] for x in r.json()["schedule"]] == ["주민제안 공모접수",
                                                                                    "온·오프라인 주민투표"]
    stale = s.patch(f"/api/v1/participation/calls/{call_id}", headers={"X-CSRF-Token": csrf},
                    json={"version": 1, "envelope": 1})
    assert stale.status_code == 409
    res = register(app, outbox, "010-1234-5678")
    form = res.get("/participation/propose")
    assert form.status_code == 200 and "주민 제안하기" in form.text
    r = res.post("/participation/propose", data={"csrf_token": _csrf(form.text), "call_id": str(call_id),
                                                 "title": "마을 안전 가로등 설치", "kind": "dong_unit", "dong": "사우동",
                                                 "requested_amount": "60,000,000",
                                                 "description": "골목길이 어두워 가로등이 필요합니다."})
    assert r.status_code == 303, r.text
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    for stage, reason in (("eligibility", "시 사무로 적격"), ("subcommittee", "분과회의 통과"), ("refinement", "6개소로 구체화")):
        r = s.post(f"/participation/proposals/{pid}/decisions", data={"csrf_token": csrf, "stage": stage,
                                                                      "decision": "pass", "reason": reason},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    r = s.post("/participation/ballots", data={"csrf_token": csrf, "call_id": str(call_id), "title": "2022 주민투표",
                                               "choices": "1"}, follow_redirects=False)
    assert r.status_code == 303
    ballot = s.get(f"/api/v1/participation/calls/{call_id}").json()["ballots"][0]
    return {"call_id": call_id, "pid": pid, "resident": res, "staff": (s, csrf), "ballot_id": ballot["id"]}


def test_the_public_reads_each_decision_and_reason_and_not_the_proposer(app, flow):
    anon = TestClient(app, raise_server_exceptions=False)
    page = anon.get(f"/participation/proposals/{flow['pid']}")
    assert page.status_code == 200
    for reason in ("시 사무로 적격", "분과회의 통과", "6개소로 구체화"):
        assert reason in page.text
    assert "온·오프라인 주민투표" in page.text and "변경 이력" not in page.text
    assert "010" not in page.text and "김주민" not in page.text
    data = anon.get(f"/api/v1/participation/proposals/{flow['pid']}").json()
    assert [d["stage"] for d in data["decisions"]] == ["eligibility", "subcommittee", "refinement"]
    assert "resident_id" not in data and "audit" not in data and data["mine"] is False
    assert [s["reached"] for s in data["path"]] == [True, False, False, False]
    mine = flow["resident"].get(f"/api/v1/participation/proposals/{flow['pid']}")
    assert mine.json()["mine"] is True and mine.headers["cache-control"] == "no-store"
    s, _ = flow["staff"]
    internal = s.get(f"/api/v1/participation/proposals/{flow['pid']}").json()
    assert [a["operation"] for a in internal["audit"]][:2] == ["pb.propose", "pb.review"]


def test_the_resident_votes_once_through_the_page(app, flow):
    res = flow["resident"]
    page = res.get(f"/participation/ballots/{flow['ballot_id']}")
    assert page.status_code == 200 and "투표하기" in page.text
    token = _csrf(page.text)
    assert res.post(f"/participation/ballots/{flow['ballot_id']}", data={"proposal_id": str(flow["pid"])}).status_code == 403
    r = res.post(f"/participation/ballots/{flow['ballot_id']}", data={"csrf_token": token,
                                                                     "proposal_id": str(flow["pid"])})
    assert r.status_code == 303
    again = res.post(f"/participation/ballots/{flow['ballot_id']}", data={"csrf_token": token,
                                                                         "proposal_id": str(flow["pid"])})
    assert again.status_code == 422 and "이미 투표하셨습니다" in again.text
    tally = TestClient(app).get(f"/api/v1/participation/ballots/{flow['ballot_id']}").json()["tally"]
    assert [(t["proposal_id"], t["online"]) for t in tally] == [(flow["pid"], 1)]


def test_a_second_vote_through_the_api_is_refused(app, flow, outbox):
    c = TestClient(app, raise_server_exceptions=False)
    # JSON only: a cross-site form (text/plain) cannot ask for a code in someone's name
    plain = c.post("/api/v1/participation/residents/code", headers={"content-type": "text/plain"},
                   content='{"municipality": "김포시", "name": "x", "contact": "x@y.kr"}'.encode())
    assert plain.status_code == 422
    assert c.post("/api/v1/participation/residents/code", json={"municipality": M, "name": "박주민",
                                                                "contact": "park@example.kr"}).status_code == 202
    r = c.post("/api/v1/participation/residents/verify", json={"municipality": M, "contact": "park@example.kr",
                                                               "code": outbox.codes[-1]})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    url = f"/api/v1/participation/ballots/{flow['ballot_id']}/votes"
    assert c.post(url, json={"proposal_ids": [flow["pid"]]}).status_code == 403  # no CSRF header
    assert c.post(url, json={"proposal_ids": [flow["pid"]]}, headers={"X-CSRF-Token": csrf}).status_code == 201
    second = c.post(url, json={"proposal_ids": [flow["pid"]]}, headers={"X-CSRF-Token": csrf})
    assert second.status_code == 422
    assert TestClient(app).post(url, json={"proposal_ids": [flow["pid"]]}).status_code == 401


def test_staff_enter_a_paper_proposal_without_a_proposer(app, flow):
    s, csrf = flow["staff"]
    body = {"call_id": flow["call_id"], "title": "종이 제안: 경로당 냉방기", "description": "행정복지센터 접수",
            "kind": "읍면동 단위사업", "dong": "고촌읍", "requested_amount": 8_000_000}
    r = s.post("/api/v1/participation/paper-proposals", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201 and r.json()["kind"] == "dong_unit" and r.json()["stage"] == "eligibility"
    v, vcsrf = staff(app, "view")
    assert v.post("/api/v1/participation/paper-proposals", json=body, headers={"X-CSRF-Token": vcsrf}).status_code == 403
    assert flow["resident"].post("/api/v1/participation/paper-proposals", json=body).status_code == 401


def test_a_resident_is_not_staff_and_staff_do_not_vote(app, flow):
    res = flow["resident"]
    r = res.post(f"/participation/proposals/{flow['pid']}/decisions",
                 data={"stage": "vote", "decision": "pass", "reason": "x"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")  # a staff login is asked for
    assert res.get("/api/v1/auth/me").status_code == 401
    s, csrf = flow["staff"]
    r = s.post(f"/participation/ballots/{flow['ballot_id']}", data={"csrf_token": csrf,
                                                                   "proposal_id": str(flow["pid"])},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/participation/register")
    v, vcsrf = staff(app, "view")
    r = v.post(f"/participation/proposals/{flow['pid']}/decisions",
               data={"csrf_token": vcsrf, "stage": "vote", "decision": "pass", "reason": "x"})
    assert r.status_code == 403
    r = s.post(f"/participation/proposals/{flow['pid']}/decisions",
               data={"stage": "vote", "decision": "pass", "reason": "x"})
    assert r.status_code == 403  # the staff's forms need their CSRF token too


def test_the_whole_path_on_the_pages_and_the_open_data(app, flow):
    s, csrf = flow["staff"]
    pid = flow["pid"]
    for stage, extra in (("vote", {}), ("committee", {"approved_amount": "50,000,000"})):
        r = s.post(f"/participation/proposals/{pid}/decisions",
                   data={"csrf_token": csrf, "stage": stage, "decision": "pass", "reason": f"{stage} 통과", **extra},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    r = s.post(f"/participation/proposals/{pid}/budget", data={"csrf_token": csrf, "year": "2024",
                                                               "department": "안전총괄과",
                                                               "program": "마을 안전 가로등 설치"},
               follow_redirects=False)
    assert r.status_code == 303
    anon = TestClient(app)
    page = anon.get("/participation", params={"year": 2022})
    assert page.status_code == 200
    assert "5,000,000천원" in page.text and "50,000" in page.text  # 기준액 and 반영액 in 천원
    summary = anon.get("/participation.json", params={"year": 2022}).json()["summary"]
    dong = {k["kind"]: k for k in summary["kinds"]}["dong_unit"]
    assert (dong["selected"], dong["approved_thousand"], summary["approved_thousand"]) == (1, 50_000, 50_000)
    detail = anon.get(f"/api/v1/participation/proposals/{pid}").json()
    assert [x["reached"] for x in detail["path"]] == [True, True, True, False]  # no 2024 settlement stored here
    assert "2024년 결산서가 아직 적재되지 않았거나" in anon.get(f"/participation/proposals/{pid}").text
    body = anon.get("/participation/proposals.csv", params={"year": 2022})
    assert body.status_code == 200 and body.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.text.lstrip("\ufeff"))))
    assert rows[0]["사업명"] == "마을 안전 가로등 설치" and rows[0]["반영액(원)"] == "50000000"
    assert rows[0]["예산 사업명"] == "마을 안전 가로등 설치" and rows[0]["결과"] == "선정"
    assert "010" not in body.text and "김주민" not in body.text
    js = anon.get("/participation/proposals.json", params={"year": 2022}).json()
    assert js["total"] == len(rows) and js["items"][0]["budget_year"] == 2024
    assert [r["결과"] for r in rows[1:]] == ["진행 중"] * (len(rows) - 1)  # the paper proposal, if entered


def test_sign_out_revokes_the_resident_session(app, outbox, flow):
    c = register(app, outbox, "010-9999-0000", "최주민")
    page = c.get("/participation")
    assert "최주민" in page.text
    token = re.search(r'action="/participation/signout".*?name="csrf_token" value="([^"]+)"', page.text, re.S).group(1)
    cookie = c.cookies.get("sijeong_resident")
    assert c.post("/participation/signout", data={"csrf_token": token}).status_code == 303
    other = TestClient(app, cookies={"sijeong_resident": cookie}, follow_redirects=False)
    assert other.get("/participation/propose").status_code == 303  # back to registration
