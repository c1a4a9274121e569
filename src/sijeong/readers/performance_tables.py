"""The typed tables of the performance report (성과보고서), one function per table.

Each function starts after its section title, reads the unit note (if any), the header
lines and the rows (a table split in two with a repeated header is read as one), turns
every row into records and consumes the lines. Bad input raises :class:`ReadError`:
a letter inside a number, a missing value, an unknown unit note, a header with no rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..model import Department, DepartmentSummary, Figure, PolicyGoal, Program, SettlementLine, Staffing, Table, TableRow
from ..model.vocabulary import SECTION_GOAL_STATUS, SECTION_RELATED_PROGRAMS, SECTION_SETTLEMENT, SECTION_SUMMARY
from .context import ReadContext
from .generic import cell_of
from .text import Line, ReadError, collapse, parse_unit_note, require_number

NOTE = 5  # heading level of unit notes, legends and page noise


@dataclass
class Cursor:
    """A position in the lines of one department's block."""

    ctx: ReadContext
    lines: list[Line]
    i: int = 0
    multiplier: int = 1
    dept: str | None = None

    @property
    def end(self) -> bool:
        return self.i >= len(self.lines)

    @property
    def line(self) -> Line:
        return self.lines[self.i]

    def blank(self, ln: Line) -> bool:
        return not ln.stripped or ln.no in self.ctx.consumed

    def skip_blank(self) -> None:
        while not self.end and self.blank(self.line):
            self.i += 1

    def peek(self) -> Line | None:
        self.skip_blank()
        return None if self.end else self.line

    def unit_note(self) -> None:
        """Read a ``(단위: 원)`` line if one comes next; it sets the money multiplier."""
        ln = self.peek()
        if ln is None:
            return
        note = parse_unit_note(ln.stripped, self.ctx.src(ln))
        if note is not None:
            self.multiplier = note.multiplier
            self.ctx.heading(ln, NOTE)
            self.i += 1


def is_tab(ln: Line) -> bool:
    return "\t" in ln.text and bool(ln.stripped)


def cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def no_numbers(ln: Line) -> bool:
    """A header line: no cell after the first holds a number."""
    return not any(re.search(r"^[△▲-]?\s*\d[\d,]*(\.\d+)?\s*%?$", c) for c in ln.cells[1:] if c)


def take_tables(
    cur: Cursor, title: str, kind: str, is_header: Callable[[Line], bool] = no_numbers
) -> list[Line]:
    """Header(s) and rows of a table, possibly split by a blank line and a repeated header.
    Returns the row lines; keeps the table whole as a typed :class:`Table`."""
    ctx = cur.ctx
    cur.unit_note()
    first = cur.peek()
    if first is None or not is_tab(first) or not is_header(first):
        where = first if first is not None else cur.lines[-1]
        raise ReadError(ctx.src(where), f"{title}: 표 머리글이 없습니다 / table header missing")
    key = first.cells[0]
    table = Table(source=ctx.src(first), municipality=ctx.municipality, year=ctx.year,
                  department=cur.dept, name=title, typed=True, kind=kind)
    rows: list[Line] = []
    while True:
        ln = cur.peek()
        if ln is None or not is_tab(ln) or not is_header(ln) or ln.cells[0] != key:
            break
        head: list[Line] = []
        while not cur.end and is_tab(cur.line) and is_header(cur.line) and (not head or cur.line.cells[0] != key):
            head.append(cur.line)
            cur.i += 1
        body: list[Line] = []
        while not cur.end and is_tab(cur.line) and not cur.blank(cur.line) and not (
            is_header(cur.line) and cur.line.cells[0] == key
        ):
            body.append(cur.line)
            cur.i += 1
        if not body:
            raise ReadError(ctx.src(head[-1]), f"{title}: 머리글만 있고 행이 없습니다 / table has a header but no rows")
        for h in head:
            table.header.append(h.cells)
            table.header_lines.append(h.no)
        for r in body:
            s = ctx.src(r)
            table.rows.append(TableRow(s, [cell_of(c, s, cur.multiplier) for c in r.cells]))
        ctx.consume(*head, *body)
        for ln2 in (*head, *body):
            ctx.multiplier_at[ln2.no] = cur.multiplier
        rows.extend(body)
    ctx.tables.append(table)
    return rows


def num(cur: Cursor, ln: Line, col: int, what: str, money: bool = False, unit: str | None = None) -> Figure:
    fig = require_number(cell(ln.cells, col), cur.ctx.src(ln), what, multiplier=cur.multiplier if money else 1)
    if unit and fig.unit is None:
        fig = Figure(fig.value, fig.raw, fig.source, unit)
    return fig


def base(cur: Cursor, ln: Line, name: str, section: str, year: int | None = None) -> dict:
    return dict(source=cur.ctx.src(ln), municipality=cur.ctx.municipality,
                year=year if year is not None else cur.ctx.year, department=cur.dept,
                name=collapse(name), section=section)


# --- 가. 총괄 ---------------------------------------------------------------------------

_SUMMARY_COUNTS = ("strategic_goal_count", "policy_goal_count", "indicator_count",
                   "exceeded_count", "achieved_count", "missed_count")
_SUMMARY_MONEY = ("settled", "prior_year_settled", "change")


