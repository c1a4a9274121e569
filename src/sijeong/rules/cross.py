"""Cross-table and cross-document agreement: a figure printed in two places agrees.

The readers keep each extra printing of an entity as an :class:`Appearance` on its record;
these rules compare each appearance with the record. Where two printings were not merged
(a name spelt differently), records of the same kind, department and year whose names are
the same up to extraction noise are compared too.

Severity: two printings of the same figure in one document that disagree → error (one of
them is wrong, and the rule cannot tell which); a difference rounding explains → info;
a difference of scope between tables (the performance part covering fewer programs than
the settlement) and a plan's budget against the settlement's → warning.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from ..model import (
    BudgetItem,
    DepartmentSummary,
    Document,
    Figure,
    Finding,
    Indicator,
    PlanTask,
    PolicyGoal,
    Program,
    Record,
    SettlementLine,
)
from ..model import names
from ..model.vocabulary import CROSS_LABELS, SECTION_RELATED_PROGRAMS, SETTLEMENT_TOP
from ..model.vocabulary import NON_POLICY as _NON_POLICY
from .base import NameIndex, best_match, finding, fmt, lines_of, norm, precision, rounding_slack, rule, similar
from .programs import level_of
from .settlement import canonical

LABELS = CROSS_LABELS


def _where(section: str | None, fig: Figure) -> str:
    return f"{section or '표'}({fig.source.line}행)"


def _compare(rule_id: str, rec: Record, key: str, a: Figure, a_sec: str | None, b: Figure, b_sec: str | None,
             alternatives: Iterable[Figure] = ()) -> Finding | None:
    """One figure printed twice: None when equal (or equal to an accepted alternative)."""
    if a.value is None or b.value is None:
        return None
    if abs(a.amount - b.amount) < 1e-6 or any(abs(x.amount - b.amount) < 1e-6 for x in alternatives):
        return None
    severity = "info" if abs(a.amount - b.amount) <= rounding_slack([a, b]) else "error"
    unit = "%" if key in ("rate", "share") else ("개" if key.endswith("_count") else "")
    if key in ("budget", "current_budget", "spent", "prior_year_spent", "settled"):
        unit = "원"
    label = LABELS.get(key, key)
    msg = (f"{rec.name} {label}: {_where(a_sec, a)} {fmt(a.value)}{unit} ≠ {_where(b_sec, b)} "
           f"{fmt(b.value)}{unit}" + (" (반올림 차이)" if severity == "info" else ""))
    return finding(rule_id, severity, rec, lines_of(a, b), msg, expected=a.value, actual=b.value)


def _appearance_findings(rule_id: str, rec: Record, keys: tuple[str, ...], alt: dict[str, tuple[str, ...]] | None = None) -> list[Finding]:
    out = []
    for app in rec.appearances:
        for key in keys:
            a, b = rec.figures.get(key), app.figures.get(key)
            if a is None or b is None or a.source == b.source:
                continue
            alts = [rec.figures[k] for k in (alt or {}).get(key, ()) if k in rec.figures]
            f = _compare(rule_id, rec, key, a, rec.section, b, app.section, alts)
            if f:
                out.append(f)
    return out


def _unmerged_pairs(recs: list[Record]) -> list[tuple[Record, Record]]:
    """Pairs of records from different sections that name the same entity."""
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for r in recs:
        groups[(r.source.doc, r.department, r.year)].append(r)
    pairs = []
    for g in groups.values():
        for i, a in enumerate(g):
            for b in g[i + 1:]:
                if a.section != b.section and similar(a.name, b.name, names.SAME_PROGRAM):
                    pairs.append((a, b))
    return pairs


def _pair_findings(rule_id: str, a: Record, b: Record, keys: tuple[str, ...]) -> list[Finding]:
    out = []
    for key in keys:
        fa, fb = a.figures.get(key), b.figures.get(key)
        if fa is not None and fb is not None and fa.source != fb.source:
            f = _compare(rule_id, a, key, fa, a.section, fb, b.section)
            if f:
                out.append(f)
    return out


IND_KEYS = ("target", "actual", "rate")


@rule("cross.indicator", "성과지표 대조", "같은 성과지표의 목표·실적·달성률은 부서 성과와 성과지표 달성현황에서 같다")
def check_indicator(documents: list[Document]) -> list[Finding]:
    inds = [r for d in documents for r in d.of(Indicator)]
    out = [f for i in inds for f in _appearance_findings("cross.indicator", i, IND_KEYS)]
    for a, b in _unmerged_pairs(inds):
        out.extend(_pair_findings("cross.indicator", a, b, IND_KEYS))
    return out


PROGRAM_KEYS = ("budget", "current_budget", "spent")
PERF_SECTION = SECTION_RELATED_PROGRAMS


@rule("cross.program", "사업 대조", "사업별조서와 관련 예산사업 결산현황의 같은 사업은 예산(예산액 또는 예산현액)과 결산액이 같다")
def check_program(documents: list[Document]) -> list[Finding]:
    alt = {"budget": ("current_budget",), "current_budget": ("budget",)}
    progs = [r for d in documents for r in d.of(Program)]
    out = [f for p in progs for f in _appearance_findings("cross.program", p, PROGRAM_KEYS, alt)]
    # printings the readers did not merge: the performance table's rows by name and level
    main: dict[tuple, list[Program]] = defaultdict(list)
    for p in progs:
        if p.section != PERF_SECTION:
            main[(p.source.doc, p.department)].append(p)
    for p in progs:
        if p.section != PERF_SECTION:
            continue
        cands = [q for q in main.get((p.source.doc, p.department), []) if q.level == p.level]
        name = best_match(p.name, [q.name for q in cands], names.SAME_PROGRAM)
        if name is None:
            continue
        same = [q for q in cands if q.name == name]
        if len(same) != 1:
            continue
        q = same[0]
        for key in ("budget", "spent"):
            fp = p.figures.get(key)
            fq = q.figures.get(key)
            if fp is None or fq is None:
                continue
            alts = [q.figures[k] for k in alt.get(key, ()) if k in q.figures]
            f = _compare("cross.program", q, key, fq, q.section, fp, p.section, alts)
            if f:
                out.append(f)
    return out


GOAL_KEYS = ("budget", "settled", "indicator_count", "achieved_indicator_count", "unit_program_count")


def _is_share_section(section: str | None) -> bool:
    return bool(section) and ("비중" in section)


@rule("cross.policy_goal", "정책사업목표 대조", "같은 정책사업목표의 예산·결산·지표수는 어디서나 같고, 성과목표 및 재원비중의 결산액 = Σ정책사업목표 결산액")
def check_policy_goal(documents: list[Document]) -> list[Finding]:
    goals = [r for d in documents for r in d.of(PolicyGoal)]
    plain = [g for g in goals if not _is_share_section(g.section)]
    out = [f for g in plain for f in _appearance_findings("cross.policy_goal", g, GOAL_KEYS)]
    for a, b in _unmerged_pairs(plain):
        out.extend(_pair_findings("cross.policy_goal", a, b, GOAL_KEYS))
    out.extend(_share_totals(documents, goals))
    out.extend(_goal_vs_program(documents, plain))
    return out


def policy_program_of(documents: list[Document], goal: PolicyGoal) -> Program | None:
    """The 사업별조서 policy program the goal describes: ``goal.program`` as the reader linked
    it; for a goal read without that link, the program carrying its name (up to noise)."""
    cands = [p for d in documents if d.name == goal.source.doc for p in d.of(Program)
             if p.level == "policy" and p.department == goal.department and p.section != PERF_SECTION]
    if goal.program is not None:
        same = [p for p in cands if p.name == goal.program]
        same.sort(key=lambda p: (p.current_budget != goal.budget) + (p.spent != goal.settled))
        return same[0] if same else None
    name = best_match(goal.name, [p.name for p in cands], names.SAME_PROGRAM)
    same = [p for p in cands if p.name == name] if name else []
    return same[0] if len(same) == 1 else None


def _goal_vs_program(documents: list[Document], goals: list[PolicyGoal]) -> list[Finding]:
    """부서 성과 prints each goal's 예산액 (the program's 예산현액) and 결산액 (its 지출액).
    A goal may cover fewer programs than the policy program of the same name: warning."""
    out = []
    for g in goals:
        p = policy_program_of(documents, g)
        if p is None:
            continue
        printings = [(g.figures, g.section)] + [(a.figures, a.section) for a in g.appearances]
        seen = set()
        for figs, section in printings:
            for key, pkeys in (("budget", ("current_budget", "budget")), ("settled", ("spent",))):
                f = figs.get(key)
                pf = [p.figures[k] for k in pkeys if k in p.figures]
                if f is None or not pf or (key, f.source) in seen:  # 예산액 and 결산액 share a line
                    continue
                seen.add((key, f.source))
                if any(x.amount == f.amount for x in pf):
                    continue
                label = "예산액" if key == "budget" else "결산액"
                msg = (f"정책사업목표 {g.name} {label}: {section}({f.source.line}행) {fmt(f.amount)}원 ≠ 사업별조서 "
                       f"{p.name}({pf[0].source.line}행) {fmt(pf[0].amount)}원 (다루는 사업의 범위가 다르거나 한쪽이 틀림)")
                out.append(finding("cross.policy_goal", "warning", g, lines_of(f, pf[0]), msg,
                                   expected=pf[0].amount, actual=f.amount))
    return out


def _goal_settled(goals: list[PolicyGoal]) -> tuple[list[Figure], str | None]:
    """The settled figures of one department's distinct policy goals, from one table."""
    by_section: dict[str, list[Figure]] = defaultdict(list)
    for g in goals:
        if _is_share_section(g.section) or "settled" not in g.figures:
            continue
        by_section[g.section or ""].append(g.figures["settled"])
    for pref in ("정책사업목표 현황", "부서 성과"):
        if pref in by_section:
            return by_section[pref], pref
    if by_section:
        sec = max(by_section, key=lambda s: len(by_section[s]))
        return by_section[sec], sec
    return [], None


