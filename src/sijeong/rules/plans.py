"""Identities of a work plan's own tables that no other rule checks: the staffing table of a
bureau's plan (정원/현원 ``82/71``), the organization line (``기구 : 4과 18팀``), and a total
column (계/합계/소계) of a typed statistics or assets table.

- ``plan.staffing``: in each row, 계 = Σ grades (정원 and 현원 apart; 정원외 is outside the
  authorized headcount and no grade); the 합계 row = Σ department rows, column by column;
  and the line above the table (``인력 : 정원 82명 / 현원 71명, 정원외 인력 6명``) = the 합계 row.
- ``plan.organization``: ``기구 : N과 M팀`` = the departments of the organization table and
  the sum of their ``(n팀)``.
- ``table.total_column``: a column whose header is 계/합계/소계/총계 = Σ the other additive
  columns of its header group, row by row (a one-line header is one group; ``행정상 처분``
  over ``소계 주의 시정 …`` is a group of its own).
- ``plan.task_budget``: a task's 소요예산/사업비 statement = the 합계 row of the one budget
  table that follows it in the same □ block of the task (a table under another □ heading is
  another part of the task, whose cost the reader adds to the task's budget; a multi-year table
  is ``table.years``' business).
"""

from __future__ import annotations

import re

from ..model import Department, Document, Figure, Finding, OutlineItem, PlanTask, Source, Table
from .base import finding, fmt, lines_of, rounding_slack, rule, sum_check
from .tables import _UNIT_NOTE, NOT_ADDITIVE, _unscaled, amount, column_unit, is_total_label, unit_at, with_note, year_parts

_HEAD_COUNTS = re.compile(r"정원\s*(?P<a>\d+)\s*명\s*/\s*현원\s*(?P<c>\d+)\s*명(?:.*?정원\s*외\s*(?:인력\s*)?(?P<x>\d+)\s*명)?")
_ORG_COUNTS = re.compile(r"기구\s*[:：]\s*(?P<d>\d+)\s*과\s*(?P<t>\d+)\s*팀")
_NOT_GRADE = re.compile(r"정원\s*외|비고|^계$|^합계$")
_KEYS = {"authorized": "정원", "current": "현원"}


def _heading_near(d: Document, pattern: re.Pattern, line: int, before: int = 12) -> tuple[re.Match, int] | None:
    """The closest heading above ``line`` (within ``before`` lines) matching ``pattern``."""
    best = None
    for h in d.headings:
        if line - before <= h.source.line < line:
            m = pattern.search(h.text)
            if m and (best is None or h.source.line > best[1]):
                best = (m, h.source.line)
    return best


def _printed(m: re.Match, group: str, line: int, doc: str) -> Figure:
    return Figure(int(m.group(group)), m.group(group), Source(doc, line))


def _staffing_rows(d: Document, table: Table) -> list[tuple[str, Department]]:
    """(row label, the Department record read from that row), in the table's order."""
    by_line: dict[int, Department] = {}
    for r in d.of(Department):
        for k, f in r.figures.items():
            if (k in _KEYS or k.startswith("staffing:")) and f.source.line in table.lines:
                by_line[f.source.line] = r
    out = []
    for row in table.rows:
        rec = by_line.get(row.source.line)
        label = row.cells[0].text.strip() if row.cells else ""
        if rec is not None:
            out.append((label, rec))
    return out


def _grade_parts(rec: Department, key: str) -> list[tuple[str, Figure]]:
    parts = []
    for k, f in rec.figures.items():
        m = re.fullmatch(r"staffing:(?P<leaf>.+):(?P<key>authorized|current)", k)
        if m and m.group("key") == key and not _NOT_GRADE.search(m.group("leaf")):
            parts.append((m.group("leaf"), f))
    return parts


