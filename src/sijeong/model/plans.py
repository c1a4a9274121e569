"""Records of the work-plan family (주요업무계획) beyond plan tasks: the regular tables of a
plan — budget tables of programs, committees, assets (equipment, facilities) and other
row × column statistics. Plain dataclasses like ``records.py``; money in integer won.

Each row of such a table becomes one record; ``figures`` keys are the field names, or
``"col:<column header>"`` for the per-column values of ``amounts``/``values``/``counts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .core import Number
from .records import Record


@dataclass(kw_only=True, slots=True)
class BudgetItem(Record):
    """A row of a budget table (주요사업 예산현황, 사업현황, 지원사업 ...).

    ``amounts`` keeps every money column by its header (e.g. ``'21년``), in won."""

    kind: ClassVar[str] = "budget_item"
    numeric_fields: ClassVar[tuple[str, ...]] = ("budget", "national", "provincial", "city")
    number: int | None = None  # 연번
    task: str | None = None  # the plan task the table belongs to, if any
    is_total: bool = False
    budget: int | None = None
    national: int | None = None
    provincial: int | None = None
    city: int | None = None
    amounts: dict[str, int | None] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)  # text columns: 사업기간, 사업규모, 비고 ...


@dataclass(kw_only=True, slots=True)
class Committee(Record):
    """A row of 위원회 현황."""

    kind: ClassVar[str] = "committee"
    numeric_fields: ClassVar[tuple[str, ...]] = ("members",)
    number: int | None = None
    members: int | None = None  # 위원수
    chair: str | None = None  # 위원장
    duties: str | None = None  # 주요내용


@dataclass(kw_only=True, slots=True)
class Asset(Record):
    """Equipment or facilities (CCTV, BIT, ITS, smart streetlights, servers ...).

    ``category`` is the inventory's title; ``counts`` the numbers by column."""

    kind: ClassVar[str] = "asset"
    numeric_fields: ClassVar[tuple[str, ...]] = ("quantity",)
    category: str | None = None
    quantity: Number | None = None
    unit: str | None = None
    counts: dict[str, Number | None] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True, slots=True)
class Statistic(Record):
    """A row of any other regular table of a plan: ``values`` by column header (numbers
    as printed, money in won where the table has a money unit), ``texts`` for text cells."""

    kind: ClassVar[str] = "statistic"
    task: str | None = None
    unit: str | None = None
    is_total: bool = False
    values: dict[str, Number | None] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


PLAN_RECORD_TYPES: tuple[type[Record], ...] = (BudgetItem, Committee, Asset, Statistic)
