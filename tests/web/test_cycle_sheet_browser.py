"""The cycle's spreadsheet round trip in Chromium under the real CSP: the performance team
logs in, opens /cycle/sheet, downloads a department's template by its link, fills it with
openpyxl, uploads a wrong one (the error table, nothing applied) and then the right one (the
counts). axe at 1366 and 390 px on each page; screenshots into screenshots/ (git-ignored)."""

from __future__ import annotations

import io

import pytest
from argon2 import PasswordHasher, profiles
from openpyxl import load_workbook

from sijeong import accounts, cycle, operations
from sijeong.settings import Settings
from sijeong.store import db

from .conftest import ROOT
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
SHOTS = ROOT / "screenshots"
M = "김포시"
D = "기획담당관"
Y = 2025


@pytest.fixture(scope="module")
def sheet_site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path_factory.mktemp('sheetb') / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    admin = operations.cli_actor()
    accounts.add_account(engine, admin, login="perf", role="performance", password=PASSWORD)
    cycle.open_year(engine, admin, municipality=M, year=Y)
    for dept, name, unit in ((D, "민원 만족도", "%"), (D, "민원 처리 건수", "건"), ("세무과", "체납 징수율", "%")):
        cycle.create_indicator(engine, admin, municipality=M, year=Y, department=dept, name=name, unit=unit, target=50)
    for dept in (D, "세무과"):
        cycle.submit_plan(engine, admin, municipality=M, year=Y, department=dept)
    cycle.confirm_plan(engine, admin, municipality=M, year=Y)
    cycle.set_window(engine, admin, municipality=M, year=Y, period=f"{Y}-Q1", due_on=f"{Y}-04-10")
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url, municipality=M))) as base:
            yield base
    finally:
        accounts.HASHER = saved


def _fill(path, name: str, value, tmp_path, out_name: str):
    wb = load_workbook(path)
    ws = wb[D]
    for n in range(4, ws.max_row + 1):
        if ws[f"B{n}"].value == name and str(ws[f"E{n}"].value).startswith(f"{Y}-Q1"):
            ws[f"F{n}"] = value
    out = tmp_path / out_name
    wb.save(out)
    return out


@pytest.mark.parametrize("width", [1366, 390])
def test_the_performance_team_downloads_fills_and_uploads(browser, sheet_site, width, tmp_path):
    base = sheet_site
    SHOTS.mkdir(exist_ok=True)
    name = "민원 만족도" if width == 1366 else "민원 처리 건수"
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR", accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        pg.goto(f"{base}/login?next=/cycle/sheet")
        pg.get_by_label("아이디").fill("perf")
        pg.get_by_label("비밀번호").fill(PASSWORD)
        pg.get_by_role("button", name="로그인").click()
        pg.wait_for_url("**/cycle/sheet")
        assert pg.get_by_role("heading", name="실적 엑셀 입력").count() == 1
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"cycle-sheet-{width}.png"), full_page=True)

        with pg.expect_download() as got:
            pg.get_by_role("link", name=f"{D} 양식 (XLSX)").click()
        template = tmp_path / "template.xlsx"
        got.value.save_as(template)
        assert load_workbook(template).sheetnames == [D]

        bad = _fill(template, name, "많음", tmp_path, "bad.xlsx")
        pg.get_by_label(f"{Y}년 실적 엑셀 파일 (.xlsx)").set_input_files(str(bad))
        pg.get_by_role("button", name="올리기").click()
        pg.wait_for_load_state()
        table = pg.get_by_role("table", name="엑셀 오류 목록")
        assert table.count() == 1
        text = table.inner_text()
        assert D in text and "F (실적)" in text and "숫자가 아닙니다 '많음'" in text
        axe_check(pg)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
        pg.screenshot(path=str(SHOTS / f"cycle-sheet-errors-{width}.png"), full_page=True)

        good = _fill(template, name, 42, tmp_path, "good.xlsx")
        pg.get_by_label(f"{Y}년 실적 엑셀 파일 (.xlsx)").set_input_files(str(good))
        pg.get_by_role("button", name="올리기").click()
        pg.wait_for_load_state()
        status = pg.get_by_role("status")
        assert "새 실적 1건" in status.inner_text()
        axe_check(pg)
        pg.screenshot(path=str(SHOTS / f"cycle-sheet-done-{width}.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
