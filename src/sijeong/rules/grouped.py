"""Tables with grouped column headers and shares printed beside each amount::

    계                  자체사업          국도비보조금                                      예비비 등
                                          계                국도비            시비매칭비
    1,350,360 (100%)   614,331 (45.5%)   729,065 (54.0%)   518,153 (38.4%)   210,912 (15.6%)   6,964 (0.5%)

- ``table.grouped_total``: a group's 계 column = the sum of the group's other columns, and a
  top-level 계/합계/총계 column = the sum of the other top-level columns (a group counts by
  its 계, or by the sum of its columns when it has none) — row by row.
- ``table.share``: in a row with one amount at (100%), every other amount's share =
  amount ÷ that total × 100, at the share's own decimals (rounded or cut).

The cells are read from their text (``amount (share%)``, △ or - for a decrease), so tables the
typed readers did not turn into figures are checked too. A difference of one printed unit
per part in a 천원/백만원/억원 table is rounding (info).
"""

from __future__ import annotations

import re

from ..model import Document, Finding, Table
from .base import fmt, rule
from .tables import is_total_label, note_in_force, unit_at, unit_step

CELL = re.compile(r"^\s*(?P<sign>△|▲|-)?\s*(?P<amount>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*"
                  r"(?:\(\s*(?P<share>\d+(?:\.\d+)?)\s*%\s*\))?\s*$")


def _cell(text: str) -> tuple[float, float | None, str | None] | None:
    """(amount, share in %, the share as printed) of a cell, or None when it is not one."""
    m = CELL.match(text or "")
    if not m:
        return None
    v = float(m.group("amount").replace(",", "") + ("." + m.group("frac") if m.group("frac") else ""))
    if m.group("sign"):
        v = -v
    share = m.group("share")
    return v, (float(share) if share is not None else None), share


def _levels(table: Table) -> tuple[list[str], list[str], list]:
    """(top labels, sub labels, data rows) when the header has exactly two levels: the
    table's header line and one text-only row below it (or two header lines)."""
    heads = [list(h) for h in table.header]
    rows = list(table.rows)
    while rows and not any(_cell(c.text) for c in rows[0].cells) and len(heads) < 3:
        heads.append([c.text for c in rows[0].cells])
        rows.pop(0)
    if len(heads) != 2:
        return [], [], []
    width = max(len(heads[0]), len(heads[1]), *(len(r.cells) for r in rows)) if rows else 0
    top = [(heads[0][k].strip() if k < len(heads[0]) else "") for k in range(width)]
    sub = [(heads[1][k].strip() if k < len(heads[1]) else "") for k in range(width)]
    return top, sub, rows


def _groups(top: list[str], sub: list[str]) -> list[tuple[str, list[int]]] | None:
    """Top-level columns in order: (label, its columns). A label followed by empty top cells
    whose sub cells are labelled is a group over those columns."""
    out: list[tuple[str, list[int]]] = []
    for k, label in enumerate(top):
        if label:
            out.append((label, [k]))
        elif out and sub[k]:
            out[-1][1].append(k)
        elif not label and not sub[k]:
            continue
        else:
            return None  # a sub label under no top label: the structure is not understood
    return out


def _finding(rule_id: str, table: Table, severity: str, line: int, message: str, expected, actual) -> Finding:
    return Finding(rule=rule_id, severity=severity, doc=table.source.doc,
                   lines=sorted({table.source.line, line}), message=message, expected=expected, actual=actual,
                   municipality=table.municipality, year=table.year, department=table.department, subject=table.name)


def _unit(doc: Document, table: Table) -> str:
    u = table.unit or unit_at(doc, table.source.line) or ""
    return u


def _sum_check(table: Table, doc: Document, row, total_col: int, parts: list[int], label: str,
               names: list[str]) -> Finding | None:
    vals = {k: _cell(row.cells[k].text) if k < len(row.cells) else None for k in [total_col, *parts]}
    if any(v is None for v in vals.values()) or len(parts) < 2:
        return None
    total = vals[total_col][0]
    expected = sum(vals[k][0] for k in parts)
    diff = abs(expected - total)
    if diff < 1e-9:
        return None
    step = unit_step(doc, table.source.line)
    severity = "info" if diff <= step * len(parts) else "error"
    u = _unit(doc, table)
    listed = " + ".join(f"{names[k]} {fmt(vals[k][0])}" for k in parts)
    msg = (f"{table.name}: {label} {fmt(total)}{u} ≠ {listed} = {fmt(expected)}{u}"
           + (" (반올림 차이)" if severity == "info" else ""))
    if not u and note_in_force(doc, table.source.line):
        msg += f" (단위: {note_in_force(doc, table.source.line)})"
    return _finding("table.grouped_total", table, severity, row.source.line, msg, expected, total)


