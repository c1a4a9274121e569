"""A split (국비 + 도비 + 시비 = 총액) one unit off in a plan whose other splits are exact
(``rules/rounding.py``): rounding or a misprint?

A writer who rounds each 백만원 figure on its own misses about one split in three by a unit, so
a one-unit difference alone is rounding (info). A plan that prints six or more other splits in
천원/백만원 over two or more nonzero parts, all exact, does not round so: its one split a unit off
is more likely a misprint (warning, the message saying why). A column total through that row,
off by the same amount, is the same defect and counts as more evidence. A plan with two such
differences, or too few exact splits, keeps them as rounding; totals that are no split (a
one-row ``합계 | 일반회계 | 특별회계``) too — the real 2022 plan prints such a 총계 one 백만원 off
with its other columns exact, and it is rounding.

The plan is made up (a 【】 department, ▷ tables under ``[단위 : 백만원]``, tasks restating no
row of the table)."""

from __future__ import annotations

import random

from sijeong import pipeline
from sijeong.rules import run_rules
from sijeong.rules.rounding import splits
from sijeong.rules.tables import is_total_label

PLAN = """
2027년 주요업무계획

나루시

【하천관리과】

□ 부서 현황

▷ 2027년 예산 규모
[단위 : 백만원]
합계\t일반회계\t특별회계
5,210\t4,870\t340

▷ 재원별 사업 현황
[단위 : 백만원]
사업명\t사업비\t국비\t도비\t시비
물길 복원사업\t2,430\t1,200\t480\t750
수변 산책로 정비\t865\t-\t215\t650
소하천 준설\t512\t160\t-\t352
제방 보강사업\t1,018\t300\t118\t600
합계\t4,825\t1,660\t813\t2,352

□ 주요업무 추진계획

1. 물길 복원

□ 사업개요
 - 사업비 : 1,240백만원(국 620, 도 186, 시 434)
 - 내용 : 옛 물길 복원

2. 수변 산책로

□ 사업개요
 - 사업비 : 375백만원(도 90, 시 285)
 - 내용 : 산책로 정비

3. 소하천 준설

□ 사업개요
 - 사업비 : 208백만원(국 104, 시 104)
 - 내용 : 준설

4. 제방 보강

□ 사업개요
 - 사업비 : 733백만원(국 250, 도 75, 시 408)
 - 내용 : 제방 보강

담당 : 치수팀장 박새론 ☎ 4321
"""


def load(text: str = PLAN):
    doc = pipeline.load_text("plan.txt", text, municipality="나루시")
    assert doc.family == "work_plan" and not [f for f in doc.findings if f.severity in ("error", "warning")]
    return doc


def changed(*pairs: tuple[str, str]):
    text = PLAN
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return load(text)


def line_of(doc, needle: str) -> int:
    return next(i for i, t in enumerate(doc.text.split("\n"), 1) if needle in t)


def found(doc, severities=("error", "warning")) -> list:
    return [f for f in run_rules([doc]) if f.severity in severities]


def test_the_consistent_plan_has_no_finding_and_nine_exact_splits():
    doc = load()
    assert found(doc, ("error", "warning", "info")) == []
    rows = splits(doc)
    assert len(rows) == 9 and all(s == t for _, s, t in rows)


def test_a_task_total_one_unit_off_among_exact_splits_is_a_warning():
    doc = changed((" - 사업비 : 733백만원(", " - 사업비 : 734백만원("))
    line = line_of(doc, "734백만원")
    (f,) = found(doc)
    assert (f.rule, f.severity, f.lines) == ("split.sources", "warning", [line])
    assert "반올림 차이로 보기 어려움" in f.message and "다른 재원 구분 8건" in f.message
    assert f"{line}행의 오기일 수 있음" in f.message and "반올림 차이)" not in f.message
    # the breakdown in running text saw the same defect: one finding, both rules
    assert "text.breakdown" in f.message


def test_a_part_one_unit_off_with_its_column_total_is_one_defect_warned_twice():
    # 제방 보강사업's 시비 600 → 599: its row and the 시비 column total are both a unit off
    doc = changed(("제방 보강사업\t1,018\t300\t118\t600", "제방 보강사업\t1,018\t300\t118\t599"))
    line = line_of(doc, "제방 보강사업\t")
    fs = found(doc)
    assert {(f.rule, f.severity) for f in fs} == {("split.sources", "warning"), ("table.total", "warning")}
    assert all(line in f.lines for f in fs)
    assert all("같은 차이로 시비 합계도 어긋남" in f.message for f in fs)


def test_two_splits_a_unit_off_are_rounding():
    # a writer who rounds shows differences here and there: both stay info
    doc = changed((" - 사업비 : 733백만원(", " - 사업비 : 734백만원("), (" - 사업비 : 375백만원(", " - 사업비 : 374백만원("))
    assert found(doc) == []
    assert sum(1 for f in found(doc, ("info",)) if f.rule == "split.sources") == 2


def test_too_few_exact_splits_keep_the_difference_as_rounding():
    # the tasks alone: three exact splits besides the one off
    text = PLAN.split("▷ 재원별 사업 현황")[0] + "□ 주요업무 추진계획" + PLAN.split("□ 주요업무 추진계획")[1]
    doc = load(text.replace(" - 사업비 : 733백만원(", " - 사업비 : 734백만원("))
    assert found(doc) == []
    assert [f.rule for f in found(doc, ("info",))] == ["split.sources"]


