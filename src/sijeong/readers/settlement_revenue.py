"""세입결산 (revenue settlement) tables of the settlement part.

Header (two lines, circled labels spelled differently on each page)::

    과목 조직-장-관-항-목 | 예산액 | 전년도 이월액 | 예산현액 | 징수정액 | 수납액 ... | 불납결손액 | 미수납액
                                             | 수납총액 ① | 물납액 ② | 환급액 ③ | 실제수납액 ④

Rows: the department total (no code), then codes 200 → 210 → 216 → 216-01.
"""

from __future__ import annotations

import re

from ..model import Revenue
from .context import ReadContext
from .settlement_cells import is_header_continuation, numeric_cell, split_name, squeeze
from .text import Line, ReadError

COLUMNS = (
    "budget",
    "carried_over",
    "current_budget",
    "assessed",
    "received_total",
    "in_kind",
    "refunds",
    "received",
    "written_off",
    "uncollected",
)
_CODE = re.compile(r"^(?P<code>\d{3}(?:-\d{2})?)\s+(?P<name>.+)$")


def is_header(line: Line) -> bool:
    first = squeeze(line.cells[0]) if line.cells else ""
    # this reader knows the full form only (수납총액 | 물납액 | 환급액 | 실제수납액: ten value
    # columns); a shorter 과목(장-관-항-목) table is read by its labels (settlement_tables)
    return (first.startswith("과목") and ("장-관" in first or "관-항" in first) and "예산액" in line.text
            and len(line.text.split("\t")) >= 1 + len(COLUMNS))


def level_of(code: str) -> int:
    if "-" in code:
        return 4
    if code.endswith("00"):
        return 1
    if code.endswith("0"):
        return 2
    return 3


class RevenueState:
    """A department's revenue table, which continues across page headers."""

    def __init__(self) -> None:
        self.position = 0
        self.stack: list[tuple[int, str]] = []  # (level, code) of the open ancestors


def read_table(ctx: ReadContext, i: int, *, department: str, account: str, multiplier: int,
               state: RevenueState) -> int:
    """Read the table whose header is line index ``i`` (0-based); return the next index."""
    header = ctx.lines[i]
    ctx.consume(header)
    i += 1
    while i < len(ctx.lines) and is_header_continuation(ctx.lines[i]):
        ctx.consume(ctx.lines[i])
        i += 1
    rows = 0
    while i < len(ctx.lines):
        line = ctx.lines[i]
        if not line.stripped or line.text.startswith("\t"):
            break
        name, values = split_name(line.cells)
        if not values:
            break
        _row(ctx, line, name, values, department=department, account=account,
             multiplier=multiplier, state=state)
        rows += 1
        i += 1
    if rows == 0:
        raise ReadError(ctx.src(header), "세입결산 표에 행이 없습니다 / revenue table cut off: header without rows")
    return i


def _row(ctx: ReadContext, line: Line, name: str, values: list[str], *, department: str,
         account: str, multiplier: int, state: RevenueState) -> None:
    src = ctx.src(line)
    figs = [f for cell in values for f in numeric_cell(cell, src, "세입결산", multiplier)]
    if len(figs) != len(COLUMNS):
        raise ReadError(
            src,
            f"세입결산 행의 값이 {len(figs)}개입니다 ({len(COLUMNS)}개여야 함) / "
            f"revenue row has {len(figs)} values, expected {len(COLUMNS)}: {name!r}",
        )
    m = _CODE.match(name)
    if m:
        code, label = m.group("code"), m.group("name").strip()
        level = level_of(code)
        while state.stack and state.stack[-1][0] >= level:
            state.stack.pop()
        parent = state.stack[-1][1] if state.stack else None
        state.stack.append((level, code))
    else:
        code, label, level, parent = None, name, 0, None
        state.stack.clear()
    state.position += 1
    rec = Revenue(
        source=src,
        municipality=ctx.municipality,
        year=ctx.year,
        department=department,
        name=label,
        section="세입결산",
        account=account,
        code=code,
        level=level,
        parent_code=parent,
        position=state.position,
    )
    for key, fig in zip(COLUMNS, figs):
        rec.set(key, fig)
    ctx.add(rec)
    ctx.consume(line)
