"""The year's performance cycle walked in Chromium under the real CSP, as the performance
team, a department editor and its approver would: open the year and a reporting window;
carry last year's indicator over, set its target, create another; submit; confirm; a
quarterly result with a PDF as evidence; submit; return with a reason; the editor sees the
reason and corrects; resubmit; accept; the annual result likewise; the year report made
from the entered data shows the figure and links it to its entry. axe on every page at
1366 px during the walk and again at 390 px; screenshots go to screenshots/ (git-ignored)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations
from sijeong.model import Document, Figure, Indicator, Source
from sijeong.settings import Settings
from sijeong.store import db, repository

from .conftest import ROOT
from .test_browser import axe_check
from .test_concurrency import serve

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
SHOTS = ROOT / "screenshots"
M = "김포시"
D = "기획담당관"
Y = 2025


def minimal_pdf(text: str = "Q1 evidence") -> bytes:
    """A small valid PDF (one page, one line of text) with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture(scope="module")
def cycle_site(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    tmp = tmp_path_factory.mktemp("cycleb")
    url = f"sqlite:///{tmp / 'b.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    admin = operations.cli_actor()
    for login, role, dept in (("perf", "performance", None), ("ed", "editor", D), ("ap", "approver", D)):
        accounts.add_account(engine, admin, login=login, role=role, department=dept, password=PASSWORD)
    ind = Indicator(source=Source("2024_성과보고서.txt", 7), municipality=M, year=Y - 1, department=D,
                    name="민원 처리 건수", unit="건", formula="연간 처리 건수", policy_goal="열린 행정")
    ind.set("actual", Figure(80, "80", Source("2024_성과보고서.txt", 8), "건"))
    with engine.connect() as conn:
        repository.save_document(conn, Document(name="2024_성과보고서.txt", municipality=M, year=Y - 1,
                                                family="settlement_report", records=[ind]))
        conn.commit()
    engine.dispose()
    from sijeong.web import create_app

    try:
        with serve(create_app(Settings(db_url=url, municipality=M, evidence_dir=str(tmp / "evidence")))) as base:
            yield base
    finally:
        accounts.HASHER = saved


def signed_in(browser, base: str, login: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.goto(f"{base}/login?next=/cycle")
    pg.get_by_label("아이디").fill(login)
    pg.get_by_label("비밀번호").fill(PASSWORD)
    pg.get_by_role("button", name="로그인").click()
    pg.wait_for_url("**/cycle")
    return context, pg, errors


def check(pg, width: int, shot: str | None = None) -> None:
    """axe, no sideways scrolling of the page, a screenshot."""
    closed = pg.locator("main details:not([open]) > summary")
    while closed.count():
        closed.first.click()  # the forms folded in <details> are checked too
    axe_check(pg)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 5
    if shot:
        pg.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)


def section(pg, heading: str):
    return pg.locator("section.panel", has=pg.get_by_role("heading", name=heading))


def test_the_cycle_in_chromium(browser, cycle_site):
    base = cycle_site
    SHOTS.mkdir(exist_ok=True)
    w = 1366
    plan = f"{base}/cycle/{Y}/plan/{quote(D)}"
    perf_ctx, perf, perf_errors = signed_in(browser, base, "perf", w)
    ed_ctx, ed, ed_errors = signed_in(browser, base, "ed", w)
    ap_ctx, ap, ap_errors = signed_in(browser, base, "ap", w)
    visited: dict[str, list[str]] = {"perf": [], "ed": [], "ap": []}
    try:
        # the performance team opens the year and sets the first quarter's window
        check(perf, w, "cycle-years")
        perf.get_by_label("연도", exact=True).fill(str(Y))
        perf.get_by_role("button", name="연도 열기").click()
        perf.wait_for_url(f"**/cycle?year={Y}*")
        assert "계획 작성 중" in perf.locator(".lead").inner_text()
        perf.get_by_text("보고 기간 정하기").click()
        form = perf.locator("form[action$='/windows']").last
        form.get_by_label("기간").select_option(f"{Y}-Q1")
        form.get_by_label("마감일").fill(f"{Y}-04-10")
        form.get_by_role("button", name="보고 기간 저장").click()
        perf.wait_for_url("**#windows")
        assert f"{Y}년 1분기" in perf.locator("#windows + .table-wrap").inner_text()
        check(perf, w, "cycle-year-open")
        visited["perf"].append(perf.url)

        # the editor carries last year's indicator over, sets target and weight, creates another
        ed.goto(plan)
        ed.get_by_role("button", name=f"전년도({Y - 1}년) 지표 이월").click()
        ed.wait_for_url("**#indicators")
        card = section(ed, "민원 처리 건수")
        assert "자료출처 없음" in card.inner_text()  # the plan-quality finding beside its indicator
        card.get_by_text("목표치·가중치 고치기").click()
        card.get_by_label("목표치").fill("90")
        card.get_by_label("가중치 (%)").fill("160")
        card.get_by_role("button", name="저장").click()
        card = section(ed, "민원 처리 건수")  # again, with the message beside the weight (422)
        assert "가중치는 0~100" in card.get_by_role("alert").inner_text()
        assert card.get_by_label("가중치 (%)").get_attribute("aria-invalid") == "true"
        check(ed, w, "cycle-plan-invalid")
        card.get_by_label("가중치 (%)").fill("60")
        card.get_by_label("자료출처").fill("민원 처리 통계")
        card.get_by_role("button", name="저장").click()
        ed.wait_for_url("**#ind-*")
        card = section(ed, "민원 처리 건수")
        assert "90" in card.locator("dd").first.inner_text() and "자료출처 없음" not in card.inner_text()
        create = ed.locator("#create + form")
        create.get_by_label("지표명").fill("민원 만족도")
        create.get_by_label("단위").fill("%")
        create.get_by_label("측정산식").fill("만족 응답 ÷ 전체 응답 × 100")
        create.get_by_label("자료출처").fill("민원 만족도 조사")
        create.get_by_label("목표치").fill("85")
        create.get_by_label("가중치 (%)").fill("40")
        create.get_by_role("button", name="지표 만들기").click()
        ed.wait_for_url("**#indicators")
        assert section(ed, "민원 만족도").count() == 1
        check(ed, w, "cycle-plan-draft")
        visited["ed"].append(ed.url)

        # the approver submits the department's plan; the performance team confirms it
        ap.goto(plan)
        ap.get_by_role("button", name="부서 성과계획 제출").click()
        ap.wait_for_load_state()
        assert "제출됨 2" in ap.locator(".lead").inner_text()
        check(ap, w)
        visited["ap"].append(ap.url)
        perf.goto(plan)
        perf.get_by_role("button", name="성과계획 확정").click()
        perf.wait_for_load_state()
        assert "확정 2" in perf.locator(".lead").inner_text()
        check(perf, w, "cycle-plan-confirmed")
        visited["perf"].append(perf.url)

        # the editor enters the first quarter with a PDF as evidence
        ed.goto(plan)
        ed.get_by_role("link", name="민원 처리 건수").click()
        ed.wait_for_url("**/cycle/indicators/*")
        results = ed.url
        enter = ed.locator("#enter + form")
        enter.get_by_label("기간").select_option(f"{Y}-Q1")
        enter.get_by_label("실적 (건)").fill("20")
        enter.get_by_label("증빙 파일 (선택)").set_input_files(  # a picture named .pdf: refused
            files=[{"name": "스캔.pdf", "mimeType": "application/pdf", "buffer": b"\x89PNG\r\n\x1a\n" + bytes(64)}])
        enter.get_by_role("button", name="실적 저장").click()
        enter = ed.locator("#enter + form")
        assert "파일 이름은 PDF인데 내용은 PNG입니다" in enter.get_by_role("alert").inner_text()
        assert section(ed, f"{Y}년 1분기").count() == 0  # nothing written
        check(ed, w, "cycle-results-bad-file")
        enter.get_by_label("기간").select_option(f"{Y}-Q1")
        assert enter.get_by_label("실적 (건)").input_value() == "20"  # what was typed is kept
        enter.get_by_label("설명").fill("1분기 누적 처리 건수")
        enter.get_by_label("증빙 파일 (선택)").set_input_files(
            files=[{"name": "1분기_실적.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}])
        enter.get_by_role("button", name="실적 저장").click()
        ed.wait_for_url("**#r-*")
        q1 = section(ed, f"{Y}년 1분기")
        assert "1분기_실적.pdf" in q1.inner_text() and "작성 중" in q1.inner_text()
        href = q1.get_by_role("link", name="1분기_실적.pdf").get_attribute("href")
        got = ed.request.get(base + href)
        assert got.status == 200 and got.body().startswith(b"%PDF-")
        check(ed, w, "cycle-results-draft")

        # approver submits; performance returns with a reason
        ap.goto(results)
        section(ap, f"{Y}년 1분기").get_by_role("button", name="실적 제출").click()
        ap.wait_for_url("**#r-*")
        assert "제출됨" in section(ap, f"{Y}년 1분기").locator("h3").inner_text()
        check(ap, w)
        visited["ap"].append(results)
        perf.goto(results)
        q1 = section(perf, f"{Y}년 1분기")
        q1.locator("summary", has_text="반려").click()
        q1.get_by_label("반려 사유").fill("증빙의 처리 건수(22건)와 다릅니다")
        q1.get_by_role("button", name="반려").click()
        perf.wait_for_url("**#r-*")
        assert "반려됨" in section(perf, f"{Y}년 1분기").locator("h3").inner_text()

        # the editor sees the reason and corrects; the approver resubmits; performance accepts
        ed.goto(results)
        q1 = section(ed, f"{Y}년 1분기")
        assert "증빙의 처리 건수(22건)와 다릅니다" in q1.locator(".notice").inner_text()
        check(ed, w, "cycle-results-returned")
        q1 = section(ed, f"{Y}년 1분기")
        q1.get_by_label("실적 (건)").fill("22")
        q1.get_by_label("설명").fill("증빙에 맞춰 정정")
        q1.get_by_role("button", name="저장").click()
        ed.wait_for_url("**#r-*")
        assert "22" in section(ed, f"{Y}년 1분기").locator("dd").first.inner_text()
        ap.goto(results)
        section(ap, f"{Y}년 1분기").get_by_role("button", name="실적 제출").click()
        ap.wait_for_url("**#r-*")
        perf.goto(results)
        section(perf, f"{Y}년 1분기").get_by_role("button", name="실적 승인").click()
        perf.wait_for_url("**#r-*")
        assert "승인" in section(perf, f"{Y}년 1분기").locator("h3").inner_text()

        # the annual result, the same way
        ed.goto(results)
        enter = ed.locator("#enter + form")
        enter.get_by_label("기간").select_option(str(Y))
        enter.get_by_label("실적 (건)").fill("95")
        enter.get_by_label("설명").fill("연간 처리 건수")
        enter.get_by_role("button", name="실적 저장").click()
        ed.wait_for_url("**#r-*")
        visited["ed"].append(results)
        ap.goto(results)
        section(ap, f"{Y}년 연간").get_by_role("button", name="실적 제출").click()
        ap.wait_for_url("**#r-*")
        perf.goto(results)
        section(perf, f"{Y}년 연간").get_by_role("button", name="실적 승인").click()
        perf.wait_for_url("**#r-*")
        trail = perf.locator("#trail + .table-wrap").inner_text()
        assert "증빙의 처리 건수(22건)와 다릅니다" in trail and "ap" in trail and "반려됨" in trail
        check(perf, w, "cycle-results-accepted")
        visited["perf"].append(results)

        # the year report from the entered data shows the figure, linked to its entry
        perf.goto(f"{base}/cycle?year={Y}&municipality={quote(M)}")
        perf.get_by_role("link", name=f"{Y}년 성과보고서 (입력 자료로 작성)").click()
        perf.wait_for_url("**/cycle/report?*")
        table = perf.locator(".table-wrap").first
        assert "민원 처리 건수" in table.inner_text()
        figure = table.get_by_role("link", name="95", exact=True)
        assert figure.count() == 1
        check(perf, w, "cycle-report")
        visited["perf"].append(perf.url)
        figure.click()
        perf.wait_for_url("**/cycle/entries/*")
        assert "95" in perf.locator(".facts").inner_text() and "ed (editor)" in perf.locator(".facts").inner_text()
        check(perf, w, "cycle-entry")
        visited["perf"].append(perf.url)

        # the year page: 민원 만족도 has no first-quarter result past its due date (late), and
        # the staff's dashboard says so
        perf.goto(f"{base}/cycle?year={Y}&municipality={quote(M)}")
        late = perf.locator("#late + .table-wrap").inner_text()
        assert "민원 만족도" in late and "민원 처리 건수" not in late
        check(perf, w, "cycle-year-confirmed")
        visited["perf"].append(perf.url)
        perf.goto(f"{base}/dashboard?municipality={quote(M)}")
        assert "민원 만족도" in perf.locator("#h-late + .table-wrap").inner_text()
        check(perf, w, "cycle-dashboard")
        visited["perf"].append(perf.url)
        for errors in (perf_errors, ed_errors, ap_errors):
            assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        for ctx in (perf_ctx, ed_ctx, ap_ctx):
            ctx.close()

    # every page again at phone width, as the same people
    for who, urls in visited.items():
        context, pg, _ = signed_in(browser, base, who, 390)
        try:
            for i, url in enumerate(dict.fromkeys(urls)):
                assert pg.goto(url).status == 200, url
                check(pg, 390, f"cycle-{who}-{i}")
        finally:
            context.close()


def test_a_pdf_made_here_is_a_pdf():
    pdf = minimal_pdf()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    assert pdf[xref:xref + 4] == b"xref"
