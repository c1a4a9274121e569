"""Rate columns derived from other columns of the same table (처리율 = 처리 / 발생 × 100,
증감률 = 비교증감 / 전년도 결산액 × 100, 채택률, 실시율, 집행률 …).

No formula is assumed: for a column whose header is a rate (…률, …율), the numerator is the
column the rate is named after (처리율 → 처리, 채택률 → 채택건수, 증감률 → 비교증감) and the
denominator is whichever other numeric column explains the most rows. A formula is accepted
only when at least two rows follow it and they are at least twice as many as the rows that
do not; then each row that does not follow it is a finding, with the other rows as the
evidence. A printed rate may be rounded or cut at its own decimals.
"""

from __future__ import annotations

import re

from ..model import Document, Figure, Finding, Table, TableRow
from .base import rule
from .tables import _column_names, _row_name

RATE = re.compile(r"^(?P<stem>.+?)(률|율)$")
#: rates whose numerator is not named by their stem, or which are shares of a total row
NOT_DERIVED = re.compile(r"구성비|비중|점유율|비율")
#: tables whose rate columns no other rule checks: generic ones and the plans' statistics and
#: budget tables (indicator, program and revenue tables have rules of their own for their rates)
KINDS = frozenset({"generic", "statistics", "budget", "assets", "committees", "staffing"})
#: a numerator named "not X" (미처리, 불납) is not X
NEGATED = ("미", "불", "비")


def _name(text: str) -> str:
    return re.sub(r"\s+|\(.*?\)|%|（.*?）", "", text or "")


def _decimals(fig: Figure) -> int:
    m = re.search(r"\.(\d+)", fig.raw or "")
    return len(m.group(1)) if m else 0


def _one(row: TableRow, k: int, *, percent: bool) -> Figure | None:
    if k >= len(row.cells):
        return None
    c = row.cells[k]
    if len(c.figures) != 1 or (not percent and "%" in c.text):
        return None
    return c.figures[0]


def _numerators(names: list[str], k: int, stem: str) -> list[int]:
    """Columns named after the rate: the name itself (처리), then starting with it (채택건수),
    then ending with it (비교증감); never a negation (미처리)."""
    best: list[int] = []
    score_best = 0
    for j, n in enumerate(names):
        n = _name(n)
        if j == k or not n or RATE.match(n):
            continue
        if n == stem:
            score = 3
        elif n.startswith(stem):
            score = 2
        elif n.endswith(stem) and not n.startswith(NEGATED):
            score = 1
        else:
            continue
        if score > score_best:
            best, score_best = [j], score
        elif score == score_best:
            best.append(j)
    return best


def _follows(num: Figure, den: Figure, rate: Figure) -> bool | None:
    """Whether the printed rate is num / den × 100 at its own decimals (rounded or cut);
    None when it cannot be computed."""
    if den.value in (None, 0) or num.value is None or rate.value is None:
        return None
    computed = num.value / den.value * 100
    return abs(computed - rate.value) < 10 ** -_decimals(rate) + 1e-9


def _table(table: Table) -> list[Finding]:
    names, rows = _column_names(table)
    out: list[Finding] = []
    for k, label in enumerate(names):
        m = RATE.match(_name(label))
        if not m or NOT_DERIVED.search(_name(label)):
            continue
        nums = _numerators(names, k, m.group("stem"))
        if len(nums) != 1:
            continue
        i = nums[0]
        rated = [(r, _one(r, i, percent=False), _one(r, k, percent=True)) for r in rows]
        rated = [(r, a, p) for r, a, p in rated if a is not None and p is not None]
        best = None
        for j in range(len(names)):
            if j in (i, k):
                continue
            verdicts = [(r, a, _one(r, j, percent=False), p) for r, a, p in rated]
            verdicts = [(r, a, b, p, _follows(a, b, p)) for r, a, b, p in verdicts if b is not None]
            good = sum(1 for v in verdicts if v[4])
            bad = [v for v in verdicts if v[4] is False]
            if best is None or good > best[0]:
                best = (good, bad, j)
        if best is None:
            continue
        good, bad, j = best
        if good < 2 or len(bad) * 2 > good:
            continue
        for r, a, b, p, _ in bad:
            d = _decimals(p)
            computed = a.value / b.value * 100
            out.append(Finding(
                rule="table.rate_column", severity="error", doc=table.source.doc,
                lines=sorted({r.source.line, *(ln for ln in table.header_lines[:1])}),
                message=(f"{table.name}: {_row_name(r)}의 {names[k]} {p.raw.strip()} ≠ "
                         f"{names[i]} ÷ {names[j]} × 100 = {computed:.{d}f}% "
                         f"(같은 표의 다른 {good}개 행은 이 식을 따름)"),
                expected=round(computed, d), actual=p.value, municipality=table.municipality, year=table.year,
                department=table.department, subject=table.name))
    return out


@rule("table.rate_column", "표 비율 열",
      "…률/…율 열 = 이름이 가리키는 열 ÷ 같은 표의 다른 열 × 100; 식은 표 스스로(두 행 이상이 따르는 식)에서 찾고, 따르지 않는 행을 보고")
def check_rate_columns(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            if table.kind not in KINDS or len(table.rows) < 2:
                continue
            out.extend(_table(table))
    return out
