"""The table layer over hand-built documents (tests/reports/sample.py)."""

from __future__ import annotations

import pytest

from sijeong.reports import tables as T
from sijeong.reports.base import format_value

from .sample import sample_docs


@pytest.fixture(scope="module")
def docs():
    return sample_docs()


def _row(table, label):
    return next(r for r in table.rows if r.cells and r.cells[0].value == label)


def test_summary_counts_come_from_grades_not_the_printed_summary(docs):
    t = T.summary(docs, 2020)
    a = [c.value for c in _row(t, "가람정책과").cells[1:]]
    # the printed 총괄 claims 2 초과달성; the grades are ◎ ○ ×
    assert a == [1, 2, 3, 1, 1, 1, 366_000_000, 281_000_000, 85_000_000]
    total = _row(t, "계")
    assert total.is_total and t.rows[0] is total
    assert [c.value for c in total.cells[1:]] == [2, 3, 4, 1, 2, 1, 396_000_000, 309_000_000, 87_000_000]
    assert all(c.computed for c in total.cells[1:])
    assert t.column_count == 10 and t.header_height == 3


def test_summary_for_one_department_and_computed_grades(docs):
    t = T.summary(docs, 2020, "나래감사과")
    assert [r.cells[0].value for r in t.rows] == ["계", "나래감사과"]
    # lower is better: 청렴도 등급 target 2, actual 2 → 100% → ○ either way
    assert [c.value for c in T.summary(docs, 2020, "나래감사과", grades="computed").rows[1].cells[4:7]] == [0, 1, 0]


def test_goals_sum_policy_goals_and_share(docs):
    t = T.goals(docs, 2020)
    first = t.rows[0]
    assert first.cells[0].row_span == 3  # three indicators under the strategic goal
    assert first.cells[1].row_span == 2  # two under 시민 소통 강화
    assert first.cells[-2].value == 340_000_000 and first.cells[-1].value == 100.0
    assert [c.value for r in t.rows for c in r.cells if c.kind == "grade"] == ["◎", "○", "×", "○"]
    assert t.footnotes and "초과달성(130% 이상)" in t.footnotes[0]
    values = t.values()
    assert values[1][0] is None and values[1][2] == "정책 제안 건수"


def test_indicators_two_years_side_by_side(docs):
    t = T.indicators(docs, 2020, "가람정책과")
    assert t.rows[0].is_group
    v = t.values()
    assert v[1][:5] == ["시민 만족도(%)", "실적/목표*100", "목표", 70, 80]
    assert v[3][2:] == ["달성률(%)", 100, 137]
    # 예산 집행률 has no 2019 record
    row = next(i for i, r in enumerate(v) if r[0] == "예산 집행률(%)")
    assert v[row][3] is None and v[row][4] == 95
    assert t.rows[1].cells[3].source.line > 0  # the printed figure keeps its line


def test_settlement_from_programs_and_printed_prior_lines(docs):
    t = T.settlement(docs, 2020, "가람정책과")
    assert [r.cells[0].value for r in t.rows] == ["계", "정책사업", "행정운영경비", "인력운영비", "기본경비", "재무활동"]
    total = t.rows[0]
    assert [c.value for c in total.cells[1:]] == [366_000_000, 100.0, 281_000_000, 100.0, 85_000_000, 30.25]
    policy = t.rows[1]
    assert policy.cells[3].value == 255_000_000 and policy.cells[3].computed  # from 단위·세부사업
    admin = t.rows[2]
    assert admin.cells[3].value == 24_000_000 and not admin.cells[3].computed  # printed line
    assert admin.cells[3].source is not None
    assert t.rows[5].cells[5].value == -1_000_000 and t.rows[5].cells[6].value == -50.0


def test_related_programs_sum_details(docs):
    t = T.related_programs(docs, 2020, "가람정책과")
    v = t.values()
    assert v[0] == ["시민 소통", "일반회계", 130_000_000, 250_000_000, 200_000_000]
    assert t.rows[0].is_total and t.rows[1].level == 1
    assert [r[0] for r in v] == ["시민 소통", "시민 토론회", "소통 플랫폼", "정책 제안", "예산 편성", "예산 편성 지원"]


def test_programs_every_column_and_computed_department_row(docs):
    t = T.programs(docs, 2020, "가람정책과")
    assert t.column_count == 22
    dept = t.rows[0]
    assert dept.is_total and dept.cells[0].value == "가람정책과"
    labels = t.column_labels()
    assert dept.cells[labels.index("지출액")].value == 366_000_000
    assert dept.cells[labels.index("집행잔액 / 계")].value == 65_000_000
    assert len(t.rows) == 1 + 16


def test_revenues_total_is_computed(docs):
    t = T.revenues(docs, 2020, "가람정책과")
    # the printed department row says 3,001,000; its codes sum to 3,000,000
    assert t.rows[0].cells[1].value == 3_000_000
    assert t.rows[1].cells[0].value == "200 세외수입" and t.rows[4].level == 3


def test_plan_tasks(docs):
    t = T.plan(docs, 2022, "가람정책과")
    v = t.values()
    assert v[0][0] == "계" and v[0][2] == 520_000_000 and v[0][5] == 370_000_000
    assert v[1][:3] == [1, "시민 참여 플랫폼 구축", 500_000_000]
    assert v[1][9] == "박다온 (☎2051)"


def test_build_rejects_unknown_kind(docs):
    with pytest.raises(ValueError, match="unknown report kind"):
        T.build("nothing", docs, 2020)


def test_as_dict_is_json_ready(docs):
    import json

    d = T.summary(docs, 2020).as_dict()
    text = json.dumps(d, ensure_ascii=False)
    assert d["columns"][0] == "부서명" and '"computed": true' in text


@pytest.mark.parametrize(
    "value,kind,text",
    [(1234567, "money", "1,234,567"), (-7373350, "money", "△7,373,350"), (None, "money", "-"),
     (99.7, "rate", "99.70"), (62.13, "number", "62.13"), (75.0, "number", "75"), ("◎", "grade", "◎")],
)
def test_format_value(value, kind, text):
    assert format_value(value, kind) == text
