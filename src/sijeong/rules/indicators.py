"""성과지표: 달성률 from target and actual, the grade from the rate, and the counts of
grades in 총괄 and 정책사업목표 현황.

:func:`compute` stores the project's own ``rate_computed`` and ``grade_computed`` on every
Indicator (``run_rules`` calls it first); the rules compare the document with them.
"""

from __future__ import annotations

import math

from ..model import DepartmentSummary, Document, Figure, Finding, Indicator, PolicyGoal
from ..model import grades as grading
from ..model.grades import grade_of, rate_of
from ..model.korean import josa
from ..model.vocabulary import GRADE_NAMES, GRADES
from .base import (
    fmt,
    finding,
    lines_of,
    norm,
    pct,
    precision,
    records,
    round_half_up,
    rule,
    similar,
    truncate,
)
from .direction import direction_of


def derived_rate_and_grade(target, actual, direction: str) -> tuple[float | None, str | None]:
    """An indicator's derived values: (달성률 rounded to four decimals as stored, 등급) —
    the model's one computation (:func:`sijeong.model.grades.computed`). Read documents
    (``compute``) and stored rows (the write path's re-check) both go through it."""
    return grading.computed(target, actual, direction)


def compute(documents: list[Document]) -> None:
    """Set ``rate_computed`` and ``grade_computed`` on every indicator."""
    for ind in records(documents, Indicator):
        direction, _ = direction_of(ind)
        ind.rate_computed, ind.grade_computed = derived_rate_and_grade(ind.target, ind.actual, direction)


def _printings(ind: Indicator) -> list[tuple[dict[str, Figure], str]]:
    """The record's own figures and each appearance that prints target, actual and rate."""
    out = [(ind.figures, ind.section or "")]
    for app in ind.appearances:
        if "rate" in app.figures:
            out.append((app.figures, app.section))
    return out


