"""알기 쉬운 예산: the year's money and results in plain Korean for citizens.

Where the money came from (세입 by its top-level 과목: 지방세, 세외수입, 지방교부세 ...),
where it went (by department, by policy goal, by program) and which goals were met (the
indicators' grades in words). Every amount is shown as 억·만 원 and links to the line it was
printed on; sums link to all the lines they add up. ``/citizens.pdf`` prints the same page
with headless Chromium (``reports.pdf``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from ...model.korean import josa, particle
from ...model.numbers import won_words
from ...model.vocabulary import GRADE_WORDS, PROGRAM_NOTES
from ...model.vocabulary import NO_GRADE_WORDS as NO_GRADE
from ...store import views
from .. import charts, links
from .. import formatting as f
from ..deps import ConnDep, DepartmentParam, MunicipalityParam, Scope, ScopeDep, YearParam, default_municipality
from ..render import HERE, respond
from ..serialize import jsonable
from .reports import content_disposition

router = APIRouter(include_in_schema=False)
MAX_ROWS = 2000
TOP_PROGRAMS = 15

#: a top-level 세입 과목 (by a word of its name) -> what it is, in plain words
REVENUE_SOURCES: list[tuple[str, str]] = [
    ("지방세", "시민과 기업이 내는 세금이에요 (취득세, 재산세, 지방소득세 등)."),
    ("세외수입", "세금이 아닌 수입이에요 (시설 사용료, 수수료, 과태료, 예금 이자 등)."),
    ("지방교부세", "나라가 지방자치단체의 살림을 돕기 위해 나누어 주는 돈이에요."),
    ("조정교부금", "도가 시·군 사이의 살림살이 차이를 줄이려고 나누어 주는 돈이에요."),
    ("보조금", "나라나 도가 정해진 사업에 쓰라고 보내 준 돈이에요."),
    ("지방채", "시가 빌린 돈이에요. 나중에 갚아야 해요."),
    ("보전수입", "지난해에 쓰고 남은 돈과 회계 사이에 옮겨 온 돈이에요."),
]


# --- amounts in 억·만 원 -----------------------------------------------------------------


def _amount(value: Any, href: str | None, title: str, computed: bool) -> Markup:
    text = escape(won_words(value))
    mark = Markup('<span class="calc" title="계산값">*</span>') if computed else Markup("")
    cls = "num computed" if computed else "num"
    if value is None:
        return Markup('<span class="none">-</span>')
    if href is None:
        return Markup(f'<span class="{cls}">') + text + mark + Markup("</span>")
    return Markup(f'<a class="{cls}" href="{escape(href)}" title="{escape(title)}">') + text + mark + Markup("</a>")


def krw(row: Any, field: str) -> Markup:
    """A printed amount in 억·만 원, linked to its line (the exact 원 in the title)."""
    value = links._get(row, field)
    doc, line = links.source_of(row, field)
    fig = links.figure_of(row, field)
    raw = fig.get("raw") if fig else None
    title = f"원문 {doc} {line}행" + (f" (인쇄값 {raw})" if raw else "") + f" · {f.plain_number(value)}원"
    return _amount(value, links.source_href(doc, [line] if line else []), title, computed=False)


def krw_calc(value: Any, sources: dict[str, set[int]] | None) -> Markup:
    """A sum in 억·만 원, marked computed, linked to every line it adds up."""
    href, title = None, f"계산값 · {f.plain_number(value)}원"
    if sources:
        doc = sorted(sources)[0]
        href = links.source_href(doc, sources[doc])
        title = f"계산값: 원문 {doc}의 {len(sources[doc])}개 행을 더함 · {f.plain_number(value)}원"
    return _amount(value, href, title, computed=True)


def _chart_unit(values: list[int | None]) -> tuple[str, int]:
    top = max((abs(v) for v in values if v is not None), default=0)
    return ("억 원", 100_000_000) if top >= 100_000_000 else ("만 원", 10_000)


def _scaled(values: list[int | None], div: int) -> list[float | None]:
    return [None if v is None else round(v / div, 1) for v in values]


def _add(acc: dict[str, set[int]], doc: str | None, line: int | None) -> None:
    if doc and line:
        acc.setdefault(doc, set()).add(int(line))


def _merge(parts) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for src in parts:
        for doc, lines in src.items():
            out.setdefault(doc, set()).update(lines)
    return out


# --- the year's money and results ----------------------------------------------------------


#: revenue that funds the whole city's budget (taxes, general grants, debt, carry-over), not the
#: work of the departments that record it: never set beside those departments' spending
GENERAL_FUNDS = ("지방세", "지방교부세", "조정교부금", "보전수입", "지방채")


#: how far the money in may be from the money that could be spent for the two to be the same
#: budget's two sides (a whole settlement: 세입 ≈ 세출 예산현액, the surplus carried over)
BALANCED = 0.2


def revenue_scope(revenue: list[dict], execution: list[dict]) -> dict:
    """What the money in and the money out cover, said in their own words: the departments
    each is printed for, the share of the city's general funds in the money in, and whether
    the two may stand side by side. They may only when they are the two sides of one budget:
    the same departments, the city's general funds among the money in (a department's fees and
    grants never pay for its programs alone), and the money in within ``BALANCED`` of the money
    that could be spent — as in a whole settlement. A document of some departments is not:
    its 교부세 fund the whole city while its spending is those departments' programs."""
    in_depts = sorted({r["department"] for g in revenue for r in g["rows"] if r.get("department")})
    both = [e for e in execution if e.get("spent") is not None and e.get("current_budget") is not None]
    out_depts = sorted(e["department"] for e in both)
    total = sum(g["received"] or 0 for g in revenue)
    budget = sum(e["current_budget"] for e in both)
    general = [g for g in revenue if any(w in "".join((g["name"] or "").split()) for w in GENERAL_FUNDS)]
    general_total = sum(g["received"] or 0 for g in general)
    balanced = bool(total and budget) and abs(total - budget) <= BALANCED * budget
    return {"in_departments": in_depts, "out_departments": out_depts,
            "general": [g["name"] for g in general], "general_share": f.ratio(general_total, total) if total else None,
            "comparable": bool(revenue) and in_depts == out_depts and bool(general) and balanced}


