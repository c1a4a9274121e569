"""Goals and indicators of the performance report.

- ``나. 성과목표 및 재원비중`` (or 자원비중): strategic goals (several ``○`` goals may share a
  cell, sometimes inside an HTML ``<ul>`` fragment), policy goals, indicators with the
  year's grade ◎/○/×, and the strategic goals' 결산액/비중.
- ``(2) 성과지표 달성현황``: per indicator three rows 목표/실적/달성률(%) with two years of
  values → one :class:`Indicator` per year.
"""

from __future__ import annotations

import re

from ..model import Appearance, Indicator, PolicyGoal, StrategicGoal
from ..model.vocabulary import SECTION_GOALS, SECTION_INDICATORS
from .performance_tables import Cursor, base, cell, num, take_tables
from .performance_text import formula_text, html_items, name_key
from .text import MONEY_UNITS, OTHER_UNITS, Line, ReadError, collapse, strip_html, warn_unknown_unit

GOALS_SECTION = SECTION_GOALS
INDICATOR_SECTION = SECTION_INDICATORS

GRADES = {"◎": "◎", "○": "○", "〇": "○", "O": "○", "×": "×", "X": "×", "x": "×", "✕": "×"}
_YEAR = re.compile(r"'(\d{2})\s*년")
_DEPT_SUFFIX = re.compile(r"\(([^()]*(?:담당관|과|실|국|소|단|센터|본부|읍|면|동))\)\s*$")


def header_years(ln: Line, fallback: list[int]) -> list[int]:
    years = [2000 + int(m.group(1)) for m in _YEAR.finditer(ln.text)]
    return years or fallback


def goal_names(text: str) -> list[str]:
    """``○ a ○ b (부서)`` or ``<ul> ○ a ○ b`` → ["a", "b"]."""
    plain = collapse(strip_html(text))
    plain = _DEPT_SUFFIX.sub("", plain).strip()
    if "○" in plain:
        return html_items(plain)
    return [plain] if plain else []


def grade_of(raw: str, cur: Cursor, ln: Line) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw not in GRADES:
        raise ReadError(cur.ctx.src(ln), f"성과달성도는 ◎ ○ × 중 하나여야 합니다 / unknown grade: {raw!r}", raw)
    return GRADES[raw]


def read_goals(cur: Cursor, goals: list[StrategicGoal]) -> None:
    """성과목표 및 재원비중. Appends the department's strategic goals to ``goals``."""
    ctx = cur.ctx
    year = ctx.year
    first = cur.peek()
    if first is not None:
        year = header_years(first, [ctx.year] if ctx.year else [None])[-1]
    group: list[StrategicGoal] = []
    pg: PolicyGoal | None = None
    rows = take_tables(cur, GOALS_SECTION, "goals", lambda ln: ln.cells[0].startswith("전략목표"))
    for ln in rows:
        c = ln.cells
        if c[0]:
            names = goal_names(c[0])
            known = {name_key(g.name): g for g in goals}
            group = []
            for n in names:
                g = known.get(name_key(n))
                if g is None:
                    g = ctx.add(StrategicGoal(**base(cur, ln, n, GOALS_SECTION)))
                    goals.append(g)
                group.append(g)
            pg = None
        sg_name = "; ".join(g.name for g in group) or None
        if cell(c, 4) or cell(c, 5):
            figs = {"settled": num(cur, ln, 4, "결산액", money=True), "share": num(cur, ln, 5, "비중", unit="%")}
            if group:
                group[0].appearances.append(Appearance(GOALS_SECTION, ctx.src(ln), figs, sg_name))
        if cell(c, 1):
            pg = ctx.add(PolicyGoal(**base(cur, ln, c[1], GOALS_SECTION), strategic_goal=sg_name))
        if cell(c, 2):
            ctx.add(Indicator(**base(cur, ln, c[2], GOALS_SECTION, year), grade=grade_of(cell(c, 3), cur, ln),
                              policy_goal=pg.name if pg else None, strategic_goal=sg_name))
        elif cell(c, 3):
            raise ReadError(ctx.src(ln), "성과지표명 없이 달성도만 있습니다 / grade without indicator")


def strategic_goal_line(cur: Cursor, ln: Line, goals: list[StrategicGoal]) -> None:
    """``전략목표 ⇥ ○ ...`` of 제2장: another printing of the department's strategic goals
    (matched in order); goals printed only here become records."""
    ctx = cur.ctx
    names = goal_names(cell(ln.cells, 1))
    if len(names) == len(goals):
        for g, n in zip(goals, names):
            g.appearances.append(Appearance("전략목표별 성과보고", ctx.src(ln), {}, n))
    else:
        for n in names:
            if not any(name_key(g.name) == name_key(n) for g in goals):
                goals.append(ctx.add(StrategicGoal(**base(cur, ln, n, "전략목표별 성과보고"))))
    ctx.heading(ln, 2, "전략목표: " + "; ".join(names))


