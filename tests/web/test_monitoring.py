"""종합 모니터링 (/monitoring, /monitoring.json): the goal tree with achievement and trend over the
stored years (hand-counted from the fixtures), the pledges, the 시군종합평가 indicators behind
plan first, the department evaluation with ranks and earlier ranks — and who sees what:
unpublished evaluation scores are invisible to the public, to departments and to viewers;
the 시군종합평가 only to the signed-in."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, evaluation as ev, operations
from sijeong.settings import Settings
from sijeong.store import db

from .conftest import FIXTURES, load_into

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
PERF = operations.Actor("perf", "performance", via="cli")
M = "김포시"
#: the fixtures the hand counts below are made from
DOCS = ("consistent_report.txt", "performance_report.txt", "consistent_plan.txt")


def build_site(url: str) -> dict:
    """The fixtures' documents, accounts, four pledges, three evaluation schemes (2019 public,
    2020 public, 2020 unpublished) and a 2020 시군종합평가 with three indicators."""
    load_into(url, [FIXTURES / n for n in DOCS])
    engine = db.create_engine_for(url)
    for login, role, dept in (("perf", "performance", None), ("d_editor", "editor", "미래가치담당관"),
                              ("viewer", "viewer", None)):
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD,
                             municipality=M)
    ids = {}
    for title, field, dept, status, year in (
            ("스마트 도시 구축", "행정", "미래가치담당관", "completed", None),
            ("시민 소통 광장", "소통", "열린소통담당관", "on_hold", None),
            ("햇살 정책 마당", "행정", "햇살정책담당관", "on_track", None),
            ("달빛 민원 창구", "소통", "달빛소통담당관", "due", 2025)):
        ids[title] = operations.add_pledge(engine, PERF, municipality=M, title=title, field=field,
                                           lead_department=dept, status=status, target_year=year,
                                           note="내부 메모: 예산 협의 중")["id"]
    groups = [{"name": "1그룹", "departments": ["미래가치담당관", "열린소통담당관", "햇살정책담당관"]}]
    comps = [{"key": "performance", "label": "정량평가", "weight": 60},
             {"key": "qualitative", "label": "정성평가", "weight": 40}]
    schemes = {}
    for year, name, scores in (
            (2019, "2019년 부서 자체평가", {"미래가치담당관": (80, 70), "열린소통담당관": (90, 90), "햇살정책담당관": (70, 60)}),
            (2020, "2020년 부서 자체평가", {"미래가치담당관": (95, 90), "열린소통담당관": (85, 80), "햇살정책담당관": (60, 50)}),
            (2020, "2020년 시범 평가", {"미래가치담당관": (11, 11), "열린소통담당관": (22, 22), "햇살정책담당관": (33, 33)})):
        sid = ev.configure(engine, PERF, municipality=M, year=year, name=name, groups=groups, components=comps,
                           trim="none")
        for d, (a, b) in scores.items():
            ev.score(engine, PERF, scheme_id=sid, component="performance", department=d, value=a)
            ev.score(engine, PERF, scheme_id=sid, component="qualitative", department=d, value=b)
        schemes[name] = sid
    for name in ("2019년 부서 자체평가", "2020년 부서 자체평가"):
        ev.publish(engine, PERF, scheme_id=schemes[name], publication="public", version=1)
    jid = ev.configure_joint(engine, PERF, municipality=M, year=2020, name="2020년 시군종합평가", city="김포",
                             goal="2그룹 1위", groups=[{"name": "2그룹", "cities": ["김포", "파주", "시흥"]}],
                             indicators=[{"number": "1", "name": "보도자료 기사화율", "department": "열린소통담당관"},
                                         {"number": "2", "name": "도 소통평가 순위", "department": "미래가치담당관"},
                                         {"number": "3", "name": "지방세 체납액 정리", "department": "세정과"}])
    for city, cur, prev in (("김포", 88, 80), ("파주", 86, 85), ("시흥", 90, 75)):
        ev.enter_joint(engine, PERF, evaluation_id=jid, city=city, current_score=cur, previous_score=prev, version=1)
    engine.dispose()
    return {"pledges": ids, "schemes": schemes, "joint": jid}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('monitor') / 'm.db'}"
    made = build_site(url)
    yield create_app_for(url), made
    accounts.HASHER = saved


def create_app_for(url: str):
    from sijeong.web import create_app

    return create_app(Settings(db_url=url, municipality=M))


def login(app, who: str) -> TestClient:
    c = TestClient(app)
    r = c.post("/api/v1/auth/login", json={"login": who, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c


def _indicators(data: dict) -> list[dict]:
    return [i for s in data["goals"]["strategic_goals"] for p in s["policy_goals"] for i in p["indicators"]]


def test_the_goal_tree_counts_achievement_and_trend_by_hand(site):
    app, _ = site
    with TestClient(app) as c:
        data = c.get("/monitoring.json?year=2020").json()
    g = data["goals"]
    # 2020, graded: ◎ 데이터 활용·영상 조회수·정책 제안 채택 (3); ○ 민원 처리 만족도·보도자료 기사화율·시정
    # 인지도 등급·시민 만족도·민원 처리 기간 단축 (5); × 도 소통평가 순위·토론회 참여 인원·평가 순위 (3)
    assert g["achievement"] == {"graded": 11, "met": 8, "exceeded": 3, "achieved": 5, "missed": 3, "rate": 72.7}
    # 2019: only 민원 처리 만족도 (98%) missed: 10 of 11
    assert g["trend"] == [{"year": 2019, "graded": 11, "met": 10, "rate": 90.9},
                          {"year": 2020, "graded": 11, "met": 8, "rate": 72.7}]
    assert [v["vision"] for v in g["visions"]] == ["시민과 함께 여는 미래 가치 도시"]
    by_name = {s["name"]: s for s in g["strategic_goals"]}
    # a policy goal printed under two strategic goals keeps them together
    sun = by_name["살기 좋은 햇살도시 만들기 · 시민이 행복한 정책 발굴"]
    assert [p["name"] for p in sun["policy_goals"]] == ["햇살 정책 역량 강화", "햇살 재정 건전화"]
    assert sun["achievement"]["rate"] == 66.7  # ◎ ○ ×
    assert sun["trend"][0] == {"year": 2019, "graded": 3, "met": 3, "rate": 100.0}
    data_goal = by_name["데이터로 여는 미래 행정"]
    soc = next(p for p in data_goal["policy_goals"] if p["name"] == "시민 소통 강화")
    assert soc["achievement"]["rate"] == 0.0 and soc["trend"][0]["rate"] == 100.0
    rank = next(i for i in soc["indicators"] if i["name"] == "도 소통평가 순위")
    assert [(h["year"], h["rate"], h["grade"]) for h in rank["history"]] == [(2019, 120.0, "○"), (2020, 66.0, "×")]
    assert rank["direction"] == "down"
    # every indicator is of the year asked for, and its history holds itself
    assert all(i["id"] in [h["id"] for h in i["history"] if h["year"] == 2020] for i in _indicators(data))
    with TestClient(app) as c:
        earlier = c.get("/monitoring.json?year=2019").json()
    rank19 = next(i for i in _indicators(earlier) if i["name"] == "도 소통평가 순위")
    assert rank19["rate"] == 120.0 and rank19["direction"] is None  # no earlier year to compare with


def test_the_page_links_every_row_to_its_record(site):
    app, made = site
    with TestClient(app) as c:
        data = c.get("/monitoring.json?year=2020").json()
        html = c.get("/monitoring?year=2020").text
    assert "<script" not in html
    for i in _indicators(data):
        assert f'href="/indicators/{i["id"]}"' in html
        for h in i["history"]:
            assert f'href="/indicators/{h["id"]}"' in html or h["id"] == i["id"]
    for pid in made["pledges"].values():
        assert f'href="/pledges/{pid}"' in html
    sid = made["schemes"]["2020년 부서 자체평가"]
    assert f'href="/evaluation/{sid}"' in html and f'href="/evaluation/{sid}/results.xlsx"' in html
    assert re.search(r'href="/documents/consistent_report\.txt\?lines=\d+#L\d+"', html)  # the evidence: the line
    assert 'href="/monitoring' in html and "종합 모니터링" in html  # in the nav


def test_pledges_most_behind_first_without_internal_notes(site):
    app, _ = site
    with TestClient(app) as c:
        p = c.get("/monitoring.json?year=2020").json()["pledges"]
        html = c.get("/monitoring?year=2020").text
    assert p["total"] == 4 and p["completion_rate"] == 25.0
    assert [x["status"] for x in p["pledges"]] == ["on_hold", "on_track", "due", "completed"]
    assert p["pledges"][2]["status_label"] == "완료예정 (2025년)"
    fields = {f["field"]: (f["total"], f["completion_rate"]) for f in p["by_field"]}
    assert fields == {"행정": (2, 50.0), "소통": (2, 0.0)}
    assert "내부 메모" not in html and "note" not in p["pledges"][0]


def test_public_sees_published_evaluations_with_rank_and_earlier_rank(site):
    app, made = site
    with TestClient(app) as c:
        e = c.get("/monitoring.json?year=2020").json()["evaluation"]
        html = c.get("/monitoring?year=2020").text
    assert [s["scheme"]["name"] for s in e["schemes"]] == ["2020년 부서 자체평가"]
    rows = {d["department"]: d for d in e["schemes"][0]["groups"][0]["departments"]}
    # 95/100×60 + 90/100×40 = 93; 85×0.6 + 80×0.4 = 83; 60×0.6 + 50×0.4 = 56
    assert {d: (r["total"], r["rank"]) for d, r in rows.items()} == {
        "미래가치담당관": (93.0, 1), "열린소통담당관": (83.0, 2), "햇살정책담당관": (56.0, 3)}
    # 2019: 80×0.6+70×0.4 = 76 (2nd), 90 (1st), 70×0.6+60×0.4 = 66 (3rd)
    assert [(h["year"], h["rank"]) for h in rows["미래가치담당관"]["history"]] == [(2019, 2)]
    assert rows["미래가치담당관"]["direction"] == "up" and rows["열린소통담당관"]["direction"] == "down"
    assert rows["햇살정책담당관"]["direction"] == "same"
    # the unpublished scheme: not its name, not its scores
    assert "시범 평가" not in html and "시범 평가" not in str(e)
    assert str(made["schemes"]["2020년 시범 평가"]) not in [str(s["scheme"]["id"]) for s in e["schemes"]]


@pytest.mark.parametrize("who", ["d_editor", "viewer"])
def test_unpublished_scores_are_invisible_to_departments_and_viewers(site, who):
    app, made = site
    c = login(app, who)
    e = c.get("/monitoring.json?year=2020").json()["evaluation"]
    assert [s["scheme"]["name"] for s in e["schemes"]] == ["2020년 부서 자체평가"]
    totals = [d["total"] for s in e["schemes"] for g in s["groups"] for d in g["departments"]]
    assert 11.0 not in totals and 22.0 not in totals and 33.0 not in totals
    html = c.get("/monitoring?year=2020").text
    assert "시범 평가" not in html
    assert f'href="/evaluation/{made["schemes"]["2020년 시범 평가"]}"' not in html


def test_the_performance_team_sees_the_unpublished_scheme_marked_as_such(site):
    app, made = site
    c = login(app, "perf")
    e = c.get("/monitoring.json?year=2020").json()["evaluation"]
    trial = next(s for s in e["schemes"] if s["scheme"]["name"] == "2020년 시범 평가")
    assert trial["scheme"]["publication"] == "none"
    assert {d["department"]: d["total"] for d in trial["groups"][0]["departments"]} == {
        "햇살정책담당관": 33.0, "열린소통담당관": 22.0, "미래가치담당관": 11.0}
    assert "비공개" in c.get("/monitoring?year=2020").text


def test_the_joint_evaluation_only_for_the_signed_in_behind_plan_first(site):
    app, made = site
    with TestClient(app) as anon:
        j = anon.get("/monitoring.json?year=2020").json()["joint"]
        html = anon.get("/monitoring?year=2020").text
    assert j == {"visible": False}
    assert "2그룹 1위" not in html and "기사화율" not in html.split('id="h-joint"', 1)[1]
    c = login(app, "viewer")
    j = c.get("/monitoring.json?year=2020").json()["joint"]
    assert j["evaluation"]["name"] == "2020년 시군종합평가"
    # 88×0.7+80×0.3 = 85.6; 파주 86×0.7+85×0.3 = 85.7; 시흥 90×0.7+75×0.3 = 85.5 → 김포 2nd
    assert (j["projection"]["score"], j["projection"]["rank"]) == (85.6, 2)
    assert [(i["name"], i["status"]) for i in j["indicators"]] == [
        ("도 소통평가 순위", "behind"), ("지방세 체납액 정리", "unknown"), ("보도자료 기사화율", "on_track")]
    assert j["behind"] == 1
    behind = j["indicators"][0]["indicator"]
    assert behind["rate"] == 66.0 and behind["grade"] == "×"
    html = c.get("/monitoring?year=2020").text
    assert f'href="/joint/{made["joint"]}"' in html and f'href="/indicators/{behind["id"]}"' in html


def test_a_year_without_data_and_bad_years(site):
    app, _ = site
    with TestClient(app) as c:
        r = c.get("/monitoring.json?year=1999")
        assert r.status_code == 200
        assert r.json()["goals"]["achievement"]["graded"] == 0 and r.json()["goals"]["strategic_goals"] == []
        assert c.get("/monitoring?year=1999").status_code == 200
        assert c.get("/monitoring?year=20x0").status_code == 422
        latest = c.get("/monitoring.json").json()
        assert latest["year"] == 2020


def _sheet(body: bytes, name: str) -> list[list]:
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(body))[name]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=3)]


def test_the_evaluation_result_table_as_xlsx_as_the_reader_may_see_it(site):
    app, made = site
    sid = made["schemes"]["2020년 부서 자체평가"]
    with TestClient(app) as c:
        r = c.get(f"/evaluation/{sid}/results.xlsx")
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert f'href="/evaluation/{sid}/results.xlsx"' in c.get(f"/evaluation/{sid}").text
        hidden = c.get(f"/evaluation/{made['schemes']['2020년 시범 평가']}/results.xlsx")
        assert hidden.status_code == 404 and b"PK" not in hidden.content[:2]
    rows = _sheet(r.content, "평가 결과")
    assert rows[0] == ["그룹", "순위", "그룹 부서 수", "부서", "정량평가", "정성평가", "총점"]
    # 95/100×60 = 57, 90/100×40 = 36 → 93; 85×0.6 = 51, 80×0.4 = 32 → 83; 36 + 20 = 56
    assert rows[1:] == [["1그룹", 1, 3, "미래가치담당관", 57.0, 36.0, 93.0],
                        ["1그룹", 2, 3, "열린소통담당관", 51.0, 32.0, 83.0],
                        ["1그룹", 3, 3, "햇살정책담당관", 36.0, 20.0, 56.0]]
    assert _sheet(r.content, "배점")[1:] == [["정량평가", "평가 점수", 60.0, 100.0], ["정성평가", "평가 점수", 40.0, 100.0]]
    editor = login(app, "d_editor")
    assert editor.get(f"/evaluation/{made['schemes']['2020년 시범 평가']}/results.xlsx").status_code == 404
    perf = login(app, "perf")
    trial = _sheet(perf.get(f"/evaluation/{made['schemes']['2020년 시범 평가']}/results.xlsx").content, "평가 결과")
    assert [(x[3], x[6]) for x in trial[1:]] == [("햇살정책담당관", 33.0), ("열린소통담당관", 22.0), ("미래가치담당관", 11.0)]


def test_the_pledge_table_as_xlsx_from_the_monitoring_link(site):
    app, _ = site
    with TestClient(app) as c:
        html = c.get("/monitoring?year=2020").text
        href = re.search(r'href="(/pledges\.xlsx\?municipality=[^"]+)"', html).group(1)
        body = c.get(href.replace("&amp;", "&")).content
    rows = _sheet(body, "공약")
    assert rows[0][:4] == ["번호", "분야", "공약명", "유형"]
    assert {(x[0], x[2], x[9]) for x in rows[1:]} == {
        (1, "스마트 도시 구축", "이행완료"), (2, "시민 소통 광장", "보류"), (3, "햇살 정책 마당", "정상추진"),
        (4, "달빛 민원 창구", "완료예정 (2025년)")}
    assert not any("내부 메모" in str(v) for x in rows for v in x)
    counts = {x[0]: (x[1], x[2]) for x in _sheet(body, "현황")[1:]}
    assert counts["이행완료"] == (1, 25.0) and counts["합계"] == (4, 100.0)


def test_the_same_answers_on_postgresql(site):
    from ..conftest import fresh_pg_database

    app, _ = site
    with fresh_pg_database() as pg_url:
        build_site(pg_url)
        pg_app = create_app_for(pg_url)
        try:
            for who in (None, "viewer", "perf"):
                lite = login(app, who) if who else TestClient(app)
                pg = login(pg_app, who) if who else TestClient(pg_app)
                for year in (2019, 2020):
                    a = lite.get(f"/monitoring.json?year={year}").json()
                    b = pg.get(f"/monitoring.json?year={year}").json()
                    # ids are the databases' own; everything else is the same
                    assert _without_ids(a) == _without_ids(b), (who, year)
        finally:
            pg_app.state.engine.dispose()


def _without_ids(obj):
    if isinstance(obj, dict):
        return {k: _without_ids(v) for k, v in obj.items() if k not in ("id", "scheme_id", "version")}
    if isinstance(obj, list):
        return [_without_ids(v) for v in obj]
    return obj
