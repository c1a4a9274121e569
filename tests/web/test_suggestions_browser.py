"""제안제도 and 협업 in Chromium under the real CSP: a staff member submits a suggestion with
the plain HTML form and sees the likely duplicate; the performance team walks it through
실무심의 → 심사위원회 (창안 등급, 포상, 부상금) → 채택 → 실시; the statistics follow. A colleague
sends a thank-you message with points and sees the balance drop and the feed and 이달의
협업왕 change. axe at 1366 and 390 px; screenshots go to screenshots/ (git-ignored)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations
from sijeong import suggestions as ops
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
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('suggestb') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    admin = operations.cli_actor()
    for login, role, dept in [("kim", "editor", "자치행정과"), ("lee", "viewer", "교통정책과"),
                              ("park", "approver", "기획담당관"), ("perf", "performance", "미래전략담당관")]:
        accounts.add_account(engine, admin, login=login, role=role, department=dept, password=PASSWORD)
    perf = operations.Actor(login="perf", role="performance", department="미래전략담당관", via="cli")
    ops.receive(engine, perf, municipality=M, title="공영주차장 야간 무료 개방",
                body="공영주차장을 야간에 무료로 개방해 주택가 주차난을 줄이자", proposer_name="홍길동",
                proposer_contact="010-1234-5678", department="교통정책과")
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url, municipality=M))) as base:
            yield base
    finally:
        accounts.HASHER = saved


def login(pg, base: str, who: str, next_path: str) -> None:
    pg.goto(f"{base}/login?next={next_path}")
    pg.get_by_label("아이디").fill(who)
    pg.get_by_label("비밀번호").fill(PASSWORD)
    pg.get_by_role("button", name="로그인").click()
    pg.wait_for_url(f"**{next_path}")


def check_page(pg, width: int, shot: str | None = None) -> None:
    axe_check(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
    if shot:
        pg.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_suggestions_review_from_submission_to_implementation(browser, site, width):
    base = site
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        login(pg, base, "kim", "/suggestions/new")
        check_page(pg, width, "suggestion-form")
        pg.get_by_label("제목").fill(f"야간 공영주차장 무료 개방 확대 ({width})")
        pg.get_by_label("내용").fill("주차난 해소를 위해 공영주차장을 밤에 무료로 개방합시다")
        pg.get_by_role("button", name="제안 저장").click()
        pg.wait_for_url("**/suggestions/*?new=1")
        assert "제안을 접수했습니다" in pg.get_by_role("status").inner_text()
        assert "공영주차장 야간 무료 개방" in pg.locator("#duplicates + ul").inner_text()
        assert pg.get_by_role("heading", name="실무심의 기록").count() == 0  # the editor does not review
        check_page(pg, width, "suggestion-new")
        sid = pg.url.split("/suggestions/")[1].split("?")[0]
        context.clear_cookies()

        login(pg, base, "perf", f"/suggestions/{sid}")
        for heading, fill, button in [
            ("실무심의 기록", {"소관부서": "교통정책과", "사유": "실무심의회 상정"}, "실무심의 저장"),
            ("심사위원회 기록", {"포상 (채택)": "시장 표창", "부상금 (원, 채택)": "300000", "사유": "주차난 해소 효과"},
             "심사위원회 저장"),
            ("실시 기록", {"사유": "2026년 하반기 시행"}, "실시 저장"),
        ]:
            assert pg.get_by_role("heading", name=heading).count() == 1
            form = pg.locator("#review + form")
            if heading == "심사위원회 기록":
                form.get_by_label("결정", exact=True).select_option("adopt")
                form.get_by_label("창안 등급 (채택)").select_option("동상")
            for label, value in fill.items():
                form.get_by_label(label, exact=True).fill(value)
            if heading == "심사위원회 기록":
                check_page(pg, width, "suggestion-committee")
            form.get_by_role("button", name=button).click()
            pg.wait_for_url(f"**/suggestions/{sid}#steps")
        steps = pg.locator("#steps + .table-wrap table").inner_text()
        for word in ("접수", "실무심의", "심사위원회", "채택", "동상", "300,000원", "실시", "2026년 하반기 시행"):
            assert word in steps, word
        assert "실시" in pg.locator(".lead").inner_text()
        check_page(pg, width, "suggestion-implemented")

        pg.goto(f"{base}/suggestions/statistics")
        table = pg.locator("table").first.inner_text()
        assert "교통정책과" in table
        check_page(pg, width, "suggestion-statistics")
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_thank_you_message_with_points(browser, site, width):
    base = site
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sender = "lee" if width == 1366 else "park"
    try:
        login(pg, base, sender, "/collaboration")
        before = int(pg.locator("#remaining").inner_text().rstrip("P").replace(",", ""))
        check_page(pg, width, "collaboration")
        form = pg.locator("#send + form")
        form.get_by_label("받는 사람").select_option("kim")
        form.get_by_label("감사 메시지").fill("자료를 빨리 챙겨 주셔서 고맙습니다")
        form.get_by_role("button", name="10P와 함께 보내기").click()
        pg.wait_for_url("**/collaboration?sent=1#feed")
        assert int(pg.locator("#remaining").inner_text().rstrip("P").replace(",", "")) == before - 10
        assert "자료를 빨리 챙겨 주셔서 고맙습니다" in pg.locator("#feed + ul").inner_text()
        assert "kim" in pg.locator("#top + ol").inner_text()
        check_page(pg, width, "collaboration-sent")
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