def departments_words(names: list[str]) -> str:
    """"기획담당관 등 4개 부서" / "감사담당관" / "감사담당관·공보담당관"."""
    if not names:
        return "부서"
    if len(names) <= 2:
        return "·".join(names)
    return f"{names[0]} 등 {len(names)}개 부서"


def explain_revenue(name: str) -> str:
    flat = "".join((name or "").split())
    return next((text for word, text in REVENUE_SOURCES if word in flat), "")


def revenue_sources(conn, m: str, year: int) -> list[dict]:
    """실제수납액 by top-level 과목 (level 1), summed over departments and accounts."""
    groups: dict[str, dict] = {}
    for d in views.level_one_revenues(conn, m, year, limit=MAX_ROWS):
        key = "".join((d["name"] or "").split())
        g = groups.setdefault(key, {"name": d["name"], "code": d.get("code"), "explanation": explain_revenue(d["name"]),
                                    "received": None, "current_budget": None, "rows": [], "sources": {}})
        for fld in ("received", "current_budget"):
            if d.get(fld) is not None:
                g[fld] = (g[fld] or 0) + int(d[fld])
        g["rows"].append(d)
        _add(g["sources"], *links.source_of(d, "received"))
    out = list(groups.values())
    total = sum(g["received"] or 0 for g in out)
    for g in out:
        g["row"] = g["rows"][0] if len(g["rows"]) == 1 else None
        g["share"] = f.ratio(g["received"], total)
    return sorted(out, key=lambda g: -(g["received"] or 0))