@rule("indicator.rate", "달성률 계산", "달성률 = 실적/목표×100 (낮을수록 좋은 지표는 목표/실적×100); 절사·반올림은 모두 인정")
def check_rate(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for ind in records(documents, Indicator):
        direction, basis = direction_of(ind)
        seen: set[tuple] = set()
        for figs, _section in _printings(ind):
            t, a, r = figs.get("target"), figs.get("actual"), figs.get("rate")
            if r is None or r.value is None or t is None or a is None:
                continue
            key = (t.source.line, a.source.line, r.source.line, t.value, a.value, r.value)
            if key in seen:
                continue
            seen.add(key)
            f = _rate_finding(ind, direction, basis, t, a, r)
            if f:
                out.append(f)
    return out


def _rate_finding(ind: Indicator, direction: str, basis: str, t: Figure, a: Figure, r: Figure) -> Finding | None:
    computed = rate_of(t.value, a.value, direction)
    formula = "실적/목표×100" if direction == "higher" else "목표/실적×100"
    dir_ko = "높을수록 좋음" if direction == "higher" else f"낮을수록 좋음({basis})"
    lines = lines_of(t, a, r)
    printed = r.value
    if computed is None:
        if printed == 0:
            return None  # nothing computable, and the document prints 0%: consistent
        msg = (f"달성률 {pct(printed)}: 목표 {fmt(t.value)}, 실적 {josa(fmt(a.value), '으로/로')}는 {josa(formula, '을/를')} "
               f"계산할 수 없습니다 ({dir_ko})")
        return finding("indicator.rate", "info", ind, lines, msg, expected=None, actual=printed)
    step = precision(r) or 1.0
    if any(abs(printed - c) < 1e-6 for c in (truncate(computed, step), round_half_up(computed, step))):
        return None
    severity = "info" if abs(printed - computed) <= step else "error"
    if severity == "info" and precision(t) == 0 and precision(a) == 0 and abs(
            printed - math.ceil(computed / step - 1e-9) * step) > 1e-6:
        # target and actual printed exactly (``100``, ``153``): the rate is exact too, and a
        # printed rate no rounding of it gives (down, half up, up) is wrong, not rounded
        severity = "error"
    note = " (반올림 차이)" if severity == "info" else ""
    msg = (f"달성률 {pct(printed)} ≠ {formula} = {fmt(a.value if direction == 'higher' else t.value)}/"
           f"{fmt(t.value if direction == 'higher' else a.value)}×100 = {pct(round(computed, 2))} ({dir_ko}){note}")
    return finding("indicator.rate", severity, ind, lines, msg, expected=round(computed, 2), actual=printed)


def _grade_line(ind: Indicator) -> list[int]:
    lines = []
    fig = ind.figures.get("grade")
    if fig is not None:
        lines.append(fig.source.line)
    for app in ind.appearances:
        if "grade" in app.figures:
            lines.append(app.figures["grade"].source.line)
        elif "재원" in app.section or "자원" in app.section or "비중" in app.section:
            lines.append(app.source.line)
    return lines or [ind.source.line]


@rule("indicator.grade", "성과달성도", "성과달성도는 달성률을 따른다: ◎ 130% 이상, ○ 100~130% 미만, × 100% 미만")
def check_grade(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for ind in records(documents, Indicator):
        if not ind.grade or ind.rate is None:
            continue
        expected = grade_of(ind.rate)
        if ind.grade.strip() == expected:
            continue
        lines = sorted(set(_grade_line(ind) + [ind.line_of("rate")]))
        msg = (f"성과달성도 {ind.grade}({GRADE_NAMES.get(ind.grade.strip(), '?')}) ≠ 달성률 {pct(ind.rate)}의 "
               f"등급 {expected}({GRADE_NAMES[expected]})")
        out.append(finding("indicator.grade", "error", ind, lines, msg, expected=expected, actual=ind.grade))
    return out


def effective_grade(ind: Indicator) -> str | None:
    """The grade the document gives (printed, else the grade of the printed rate)."""
    if ind.grade and ind.grade.strip() in GRADES:
        return ind.grade.strip()
    return grade_of(ind.rate)


def indicators_of(documents: list[Document], doc: str, department: str | None, year: int | None) -> list[Indicator]:
    return [
        i
        for d in documents
        if d.name == doc
        for i in d.of(Indicator)
        if i.department == department and (year is None or i.year == year)
    ]


def _count_lines(recs: list[Indicator]) -> list[int]:
    out = []
    for i in recs:
        out.extend(_grade_line(i))
        if "rate" in i.figures:
            out.append(i.figures["rate"].source.line)
    return out


@rule("summary.grade_counts", "총괄 성과달성도 개수", "총괄의 지표수·초과달성·달성·미달성·정책사업목표 개수는 지표의 성과달성도와 같다")
def check_summary_counts(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for s in records(documents, DepartmentSummary):
        if s.is_total:
            continue
        inds = indicators_of(documents, s.source.doc, s.name if s.department is None else s.department, s.year)
        if not inds and s.name != s.department:
            inds = indicators_of(documents, s.source.doc, s.name, s.year)
        if not inds:
            continue
        grades = [effective_grade(i) for i in inds]
        if any(g is None for g in grades):
            continue
        counted = {
            "indicator_count": ("지표수", len(inds)),
            "exceeded_count": ("초과달성", grades.count("◎")),
            "achieved_count": ("달성", grades.count("○")),
            "missed_count": ("미달성", grades.count("×")),
        }
        for key, (label, n) in counted.items():
            fig = s.figures.get(key)
            if fig is None or fig.value is None or fig.value == n:
                continue
            lines = sorted(set([fig.source.line] + _count_lines(inds)))
            msg = f"총괄 {label} {fmt(fig.value)}개 ≠ 성과지표 {len(inds)}개 중 {label} {n}개"
            out.append(finding("summary.grade_counts", "error", s, lines, msg, expected=n, actual=fig.value))
        fig = s.figures.get("policy_goal_count")
        if fig is not None and fig.value is not None:
            goals = {norm(i.policy_goal) for i in inds if i.policy_goal}
            merged: list[str] = []
            for g in goals:  # extraction noise: near-identical names are one goal
                if not any(similar(g, m) for m in merged):
                    merged.append(g)
            if merged and len(merged) != fig.value:
                msg = f"총괄 정책사업목표 {fmt(fig.value)}개 ≠ 성과지표가 속한 정책사업목표 {len(merged)}개"
                lines = sorted(set([fig.source.line] + [i.source.line for i in inds]))
                out.append(finding("summary.grade_counts", "error", s, lines, msg, expected=len(merged), actual=fig.value))
    return out


@rule("policy_goal.counts", "정책사업목표 지표수", "정책사업목표 현황의 성과 지표수·달성 지표수는 그 목표의 성과지표와 같다")
def check_policy_goal_counts(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    groups: list = []  # the program tables, indexed once for every goal's 단위 사업수 (_unit_count)
    for goal in records(documents, PolicyGoal):
        printings: list[tuple[dict[str, Figure], str]] = [(goal.figures, goal.section or "")]
        printings += [(a.figures, a.section) for a in goal.appearances]
        inds = [
            i for i in indicators_of(documents, goal.source.doc, goal.department, goal.year)
            if i.policy_goal and similar(i.policy_goal, goal.name)
        ]
        if not inds:
            continue
        grades = [effective_grade(i) for i in inds]
        achieved = sum(1 for g in grades if g in ("◎", "○"))
        seen = set()
        for figs, _ in printings:
            for key, label, n in (("indicator_count", "성과 지표수", len(inds)),
                                  ("achieved_indicator_count", "달성 지표수", achieved)):
                fig = figs.get(key)
                if fig is None or fig.value is None or fig.source.line in seen and key == "indicator_count":
                    continue
                if key == "achieved_indicator_count" and any(g is None for g in grades):
                    continue
                if fig.value == n:
                    continue
                seen.add(fig.source.line)
                lines = sorted(set([fig.source.line] + _count_lines(inds)))
                msg = f"{label} {fmt(fig.value)}개 ≠ 이 목표의 성과지표에서 센 {n}개"
                out.append(finding("policy_goal.counts", "error", goal, lines, msg, expected=n, actual=fig.value))
        out.extend(_unit_count(documents, goal, printings, groups))
    out.extend(_department_counts(documents))
    return out


def _department_counts(documents: list[Document]) -> list[Finding]:
    """A department whose indicator table names no 정책사업목표 (``성과지표(단위) | 구분 | '22년 …``
    blocks): its 정책사업목표 현황 together counts its indicators — when the 성과 지표수 add up
    to the department's indicators, the 달성 지표수 add up to those achieved."""
    out: list[Finding] = []
    tables: dict[tuple, list[PolicyGoal]] = {}
    for g in records(documents, PolicyGoal):
        tables.setdefault((g.source.doc, g.department, g.year, g.section), []).append(g)
    for (doc, dept, year, _section), goals in tables.items():
        if dept is None:
            continue
        inds = indicators_of(documents, doc, dept, year)
        if not inds or any(i.policy_goal for i in inds):
            continue  # each goal's own indicators are compared above
        counts = [g.figures.get("indicator_count") for g in goals]
        achieved = [g.figures.get("achieved_indicator_count") for g in goals]
        if any(f is None or f.value is None for f in counts + achieved):
            continue
        if sum(f.value for f in counts) != len(inds):
            continue  # the table covers other indicators than the department's table lists
        grades = [effective_grade(i) for i in inds]
        if any(g is None for g in grades):
            continue
        n = sum(1 for g in grades if g in ("◎", "○"))
        total = sum(f.value for f in achieved)
        if total == n:
            continue
        listed = " + ".join(f"{g.name} {fmt(f.value)}" for g, f in zip(goals, achieved))
        msg = (f"정책사업목표 현황의 달성 지표수 합 {listed} = {fmt(total)}개 ≠ 이 부서 성과지표 {len(inds)}개 "
               f"중 달성(◎·○) {n}개 (지표표에 정책사업목표가 없어 부서 전체로 비교)")
        lines = sorted(set([f.source.line for f in achieved] + _count_lines(inds)))
        out.append(finding("policy_goal.counts", "error", goals[0], lines, msg, expected=n, actual=total))
    return out


def _unit_count(documents: list[Document], goal: PolicyGoal, printings, groups: list | None = None) -> list[Finding]:
    """단위 사업수 = the unit programs under the policy program of the goal's name (warning:
    a goal may cover fewer programs). ``groups``: a list the caller keeps across the goals
    of one check, filled here once with the program tables and, per table, the positions of
    its programs by source line (a program equal to another has its source)."""
    from .cross import policy_program_of
    from .programs import children_of, program_groups

    prog = policy_program_of(documents, goal)
    if prog is None:
        return []
    if groups is None:
        groups = []
    if not groups:
        for group in program_groups(documents):
            at: dict = {}
            for i, q in enumerate(group):
                at.setdefault(q.source, []).append(i)
            groups.append((group, at))
    units = None
    for group, at in groups:
        # ``prog in group`` and ``group.index(prog)``, looking only where an equal program can be
        hits = [i for i in at.get(prog.source, ()) if group[i] is prog or group[i] == prog]
        if hits:
            units = [k for k in children_of(group, hits[0]) if k.level == "unit"]
    if not units:
        return []
    out, seen = [], set()
    for figs, section in printings:
        fig = figs.get("unit_program_count")
        if fig is None or fig.value is None or fig.value == len(units) or fig.source in seen:
            continue
        seen.add(fig.source)
        msg = (f"단위 사업수 {fmt(fig.value)}개 ≠ 사업별조서 {prog.name}의 단위사업 {len(units)}개 "
               f"(다루는 사업의 범위가 다르거나 한쪽이 틀림)")
        lines = lines_of(fig, prog, *units)
        out.append(finding("policy_goal.counts", "warning", goal, lines, msg, expected=len(units), actual=fig.value))
    return out

