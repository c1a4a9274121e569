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
KINDS = frozenset({"generic", "statistics", "budget", "assets", "committees", "staffing",
                   # settlement tables read by their labels: their 수납률/집행률 columns are in no record
                   "revenue_labels", "program_labels"})
#: a rate whose numerator has another name: 집행률 = 지출액 (or 집행액, 결산액) ÷ 예산현액
STEM_SYNONYMS = {"집행": ("지출액", "지출", "집행액", "결산액"), "수납": ("수납액", "실제수납액", "수납")}
#: a numerator named "not X" (미처리, 불납) is not X
NEGATED = ("미", "불", "비")


def _name(text: str) -> str:
    return re.sub(r"\s+|\(.*?\)|%|（.*?）", "", text or "")


def _decimals(fig: Figure) -> int:
    m = re.search(r"\.(\d+)", fig.raw or "")
    return len(m.group(1)) if m else 0


#: a decrease printed in parentheses, the whole cell: ``(3,000)``, ``(0.55%)``
_PAREN_DECREASE = re.compile(r"^\(\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*(?P<pct>%)?\s*\)$")


def _one(row: TableRow, k: int, *, percent: bool) -> Figure | None:
    if k >= len(row.cells):
        return None
    c = row.cells[k]
    if not c.figures:
        return _paren_decrease(c, row, percent=percent)
    if len(c.figures) != 1 or (not percent and "%" in c.text):
        return None
    return c.figures[0]


def _paren_decrease(cell, row: TableRow, *, percent: bool) -> Figure | None:
    """A cell that is one number in parentheses — a decrease in a table printing decreases so
    (``(3,000)`` in a 증감액 column, ``(0.55%)`` in a 증감률 column); the cell readers leave it
    as text. Its scale is the row's other amounts' (a 천원 table's ``(3,000)`` is −3,000,000원)."""
    m = _PAREN_DECREASE.match(cell.text.strip())
    if not m or (bool(m.group("pct")) and not percent) or (not m.group("pct") and percent):
        return None
    printed = float(m.group("n").replace(",", "") + (m.group("frac") or ""))
    if m.group("pct"):
        return Figure(-printed, cell.text.strip(), row.source, "%")
    scale = _row_scale(row)
    if scale is None:
        return None
    value = -printed * scale
    return Figure(int(value) if value == int(value) else value, cell.text.strip(), row.source)


def _row_scale(row: TableRow) -> float | None:
    """The money scale of a row: its amounts' value ÷ printed number (one scale for all)."""
    scales = set()
    for c in row.cells:
        for f in c.figures:
            raw = (f.raw or "").strip().replace(",", "")
            if f.unit == "%" or "%" in raw or f.value in (None, 0):
                continue
            try:
                printed = float(re.sub(r"^[△▲-]", "", raw))
            except ValueError:
                continue
            if printed:
                scales.add(abs(f.value) / printed)
    return scales.pop() if len(scales) == 1 else (1.0 if not scales else None)


def _numerators(names: list[str], k: int, stem: str) -> list[int]:
    """Columns named after the rate: the name itself (처리), then starting with it (채택건수),
    then ending with it (비교증감); never a negation (미처리)."""
    synonyms = STEM_SYNONYMS.get(stem, ())
    named = [j for j, n in enumerate(names) if j != k and _name(n) in synonyms]
    if named:
        return named[:1]
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


def _names(table: Table) -> tuple[list[str], list[TableRow]]:
    """Column names (:func:`_column_names`), a unit-only piece (``(%)`` under ``수납률``)
    giving way to the label above it."""
    names, rows = _column_names(table)
    for k, n in enumerate(names):
        if not _name(n):
            above = [h[k] for h in table.header if k < len(h) and _name(h[k])]
            if above:
                names[k] = above[-1]
    return names, rows


def _table(table: Table) -> list[Finding]:
    names, rows = _names(table)
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
        years = _year_pair(names)
        if (best is None or best[0] < 2) and years and years[1] != i:
            j = years[1]  # 증감률 between two year columns: over the earlier year
            verdicts = [(r, a, _one(r, j, percent=False), p) for r, a, p in rated]
            verdicts = [(r, a, b, p, _follows(a, b, p)) for r, a, b, p in verdicts if b is not None]
            best = (len(rows), [v for v in verdicts if v[4] is False], j)
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


_YEAR_NAME = re.compile(r"^(?:(?P<full>20\d\d)|['‘’](?P<short>\d\d))\s*년?도?$")


def _year_pair(names: list[str]) -> tuple[int, int] | None:
    """(the later, the earlier) of exactly two year columns (``2024년 | 2023년``, ``'24 | '23``)."""
    ys = []
    for k, n in enumerate(names):
        m = _YEAR_NAME.match(_name(n))
        if m:
            ys.append((int(m.group("full") or 2000 + int(m.group("short"))), k))
    if len(ys) != 2 or ys[0][0] == ys[1][0]:
        return None
    (y1, k1), (y2, k2) = sorted(ys, reverse=True)
    return k1, k2


# --- a share column (구성비, 비중) and a difference column (증감, 증감액) ---------------------------

SHARE_COLUMN = re.compile(r"^(구성비|비중|점유율)")
DIFFERENCE_COLUMN = re.compile(r"^(증감|증감액|비교증감|전년대비증감|증감\(△\))$")


