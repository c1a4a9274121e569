"""The 성과관리 pages (``web/pages/cycle.py``): every page for the roles that may see it, the
login page for nobody signed in, 403 for another department; the forms (CSRF required), a
stale edit shown with the newer value and a Korean message (409, not 500), a bad value next
to its field (422), an evidence file that is not what its name says refused with nothing
written, a closed year's message (423), the dashboard's "who is late" panel for staff only."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, cycle, operations
from sijeong.model import Document, Figure, Indicator, Source
from sijeong.settings import Settings
from sijeong.store import db, repository
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
M = "김포시"
D = "기획담당관"
Y = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
USERS = {"perf": ("performance", None), "ed": ("editor", D), "ap": ("approver", D), "other": ("editor", "세무과"),
         "view": ("viewer", None)}
PLAN = f"/cycle/{Y}/plan/{quote(D)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    tmp = tmp_path_factory.mktemp("cyclepages")
    url = f"sqlite:///{tmp / 'c.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, (role, dept) in USERS.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
    ind = Indicator(source=Source("last_year.txt", 7), municipality=M, year=Y - 1, department=D, name="민원 처리 건수",
                    unit="건", formula="연간 처리 건수", policy_goal="열린 행정")
    ind.set("actual", Figure(80, "80", Source("last_year.txt", 8), "건"))
    with engine.connect() as conn:
        repository.save_document(conn, Document(name="last_year.txt", municipality=M, year=Y - 1,
                                                family="settlement_report", records=[ind]))
        conn.commit()
    app = create_app(Settings(db_url=url, municipality=M, evidence_dir=str(tmp / "evidence"),
                              evidence_max_bytes=1 << 16))
    yield app, engine, tmp / "evidence"
    engine.dispose()
    accounts.HASHER = saved


def login(app, who: str) -> tuple[TestClient, str]:
    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/api/v1/auth/login", json={"login": who, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


def post(c: TestClient, csrf: str, path: str, data: dict | None = None, files=None):
    return c.post(path, data={"csrf_token": csrf, "municipality": M, **(data or {})}, files=files,
                  follow_redirects=False)


def main(html: str) -> str:
    return html.split('<main', 1)[1]


def plan_rows(engine, department=D):
    with engine.connect() as conn:
        return cycle.plan(conn, M, Y, department)["indicators"]


def test_the_cycle_through_the_pages(site):
    app, engine, evidence = site
    perf, perf_csrf = login(app, "perf")
    ed, ed_csrf = login(app, "ed")
    ap, ap_csrf = login(app, "ap")

    # nobody signed in: the login page, for every page of the cycle
    with TestClient(app) as anon:
        for path in ("/cycle", f"/cycle?year={Y}", PLAN, "/cycle/indicators/1", "/cycle/entries/1", "/cycle/evidence/1",
                     f"/cycle/report?year={Y}"):
            r = anon.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
        assert anon.post("/cycle/open", data={"year": str(Y)}, follow_redirects=False).status_code == 303

    # open the year: the performance team's form; without the CSRF token refused, nothing written
    page = perf.get("/cycle")
    assert page.status_code == 200 and "연도 열기" in page.text and "<script" not in page.text
    assert 'name="csrf_token"' in page.text
    r = perf.post("/cycle/open", data={"year": str(Y), "municipality": M}, follow_redirects=False)
    assert r.status_code == 403
    with engine.connect() as conn:
        assert cycle.years(conn, M) == []
    assert "연도 열기" not in ed.get("/cycle").text  # an editor may not open a year
    assert post(ed, ed_csrf, "/cycle/open", {"year": str(Y)}).status_code == 403
    bad = post(perf, perf_csrf, "/cycle/open", {"year": "이천이십오"})
    assert bad.status_code == 422 and "네 자리" in bad.text and 'aria-invalid="true"' in bad.text
    r = post(perf, perf_csrf, "/cycle/open", {"year": str(Y)})
    assert r.status_code == 303 and r.headers["location"].startswith(f"/cycle?year={Y}")
    again = post(perf, perf_csrf, "/cycle/open", {"year": str(Y)})
    assert again.status_code == 409 and "이미 열려 있습니다" in again.text
    year_page = perf.get(f"/cycle?year={Y}")
    assert year_page.status_code == 200 and "계획 작성 중" in year_page.text
    assert D in year_page.text  # last year's department, to carry over from

    # the department's plan: carry over, the findings beside the indicator
    assert ed.get(PLAN).status_code == 200
    other, _ = login(app, "other")
    assert other.get(PLAN).status_code == 403  # another department's plan
    assert post(ed, ed_csrf, PLAN + "/carry-over").status_code == 303
    (ind,) = plan_rows(engine)
    page = ed.get(PLAN).text
    section = page.split(f'id="ind-{ind["id"]}"', 1)[1].split("</section>", 1)[0]
    assert "민원 처리 건수" in section and "자료출처 없음" in section and "산출지표" in section
    assert 'href="/cycle/entries/' in section  # the name links to the entry that made it
    assert 'href="/documents/last_year.txt?lines=7#L7"' in section  # last year's actual: its line

    # edit target and weight with the version read; a bad weight is 422 beside its field
    edit = f"/cycle/plan-indicators/{ind['id']}"
    r = post(ed, ed_csrf, edit, {"version": str(ind["version"]), "target": "90", "weight": "150"})
    assert r.status_code == 422 and "가중치는 0~100" in r.text
    assert re.search(r'name="weight"[^>]*aria-invalid="true"', r.text)
    assert plan_rows(engine)[0]["target"] is None  # nothing written
    r = post(ed, ed_csrf, edit, {"version": str(ind["version"]), "target": "90", "weight": "30",
                                 "data_source": "민원 통계", "formula": "연간 처리 건수", "unit": "건"})
    assert r.status_code == 303
    # a second editor's form still holds the old version: told, shown the newer value, not a 500
    stale = post(ed, ed_csrf, edit, {"version": str(ind["version"]), "target": "95", "weight": "30"})
    assert stale.status_code == 409
    assert "다른 사용자가 먼저 고쳤습니다" in stale.text and "목표치 90" in stale.text
    assert re.search(r'name="target"[^>]*value="90"', stale.text)  # the form now holds the newer value
    assert plan_rows(engine)[0]["target"] == 90
    target_entry = re.search(r'<a class="num" href="/cycle/entries/(\d+)" title="목표치', ed.get(PLAN).text).group(1)
    entry = perf.get(f"/cycle/entries/{target_entry}")
    assert entry.status_code == 200 and "목표치" in entry.text and ">ed (editor)<" in entry.text and "화면" in entry.text

    # submit (approver only), confirm (performance only)
    assert post(ed, ed_csrf, PLAN + "/submit").status_code == 403
    assert post(ap, ap_csrf, PLAN + "/submit").status_code == 303
    assert post(ap, ap_csrf, PLAN + "/confirm").status_code == 403
    assert post(perf, perf_csrf, PLAN + "/return").status_code == 422  # a return needs its reason
    assert post(perf, perf_csrf, PLAN + "/confirm").status_code == 303
    assert plan_rows(engine)[0]["status"] == "confirmed"

    # a window past its due date: the indicator is late, on the year page and the staff's dashboard
    assert post(perf, perf_csrf, f"/cycle/{Y}/windows", {"period": f"{Y}-Q1", "due_on": "2025-04-10"}).status_code == 303
    late = perf.get(f"/cycle?year={Y}").text.split('id="late"', 1)[1].split("</table>", 1)[0]
    assert "민원 처리 건수" in late and "미입력" in late
    assert "마감 지난 실적" in perf.get(f"/dashboard?municipality={M}").text
    with TestClient(app) as anon:
        assert "마감 지난 실적" not in anon.get(f"/dashboard?municipality={M}").text

    # a multipart form without the CSRF token: refused, nothing written
    r = ed.post(f"/cycle/indicators/{ind['id']}/results", data={"municipality": M, "period": f"{Y}-Q1", "actual": "20"},
                files={"file": ("1분기.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert r.status_code == 403
    with engine.connect() as conn:
        assert cycle.results(conn, ind["id"])["results"] == []

    # an evidence file that is not what its name says: refused, nothing written
    results = f"/cycle/indicators/{ind['id']}"
    assert ed.get(results).status_code == 200 and other.get(results).status_code == 403
    enter = results + "/results"
    r = post(ed, ed_csrf, enter, {"period": f"{Y}-Q1", "actual": "20", "comment": "1분기"},
             files={"file": ("사진.pdf", PNG, "application/pdf")})
    assert r.status_code == 422 and "파일 이름은 PDF인데 내용은 PNG입니다" in r.text
    assert re.search(r'name="file"[^>]*aria-invalid="true"', r.text)
    with engine.connect() as conn:
        assert cycle.results(conn, ind["id"])["results"] == []
    assert not evidence.exists() or not list(evidence.iterdir())
    assert post(ap, ap_csrf, enter, {"period": f"{Y}-Q1", "actual": "20"}).status_code == 403  # not the approver's
    r = post(ed, ed_csrf, enter, {"period": f"{Y}-Q1", "actual": "20", "comment": "1분기"},
             files={"file": ("1분기.pdf", PDF, "application/pdf")})
    assert r.status_code == 303
    with engine.connect() as conn:
        (res,) = cycle.results(conn, ind["id"])["results"]
    (ev,) = res["evidence"]
    got = ed.get(f"/cycle/evidence/{ev['id']}")
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    viewer, _ = login(app, "view")
    assert viewer.get(f"/cycle/evidence/{ev['id']}").status_code == 403
    vpage = viewer.get(results).text
    assert "1분기.pdf" in vpage and f'href="/cycle/evidence/{ev["id"]}"' not in vpage  # named, not served
    assert "실적 저장" not in vpage and "실적 승인" not in vpage  # a viewer reads only

    # submit, return with a reason, the editor sees it, corrects, resubmit, accept
    rid = res["id"]
    assert post(ed, ed_csrf, f"/cycle/results/{rid}/submit", {"version": str(res["version"])}).status_code == 403
    assert post(ap, ap_csrf, f"/cycle/results/{rid}/submit", {"version": str(res["version"])}).status_code == 303
    r = post(perf, perf_csrf, f"/cycle/results/{rid}/return", {"version": str(res["version"] + 1), "reason": ""})
    assert r.status_code == 422 and "반려 사유" in r.text
    assert post(perf, perf_csrf, f"/cycle/results/{rid}/return",
                {"version": str(res["version"] + 1), "reason": "증빙 수치와 다릅니다"}).status_code == 303
    page = ed.get(results).text
    assert "반려 사유:</strong> 증빙 수치와 다릅니다" in page
    with engine.connect() as conn:
        (res,) = cycle.results(conn, ind["id"])["results"]
    assert post(ed, ed_csrf, enter, {"period": f"{Y}-Q1", "actual": "22", "comment": "1분기 정정",
                                     "version": str(res["version"])}).status_code == 303
    stale = post(ed, ed_csrf, enter, {"period": f"{Y}-Q1", "actual": "25", "version": str(res["version"])})
    assert stale.status_code == 409 and "다른 사용자가 먼저 고쳤습니다" in stale.text and "실적 22" in stale.text
    with engine.connect() as conn:
        (res,) = cycle.results(conn, ind["id"])["results"]
    assert post(ap, ap_csrf, f"/cycle/results/{rid}/submit", {"version": str(res["version"])}).status_code == 303
    assert post(perf, perf_csrf, f"/cycle/results/{rid}/accept", {"version": str(res["version"] + 1)}).status_code == 303

    # the audit trail on the page, each value linking to its entry
    page = perf.get(results).text
    trail = page.split('id="trail"', 1)[1]
    text = re.sub(r"<[^>]+>", "", trail)
    assert "증빙 수치와 다릅니다" in text and "반려됨" in text and "승인" in text and "ap (approver, 화면)" in text, text
    assert re.search(r'<a class="num" href="/cycle/entries/\d+" title="실적을 넣은 입력[^"]*">22</a>', page)

    # the annual result, and the year report made from it
    assert post(ed, ed_csrf, enter, {"period": str(Y), "actual": "95", "comment": "연간"}).status_code == 303
    with engine.connect() as conn:
        annual = next(r for r in cycle.results(conn, ind["id"])["results"] if r["period"] == str(Y))
    assert post(ap, ap_csrf, f"/cycle/results/{annual['id']}/submit", {"version": "1"}).status_code == 303
    assert post(perf, perf_csrf, f"/cycle/results/{annual['id']}/accept", {"version": "2"}).status_code == 303
    assert f"/cycle/report?year={Y}" in perf.get(f"/cycle?year={Y}").text.replace("&amp;", "&")
    report = perf.get(f"/cycle/report?year={Y}&municipality={M}")
    assert report.status_code == 200
    cell = re.search(r'<a href="/cycle/entries/(\d+)">95</a>', report.text)
    assert cell, main(report.text)[:3000]
    assert "실적" in perf.get(f"/cycle/entries/{cell.group(1)}").text
    # the public pages link the entered figure to the entered document: it names the entry
    with TestClient(app) as anon:
        doc = anon.get(f"/documents/{quote(cycle.entry_name(Y))}?lines={cell.group(1)}")
        assert doc.status_code == 200 and f'href="/cycle/entries/{cell.group(1)}"' in doc.text
        assert "입력 기록" in doc.text and "본문이 데이터베이스에 없고" not in doc.text

    # closed: the year is locked, the message says so (423, not 500); reopening needs a reason
    with engine.connect() as conn:
        (cyc,) = cycle.years(conn, M)
    assert post(perf, perf_csrf, f"/cycle/{Y}/close", {"version": str(cyc["version"])}).status_code == 303
    locked = post(ed, ed_csrf, enter, {"period": f"{Y}-Q2", "actual": "40"})
    assert locked.status_code == 423 and "결산 확정되어 잠겼습니다" in locked.text
    assert post(perf, perf_csrf, f"/cycle/{Y}/reopen", {"reason": ""}).status_code == 422
    assert post(perf, perf_csrf, f"/cycle/{Y}/reopen", {"reason": "감사 지적 정정"}).status_code == 303


def test_unknown_records_are_404_pages(site):
    app, _, _ = site
    perf, csrf = login(app, "perf")
    for path in ("/cycle/indicators/999999", "/cycle/entries/999999", "/cycle/evidence/999999",
                 f"/cycle/{Y + 50}/plan/{quote(D)}",
                 "/cycle/entries/1"):  # an entry that is not the cycle's (an account was added)
        r = perf.get(path)
        assert r.status_code == 404 and "<html" in r.text, path
    r = perf.get(f"/cycle?year={Y + 50}")  # a year not opened: says so, offers to open it
    assert r.status_code == 200 and "아직 열리지 않았습니다" in r.text and f'value="{Y + 50}"' in r.text
    assert post(perf, csrf, "/cycle/results/999999/accept").status_code == 404
    assert perf.get("/cycle/indicators/99999999999999999999").status_code == 422


def test_a_department_new_this_year_starts_its_plan_from_the_year_page(site):
    """A department that was in no document last year (a new 과, a 읍·면·동) gets to its plan page:
    the performance team by the year page's form, its editor by its own row."""
    app, engine, _ = site
    perf, perf_csrf = login(app, "perf")
    with engine.connect() as conn:
        opened = any(y["year"] == Y for y in cycle.years(conn, M))
    if not opened:
        assert post(perf, perf_csrf, "/cycle/open", {"year": str(Y)}).status_code == 303
    page = perf.get(f"/cycle?year={Y}").text
    form = re.search(rf'<form class="pledge-form" method="get" action="/cycle/{Y}/plan">(.*?)</form>', page, re.S)
    assert form and '<label for="start-dept">' in form.group(1)
    r = perf.get(f"/cycle/{Y}/plan", params={"department": " 세무과 ", "municipality": M}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/cycle/{Y}/plan/{quote('세무과')}?municipality={quote(M)}"
    assert perf.get(r.headers["location"]).status_code == 200
    assert perf.get(f"/cycle/{Y}/plan", params={"department": ""}).status_code == 422
    # the editor of 세무과 (no indicator last year) sees their own department's row to start from
    other, _ = login(app, "other")
    own = main(other.get(f"/cycle?year={Y}").text)
    assert f'href="/cycle/{Y}/plan/{quote("세무과")}' in own and 'id="start-dept"' not in own
    assert other.get(f"/cycle/{Y}/plan/{quote('세무과')}").status_code == 200
    with TestClient(app) as anon:
        r = anon.get(f"/cycle/{Y}/plan?department=x", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
