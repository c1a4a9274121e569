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
        assert "kim · 자치행정과" in pg.locator("header").inner_text()
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5

        pg.get_by_role("button", name="로그아웃").click()
        pg.wait_for_url("**/dashboard*")
        assert pg.get_by_role("link", name="담당자 로그인").count() == 1
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
