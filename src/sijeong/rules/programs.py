"""사업별조서: the identities of one program row, and parent = Σ children at every level
(department row → 정책사업 → 단위사업 → 세부사업)."""

from __future__ import annotations

from collections import defaultdict

from ..model import Document, Figure, Finding, Program
from ..model.vocabulary import PROGRAM_LABELS
from .base import fmt, finding, lines_of, norm, rule, sum_check

LABELS = PROGRAM_LABELS
INCREASES = ("carried_over", "transfer_use", "transfer_divert", "revenue_substitute", "reserve_used", "change")
CARRIES = ("carry_explicit", "carry_accident", "carry_continuing")
UNSPENT_PARTS = ("subsidy_balance", "savings", "plan_change", "bid_difference", "spending_balance", "reserve")
LEVELS = {"department": 0, "total": 0, "policy": 1, "unit": 2, "detail": 3}


def _programs(documents: list[Document]) -> list[Program]:
    return [r for d in documents for r in d.records if isinstance(r, Program)]


def _parts(p: Program, keys: tuple[str, ...]) -> list[tuple[str, Figure]]:
    return [(LABELS[k], p.figures[k]) for k in keys if k in p.figures]


@rule("program.current_budget", "예산현액", "예산현액 = 예산액 + 전년도이월액 + 이용 + 전용 + 수입대체경비 + 예비비사용액 + 변경")
def check_current_budget(documents: list[Document]) -> list[Finding]:
    out = []
    for p in _programs(documents):
        cur, bud = p.figures.get("current_budget"), p.figures.get("budget")
        if cur is None or bud is None:
            continue
        if not any(k in p.figures for k in INCREASES):
            continue  # the table prints no adjustment column (전년도이월액, 이용 …): absent is not 0
        f = sum_check("program.current_budget", p, "예산현액", cur, [("예산액", bud)] + _parts(p, INCREASES))
        if f:
            out.append(f)
    return out


@rule("program.carry_forward", "다음연도이월액", "다음연도이월액 계 = 명시이월 + 사고이월 + 계속비이월")
def check_carry_forward(documents: list[Document]) -> list[Finding]:
    out = []
    for p in _programs(documents):
        total = p.figures.get("carry_forward")
        if total is None or not all(k in p.figures for k in CARRIES):
            continue
        f = sum_check("program.carry_forward", p, "다음연도이월액", total, _parts(p, CARRIES))
        if f:
            out.append(f)
    return out


@rule("program.unspent", "집행잔액", "집행잔액 = 예산현액 − 지출액 − 다음연도이월액 − 보조금반납금")
def check_unspent(documents: list[Document]) -> list[Finding]:
    out = []
    for p in _programs(documents):
        uns, cur, spent = (p.figures.get(k) for k in ("unspent", "current_budget", "spent"))
        if uns is None or cur is None or spent is None:
            continue
        parts = [("예산현액", cur), ("지출액", spent)] + _parts(p, ("carry_forward", "subsidy_returned"))
        f = sum_check("program.unspent", p, "집행잔액", uns, parts, signs=[1] + [-1] * (len(parts) - 1))
        if f:
            out.append(f)
    return out


@rule("program.unspent_parts", "집행잔액 내역", "집행잔액 계 = 보조금정산잔액 + 예산절감액 + 계획변경등 + 낙찰차액 + 지출잔액 + 예비비")
def check_unspent_parts(documents: list[Document]) -> list[Finding]:
    out = []
    for p in _programs(documents):
        uns = p.figures.get("unspent")
        parts = _parts(p, UNSPENT_PARTS)
        if uns is None or not parts:
            continue
        if len(parts) < len(UNSPENT_PARTS):
            # some parts were not printed: only parts that already exceed the total are wrong
            present = sum(f.amount for _, f in parts)
            if present <= uns.amount or any(f.amount < 0 for _, f in parts):
                continue
        f = sum_check("program.unspent_parts", p, "집행잔액", uns, parts)
        if f:
            out.append(f)
    return out


def program_groups(documents: list[Document]) -> list[list[Program]]:
    """Programs of one table (document, department, section, account) in printed order."""
    groups: dict[tuple, list[Program]] = defaultdict(list)
    for p in _programs(documents):
        groups[(p.source.doc, p.department, p.section, p.account)].append(p)
    return [sorted(g, key=lambda p: (p.position, p.source.line)) for g in groups.values()]


