"""성과지표: a filterable list, and one indicator with its formula, direction, history over
the years (chart + table), the programs serving its policy goal, and the 성과분석 narrative."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from ...store import views
from .. import charts
from ..badges import Badges, badge
from .. import formatting as f
from ..deps import ConnDep, IdPath, PagingDep, ScopeDep
from ..render import pager, respond
from ..serialize import envelope, jsonable, record

router = APIRouter(include_in_schema=False)


@router.get("/indicators")
@router.get("/indicators.json")
def indicator_list(request: Request, conn: ConnDep, scope: ScopeDep, paging: PagingDep,
                   grade: Annotated[str | None, Query()] = None):
    m = scope.municipality
    rows, total = views.indicator_page(conn, municipality=m, year=scope.year, department=scope.department,
                                       grade=grade if grade in f.GRADES else None, limit=paging.limit,
                                       offset=paging.offset)
    data = envelope([record(r) for r in rows], total, paging.limit, paging.offset)
    ctx = {"title": "성과지표", "section": "indicators", "rows": rows, "pager": pager(total, paging.limit, paging.offset),
           "years": views.years(conn, m, ("indicators",)), "departments": views.departments(conn, m, scope.year),
           "year": scope.year, "department": scope.department, "grade": grade,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "성과지표")]}
    return respond(request, "indicators.html", ctx, lambda: jsonable(data))


@router.get("/indicators/{indicator_id}")
@router.get("/indicators/{indicator_id}.json")
def indicator_page(indicator_id: IdPath, request: Request, conn: ConnDep):
    ind = views.one(conn, "indicators", indicator_id)
    if ind is None:
        raise HTTPException(404, f"성과지표를 찾을 수 없습니다: {indicator_id}")
    history = views.indicator_history(conn, ind)
    goal = views.policy_goal_of(conn, ind)
    programs = views.programs_for_goal(conn, goal)
    narratives = views.narratives_about(conn, municipality=ind["municipality"], year=ind["year"],
                                          department=ind["department"], about_name=ind["name"])
    if not narratives and ind.get("year") is not None:  # the analysis may be filed under the report's year
        narratives = views.narratives_about(conn, municipality=ind["municipality"], year=None,
                                              department=ind["department"], about_name=ind["name"])
    chart = None
    if history:
        labels = [f"{h['year']}년" for h in history]
        chart = charts.line(
            f"{ind['name']}: 연도별 목표와 실적",
            labels,
            {"목표": [h.get("target") for h in history], "실적": [h.get("actual") for h in history]},
            desc="; ".join(f"{h['year']}년 목표 {f.plain_number(h.get('target'))}, 실적 {f.plain_number(h.get('actual'))}, "
                           f"달성률 {f.plain_rate(h.get('rate'))}" for h in history),
        )
    errs = Badges.of(conn, [ind, goal, *programs])

    def data() -> dict:  # the JSON twin, built only when it is asked for
        return {**record(ind), "history": [record(h) for h in history], "policy_goal_record": record(goal) if goal else None,
                "programs": [record(p) for p in programs], "narratives": [record(n) for n in narratives]}

    ctx = {"title": f"{ind['name']} ({ind['year']}년)", "section": "indicators", "ind": ind, "history": history, "goal": goal,
           "doc_titles": views.document_titles(conn, [ind.get("source_doc")], ind.get("municipality")),
           "programs": programs, "narratives": narratives, "chart": chart, "errs": errs, "badge": badge,
           "breadcrumbs": [("/dashboard?year=%s" % ind["year"], "대시보드"),
                           ("/departments/%s?year=%s" % (ind["department"], ind["year"]), ind["department"] or "-"),
                           (None, ind["name"])]}
    return respond(request, "indicator.html", ctx, lambda: jsonable(data()))
