"""주민참여예산 in Chromium under the real CSP: a resident registers with the one-time code (the
``show`` sender puts it on the page, as a trial would), proposes with the plain HTML form and
votes on the ballot; the public page prints 000's table by kind; an approved project's page
follows it to its settled budget line. axe at 1366 and 390 px on every page; screenshots go to
screenshots/ (git-ignored)."""

from __future__ import annotations

import pytest

from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations, participation, pipeline
from sijeong.operations import Actor
from sijeong.settings import Settings
from sijeong.store import db

from ..core.test_participation import SETTLEMENT_2024
from .conftest import ROOT
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
SHOTS = ROOT / "screenshots"
M = "김포시"
PERF = Actor(login="perf", role="performance", via="cli")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def pb_site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('pbb') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    accounts.add_account(engine, operations.cli_actor(), login="perf", role="performance", password=PASSWORD)
    call = participation.open_call(engine, PERF, municipality=M, year=2022, title="2022년 주민참여예산 주민제안 공모",
                                   envelope=5_000_000_000, schedule=[
                                       {"stage": "submitted", "starts_on": "2022-02-01", "ends_on": "2022-05-31"},
                                       {"stage": "vote", "starts_on": "2022-08-01", "ends_on": "2022-08-31"},
                                       {"stage": "committee", "starts_on": "2022-09-01", "ends_on": "2022-09-30"}])
    ids = {}
    for title, kind, dong, won in (("마을 안전 가로등 설치", "dong_unit", "사우동", 50_000_000),
                                   ("어린이 놀이터 그늘막", "dong_self_plan", "고촌읍", 20_000_000),
                                   ("시민 자전거 수리소", "city_policy", None, 30_000_000)):
        p = participation.propose(engine, PERF, call_id=call["id"], title=title, description=f"{title}이 필요합니다.",
                                  kind=kind, dong=dong, requested_amount=won)
        for stage in ("eligibility", "subcommittee", "refinement"):
            participation.decide(engine, PERF, proposal_id=p["id"], stage=stage, decision="pass", reason=f"{stage} 통과")
        ids[title] = p["id"]
    # the first went on to the committee and the 2024 budget, whose settlement is stored
    first = ids["마을 안전 가로등 설치"]
    participation.decide(engine, PERF, proposal_id=first, stage="vote", decision="pass", reason="득표 3위")
    participation.decide(engine, PERF, proposal_id=first, stage="committee", decision="pass", reason="원안 의결",
                         approved_amount=50_000_000)
    participation.link_budget(engine, PERF, proposal_id=first, year=2024, program="마을 안전 가로등 설치",
                              department="안전총괄과")
    doc = pipeline.load_text("2024_결산_안전총괄과.txt", SETTLEMENT_2024, municipality=M)
    with operations.write(engine, operations.cli_actor(), "document.ingest", municipality=M) as tx:
        tx.save_document(M, doc)
    ballot = participation.open_ballot(engine, PERF, call_id=call["id"], title="2022년 주민투표", choices=1)
    engine.dispose()
    from sijeong.web import create_app

    mp = pytest.MonkeyPatch()
    mp.setenv("SIJEONG_PB_SENDER", "show")
    try:
        with serve(create_app(Settings(db_url=url, municipality=M))) as base:
            yield base, ids, ballot["id"]
    finally:
        mp.undo()
        accounts.HASHER = saved


def _fits(pg, width):
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5


