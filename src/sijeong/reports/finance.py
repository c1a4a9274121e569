"""Money tables: 결산현황, 관련 예산사업 결산현황, 사업별조서, 세입결산, 주요업무계획.

Spending comes from the program tree (정책사업 → 단위사업 → 세부사업): a parent's amount is
the sum of its leaves, a department's the sum of its 정책사업. The prior year's amount of
a category without program-level figures (행정운영경비, 재무활동 in a 성과보고서) is the one
printed in the department's 결산현황 for that category, shown with its source line.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Document, PlanTask, Program, Revenue, SettlementLine, Source
from .base import ReportCell, ReportRow, ReportTable, header
from .select import (
    ADMIN,
    ADMIN_PARTS,
    FINANCE,
    RESERVE,
    ProgramTree,
    category,
    departments,
    fig_source,
    key,
    records,
    share,
    short_year,
    sum_values,
)

Value = tuple[int | None, list[Source]]

CATEGORY_ORDER = ("정책사업", ADMIN, *ADMIN_PARTS, FINANCE, RESERVE)
ACCOUNTS = {"general": "일반회계", "special": "특별회계", "fund": "기금"}


def _computed(value, kind: str, inputs: Iterable[Source] = (), **kw) -> ReportCell:
    return ReportCell(value, kind, computed=True, inputs=list(inputs), **kw)


def _printed(rec, field: str, kind: str = "money") -> ReportCell:
    return ReportCell(getattr(rec, field), kind, source=fig_source(rec, field))


def _group(text: str, width: int) -> ReportRow:
    return ReportRow([ReportCell(text, "text", col_span=width)], is_group=True)


def category_amounts(
    docs: list[Document], year: int, dept: str, *, municipality: str | None = None
) -> dict[str, tuple[Value, Value, bool, bool]]:
    """{category: ((settled, sources), (prior-year settled, sources), prior printed?, settled printed?)}.

    An amount is taken from the department's 결산현황 line (printed) only where no
    program-level figure exists; the flags say so, and tables show it as printed."""
    tree = ProgramTree(records(docs, Program, year=year, department=dept, municipality=municipality))
    lines = {key(s.name): s for s in records(docs, SettlementLine, year=year, department=dept, municipality=municipality)}
    cats = tree.categories()
    out: dict[str, tuple[Value, Value, bool, bool]] = {}
    for cat in CATEGORY_ORDER:
        if cat in ADMIN_PARTS:
            progs = [k for p in cats.get(ADMIN, []) for k in tree.children(p) if category(k.name) == cat]
        else:
            progs = cats.get(cat, [])
        if cat == RESERVE and not progs:
            continue
        settled = sum_values(tree.rollup(p, "spent") for p in progs)
        prior = sum_values(tree.rollup(p, "prior_year_spent") for p in progs) if progs else (None, [])
        line = lines.get(key(cat))
        printed = False
        settled_printed = False
        if not progs and line is not None and line.settled is not None:
            # no program of this category among the records: the 결산현황 line is all there is
            settled, settled_printed = (line.settled, [fig_source(line, "settled") or line.source]), True
        if prior[0] is None and line is not None and line.prior_year_settled is not None:
            src = fig_source(line, "prior_year_settled") or line.source
            prior, printed = (line.prior_year_settled, [src]), True
        if prior[0] is None and not progs:
            prior = (0, [])
        if cat == RESERVE and prior[0] is None and settled[0] == 0 and line is None:
            continue  # 예비비 spent nothing and the 결산현황 does not list it
        out[cat] = (settled, prior, printed, settled_printed)
    return out


def department_settled(
    docs: list[Document], year: int, dept: str, *, municipality: str | None = None
) -> tuple[Value, Value, dict[str, tuple[Value, Value, bool, bool]]]:
    """The department's 결산액 and 전년도 결산액 (sums of its top categories)."""
    cats = category_amounts(docs, year, dept, municipality=municipality)
    top = [v[:2] for c, v in cats.items() if c not in ADMIN_PARTS]
    if not records(docs, Program, year=year, department=dept, municipality=municipality):
        return (None, []), (None, []), cats
    return sum_values(s for s, _ in top), sum_values(p for _, p in top), cats