# --- (2) 성과지표 달성현황 ------------------------------------------------------------------

_UNIT = re.compile(r"\(\s*([^()]*?)\s*\)\s*$")
_UNIT_NOTE = re.compile(r"\(\s*단위\s*[:：]\s*([^)]*?)\s*\)\s*$")
_LOWER_WORDS = ("감소", "줄이", "낮을수록")
#: a printed unit in parentheses: a short word without digits or spaces (그루, 필지, ㎥)
_UNIT_LIKE = re.compile(r"[^\d\s,.·:]{1,4}")


def split_unit(name: str, cur: Cursor, ln: Line) -> tuple[str, str | None]:
    """``역점시책 관리 및 지원(%)`` → (name, "%"); ``인원(단위:천명)(명)`` → (인원, 천명)."""
    name = collapse(name)
    m = _UNIT.search(name)
    if not m:
        return name, None
    unit = m.group(1).replace(" ", "")
    rest = name[: m.start()].strip()
    note = _UNIT_NOTE.search(rest)
    if note:  # the values are in the note's unit
        unit = note.group(1).replace(" ", "")
        rest = rest[: note.start()].strip()
    if unit not in OTHER_UNITS and unit not in MONEY_UNITS:
        if not note and not _UNIT_LIKE.fullmatch(unit):  # ``(신규)``, ``(2개 분야)``: part of the name
            return name, None
        # a new unit (그루, 필지, 세대 …): kept as printed, one read.unit warning per document
        # (a ``단위:`` note is warned by read_document, which sees every note)
        if not note:
            warn_unknown_unit(cur.ctx.findings, doc=cur.ctx.doc, unit=unit, line=ln.no,
                              municipality=cur.ctx.municipality, year=cur.ctx.year)
    return rest, unit


def direction_of(name: str, unit: str | None, formula: str | None) -> tuple[str, str]:
    if unit in ("위", "등급"):
        return "lower", f"unit:{unit}"
    if any(w in f"{name} {formula or ''}" for w in _LOWER_WORDS):
        return "lower", "formula"
    return "higher", "default"


_LABELS = {"목표": "target", "실적": "actual", "달성률": "rate", "달성율": "rate"}


def _label(text: str) -> str | None:
    t = re.sub(r"\(.*?\)|\s", "", text)
    return _LABELS.get(t)


def read_indicators(cur: Cursor, policy_goal: str | None, strategic_goal: str | None) -> list[Indicator]:
    ctx = cur.ctx
    first = cur.peek()
    fallback = [ctx.year - 1, ctx.year] if ctx.year else []
    years = header_years(first, fallback) if first is not None else fallback
    rows = take_tables(cur, INDICATOR_SECTION, "indicators", lambda ln: ln.cells[0].startswith("성과지표"))
    if len(years) != 2:
        raise ReadError(ctx.src(first), "성과지표 표의 연도를 알 수 없습니다 / years of the indicator table unknown")
    blocks: list[dict] = []
    for ln in rows:
        c = ln.cells
        label = _label(cell(c, 2))
        if cell(c, 2) and label is None:
            raise ReadError(ctx.src(ln), f"목표/실적/달성률 중 하나가 아닙니다 / unknown row label: {c[2]!r}", c[2])
        if not blocks or (c[0] and "rate" in blocks[-1]["rows"]) or (label == "target" and blocks[-1]["rows"]):
            blocks.append({"first": ln, "names": [], "formula": [], "rows": {}})
        b = blocks[-1]
        if c[0]:
            b["names"].append(c[0])
        if cell(c, 1):
            b["formula"].append(c[1])
        if label:
            if label in b["rows"]:
                raise ReadError(ctx.src(ln), f"{c[2]} 행이 두 번 나옵니다 / duplicate row")
            b["rows"][label] = ln
    out: list[Indicator] = []
    for b in blocks:
        missing = [k for k in ("target", "actual", "rate") if k not in b["rows"]]
        if missing or not b["names"]:
            raise ReadError(ctx.src(b["first"]), f"성과지표 행이 모자랍니다 / incomplete indicator rows: {missing or 'name'}")
        name, unit = split_unit(" ".join(b["names"]), cur, b["first"])
        formula = formula_text(b["formula"])
        direction, basis = direction_of(name, unit, formula)
        for col, year in ((3, years[0]), (4, years[1])):
            rec = Indicator(**base(cur, b["first"], name, INDICATOR_SECTION, year), policy_goal=policy_goal,
                            strategic_goal=strategic_goal, unit=unit, formula=formula,
                            direction=direction, direction_basis=basis)
            for key in ("target", "actual", "rate"):
                ln = b["rows"][key]
                rec.set(key, num(cur, ln, col, f"{name} {key}", unit="%" if key == "rate" else unit))
            out.append(ctx.add(rec))
    return out
