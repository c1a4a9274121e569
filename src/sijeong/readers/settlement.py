"""The settlement + performance report family (결산 및 성과보고서), e.g. 004.

The document has two parts, each read by its own module:
- ``settlement_part``: pages headed ``【일반회계】 【부서】`` — 세입결산 (revenue), 부서 성과,
  사업별조서 (expenditure by program);
- ``performance_part``: the 성과보고서 — 총괄, 성과목표 및 재원비중, 전략목표별 성과보고,
  정책사업목표 현황, 조직 및 인력현황, 결산현황, 성과지표 달성현황, 성과분석, 단위사업의
  주요 추진성과 and 관련 예산사업 결산현황.
``link`` then merges the printings of one entity into one record with appearances, and
everything left unconsumed becomes a generic table.
"""

from __future__ import annotations

import re

from ..model import Document
from . import register
from .context import ReadContext

FAMILY = "settlement_report"

_YEAR_MARKS = (
    re.compile(r"'(\d{2})년\s*달성성과"),
    re.compile(r"'(\d{2})\s*결산"),
    re.compile(r"(20\d{2})\s*회계연도"),
)


def detect_year(text: str) -> int | None:
    """The fiscal year the report settles: the year on its cover (``2022회계연도``,
    ``FY2022``, ``2022년도 결산`` …, see :func:`~.layout.cover_year`), else the latest year
    its headers name (``'22 결산``, ``'22년 달성성과``)."""
    from .layout import cover_year

    year = cover_year(text)
    if year is not None:
        return year
    years: list[int] = []
    for pat in _YEAR_MARKS:
        for m in pat.finditer(text):
            y = int(m.group(1))
            years.append(y if y > 1900 else 2000 + y)
    return max(years) if years else None


class SettlementReader:
    family = FAMILY

    def detect(self, text: str) -> float:
        """By what the tables hold (revenue, expenditure, indicator headers) and the
        headings' words, whatever the layout (:func:`~.layout.profile`)."""
        from .layout import profile

        return profile(text).settlement_score()

    def read(self, name: str, text: str, *, municipality: str) -> Document:
        from . import link, performance_part, settlement_part, settlement_tables

        ctx = ReadContext(doc=name, municipality=municipality, year=detect_year(text), text=text)
        settlement_part.read(ctx)
        performance_part.read(ctx)
        settlement_tables.read(ctx)  # other cities' layouts: tables found by their labels
        link.link(ctx)
        return ctx.document(FAMILY, title="결산 및 성과보고서")


register(SettlementReader)
