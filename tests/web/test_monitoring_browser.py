"""종합 모니터링 in Chromium under the real CSP: the public page (goals with trend, pledges, the
published evaluation), a drill-down from an indicator and from a pledge to their record pages,
and the performance team's view (시군종합평가, the unpublished scheme marked 비공개); axe at
1366 and 390 px, no horizontal scroll of the page; screenshots go to screenshots/."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts

from .conftest import ROOT
from .test_browser import axe_check
from .test_concurrency import serve
from .test_monitoring import PASSWORD, build_site, create_app_for

pytestmark = pytest.mark.browser
SHOTS = ROOT / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('monitorb') / 'b.db'}"
    made = build_site(url)
    try:
        with serve(create_app_for(url)) as base:
            yield base, made
    finally:
        accounts.HASHER = saved


def _fits(pg, width: int) -> None:
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5


@pytest.mark.parametrize("width", [1366, 390])
def test_the_public_page_drills_down_to_an_indicator_and_a_pledge(browser, site, width):
    base, made = site
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        assert pg.goto(f"{base}/dashboard").status == 200
        if width < 640:
            pg.locator("details.nav-phone summary").click()
            pg.locator("details.nav-phone").get_by_role("link", name="종합 모니터링").click()
        else:
            pg.locator("nav.nav-wide").get_by_role("link", name="종합 모니터링").click()
        pg.wait_for_url("**/monitoring**")
        assert pg.get_by_role("heading", level=1).inner_text().endswith("종합 모니터링")
        pg.goto(f"{base}/monitoring?year=2020")
        assert pg.get_by_role("heading", name="전략목표: 데이터로 여는 미래 행정").count() == 1
        assert "72.7%" in pg.locator(".cards").inner_text()
        assert "시범 평가" not in pg.content() and "내부 메모" not in pg.content()
        assert "로그인한 담당자에게만" in pg.locator("#h-joint + p").inner_text()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"monitoring-{width}.png"), full_page=True)

        # an indicator: this year's row, then last year's from its trend
        table = pg.get_by_role("region", name="데이터로 여는 미래 행정: 정책사업목표와 성과지표 (가로로 스크롤)")
        table.get_by_role("link", name="도 소통평가 순위", exact=True).click()
        pg.wait_for_url("**/indicators/*")
        assert pg.get_by_role("heading", level=1).inner_text() == "도 소통평가 순위 2020년"
        pg.go_back()
        table.get_by_role("link", name="2019년 120%").click()
        assert pg.get_by_role("heading", level=1).inner_text() == "도 소통평가 순위 2019년"

        # a pledge, most behind first
        pg.goto(f"{base}/monitoring?year=2020#h-pledges")
        first = pg.get_by_role("region", name="공약별 상태 (가로로 스크롤)").get_by_role("link").first
        assert first.inner_text().endswith("시민 소통 광장")  # 보류
        first.click()
        pg.wait_for_url(f"**/pledges/{made['pledges']['시민 소통 광장']}")
        assert "시민 소통 광장" in pg.get_by_role("heading", level=1).inner_text()

        # the published evaluation
        pg.goto(f"{base}/monitoring?year=2020#h-eval")
        pg.get_by_role("link", name="2020년 부서 자체평가").click()
        pg.wait_for_url(f"**/evaluation/{made['schemes']['2020년 부서 자체평가']}")
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_performance_team_sees_the_joint_evaluation_and_the_unpublished_scheme(browser, site, width):
    base, made = site
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(f"{base}/login?next=/monitoring?year=2020")
        pg.get_by_label("아이디").fill("perf")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url("**/monitoring?year=2020")
        joint = pg.get_by_role("region", name="시군종합평가 지표, 부진 지표부터 (가로로 스크롤)")
        first = joint.locator("tbody tr").first
        assert "도 소통평가 순위" in first.inner_text() and "부진" in first.inner_text()
        assert "비공개" in pg.content() and "2020년 시범 평가" in pg.content()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"monitoring-performance-{width}.png"), full_page=True)
        first.get_by_role("link", name="도 소통평가 순위").click()
        pg.wait_for_url("**/indicators/*")
        pg.go_back()
        pg.get_by_role("link", name="2020년 시군종합평가").click()
        pg.wait_for_url(f"**/joint/{made['joint']}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_monthly_task_reported_on_the_joint_page_shows_as_behind(browser, site, width):
    base, made = site
    month = "2020-03" if width == 1366 else "2020-04"
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(f"{base}/login?next=/joint/{made['joint']}")
        pg.get_by_label("아이디").fill("perf")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url(f"**/joint/{made['joint']}")
        form = pg.locator(f"form[action='/joint/{made['joint']}/tasks']")
        form.get_by_label("지표").select_option("1")
        form.get_by_label("월", exact=True).fill(month)
        form.get_by_label("이행과제").fill("보도자료 배포 확대")
        form.get_by_label("상태").select_option("delayed")
        form.get_by_label("증빙 (선택)").fill("홍보과-12")
        form.get_by_role("button", name="이행과제 저장").click()
        pg.wait_for_url(f"**/joint/{made['joint']}?month={month}&task=1#tasks")
        assert "이행과제를 저장했습니다" in pg.get_by_role("status").inner_text()
        region = pg.get_by_role("region", name="지표별 월별 이행과제 (가로로 스크롤)")
        first = region.locator("tbody tr").first
        assert "보도자료 기사화율" in first.inner_text() and "부진" in first.inner_text()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"joint-tasks-{width}.png"), full_page=True)
        pg.goto(f"{base}/monitoring?year=2020#h-joint")
        joint = pg.get_by_role("region", name="시군종합평가 지표, 부진 지표부터 (가로로 스크롤)")
        assert f"{month} 부진" in joint.inner_text()
    finally:
        context.close()