def policy_goal_spending(conn, m: str, year: int) -> list[dict]:
    """Each policy goal's 결산액 with the grades of its indicators (matched by goal name)."""
    goals = views.year_rows(conn, "policy_goals", m, year, limit=MAX_ROWS)
    inds = indicators(conn, m, year)
    for goal in goals:
        goal["indicators"] = []
    for ind in inds:
        cands = [x for x in goals if x["department"] == ind["department"]]
        name = ind.get("policy_goal")
        hit = next((x for x in cands if x["name"] == name), None) if name else None
        if hit is None and name:
            best = views.similar_name(name, [x["name"] for x in cands])
            hit = next((x for x in cands if x["name"] == best), None)
        if hit is not None:
            hit["indicators"].append(ind)
    goals.sort(key=lambda x: -(x.get("settled") or 0))
    for goal in goals:
        grades = [i["effective_grade"] for i in goal["indicators"]]
        goal["met"] = sum(1 for x in grades if x in ("◎", "○"))
        goal["graded"] = sum(1 for x in grades if x in views.GRADE_ORDER)
        goal["grade_sources"] = _merge({i["source_doc"]: {i["source_line"]}} for i in goal["indicators"])
    return goals


def indicators(conn, m: str, year: int) -> list[dict]:
    out = []
    for d in views.year_rows(conn, "indicators", m, year, limit=MAX_ROWS):
        d["effective_grade"] = d.get("grade") or d.get("grade_computed")
        d["words"] = GRADE_WORDS.get(d["effective_grade"] or "", NO_GRADE)
        out.append(d)
    return out


def top_programs(conn, m: str, year: int, goal_names: set[str] = frozenset()) -> list[dict]:
    """Policy-level programs by 지출액, largest first, each with a plain note of what it is."""
    out = []
    for d in views.top_policy_programs(conn, m, year, limit=TOP_PROGRAMS):
        flat = "".join(d["name"].split())
        d["note"] = next((text for word, text in PROGRAM_NOTES if word in flat), "")
        if not d["note"] and flat in goal_names:
            d["note"] = f"정책목표 ‘{d['name']}’{particle(d['name'], '을/를')} 이루기 위한 사업"
        out.append(d)
    return out


def collect(conn, m: str, year: int | None) -> dict:
    if year is None:
        return {"scope": revenue_scope([], []),
                "revenue": [], "revenue_total": None, "revenue_sources": {}, "execution": [], "spent_total": None,
                "budget_total": None, "spent_sources": {}, "left_out": [], "goals": [], "programs": [], "indicators": [],
                "grade_counts": {}, "grade_sources": {}, "met": 0, "met_sources": {}, "graded": 0, "graded_sources": {}}
    revenue = revenue_sources(conn, m, year)
    goals = policy_goal_spending(conn, m, year)
    execution = views.execution_by_department(conn, m, year)
    both = [e for e in execution if e["spent"] is not None and e["current_budget"] is not None]
    inds = indicators(conn, m, year)
    counts = {g: sum(1 for i in inds if i["effective_grade"] == g) for g in views.GRADE_ORDER}
    grade_sources = {g: _merge({i["source_doc"]: {i["source_line"]}} for i in inds if i["effective_grade"] == g)
                     for g in views.GRADE_ORDER}
    return {
        "revenue": revenue,
        "revenue_total": sum(g["received"] or 0 for g in revenue) if revenue else None,
        "revenue_sources": _merge(g["sources"] for g in revenue),
        "execution": execution,
        "spent_total": sum(e["spent"] for e in both) if both else None,
        "budget_total": sum(e["current_budget"] for e in both) if both else None,
        "spent_sources": _merge(e["sources"] for e in both),
        "left_out": [e["department"] for e in execution if e not in both],
        "goals": goals,
        "programs": top_programs(conn, m, year, {"".join(g["name"].split()) for g in goals}),
        "indicators": inds,
        "grade_counts": counts,
        "grade_sources": grade_sources,
        "met": counts["◎"] + counts["○"],
        "met_sources": _merge([grade_sources["◎"], grade_sources["○"]]),
        "graded": sum(counts.values()),
        "graded_sources": _merge(grade_sources.values()),
        "scope": revenue_scope(revenue, execution),
    }


# --- charts (the same numbers are in the tables under them) ------------------------------