# --- 결산현황 -------------------------------------------------------------------------

def settlement(docs: Iterable[Document], year: int, department: str | None = None, *, municipality: str | None = None) -> ReportTable:
    """3. 결산현황: 계, 정책사업, 행정운영경비 (인력운영비, 기본경비), 재무활동 with shares and change."""
    docs = list(docs)
    progs = records(docs, Program, year=year, department=department, municipality=municipality)
    depts = departments(progs)
    rows: list[ReportRow] = []
    for dept in depts:
        if len(depts) > 1:
            rows.append(_group(dept, 7))
        (tot, tot_src), (ptot, ptot_src), cats = department_settled(docs, year, dept, municipality=municipality)
        rows.append(_settlement_row("계", (tot, tot_src), (ptot, ptot_src), tot, ptot, total=True))
        for cat, (s, p, printed, s_printed) in cats.items():
            rows.append(_settlement_row(cat, s, p, tot, ptot, level=1 if cat in ADMIN_PARTS else 0,
                                        printed=printed, settled_printed=s_printed))
    return ReportTable(
        kind="settlement",
        title="결산현황",
        unit_note="(단위: 원, %)",
        header=header(["구분", "결산액", "구성비", "전년도 결산액", "구성비", "비교증감", "증감률"]),
        rows=rows,
        municipality=municipality,
        year=year,
        department=department,
    )


def _settlement_row(
    label: str, cur: Value, prev: Value, tot, ptot, *, total: bool = False, level: int = 0, printed: bool = False,
    settled_printed: bool = False,
) -> ReportRow:
    (s, s_src), (p, p_src) = cur, prev
    change = None if s is None or p is None else s - p
    rate = share(change, p) if change is not None and p else (0.0 if change == 0 else None)
    prior_cell = ReportCell(p, "money", source=p_src[0]) if printed and p_src else _computed(p, "money", p_src)
    return ReportRow(
        [
            ReportCell(label, "text"),
            ReportCell(s, "money", source=s_src[0]) if settled_printed and s_src else _computed(s, "money", s_src),
            _computed(share(s, tot) if tot else (None if tot is None else 0.0), "rate", s_src),
            prior_cell,
            _computed(share(p, ptot) if ptot else (None if ptot is None else 0.0), "rate", p_src),
            _computed(change, "money", s_src + p_src),
            _computed(rate, "rate", s_src + p_src),
        ],
        is_total=total,
        level=level,
    )


# --- 관련 예산사업 결산현황 -------------------------------------------------------------

def related_programs(docs: Iterable[Document], year: int, department: str | None = None, *, municipality: str | None = None) -> ReportTable:
    """관련 예산사업 결산현황: each 단위사업 of the 정책사업 with its 세부사업 — prior-year
    settled, budget (예산현액) and settled; a 단위사업's amounts are its 세부사업's sums."""
    docs = list(docs)
    progs = records(docs, Program, year=year, department=department, municipality=municipality)
    depts = departments(progs)
    rows: list[ReportRow] = []
    fields = ("prior_year_spent", "current_budget", "spent")
    for dept in depts:
        if len(depts) > 1:
            rows.append(_group(dept, 5))
        tree = ProgramTree([p for p in progs if key(p.department) == key(dept)])
        for root in tree.categories().get("정책사업", []):
            for unit in tree.children(root):
                details = tree.children(unit)
                account = ACCOUNTS.get(unit.account or "", unit.account)
                if details:
                    cells = [ReportCell(unit.name, "text", source=unit.source), ReportCell(account, "text")]
                    for f in fields:
                        v, srcs = tree.rollup(unit, f)
                        cells.append(_computed(v, "money", srcs))
                    rows.append(ReportRow(cells, is_total=True))
                    for d in details:
                        rows.append(ReportRow([ReportCell(d.name, "text", source=d.source), ReportCell(None, "text")]
                                              + [_printed(d, f) for f in fields], level=1))
                else:
                    rows.append(ReportRow([ReportCell(unit.name, "text", source=unit.source), ReportCell(account, "text")]
                                          + [_printed(unit, f) for f in fields]))
    return ReportTable(
        kind="related_programs",
        title="관련 예산사업 결산현황",
        unit_note="(단위: 원)",
        header=header(["사업명", "회계구분", f"{short_year(year - 1)}결산", f"{short_year(year)}예산", f"{short_year(year)}결산"]),
        rows=rows,
        municipality=municipality,
        year=year,
        department=department,
    )


