"""The login page in Chromium under the real CSP: axe at desktop and phone width, logging in
with the form, the header naming the person, logging out with its button."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations
from sijeong.settings import Settings
from sijeong.store import db

from .conftest import fixture_files, load_into
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def signed_site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('authb') / 'b.db'}"
    load_into(url, fixture_files()[:2])
    engine = db.create_engine_for(url)
    accounts.add_account(engine, operations.cli_actor(), login="kim", role="editor", department="자치행정과",
                         password=PASSWORD)
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url))) as base:
            yield base
    finally:
        accounts.HASHER = saved


@pytest.mark.parametrize("width", [1280, 390])
def test_login_form_logs_in_and_out_and_passes_axe(browser, signed_site, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        assert pg.goto(signed_site + "/dashboard").status == 200
        pg.get_by_role("link", name="담당자 로그인").click()
        pg.wait_for_url("**/login")
        assert pg.locator("html").get_attribute("lang") == "ko"
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5

        pg.get_by_label("아이디").fill("kim")
        pg.get_by_label("비밀번호").fill("wrong password!")
        pg.get_by_role("button", name="로그인").click()
        assert accounts.WRONG in pg.get_by_role("alert").inner_text()
        axe_check(pg)

        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url("**/dashboard*")
        # a phone shows the login alone (the department would push the account to a row of its own)
        assert ("kim · 자치행정과" if width > 640 else "kim") in pg.locator("header").inner_text()
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5

        pg.get_by_role("button", name="로그아웃").click()
        pg.wait_for_url("**/dashboard*")
        assert pg.get_by_role("link", name="담당자 로그인").count() == 1
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


def test_signed_in_header_on_a_phone_is_as_short_as_a_visitors(browser, signed_site):
    """At 390 px the staff links fold into the one menu (its first group) instead of a bar of
    wrapped links above it: the header of a signed-in editor is no taller than a visitor's plus
    the account line, the staff bar is hidden, and the menu, opened, offers the staff links first
    and marks the current one. At 1366 px the staff bar is one row."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(signed_site + "/dashboard")
        visitor = pg.evaluate("document.querySelector('header').getBoundingClientRect().height")
        pg.goto(signed_site + "/login")
        pg.get_by_label("아이디").fill("kim")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url("**/dashboard*")
        pg.goto(signed_site + "/cycle")
        header = pg.evaluate("document.querySelector('header').getBoundingClientRect().height")
        assert header <= visitor + 1, (header, visitor)
        assert pg.locator(".staff-nav").is_hidden()
        assert pg.locator(".nav-phone-staff a").first.is_hidden()
        assert "성과관리" in pg.locator(".nav-phone summary").inner_text()
        pg.locator(".nav-phone summary").click()
        staff = pg.locator(".nav-phone-staff a")
        assert staff.first.is_visible() and staff.count() >= 2
        assert pg.locator(".nav-phone-staff a[aria-current=page]").inner_text() == "성과관리"
        # the staff group comes before the public menu in reading order
        assert pg.evaluate("""() => {
            const s = document.querySelector('.nav-phone-staff'), m = document.querySelector('.nav-phone nav:not(.nav-phone-staff)');
            return !!(s.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        axe_check(pg)
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(signed_site + "/login")
        pg.get_by_label("아이디").fill("kim")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url("**/dashboard*")
        assert pg.locator(".nav-phone").is_hidden()
        tops = {round(b["y"]) for b in (a.bounding_box() for a in pg.locator(".staff-nav a").all())}
        assert len(tops) == 1, tops
        axe_check(pg)
    finally:
        context.close()
