"""대시보드: grades by department, execution by department, missed indicators with their
money, findings by severity, and the change from the previous year."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from ...store import views
from .. import auth, charts
from .. import formatting as f
from ..deps import ConnDep, ScopeDep
from ..render import HERE, respond
from ..serialize import jsonable, record
from . import cycle as cycle_pages

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, conn: ConnDep, scope: ScopeDep):
    year = views.latest_year(conn, scope.municipality)
    params = {"municipality": scope.municipality}
    if year is not None:
        params["year"] = year
    return RedirectResponse("/dashboard?" + urlencode(params), status_code=302)


@router.get("/favicon.ico")
def favicon():
    """The site's icon (an SVG; browsers that ask for /favicon.ico read its content type)."""
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/dashboard")
@router.get("/dashboard.json")
def dashboard(request: Request, conn: ConnDep, scope: ScopeDep):
    m = scope.municipality
    all_years = views.years(conn, m)
    if scope.year is not None and scope.year not in all_years:
        return _no_data(request, m, scope.year, all_years)
    year = scope.year if scope.year is not None else views.latest_year(conn, m)
    result_years = views.years(conn, m, RESULT_TABLES)
    if year is not None and year not in result_years:  # only a 주요업무계획 for this year
        return _plan_only(request, m, year, all_years, result_years, views.plan_task_counts(conn, m, year))
    grades = views.grade_counts(conn, m, year) if year else []
    totals = {g: sum(d["counts"].get(g, 0) for d in grades) for g in (*views.GRADE_ORDER, "-")}
    total_sources: dict[str, dict[str, set[int]]] = {}
    for d in grades:
        for g, src in d["sources"].items():
            for doc, lines in src.items():
                total_sources.setdefault(g, {}).setdefault(doc, set()).update(lines)
    execution = views.execution_by_department(conn, m, year) if year else []
    both = [e for e in execution if e["current_budget"] is not None and e["spent"] is not None]
    exec_total = {  # over departments that print both 예산현액 and 지출액
        "current_budget": sum(e["current_budget"] for e in both) if both else None,
        "spent": sum(e["spent"] for e in both) if both else None,
        "sources": _merge(e["sources"] for e in both),
    }
    exec_total["rate"] = f.ratio(exec_total["spent"], exec_total["current_budget"])
    missed, missed_total = views.missed_indicators(conn, m, year, limit=50) if year else ([], 0)
    finding_counts = views.finding_counts(conn, m, year)
    summaries = views.department_summaries(conn, m, year) if year else []
    previous = max((y for y in all_years if year and y < year), default=None)
    changes = views.rate_changes(conn, m, year, previous) if previous else []
    plan_counts = views.plan_task_counts(conn, m, year)

    unit = request.state.unit
    grade_chart = None
    if grades:
        grade_chart = charts.bar(
            f"{year}년 부서별 성과지표 달성도",
            [d["department"] or "-" for d in grades],
            {f"{g} {f.GRADES[g]}": [d["counts"].get(g) or None for d in grades] for g in views.GRADE_ORDER},
            desc="; ".join(
                f"{d['department']}: " + ", ".join(f"{f.GRADES[g]} {d['counts'].get(g, 0)}개" for g in views.GRADE_ORDER)
                for d in grades
            ),
            horizontal=True, stacked=True, value_suffix="개", colors=charts.GRADE_COLORS,
        )
    exec_chart = None
    if execution:
        exec_chart = charts.bar(
            f"{year}년 부서별 예산 집행률 (지출액 ÷ 예산현액)",
            [e["department"] or "-" for e in execution],
            {"집행률(%)": [round(e["rate"], 1) if e["rate"] is not None else None for e in execution]},
            desc="; ".join(f"{e['department']}: {f.plain_rate(e['rate'])}" for e in execution),
            horizontal=True, value_suffix="%",
        )
    data = {
        "municipality": m,
        "year": year,
        "years": all_years,
        "grades": grades,
        "grade_totals": totals,
        "execution": [{k: v for k, v in e.items() if k != "row"} for e in execution],
        "execution_total": exec_total,
        "missed": [dict(record(r), policy_goal_money=_goal_money(r.get("goal"))) for r in missed],
        "missed_total": missed_total,
        "finding_counts": finding_counts,
        "department_summaries": [record(r) for r in summaries],
        "previous_year": previous,
        "rate_changes": [dict(record(r), prev_rate=r["prev"]["rate"]) for r in changes],
        "plan_task_counts": plan_counts,
    }
    ctx = {
        "title": f"{year}년 대시보드" if year else "대시보드",
        "section": "dashboard",
        **data,
        "grade_sources": total_sources,
        "missed": missed,
        "execution": execution,
        "changes": changes,
        "summaries": summaries,
        "grade_chart": grade_chart,
        "exec_chart": exec_chart,
        "unit": unit,
    }
    if auth.authenticated(request) is not None:  # signed-in staff: who is late (the public page is unchanged)
        ctx.update(late=cycle_pages.late_panel(conn, m), late_period=cycle_pages.period_label,
                   late_status=cycle_pages.RESULT_STATUS)
    return respond(request, "dashboard.html", ctx, lambda: jsonable(data))


#: the tables a 결산·성과보고서 fills; a year without any of them has only plans
RESULT_TABLES = ("indicators", "programs", "revenues", "policy_goals", "department_summaries")


def _no_data(request: Request, m: str, year: int, all_years: list[int]):
    """A year with no record at all: say so and list the years that have data (not a dashboard of zeros)."""
    data = {"municipality": m, "year": year, "years": all_years, "no_data": True}
    ctx = {"title": f"{year}년 자료 없음", "section": "dashboard", "year": year, "years": all_years, "no_data": True,
           "breadcrumbs": [(None, "대시보드")]}
    return respond(request, "dashboard_empty.html", ctx, data)


def _plan_only(request: Request, m: str, year: int, all_years: list[int], result_years: list[int], plan_counts: list[dict]):
    """A year with a 주요업무계획 but no 결산·성과보고서: its plans, and where the results are."""
    data = {"municipality": m, "year": year, "years": all_years, "plan_only": True, "result_years": result_years,
            "plan_task_counts": plan_counts}
    ctx = {"title": f"{year}년 대시보드", "section": "dashboard", "year": year, "years": all_years,
           "result_years": result_years, "plan_only": True, "plan_task_counts": plan_counts,
           "breadcrumbs": [(None, "대시보드")]}
    return respond(request, "dashboard_empty.html", ctx, lambda: jsonable(data))


def _merge(sources_iter) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for src in sources_iter:
        for doc, lines in src.items():
            out.setdefault(doc, set()).update(lines)
    return out


def _goal_money(goal: dict | None) -> dict | None:
    if not goal:
        return None
    return {"name": goal["name"], "budget": goal.get("budget"), "settled": goal.get("settled"),
            "source": {"doc": goal.get("source_doc"), "line": goal.get("source_line")}}