# --- 사업별조서 ------------------------------------------------------------------------

PROGRAM_COLUMNS = (
    ("budget", "예산액"),
    ("carried_over", "전년도이월액"),
    ("transfer_use", "이용"),
    ("revenue_substitute", "수입대체경비"),
    ("reserve_used", "예비비사용액"),
    ("transfer_divert", "전용"),
    ("change", "변경"),
    ("current_budget", "예산현액"),
    ("spent", "지출액"),
    ("carry_forward", "계"),
    ("carry_explicit", "명시이월"),
    ("carry_accident", "사고이월"),
    ("carry_continuing", "계속비이월"),
    ("subsidy_returned", "보조금 반납금"),
    ("unspent", "계"),
    ("subsidy_balance", "보조금 정산잔액"),
    ("savings", "예산절감액"),
    ("plan_change", "계획변경등 집행사유미발생"),
    ("bid_difference", "낙찰차액"),
    ("spending_balance", "지출잔액"),
    ("reserve", "예비비"),
)


def programs(docs: Iterable[Document], year: int, department: str | None = None, *, municipality: str | None = None) -> ReportTable:
    """사업별조서 with every column. Program rows show the printed figures; the department
    row is computed as the sum of its 정책사업."""
    docs = list(docs)
    progs = records(docs, Program, year=year, department=department, municipality=municipality)
    rows: list[ReportRow] = []
    for dept in departments(progs):
        tree = ProgramTree([p for p in progs if key(p.department) == key(dept)])
        roots = tree.roots()
        total = [ReportCell(dept, "text")]
        for f, _ in PROGRAM_COLUMNS:
            total.append(_computed(sum(getattr(p, f) or 0 for p in roots), "money",
                                   [fig_source(p, f) or p.source for p in roots]))
        rows.append(ReportRow(total, is_total=True))
        for p in tree.programs:
            level = ("policy", "unit", "detail").index(p.level)
            cells = [ReportCell(p.name, "text", source=p.source)] + [_printed(p, f) for f, _ in PROGRAM_COLUMNS]
            rows.append(ReportRow(cells, is_total=bool(tree.children(p)), level=level))
    return ReportTable(
        kind="programs",
        title="사업별조서",
        unit_note="(단위: 원)",
        header=header(
            [("과목 (조직 - 사업)", 2, 1), ("예산액", 2, 1), ("예산성립후 증감", 1, 6), ("예산현액", 2, 1), ("지출액", 2, 1),
             ("다음연도 이월액", 1, 4), ("보조금 반납금", 2, 1), ("집행잔액", 1, 7)],
            [label for f, label in PROGRAM_COLUMNS[1:7]] + [label for f, label in PROGRAM_COLUMNS[9:13]]
            + [label for f, label in PROGRAM_COLUMNS[14:]],
        ),
        rows=rows,
        municipality=municipality,
        year=year,
        department=department,
    )


# --- 세입결산 --------------------------------------------------------------------------

REVENUE_COLUMNS = ("budget", "carried_over", "current_budget", "assessed", "received_total", "in_kind",
                   "refunds", "received", "written_off", "uncollected")


