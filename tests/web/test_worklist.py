"""검증 결과 as a work list (issue 11 part 5, issue 14 part 5): open findings first, then by
severity; filters by status and rule family; the reader's information kept apart (off by
default); the performance team marks a finding from the page's form or the API (each role
allowed or refused, 409 on a stale mark, 422 without a note); a mark outlives ``check
--save``; an open error is marked on the record page that shows its figure."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sijeong import operations
from sijeong.cli import main
from sijeong.operations import ROLES, Actor
from sijeong.settings import Settings
from sijeong.web import create_app
from sijeong.web.auth import current_actor, require_actor

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
M = "예시시"
RANK = {"error": 0, "warning": 1, "info": 2}
PERF = Actor(login="perf", role="performance", via="web")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("worklist") / "w.db"
    assert main(["ingest", *map(str, SAMPLES), "--db", str(path), "--municipality", M]) == 0
    return path


@pytest.fixture
def db_path(loaded, tmp_path):
    copy = tmp_path / "w.db"
    copy.write_bytes(loaded.read_bytes())
    return copy


def make_client(db_path: Path, actor: Actor | None = None) -> TestClient:
    app = create_app(Settings(db_url=f"sqlite:///{db_path}"))
    if actor is not None:
        app.dependency_overrides[require_actor] = lambda: actor
        app.dependency_overrides[current_actor] = lambda: actor
    return TestClient(app)


@pytest.fixture
def client(db_path):
    with make_client(db_path, PERF) as c:
        yield c


def items(c: TestClient, **params) -> list[dict]:
    r = c.get("/findings.json", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def is_reading(f: dict) -> bool:
    return f["origin"] == "read" and f["severity"] == "info"


def the_rate_error(c: TestClient) -> dict:
    """The samples' deliberate misprint: 달성률 232% where 18/8 gives 225%."""
    return next(f for f in items(c) if f["rule"] == "indicator.rate")


def mark(c: TestClient, f: dict, status: str, note: str | None = None, version: int | None = None):
    return c.post(f"/api/v1/findings/{f['id']}/mark", json={"status": status, "note": note, "version": version})


def test_open_first_then_by_severity(client):
    every = items(client, reading="show")
    assert {f["severity"] for f in every} >= {"error", "info"}
    assert all(f["mark"] is None for f in every)
    # an error marked 확인 goes after every open finding, the open info ones included
    err = next(f for f in every if f["severity"] == "error")
    assert mark(client, err, "seen").status_code == 201
    after = items(client, reading="show")
    assert [f["id"] for f in after][-1] == err["id"]
    opened = [f for f in after if f["mark"] is None]
    assert after[:len(opened)] == opened
    ranks = [RANK[f["severity"]] for f in opened]
    assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 2
    assert after[-1]["mark"]["status"] == "seen" and after[-1]["mark"]["version"] == 1
    # the page shows the same order, open first, the mark's Korean label on the marked one
    html = client.get("/findings", params={"reading": "show"}).text
    ids = [int(i) for i in re.findall(r'<tr id="f-(\d+)">', html)]
    assert ids == [f["id"] for f in after]
    row = html[html.index(f'<tr id="f-{err["id"]}">'):]
    assert '<span class="mark mark-seen">확인</span>' in row[:row.index("</tr>")]


def test_filters_by_status_and_rule_family(client):
    every = items(client, reading="show")
    err = next(f for f in every if f["rule"] == "indicator.rate")
    assert mark(client, err, "false_positive", note="각주에 따라 반올림한 값").status_code == 201
    assert [f["id"] for f in items(client, status="false_positive", reading="show")] == [err["id"]]
    assert items(client, status="seen", reading="show") == []
    opened = items(client, status="open", reading="show")
    assert err["id"] not in {f["id"] for f in opened} and len(opened) == len(every) - 1
    assert len(items(client, status="all", reading="show")) == len(every)
    family = items(client, rule="indicator.", reading="show")
    assert family and {f["rule"].split(".")[0] for f in family} == {"indicator"}
    assert len(family) == sum(1 for f in every if f["rule"].startswith("indicator."))
    # the tabs count each status; Korean rule names with the id kept small beside them
    html = unescape(client.get("/findings").text)
    assert re.search(r"오탐 <span class=\"count\">1</span>", html)
    assert re.search(r"열린 것 <span class=\"count\">" + str(len(every) - 1) + "</span>", html)
    assert '달성률 계산 <code class="rule-id">indicator.rate</code>' in html
    assert client.get("/findings.json", params={"status": "deleted"}).status_code == 422


