"""The general part of a bureau's plan (일반현황): organization (기구), staffing by grade
(인력, ``82/71`` = 정원/현원), main duties with the year's budget, and the vision table
(비전 및 핵심과제) whose cells hold HTML lists.
"""

from __future__ import annotations

import re

from ..model import Figure, Narrative, OutlineItem, StrategicGoal
from .context import ReadContext
from .plan_money import cell_amount
from .plan_parts import PlanState
from .plan_tables import grid_of, keep_table, leave_generic, read_table
from .text import DASHES, Line, ReadError, collapse, strip_html

#: greedy name (``\S(?:.*\S)?``), not ``\S.*?``: the same split, without retrying ``\s*`` at
#: every space of a long run (quadratic)
_TEAMS = re.compile(r"^(?P<name>\S(?:.*\S)?)\s*\((?P<n>\d+)팀\)$")
_RATIO = re.compile(r"^(?P<a>\d+)\s*/\s*(?P<c>\d+)$")
#: starts only where a whitespace run starts (the same matches; no quadratic retries)
_BULLET = re.compile(r"(?<!\s)\s*[•○]\s*")


def _cells(ln: Line) -> list[str]:
    return [c.strip() for c in ln.text.rstrip().split("\t")]


def _list_items(html: str) -> list[str]:
    text = collapse(strip_html(html))
    return [collapse(x) for x in _BULLET.split(text) if collapse(x)]


def overview_table(ctx: ReadContext, state: PlanState, block: list[Line], *, title: str, multiplier: int,
                   asset_context: bool, money_note: bool = False) -> bool:
    """``money_note``: the unit note above says 원 (a budget table at a multiplier of 1)."""
    cells = [_cells(ln) for ln in block]
    flat = [c for row in cells for c in row]
    if any(_TEAMS.match(c) for c in flat):
        return _organization(ctx, state, block, cells)
    if any(_RATIO.match(c) for c in flat):
        return _staffing(ctx, state, block)
    if any("주요업무" in c for c in cells[0]):
        return _duties(ctx, state, block, cells)
    if not read_table(ctx, block, title=title, multiplier=multiplier, department=state.department,
                      asset_context=asset_context, money_note=money_note):
        leave_generic(ctx, block, title=title, department=state.department, multiplier=multiplier)
    return True


def _organization(ctx, state, block, cells) -> bool:
    for r, row in enumerate(cells):
        for col, c in enumerate(row):
            m = _TEAMS.match(c)
            if not m:
                continue
            d = state.dept(m.group("name").replace(" ", ""), ctx.src(block[r]))
            d.figures["team_count"] = Figure(int(m.group("n")), m.group("n"), ctx.src(block[r]))
            if r + 1 < len(cells) and col < len(cells[r + 1]):
                d.teams = _list_items(cells[r + 1][col])
                if len(d.teams) != int(m.group("n")):
                    ctx.finding("read.organization", "warning", [block[r].no, block[r + 1].no],
                                f"{d.name}: 팀 수 {m.group('n')} ≠ 나열된 팀 {len(d.teams)}",
                                expected=int(m.group("n")), actual=len(d.teams), subject=d.name)
    keep_table(ctx, block, None, title="기구", kind="organization", department=None)
    return True


def _staffing(ctx, state, block) -> bool:
    grid = grid_of(block, ctx.doc)
    for ln, row in zip(grid.rows, grid.cells):
        src = ctx.src(ln)
        label = row[0].replace(" ", "")
        name = state.bureau if label in ("합계", "계", "총계") and state.bureau else label
        d = state.dept(name, src)
        for i, c in enumerate(row[1:], 1):
            col = grid.columns[i]
            leaf = col.split(" ")[-1]
            m = _RATIO.match(c)
            if m:
                a = Figure(int(m.group("a")), m.group("a"), src)
                cur = Figure(int(m.group("c")), m.group("c"), src)
                if leaf in ("계", "합계"):
                    d.set("authorized", a)
                    d.set("current", cur)
                else:
                    d.staffing[leaf] = {"authorized": a.value, "current": cur.value}
                    d.figures[f"staffing:{leaf}:authorized"] = a
                    d.figures[f"staffing:{leaf}:current"] = cur
            elif c in DASHES:
                d.staffing[leaf] = {"authorized": None, "current": None}
            elif re.fullmatch(r"\d+", c):
                d.staffing[leaf] = {"authorized": int(c)}
                d.figures[f"staffing:{leaf}:authorized"] = Figure(int(c), c, src)
            elif c and not re.search(r"\d", c):
                d.duties.append(f"{col}: {c}")
            elif c:
                raise ReadError(src, f"인력 표의 값을 읽을 수 없습니다 / unreadable staffing cell: {c!r}", c)
    keep_table(ctx, block, grid, title="인력", kind="staffing", department=None)
    return True


def _duties(ctx, state, block, cells) -> bool:
    for ln, row in zip(block[1:], cells[1:]):
        src = ctx.src(ln)
        if not row or not row[0]:
            continue
        d = state.dept(row[0].replace(" ", ""), src)
        for c in row[1:]:
            fig = cell_amount(c, src)
            if fig is not None:
                d.figures["budget"] = fig  # the department's budget for the plan's year
            elif c:
                d.duties.extend(_list_items(c))
    keep_table(ctx, block, None, title="주요업무", kind="duties", department=None, header_rows=1)
    return True


def vision_table(ctx: ReadContext, state: PlanState, block: list[Line]) -> bool:
    """``<p>비 전</p>\\t<p>…</p>`` and ``<p>핵심 과제</p>\\t<p>부서</p> <ul> ○ … ○ …``."""
    if not any("<p>" in ln.text for ln in block):
        return False
    label = ""
    for ln in block:
        src = ctx.src(ln)
        row = _cells(ln)
        if row[0]:
            label = collapse(strip_html(row[0])).replace(" ", "")
        body = " ".join(row[1:])
        if "비전" in label:
            text = collapse(strip_html(body))
            ctx.add(StrategicGoal(source=src, name=text, vision=text, municipality=ctx.municipality,
                                  year=ctx.year, department=state.bureau, section="비전"))
            continue
        m = re.match(r"\s*<p>(?P<dept>.*?)</p>(?P<rest>.*)$", body)
        if not m:
            continue
        dept = collapse(strip_html(m.group("dept"))).replace(" ", "")
        state.dept(dept, src)
        items = [OutlineItem(source=src, marker="○", text=t) for t in _list_items(m.group("rest"))]
        ctx.add(Narrative(source=src, name=label or "핵심과제", about_kind="department", about_name=dept,
                          items=items, municipality=ctx.municipality, year=ctx.year, department=dept,
                          section=label or "핵심과제"))
    keep_table(ctx, block, None, title="비전 및 핵심과제", kind="vision", department=None)
    return True