@rule("table.grouped_total", "묶음 머리글 합계",
      "두 줄 머리글의 표: 묶음의 계 열 = 묶음의 다른 열의 합, 맨 위 계·합계 열 = 다른 맨 위 열(묶음은 그 계)의 합 (행마다)")
def check_grouped_totals(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            top, sub, rows = _levels(table)
            groups = _groups(top, sub) if top else None
            if not groups or not any(len(cols) > 1 for _, cols in groups):
                continue
            names_by_col: dict[int, str] = {}
            for top_label, cols in groups:
                for k in cols:
                    names_by_col[k] = f"{top_label}·{sub[k]}" if len(cols) > 1 else top_label
            col_names = [names_by_col.get(k, "") for k in range(len(top))]
            representative: list[int | None] = []
            for top_label, cols in groups:
                if len(cols) == 1:
                    representative.append(cols[0])
                    continue
                totals = [k for k in cols if is_total_label(sub[k])]
                representative.append(totals[0] if len(totals) == 1 else None)
                if len(totals) == 1:
                    parts = [k for k in cols if k != totals[0]]
                    for row in rows:
                        f = _sum_check(table, d, row, totals[0], parts, f"{top_label} {sub[totals[0]]}", col_names)
                        if f:
                            out.append(f)
            grand = [i for i, (label, cols) in enumerate(groups) if len(cols) == 1 and is_total_label(label)]
            if len(grand) == 1 and None not in representative:
                g = grand[0]
                parts = [representative[i] for i in range(len(groups)) if i != g]
                for row in rows:
                    f = _sum_check(table, d, row, representative[g], parts, groups[g][0], col_names)
                    if f:
                        out.append(f)
    return out


@rule("table.share", "구성비(괄호)", "금액 옆 괄호의 구성비 = 금액 ÷ 같은 행의 (100%) 금액 × 100, 인쇄된 자릿수로 반올림 또는 절사")
def check_shares(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            if not _has_share(table):  # no cell prints a share: nothing to check (most tables)
                continue
            for row in table.rows:
                cells = [_cell(c.text) for c in row.cells]
                totals = [c for c in cells if c and c[1] is not None and abs(c[1] - 100) < 1e-9]
                shared = [c for c in cells if c and c[1] is not None]
                # one total (several cells at 100% must be the same amount: a group that is all)
                if not totals or len({c[0] for c in totals}) != 1 or len(shared) < 3 or totals[0][0] == 0:
                    continue
                total = totals[0][0]
                for value, share, printed in shared:
                    if share == 100:
                        continue
                    decimals = len(printed.split(".")[1]) if "." in printed else 0
                    computed = value / total * 100
                    if abs(computed - share) < 10 ** -decimals + 1e-9:
                        continue
                    out.append(_finding(
                        "table.share", table, "error", row.source.line,
                        f"{table.name}: {fmt(value)}의 구성비 {printed}% ≠ {fmt(value)} ÷ {fmt(total)} × 100 = "
                        f"{computed:.{decimals}f}%", round(computed, decimals), share))
            out.extend(_column_shares(table))
    return out


def _has_share(table: Table) -> bool:
    """Whether a cell of the table could print a share (a ``%``: :func:`_cell` finds none
    without one)."""
    return any("%" in c.text for row in table.rows for c in row.cells if c.text)


def _column_shares(table: Table) -> list[Finding]:
    """Shares printed down a column: one row's amount at (100%) — the total row — and every
    other amount of that column at amount ÷ that total × 100 (``606 (21.8%)`` over
    ``2,784 (100.0%)``). Rows that already hold a (100%) cell are the row-wise check's."""
    out: list[Finding] = []
    grid = [[_cell(c.text) for c in row.cells] for row in table.rows]
    row_total = [any(c and c[1] is not None and abs(c[1] - 100) < 1e-9 for c in cells) for cells in grid]
    width = max((len(r) for r in grid), default=0)
    for k in range(width):
        col = [(i, cells[k]) for i, cells in enumerate(grid) if k < len(cells) and cells[k] and cells[k][1] is not None]
        totals = [(i, c) for i, c in col if abs(c[1] - 100) < 1e-9]
        if len(totals) != 1 or len(col) < 3 or totals[0][1][0] == 0:
            continue
        ti, (total, _, _) = totals[0]
        for i, (value, share, printed) in col:
            if i == ti or row_total[i]:
                continue
            decimals = len(printed.split(".")[1]) if "." in printed else 0
            computed = value / total * 100
            if abs(computed - share) < 10 ** -decimals + 1e-9:
                continue
            row = table.rows[i]
            out.append(_finding(
                "table.share", table, "error", row.source.line,
                f"{table.name}: {fmt(value)}의 구성비 {printed}% ≠ {fmt(value)} ÷ {fmt(total)} (같은 열의 100%) × 100 = "
                f"{computed:.{decimals}f}%", round(computed, decimals), share))
    return out
