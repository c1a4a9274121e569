"""``- 부서 성과`` tables: policy goals with their indicators.

    정책목표 | 예산액 | 결산액 | 성과지표 | 측정산식 | 성과지표 달성현황 (목표 | 실적 | 달성율)

A goal's first row carries its name and money; its further indicators follow on rows
whose first three cells are empty.
"""

from __future__ import annotations

import re

from ..model import Indicator, PolicyGoal
from ..model.vocabulary import INDICATOR_LABELS, SECTION_DEPARTMENT_RESULTS
from .context import ReadContext
from .settlement_cells import is_header_continuation, numeric_token, squeeze
from .text import Line, ReadError, collapse, is_number, looks_broken_number, strip_latex

SECTION = SECTION_DEPARTMENT_RESULTS
_UNIT = re.compile(r"^(?P<name>.*?)\s*\(\s*단위\s*[:：]\s*(?P<unit>[^)]+?)\s*\)\s*$")


def is_header(line: Line) -> bool:
    cells = line.cells
    return bool(cells) and squeeze(cells[0]) == "정책목표" and "성과지표" in line.text


def split_unit(name: str) -> tuple[str, str | None]:
    """``자원봉사 참여인원 (단위:천명)`` → (``자원봉사 참여인원``, ``천명``)."""
    m = _UNIT.match(name)
    if not m:
        return collapse(name), None
    return collapse(m.group("name")), m.group("unit").strip()


def read_table(ctx: ReadContext, i: int, *, department: str, multiplier: int) -> int:
    header = ctx.lines[i]
    ctx.consume(header)
    i += 1
    while i < len(ctx.lines) and is_header_continuation(ctx.lines[i]):
        ctx.consume(ctx.lines[i])
        i += 1
    goal: PolicyGoal | None = None
    rows = 0
    while i < len(ctx.lines):
        line = ctx.lines[i]
        if not line.stripped:
            break
        cells = line.cells
        if len(cells) < 7:
            if rows == 0:
                raise ReadError(ctx.src(line), f"부서 성과 행의 칸이 모자랍니다 / 부서 성과 row cut off: {line.stripped!r}")
            break
        src = ctx.src(line)
        if cells[0]:
            goal = PolicyGoal(
                source=src,
                municipality=ctx.municipality,
                year=ctx.year,
                department=department,
                name=collapse(cells[0]),
                section=SECTION,
            )
            goal.set("budget", numeric_token(cells[1], src, "예산액", multiplier))
            goal.set("settled", numeric_token(cells[2], src, "결산액", multiplier))
            ctx.add(goal)
        elif goal is None:
            raise ReadError(src, "정책목표 없이 성과지표 행이 나왔습니다 / indicator row without a policy goal")
        _indicator(ctx, line, cells, goal, department)
        ctx.consume(line)
        rows += 1
        i += 1
    if rows == 0:
        raise ReadError(ctx.src(header), "부서 성과 표에 행이 없습니다 / 부서 성과 table cut off: header without rows")
    return i


def _indicator(ctx: ReadContext, line: Line, cells: list[str], goal: PolicyGoal, department: str) -> None:
    src = ctx.src(line)
    name, unit = split_unit(cells[3])
    formula = collapse(strip_latex(" ".join(c for c in cells[4:-3] if c)))
    ind = Indicator(
        source=src,
        municipality=ctx.municipality,
        year=ctx.year,
        department=department,
        name=name,
        section=SECTION,
        policy_goal=goal.name,
        unit=unit,
        formula=formula or None,
    )
    LABELS = INDICATOR_LABELS
    for key, raw in zip(("target", "actual", "rate"), cells[-3:]):
        raw = raw.strip()
        if not raw:
            continue
        if is_number(raw) or looks_broken_number(raw):
            ind.set(key, numeric_token(raw, src, key))
        elif re.fullmatch(r"[△▲-]?[\d,.]+\s*%", raw):
            ind.set(key, numeric_token(raw.replace(" ", ""), src, key))
        elif re.search(r"\d", raw) and not re.search(r"[가-힣]", raw):
            numeric_token(raw, src, key)  # raises: a letter inside a number
        else:
            ctx.finding(
                "read.alignment",
                "warning",
                [line.no],
                f"성과지표 '{name}'의 {LABELS[key]} 값이 숫자가 아닙니다 / {key} is not a number: {raw!r}",
                department=department,
                subject=name,
                actual=raw,
            )
    ctx.add(ind)
