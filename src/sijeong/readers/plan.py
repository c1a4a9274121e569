"""The work-plan family (주요업무계획 / 주요 시정계획), e.g. 000 (2022, five 담당관) and 003
(2025, a bureau 기획조정실 with four 과).

A plan has, per department: achievements of past years (주요성과), vision and goals
(비전, 정책목표, 핵심과제) and numbered tasks (``1. 제목`` with ❖ objectives, □ sections,
budgets, schedules, footnotes and the 추진부서 block). A bureau's plan starts with its
general part (기구, 인력, 주요업무, 주요현황 tables). ``plan_walk`` walks the lines; what it
leaves unconsumed becomes generic tables.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Document
from . import register
from .context import ReadContext

FAMILY = "work_plan"

#: the plan's own year, strongest mark first (years mentioned in the past do not count)
_YEAR_MARKS = (
    re.compile(r"^\s*-\s*(20\d\d)\s*년도\s*-\s*$", re.M),
    re.compile(r"(20\d\d)\s*년?도?\s*주요\s*업무"),
    re.compile(r"(20\d\d)\s*년\s*예산"),
    re.compile(r"'(\d\d)년\s*사업비"),
)


def detect_year(text: str) -> int | None:
    """The plan's year on its cover (``2023년 주요업무계획``, ``- 2023년도 -``, ``FY2023`` …,
    see :func:`~.layout.cover_year`), else the most frequent of the strongest marks."""
    from .layout import cover_year

    year = cover_year(text)
    if year is not None:
        return year
    for pat in _YEAR_MARKS:
        found = [int(y) if len(y) == 4 else 2000 + int(y) for y in pat.findall(text)]
        if found:
            return Counter(found).most_common(1)[0][0]
    return None


class PlanReader:
    family = FAMILY

    def detect(self, text: str) -> float:
        """The title, ❖ objectives, □ 추진배경/추진계획 sections and 추진부서 blocks; none
        if the document prints a settlement's revenue or expenditure tables
        (:func:`~.layout.profile`)."""
        from .layout import profile

        return profile(text).plan_score()

    def read(self, name: str, text: str, *, municipality: str) -> Document:
        from .plan_walk import PlanWalker

        ctx = ReadContext(doc=name, municipality=municipality, year=detect_year(text), text=text)
        walker = PlanWalker(ctx)
        walker.run()
        # departments first, in the order they were met
        ctx.records[:0] = list(walker.state.departments.values())
        title = "주요 시정계획" if "시정계획" in text[:400] else "주요업무계획"
        return ctx.document(FAMILY, title=title)


register(PlanReader)
