"""What a plan walker carries: departments, the current task, narratives — and the
builders that turn a part's outline into records (PlanTask, Narrative, StrategicGoal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Department, Figure, Narrative, OutlineItem, PlanTask, Source, StrategicGoal, computed_source
from .context import ReadContext
from .plan_money import budget_statements
from .plan_outline import OutlineBuilder, citations, milestones
from .plan_people import People

#: a line stating a goal (추진목표, 목표, 성과목표, 비전): an amount in it is what the programme
#: aims at (often over several years: "총사업비 1조 1천억원 투자"), never the task's budget
TARGET_LINE = re.compile(r"^\s*[-·○◦]?\s*(?:추진\s*목표|성과\s*목표|사업\s*목표|최종\s*목표|목\s*표|비\s*전)\s*[:：]")


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
        self._budgets: list[Figure] = []
        self._splits: dict[str, list[Figure]] = {}
        self._last_objective: int | None = None
        #: 합계 rows of the task's budget tables: the budget when no statement gives one
        self.table_totals: list[Figure] = []

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
        if TARGET_LINE.match(text):
            return  # "추진목표 : 총사업비 1조 1천억원 투자": a goal of the programme, not this task's budget
        for st in budget_statements(text, source):
            self._budgets.append(st.total)
            for k, fig in st.split.items():
                self._splits.setdefault(k, []).append(fig)

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
        _set_sum(t, "budget", self._budgets or self.table_totals[:1])
        for k, figs in self._splits.items():
            _set_sum(t, k, figs)
        self.state.ctx.add(t)
        self.state.tasks.append(t)
        return t


def _set_sum(record, key: str, figs: list[Figure]) -> None:
    if not figs:
        return
    if len(figs) == 1:
        record.set(key, figs[0])
        return
    total = sum(f.value or 0 for f in figs)
    record.set(key, Figure(total, " + ".join(f.raw for f in figs), computed_source(f"plan_{key}_sum"), "원"))
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


