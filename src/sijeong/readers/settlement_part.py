"""The first part of the settlement report: pages headed ``【일반회계】 【부서】``.

Each page belongs to an account (일반회계 / 특별회계 / 기금) and a department, and holds
one or more of: a 세입결산 revenue table (after a ``(단위: 원)`` note), ``- 부서 성과``
(policy goals and indicators) and ``- 사업별조서`` (expenditure by program). Money is in
원 unless the page's unit note says otherwise (a page header resets the unit). A department's
table continues across page headers naming the same department. The part ends at the first
line after a page that none of these explains (the 성과보고서 follows).
"""

from __future__ import annotations

import re

from . import settlement_goals, settlement_programs, settlement_revenue
from .context import ReadContext
from .settlement_programs import ProgramTable
from .settlement_revenue import RevenueState
from .text import Line, parse_unit_note

_PAGE = re.compile(r"^【\s*(?P<account>일반회계|특별회계|기금)\s*】\s*【\s*(?P<dept>[^】]+?)\s*】$")
ACCOUNTS = {"일반회계": "general", "특별회계": "special", "기금": "fund"}
SECTIONS = {"부서성과": "goals", "사업별조서": "programs"}


def page_header(line: Line) -> tuple[str, str] | None:
    """``【일반회계】 【기획담당관】`` → ("general", "기획담당관")."""
    m = _PAGE.match(line.stripped)
    if not m:
        return None
    return ACCOUNTS[m.group("account")], re.sub(r"\s+", "", m.group("dept"))


def _section(line: Line) -> str | None:
    text = line.stripped
    if not text.startswith("-"):
        return None
    return SECTIONS.get(re.sub(r"\s+", "", text[1:]))


class _Walker:
    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.department: str | None = None
        self.account: str | None = None
        self.multiplier = 1
        self.revenue: dict[tuple[str, str], RevenueState] = {}
        self.programs: dict[tuple[str, str], ProgramTable] = {}

    def mark(self, start: int, end: int) -> None:
        """Record the department and multiplier in force on lines [start, end) (0-based)."""
        for k in range(start, end):
            no = k + 1
            self.ctx.department_at[no] = self.department
            self.ctx.multiplier_at[no] = self.multiplier

    def run(self) -> None:
        ctx, lines = self.ctx, self.ctx.lines
        i = 0
        in_page = False
        while i < len(lines):
            line = lines[i]
            page = page_header(line)
            if page:
                self.account, self.department = page
                self.multiplier = 1  # each page states its own unit; none means 원
                in_page = True
                self.mark(i, i + 1)
                ctx.heading(line, 1, f"【{line.stripped.split('】')[0].strip('【 ')}】 【{self.department}】")
                i += 1
                continue
            if not in_page:
                i += 1
                continue
            start = i
            i = self.step(i)
            if i is None:  # a line this part does not explain: the page ends here
                in_page = False
                i = start + 1
                continue
            self.mark(start, i)
        for table in self.programs.values():
            settlement_programs.finish(ctx, table)

    def step(self, i: int) -> int | None:
        """Read what starts at line index i; return the next index, or None if unknown."""
        ctx, line = self.ctx, self.ctx.lines[i]
        if not line.stripped:
            return i + 1
        note = parse_unit_note(line.stripped, ctx.src(line))
        if note is not None:
            self.multiplier = note.multiplier
            ctx.heading(line, 3)
            return i + 1
        section = _section(line)
        if section:
            ctx.heading(line, 2)
            return i + 1
        key = (self.account or "general", self.department or "")
        if settlement_revenue.is_header(line):
            state = self.revenue.setdefault(key, RevenueState())
            return settlement_revenue.read_table(
                ctx, i, department=self.department, account=self.account,
                multiplier=self.multiplier, state=state,
            )
        if settlement_goals.is_header(line):
            return settlement_goals.read_table(ctx, i, department=self.department, multiplier=self.multiplier)
        if settlement_programs.is_header(line):
            table = self.programs.setdefault(key, ProgramTable(self.department, self.account))
            return settlement_programs.read_table(ctx, i, table=table, multiplier=self.multiplier)
        return None


def read(ctx: ReadContext) -> None:
    """Read every page of the settlement part into Revenue, PolicyGoal, Indicator and
    Program records (raises ReadError for input it cannot read faithfully)."""
    _Walker(ctx).run()