def level_of(p: Program) -> int | None:
    if p.level in LEVELS:
        return LEVELS[p.level]
    if p.level is None and p.department and norm(p.name) == norm(p.department):
        return 0
    return None


def children_of(group: list[Program], i: int) -> list[Program]:
    """The rows one level below ``group[i]`` up to the next row at its level or above."""
    lv = level_of(group[i])
    kids = []
    for q in group[i + 1:]:
        ql = level_of(q)
        if ql is None:
            return []
        if ql <= lv:
            break
        if ql == lv + 1:
            kids.append(q)
    return kids


def _own(p: Program, key: str) -> Figure | None:
    """The figure as the program's own table prints it (not merged from another printing)."""
    fig = p.figures.get(key)
    if fig is None or any(fig.source == a.source or fig is a.figures.get(key) for a in p.appearances):
        return None
    return fig


def _sum_finding(parent_name: str, rec: Program, label: str, total: Figure, parts: list[tuple[str, Figure]]) -> Finding | None:
    expected = sum(f.amount for _, f in parts)
    if expected == total.amount:
        return None
    f = sum_check("program.total", rec, f"{parent_name} {label}", total, parts)
    if f is None:
        return None
    if len(parts) > 4:  # keep the message short; every line is still listed
        f.message = (f"{parent_name} {label} {fmt(total.amount)}원 ≠ 하위 {len(parts)}개 사업의 합 "
                     f"{fmt(expected)}원 (차이 {fmt(total.amount - expected)}원)")
    f.lines = lines_of(total, *[fig for _, fig in parts])
    return f


@rule("program.total", "사업 합계", "부서 계 = Σ정책사업, 정책사업 = Σ단위사업, 단위사업 = Σ세부사업 (열마다, 표마다)")
def check_total(documents: list[Document]) -> list[Finding]:
    out = []
    own: dict[tuple[int, str], Figure | None] = {}  # _own of each (program, key), asked as parent and as child

    def own_of(p: Program, key: str) -> Figure | None:
        k = (id(p), key)
        if k not in own:
            own[k] = _own(p, key)
        return own[k]

    for group in program_groups(documents):
        for i, parent in enumerate(group):
            if level_of(parent) is None:
                continue
            kids = children_of(group, i)
            if not kids:
                continue
            for key, label in LABELS.items():
                total = own_of(parent, key)
                if total is None:
                    continue
                parts = []
                for k in kids:
                    fig = own_of(k, key)
                    if fig is None:
                        break
                    parts.append((k.name, fig))
                if len(parts) != len(kids):  # a child without its own figure: no sum to check
                    continue
                f = _sum_finding(parent.name, parent, label, total, parts)
                if f:
                    out.append(f)
    out.extend(_perf_table_totals(documents))
    return out


PERF_SECTION = "관련 예산사업 결산현황"


def _perf_table_totals(documents: list[Document]) -> list[Finding]:
    """관련 예산사업 결산현황: the unit row = Σ its detail rows, as that table prints them
    (rows merged into 사업별조서 records as appearances, and rows left on their own)."""
    out = []
    for d in documents:
        rows: list[tuple[int, str | None, str, dict[str, Figure], Program]] = []
        for p in d.of(Program):
            if p.section == PERF_SECTION:
                rows.append((p.source.line, p.level, p.name, p.figures, p))
            for a in p.appearances:
                if a.section == PERF_SECTION:
                    rows.append((a.source.line, p.level, a.name or p.name, a.figures, p))
        rows.sort(key=lambda r: r[0])
        i = 0
        while i < len(rows):
            line, level, name, figs, rec = rows[i]
            j = i + 1
            kids = []
            while j < len(rows) and rows[j][1] == "detail" and rows[j][0] == rows[j - 1][0] + 1:
                kids.append(rows[j])
                j += 1
            if level == "unit" and kids:
                for key in ("prior_year_spent", "budget", "spent"):
                    total = figs.get(key)
                    parts = [(k[2], k[3].get(key)) for k in kids]
                    if total is None or any(f is None for _, f in parts):
                        continue
                    f = _sum_finding(name, rec, f"{PERF_SECTION} " + {"prior_year_spent": "전년도 결산", "budget": "예산", "spent": "결산"}[key], total, parts)
                    if f:
                        out.append(f)
            i = j
    return out