def revenues(docs: Iterable[Document], year: int, department: str | None = None, *, municipality: str | None = None) -> ReportTable:
    """세입결산 by 과목 code; the department row is the sum of its top-level codes."""
    docs = list(docs)
    revs = [r for r in records(docs, Revenue, year=year, department=department, municipality=municipality)]
    rows: list[ReportRow] = []
    for dept in departments(revs):
        coded = sorted((r for r in revs if key(r.department) == key(dept) and r.code), key=lambda r: r.position)
        if not coded:
            continue
        top = min(r.level for r in coded)
        tops = [r for r in coded if r.level == top]
        total = [ReportCell(dept, "text")]
        for f in REVENUE_COLUMNS:
            total.append(_computed(sum(getattr(r, f) or 0 for r in tops), "money", [fig_source(r, f) or r.source for r in tops]))
        rows.append(ReportRow(total, is_total=True))
        for r in coded:
            rows.append(ReportRow([ReportCell(f"{r.code} {r.name}", "text", source=r.source)]
                                  + [_printed(r, f) for f in REVENUE_COLUMNS], level=max(r.level - top, 0)))
    return ReportTable(
        kind="revenues",
        title="세입결산",
        unit_note="(단위: 원)",
        header=header(
            [("과목", 2, 1), ("예산액", 2, 1), ("전년도 이월액", 2, 1), ("예산현액", 2, 1), ("징수결정액", 2, 1),
             ("수납액", 1, 4), ("불납결손액", 2, 1), ("미수납액", 2, 1)],
            ["수납총액", "물납액", "환급액", "실제수납액"],
        ),
        rows=rows,
        municipality=municipality,
        year=year,
        department=department,
    )


# --- 주요업무계획 ----------------------------------------------------------------------

def plan(docs: Iterable[Document], year: int, department: str | None = None, *, municipality: str | None = None) -> ReportTable:
    """A department's 주요업무계획: numbered tasks with budgets (by source) and people."""
    docs = list(docs)
    tasks = records(docs, PlanTask, year=year, department=department, municipality=municipality)
    depts = departments(tasks)
    rows: list[ReportRow] = []
    for dept in depts:
        if len(depts) > 1:
            rows.append(_group(dept, 11))
        d_tasks = sorted((t for t in tasks if key(t.department) == key(dept)), key=lambda t: (t.number or 0, t.source.line))
        total = [ReportCell("계", "text", col_span=2)]
        for f in ("budget", "national", "provincial", "city"):
            srcs = [fig_source(t, f) for t in d_tasks if getattr(t, f) is not None]
            known = [getattr(t, f) for t in d_tasks if getattr(t, f) is not None]
            total.append(_computed(sum(known) if known else None, "money", [s for s in srcs if s]))
        total += [ReportCell(None, "text") for _ in range(5)]
        rows.append(ReportRow(total, is_total=True))
        for t in d_tasks:
            staff = ", ".join(p.name or p.title or "" for p in t.staff)
            if t.extension:
                staff = f"{staff} (☎{t.extension})" if staff else f"☎{t.extension}"
            rows.append(ReportRow([
                ReportCell(t.number, "count", source=t.source),
                ReportCell(t.title or t.name, "text", source=t.source),
                _printed(t, "budget"), _printed(t, "national"), _printed(t, "provincial"), _printed(t, "city"),
                ReportCell(t.lead_department or t.department, "text"),
                ReportCell(t.head, "text"),
                ReportCell(t.team_leader, "text"),
                ReportCell(staff or None, "text"),
                ReportCell(", ".join(t.cooperating_departments) or None, "text"),
            ]))
    return ReportTable(
        kind="plan",
        title=f"{year}년 주요업무계획",
        unit_note="(단위: 원)",
        header=header(
            [("번호", 2, 1), ("과제명", 2, 1), ("사업비", 2, 1), ("재원", 1, 3), ("추진부서", 2, 1), ("담당자", 1, 3), ("협조부서", 2, 1)],
            ["국비", "도비", "시비", "과장", "팀장", "담당"],
        ),
        rows=rows,
        municipality=municipality,
        year=year,
        department=department,
    )


KINDS = {
    "settlement": settlement,
    "related_programs": related_programs,
    "programs": programs,
    "revenues": revenues,
    "plan": plan,
}