def _share_column(table: Table) -> list[Finding]:
    """구성비 = an amount column ÷ that column's total row × 100. The amount column is the one
    that explains the most rows (at least two, twice as many as those it does not)."""
    from .tables import is_total_label

    names, rows = _names(table)
    out: list[Finding] = []
    # the total row: 계/합계/총계/예산총액 (the plan readers' total labels)
    totals = [r for r in rows if is_total_label(_row_name(r))]
    if len(totals) != 1:
        return out
    trow = totals[0]
    for k, label in enumerate(names):
        if not SHARE_COLUMN.match(_name(label)):
            continue
        best = None
        for j in range(len(names)):
            if j == k or RATE.match(_name(names[j])) or SHARE_COLUMN.match(_name(names[j])):
                continue
            tot = _one(trow, j, percent=False)
            if tot is None or not tot.value:
                continue
            verdicts = []
            for r in rows:
                if r is trow:
                    continue
                a, p = _one(r, j, percent=False), _one(r, k, percent=True)
                if a is None or p is None:
                    continue
                verdicts.append((r, a, p, _follows(a, tot, p)))
            good = sum(1 for v in verdicts if v[3])
            bad = [v for v in verdicts if v[3] is False]
            if best is None or good > best[0]:
                best = (good, bad, j, tot)
        if best is None:
            continue
        good, bad, j, tot = best
        if good < 2 or len(bad) * 2 > good:
            continue
        for r, a, p, _ in bad:
            d = _decimals(p)
            computed = a.value / tot.value * 100
            out.append(Finding(
                rule="table.share_column", severity="error", doc=table.source.doc,
                lines=sorted({r.source.line, trow.source.line}),
                message=(f"{table.name}: {_row_name(r)}의 {names[k]} {p.raw.strip()} ≠ {names[j]} {a.raw.strip()} ÷ "
                         f"{_row_name(trow)} {tot.raw.strip()} × 100 = {computed:.{d}f}% "
                         f"(같은 표의 다른 {good}개 행은 이 식을 따름)"),
                expected=round(computed, d), actual=p.value, municipality=table.municipality, year=table.year,
                department=table.department, subject=table.name))
    return out


def _difference_column(table: Table) -> list[Finding]:
    """증감 = one column − another: the pair of columns that explains the most rows (at least
    two, twice as many as those it does not)."""
    names, rows = _names(table)
    out: list[Finding] = []
    for k, label in enumerate(names):
        if not DIFFERENCE_COLUMN.match(_name(label).replace("(△)", "")):
            continue
        best = None
        for i in range(len(names)):
            for j in range(len(names)):
                if len({i, j, k}) < 3 or RATE.match(_name(names[i])) or RATE.match(_name(names[j])):
                    continue
                verdicts = []
                for r in rows:
                    a, b, c = (_one(r, x, percent=False) for x in (i, j, k))
                    if a is None or b is None or c is None or None in (a.value, b.value, c.value):
                        continue
                    verdicts.append((r, a, b, c, abs(a.value - b.value - c.value) < 1e-6))
                good = sum(1 for v in verdicts if v[4])
                bad = [v for v in verdicts if not v[4]]
                if best is None or good > best[0]:
                    best = (good, bad, i, j)
        years = _year_pair(names)
        if (best is None or best[0] < 2) and years:
            i, j = years  # two year columns: 증감 = the later year − the earlier, whatever the rows say
            verdicts = []
            for r in rows:
                a, b, c = (_one(r, x, percent=False) for x in (i, j, k))
                if a is None or b is None or c is None or None in (a.value, b.value, c.value):
                    continue
                verdicts.append((r, a, b, c, abs(a.value - b.value - c.value) < 1e-6))
            best = (len(rows), [v for v in verdicts if not v[4]], i, j)
        if best is None:
            continue
        good, bad, i, j = best
        if good < 2 or len(bad) * 2 > good:
            continue
        for r, a, b, c, _ in bad:
            out.append(Finding(
                rule="table.difference_column", severity="error", doc=table.source.doc,
                lines=[r.source.line],
                message=(f"{table.name}: {_row_name(r)}의 {names[k]} {c.raw.strip()} ≠ {names[i]} {a.raw.strip()} − "
                         f"{names[j]} {b.raw.strip()} (같은 표의 다른 {good}개 행은 이 식을 따름)"),
                expected=a.value - b.value, actual=c.value, municipality=table.municipality, year=table.year,
                department=table.department, subject=table.name))
    return out


@rule("table.share_column", "표 구성비 열",
      "구성비·비중 열 = 같은 표의 금액 열 ÷ 그 열의 계 행 × 100; 금액 열은 표 스스로(두 행 이상이 따르는 열)에서 찾음")
def check_share_columns(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            if table.kind not in KINDS or len(table.rows) < 3:
                continue
            out.extend(_share_column(table))
    return out


@rule("table.difference_column", "표 증감 열",
      "증감·증감액 열 = 같은 표의 한 열 − 다른 열; 두 열은 표 스스로(두 행 이상이 따르는 쌍)에서 찾음")
def check_difference_columns(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            if table.kind not in KINDS or len(table.rows) < 2:
                continue
            out.extend(_difference_column(table))
    return out