@pytest.mark.parametrize("width", [1366, 390])
def test_a_resident_registers_with_the_code_proposes_and_votes(browser, pb_site, width):
    base, ids, ballot_id = pb_site
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        assert pg.goto(f"{base}/participation").status == 200
        table = pg.locator("table", has_text="반영액").first.inner_text()
        assert "5,000,000천원" in pg.locator(".cards").inner_text()
        assert "50,000" in table and "시단위 정책사업" in table
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"participation-{width}.png"), full_page=True)

        pg.get_by_role("link", name="주민 등록·확인 (제안과 투표)").click()
        pg.wait_for_url("**/participation/register")
        axe_check(pg)
        pg.get_by_label("이름").fill("김주민")
        pg.get_by_label("휴대전화 번호 또는 전자우편").fill(f"010-5555-{width:04d}")
        pg.get_by_label("사는 읍면동 (선택)").fill("사우동")
        pg.get_by_role("button", name="확인 코드 받기").click()
        code = pg.locator("#shown-code").inner_text()
        assert len(code) == 6 and code.isdigit()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"participation-code-{width}.png"), full_page=True)
        pg.get_by_label("확인 코드 (숫자 6자리)").fill(code)
        pg.get_by_role("button", name="확인").click()
        pg.wait_for_url("**/participation")
        assert "김주민" in pg.locator(".panel").first.inner_text()

        pg.get_by_role("link", name="사업 제안하기").click()
        pg.wait_for_url("**/participation/propose")
        axe_check(pg)
        _fits(pg, width)
        pg.get_by_label("사업명").fill(f"골목 쉼터 의자 ({width})")
        pg.get_by_label("구분").select_option("dong_unit")
        pg.get_by_label("필요한 금액 (원)").fill("12,000,000")
        pg.get_by_label("제안 내용 (필요한 까닭, 위치, 기대 효과)").fill("버스 정류장 옆 골목에 쉴 곳이 없습니다.")
        pg.get_by_role("button", name="제안하기").click()
        pg.wait_for_url("**/participation/proposals/*")
        assert "내 제안" in pg.locator(".lead").inner_text()
        assert "사업분류 및 부서 적격 검토" in pg.locator(".lead").inner_text()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"participation-proposed-{width}.png"), full_page=True)

        pg.goto(f"{base}/participation/ballots/{ballot_id}")
        axe_check(pg)
        _fits(pg, width)
        pick = "어린이 놀이터 그늘막" if width == 1366 else "시민 자전거 수리소"
        pg.get_by_label(pick, exact=False).check()
        pg.get_by_role("button", name="투표하기").click()
        pg.wait_for_url("**/participation/ballots/*?voted=1*")
        assert "투표가 접수되었습니다" in pg.get_by_role("status").inner_text()
        assert pick in pg.locator("#result + .table-wrap table").inner_text()
        assert pg.get_by_role("button", name="투표하기").count() == 0  # once per ballot
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"participation-voted-{width}.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_public_follows_a_project_to_its_settlement(browser, pb_site, width):
    base, ids, _ = pb_site
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        assert pg.goto(f"{base}/participation/proposals/{ids['마을 안전 가로등 설치']}").status == 200
        path = pg.locator(".pb-path").inner_text()
        assert path.count("완료") == 4
        table = pg.locator("table", has_text="지출액").inner_text()
        assert "48,000" in table and "96%" in table  # 48,000 of 50,000천원 spent
        assert "원안 의결" in pg.locator("#stages + .table-wrap").inner_text()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"participation-settled-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_staff_forms_pass_axe(browser, pb_site, width):
    """The performance team decides the vote stage of a proposal with its reason, notes a site
    visit and enters an offline count; every form opened passes axe."""
    base, ids, ballot_id = pb_site
    pid = ids["어린이 놀이터 그늘막"] if width == 1366 else ids["시민 자전거 수리소"]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(f"{base}/login?next=/participation/ballots/{ballot_id}")
        pg.get_by_label("아이디").fill("perf")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url(f"**/participation/ballots/{ballot_id}")
        pg.get_by_text("오프라인 투표 집계 입력 (담당자)").click()
        form = pg.locator("form[action$='/offline']")
        form.get_by_label("사업").select_option(str(pid))
        form.get_by_label("투표소").fill(f"고촌읍 행정복지센터 {width}")
        form.get_by_label("표 수").fill("17")
        form.get_by_role("button", name="집계 저장").click()
        pg.wait_for_url(f"**/participation/ballots/{ballot_id}#result")
        row = pg.locator("#result + .table-wrap tr", has=pg.locator(f"a[href='/participation/proposals/{pid}']"))
        assert "17" in row.inner_text()
        pg.get_by_text("오프라인 투표 집계 입력 (담당자)").click()
        axe_check(pg)
        _fits(pg, width)

        pg.goto(f"{base}/participation/proposals/{pid}")
        pg.get_by_text("현장실사 기록 (담당자)").click()
        note = pg.locator("form[action$='/site-notes']")
        note.get_by_label("실사일").fill("2022-07-15")
        note.get_by_label("내용").fill("그늘막 설치 예정지 확인: 놀이터 동쪽 12m²")
        note.get_by_role("button", name="기록 저장").click()
        pg.wait_for_url(f"**/participation/proposals/{pid}#site")
        assert "그늘막 설치 예정지 확인" in pg.locator("#site + ul").inner_text()
        decide = pg.locator("form[action$='/decisions']")
        decide.get_by_label("통과").check()
        decide.get_by_label("사유 (제안자와 시민에게 공개)").fill("득표 17표")
        decide.get_by_role("button", name="결정 저장").click()
        pg.wait_for_url(f"**/participation/proposals/{pid}#stages")
        assert "참여예산위원회 심의" in pg.locator(".lead").inner_text()
        assert "득표 17표" in pg.locator("#stages + .table-wrap").inner_text()
        pg.get_by_text("현장실사 기록 (담당자)").click()
        axe_check(pg)
        _fits(pg, width)
        pg.screenshot(path=str(SHOTS / f"participation-staff-{width}.png"), full_page=True)

        pg.goto(f"{base}/participation")
        pg.get_by_text("공모 열기 (담당자)").click()
        pg.get_by_text("주민투표 열기 (담당자)").click()
        axe_check(pg)
        _fits(pg, width)
    finally:
        context.close()
