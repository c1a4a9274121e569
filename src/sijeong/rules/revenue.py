"""세입결산: the identities of one revenue row and the 과목 code hierarchy
(department row → 장 200 → 관 210 → 항 216 → 목 216-01)."""

from __future__ import annotations

from collections import defaultdict

from ..model import Document, Finding, Revenue
from .base import fmt, lines_of, rule, sum_check

LABELS = {
    "budget": "예산액",
    "carried_over": "전년도이월액",
    "current_budget": "예산현액",
    "assessed": "징수결정액",
    "received_total": "수납총액",
    "in_kind": "물납액",
    "refunds": "환급액",
    "received": "실제수납액",
    "written_off": "불납결손액",
    "uncollected": "미수납액",
}


def _revenues(documents: list[Document]) -> list[Revenue]:
    return [r for d in documents for r in d.records if isinstance(r, Revenue)]


def _fig(r: Revenue, key: str):
    return r.figures.get(key)


@rule("revenue.current_budget", "세입 예산현액", "예산현액 = 예산액 + 전년도이월액")
def check_current_budget(documents: list[Document]) -> list[Finding]:
    out = []
    for r in _revenues(documents):
        cur, bud, co = _fig(r, "current_budget"), _fig(r, "budget"), _fig(r, "carried_over")
        if cur is None or bud is None:
            continue
        parts = [("예산액", bud)] + ([("전년도이월액", co)] if co else [])
        f = sum_check("revenue.current_budget", r, "예산현액", cur, parts)
        if f:
            out.append(f)
    return out


@rule("revenue.received", "실제수납액", "실제수납액 = 수납총액 + 물납액 − 환급액")
def check_received(documents: list[Document]) -> list[Finding]:
    out = []
    for r in _revenues(documents):
        rec, tot = _fig(r, "received"), _fig(r, "received_total")
        if rec is None or tot is None:
            continue
        parts, signs = [("수납총액", tot)], [1]
        if _fig(r, "in_kind"):
            parts.append(("물납액", _fig(r, "in_kind")))
            signs.append(1)
        if _fig(r, "refunds"):
            parts.append(("환급액", _fig(r, "refunds")))
            signs.append(-1)
        f = sum_check("revenue.received", r, "실제수납액", rec, parts, signs=signs)
        if f:
            out.append(f)
    return out


@rule("revenue.uncollected", "미수납액", "미수납액 = 징수결정액 − 실제수납액 − 불납결손액")
def check_uncollected(documents: list[Document]) -> list[Finding]:
    out = []
    for r in _revenues(documents):
        unc, ass, rec = _fig(r, "uncollected"), _fig(r, "assessed"), _fig(r, "received")
        if unc is None or ass is None or rec is None:
            continue
        parts = [("징수결정액", ass), ("실제수납액", rec)]
        if _fig(r, "written_off"):
            parts.append(("불납결손액", _fig(r, "written_off")))
        f = sum_check("revenue.uncollected", r, "미수납액", unc, parts, signs=[1] + [-1] * (len(parts) - 1))
        if f:
            out.append(f)
    return out


def _groups(documents: list[Document]) -> list[list[Revenue]]:
    groups: dict[tuple, list[Revenue]] = defaultdict(list)
    for r in _revenues(documents):
        groups[(r.source.doc, r.department, r.account)].append(r)
    return [sorted(g, key=lambda r: (r.position, r.source.line)) for g in groups.values()]


def _children(group: list[Revenue], i: int) -> list[Revenue]:
    parent = group[i]
    kids = []
    for q in group[i + 1:]:
        if q.level <= parent.level:
            break
        if q.level == parent.level + 1:
            kids.append(q)
    if parent.code and kids and any(k.parent_code and k.parent_code != parent.code for k in kids):
        return []  # the reader says otherwise: do not guess
    return kids


@rule("revenue.total", "세입 과목 합계", "부서 계 = Σ장, 장 = Σ관, 관 = Σ항, 항 = Σ목 (열마다)")
def check_total(documents: list[Document]) -> list[Finding]:
    out = []
    for group in _groups(documents):
        for i, parent in enumerate(group):
            kids = _children(group, i)
            if not kids:
                continue
            name = parent.name if not parent.code else f"{parent.code} {parent.name}"
            for key, label in LABELS.items():
                total = parent.figures.get(key)
                if total is None or not all(key in k.figures for k in kids):
                    continue
                parts = [((k.code or k.name), k.figures[key]) for k in kids]
                f = sum_check("revenue.total", parent, f"{name} {label}", total, parts)
                if f is None:
                    continue
                if len(parts) > 4:
                    expected = sum(fig.amount for _, fig in parts)
                    f.message = (f"{name} {label} {fmt(total.amount)}원 ≠ 하위 과목 {len(parts)}개의 합 "
                                 f"{fmt(expected)}원")
                f.lines = lines_of(total, *[fig for _, fig in parts])
                out.append(f)
    return out
