"""The 가점 form of the results page in Chromium under the real CSP (no script): the
performance team chooses the 협업 bonus component and 협업포인트 as the source, writes it with the
plain POST form and sees the bonus in the table; axe at 1366 and 390 px; screenshots go to
screenshots/ (git-ignored)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles

from sijeong import accounts, collaboration, evaluation as ev, operations
from sijeong.model.collaboration import PointRules
from sijeong.settings import Settings
from sijeong.store import db

from .conftest import ROOT
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
SHOTS = ROOT / "screenshots"
M, Y = "김포시", 2025


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('evbonusb') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, role, dept in (("perf", "performance", None), ("a1", "editor", "기획담당관"),
                              ("b1", "editor", "감사담당관")):
        accounts.add_account(engine, operations.cli_actor(), login=login, role=role, department=dept,
                             password=PASSWORD, municipality=M)
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT login, id FROM accounts")).all())
    at = dt.datetime(Y, 6, 1, 3, tzinfo=dt.timezone.utc)
    rules = PointRules()
    a1 = operations.Actor("a1", "editor", "기획담당관", via="web", account_id=ids["a1"])
    b1 = operations.Actor("b1", "editor", "감사담당관", via="web", account_id=ids["b1"])
    collaboration.send_thanks(engine, a1, rules, municipality=M, recipient="b1", message="감사합니다", at=at)
    collaboration.send_thanks(engine, b1, rules, municipality=M, recipient="a1", message="감사합니다", at=at)
    collaboration.send_thanks(engine, b1, rules, municipality=M, recipient="a1", message="또 감사합니다", at=at)
    perf = operations.Actor("perf", "performance", via="web", account_id=ids["perf"])
    sids = {}
    for width in (1366, 390):
        sids[width] = ev.configure(engine, perf, municipality=M, year=Y, name=f"{Y}년 부서 자체평가 ({width})",
                                   groups=[{"name": "1그룹", "departments": ["기획담당관", "감사담당관"]}],
                                   components=[{"key": "qualitative", "label": "정성평가", "weight": 97},
                                               {"key": "suggest", "label": "제안 가점", "weight": 1, "kind": "bonus"},
                                               {"key": "collab", "label": "협업 가점", "weight": 2, "kind": "bonus"}])
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url, municipality=M))) as base:
            yield base, sids
    finally:
        accounts.HASHER = saved


@pytest.mark.parametrize("width", [1366, 390])
def test_the_performance_team_writes_the_collaboration_bonus_with_the_form(browser, site, width):
    base, sids = site
    sid = sids[width]
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        pg.goto(base + f"/login?next=/evaluation/{sid}")
        pg.get_by_label("아이디").fill("perf")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url(f"**/evaluation/{sid}")
        axe_check(pg)
        pg.get_by_label("가점 구성요소").select_option("collab")
        pg.get_by_label("근거 실적").select_option("collaboration")
        pg.get_by_role("button", name="실적으로 가점 기록").click()
        pg.wait_for_url("**bonus=2**")
        assert "2개 부서의 가점을 기록했습니다" in pg.get_by_role("status").inner_text()
        axe_check(pg)
        # 기획담당관 received 20P (the best): 2.00; 감사담당관 10P: 2 × 10/20 = 1.00
        rows = pg.locator("table", has_text="부서별 총점과 순위").locator("tbody tr")
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert any("기획담당관" in t and "2.00" in t for t in texts), texts
        assert any("감사담당관" in t and "1.00" in t for t in texts), texts
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"evaluation-bonus-{width}.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