def read_summary(cur: Cursor) -> list[DepartmentSummary]:
    out = []
    for ln in take_tables(cur, SECTION_SUMMARY, "performance_summary"):
        label = collapse(ln.cells[0])
        rec = DepartmentSummary(**base(cur, ln, label, SECTION_SUMMARY), is_total=label in ("계", "합계"))
        for i, key in enumerate(_SUMMARY_COUNTS, 1):
            rec.set(key, num(cur, ln, i, f"총괄 {key}", unit="개"))
        for i, key in enumerate(_SUMMARY_MONEY, 1 + len(_SUMMARY_COUNTS)):
            rec.set(key, num(cur, ln, i, f"총괄 {key}", money=True))
        out.append(cur.ctx.add(rec))
    return out


# --- < 정책사업목표 현황 > -------------------------------------------------------------------


def read_policy_goal_status(cur: Cursor, strategic_goal: str | None) -> list[PolicyGoal]:
    out = []
    for ln in take_tables(cur, SECTION_GOAL_STATUS, "policy_goal_status"):
        rec = PolicyGoal(**base(cur, ln, ln.cells[0], SECTION_GOAL_STATUS), strategic_goal=strategic_goal)
        rec.set("indicator_count", num(cur, ln, 1, "성과 지표수", unit="개"))
        rec.set("achieved_indicator_count", num(cur, ln, 2, "달성 지표수", unit="개"))
        rec.set("unit_program_count", num(cur, ln, 3, "단위 사업수", unit="개"))
        rec.set("settled", num(cur, ln, 4, "결산액", money=True))
        out.append(cur.ctx.add(rec))
    return out


# --- 2. 조직 및 인력현황 ------------------------------------------------------------------


def read_staffing(cur: Cursor) -> list[Staffing]:
    ctx = cur.ctx
    out = []
    grades = ("4급이상", "5급", "6급이하")
    for ln in take_tables(cur, "조직 및 인력현황", "staffing"):
        label = collapse(ln.cells[0])
        teams = [collapse(t) for t in re.split(r"[,，、]", cell(ln.cells, 6)) if collapse(t)]
        rec = Staffing(**base(cur, ln, label, "조직 및 인력현황"), is_total=label in ("계", "합계"), teams=teams)
        keys = ("authorized", "authorized_grade4_up", "authorized_grade5", "authorized_grade6_down", "current")
        for i, key in enumerate(keys, 1):
            rec.set(key, num(cur, ln, i, f"인력현황 {key}", unit="명"))
        out.append(ctx.add(rec))
        if rec.is_total:
            continue
        dept = next((r for r in ctx.records if isinstance(r, Department) and r.name == label
                     and r.municipality == ctx.municipality), None)
        if dept is None:
            dept = ctx.add(Department(**base(cur, ln, label, "조직 및 인력현황")))
            dept.department = label
        dept.teams = teams
        dept.set("authorized", rec.figures["authorized"])
        dept.set("current", rec.figures["current"])
        dept.staffing = {g: {"authorized": getattr(rec, k)} for g, k in zip(grades, keys[1:4])}
    return out


# --- 3. 결산현황 --------------------------------------------------------------------------


def read_settlement_lines(cur: Cursor) -> list[SettlementLine]:
    out = []
    for ln in take_tables(cur, SECTION_SETTLEMENT, "settlement_lines"):
        rec = SettlementLine(**base(cur, ln, ln.cells[0], SECTION_SETTLEMENT))
        rec.set("settled", num(cur, ln, 1, "결산액", money=True))
        rec.set("share", num(cur, ln, 2, "구성비", unit="%"))
        rec.set("prior_year_settled", num(cur, ln, 3, "전년도 결산액", money=True))
        rec.set("prior_year_share", num(cur, ln, 4, "전년도 구성비", unit="%"))
        rec.set("change", num(cur, ln, 5, "비교증감", money=True))
        rec.set("change_rate", num(cur, ln, 6, "증감률", unit="%"))
        out.append(cur.ctx.add(rec))
    return out


# --- □ 관련 예산사업 결산현황 ----------------------------------------------------------------

ACCOUNTS = {"일반회계": "general", "특별회계": "special", "기금": "fund"}


def account_of(text: str, ln: Line, ctx: ReadContext) -> str:
    t = collapse(text).replace(" ", "")
    for k, v in ACCOUNTS.items():
        if k in t:
            return v
    raise ReadError(ctx.src(ln), f"알 수 없는 회계구분 / unknown account: {text!r}", text)


def read_budget_programs(cur: Cursor) -> list[Program]:
    out: list[Program] = []
    unit: Program | None = None
    for pos, ln in enumerate(take_tables(cur, SECTION_RELATED_PROGRAMS, "program_settlement")):
        acc = cell(ln.cells, 1)
        if acc or unit is None:
            level, parent, account = "unit", None, account_of(acc, ln, cur.ctx)
        else:
            level, parent, account = "detail", unit.name, unit.account
        rec = Program(**base(cur, ln, ln.cells[0], SECTION_RELATED_PROGRAMS), account=account,
                      level=level, parent=parent, position=pos)
        rec.set("prior_year_spent", num(cur, ln, 2, "전년도 결산", money=True))
        rec.set("budget", num(cur, ln, 3, "예산", money=True))
        rec.set("spent", num(cur, ln, 4, "결산", money=True))
        if level == "unit":
            unit = rec
        out.append(cur.ctx.add(rec))
    return out
