"""A pledge's half-year update in Chromium under the real CSP: a department editor logs in,
opens the pledge of their department, reports the half-year with the plain HTML form; the
public page then shows the new status and completion rate. axe at 1366 and 390 px on the
public page, the record page with its form and the page after saving; screenshots go to
screenshots/ (git-ignored)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations
from sijeong.operations import Actor
from sijeong.settings import Settings
from sijeong.store import db

from .conftest import ROOT
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
SHOTS = ROOT / "screenshots"
M = "김포시"


@pytest.fixture(scope="module")
def pledge_site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('pledgeb') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    admin = operations.cli_actor()
    accounts.add_account(engine, admin, login="kim", role="editor", department="자치행정과", password=PASSWORD)
    accounts.add_account(engine, admin, login="perf", role="performance", password=PASSWORD)
    perf = Actor(login="perf", role="performance", via="cli")
    ids = {}
    for i, (title, field, dept, status, year) in enumerate([
        ("주민자치회 전면 시행", "자치·행정", "자치행정과", "on_track", None),
        ("도시철도 연장 추진", "교통", "교통정책과", "due", 2025),
        ("공공 도서관 확충", "문화·관광", "도서관과", "completed", None),
        ("청년 일자리 1만 개", "경제·일자리", "일자리경제과", "partial", None),
    ], start=1):
        row = operations.add_pledge(engine, perf, municipality=M, title=title, field=field, lead_department=dept,
                                    status=status, target_year=year,
                                    type="city_leading" if i <= 2 else "department", note="내부 메모: 예산 협의 중")
        ids[title] = row["id"]
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url, municipality=M))) as base:
            yield base, ids
    finally:
        accounts.HASHER = saved


@pytest.mark.parametrize("width", [1366, 390])
def test_department_editor_reports_a_half_year_and_the_public_page_follows(browser, pledge_site, width):
    base, ids = pledge_site
    SHOTS.mkdir(exist_ok=True)
    pid = ids["주민자치회 전면 시행"]
    period = "2025-H1" if width == 1366 else "2025-H2"
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        assert pg.goto(f"{base}/pledges?municipality={M}").status == 200
        assert pg.locator("html").get_attribute("lang") == "ko"
        assert "내부 메모" not in pg.content()
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"pledges-{width}.png"), full_page=True)

        # log in as the department's editor, coming back to the pledge
        pg.goto(f"{base}/login?next=/pledges/{pid}")
        pg.get_by_label("아이디").fill("kim")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url(f"**/pledges/{pid}")
        assert pg.get_by_role("heading", name="반기 추진실적 보고").count() == 1
        assert pg.get_by_role("link", name="공약 수정").count() == 0  # the registry is the performance team's
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5

        form = pg.locator("#report-form + form")
        form.get_by_label("반기", exact=True).fill(period)
        form.get_by_label("그때 상태", exact=True).select_option("completed")
        form.get_by_label("추진실적", exact=True).fill("주민자치회 전 동 시행 완료 (30개 동)")
        form.get_by_label("증빙 (선택)", exact=True).fill("자치행정과-1234")
        form.get_by_role("button", name="보고 저장").click()
        pg.wait_for_url(f"**/pledges/{pid}#reports")
        table = pg.locator("#reports + .table-wrap table")
        assert "주민자치회 전 동 시행 완료" in table.inner_text()
        assert "자치행정과-1234" in table.inner_text()  # the evidence, for the signed-in
        assert "이행완료" in pg.locator(".lead").inner_text()
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"pledge-report-{width}.png"), full_page=True)

        # another department's pledge: no report form for this editor
        pg.goto(f"{base}/pledges/{ids['도시철도 연장 추진']}")
        assert pg.get_by_role("heading", name="반기 추진실적 보고").count() == 0

        # the public sees the new status, not the evidence nor the note
        public = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
        try:
            pp = public.new_page()
            pp.goto(f"{base}/pledges/{pid}")
            text = pp.content()
            assert "주민자치회 전 동 시행 완료" in text and "자치행정과-1234" not in text and "내부 메모" not in text
            pp.goto(f"{base}/pledges?municipality={M}")
            assert "50.0%" in pp.locator(".cards").inner_text()  # 2 of 4 이행완료
            axe_check(pp)
        finally:
            public.close()
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_performance_team_forms_pass_axe(browser, pledge_site, width):
    base, ids = pledge_site
    pid = ids["도시철도 연장 추진"]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(f"{base}/login?next=/pledges/{pid}")
        pg.get_by_label("아이디").fill("perf")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url(f"**/pledges/{pid}")
        # record a panel's assessment with the form (opened from its <details>)
        pg.get_by_text("시민평가단 평가 기록").click()
        form = pg.locator("form[action$='/assessments']")
        form.get_by_label("평가일").fill("2025-06-30")
        form.get_by_label("등급 (선택)").fill("우수")
        form.get_by_role("button", name="평가 저장").click()
        pg.wait_for_url(f"**/pledges/{pid}#assessments")
        for summary in ("이정표 추가", "시민평가단 평가 기록"):
            pg.get_by_text(summary).click()
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"pledge-performance-{width}.png"), full_page=True)
        pg.get_by_role("link", name="공약 수정").click()
        pg.wait_for_url(f"**/pledges/{pid}?edit=1")
        assert pg.get_by_label("공약명").input_value() == "도시철도 연장 추진"
        pg.get_by_label("완료 목표연도").fill("")
        pg.get_by_role("button", name="저장").click()
        assert "목표연도" in pg.get_by_role("alert").inner_text()  # 완료예정 needs its year: 422 on the form
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"pledge-form-{width}.png"), full_page=True)
        pg.goto(f"{base}/pledges/new?municipality={M}")
        axe_check(pg)
    finally:
        context.close()
