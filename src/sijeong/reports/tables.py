"""Official tables built from the model: ``docs -> ReportTable``.

Every function takes the loaded documents (any number, any mix), the fiscal ``year`` and
optionally a ``department`` and ``municipality``; it returns one :class:`ReportTable`.
Totals, counts and shares are computed from the records underneath — never copied from a
printed total — so a table shows what the data says, and where the document's own table
differs, the document is inconsistent (the rules say where).

Performance tables live here (총괄, 성과목표 및 재원비중, 성과지표 달성현황); the money
tables (결산현황, 관련 예산사업 결산현황, 사업별조서, 세입결산, 주요업무계획) in
:mod:`.finance`, re-exported below. A web page calls the same functions and renders
``table.as_dict()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Document, Indicator, PolicyGoal, Program, Source, StrategicGoal
from ..model.vocabulary import GRADE_LEGEND, GRADES
from .base import ReportCell, ReportRow, ReportTable, header
from .finance import KINDS as _FINANCE_KINDS
from .finance import department_settled, plan, programs, related_programs, revenues, settlement
from .select import departments, fig_source, grade_of, key, match, rate_of, records, short_year

__all__ = [
    "TABLES",
    "build",
    "goals",
    "indicators",
    "plan",
    "programs",
    "related_programs",
    "revenues",
    "settlement",
    "summary",
]



def _cell(value, kind: str, rec=None, field: str | None = None, **kw) -> ReportCell:
    src = fig_source(rec, field) if rec is not None and field else None
    return ReportCell(value, kind, source=src, **kw)


def _computed(value, kind: str, inputs: Iterable[Source] = (), **kw) -> ReportCell:
    return ReportCell(value, kind, computed=True, inputs=list(inputs), **kw)


# --- 총괄 -----------------------------------------------------------------------------

def summary(
    docs: Iterable[Document],
    year: int,
    department: str | None = None,
    *,
    municipality: str | None = None,
    grades: str = "reported",
) -> ReportTable:
    """가. 총괄: per department and 계 — goal and indicator counts from the records, the
    성과달성도 counts from the indicators' grades, 결산액 from the programs."""
    docs = list(docs)
    sel = dict(department=department, municipality=municipality)
    goals_ = records(docs, PolicyGoal, year=year, **sel)
    inds = records(docs, Indicator, year=year, **sel)
    strat = records(docs, StrategicGoal, year=year, **sel)
    progs = records(docs, Program, year=year, **sel)
    depts = departments([*goals_, *inds, *progs])

    rows: list[ReportRow] = []
    totals = [0] * 9
    total_known = [True] * 9
    total_inputs: list[list[Source]] = [[] for _ in range(9)]
    for dept in depts:
        d_goals = [g for g in goals_ if key(g.department) == key(dept)]
        d_inds = [i for i in inds if key(i.department) == key(dept)]
        # a strategic goal is what the policy goals name (one cell may hold several ○ lines)
        d_strat = {key(g.strategic_goal) for g in d_goals if g.strategic_goal}
        if not d_strat:
            d_strat = {key(s.name) for s in strat if key(s.department) == key(dept)}
        counts = {g: 0 for g in GRADES}
        grade_src: dict[str, list[Source]] = {g: [] for g in GRADES}
        for ind in d_inds:
            g, _ = grade_of(ind, grades)
            if g in counts:
                counts[g] += 1
                grade_src[g].append(ind.source)
        settled, prior, _lines = department_settled(docs, year, dept, municipality=municipality)
        change = None if settled[0] is None or prior[0] is None else settled[0] - prior[0]
        values = [
            (len(d_strat), [s.source for s in strat if key(s.department) == key(dept)]),
            (len(d_goals), [g.source for g in d_goals]),
            (len(d_inds), [i.source for i in d_inds]),
            (counts["◎"], grade_src["◎"]),
            (counts["○"], grade_src["○"]),
            (counts["×"], grade_src["×"]),
            settled,
            prior,
            (change, settled[1] + prior[1]),
        ]
        cells = [ReportCell(dept, "text")]
        for i, (v, srcs) in enumerate(values):
            cells.append(_computed(v, "count" if i < 6 else "money", srcs))
            if v is None:
                total_known[i] = False
            else:
                totals[i] += v
            total_inputs[i].extend(srcs)
        rows.append(ReportRow(cells))
    total = ReportRow(
        [ReportCell("계", "text")]
        + [
            _computed(totals[i] if total_known[i] else None, "count" if i < 6 else "money", total_inputs[i])
            for i in range(9)
        ],
        is_total=True,
    )
    return ReportTable(
        kind="summary",
        title="가. 총괄",
        unit_note="(단위: 개, 원)",
        header=header(
            [("부서명", 3, 1), ("성과목표", 1, 6), ("결산액", 1, 3)],
            [("전략 목표수", 2, 1), ("정책 사업목표", 1, 2), ("성과달성도", 1, 3), ("결산액", 2, 1), ("전년도 결산액", 2, 1), ("비교증감", 2, 1)],
            ["개수", "지표수", "초과 달성", "달성", "미달성"],
        ),
        rows=[total, *rows] if rows else [],
        municipality=municipality,
        year=year,
        department=department,
    )


