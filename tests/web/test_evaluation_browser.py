"""An evaluator's scoring in Chromium under the real CSP (no script): log in with the form, find
the assignment on /evaluation, score with the plain POST form, see it saved; the results page
and the 시군종합평가 page of the performance team; axe on each, at desktop and phone width."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts, evaluation as ev, operations
from sijeong.settings import Settings
from sijeong.store import db

from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
PERF = operations.Actor("perf", "performance")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('evb') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, role in (("perf", "performance"), ("ev1", "evaluator")):
        accounts.add_account(engine, operations.cli_actor(), login=login, role=role, password=PASSWORD)
    sid = ev.configure(engine, PERF, municipality="김포시", year=2022, name="2022년 부서 자체평가",
                       groups=[{"name": "1그룹", "departments": ["기획담당관", "감사담당관"]}],
                       components=[{"key": "performance", "label": "정량평가", "weight": 60},
                                   {"key": "qualitative", "label": "정성평가", "weight": 40}])
    ev.assign(engine, PERF, scheme_id=sid, evaluator="ev1", component="qualitative",
              departments=["기획담당관", "감사담당관"])
    jid = ev.configure_joint(engine, PERF, municipality="김포시", year=2022, name="2022년 시군종합평가", city="김포",
                             groups=[{"name": "2그룹", "cities": ["김포", "파주"]}])
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url))) as base:
            yield base, sid, jid
    finally:
        accounts.HASHER = saved


def _login(pg, base, who, target):
    pg.goto(base + "/login?next=" + target)
    pg.get_by_label("아이디").fill(who)
    pg.get_by_label("비밀번호").fill(PASSWORD)
    pg.get_by_role("button", name="로그인").click()
    pg.wait_for_url("**" + target)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_evaluator_scores_with_the_form_and_the_pages_pass_axe(browser, site, width):
    base, sid, jid = site
    # each width changes the figures (an unchanged form saves nothing)
    score, current, projected = {1280: ("87.5", "88", "85.60"), 390: ("90", "89", "86.30")}[width]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _login(pg, base, "ev1", "/evaluation")
        axe_check(pg)
        pg.get_by_role("link", name="2022 2022년 부서 자체평가 — 점수 입력").click()
        pg.wait_for_url(f"**/evaluation/{sid}/score")
        axe_check(pg)
        pg.get_by_label("기획담당관 정성평가 점수").fill("101")
        pg.get_by_role("button", name="저장").click()
        assert "0~100" in pg.get_by_role("alert").inner_text()
        axe_check(pg)
        pg.get_by_label("기획담당관 정성평가 점수").fill(score)
        pg.get_by_role("button", name="저장").click()
        pg.wait_for_url("**saved=1")
        assert "1건을 저장했습니다" in pg.get_by_role("status").inner_text()
        assert pg.get_by_label("기획담당관 정성평가 점수").input_value() == score
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.get_by_role("button", name="로그아웃").click()

        _login(pg, base, "perf", f"/evaluation/{sid}")
        axe_check(pg)
        pg.get_by_text("기획담당관 산출 내역").click()
        assert f"ev1 {score}" in pg.locator("main").inner_text()
        pg.goto(base + f"/joint/{jid}")
        axe_check(pg)
        pg.get_by_label("김포 올해 평가").fill(current)
        pg.get_by_label("김포 전년도 합동평가").fill("80")
        pg.get_by_role("button", name="점수 저장").click()
        pg.wait_for_url("**saved=1")
        assert projected in pg.locator("main").inner_text()
        axe_check(pg)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
