"""문서 올리기 in Chromium under the real CSP: a performance-team account logs in, uploads a
PDF (the layout of tests/fixtures/performance_report.txt printed with real tables), sees its
coverage and findings, confirms it and lands on the document's page; at phone width the same
upload is discarded. axe passes on the new pages at 1366 and 390 px; screenshots go to
screenshots/upload-*.png (git-ignored)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations
from sijeong.settings import Settings
from sijeong.store import db

from ..formats.layouts import blocks_of, html_of, print_pdf
from .conftest import FIXTURES, ROOT, fixture_files, load_into
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
SOURCE = FIXTURES / "performance_report.txt"
SHOTS = ROOT / "screenshots"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("uppdf") / "performance_report.pdf"
    if not print_pdf(html_of(blocks_of(SOURCE.read_text(encoding="utf-8"))), path):
        pytest.skip("Chromium is not installed: no PDF to upload")
    return path


@pytest.fixture(scope="module")
def upload_site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    tmp = tmp_path_factory.mktemp("upb")
    url = f"sqlite:///{tmp / 'b.db'}"
    load_into(url, [p for p in fixture_files() if p != SOURCE])
    engine = db.create_engine_for(url)
    accounts.add_account(engine, operations.cli_actor(), login="perf", role="performance", password=PASSWORD)
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url, upload_dir=str(tmp / "staging")))) as base:
            yield base, engine, tmp / "staging"
    finally:
        engine.dispose()
        accounts.HASHER = saved


def _open(browser, base, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    assert pg.goto(base + "/upload").status == 200
    pg.wait_for_url("**/login?next=/upload")  # not signed in: the login page first
    pg.get_by_label("아이디").fill("perf")
    pg.get_by_label("비밀번호").fill(PASSWORD)
    pg.get_by_role("button", name="로그인").click()
    pg.wait_for_url("**/upload")
    return context, pg, errors


def _preview(pg, pdf, width):
    assert pg.get_by_role("heading", name="문서 올리기").count() == 1
    axe_check(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
    pg.screenshot(path=str(SHOTS / f"upload-form-{width}.png"), full_page=True)
    pg.get_by_label("문서 파일").set_input_files(str(pdf))
    pg.get_by_role("button", name="읽어 보기").click()
    pg.get_by_role("heading", name="올린 문서 확인").wait_for()
    body = pg.locator("main").inner_text()
    assert "performance_report.pdf (PDF" in body
    assert "결산·성과보고서" in body and "2020년" in body
    assert "performance_report.pdf: 243 numeric tokens: typed 243 (100.0%" in body  # the coverage line
    assert "읽으면서 찾은 것 (10건)" in body and "이 문서의 검증 결과 (1건)" in body
    assert "아직 저장하지 않았습니다" in body
    axe_check(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
    pg.screenshot(path=str(SHOTS / f"upload-preview-{width}.png"), full_page=True)


def _stored(engine) -> list[tuple]:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT name, year, family FROM documents WHERE name = 'performance_report.pdf'"))]


def test_upload_a_pdf_see_coverage_and_findings_and_confirm(browser, upload_site, pdf):
    base, engine, staging = upload_site
    SHOTS.mkdir(exist_ok=True)
    context, pg, errors = _open(browser, base, 1366)
    try:
        _preview(pg, pdf, 1366)
        assert _stored(engine) == []  # the preview stored nothing
        pg.get_by_role("button", name="저장").click()
        pg.wait_for_url("**/documents/performance_report.pdf?municipality=*")
        assert "올린 문서를 저장하고 다시 검증했습니다" in pg.get_by_role("status").first.inner_text()
        assert pg.get_by_role("heading", level=1).inner_text().startswith("원문")
        axe_check(pg)
        pg.screenshot(path=str(SHOTS / "upload-stored-1366.png"))
        assert _stored(engine) == [("performance_report.pdf", 2020, "settlement_report")]
        assert not list(staging.glob("*.bin"))
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


def test_at_phone_width_the_upload_is_discarded(browser, upload_site, pdf):
    base, engine, staging = upload_site
    SHOTS.mkdir(exist_ok=True)
    before = _stored(engine)
    context, pg, errors = _open(browser, base, 390)
    try:
        _preview(pg, pdf, 390)
        pg.get_by_role("button", name="취소").click()
        pg.wait_for_url("**/upload?done=discarded")
        assert "아무것도 저장하지 않았습니다" in pg.get_by_role("status").inner_text()
        axe_check(pg)
        assert _stored(engine) == before and not list(staging.glob("*.bin"))
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
