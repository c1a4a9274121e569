"""종합 모니터링 (``/monitoring?year=Y``, and its ``.json`` twin): one page of a municipality-year
for the mayor's office — vision → strategic goals → policy goals → indicators, the pledges,
the 시군종합평가 indicators (behind plan first) and the department evaluation, each with its
achievement and trend, every row linking to its record page.

What the reader sees is decided by ``sijeong.monitoring`` (the public: published documents,
the public pledge registry, publicly published evaluations; signed in: what their role sees
today — ``docs/security.md``)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ... import monitoring
from ...model.joint import STANDINGS
from ...model.pledges import STATUSES, TYPES, period_label
from ...store import views
from ..auth import MaybeActorDep
from ..deps import ConnDep, ScopeDep
from ..render import respond

router = APIRouter(include_in_schema=False)

DIRECTION = {"up": ("▲", "올라감"), "down": ("▼", "내려감"), "same": ("―", "같음")}
JOINT_STATUS = {"behind": "부진", "on_track": "정상", "unknown": "실적 없음"}


@router.get("/monitoring")
@router.get("/monitoring.json")
def monitoring_page(request: Request, conn: ConnDep, scope: ScopeDep, actor: MaybeActorDep):
    m = scope.municipality
    request.state.municipality = m
    years = views.years(conn, m, ("indicators",))
    year = scope.year or views.latest_year(conn, m) or (years[0] if years else None)
    if year is None:
        data = {"municipality": m, "year": None, "no_data": True}
        ctx = {"title": "종합 모니터링", "section": "monitoring", "data": None, "years": years, "year": None,
               "breadcrumbs": [("/dashboard", "대시보드"), (None, "종합 모니터링")]}
        return respond(request, "monitoring.html", ctx, data)
    data = monitoring.overview(conn, actor, m, year)
    ctx = {"title": f"{year}년 종합 모니터링", "section": "monitoring", "data": data, "years": years, "year": year,
           "DIRECTION": DIRECTION, "JOINT_STATUS": JOINT_STATUS, "MONTH_STANDING": STANDINGS, "STATUSES": STATUSES, "TYPES": TYPES,
           "period_label": period_label,
           "breadcrumbs": [(f"/dashboard?year={year}", "대시보드"), (None, "종합 모니터링")]}
    return respond(request, "monitoring.html", ctx, data)
