"""The second part of a settlement report: each department's 성과보고서.

Per department (a block starting at ``3. 주요성과 및 정책사업 현황``, after an optional lone
department name line): 총괄, 성과목표 및 재원비중, 제2장 전략목표별 성과보고 ([소관부서],
1. 주요성과, < 정책사업목표 현황 >, 2. 조직 및 인력현황, 3. 결산현황), then per policy goal
(1) 주요내용 / (2) 성과지표 달성현황 / (3) 성과분석, and per unit program □ 주요 추진성과 and
□ 관련 예산사업 결산현황. Tables are read by ``performance_tables`` and
``performance_goals``; this module walks the lines and reads the narratives.
"""

from __future__ import annotations

import re

from ..model import Indicator, Narrative, OutlineItem, StrategicGoal
from ..model.names import NARRATIVE, SAME_ENTITY
from .context import ReadContext
from .performance_goals import read_goals, read_indicators, strategic_goal_line
from .performance_tables import (
    NOTE,
    Cursor,
    base,
    is_tab,
    read_budget_programs,
    read_policy_goal_status,
    read_settlement_lines,
    read_staffing,
    read_summary,
)
from .performance_text import OutlineBuilder, best_match, flat_text, name_key
from .text import Line, collapse, parse_unit_note

START = re.compile(r"^\d+\.\s*주요성과\s*및\s*정책사업\s*현황$")
_DEPT_NAME = re.compile(r"^\S+(담당관|과|실|국|사업소|센터|본부|단|읍|면|동)$")

#: stripped-line patterns that end a narrative (checked with spaces removed)
_MARKERS = [re.compile(p) for p in (
    r"^\d+\.주요성과및정책사업현황$", r"^[가-하]\.", r"^제\d+장$", r"^전략목표별성과보고$",
    r"^\d+\.주요성과$", r"^<정책사업목표현황>$", r"^\d+\.조직및인력현황$", r"^\d+\.결산현황$",
    r"^정책사업목표$", r"^\(\d\)(주요내용|성과지표달성현황|성과분석)$", r"^단위사업",
    r"^□?주요추진성과$", r"^□?관련예산사업결산현황$", r"^\[소관부서\]",
)]