# --- 성과목표 및 재원비중 ---------------------------------------------------------------

def goals(
    docs: Iterable[Document],
    year: int,
    department: str | None = None,
    *,
    municipality: str | None = None,
    grades: str = "reported",
) -> ReportTable:
    """나. 성과목표 및 재원비중: strategic goal → policy goal → indicator with its grade; the
    결산액 of a strategic goal is the sum of its policy goals' 결산액, and its 비중 the share
    of that sum in the department's strategic goals."""
    docs = list(docs)
    sel = dict(department=department, municipality=municipality)
    goals_ = records(docs, PolicyGoal, year=year, **sel)
    inds = records(docs, Indicator, year=year, **sel)
    strat = records(docs, StrategicGoal, year=year, **sel)
    rows: list[ReportRow] = []
    for dept in departments([*goals_, *inds]):
        d_goals = [g for g in goals_ if key(g.department) == key(dept)]
        d_strat = [s for s in strat if key(s.department) == key(dept)]
        by_sg: dict[str, list[PolicyGoal]] = {}
        sg_names: dict[str, str] = {key(s.name): s.name for s in d_strat}
        for g in d_goals:
            k = key(g.strategic_goal) if g.strategic_goal else (key(d_strat[0].name) if len(d_strat) == 1 else "")
            sg_names.setdefault(k, g.strategic_goal or "")
            by_sg.setdefault(k, []).append(g)
        sums = {k: sum(g.settled or 0 for g in gs) for k, gs in by_sg.items()}
        dept_total = sum(sums.values())
        goal_of = _goal_matcher([g.name for g in d_goals])
        for k, gs in by_sg.items():
            blocks = []
            for g in gs:
                g_inds = [i for i in inds if key(i.department) == key(dept) and goal_of(i.policy_goal) == g.name]
                blocks.append((g, g_inds or [None]))
            height = sum(len(b[1]) for b in blocks)
            first_row = True
            for g, g_inds in blocks:
                for j, ind in enumerate(g_inds):
                    cells: list[ReportCell] = []
                    if first_row:
                        cells.append(ReportCell(f"{sg_names[k]} ({dept})", "text", source=_src_of(d_strat, k), row_span=height))
                    if j == 0:
                        cells.append(ReportCell(g.name, "text", source=g.source, row_span=len(g_inds)))
                    if ind is None:
                        cells += [ReportCell(None, "text"), ReportCell(None, "grade")]
                    else:
                        grade, is_computed = grade_of(ind, grades)
                        cells += [
                            ReportCell(ind.name, "text", source=ind.source),
                            ReportCell(grade, "grade", source=None if is_computed else ind.source, computed=is_computed,
                                       inputs=[fig_source(ind, "rate") or ind.source] if is_computed else []),
                        ]
                    if first_row:
                        inputs = [fig_source(g, "settled") or g.source for g in gs]
                        cells.append(_computed(sums[k], "money", inputs, row_span=height))
                        pct = round(100.0 * sums[k] / dept_total, 2) if dept_total else None
                        cells.append(_computed(pct, "rate", inputs, row_span=height))
                        first_row = False
                    rows.append(ReportRow(cells))
    return ReportTable(
        kind="goals",
        title="나. 성과목표 및 재원비중",
        unit_note="(단위: 원, %)",
        header=header(["전략목표명 (부서명)", "정책사업목표명", "성과지표명", f"{short_year(year)}년 달성성과", "결산액 (원)", "비중(%)"]),
        rows=rows,
        footnotes=[GRADE_LEGEND],
        municipality=municipality,
        year=year,
        department=department,
    )