def _share_figures(documents: list[Document], doc: str, dept: str | None) -> list[tuple[Record, Figure]]:
    out, seen = [], set()
    for d in documents:
        if d.name != doc:
            continue
        for r in d.records:
            if r.department != dept:
                continue
            cands = []
            if _is_share_section(r.section) and "settled" in r.figures:
                cands.append(r.figures["settled"])
            cands += [a.figures["settled"] for a in r.appearances if _is_share_section(a.section) and "settled" in a.figures]
            for f in cands:
                if f.source not in seen:
                    seen.add(f.source)
                    out.append((r, f))
    return out


def _share_totals(documents: list[Document], goals: list[PolicyGoal]) -> list[Finding]:
    out = []
    by_dept: dict[tuple, list[PolicyGoal]] = defaultdict(list)
    for g in goals:
        by_dept[(g.source.doc, g.department)].append(g)
    for (doc, dept), gs in by_dept.items():
        figs, section = _goal_settled(gs)
        if not figs:
            continue
        total = sum(f.amount for f in figs)
        for rec, f in _share_figures(documents, doc, dept):
            if f.amount == total:
                continue
            msg = (f"성과목표 및 재원비중 결산액 {fmt(f.amount)}원 ≠ {section} 정책사업목표 {len(figs)}개의 "
                   f"결산액 합 {fmt(total)}원")
            out.append(finding("cross.policy_goal", "error", rec, lines_of(f, *figs), msg,
                               expected=total, actual=f.amount, subject=dept))
        tops = [r for d in documents if d.name == doc for r in d.of(SettlementLine)
                if r.department == dept and canonical(r.name) == "정책사업" and "settled" in r.figures]
        for t in tops:
            s = t.figures["settled"]
            if s.amount != total:
                msg = (f"{section} 정책사업목표 결산액 합 {fmt(total)}원 ≠ 결산현황 정책사업 {fmt(s.amount)}원 "
                       f"(성과보고서가 다루는 사업의 범위가 다름)")
                out.append(finding("cross.policy_goal", "warning", t, lines_of(s, *figs), msg,
                                   expected=s.amount, actual=total, subject=dept))
    return out


