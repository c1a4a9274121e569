"""부서: the list of departments, and one department's goals → indicators → programs tree
with its plan tasks."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from ...store import views
from ..deps import ConnDep, ScopeDep
from ..render import respond
from ..serialize import jsonable, record

router = APIRouter(include_in_schema=False)
LIMIT = 500
STAT_FIELDS = ("department", "indicators", "met", "graded", "achievement", "current_budget", "spent", "rate")


@router.get("/departments")
@router.get("/departments.json")
def department_list(request: Request, conn: ConnDep, scope: ScopeDep):
    m = scope.municipality
    years = views.years(conn, m)
    year = scope.year
    names = views.departments(conn, m, year)
    stats = department_stats(conn, m, year, names) if year is not None else []
    data = {"municipality": m, "year": year, "items": names, "total": len(names),
            "stats": [{k: v for k, v in r.items() if k in STAT_FIELDS} for r in stats]}
    ctx = {"title": "부서", "section": "departments", "years": years, "year": year, "names": names, "stats": stats,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "부서")]}
    return respond(request, "departments.html", ctx, data)


def department_stats(conn, m: str, year: int, names: list[str]) -> list[dict]:
    """Per department of the year: 지표 수, 달성률 (◎·○ among graded indicators), 예산현액 and
    집행률 — GROUP BY queries over the year's rows (``views.grade_counts``,
    ``views.execution_by_department``), never a whole table."""
    grades = {d["department"]: d for d in views.grade_counts(conn, m, year)}
    money = {e["department"]: e for e in views.execution_by_department(conn, m, year)}
    out = []
    for name in names:
        g, e = grades.get(name), money.get(name)
        met = graded = None
        met_sources: dict[str, set[int]] = {}
        if g:
            met = sum(g["counts"].get(x, 0) for x in ("◎", "○"))
            graded = sum(g["counts"].get(x, 0) for x in views.GRADE_ORDER)
            for x in ("◎", "○"):
                for doc, lines in g["sources"].get(x, {}).items():
                    met_sources.setdefault(doc, set()).update(lines)
        out.append({
            "department": name,
            "indicators": g["total"] if g else None, "indicator_sources": g["total_sources"] if g else {},
            "met": met, "graded": graded, "achievement": (met * 100.0 / graded) if graded else None,
            "grade_sources": g["total_sources"] if g else {}, "met_sources": met_sources,
            "current_budget": e["current_budget"] if e else None, "spent": e["spent"] if e else None,
            "rate": e["rate"] if e else None, "row": e["row"] if e else None, "sources": e["sources"] if e else {},
        })
    return out


@router.get("/departments/{name}")
@router.get("/departments/{name}.json")
def department_page(name: str, request: Request, conn: ConnDep, scope: ScopeDep):
    m = scope.municipality
    # the same tables as the list: a department named only in the organisation table, or only
    # in a document without a year, has a page too (undated records show when no year has any)
    years, undated = views.department_years(conn, m, name)
    if not years and not undated:
        raise HTTPException(404, f"부서를 찾을 수 없습니다: {name}")
    year = (scope.year if scope.year in years else years[0]) if years else None

    def rows(table: str):
        return views.department_records(conn, table, municipality=m, year=year, department=name, limit=LIMIT)

    strategic = rows("strategic_goals")
    goals = rows("policy_goals")
    indicators = rows("indicators")
    tasks = rows("plan_tasks")
    staffing = rows("staffings")
    settlement = rows("settlement_lines")
    info = rows("departments")

    by_goal: dict[str, list] = {}
    for i in indicators:
        by_goal.setdefault(i.get("policy_goal") or "", []).append(i)
    for key in [k for k in by_goal if k and k not in {g["name"] for g in goals}]:
        near = views.similar_name(key, [g["name"] for g in goals])
        if near:
            by_goal.setdefault(near, []).extend(by_goal.pop(key))
    for g in goals:
        g["indicators"] = by_goal.pop(g["name"], [])
        g["programs"] = views.programs_for_goal(conn, g)
    by_strategic: dict[str, list] = {}
    for g in goals:
        by_strategic.setdefault(g.get("strategic_goal") or "", []).append(g)
    tree = [{"goal": s, "policy_goals": by_strategic.pop(s["name"], [])} for s in strategic]
    leftovers = [g for gs in by_strategic.values() for g in gs]
    if leftovers:
        tree.append({"goal": None, "policy_goals": leftovers})
    orphans = [i for gs in by_goal.values() for i in gs]

    data = {
        "municipality": m, "department": name, "year": year, "years": years,
        "department_info": [record(r) for r in info],
        "strategic_goals": [
            {**(record(n["goal"]) if n["goal"] else {"name": None}),
             "policy_goals": [{**record(g), "indicators": [record(i) for i in g["indicators"]],
                               "programs": [record(p) for p in g["programs"]]} for g in n["policy_goals"]]}
            for n in tree
        ],
        "other_indicators": [record(i) for i in orphans],
        "plan_tasks": [record(t) for t in tasks],
        "staffing": [record(s) for s in staffing],
        "settlement_lines": [record(s) for s in settlement],
    }
    q = f"?year={year}" if year is not None else ""
    ctx = {"title": f"{name} ({year}년)" if year is not None else f"{name} (연도 미상)", "section": "departments", "name": name, "year": year, "years": years,
           "tree": tree, "orphans": orphans, "tasks": tasks, "staffing": staffing, "settlement": settlement,
           "info": info,
           "breadcrumbs": [("/dashboard" + q, "대시보드"), ("/departments" + q, "부서"), (None, name)]}
    return respond(request, "department.html", ctx, jsonable(data))