def test_a_copy_of_a_split_is_no_second_sign_of_exactness():
    # the four tasks restating the table's rows: five distinct exact splits, too few
    doc = changed((" - 사업비 : 1,240백만원(국 620, 도 186, 시 434)", " - 사업비 : 2,430백만원(국 1,200, 도 480, 시 750)"),
                  (" - 사업비 : 375백만원(도 90, 시 285)", " - 사업비 : 865백만원(도 215, 시 650)"),
                  (" - 사업비 : 208백만원(국 104, 시 104)", " - 사업비 : 512백만원(국 160, 시 352)"),
                  (" - 사업비 : 733백만원(", " - 사업비 : 1,019백만원("),
                  ("시 408)", "시 600)"), ("국 250, 도 75,", "국 300, 도 118,"))
    rows = splits(doc)
    assert len(rows) == 6 and sum(s == t for _, s, t in rows) == 5
    assert found(doc) == [] and [f.rule for f in found(doc, ("info",))] == ["split.sources"]


def test_a_total_that_is_no_split_stays_rounding():
    # 합계 | 일반회계 | 특별회계 one unit off: rounding of amounts kept in won may do that
    doc = changed(("5,210\t4,870\t340", "5,211\t4,870\t340"))
    assert found(doc) == []
    assert [f.rule for f in found(doc, ("info",))] == ["table.total_column"]


def test_budget_total_is_a_total_label():
    assert is_total_label("예산총액") and is_total_label("예산 총액") and is_total_label("합 계")
    assert not is_total_label("예산액") and not is_total_label("총사업비")


def test_a_document_rounding_elsewhere_keeps_the_split_as_rounding():
    # the one-row 합계 a unit off too: this writer rounds money, the split's unit may be rounding
    doc = changed((" - 사업비 : 733백만원(", " - 사업비 : 734백만원("), ("5,210\t4,870\t340", "5,211\t4,870\t340"))
    assert found(doc) == []
    assert sorted(f.rule for f in found(doc, ("info",))) == ["split.sources", "table.total_column"]


GROUPED = PLAN.replace("사업명\t사업비\t국비\t도비\t시비\n", "사업명\t사업비\t\t\t\n\t계\t국비\t도비\t시비\n")


def test_a_grouped_header_sees_the_same_split_and_is_no_rounding_elsewhere():
    doc = load(GROUPED)
    assert found(doc, ("error", "warning", "info")) == []
    text = GROUPED.replace("제방 보강사업\t1,018\t300\t118\t600", "제방 보강사업\t1,018\t300\t118\t601")
    doc = load(text)
    fs = found(doc, ("error", "warning", "info"))
    assert fs and all(f.severity == "warning" for f in fs)
    assert {"split.sources", "table.total", "table.grouped_total"} <= {f.rule for f in fs}


def _rounded_plan(rng: random.Random, tasks: int) -> str:
    """A plan whose every figure is a 천원 amount printed in 백만원, each rounded on its own."""
    def r(x):
        return f"{(x + 500) // 1000:,}"

    lines = ["2027년 주요업무계획", "", "나루시", "", "【하천관리과】", "", "□ 부서 현황", ""]
    g, s = rng.randrange(1_000_000, 9_000_000), rng.randrange(10_000, 900_000)
    lines += ["▷ 2027년 예산 규모", "[단위 : 백만원]", "합계\t일반회계\t특별회계", f"{r(g + s)}\t{r(g)}\t{r(s)}", ""]
    lines += ["▷ 재원별 사업 현황", "[단위 : 백만원]", "사업명\t사업비\t국비\t도비\t시비"]
    rows = [[rng.randrange(50_000, 900_000) for _ in range(3)] for _ in range(4)]
    for name, p in zip(("물길 복원", "산책로 정비", "소하천 준설", "제방 보강"), rows):
        lines.append(f"{name}\t{r(sum(p))}\t{r(p[0])}\t{r(p[1])}\t{r(p[2])}")
    tot = [sum(p[k] for p in rows) for k in range(3)]
    lines += [f"합계\t{r(sum(tot))}\t{r(tot[0])}\t{r(tot[1])}\t{r(tot[2])}", "", "□ 주요업무 추진계획", ""]
    for i in range(tasks):
        p = [rng.randrange(20_000, 900_000) for _ in range(3)]
        lines += [f"{i + 1}. 과제 {i + 1} 추진", "", "□ 사업개요",
                  f" - 사업비 : {r(sum(p))}백만원(국 {r(p[0])}, 도 {r(p[1])}, 시 {r(p[2])})", " - 내용 : 정비", ""]
    return "\n".join(lines + ["담당 : 치수팀장 박새론 ☎ 4321", ""])


def test_plans_that_round_every_figure_are_seldom_warned():
    # measured: 7 of 300 such plans (6 tasks) and 8 of 300 (3 tasks) get a warning — a split
    # that happened to be the only one off, its other splits and money totals exact; none of
    # 300 with 8 or 12 tasks. The warning says what it rests on.
    rng = random.Random(7)
    warned = 0
    for _ in range(60):
        doc = pipeline.load_text("plan.txt", _rounded_plan(rng, 6), municipality="나루시")
        fs = run_rules([doc])
        assert not [f for f in fs if f.severity == "error"]
        warned += any(f.severity == "warning" for f in fs)
    assert warned <= 4
