"""Picking records out of documents, and the small computations the tables share.

Everything here is pure: documents in, plain values out. Names are matched after
collapsing whitespace, since the documents break and space names differently in
different tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from ..model import Document, Figure, Indicator, Program, Record, Source
from ..model import grades
from ..model.vocabulary import ADMIN, ADMIN_PARTS, FINANCE, NON_POLICY, RESERVE  # noqa: F401  (the reports' names)
from ..model.names import CATEGORY, REPORT_GOAL, closest_name, ratio, space_key

R = TypeVar("R", bound=Record)

LEVELS = ("policy", "unit", "detail")

# 결산현황 categories of a department's spending: 정책사업 is everything that is not one of
# these. 인력운영비 and 기본경비 are the parts of 행정운영경비.


key = space_key  # a name for matching: whitespace removed


def base_name(name: str | None) -> str:
    """The name without a trailing ``(부서)``: ``기본경비(기획담당관)`` → ``기본경비``."""
    return re.sub(r"\(.*\)$", "", key(name))


def category(name: str | None) -> str | None:
    """Which 결산현황 category a program name denotes, tolerating one wrong syllable."""
    b = base_name(name)
    for cat in NON_POLICY + ADMIN_PARTS:
        if b == cat or (len(b) == len(cat) and ratio(b, cat) >= CATEGORY):
            return cat
    return None


def match(name: str | None, candidates: Iterable[str], *, cutoff: float = REPORT_GOAL) -> str | None:
    """The candidate naming the same thing: equal after collapsing whitespace, else the
    most similar one (the documents spell a goal differently in different tables)."""
    return closest_name(name, candidates, cutoff)


def records(
    docs: Iterable[Document],
    kind: type[R],
    *,
    year: int | None = None,
    department: str | None = None,
    municipality: str | None = None,
) -> list[R]:
    out: list[R] = []
    for doc in docs:
        for rec in doc.records:
            if not isinstance(rec, kind):
                continue
            if year is not None and rec.year != year:
                continue
            if department is not None and key(rec.department) != key(department):
                continue
            if municipality is not None and rec.municipality != municipality:
                continue
            out.append(rec)
    return out


def departments(recs: Iterable[Record]) -> list[str]:
    """Departments in order of first appearance."""
    seen: dict[str, str] = {}
    for r in recs:
        if r.department and key(r.department) not in seen:
            seen[key(r.department)] = r.department
    return list(seen.values())


def fig_source(rec: Record, field: str) -> Source | None:
    fig: Figure | None = rec.figures.get(field)
    return fig.source if fig else None


# --- grades ---------------------------------------------------------------------------

grade_for_rate = grades.grade_of  # ◎ ≥130%, ○ 100–<130%, × <100%


def rate_of(ind: Indicator) -> float | None:
    """The reported rate, else the project's computed one, else computed here."""
    if ind.rate is not None:
        return float(ind.rate)
    if ind.rate_computed is not None:
        return float(ind.rate_computed)
    return grades.rate_of(ind.target, ind.actual, ind.direction)


def grade_of(ind: Indicator, basis: str = "reported") -> tuple[str | None, bool]:
    """(grade, computed?). ``basis="reported"`` prefers the printed grade."""
    if basis == "reported" and ind.grade:
        return ind.grade, False
    if ind.grade_computed:
        return ind.grade_computed, True
    return grade_for_rate(rate_of(ind)), True


# --- the program hierarchy ------------------------------------------------------------

class ProgramTree:
    """A department's programs as a tree: policy → unit → detail, linked by ``parent``."""

    def __init__(self, programs: list[Program]):
        self.programs = sorted((p for p in programs if p.level in LEVELS), key=lambda p: p.position)
        self._children: dict[tuple[str, str], list[Program]] = {}
        for p in self.programs:
            if p.parent is not None:
                self._children.setdefault((key(p.parent), p.level or ""), []).append(p)

    def roots(self) -> list[Program]:
        """The 정책사업, and any program whose parent is not among the records (a 단위사업
        printed only in 관련 예산사업 결산현황, say) — so every leaf is under one root."""
        present = {(key(p.name), p.level) for p in self.programs}
        out = []
        for p in self.programs:
            i = LEVELS.index(p.level)
            if i == 0 or p.parent is None or (key(p.parent), LEVELS[i - 1]) not in present:
                out.append(p)
        return out

    def children(self, p: Program) -> list[Program]:
        i = LEVELS.index(p.level) if p.level in LEVELS else -1
        if i < 0 or i + 1 >= len(LEVELS):
            return []
        return self._children.get((key(p.name), LEVELS[i + 1]), [])

    def rollup(self, p: Program, field: str) -> tuple[int | None, list[Source]]:
        """The sum of ``field`` over the leaves under ``p`` (``-`` as 0), and their sources.

        A leaf without the value gives ``None`` for the whole branch, unless ``p`` itself
        carries it (then ``p``'s own figure is used)."""
        kids = self.children(p)
        if kids:
            total, srcs = 0, []
            for k in kids:
                v, s = self.rollup(k, field)
                if v is None:
                    break
                total += v
                srcs.extend(s)
            else:
                return total, srcs
        own = getattr(p, field)
        if own is None and field in p.figures:  # printed "-"
            own = 0
        if own is None:
            return None, []
        src = fig_source(p, field) or p.source
        return int(own), [src]

    def categories(self) -> dict[str, list[Program]]:
        """The roots by 결산현황 category: 정책사업, 행정운영경비, 재무활동, 예비비."""
        out: dict[str, list[Program]] = {}
        for p in self.roots():
            cat = category(p.name)
            if cat in ADMIN_PARTS:  # a root named like a part still belongs to 행정운영경비
                cat = ADMIN
            out.setdefault(cat or "정책사업", []).append(p)
        return out


def sum_values(pairs: Iterable[tuple[int | None, list[Source]]]) -> tuple[int | None, list[Source]]:
    total, srcs, any_value = 0, [], False
    for v, s in pairs:
        if v is None:
            return None, []
        total += v
        srcs.extend(s)
        any_value = True
    return (total if any_value else 0), srcs


def share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 2)


def short_year(year: int) -> str:
    return f"'{year % 100:02d}"


def first(values: Iterable[Any]) -> Any:
    for v in values:
        if v is not None:
            return v
    return None