@rule("cross.summary", "총괄 대조", "총괄의 결산액·전년도 결산액 = 결산현황 계 = 사업별조서 부서 행의 지출액")
def check_summary(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        for s in d.of(DepartmentSummary):
            if s.is_total:
                continue
            dept = s.department or s.name
            lines = [r for r in d.of(SettlementLine) if r.department == dept]
            by = {}
            for r in lines:
                c = canonical(r.name)
                if c and c not in by:
                    by[c] = r
            for key in ("settled", "prior_year_settled"):
                fig = s.figures.get(key)
                if fig is None:
                    continue
                if "계" in by and key in by["계"].figures:
                    other = by["계"].figures[key]
                    f = _compare("cross.summary", s, key, fig, "총괄", other, "결산현황 계")
                    if f:
                        out.append(f)
                elif all(c in by and key in by[c].figures for c in SETTLEMENT_TOP):
                    parts = [by[c].figures[key] for c in SETTLEMENT_TOP]
                    total = sum(p.amount for p in parts)
                    if total != fig.amount:
                        msg = (f"총괄 {LABELS.get(key, '전년도 결산액')} {fmt(fig.amount)}원 ≠ 결산현황 정책사업+행정운영경비+재무활동 "
                               f"{fmt(total)}원")
                        out.append(finding("cross.summary", "error", s, lines_of(fig, *parts), msg,
                                           expected=total, actual=fig.amount))
            fig = s.figures.get("settled")
            tops = [p for p in d.of(Program) if level_of(p) == 0 and norm(p.department) == norm(dept)
                    and "spent" in p.figures]
            for p in tops[:1]:
                f = _compare("cross.summary", s, "settled", fig, "총괄", p.figures["spent"], "사업별조서 부서 계") if fig else None
                if f:
                    out.append(f)
    return out


@rule("cross.plan_budget", "계획·결산 대조", "같은 해의 주요업무계획 과제 예산과 결산서 사업 예산(예산액 또는 예산현액)이 같다 (이름으로 맞춤)")
def check_plan_budget(documents: list[Document]) -> list[Finding]:
    out = []
    settlement = [p for d in documents if d.family == "settlement_report" for p in d.of(Program)
                  if "budget" in p.figures and p.section != PERF_SECTION]
    by_year: dict = {}  # year -> (its programs, a NameIndex of their names), built on first use
    for d in documents:
        if d.family != "work_plan":
            continue
        for t in d.records:
            if not isinstance(t, PlanTask) and type(t).__name__ != "BudgetItem":
                continue
            fig = t.figures.get("budget")
            if fig is None or fig.value is None:
                continue
            name = getattr(t, "title", "") or t.name
            if t.year not in by_year:
                year_cands = [p for p in settlement if p.year == t.year]
                by_year[t.year] = (year_cands, NameIndex(p.name for p in year_cands))
            cands, index = by_year[t.year]
            match = index.best(name, names.PLAN_PROGRAM)
            if match is None:
                continue
            same = [p for p in cands if p.name == match]
            if len(same) != 1:
                continue
            p = same[0]
            accepted = [p.figures[k] for k in ("budget", "current_budget") if k in p.figures]
            if any(abs(a.amount - fig.amount) <= rounding_slack([a, fig]) for a in accepted):
                continue
            msg = (f"{name}: 주요업무계획 예산 {fmt(fig.amount)}원 ≠ 결산서 {p.name} 예산액 "
                   f"{fmt(p.figures['budget'].amount)}원 ({p.source.doc}:{p.line_of('budget')})")
            f = finding("cross.plan_budget", "warning", t, lines_of(fig), msg,
                        expected=p.figures["budget"].amount, actual=fig.amount)
            out.append(f)
    return out


def _table_of(d: Document, line: int) -> int | None:
    """The index of the kept table of ``d`` holding ``line``."""
    for i, t in enumerate(d.tables):
        if line in t.lines:
            return i
    return None


def plan_item_pairs(d: Document):
    """Pairs of budget rows of two different tables of one work plan, of one department, that
    name the same project up to spacing and a word (``상수도 시설 개선`` / ``상수도시설개선(계속)``:
    :func:`same_project`), each with its 사업비 — one pair per two tables; a name that
    matches two rows of the other table (which one is unknown) gives none."""
    items, amounts = [], {}
    for r in d.records:
        fig = _project_cost(r)
        if fig is not None:
            items.append(r)
            amounts[id(r)] = fig
    where = {id(r): _table_of(d, r.source.line) for r in items}
    out = []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            ta, tb = where[id(a)], where[id(b)]
            if ta is None or tb is None or ta == tb or norm(a.department) != norm(b.department):
                continue
            if not same_project(_project_name(a), _project_name(b)):
                continue
            rivals = [c for c in items if where[id(c)] in (ta, tb) and c is not a and c is not b
                      and norm(c.department) == norm(a.department)
                      and (same_project(_project_name(c), _project_name(a))
                           or same_project(_project_name(c), _project_name(b)))]
            if not rivals:
                out.append((a, amounts[id(a)], b, amounts[id(b)]))
    return out


#: characters a project's name may gain in another table: a word such as ``추진``, ``(계속)``
_EXTRA_WORD = 4


def same_project(a: str, b: str) -> bool:
    """The same project's name up to spacing, punctuation and one short word before or after
    (``상수도 시설 개선`` / ``상수도시설개선(계속)`` / ``상수도시설개선 추진``). Not a similarity
    ratio: two villages' projects (``갈산2리 마을안길 정비 사업`` / ``태2리 마을안길 정비 사업``)
    are as similar as that, and are two projects."""
    ka, kb = norm(a), norm(b)
    if ka == kb:
        return bool(ka)
    short, long = sorted((ka, kb), key=len)
    return (len(short) >= 4 and len(long) - len(short) <= _EXTRA_WORD
            and (long.startswith(short) or long.endswith(short)))


#: a column of a row's whole cost: ``사업비``, ``총사업비``, ``사업비 계``, ``예산액`` (not a source of funding)
_COST_COLUMN = re.compile(r"^(?:총?사업비|예산액?|소요예산)(?:\s*(?:계|합계|총액))?$")
#: a period printed after a project's name in the same row (``2024.~2025.``), joined to the
#: row's label by the reader
_PERIOD_TAIL = re.compile(r"\s+['‘’]?\d{2,4}\.?\s*[~∼-].*$")


def _project_cost(r: Record) -> Figure | None:
    """A plan row's whole cost: a budget row's 사업비 (``budget``), or the one cost column of a
    statistics row (a ``(단위: 원)`` table read as statistics); None for totals."""
    if getattr(r, "is_total", False) or type(r).__name__ not in ("BudgetItem", "Statistic"):
        return None
    if isinstance(r, BudgetItem):
        fig = r.figures.get("budget")
    else:
        cols = [f for k, f in r.figures.items() if k.startswith("col:") and _COST_COLUMN.match(k[4:].strip())]
        fig = cols[0] if len(cols) == 1 else None
    return fig if fig is not None and fig.value is not None and not fig.unit else None


def _project_name(r: Record) -> str:
    return _PERIOD_TAIL.sub("", r.name or "")


@rule("cross.plan_item", "계획 안의 같은 사업",
      "주요업무계획의 두 표에 실린 같은 사업(띄어쓰기·한 단어 차이의 이름, 같은 부서)의 사업비는 같다 (이름으로 맞춤: 경고)")
def check_plan_item(documents: list[Document]) -> list[Finding]:
    from .tables import amount, unit_at

    out = []
    for d in documents:
        if d.family != "work_plan":
            continue
        for a, fa, b, fb in plan_item_pairs(d):
            diff = abs(fa.amount - fb.amount)
            if diff < 1e-6:
                continue
            # printed in the same unit, the same amount rounds the same way: only printings in
            # two units (천원 / 백만원) may differ by rounding
            slack = 0.0 if precision(fa) == precision(fb) else rounding_slack([fa, fb])
            severity = "info" if diff <= slack else "warning"
            ua, ub = unit_at(d, fa.source.line), unit_at(d, fb.source.line)
            msg = (f"{a.name} 사업비: {a.section or '표'}({fa.source.line}행) {amount(fa.amount, fa, ua)} ≠ "
                   f"{b.section or '표'}({fb.source.line}행) {_project_name(b)} {amount(fb.amount, fb, ub)}"
                   + (" (반올림 차이)" if severity == "info" else
                      " (이름이 비슷한 사업: 같은 사업·같은 범위(총사업비/올해 예산)인지 확인 필요)"))
            out.append(finding("cross.plan_item", severity, a, lines_of(fa, fb), msg,
                               expected=fa.amount, actual=fb.amount))
    return out


NON_POLICY = _NON_POLICY


@rule("cross.prior_year", "전년도 결산 대조",
      "결산현황 정책사업의 전년도 결산액 = 관련 예산사업 결산현황 단위사업들의 전년도 결산 합 (올해 없는 사업은 빠질 수 있어 경고)")
def check_prior_year(documents: list[Document]) -> list[Finding]:
    """The 관련 예산사업 결산현황 tables print each unit program's previous-year settlement;
    summed over the department's policy programs they should give 결산현황's 정책사업
    전년도 결산액. They list only this year's programs, so a program that ended last year is
    missing from the sum: a difference is a warning to look at, not an arithmetic error."""
    from .programs import children_of, program_groups

    out = []
    for group in program_groups(documents):
        if not group or group[0].section == PERF_SECTION:
            continue
        units: list[Program] = []
        complete = True
        for i, p in enumerate(group):
            if level_of(p) != 1 or any(p.name.replace(" ", "").startswith(n) for n in NON_POLICY):
                continue
            kids = children_of(group, i)
            if not kids or any("prior_year_spent" not in k.figures for k in kids):
                complete = False
                break
            units.extend(kids)
        if not complete or not units:
            continue
        dept, doc = group[0].department, group[0].source.doc
        total = sum(k.figures["prior_year_spent"].amount for k in units)
        for d in documents:
            if d.name != doc:
                continue
            for line in d.of(SettlementLine):
                if line.department != dept or canonical(line.name) != "정책사업":
                    continue
                printed = line.figures.get("prior_year_settled")
                if printed is None or printed.amount == total:
                    continue
                figs = [k.figures["prior_year_spent"] for k in units]
                msg = (f"{dept} 결산현황 정책사업 전년도 결산액 {fmt(printed.amount)}원 ≠ 관련 예산사업 결산현황 "
                       f"단위사업 {len(units)}개의 전년도 결산 합 {fmt(total)}원 (차이 {fmt(printed.amount - total)}원; "
                       f"올해 없는 사업이 빠졌거나 한쪽이 틀림)")
                out.append(finding("cross.prior_year", "warning", line, lines_of(printed, *figs), msg,
                                   expected=total, actual=printed.amount, subject=dept))
    return out
