"""``plan.task_budget`` (a task's 소요예산 = the 합계 of its own budget table in the same □ block)
and ``table.years`` (a multi-year table's 총예산 = Σ its year columns), on the consistent plan
fixture changed by hand and on the real plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from sijeong.pipeline import load_text
from sijeong.rules import RULES, run_rules

PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "consistent_plan.txt"
OURS = ("plan.task_budget", "table.years")


def _findings(text: str, rule_id: str):
    doc = load_text(PLAN.name, text)
    return [f for f in run_rules([doc]) if f.rule == rule_id]


def _line(text: str, start: str) -> int:
    return next(i for i, ln in enumerate(text.split("\n"), 1) if ln.startswith(start))


@pytest.fixture(scope="module")
def text() -> str:
    return PLAN.read_text(encoding="utf-8")


def test_registered_with_korean_names():
    assert RULES["plan.task_budget"].name == "과제 소요예산·예산표"
    assert RULES["table.years"].name == "연차별 합계"


def test_consistent_plan_is_silent(text):
    doc = load_text(PLAN.name, text)
    assert [f for f in run_rules([doc]) if f.rule in OURS] == []


def test_task_budget_differs_from_its_table(text):
    changed = text.replace("- 소요예산 : 69,150천원", "- 소요예산 : 69,750천원")
    found = _findings(changed, "plan.task_budget")
    stated, total = _line(text, "- 소요예산 : 69,150천원"), _line(text, "합 계\t\t\t69,150")
    assert [(f.severity, f.lines) for f in found] == [("error", [stated, total])]
    assert found[0].expected == 69_150_000 and found[0].actual == 69_750_000
    assert "69,750,000" in found[0].message and "세부사업" in found[0].message


def test_table_total_differs_from_the_statement(text):
    changed = text.replace("합 계\t\t\t69,150", "합 계\t\t\t69,250")
    found = _findings(changed, "plan.task_budget")
    assert [f.severity for f in found] == ["error"] and found[0].actual == 69_150_000


def test_rounded_statement_is_info(text):
    # 69백만원 against 69,150천원: 150천원 off, within half a 백만원
    changed = text.replace("- 소요예산 : 69,150천원", "- 소요예산 : 69백만원")
    assert [f.severity for f in _findings(changed, "plan.task_budget")] == ["info"]


def test_table_under_another_box_is_another_scope(text):
    # the same numbers, but the table now sits under its own □ heading: another part of the task
    changed = text.replace("- 소요예산 : 69,150천원", "- 소요예산 : 11,000천원").replace(
        "- 세부사업\n", "\n□ 세부사업 현황\n\n- 세부사업\n")
    assert _findings(changed, "plan.task_budget") == []
    # not vacuous: the table is still read, in the same task, with its 합계
    from sijeong.model import BudgetItem

    doc = load_text(PLAN.name, changed)
    assert [r.figures["budget"].value for r in doc.of(BudgetItem)
            if r.task == "시민 참여 확대" and r.is_total] == [69_150_000]
    assert _findings(changed.replace("\n□ 세부사업 현황\n", "\n"), "plan.task_budget")


def test_years_total_differs(text):
    changed = text.replace("820\t310", "830\t310")
    found = _findings(changed, "table.years")
    assert [(f.severity, f.lines) for f in found] == [("error", [_line(text, "데이터 허브 구축")])]
    assert found[0].expected == 820_000_000 and found[0].actual == 830_000_000


def test_years_a_dash_is_zero_and_a_wrong_year_cell_is_found(text):
    changed = text.replace("420\t-\t100", "420\t-\t110")
    found = _findings(changed, "table.years")
    assert [(f.severity, f.expected) for f in found] == [("error", 430_000_000)]


def test_years_last_digit_is_rounding(text):
    changed = text.replace("820\t310", "821\t310")
    assert [f.severity for f in _findings(changed, "table.years")] == ["info"]


def test_years_side_by_side_are_not_a_partition(text):
    # no open range (이전/이후): the columns compare years, they do not split the total
    changed = (text.replace("'18년이전", "'18년").replace("'21년이후", "'21년").replace("820\t310", "830\t310"))
    assert _findings(changed, "table.years") == []


@pytest.mark.real
def test_real_plans_are_silent_and_the_years_table_is_checked(real_docs):
    for name in ("000_1d85f209833ac9df.txt", "003_c85a2f783e9fa893.txt"):
        doc = load_text(name, (real_docs / name).read_text(encoding="utf-8"))
        assert [f for f in run_rules([doc]) if f.rule in OURS and f.severity != "info"] == [], name
    # 000's 특수상황지역 개발사업 (백만원): 30,450 = 16,994 + - + 2,440 + 11,016; one digit changed
    name = "000_1d85f209833ac9df.txt"
    lines = (real_docs / name).read_text(encoding="utf-8").split("\n")
    no = next(i for i, ln in enumerate(lines, 1) if ln.startswith("마곡~시암간 도로개설사업"))
    lines[no - 1] = lines[no - 1].replace("30,450", "30,950", 1)
    found = [f for f in run_rules([load_text(name, "\n".join(lines))]) if f.rule == "table.years"]
    assert [(f.severity, f.lines) for f in found] == [("error", [no])]
