"""Values of the real FY2020 settlement + performance report (004), checked by hand in the
text and asserted against ``sijeong export`` after ``sijeong ingest`` — the whole path.

Each assertion names the document line the value was read from. The last test follows the
plans' (000, 003) task budgets along the same path.
"""

import json
from pathlib import Path

import pytest

from sijeong.cli import main

DOCS = Path(__file__).resolve().parents[2].parent / "shared" / "documents"
D004 = "004_c3ede251798e8a7a.txt"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    if not (DOCS / D004).exists():
        pytest.skip(f"{DOCS} not found: the real Gimpo documents are not on this machine")
    tmp = tmp_path_factory.mktemp("real")
    db = str(tmp / "real.db")
    assert main(["ingest", *(str(p) for p in sorted(DOCS.glob("*.txt"))), "--db", db]) == 0
    out = tmp / "export.json"
    assert main(["export", "--db", db, "--format", "json", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def one(export, kind, **match):
    found = [r for r in export[kind] if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"{kind} {match}: {len(found)} records"
    return found[0]


def test_every_record_carries_dimensions_and_source(export):
    for kind in ("indicators", "policy_goals", "programs", "revenues", "department_summaries", "plan_tasks"):
        assert export[kind], kind
        for r in export[kind]:
            assert r["municipality"] == "김포시"
            assert isinstance(r["year"], int)
            assert r["name"] and r["source"]["doc"].endswith(".txt") and r["source"]["line"] > 0


def test_revenue_rows(export):
    total = one(export, "revenues", department="기획담당관", code=None)
    assert total["source"]["line"] == 9
    assert (total["budget"], total["carried_over"], total["current_budget"], total["assessed"]) == (
        247_245_126_000, 264_144_000, 247_509_270_000, 247_796_012_640)
    assert one(export, "revenues", department="기획담당관", code="216-06")["received"] == 103_614_250
    assert one(export, "revenues", department="기획담당관", code="311-03")["assessed"] == 10_003_671_000
    carried = one(export, "revenues", department="기획담당관", code="712-03")
    assert (carried["budget"], carried["carried_over"]) == (0, 264_144_000)
    audit = one(export, "revenues", department="감사담당관", code=None)
    assert (audit["received_total"], audit["refunds"], audit["received"]) == (4_970_610, 4_500_000, 470_610)
    assert one(export, "revenues", department="주민협치담당관", code="511-02")["budget"] == 535_516_000
    assert one(export, "revenues", department="공보담당관", code="216-01")["assessed"] == 377_100
    assert len([r for r in export["revenues"] if r["department"] == "기획담당관"]) == 27


def test_program_rows_with_stacked_and_continued_cells(export):
    top = one(export, "programs", department="기획담당관", name="기획담당관")
    assert top["level"] == "total" and top["source"]["line"] == 136
    assert (top["budget"], top["carried_over"], top["reserve_used"], top["current_budget"], top["spent"]) == (
        25_920_409_000, 264_144_000, -5_558_259_000, 20_626_294_000, 18_362_055_610)
    assert (top["subsidy_returned"], top["unspent"], top["bid_difference"], top["spending_balance"], top["reserve"]) == (
        97_348_170, 2_166_890_220, 10_240_000, 942_371_970, 1_181_305_000)
    goal = one(export, "programs", department="기획담당관", name="지역발전과 시장의 효율성 제고")
    assert (goal["level"], goal["current_budget"], goal["spent"]) == ("policy", 1_149_710_000, 982_282_880)
    law = one(export, "programs", department="기획담당관", name="법무소송 지원")
    assert (law["spent"], law["unspent"], law["prior_year_spent"]) == (414_031_910, 45_968_090, 313_149_350)
    survey = one(export, "programs", department="기획담당관", name="사회조사")
    assert (survey["budget"], survey["subsidy_returned"], survey["unspent"]) == (57_162_000, 10_348_170, 32_973_250)
    common = one(export, "programs", department="기획담당관", name="기관공통운영경비 지원")
    assert (common["spent"], common["unspent"], common["bid_difference"]) == (107_358_510, 5_641_490, 4_624_000)
    assert common["figures"]["bid_difference"]["line"] == 191  # the continuation line
    assert one(export, "programs", department="기획담당관", name="지방공기업 지원")["spent"] == 16_936_035_190
    region = one(export, "programs", department="기획담당관", name="지역발전 경쟁력 강화")
    assert (region["subsidy_returned"], region["unspent"]) == (87_000_000, 789_997_970)
    pr = one(export, "programs", department="공보담당관", name="공보담당관")
    assert (pr["budget"], pr["spent"], pr["unspent"]) == (2_289_021_000, 2_169_457_780, 119_563_220)
    assert one(export, "programs", department="공보담당관", name="시정소식지 김포마루 제작")["spent"] == 275_390_940
    assert one(export, "programs", department="감사담당관", name="감사담당관")["spent"] == 95_259_160
    happy = one(export, "programs", department="주민협치담당관", name="경기 행복마을관리소 지원사업")
    assert (happy["budget"], happy["spent"], happy["subsidy_returned"], happy["unspent"]) == (
        310_750_000, 145_027_190, 82_861_400, 82_861_410)
    assert one(export, "programs", department="기획담당관", name="통계정보 지원")["prior_year_spent"] == 187_218_010
    assert one(export, "programs", department="기획담당관", name="의회 의정지원")["prior_year_spent"] == 17_069_500


def test_indicators_both_years(export):
    key = one(export, "indicators", department="기획담당관", name="역점시책 관리 및 지원", year=2020)
    assert (key["target"], key["actual"], key["rate"], key["grade"], key["unit"]) == (75, 97.5, 130, "◎", "%")
    advice = one(export, "indicators", department="기획담당관", name="정책자문단의 운영", year=2019)
    assert (advice["target"], advice["actual"], advice["rate"]) == (10, 14, 140)
    rank = one(export, "indicators", department="기획담당관", name="시군종합평가 실적 향상", year=2020)
    assert (rank["target"], rank["actual"], rank["rate"], rank["unit"], rank["direction"]) == (3, 5, 60, "위", "lower")
    dep = [one(export, "indicators", department="기획담당관", name="의존재원 확보율", year=y)["actual"] for y in (2019, 2020)]
    assert dep == [54.2, 62.13]
    assembly = one(export, "indicators", department="주민협치담당관", year=2020, name="만19세이상 주민총회 참여율")  # as line 1061 writes it
    assert (assembly["target"], assembly["actual"], assembly["rate"], assembly["grade"]) == (0.3, 1.4, 466, "◎")
    integrity = one(export, "indicators", department="감사담당관", year=2020, name="공직자 청렴도 등급")
    assert (integrity["target"], integrity["actual"], integrity["rate"]) == (2, 2, 100)
    sms = one(export, "indicators", department="공보담당관", year=2020, name="시정소식 문자신청자 증가율")
    assert (sms["actual"], sms["rate"]) == (244, 325)
    counts = {d: len([r for r in export["indicators"] if r["department"] == d and r["year"] == 2020])
              for d in ("기획담당관", "주민협치담당관", "감사담당관", "공보담당관")}
    assert counts == {"기획담당관": 9, "주민협치담당관": 4, "감사담당관": 3, "공보담당관": 3}
    assert len([r for r in export["indicators"] if r["year"] == 2019]) == 19


def test_goals_summaries_staffing_settlement(export):
    goal = one(export, "policy_goals", department="기획담당관", name="시 경쟁력 제고 및 시민 만족도 향상")
    assert (goal["budget"], goal["settled"], goal["indicator_count"], goal["achieved_indicator_count"],
            goal["unit_program_count"]) == (1_149_710_000, 982_282_880, 4, 2, 5)
    social = one(export, "policy_goals", department="주민협치담당관", name="사회적경제 생태계 조성")
    assert (social["budget"], social["settled"]) == (1_135_118_000, 1_007_034_690)
    s = one(export, "department_summaries", department="주민협치담당관", name="주민협치담당관")
    assert (s["indicator_count"], s["exceeded_count"], s["achieved_count"], s["missed_count"]) == (4, 1, 2, 1)
    assert (s["settled"], s["prior_year_settled"], s["change"]) == (2_955_736_470, 3_278_991_690, -323_255_220)
    audit = one(export, "department_summaries", department="감사담당관", name="감사담당관")
    assert (audit["settled"], audit["prior_year_settled"]) == (95_259_160, 102_357_430)
    staff = one(export, "staffings", department="기획담당관", name="기획담당관")
    assert (staff["authorized"], staff["authorized_grade6_down"], staff["current"]) == (29, 28, 28)
    people = one(export, "settlement_lines", department="공보담당관", name="인력운영비")
    assert (people["settled"], people["prior_year_settled"]) == (101_397_650, 107_444_540)
    assert one(export, "settlement_lines", department="감사담당관", name="계")["change_rate"] == -6.93


def test_computed_values_are_stored_beside_the_reported(export):
    suit = one(export, "indicators", department="기획담당관", name="소송 승소율 제고", year=2020)
    assert (suit["target"], suit["actual"], suit["rate"]) == (70, 90, 129)
    assert suit["rate_computed"] == pytest.approx(90 / 70 * 100, abs=1e-3)  # 128.57: printed 129 (rounded)
    assert (suit["grade"], suit["grade_computed"]) == ("○", "○")  # 128.57% is still ○
    rank = one(export, "indicators", department="기획담당관", name="시군종합평가 실적 향상", year=2020)
    assert rank["rate_computed"] == pytest.approx(60.0) and rank["grade_computed"] == "×"  # 3/5: lower is better


def test_plan_task_budgets_by_scope(export):
    """The plans' task budgets through ingest and export (checked by hand in
    tests/readers/test_plan_real.py): this year's cost in ``budget``, another scope in ``figures``."""
    tasks = {(t["source"]["doc"][:3], t["department"], t["number"]): t for t in export["plan_tasks"]}
    t = tasks[("003", "정책기획과", 6)]  # 003:565 + 575 + 586 (천원)
    assert (t["budget"], t["national"], t["provincial"], t["city"]) == (572_000_000, 40_000_000, 266_000_000, 266_000_000)
    assert [t["figures"][f"budget_{i}"]["line"] for i in (1, 2, 3)] == [565, 575, 586]
    t = tasks[("003", "스마트도시과", 5)]  # 003:1160 계 국도비 1,816 + 시비 312 (백만원)
    assert (t["budget"], t["city"], t["figures"]["national_provincial"]["value"]) == (2_128_000_000, 312_000_000,
                                                                                     1_816_000_000)
    t = tasks[("000", "미래전략담당관", 3)]  # 000:156 under 사업기간 2021. 7. ~ 2022. 7.
    assert t["budget"] is None
    assert (t["figures"]["programme_budget"]["value"], t["figures"]["programme_budget"]["line"]) == (314_028_000, 156)
    t = tasks[("000", "미래전략담당관", 4)]  # 000:206 추진목표
    assert t["budget"] is None and t["figures"]["target_budget"]["value"] == 1_100_000_000_000
