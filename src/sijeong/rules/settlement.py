"""결산현황 (SettlementLine) and 총괄 (DepartmentSummary) arithmetic:
계 = 정책사업 + 행정운영경비 + 재무활동, 행정운영경비 = 인력운영비 + 기본경비, 구성비 합 100,
비교증감 = 결산액 − 전년도 결산액, 증감률 = 비교증감 / 전년도 결산액 × 100,
총괄 계 = Σ부서."""

from __future__ import annotations

from collections import defaultdict

from ..model import DepartmentSummary, Document, Figure, Finding, SettlementLine, Staffing
from ..model.vocabulary import ADMIN, ADMIN_PARTS, FINANCE, POLICY, SETTLEMENT_TOP, STAFFING_LABELS, SUMMARY_LABELS
from .base import finding, fmt, lines_of, pct, precision, round_half_up, rule, sum_check, truncate

CANON = ("계", POLICY, ADMIN, *ADMIN_PARTS, FINANCE)


def canonical(label: str) -> str | None:
    """The 결산현황 row a label names, tolerating extraction noise (``재우활동``)."""
    t = label.replace(" ", "")
    if t in ("계", "합계", "총계"):
        return "계"
    for c in CANON[1:]:
        if t == c:
            return c
    for c in CANON[1:]:
        if len(t) == len(c) and sum(a != b for a, b in zip(t, c)) <= 1:
            return c
    return None


def line_sets(documents: list[Document]) -> dict[tuple, dict[str, SettlementLine]]:
    """(doc, department) → canonical label → line."""
    out: dict[tuple, dict[str, SettlementLine]] = defaultdict(dict)
    for d in documents:
        for r in d.of(SettlementLine):
            c = canonical(r.name)
            if c and c not in out[(d.name, r.department)]:
                out[(d.name, r.department)][c] = r
    return out


MONEY = (("settled", "결산액"), ("prior_year_settled", "전년도 결산액"), ("change", "비교증감"))
SHARES = (("share", "구성비"), ("prior_year_share", "전년도 구성비"))


def _sum_lines(documents: list[Document], rule_id: str, total_name: str, part_names: tuple[str, ...],
               label: str) -> list[Finding]:
    """A 결산현황 row = the sum of other rows, column by column (money and shares)."""
    out = []
    for rows in line_sets(documents).values():
        total = rows.get(total_name)
        parts = [rows[c] for c in part_names if c in rows]
        if total is None or len(parts) < 2:
            continue
        for key, col in MONEY + SHARES:
            if key not in total.figures or not all(key in p.figures for p in parts):
                continue
            f = sum_check(rule_id, total, f"{label} {col}", total.figures[key],
                          [(p.name, p.figures[key]) for p in parts], unit="%" if "share" in key else "원")
            if f:
                out.append(f)
    return out


@rule("settlement.total", "결산현황 계", "결산현황 계 = 정책사업 + 행정운영경비 + 재무활동 (결산액·전년도·증감·구성비)")
def check_total(documents: list[Document]) -> list[Finding]:
    return _sum_lines(documents, "settlement.total", "계", SETTLEMENT_TOP, "결산현황 계")


@rule("settlement.operating", "행정운영경비", "행정운영경비 = 인력운영비 + 기본경비 (결산액·전년도·증감·구성비)")
def check_operating(documents: list[Document]) -> list[Finding]:
    return _sum_lines(documents, "settlement.operating", "행정운영경비", ("인력운영비", "기본경비"), "행정운영경비")


@rule("settlement.share", "구성비", "구성비 = 결산액 / 계 × 100 (반올림은 info), 정책사업·행정운영경비·재무활동의 구성비 합 = 100")
def check_share(documents: list[Document]) -> list[Finding]:
    out = []
    for rows in line_sets(documents).values():
        tops = [rows[c] for c in SETTLEMENT_TOP if c in rows]
        for money, share, label in (("settled", "share", "구성비"), ("prior_year_settled", "prior_year_share", "전년도 구성비")):
            if len(tops) < 3 or not all(money in r.figures for r in tops):
                continue
            base_fig = rows["계"].figures.get(money) if "계" in rows else None
            denom = base_fig.amount if base_fig else sum(r.figures[money].amount for r in tops)
            if not denom:
                continue
            for r in rows.values():
                sf, mf = r.figures.get(share), r.figures.get(money)
                if sf is None or mf is None or sf.value is None:
                    continue
                computed = mf.amount / denom * 100
                step = precision(sf) or 0.01
                if any(abs(sf.value - c) < 1e-6 for c in (round_half_up(computed, step), truncate(computed, step))):
                    continue
                severity = "info" if abs(sf.value - computed) <= step else "error"
                msg = (f"{r.name} {label} {pct(sf.value)} ≠ {fmt(mf.amount)} / {fmt(denom)} × 100 = "
                       f"{pct(round(computed, 2))}" + (" (반올림 차이)" if severity == "info" else ""))
                lines = lines_of(sf, mf, base_fig, *([] if base_fig else [t.figures[money] for t in tops]))
                out.append(finding("settlement.share", severity, r, lines, msg,
                                   expected=round(computed, 2), actual=sf.value))
            if all(share in r.figures for r in tops) and "계" not in rows:
                parts = [(r.name, r.figures[share]) for r in tops]
                hundred = Figure(100.0, "100.00%", tops[0].figures[share].source, "%")
                f = sum_check("settlement.share", tops[0], f"{label} 합계 100.00%", hundred, parts, unit="%")
                if f:
                    f.lines = lines_of(*[p for _, p in parts])
                    out.append(f)
    return out