def is_marker(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return any(p.match(t) for p in _MARKERS)


def read(ctx: ReadContext) -> None:
    starts = [ln.no for ln in ctx.lines if START.match(ln.stripped) and ln.no not in ctx.consumed]
    if not starts:
        return
    bounds = [_preamble(ctx, s) for s in starts] + [len(ctx.lines) + 1]
    for a, b in zip(bounds, bounds[1:]):
        DepartmentBlock(ctx, ctx.lines[a - 1 : b - 1]).run()


def _preamble(ctx: ReadContext, start: int) -> int:
    """The first line of a block: lone names and page noise just above its start line."""
    no = start
    while no > 1:
        ln = ctx.line(no - 1)
        if ln.no in ctx.consumed or is_tab(ln) or (ln.stripped and (len(ln.stripped) > 20 or is_marker(ln.stripped)
                                                                   or ln.stripped[0] in "-○□※")):
            break
        no -= 1
    return no


def _department(lines: list[Line]) -> str | None:
    """The block's department: the 총괄 row, else [소관부서], else a lone name line."""
    cells = [ln.cells for ln in lines if is_tab(ln)]
    for i, c in enumerate(cells):
        if c[0] == "계" and i + 1 < len(cells) and cells[i + 1][0] not in ("", "계"):
            return collapse(cells[i + 1][0])
    for c in cells:
        if c[0] == "[소관부서]" and len(c) > 1:
            return collapse(c[1])
    for ln in lines:
        if _DEPT_NAME.match(ln.stripped):
            return ln.stripped
    return None


class DepartmentBlock:
    def __init__(self, ctx: ReadContext, lines: list[Line]):
        self.ctx = ctx
        self.dept = _department(lines)
        self.cur = Cursor(ctx, lines, dept=self.dept)
        self.goals: list[StrategicGoal] = []
        self.policy_goals: list[str] = []
        self.pg_index = -1
        self.pg_titled = False
        self.indicators: dict[str | None, list[Indicator]] = {}
        self.program: str | None = None
        for ln in lines:
            ctx.department_at[ln.no] = self.dept

    @property
    def pg(self) -> str | None:
        return self.policy_goals[self.pg_index] if 0 <= self.pg_index < len(self.policy_goals) else None

    @property
    def sg(self) -> str | None:
        return "; ".join(g.name for g in self.goals) or None

    def run(self) -> None:
        cur, ctx = self.cur, self.ctx
        while True:
            ln = cur.peek()
            if ln is None:
                return
            cur.i += 1
            self.dispatch(ln)
            if ln.no not in ctx.consumed and is_tab(ln):
                ctx.title_at.setdefault(ln.no, "성과보고서")

    def dispatch(self, ln: Line) -> None:
        ctx, cur = self.ctx, self.cur
        s = ln.stripped
        t = re.sub(r"\s+", "", s)
        c = ln.cells
        if START.match(s) or re.match(r"^제\d+장$", t) or t == "전략목표별성과보고":
            ctx.heading(ln, 1)
        elif re.match(r"^[가-하]\.총괄$", t):
            ctx.heading(ln, 2)
            read_summary(cur)
        elif re.match(r"^[가-하]\.성과목표및(재원|자원)비중$", t):
            ctx.heading(ln, 2)
            read_goals(cur, self.goals)
        elif is_tab(ln) and c[0] == "전략목표":
            strategic_goal_line(cur, ln, self.goals)
        elif is_tab(ln) and c[0] == "[소관부서]":
            ctx.heading(ln, 2, f"[소관부서] {collapse(c[1]) if len(c) > 1 else ''}")
        elif re.match(r"^\d+\.주요성과$", t):
            ctx.heading(ln, 2)
            self.narrative("department", self.dept, "주요성과")
        elif t == "<정책사업목표현황>":
            ctx.heading(ln, 2)
            pgs = read_policy_goal_status(cur, self.sg)
            self.policy_goals = [p.name for p in pgs]
        elif re.match(r"^\d+\.조직및인력현황$", t):
            ctx.heading(ln, 2)
            read_staffing(cur)
        elif re.match(r"^\d+\.결산현황$", t):
            ctx.heading(ln, 2)
            read_settlement_lines(cur)
        elif t == "정책사업목표":
            ctx.heading(ln, 3)
            title = cur.peek()
            if title is not None and not is_tab(title) and not is_marker(title.stripped):
                cur.i += 1
                ctx.heading(title, 3, f"정책사업목표 {title.stripped}")
                self.set_policy_goal(title.stripped)
        elif t == "(1)주요내용":
            ctx.heading(ln, 3)
            if not self.pg_titled:
                self.pg_index += 1
                if self.pg is None:
                    ctx.finding("perf.policy_goal_order", "warning", [ln.no],
                                "정책사업목표 현황에 없는 정책사업목표의 주요내용 / more policy goal sections than goals",
                                department=self.dept)
            self.pg_titled = False
            self.narrative("policy_goal", self.pg, "주요내용")
        elif t == "(2)성과지표달성현황":
            ctx.heading(ln, 3)
            self.indicators[self.pg] = read_indicators(cur, self.pg, self.sg)
        elif t == "(3)성과분석":
            ctx.heading(ln, 3)
            self.analysis()
        elif t.startswith("단위사업"):
            self.unit_program(ln)
        elif re.match(r"^□?주요추진성과$", t):
            ctx.heading(ln, 4)
            self.program_narrative()
        elif re.match(r"^□?관련예산사업결산현황$", t):
            ctx.heading(ln, 4)
            read_budget_programs(cur)
            self.program = None
        elif parse_unit_note(s, ctx.src(ln)) is not None:
            ctx.heading(ln, NOTE)
        elif s.startswith("※") or (not is_tab(ln) and (len(s) <= 20 or _DEPT_NAME.match(s))):
            ctx.heading(ln, NOTE)  # legend, lone department name, page noise (답 당 관, --)
        # anything else stays unconsumed: tab lines become generic tables

    def set_policy_goal(self, name: str) -> None:
        hit = best_match(name, self.policy_goals, SAME_ENTITY)
        if hit is not None:
            self.pg_index = hit[0]
            self.pg_titled = True
        else:
            self.policy_goals.append(collapse(name))
            self.pg_index = len(self.policy_goals) - 1
            self.pg_titled = True

    # --- narratives ------------------------------------------------------------------

    def outline(self) -> list[OutlineItem]:
        """Items up to the next section title or table."""
        cur, ctx = self.cur, self.ctx
        b = OutlineBuilder(ctx)
        while True:
            ln = cur.peek()
            if ln is None or is_tab(ln) or is_marker(ln.stripped):
                return b.roots
            cur.i += 1
            ctx.consume(ln)
            if re.fullmatch(r"-{2,}", ln.stripped):
                ctx.heading(ln, NOTE)
            elif parse_unit_note(ln.stripped, ctx.src(ln)) is not None:
                ctx.heading(ln, NOTE)
            else:
                b.add(ln)

    def _narrative(self, kind: str, about: str | None, title: str, items: list[OutlineItem]) -> None:
        if not items:
            return
        self.ctx.add(Narrative(**base(self.cur, _first_line(items, self.ctx), title, title),
                               about_kind=kind, about_name=about, items=items))

    def narrative(self, kind: str, about: str | None, title: str) -> None:
        self._narrative(kind, about, title, self.outline())

    def analysis(self) -> None:
        """(3) 성과분석: one narrative per indicator of the current policy goal."""
        roots = self.outline()
        names = [i.name for i in self.indicators.get(self.pg, []) if i.year == self._last_year()]
        if not names:
            self._narrative("policy_goal", self.pg, "성과분석", roots)
            return
        if len(names) == 1:
            self._narrative("indicator", names[0], "성과분석", roots)
            return
        hits = [best_match(r.text, names, NARRATIVE) for r in roots]
        if any(h is None for h in hits) and len(roots) == len(names):
            assign: list[str | None] = list(names)
        else:
            assign, prev = [], None
            for h in hits:
                prev = names[h[0]] if h else prev
                assign.append(prev)
        groups: dict[str | None, list[OutlineItem]] = {}
        for r, a in zip(roots, assign):
            groups.setdefault(a, []).append(r)
        for a, items in groups.items():
            self._narrative("indicator" if a else "policy_goal", a or self.pg, "성과분석", items)

    def _last_year(self) -> int | None:
        years = [i.year for i in self.indicators.get(self.pg, [])]
        return max(years) if years else None

    def unit_program(self, ln: Line) -> None:
        """``단위사업`` + a name line, or ``단위사업**name** **주요 추진성과**`` on one line."""
        ctx, cur = self.ctx, self.cur
        bold = re.findall(r"\*\*(.+?)\*\*", ln.stripped)
        if bold:
            self.program = collapse(bold[0])
            ctx.heading(ln, 4, f"단위사업 {self.program}")
            if any(name_key(b) == "주요추진성과" for b in bold[1:]):
                self.program_narrative()
            return
        rest = collapse(ln.stripped[len("단위사업"):])
        if rest:
            self.program = rest
            ctx.heading(ln, 4, f"단위사업 {rest}")
            return
        ctx.heading(ln, 4)
        title = cur.peek()
        if title is not None and not is_tab(title) and not is_marker(title.stripped):
            cur.i += 1
            self.program = title.stripped
            ctx.heading(title, 4, f"단위사업 {title.stripped}")

    def program_narrative(self) -> None:
        items = self.outline()
        about = self.program or self._next_program_name()
        self._narrative("program", about, "주요 추진성과", items)

    def _next_program_name(self) -> str | None:
        """Without a 단위사업 title, the program is the first row of the next 결산현황 table."""
        for ln in self.cur.lines[self.cur.i:]:
            if is_tab(ln) and not ln.cells[0].startswith("사업명") and ln.cells[0]:
                return collapse(ln.cells[0])
        return None


def _first_line(items: list[OutlineItem], ctx: ReadContext) -> Line:
    return ctx.line(items[0].source.line)


__all__ = ["read", "is_marker", "flat_text"]
