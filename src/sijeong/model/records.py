"""The domain records. Plain dataclasses; field names follow ``shared/GLOSSARY.md``.

Every record carries ``source`` (the line that introduces it), the dimensions
``municipality``, ``year`` and ``department``, and ``name`` as the document writes it
(whitespace collapsed, without its code, number or trailing unit).

Numeric fields hold plain values (money in integer won). ``figures`` maps a field name to
the :class:`Figure` it was read from, so every number keeps its own source line (a
continuation line, another table). ``appearances`` keeps each printing of the entity in a
table other than the primary one, for the cross-table rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from .core import Appearance, Figure, Number, Source


@dataclass(kw_only=True, slots=True)
class Record:
    kind: ClassVar[str] = "record"
    #: fields filled from Figures (numbers); listed per subclass, used by export and store
    numeric_fields: ClassVar[tuple[str, ...]] = ()

    source: Source
    municipality: str
    year: int | None
    department: str | None
    name: str
    figures: dict[str, Figure] = field(default_factory=dict)
    appearances: list[Appearance] = field(default_factory=list)
    section: str | None = None  # the table or section the record was read from

    def set(self, key: str, fig: Figure | None) -> None:
        """Set a numeric field from a Figure, keeping its provenance."""
        if fig is None:
            return
        setattr(self, key, fig.value)
        self.figures[key] = fig

    def all_figures(self) -> list[Figure]:
        out = list(self.figures.values())
        for app in self.appearances:
            out.extend(app.figures.values())
        return out

    def line_of(self, key: str) -> int:
        fig = self.figures.get(key)
        return fig.source.line if fig else self.source.line

    def data(self) -> dict[str, Any]:
        """The record's own fields (no provenance), as plain values."""
        skip = {"source", "figures", "appearances"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}


@dataclass(kw_only=True, slots=True)
class Department(Record):
    """A department (과/담당관/읍면동/사업소), with its organization where given."""

    kind: ClassVar[str] = "department"
    numeric_fields: ClassVar[tuple[str, ...]] = ("authorized", "current")
    bureau: str | None = None
    head: str | None = None
    teams: list[str] = field(default_factory=list)
    authorized: int | None = None
    current: int | None = None
    #: headcount by grade: {"4급이상": {"authorized": 0}, ...} as the table gives it
    staffing: dict[str, dict[str, int | None]] = field(default_factory=dict)
    duties: list[str] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class StrategicGoal(Record):
    kind: ClassVar[str] = "strategic_goal"
    vision: str | None = None


@dataclass(kw_only=True, slots=True)
class PolicyGoal(Record):
    """정책사업목표 (a department's policy goal in the performance report)."""

    kind: ClassVar[str] = "policy_goal"
    numeric_fields: ClassVar[tuple[str, ...]] = (
        "budget",
        "settled",
        "indicator_count",
        "achieved_indicator_count",
        "unit_program_count",
        "share",
    )
    strategic_goal: str | None = None
    budget: int | None = None
    settled: int | None = None
    indicator_count: int | None = None
    achieved_indicator_count: int | None = None
    unit_program_count: int | None = None
    share: Number | None = None  # 비중(%) in 성과목표 및 재원비중
    program: str | None = None  # the 정책사업 it describes, as 사업별조서 names it (readers.link)
    program_basis: str | None = None  # how that was found: "amount" | "name" | None


@dataclass(kw_only=True, slots=True)
class Indicator(Record):
    """성과지표 for one year. The report prints '19 and '20 side by side: one record each."""

    kind: ClassVar[str] = "indicator"
    numeric_fields: ClassVar[tuple[str, ...]] = ("target", "actual", "rate")
    policy_goal: str | None = None
    strategic_goal: str | None = None
    unit: str | None = None
    formula: str | None = None
    direction: str | None = None  # "higher" | "lower"
    direction_basis: str | None = None  # why: "unit:위", "formula", "default", "user"
    target: Number | None = None
    actual: Number | None = None
    rate: Number | None = None  # as reported, percent (123 for 123%)
    grade: str | None = None  # as reported: ◎ ○ ×
    rate_computed: float | None = None
    grade_computed: str | None = None


@dataclass(kw_only=True, slots=True)
class Program(Record):
    """정책사업 / 단위사업 / 세부사업 with every settlement column of 사업별조서."""

    kind: ClassVar[str] = "program"
    numeric_fields: ClassVar[tuple[str, ...]] = (
        "budget",
        "carried_over",
        "transfer_use",
        "transfer_divert",
        "revenue_substitute",
        "reserve_used",
        "change",
        "current_budget",
        "spent",
        "carry_forward",
        "carry_explicit",
        "carry_accident",
        "carry_continuing",
        "subsidy_returned",
        "unspent",
        "subsidy_balance",
        "savings",
        "plan_change",
        "bid_difference",
        "spending_balance",
        "reserve",
        "prior_year_spent",
    )
    account: str | None = None  # general / special / fund
    level: str | None = None  # policy / unit / detail
    parent: str | None = None
    position: int = 0  # order within the department's table
    budget: int | None = None
    carried_over: int | None = None
    transfer_use: int | None = None
    transfer_divert: int | None = None
    revenue_substitute: int | None = None
    reserve_used: int | None = None
    change: int | None = None
    current_budget: int | None = None
    spent: int | None = None
    carry_forward: int | None = None
    carry_explicit: int | None = None
    carry_accident: int | None = None
    carry_continuing: int | None = None
    subsidy_returned: int | None = None
    unspent: int | None = None
    subsidy_balance: int | None = None
    savings: int | None = None
    plan_change: int | None = None
    bid_difference: int | None = None
    spending_balance: int | None = None
    reserve: int | None = None
    prior_year_spent: int | None = None