def test_the_readers_information_is_kept_apart_by_default(client):
    every = items(client, reading="show")
    reading = [f for f in every if is_reading(f)]
    assert reading, "the samples have the reader's information findings"
    default = items(client)
    assert not any(is_reading(f) for f in default)
    assert len(default) + len(reading) == len(every)
    assert [f["id"] for f in items(client, reading="only")] == [f["id"] for f in reading]
    html = client.get("/findings").text
    assert f"문서를 읽으며 남긴 정보 {len(reading)}건" in html and "reading=show" in html
    # the severity cards still count every finding, as sijeong check and the export do
    info = sum(1 for f in every if f["severity"] == "info")
    assert re.search(rf'<li class="card info">.*?>{info}</a>', html, re.S)


@pytest.mark.parametrize("role", ROLES)
def test_the_mark_api_for_each_role(db_path, role):
    with make_client(db_path) as c:
        f = the_rate_error(c)
    actor = Actor(login=f"u-{role}", role=role, department=f["department"], via="api")
    with make_client(db_path, actor) as c:
        r = mark(c, f, "seen")
        if role in ("admin", "performance"):
            assert r.status_code == 201, r.text
            assert (r.json()["status"], r.json()["marked_by"], r.json()["version"]) == ("seen", actor.login, 1)
            r = mark(c, f, "fixed", note="원문 수정 요청함", version=1)
            assert r.status_code == 200 and r.json()["version"] == 2
        else:  # editor and approver of the finding's own department too
            assert r.status_code == 403, r.text
            assert r.json()["error"]["status"] == 403
        shown = the_rate_error(c)["mark"]
        if r.status_code == 403:
            assert shown is None
        else:  # the listing gives the stored mark
            assert {k: shown[k] for k in ("id", "status", "note", "marked_by", "version")} == \
                {k: r.json()[k] for k in ("id", "status", "note", "marked_by", "version")}