def make_charts(year: int, data: dict) -> dict[str, Markup | None]:
    """Horizontal bars list their first label at the bottom: give them smallest first so
    the largest stands on top, as in the tables (largest first)."""
    out: dict[str, Markup | None] = {"revenue": None, "departments": None, "goals": None, "grades": None}
    rev = sorted(data["revenue"], key=lambda g: g["received"] or 0)
    if rev:
        label, div = _chart_unit([g["received"] for g in rev])
        out["revenue"] = charts.bar(
            f"{year}년 들어온 돈: 어디에서 왔나요 (단위: {label})", [g["name"] for g in rev],
            {f"들어온 돈 ({label})": _scaled([g["received"] for g in rev], div)},
            desc="; ".join(f"{g['name']} {won_words(g['received'])} ({f.plain_rate(g['share'])})" for g in reversed(rev)),
            horizontal=True)
    ex = sorted(data["execution"], key=lambda e: e["spent"] or 0)
    if ex:
        label, div = _chart_unit([e["current_budget"] for e in ex] + [e["spent"] for e in ex])
        out["departments"] = charts.bar(
            f"{year}년 부서별로 쓴 돈 (단위: {label})", [e["department"] or "-" for e in ex],
            {f"쓸 수 있었던 돈 ({label})": _scaled([e["current_budget"] for e in ex], div),
             f"실제로 쓴 돈 ({label})": _scaled([e["spent"] for e in ex], div)},
            desc="; ".join(f"{e['department']}: 쓸 수 있었던 돈 {won_words(e['current_budget'])}, "
                           f"쓴 돈 {won_words(e['spent'])}" for e in reversed(ex)),
            horizontal=True)
    goals = sorted((g for g in data["goals"] if g.get("settled") is not None), key=lambda g: g["settled"])
    if goals:
        label, div = _chart_unit([g["settled"] for g in goals])
        out["goals"] = charts.bar(
            f"{year}년 정책목표별로 쓴 돈 (단위: {label})", [g["name"] for g in goals],
            {f"쓴 돈 ({label})": _scaled([g["settled"] for g in goals], div)},
            desc="; ".join(f"{g['name']} ({g['department']}): {won_words(g['settled'])}" for g in reversed(goals)),
            horizontal=True)
    counts = data["grade_counts"]
    if any(counts.values()):
        out["grades"] = grade_bar(f"{year}년 성과지표 결과 (지표 수)", counts)
    return out


def grade_bar(title: str, counts: dict[str, int]) -> Markup:
    """One short bar split into ◎/○/× (the shared bar chart is at least 260px high)."""
    desc = ", ".join(f"{GRADE_WORDS[g]} {counts.get(g, 0)}개" for g in views.GRADE_ORDER)
    return charts.bar(title, ["성과지표"], {GRADE_WORDS[g]: [counts.get(g) or None] for g in views.GRADE_ORDER},
                      desc=desc, horizontal=True, stacked=True, value_suffix="개", colors=charts.GRADE_COLORS,
                      height=200, show_y_labels=False, margin_left=20)


# --- routes ------------------------------------------------------------------------------------