def _goal_matcher(names: list[str]):
    cache: dict[str, str | None] = {}

    def goal_of(name: str | None) -> str | None:
        k = key(name)
        if k not in cache:
            cache[k] = match(name, names)
        return cache[k]

    return goal_of


def _src_of(strat: list[StrategicGoal], k: str) -> Source | None:
    for s in strat:
        if key(s.name) == k:
            return s.source
    return None


# --- 성과지표 달성현황 -----------------------------------------------------------------

def indicators(
    docs: Iterable[Document],
    year: int,
    department: str | None = None,
    *,
    municipality: str | None = None,
    policy_goal: str | None = None,
) -> ReportTable:
    """(2) 성과지표 달성현황 per policy goal: 목표, 실적, 달성률 of the year before and the
    year, side by side. 달성률 is the reported one; where none was printed it is computed
    (and marked so)."""
    docs = list(docs)
    sel = dict(department=department, municipality=municipality)
    cur = records(docs, Indicator, year=year, **sel)
    prev = records(docs, Indicator, year=year - 1, **sel)
    if policy_goal is not None:
        cur = [i for i in cur if key(i.policy_goal) == key(policy_goal)]
    prev_by = {(key(i.department), key(i.policy_goal), key(i.name)): i for i in prev}
    groups: dict[tuple[str, str], list[Indicator]] = {}
    for ind in cur:
        groups.setdefault((ind.department or "", ind.policy_goal or ""), []).append(ind)
    rows: list[ReportRow] = []
    for (dept, goal), inds in groups.items():
        rows.append(ReportRow([ReportCell(f"정책사업목표: {goal} ({dept})", "text", col_span=5)], is_group=True))
        for ind in inds:
            before = prev_by.get((key(ind.department), key(ind.policy_goal), key(ind.name)))
            label = f"{ind.name}({ind.unit})" if ind.unit else ind.name
            for n, (what, field) in enumerate((("목표", "target"), ("실적", "actual"), ("달성률(%)", "rate"))):
                cells = []
                if n == 0:
                    cells.append(ReportCell(label, "text", source=ind.source, row_span=3))
                    cells.append(ReportCell(ind.formula, "text", source=ind.source, row_span=3))
                cells.append(ReportCell(what, "text"))
                for rec in (before, ind):
                    cells.append(_indicator_value(rec, field))
                rows.append(ReportRow(cells))
    return ReportTable(
        kind="indicators",
        title="성과지표 달성현황",
        unit_note=None,
        header=header(["성과지표(단위)", "측정산식(방법)", "목표대비 달성률", f"{short_year(year - 1)}년 달성성과", f"{short_year(year)}년 달성성과"]),
        rows=rows,
        municipality=municipality,
        year=year,
        department=department,
    )


def _indicator_value(rec: Indicator | None, field: str) -> ReportCell:
    if rec is None:
        return ReportCell(None, "number" if field != "rate" else "rate")
    if field != "rate":
        return _cell(getattr(rec, field), "number", rec, field)
    if rec.rate is not None:
        return _cell(rec.rate, "rate", rec, "rate")
    return _computed(rate_of(rec), "rate", [s for s in (fig_source(rec, "target"), fig_source(rec, "actual")) if s])


TABLES = {
    "summary": summary,
    "goals": goals,
    "indicators": indicators,
    **_FINANCE_KINDS,
}


def build(kind: str, docs: Iterable[Document], year: int, department: str | None = None, **kw) -> ReportTable:
    """The table ``kind`` (a key of :data:`TABLES`)."""
    try:
        fn = TABLES[kind]
    except KeyError:
        raise ValueError(f"알 수 없는 보고서 종류 / unknown report kind: {kind!r} (one of {', '.join(TABLES)})") from None
    return fn(docs, year, department, **kw)