@dataclass(kw_only=True, slots=True)
class Revenue(Record):
    """세입결산 row: 과목 code hierarchy 200 → 210 → 216 → 216-01."""

    kind: ClassVar[str] = "revenue"
    numeric_fields: ClassVar[tuple[str, ...]] = (
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
    account: str | None = None
    code: str | None = None  # None for the department total row
    level: int = 0  # 0 department total, 1 장 (200), 2 관 (210), 3 항 (216), 4 목 (216-01)
    parent_code: str | None = None
    position: int = 0
    budget: int | None = None
    carried_over: int | None = None
    current_budget: int | None = None
    assessed: int | None = None
    received_total: int | None = None
    in_kind: int | None = None
    refunds: int | None = None
    received: int | None = None
    written_off: int | None = None
    uncollected: int | None = None


@dataclass(kw_only=True, slots=True)
class DepartmentSummary(Record):
    """총괄 (부서별 성과목표 총괄) row, with 결산현황 and 조직 및 인력현황 where given.

    ``name`` is the row label (the department, or 계).
    """

    kind: ClassVar[str] = "department_summary"
    numeric_fields: ClassVar[tuple[str, ...]] = (
        "strategic_goal_count",
        "policy_goal_count",
        "indicator_count",
        "exceeded_count",
        "achieved_count",
        "missed_count",
        "settled",
        "prior_year_settled",
        "change",
    )
    is_total: bool = False
    strategic_goal_count: int | None = None
    policy_goal_count: int | None = None
    indicator_count: int | None = None
    exceeded_count: int | None = None
    achieved_count: int | None = None
    missed_count: int | None = None
    settled: int | None = None
    prior_year_settled: int | None = None
    change: int | None = None


@dataclass(kw_only=True, slots=True)
class SettlementLine(Record):
    """결산현황 row of a department (계, 정책사업, 행정운영경비, 인력운영비, 기본경비, 재무활동)."""

    kind: ClassVar[str] = "settlement_line"
    numeric_fields: ClassVar[tuple[str, ...]] = (
        "settled",
        "share",
        "prior_year_settled",
        "prior_year_share",
        "change",
        "change_rate",
    )
    settled: int | None = None
    share: Number | None = None
    prior_year_settled: int | None = None
    prior_year_share: Number | None = None
    change: int | None = None
    change_rate: Number | None = None


@dataclass(kw_only=True, slots=True)
class Staffing(Record):
    """조직 및 인력현황 row (정원 by grade, 현원, 팀)."""

    kind: ClassVar[str] = "staffing"
    numeric_fields: ClassVar[tuple[str, ...]] = (
        "authorized",
        "authorized_grade4_up",
        "authorized_grade5",
        "authorized_grade6_down",
        "current",
    )
    is_total: bool = False
    authorized: int | None = None
    authorized_grade4_up: int | None = None
    authorized_grade5: int | None = None
    authorized_grade6_down: int | None = None
    current: int | None = None
    teams: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Milestone:
    """A dated schedule item of a plan task (``2022. 03. 중간보고회 개최``)."""

    source: Source
    text: str
    start: str | None = None  # ISO-like "2022-03" or "2025-01"
    end: str | None = None


@dataclass(slots=True)
class Person:
    role: str  # head / team_leader / staff
    name: str | None
    title: str | None = None  # e.g. 투자유치팀장
    extension: str | None = None
    source: Source | None = None


@dataclass(slots=True)
class OutlineItem:
    """A line of a plan task's outline: □ section, - item, sub-items, nested."""

    source: Source
    marker: str
    text: str
    children: list["OutlineItem"] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class PlanTask(Record):
    """주요업무계획의 과제: a numbered task of a department's work plan."""

    kind: ClassVar[str] = "plan_task"
    numeric_fields: ClassVar[tuple[str, ...]] = ("budget", "national", "provincial", "city")
    number: int | None = None
    title: str = ""
    objectives: list[str] = field(default_factory=list)
    sections: list[OutlineItem] = field(default_factory=list)
    budget: int | None = None
    national: int | None = None
    provincial: int | None = None
    city: int | None = None
    lead_department: str | None = None
    head: str | None = None
    team_leader: str | None = None
    extension: str | None = None
    staff: list[Person] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    cooperating_departments: list[str] = field(default_factory=list)
    schedule: list[Milestone] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class Narrative(Record):
    """Structured text: 주요성과, 주요내용, 성과분석, 주요 추진성과, achievements, vision ...

    ``about_kind``/``about_name`` say what it describes (a department, policy goal,
    indicator or program). Items keep the outline's nesting.
    """

    kind: ClassVar[str] = "narrative"
    about_kind: str | None = None
    about_name: str | None = None
    items: list[OutlineItem] = field(default_factory=list)


RECORD_TYPES: tuple[type[Record], ...] = (
    Department,
    StrategicGoal,
    PolicyGoal,
    Indicator,
    Program,
    Revenue,
    DepartmentSummary,
    SettlementLine,
    Staffing,
    PlanTask,
    Narrative,
)