def _change_findings(rule_id: str, rec, subject_label: str) -> list[Finding]:
    out = []
    s, p, c = (rec.figures.get(k) for k in ("settled", "prior_year_settled", "change"))
    if s is not None and p is not None and c is not None:
        f = sum_check(rule_id, rec, f"{subject_label} 비교증감", c, [("결산액", s), ("전년도 결산액", p)], signs=[1, -1])
        if f:
            out.append(f)
    return out


@rule("settlement.change", "비교증감", "비교증감 = 결산액 − 전년도 결산액 (결산현황과 총괄의 모든 행)")
def check_change(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        for r in d.records:
            if isinstance(r, (SettlementLine, DepartmentSummary)):
                out.extend(_change_findings("settlement.change", r, r.name))
    return out


@rule("settlement.change_rate", "증감률", "증감률 = 비교증감 / 전년도 결산액 × 100 (절사·반올림 인정)")
def check_change_rate(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        for r in d.of(SettlementLine):
            rate, c, p = (r.figures.get(k) for k in ("change_rate", "change", "prior_year_settled"))
            if rate is None or c is None or p is None or rate.value is None:
                continue
            if not p.amount:
                if rate.amount == 0:
                    continue
                computed = None
            else:
                computed = c.amount / p.amount * 100
            step = precision(rate) or 0.01
            if computed is not None:
                cands = [round_half_up(computed, step), truncate(computed, step),
                         -round_half_up(-computed, step), -truncate(-computed, step)]
                if any(abs(rate.value - x) < 1e-6 for x in cands):
                    continue
                severity = "info" if abs(rate.value - computed) <= step else "error"
            else:
                severity = "info"
            shown = "계산 불가" if computed is None else pct(round(computed, 2))
            msg = f"{r.name} 증감률 {pct(rate.value)} ≠ 비교증감 {fmt(c.amount)} / 전년도 결산액 {fmt(p.amount)} × 100 = {shown}"
            out.append(finding("settlement.change_rate", severity, r, lines_of(rate, c, p), msg,
                               expected=None if computed is None else round(computed, 2), actual=rate.value))
    return out


@rule("summary.total", "총괄 계", "총괄의 계 행 = Σ부서 행 (열마다)")
def check_summary_total(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        rows = d.of(DepartmentSummary)
        groups: list[list[DepartmentSummary]] = []
        for r in sorted(rows, key=lambda r: r.source.line):  # one 총괄 table per run of rows
            if groups and r.source.line - groups[-1][-1].source.line <= 3:
                groups[-1].append(r)
            else:
                groups.append([r])
        for g in groups:
            totals = [r for r in g if r.is_total]
            depts = [r for r in g if not r.is_total]
            if len(totals) != 1 or not depts:
                continue
            t = totals[0]
            for key in DepartmentSummary.numeric_fields:
                fig = t.figures.get(key)
                if fig is None or not all(key in r.figures for r in depts):
                    continue
                money = key in ("settled", "prior_year_settled", "change")
                f = sum_check("summary.total", t, f"총괄 계 {SUMMARY_LABELS.get(key, key)}", fig,
                              [(r.name, r.figures[key]) for r in depts], unit="원" if money else "개")
                if f:
                    out.append(f)
    return out


@rule("staffing.total", "인력현황 합계", "정원 계 = 4급이상 + 5급 + 6급이하, 계 행 = Σ부서 행")
def check_staffing(documents: list[Document]) -> list[Finding]:
    out = []
    for d in documents:
        rows = d.of(Staffing)
        for r in rows:
            total = r.figures.get("authorized")
            parts = [(lab, r.figures[k]) for lab, k in (("4급이상", "authorized_grade4_up"), ("5급", "authorized_grade5"),
                                                        ("6급이하", "authorized_grade6_down")) if k in r.figures]
            if total is not None and len(parts) == 3:
                f = sum_check("staffing.total", r, "정원 계", total, parts, unit="명")
                if f:
                    out.append(f)
        for t in (r for r in rows if r.is_total):
            depts = [r for r in rows if not r.is_total and 0 < r.source.line - t.source.line <= 10]
            if not depts:
                continue
            for key in Staffing.numeric_fields:
                fig = t.figures.get(key)
                if fig is None or not all(key in r.figures for r in depts):
                    continue
                f = sum_check("staffing.total", t, f"인력현황 계 {STAFFING_LABELS[key]}", fig,
                              [(r.name, r.figures[key]) for r in depts], unit="명")
                if f:
                    out.append(f)
    return out
