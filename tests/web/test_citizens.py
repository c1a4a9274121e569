"""알기 쉬운 예산 (/citizens): in-process tests against the fixtures database.

Every figure the page shows is compared with one computed here from the fixture documents
the database was loaded from; every link is checked against the fixture line it points to."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from urllib.parse import unquote

import pytest

from .conftest import FIXTURES

NUM = re.compile(r'<a class="(num(?: computed)?)" href="(/documents/[^"]+)" title="([^"]+)">(.*?)</a>', re.S)


def records(docs, kind: str, year: int | None = 2020):
    return [r for d in docs for r in d.records if type(r).__name__ == kind and (year is None or r.year == year)]


def fixture_lines(doc: str) -> list[str]:
    return (FIXTURES / doc).read_text(encoding="utf-8").split("\n")


# --- amounts in words ----------------------------------------------------------------------


@pytest.mark.parametrize("won, words", [
    (485_450_000, "4억 8,545만 원"),
    (424_878_810, "약 4억 2,488만 원"),  # rounded to 만 원, and says so
    (100_000_000, "1억 원"),
    (7_500_200, "약 750만 원"),
    (45_000_000, "4,500만 원"),
    (1_250, "1,250원"),
    (17_073_117_030, "약 170억 7,312만 원"),
    (-2_003_000, "약 마이너스 200만 원"),
    (None, "-"),
])
def test_won_words(won, words):
    from sijeong.web.pages.citizens import won_words

    assert won_words(won) == words


def test_particles_follow_the_last_sound():
    from sijeong.web.pages.citizens import josa

    assert josa("스마트 행정 혁신", "을/를") == "스마트 행정 혁신을"
    assert josa("열린 시정 홍보", "을/를") == "열린 시정 홍보를"
    assert josa("햇살정책담당관", "은/는") == "햇살정책담당관은"
    assert josa("GIS", "이/가") == "GIS가"  # letter names: 지아이에스
    assert josa("app", "이/가") == "app이(가)"  # an English word: both forms


# --- the page ----------------------------------------------------------------------------------


def test_citizens_page_is_korean_accessible_and_linked_from_the_menu(client):
    r = client.get("/citizens?year=2020")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="ko">' in html and "<script" not in html
    assert '<a href="/citizens?year=2020" aria-current="page">알기 쉬운 예산</a>' in html  # the menu keeps the year
    assert re.search(r'<a href="/citizens(\?year=\d+)?">', client.get("/dashboard").text)  # in every page's menu
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        assert "<caption>" in table and re.search(r'<th scope="(col|row)"', table)
    for h in ("돈은 어디에서 들어왔나요?", "돈은 어디에 쓰였나요?", "목표는 이루었나요?"):
        assert h in html
    # charts: an image named by its title and described by its numbers, the same data in a table
    svgs = re.findall(r'<svg role="img" aria-labelledby="(\S+) (\S+)".*?</svg>', html, re.S)
    assert len(svgs) == 4
    for tid, did in svgs:
        assert re.search(rf'<title id="{tid}">2020년[^<]+</title><desc id="{did}">[^<]+</desc>', html)


def test_revenue_by_source_is_the_sum_of_the_top_level_records(client, fixture_db):
    _, docs = fixture_db
    top = [r for r in records(docs, "Revenue") if r.level == 1]
    expected: dict[str, int] = {}
    for r in top:
        expected[r.name] = expected.get(r.name, 0) + r.received
    data = client.get("/citizens.json?year=2020").json()
    got = {s["name"]: s["received"] for s in data["revenue"]["sources"]}
    assert got == expected
    assert data["revenue"]["total"] == sum(expected.values())
    received = [s["received"] for s in data["revenue"]["sources"]]
    assert received == sorted(received, reverse=True)
    assert round(sum(s["share"] for s in data["revenue"]["sources"]), 6) == 100
    # each source is explained in plain words, and its lines are the lines of its records
    for s in data["revenue"]["sources"]:
        assert "이에요" in s["explanation"]  # matched to its plain-words note by name
        lines = {r.line_of("received") for r in top if r.name == s["name"]}
        assert set(s["lines"][top[0].source.doc]) == lines


def test_spending_by_department_and_goal(client, fixture_db):
    _, docs = fixture_db
    data = client.get("/citizens.json?year=2020").json()["spending"]
    totals = {p.department: p for p in records(docs, "Program") if p.level == "total"}
    by_dept = {d["department"]: d for d in data["departments"]}
    assert totals and set(totals) <= set(by_dept)
    for dept, p in totals.items():
        assert by_dept[dept]["spent"] == p.spent and by_dept[dept]["current_budget"] == p.current_budget
    both = [d for d in data["departments"] if d["spent"] is not None and d["current_budget"] is not None]
    assert data["spent"] == sum(d["spent"] for d in both)
    assert data["current_budget"] == sum(d["current_budget"] for d in both)
    assert sorted(data["left_out"]) == sorted(d["department"] for d in data["departments"] if d not in both)
    goals = records(docs, "PolicyGoal")
    assert sorted((g["name"], g["settled"]) for g in data["policy_goals"]) == sorted((g.name, g.settled) for g in goals)
    spent = [p["spent"] for p in data["programs"]]
    assert spent == sorted(spent, reverse=True)
    policy = sorted((p.spent for p in records(docs, "Program") if p.level == "policy" and p.spent is not None), reverse=True)
    assert spent == policy[: len(spent)]


def test_goal_results_in_words(client, fixture_db):
    _, docs = fixture_db
    inds = records(docs, "Indicator")
    data = client.get("/citizens.json?year=2020").json()["results"]
    for g in ("◎", "○", "×"):
        assert data["counts"][g] == sum(1 for i in inds if (i.grade or i.grade_computed) == g)
    words = {"◎": "목표를 넘어섰어요", "○": "목표를 달성했어요", "×": "목표에 못 미쳤어요"}
    assert {i["name"]: i["words"] for i in data["indicators"]} == {i.name: words[i.grade or i.grade_computed] for i in inds}
    html = client.get("/citizens?year=2020").text
    for g, w in words.items():
        n = data["counts"][g]
        assert html.count(f"</span> {w}</span>") == n  # one badge per indicator
    lower = [i.name for i in inds if i.direction == "lower"]
    assert lower and all(re.search(rf"{re.escape(n)}</a> <span class=\"tag\">낮을수록 좋아요</span>", html) for n in lower)


def test_every_number_links_to_a_line_that_prints_it(client):
    html = client.get("/citizens?year=2020").text
    printed = computed = 0
    for cls, href, title, _text in NUM.findall(html):
        m = re.match(r"/documents/([^?]+)\?lines=([\d,]+)#L(\d+)", unescape(href))
        assert m, href
        doc, lines = unquote(m.group(1)), [int(n) for n in m.group(2).split(",")]
        assert int(m.group(3)) == lines[0]
        text = fixture_lines(doc)
        raw = re.search(r"인쇄값 ([^)]+)\)", unescape(title))
        if cls == "num":
            assert len(lines) == 1
            if raw:
                assert raw.group(1) in text[lines[0] - 1], (doc, lines, raw.group(1))
                printed += 1
        else:
            assert all(0 < n <= len(text) for n in lines)
            computed += 1
    assert printed >= 20 and computed >= 10


def test_amount_titles_carry_the_exact_won(client):
    html = unescape(client.get("/citizens?year=2020").text)
    # 미래가치담당관's printed 계 line: 지출액 424,878,810 shown as 약 4억 2,488만 원
    assert re.search(r'title="원문 consistent_report\.txt \d+행 \(인쇄값 424,878,810\) · 424,878,810원">약 4억 2,488만 원</a>', html)


def test_other_years_and_places_say_there_is_nothing(client):
    html = client.get("/citizens?year=2019").text
    assert "이 해의 세입 자료가 없어요." in html and "목표를 달성했어요" in html  # 2019 has indicators only
    r = client.get("/citizens?municipality=%EC%97%86%EB%8A%94%EC%8B%9C")
    assert r.status_code == 200 and "아직 보여 드릴 예산 자료가 없어요." in r.text
    assert client.get("/citizens.json?municipality=%EC%97%86%EB%8A%94%EC%8B%9C").json()["year"] is None


def test_citizens_json_twin(client):
    r = client.get("/citizens.json")
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert data["year"] == 2020 and data["years"][0] == 2020
    assert set(data) >= {"revenue", "spending", "results"}


@pytest.mark.slow
def test_citizens_pdf(client):
    from sijeong.reports.pdf import chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium not found: the PDF is printed by headless Chromium")
    r = client.get("/citizens.pdf?year=2020")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/pdf"
    assert r.content[:5] == b"%PDF-"
    cd = r.headers["content-disposition"]
    assert cd.startswith('attachment; filename="citizens-2020.pdf"; filename*=UTF-8\'\'')
    assert unquote(cd.split("''", 1)[1]) == "김포시_2020년_알기쉬운예산.pdf"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
        assert "알기 쉬운 예산" in text and "목표는 이루었나요?" in text
        assert "대시보드" not in text  # the menu is not printed