def test_no_login_no_mark(db_path):
    with make_client(db_path) as c:
        f = the_rate_error(c)
        assert mark(c, f, "seen").status_code == 401
        # the page's form without a login: sent to the login page, nothing marked
        r = c.post(f"/findings/{f['id']}/mark", data={"status": "seen"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert the_rate_error(c)["mark"] is None
        # the public sees the list without a form
        assert "<form class=\"mark-form\"" not in c.get("/findings").text


def test_a_stale_mark_answers_409_with_the_current_one(client):
    f = the_rate_error(client)
    assert mark(client, f, "seen").status_code == 201
    r = mark(client, f, "fixed", note="수정함")  # read before the first mark: no version
    assert r.status_code == 409
    body = r.json()["error"]
    assert body["status"] == 409 and body["current"]["status"] == "seen" and body["current"]["version"] == 1
    r = mark(client, f, "seen", version=7)
    assert r.status_code == 409 and r.json()["error"]["current"]["version"] == 1
    assert the_rate_error(client)["mark"]["version"] == 1


def test_bad_marks_answer_422_or_404(client):
    f = the_rate_error(client)
    for status in ("fixed", "false_positive"):
        r = mark(client, f, status, note="  ")
        assert r.status_code == 422 and "설명" in r.json()["error"]["message"], r.text
    assert mark(client, f, "deleted").status_code == 422
    assert mark(client, f, "seen", note="x" * 2001).status_code == 422
    r = client.post(f"/api/v1/findings/{f['id']}/mark", json={"note": "상태 없음"})
    assert r.status_code == 422
    assert mark(client, {"id": 10**9}, "seen").status_code == 404
    assert the_rate_error(client)["mark"] is None


def test_the_mark_is_shown_after_a_recheck(client, db_path):
    f = the_rate_error(client)
    assert mark(client, f, "false_positive", note="표의 각주: 목표를 고친 뒤의 달성률").status_code == 201
    assert main(["check", "--save", "--db", str(db_path), "--municipality", M]) in (0, 1)
    again = the_rate_error(client)
    assert (again["rule"], again["lines"]) == (f["rule"], f["lines"])  # the same problem, found again
    assert (again["mark"]["status"], again["mark"]["note"]) == ("false_positive", "표의 각주: 목표를 고친 뒤의 달성률")
    assert again["id"] in {g["id"] for g in items(client, status="false_positive")}
    html = client.get(f"/findings/{again['id']}").text
    assert '<span class="mark mark-false_positive">오탐</span>' in html and "목표를 고친 뒤의 달성률" in html


def test_the_page_form_marks_for_the_performance_team(client):
    f = the_rate_error(client)
    html = client.get("/findings").text
    form = html[html.index(f'action="/findings/{f["id"]}/mark"'):]
    form = form[:form.index("</form>")]
    assert 'name="csrf_token"' in form and 'name="version" value=""' in form
    for field_id in (f"ms-{f['id']}", f"mn-{f['id']}"):
        assert f'id="{field_id}"' in form and f'<label for="{field_id}">' in form
    assert "<script" not in html
    r = client.post(f"/findings/{f['id']}/mark", data={"status": "fixed", "note": "담당 부서에 정정 요청",
                                                       "version": "", "next": "/findings?status=open"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/findings?status=open#f-{f['id']}"
    assert the_rate_error(client)["mark"]["status"] == "fixed"
    # the form now carries the mark's version; an outside address is never a redirect target
    html = client.get("/findings").text
    assert re.search(rf'action="/findings/{f["id"]}/mark">\s*<input[^>]*csrf_token[^>]*>\s*<input type="hidden" '
                     r'name="version" value="1">', html)
    r = client.post(f"/findings/{f['id']}/mark", data={"status": "seen", "version": "1", "next": "//evil.example/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/findings/{f['id']}"
    r = client.post(f"/findings/{f['id']}/mark", data={"status": "seen", "version": "1"})
    assert r.status_code == 409 and "지금 표시: 확인" in r.text


def test_every_form_field_has_a_label(client):
    html = client.get("/findings", params={"reading": "show"}).text
    ids = re.findall(r'<(?:select|input) id="([^"]+)"', html)
    assert ids
    for i in ids:
        assert re.search(rf'<label (?:[^>]* )?for="{re.escape(i)}"', html), i
    assert '<th scope="col">표시하기</th>' in html


def test_an_open_error_is_badged_on_its_record_page(client):
    f = the_rate_error(client)
    ind = next(i for i in client.get("/api/v1/indicators", params={"limit": 500}).json()["items"]
               if i["figures"].get("rate", {}).get("raw") == "232%")
    html = unescape(client.get(f"/indicators/{ind['id']}").text)
    rate_card = html[html.index('<span class="label">달성률</span>'):]
    rate_card = rate_card[:rate_card.index("</li>")]
    assert f'href="/findings/{f["id"]}"' in rate_card and "계산값 225 · 인쇄값 232" in rate_card
    target_card = html[html.index('<span class="label">목표</span>'):]
    assert "badge-error" not in target_card[:target_card.index("</li>")]
    # 확인 keeps it standing; 오탐 takes it down
    assert mark(client, f, "seen").status_code == 201
    assert f'href="/findings/{f["id"]}"' in client.get(f"/indicators/{ind['id']}").text
    assert mark(client, f, "false_positive", note="반올림", version=1).status_code == 200
    assert f'href="/findings/{f["id"]}"' not in client.get(f"/indicators/{ind['id']}").text


def test_a_sum_error_is_badged_on_the_row_printed_wrong(client):
    f = next(g for g in items(client) if g["rule"] == "revenue.total")
    html = client.get("/revenues", params={"year": 2023}).text
    rows = [r for r in re.findall(r"<tr.*?</tr>", html, re.S) if f'href="/findings/{f["id"]}"' in r]
    assert len(rows) == 1 and "이자수입" in rows[0]


def test_operations_refuse_what_the_page_would_not_offer(db_path):
    """The form is shown exactly to those the write path lets mark."""
    with make_client(db_path, Actor(login="v", role="viewer", via="web")) as c:
        assert "<form class=\"mark-form\"" not in c.get("/findings").text
    assert operations.allowed(PERF, "finding.mark", None)


def test_the_work_list_on_postgresql():
    """The same join, order, tallies and badges on PostgreSQL (its own fresh database)."""
    from tests.conftest import fresh_pg_database

    with fresh_pg_database("worklist") as url:
        assert main(["ingest", *map(str, SAMPLES), "--db", url, "--municipality", M]) == 0
        app = create_app(Settings(db_url=url))
        app.dependency_overrides[require_actor] = lambda: PERF
        try:
            with TestClient(app) as c:
                f = the_rate_error(c)
                assert mark(c, f, "seen").status_code == 201
                assert mark(c, f, "seen").status_code == 409
                every = items(c, reading="show")
                assert every[-1]["id"] == f["id"] and every[-1]["mark"]["status"] == "seen"
                ranks = [RANK[g["severity"]] for g in every[:-1]]
                assert ranks == sorted(ranks)
                assert not any(is_reading(g) for g in items(c))
                html = c.get("/findings").text
                assert re.search(r"확인 <span class=\"count\">1</span>", html)
                ind = next(i for i in c.get("/api/v1/indicators", params={"limit": 500}).json()["items"]
                           if i["figures"].get("rate", {}).get("raw") == "232%")
                assert f'href="/findings/{f["id"]}"' in c.get(f"/indicators/{ind['id']}").text
        finally:
            app.state.engine.dispose()