def _context(request: Request, conn, scope) -> tuple[dict, dict]:
    m = scope.municipality
    years = views.years(conn, m, ("indicators", "programs", "revenues", "policy_goals"))
    year = scope.year if scope.year is not None else (years[0] if years else None)
    data = collect(conn, m, year)
    public = {
        "municipality": m, "year": year, "years": years,
        "scope": data["scope"],
        "revenue": {"total": data["revenue_total"], "sources": [
            {k: g[k] for k in ("name", "code", "explanation", "received", "current_budget", "share")}
            | {"lines": g["sources"]} for g in data["revenue"]]},
        "spending": {
            "current_budget": data["budget_total"], "spent": data["spent_total"], "left_out": data["left_out"],
            "rate": f.ratio(data["spent_total"], data["budget_total"]),
            "departments": [{k: e[k] for k in ("department", "current_budget", "spent", "rate")} | {"lines": e["sources"]}
                            for e in data["execution"]],
            "policy_goals": [{"department": g["department"], "name": g["name"], "strategic_goal": g.get("strategic_goal"),
                              "budget": g.get("budget"), "settled": g.get("settled"), "indicators": len(g["indicators"]),
                              "met": g["met"], "source": {"doc": g["source_doc"], "line": g["source_line"]}}
                             for g in data["goals"]],
            "programs": [{"department": p["department"], "name": p["name"], "current_budget": p.get("current_budget"),
                          "spent": p.get("spent"), "source": {"doc": p["source_doc"], "line": p["source_line"]}}
                         for p in data["programs"]],
        },
        "results": {"counts": data["grade_counts"], "words": GRADE_WORDS, "indicators": [
            {"department": i["department"], "policy_goal": i.get("policy_goal"), "name": i["name"], "unit": i.get("unit"),
             "direction": i.get("direction"), "target": i.get("target"), "actual": i.get("actual"), "rate": i.get("rate"),
             "grade": i["effective_grade"], "words": i["words"], "source": {"doc": i["source_doc"], "line": i["source_line"]}}
            for i in data["indicators"]]},
    }
    ctx = {"title": f"{year}년 알기 쉬운 예산" if year else "알기 쉬운 예산", "section": "citizens",
           "municipality": m, "year": year, "years": years, **data,
           "spent_rate": f.ratio(data["spent_total"], data["budget_total"]),
           "charts": make_charts(year, data) if year else {}, "krw": krw, "krw_calc": krw_calc, "josa": josa,
           "particle": particle, "won_words": won_words, "departments_words": departments_words,
           "GRADE_WORDS": GRADE_WORDS, "NO_GRADE": NO_GRADE,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "알기 쉬운 예산")]}
    return ctx, public


@router.get("/citizens")
@router.get("/citizens.json")
def citizens(request: Request, conn: ConnDep, scope: ScopeDep):
    ctx, public = _context(request, conn, scope)
    return respond(request, "citizens.html", ctx, jsonable(public))


@router.get("/citizens.pdf")
async def citizens_pdf(request: Request, municipality: MunicipalityParam = None,
                       year: YearParam = None, department: DepartmentParam = None):
    """The page printed to PDF by the app's pool of headless Chromiums (``reports.pdf``), its
    CSS inlined and its links absolute on the configured public address (``Settings.public_url``),
    never on the request's Host header. The data is read first, on one connection taken within
    the app's connection slots, and the connection given back before the (slow) print; a full
    pool answers 503 with ``Retry-After``."""
    state = request.app.state

    def gather() -> dict:
        with state.engine.connect() as conn:
            m = municipality or default_municipality(request, conn)
            scope = Scope(municipality=m, year=int(year) if year else None, department=department or None)
            return _context(request, conn, scope)[0]

    async with state.connection_slots.held():
        ctx = await run_in_threadpool(gather)
    return await run_in_threadpool(_print_citizens, request, ctx)


def _print_citizens(request: Request, ctx: dict):
    from ...reports.pdf import PdfBusy, PdfError

    state = request.app.state
    if ctx["year"] is None:
        raise HTTPException(404, "이 지방자치단체의 자료가 없습니다")
    css = "\n".join((HERE / "static" / name).read_text(encoding="utf-8") for name in ("style.css", "charts.css"))
    ctx.update(unit=request.state.unit, unit_label=f.unit_label(request.state.unit), json_href="",
               css=Markup(css), base_url=state.settings.public_base)
    html = state.templates.get_template("citizens_print.html").render({"request": request, **ctx})
    try:
        body = state.pdf_pool.render(html)
    except PdfBusy as e:
        raise HTTPException(503, f"PDF를 만들 수 없습니다: {e}", headers={"Retry-After": str(e.retry_after)}) from e
    except PdfError as e:
        raise HTTPException(503, f"PDF를 만들 수 없습니다: {e}") from e
    name = f"{ctx['municipality']}_{ctx['year']}년_알기쉬운예산.pdf"
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(name, f"citizens-{ctx['year']}.pdf")})
