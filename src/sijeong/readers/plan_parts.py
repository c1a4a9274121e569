"""What a plan walker carries: departments, the current task, narratives — and the
builders that turn a part's outline into records (PlanTask, Narrative, StrategicGoal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import (
    BudgetItem, Department, Figure, Narrative, OutlineItem, PlanTask, Source, StrategicGoal, computed_source,
)
from .context import ReadContext
from .plan_money import SOURCES, BudgetStatement, budget_statements
from .plan_outline import OutlineBuilder, citations, milestones
from .plan_people import People

#: a line stating a goal (추진목표, 목표, 성과목표, 비전): an amount in it is what the programme
#: aims at (often over several years: "총사업비 1조 1천억원 투자"), never the task's budget
TARGET_LINE = re.compile(r"^\s*[-·○◦]?\s*(?:추진\s*목표|성과\s*목표|사업\s*목표|최종\s*목표|목\s*표|비\s*전)\s*[:：]")
#: a labelled period: ``사업기간 : 2021. 7. ~ 2022. 7.``, ``추진기간 : 2021년~2025년``, ``기 간 : 2022. 3월 ~ 6월``
PERIOD_LINE = re.compile(r"^\s*[-·○◦]?\s*(?:사\s*업|추\s*진|용\s*역|공\s*사|계\s*약)?\s*기\s*간\s*[:：](?P<rest>.*)$")
#: a year as plans print it: ``2021``, ``'21``, ``‘21``, ``’21`` (not inside a longer number)
_YEAR = re.compile(r"(?<![\d.,])(?:(?P<full>20\d\d)|['‘’](?P<short>\d\d))(?![\d,])")
#: a year column of a budget table: ``'22년``, ``2022년``, ``2022``, ``'20년이전``, ``'23년이후``
YEAR_COLUMN = re.compile(r"^~?(?:['‘’](?P<short>\d{2})|(?P<full>20\d{2}))\s*년?(?:도)?\s*(?P<range>이전|이후|까지|~)?$")
#: a money column of a table that names a source of funding: ``국비``, ``도비``, ``시비``, ``국도비``
_FUNDING_COLUMN = re.compile(r"^(?:국\s*도\s*비|국\s*비|도\s*비|시\s*비|군\s*비|구\s*비|시\s*군\s*비)$")
#: a header that says its columns are one source's money: ``국비지원현황`` over ``'20년이전 | '21년 …``
_SOURCE_GROUP = re.compile(r"(국비|도비|시비|군비|구비)")


def years_in(text: str) -> set[int]:
    """The years a text names (``2021. 7. ~ 2022. 7.`` → {2021, 2022}, ``'25.7월`` → {2025})."""
    out = set()
    for m in _YEAR.finditer(text):
        out.add(int(m.group("full")) if m.group("full") else 2000 + int(m.group("short")))
    return out


def _year_of_column(key: str) -> tuple[int, bool] | None:
    """``col:국비지원현황 '22년`` → (2022, False); ``col:… '23년이후`` → (2023, True: an open range)."""
    leaf = key.removeprefix("col:").split(" ")[-1].strip()
    m = YEAR_COLUMN.match(leaf)
    if not m:
        return None
    year = int(m.group("full")) if m.group("full") else 2000 + int(m.group("short"))
    return year, bool(m.group("range")) or leaf.startswith("~")


@dataclass
class TableTotal:
    """What a budget table's total row (계/합계/예산총액) says about the task's cost: the amount of
    the plan's year, its split by source, and the total over years of a multi-year table."""

    year: Figure | None
    split: dict[str, Figure]
    programme: Figure | None
    #: every project row names another department as the one that runs it (사업 부서: 건설도로과 …):
    #: what the task coordinates, not its own cost
    coordinated: bool = False


def table_total(row: BudgetItem, plan_year: int | None) -> TableTotal:
    """Read a budget table's total row as the task's cost.

    - a table with year columns (``'20년이전 | '21년 | '22년 | '23년이후``): this year is the plan
      year's column, the 총예산/사업비 column is the programme's total over the years (a
      column group naming a source, ``국비지원현황``, makes the year's amount that source's);
    - else the 총예산/합계/사업비 column is this year's amount, with 국비/도비/시비 as its split;
    - else (``사업예산(백만원)`` over ``국도비 | 시비`` only) the sum of the source columns."""
    # whole won only: a cell that scales to a fraction of a won (a misread) is no amount
    figs = {k: f for k, f in row.figures.items() if f.value is None or isinstance(f.value, int)}
    years = [(k, f, y) for k, f in figs.items() if k.startswith("col:") and (y := _year_of_column(k))]
    if years:
        this = [(k, f) for k, f, (y, ranged) in years if y == plan_year and not ranged]
        year = this[0][1] if this else None
        split: dict[str, Figure] = {}
        if this:
            m = _SOURCE_GROUP.search(this[0][0].removeprefix("col:"))
            if m:
                split[SOURCES[m.group(1)]] = this[0][1]
        return TableTotal(year, split, figs.get("budget"))
    split = {k: figs[k] for k in ("national", "provincial", "city") if figs.get(k) is not None}
    for k, f in figs.items():
        leaf = k.removeprefix("col:").split(" ")[-1]
        if k.startswith("col:") and re.fullmatch(r"국\s*도\s*비", leaf):
            split["national_provincial"] = f  # 국비 and 도비 together, as printed
    year = figs.get("budget")
    if year is None and split:
        printed = {id(f) for f in split.values()}
        parts = [f for f in figs.values() if id(f) in printed and f.value is not None]  # in column order
        if parts:
            year = Figure(sum(f.value for f in parts), " + ".join(f.raw for f in parts), row.source, "원")
    return TableTotal(year, split, None)


@dataclass
class BudgetPart:
    """One □ part of a task: its budget statements (this year's, over several years, targets),
    its budget tables' totals and the years of its labelled period (사업기간 …)."""

    stated: list[tuple[BudgetStatement, bool]] = field(default_factory=list)  # (statement, names years)
    targets: list[BudgetStatement] = field(default_factory=list)
    tables: list[TableTotal] = field(default_factory=list)
    period: set[int] = field(default_factory=set)

    @property
    def multi_year(self) -> bool:
        return len(self.period) > 1


@dataclass
class PlanState:
    ctx: ReadContext
    bureau: str | None = None
    department: str | None = None
    departments: dict[str, Department] = field(default_factory=dict)
    tasks: list[PlanTask] = field(default_factory=list)
    #: (department, footnote number) -> the task citing it
    cited: dict[tuple[str | None, int], PlanTask] = field(default_factory=dict)

    def dept(self, name: str, source: Source) -> Department:
        d = self.departments.get(name)
        if d is None:
            d = Department(source=source, municipality=self.ctx.municipality, year=self.ctx.year,
                           department=name, name=name, bureau=self.bureau if name != self.bureau else None)
            self.departments[name] = d
        return d

    def base(self, section: str | None = None) -> dict:
        return dict(municipality=self.ctx.municipality, year=self.ctx.year, department=self.department,
                    section=section)


class TaskBuilder:
    """One numbered task, from its title line to its 추진부서 block."""

    def __init__(self, state: PlanState, number: Figure, title: str, source: Source):
        self.state = state
        self.outline = OutlineBuilder()
        self.task = PlanTask(source=source, name=title, title=title, **state.base("주요업무계획"))
        self.task.set("number", number)
        self._last_objective: int | None = None
        #: the task's □ parts, each with its budget statements and tables (the first: before any □)
        self.parts: list[BudgetPart] = [BudgetPart()]

    @property
    def last(self) -> OutlineItem | None:
        return self.outline.last

    def objective(self, text: str, source: Source) -> None:
        self.task.objectives.append(text)
        self._last_objective = len(self.task.objectives) - 1
        self.outline.leaf("❖", text, source)
        self._cite(text)

    def item(self, level: int, marker: str, text: str, source: Source) -> None:
        self._last_objective = None
        if marker in ("□", "■"):
            self.parts.append(BudgetPart())
        self.outline.add(level, marker, text, source)
        self._scan(text, source)

    def continuation(self, text: str, source: Source) -> None:
        if self._last_objective is not None and self.outline.last is not None and self.outline.last.marker == "❖":
            self.outline.last.text = f"{self.outline.last.text} {text.strip()}"
            self.task.objectives[self._last_objective] = self.outline.last.text
            return
        self.outline.continuation(text, source)
        self._scan(text, source)

    def _cite(self, text: str) -> None:
        for n in citations(text):
            self.state.cited[(self.task.department, n)] = self.task

    def _scan(self, text: str, source: Source) -> None:
        self._cite(text)
        part = self.parts[-1]
        if TARGET_LINE.match(text):
            # "추진목표 : 총사업비 1조 1천억원 투자": what the programme aims at, not this task's budget
            part.targets.extend(budget_statements(text, source))
            return
        m = PERIOD_LINE.match(text)
        if m:
            part.period |= years_in(m.group("rest"))
        statements = budget_statements(text, source)
        multi = len(years_in(text)) > 1  # "총사업비 : 100억원(2021~2025)"
        part.stated.extend((st, multi) for st in statements)

    def table_total(self, row: BudgetItem, rows: list[BudgetItem] | None = None) -> None:
        """A budget table's total row inside the task (in its current □ part); ``rows`` are the
        table's other rows (to see which department runs each project)."""
        tt = table_total(row, self.task.year)
        tt.coordinated = run_by_other_departments(rows or [], self.task.department)
        self.parts[-1].tables.append(tt)

    def people(self, p: People) -> None:
        t = self.task
        t.people = p.people
        t.lead_department = p.lead_department
        t.cooperating_departments = p.cooperating
        head = p.head
        t.head = head.name if head else None
        leaders = p.team_leaders
        if leaders:
            t.team_leader = leaders[0].name
            t.extension = leaders[0].extension
        t.staff = p.staff
        if head is not None and p.lead_department:
            d = self.state.dept(p.lead_department, head.source or t.source)
            d.head = d.head or head.name

    def finish(self) -> PlanTask:
        t = self.task
        t.sections = self.outline.items + t.sections  # footnotes met mid-task are already there
        t.schedule = milestones(t.sections)
        year: list[Figure] = []
        splits: dict[str, list[Figure]] = {}
        programme: list[Figure] = []
        targets: list[Figure] = []
        coordinated: list[Figure] = []
        for part in self.parts:
            this = [st for st, multi in part.stated if not (multi or part.multi_year)]
            over = [st for st, multi in part.stated if multi or part.multi_year]
            programme += [st.total for st in over]
            targets += [st.total for st in part.targets]
            if this:  # the part's own statement; a table beside it is checked by plan.task_budget
                year += [st.total for st in this]
                for st in this:
                    for k, fig in st.split.items():
                        splits.setdefault(k, []).append(fig)
                continue
            for tt in part.tables:
                if tt.coordinated:  # projects other departments run: kept apart, never the task's cost
                    coordinated += [f for f in (tt.year, tt.programme) if f is not None][:1]
                    continue
                if part.multi_year and not tt.programme:  # a table of a project over several years
                    programme += [tt.year] if tt.year is not None and not over else []
                    continue
                if tt.programme is not None and not over:
                    programme.append(tt.programme)
                if tt.year is not None and tt.year.value is not None:
                    year.append(tt.year)
                    for k, fig in tt.split.items():
                        splits.setdefault(k, []).append(fig)
        _set_sum(t, "budget", year)
        for k, figs in splits.items():
            _set_sum(t, k, figs)
        _set_sum(t, "programme_budget", programme)
        _set_sum(t, "target_budget", targets)
        _set_sum(t, "coordinated_budget", coordinated)
        self.state.ctx.add(t)
        self.state.tasks.append(t)
        return t


#: a table column naming the unit that runs each project
_RUN_BY = re.compile(r"^(사업|담당|주관|소관|추진)?\s*부\s*서$")
#: a department of the city hall (과, 담당관, 실, 국, 단, 사업소, 센터, 본부) — not a 읍·면·동, whose
#: projects a coordinating department usually budgets and allots
_DEPARTMENT_NAME = re.compile(r"(과|담당관|실|국|단|사업소|센터|본부)$")


def run_by_other_departments(rows: list[BudgetItem], department: str | None) -> bool:
    """Every project row of a table names, in a 사업 부서/담당부서 column, a city department other
    than the task's own (``마곡~시암간 도로개설사업 … 사업 부서: 건설도로과`` in a 미래전략담당관 task):
    the table lists what others run with the money it coordinates (국비지원현황)."""
    named = []
    for r in rows:
        if r.is_total:
            continue
        runs = [v for k, v in r.details.items() if _RUN_BY.match(k.replace(" ", "")) and v and v.strip()]
        if not runs:
            return False
        named.append(re.sub(r"\s+", "", runs[0]))
    own = re.sub(r"\s+", "", department or "")
    return bool(named) and all(_DEPARTMENT_NAME.search(n) and n != own for n in named)


def _set_sum(record, key: str, figs: list[Figure]) -> None:
    """``key`` = the sum of ``figs`` (each kept as ``key_1``, ``key_2`` …); a key that is no field
    of the record (``programme_budget``) is kept among its figures only."""
    if not figs:
        return
    put = record.set if hasattr(record, key) else record.figures.__setitem__
    if len(figs) == 1:
        put(key, figs[0])
        return
    total = sum(f.value or 0 for f in figs)
    put(key, Figure(total, " + ".join(f.raw for f in figs), computed_source(f"plan_{key}_sum"), "원"))
    for i, f in enumerate(figs, 1):
        record.figures[f"{key}_{i}"] = f


def add_footnote(state: PlanState, task: PlanTask | None, number: int, text: str, source: Source) -> OutlineItem | None:
    """A footnote (``1) UAM(Urban Air Mobility) : 도심 항공 교통``) goes to the task of the
    same department citing it, else to the task it follows."""
    target = state.cited.get((state.department, number)) or task
    if target is None:
        return None
    item = OutlineItem(source=source, marker=f"{number})", text=text)
    target.footnotes.append(f"{number}) {text}")
    target.sections.append(item)
    return item


def extend_footnote(task_item: tuple[PlanTask, OutlineItem] | None, text: str, source: Source) -> None:
    if task_item is None:
        return
    task, item = task_item
    item.children.append(OutlineItem(source=source, marker="", text=text))
    for i in range(len(task.footnotes) - 1, -1, -1):
        if task.footnotes[i].startswith(item.marker):
            task.footnotes[i] = f"{task.footnotes[i]} {text}"
            break


def achievement(state: PlanState, title: str, number: Figure | None, source: Source, items: list[OutlineItem],
                section: str = "주요성과") -> Narrative:
    n = Narrative(source=source, name=title, about_kind="department", about_name=state.department,
                  items=items, **state.base(section))
    if number is not None:
        n.figures["number"] = number  # the achievement's number (Narrative has no field)
    state.ctx.add(n)
    return n


def narratives_per_item(state: PlanState, items: list[OutlineItem], section: str) -> None:
    """003's achievements: one narrative per top-level item (□), its children as items."""
    for it in items:
        achievement(state, it.text, None, it.source, it.children, section)


def goals(state: PlanState, vision: str | None, vision_source: Source | None, items: list[OutlineItem],
          section: str) -> None:
    """정책목표 items: a narrative, and a StrategicGoal per top-level goal."""
    if not items:
        return
    achievement(state, section, None, items[0].source, items, section)
    if section != "정책목표":
        return
    for it in items:
        g = StrategicGoal(source=it.source, name=it.text, vision=vision, **state.base(section))
        state.ctx.add(g)