@rule("plan.staffing", "인력현황 정원·현원", "각 행의 계 = 직급별 합(정원·현원 따로), 합계 행 = 부서 행의 합, 표 위의 '정원 N명 / 현원 M명' = 합계 행")
def check_plan_staffing(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            if table.kind != "staffing":
                continue
            rows = _staffing_rows(d, table)
            for label, rec in rows:
                for key, ko in _KEYS.items():
                    total, parts = rec.figures.get(key), _grade_parts(rec, key)
                    if total is not None and len(parts) >= 2:
                        f = sum_check("plan.staffing", rec, f"{label} {ko} 계", total, parts, unit="명", subject=rec.name)
                        if f:
                            out.append(f)
            totals = [(lab, r) for lab, r in rows if is_total_label(lab)]
            if len(totals) != 1:
                continue
            tlabel, trec = totals[0]
            depts = [r for lab, r in rows if r is not trec]
            if not depts:
                continue
            for key, fig in trec.figures.items():
                if key not in _KEYS and not key.startswith("staffing:"):
                    continue
                if fig.source.line not in table.lines:
                    continue
                parts = [(r.name, r.figures[key]) for r in depts if key in r.figures]
                if not parts:
                    continue
                what = _KEYS.get(key) or key.removeprefix("staffing:").replace(":authorized", " 정원").replace(":current", " 현원")
                f = sum_check("plan.staffing", trec, f"{tlabel} {what}", fig, parts, unit="명", subject=trec.name)
                if f:
                    out.append(f)
            out.extend(_stated_counts(d, table, trec))
    return out


def _stated_counts(d: Document, table: Table, trec: Department) -> list[Finding]:
    found = _heading_near(d, _HEAD_COUNTS, table.source.line)
    if found is None:
        return []
    m, line = found
    out = []
    for group, key, ko in (("a", "authorized", "정원"), ("c", "current", "현원"), ("x", "staffing:정원외:authorized", "정원외")):
        fig = trec.figures.get(key)
        if m.group(group) is None or fig is None or fig.value is None:
            continue
        stated = _printed(m, group, line, d.name)
        if stated.value != fig.value:
            msg = f"{line}행 {ko} {fmt(stated.value)}명 ≠ 인력 표 {trec.name} 합계 {fmt(fig.value)}명"
            out.append(finding("plan.staffing", "error", trec, lines_of(stated, fig), msg,
                               expected=fig.value, actual=stated.value))
    return out


@rule("plan.organization", "기구 과·팀 수", "'기구 : N과 M팀' = 기구 표의 부서 수와 부서별 팀 수의 합")
def check_plan_organization(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for table in d.tables:
            if table.kind != "organization":
                continue
            depts = [r for r in d.of(Department)
                     if "team_count" in r.figures and r.figures["team_count"].source.line in table.lines]
            found = _heading_near(d, _ORG_COUNTS, table.source.line)
            if not depts or found is None:
                continue
            m, line = found
            stated_d, stated_t = _printed(m, "d", line, d.name), _printed(m, "t", line, d.name)
            if stated_d.value != len(depts):
                msg = f"기구 {fmt(stated_d.value)}과 ≠ 기구 표의 부서 {len(depts)}개 ({', '.join(r.name for r in depts)})"
                out.append(finding("plan.organization", "error", depts[0], lines_of(stated_d, *[r.figures["team_count"] for r in depts]),
                                   msg, expected=len(depts), actual=stated_d.value, subject="기구"))
            f = sum_check("plan.organization", depts[0], "기구 팀 수", stated_t,
                          [(r.name, r.figures["team_count"]) for r in depts], unit="팀", subject="기구")
            if f:
                out.append(f)
    return out


# --- a total column of a typed table ------------------------------------------------------


def _columns(table: Table) -> list[tuple[str, str, str]]:
    """(group, leaf, name without spaces) per column, as the plan reader names them (the
    first header line's merged cells filled to the right over the lines below)."""
    head = table.header
    width = max((len(h) for h in head), default=0)
    rows = [(h + [""] * width)[:width] for h in head]
    out = []
    group = ""
    for k in range(width):
        top = rows[0][k].strip() if rows else ""
        below = [r[k].strip() for r in rows[1:] if r[k].strip()]
        if top:
            group = top
        elif not below:
            group = ""
        pieces: list[str] = []
        for p in ([top or (group if below else "")] + below):
            if p and p not in pieces:
                pieces.append(p)
        leaf = below[-1] if below else top
        name = re.sub(r"\s+", "", "".join(pieces))
        out.append((group if len(rows) > 1 else "", leaf, name))
    return out


def _money_step(d: Document, table: Table) -> float:
    """1 when a unit note right above the table (within 4 lines) gives money units only
    (천원/백만원/억원): figures rounded to that unit may be off by one. A note mixing counts and
    money (``건, 천원``) or a count unit: exact."""
    for h in d.headings:
        m = _UNIT_NOTE.match(h.text.strip())
        if m and table.source.line - 4 <= h.source.line < table.source.line:
            units = [u.strip() for u in re.split(r"[,，/]", m.group(1)) if u.strip()]
            return 1.0 if units and all(u in ("천원", "백만원", "억원") for u in units) else 0.0
    return 0.0


def _budget_rows(d: Document, table: Table, cols: list[tuple[str, str, str]]):
    """(the budget item of the row, its figures by column name without spaces, its text
    columns) per row of a budget table, read from the table's own cells (the item keeps its
    계 as ``budget``, not by column)."""
    items = {r.source.line: r for r in d.records if type(r).__name__ == "BudgetItem"}
    for row in table.rows:
        r = items.get(row.source.line)
        if r is None:
            continue
        figs, texts = {}, set()
        for k, cell in enumerate(row.cells[:len(cols)]):
            if len(cell.figures) == 1:
                figs[cols[k][2]] = cell.figures[0]
            elif cell.text.strip():
                texts.add(cols[k][2])
        yield r, figs, texts


def _rows(recs: list, lines: set[int]):
    """(a record of the row, its figures by column name without spaces, its text columns)
    per table row; a transposed assets row (``수량 19 3 9 …``: one record per column, named
    by it) is put together again."""
    by_line: dict[int, list] = {}
    for r in recs:
        if r.source.line in lines:
            by_line.setdefault(r.source.line, []).append(r)
    for line, rs in sorted(by_line.items()):
        if len(rs) > 1 and all(not any(k.startswith("col:") for k in r.figures) for r in rs):
            figs = {re.sub(r"\s+", "", r.name): r.figures["quantity"] for r in rs if "quantity" in r.figures}
            yield rs[0], figs, {re.sub(r"\s+", "", r.name) for r in rs if "quantity" not in r.figures}
            continue
        for r in rs:
            figs = {re.sub(r"\s+", "", k.removeprefix("col:")): f for k, f in r.figures.items() if k.startswith("col:")}
            texts = {re.sub(r"\s+", "", k) for k in list(getattr(r, "texts", {})) + list(getattr(r, "details", {}))}
            yield r, figs, texts


@rule("table.total_column", "표 합계 열", "계획의 통계·장비 표: 계·합계·소계 열 = 같은 머리 묶음의 나머지 가산 열의 합 (행마다)")
def check_total_column(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        recs = [r for r in d.records if type(r).__name__ in ("Statistic", "Asset")]
        for table in d.tables:
            if not table.typed or table.kind not in ("statistics", "assets", "budget") or not table.header:
                continue
            cols = _columns(table)
            groups: dict[str, list[int]] = {}
            for k, (g, _, _) in enumerate(cols):
                groups.setdefault(g, []).append(k)
            plans = []
            for g, ks in groups.items():
                tot = [k for k in ks if is_total_label(cols[k][1])]
                parts = [k for k in ks if k not in tot and not NOT_ADDITIVE.search(cols[k][2])]
                if len(tot) == 1 and len(parts) >= 2:
                    plans.append((tot[0], parts))
            if not plans:
                continue
            lines = {r.source.line for r in table.rows}
            step = _money_step(d, table)
            unit = table.unit or unit_at(d, table.source.line)
            rows = _budget_rows(d, table, cols) if table.kind == "budget" else _rows(recs, lines)
            for r, figs, texts in rows:
                for t, ks in plans:
                    total = figs.get(cols[t][2])
                    if total is None or total.value is None or "%" in total.raw:
                        continue
                    if any(cols[k][2] in texts for k in ks):
                        continue  # a part that is no number: what it holds is unknown
                    parts = [(cols[k][1], figs[cols[k][2]]) for k in ks if cols[k][2] in figs]
                    if len(parts) < 2 or any("%" in f.raw for _, f in parts):
                        continue
                    expected = sum(f.amount for _, f in parts)
                    if abs(expected - total.amount) < 1e-6:
                        continue
                    slack = rounding_slack([total] + [f for _, f in parts])
                    if step and all(_unscaled(f) for f in [total] + [f for _, f in parts]):
                        slack += step * (len(parts) + 1) / 2
                    severity = "info" if abs(expected - total.amount) <= slack else "error"
                    terms = " + ".join(f"{lab} {fmt(f.value)}" for lab, f in parts)
                    row = "" if r.name == table.name or r.name in {c[1] for c in cols} else f" {r.name}"
                    u = column_unit(cols[t][1], unit)
                    msg = (f"{table.name}{row}: {cols[t][1]} {amount(total.value, total, u)} ≠ {terms} = "
                           f"{amount(expected, total, u)}"
                           + (" (반올림 차이)" if severity == "info" else ""))
                    out.extend(with_note([finding("table.total_column", severity, r, lines_of(total, *[f for _, f in parts]),
                                                  msg, expected=expected, actual=total.value, subject=table.name)],
                                         d, table.source.line, u))
    return out


# --- a task's budget statement against its own budget table --------------------------------

_STATED_BUDGET = re.compile(r"^budget(_\d+)?$")


def _box_lines(items: list[OutlineItem]) -> list[int]:
    """Lines of the task's □ headings, nested ones included."""
    out = []
    for it in items:
        if it.marker == "□":
            out.append(it.source.line)
        out.extend(_box_lines(it.children))
    return out


@rule("plan.task_budget", "과제 소요예산·예산표",
      "과제의 소요예산(사업비) = 같은 □ 항목 안에서 그 아래 나오는 예산표의 합계 행 (표가 하나일 때만)")
def check_task_budget(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        totals = [r for r in d.records if type(r).__name__ == "BudgetItem" and r.is_total
                  and r.figures.get("budget") is not None and r.figures["budget"].value is not None
                  and not year_parts(r)]
        for t in d.of(PlanTask):
            boxes = sorted(_box_lines(t.sections))
            own = [r for r in totals if r.task == t.title and r.department == t.department
                   and r.source.line > t.source.line]
            for key, stated in t.figures.items():
                if not _STATED_BUDGET.match(key) or stated.value is None:
                    continue
                line = stated.source.line
                if stated.source.doc != d.name or not line or any(r.source.line == line for r in own):
                    continue  # a sum of several statements, or the budget read from the table itself
                end = min((b for b in boxes if b > line), default=None)
                inside = [r for r in own if r.source.line > line and (end is None or r.source.line < end)]
                if len(inside) != 1:
                    continue
                r = inside[0]
                f = sum_check("plan.task_budget", t, f"{t.title} 소요예산", stated,
                              [(f"{r.section or '예산표'} {r.name}", r.figures["budget"])], subject=t.title)
                if f:
                    out.append(f)
    return out
