"""보고서 내려받기: the official tables (``reports.tables``) as XLSX, HWPX, HTML or PDF.

``/reports`` lists the kinds with a plain GET form; ``/reports/download?kind=&format=``
redirects to ``/reports/{kind}.{format}?year=&department=``, which loads the year's
documents from the store (``store.views.load_documents``), builds the tables and
renders the file. ``.json`` gives the tables as ``ReportTable.as_dict()``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ...store import views
from ..deps import ConnDep, DepartmentParam, MunicipalityParam, ScopeDep, YearParam, default_municipality
from ..render import respond

router = APIRouter(include_in_schema=False)

#: kind -> (Korean title, what it shows, the store tables whose years it covers)
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "summary": ("총괄", "부서별 전략목표·정책사업목표·성과지표 수, 초과달성·달성·미달성, 결산액과 전년도 대비", ("indicators", "policy_goals")),
    "goals": ("성과목표 및 재원비중", "전략목표·정책사업목표별 결산액과 비중", ("policy_goals",)),
    "indicators": ("성과지표 달성현황", "성과지표별 목표, 실적, 달성률, 성과달성도", ("indicators",)),
    "settlement": ("결산현황", "정책사업·행정운영경비·재무활동별 결산액과 전년도 대비", ("programs", "policy_goals")),
    "related_programs": ("관련 예산사업 결산현황", "단위사업·세부사업별 전년도 결산, 예산, 결산", ("programs",)),
    "programs": ("사업별조서", "세출 사업별 예산현액, 지출액, 이월액, 집행잔액", ("programs",)),
    "revenues": ("세입결산", "세입 과목별 예산액, 징수결정액, 실제수납액, 미수납액", ("revenues",)),
    "plan": ("주요업무계획 과제", "과제별 사업비와 재원, 추진부서, 담당자, 협조부서", ("plan_tasks",)),
    "all": ("결산 및 성과보고서 전체", "총괄부터 세입결산까지 성과보고서의 표 일곱 개를 한 파일에", ("indicators", "programs", "revenues")),
}
ALL_SETTLEMENT = ("summary", "goals", "indicators", "settlement", "related_programs", "programs", "revenues")
#: format -> (Korean label, media type)
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("엑셀 (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "hwpx": ("한글 (HWPX)", "application/hwp+zip"),
    "html": ("웹 문서 (HTML)", "text/html; charset=utf-8"),
    "pdf": ("PDF", "application/pdf"),
}


def content_disposition(filename: str, fallback: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''%ED%95%9C...`` (RFC 6266 / RFC 5987)."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in fallback) or "download"
    return f"{'inline' if inline else 'attachment'}; filename=\"{safe}\"; filename*=UTF-8''{quote(filename, safe='')}"


def kind_years(conn, m: str) -> dict[str, list[int]]:
    """Years each kind has records for, among the years of the stored documents (a report is
    built from the documents of its year; a 2020 report's 2019 column is not a 2019 report)."""
    doc_years = set(views.years(conn, m, ("documents",)))
    return {k: [y for y in views.years(conn, m, tables) if y in doc_years] for k, (_, _, tables) in KINDS.items()}


@router.get("/reports")
@router.get("/reports.json")
def report_list(request: Request, conn: ConnDep, scope: ScopeDep):
    m = scope.municipality
    years = kind_years(conn, m)
    all_years = sorted({y for ys in years.values() for y in ys}, reverse=True)
    year = scope.year if scope.year is not None else views.latest_year(conn, m)
    kinds = []
    for k, (title, what, _) in KINDS.items():
        y = year if year in years[k] else (years[k][0] if years[k] else None)
        params = {"municipality": m, **({"year": y} if y else {}), **({"department": scope.department} if scope.department else {})}
        kinds.append({"kind": k, "title": title, "description": what, "years": years[k], "year": y,
                      "links": {fmt: f"/reports/{k}.{fmt}?" + urlencode(params) for fmt in (*FORMATS, "json")} if y else {}})
    data = {"municipality": m, "year": year, "department": scope.department, "years": all_years,
            "formats": {k: v[0] for k, v in FORMATS.items()}, "kinds": kinds}
    ctx = {"title": "보고서 내려받기", "section": "reports", **data, "kind_labels": KINDS, "format_labels": FORMATS,
           "departments": views.departments(conn, m, year),
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "보고서 내려받기")]}
    return respond(request, "reports.html", ctx, data)


@router.get("/reports/download")
def report_form(request: Request, scope: ScopeDep,
                kind: Annotated[str, Query(description="보고서 종류")] = "summary",
                format: Annotated[str, Query(description="xlsx | hwpx | html | pdf")] = "xlsx"):
    """The GET form's target: redirects to the file's own address."""
    if kind not in KINDS or format not in FORMATS:
        raise HTTPException(404, f"알 수 없는 보고서 종류나 형식입니다: {kind}.{format}")
    params = {"municipality": scope.municipality}
    if scope.year is not None:
        params["year"] = scope.year
    if scope.department:
        params["department"] = scope.department
    return RedirectResponse(f"/reports/{kind}.{format}?" + urlencode(params), status_code=303)


def build_tables(conn, kind: str, municipality: str, year: int, department: str | None) -> list:
    from ...reports import tables as RT

    docs = views.load_documents(conn, municipality=municipality, year=year)
    kinds = ALL_SETTLEMENT if kind == "all" else (kind,)
    built = [RT.build(k, docs, year, department, municipality=municipality) for k in kinds]
    return [t for t in built if t.rows]


@router.get("/reports/{kind}.{fmt}")
async def report_file(kind: str, fmt: str, request: Request, municipality: MunicipalityParam = None,
                      year: YearParam = None, department: DepartmentParam = None):
    """The file of one report. The tables are built from the store first, on a connection
    taken within the app's connection slots and given back before the file is written (a
    PDF waits for and uses one of the app's Chromium printers; a full pool answers 503
    with ``Retry-After``), so printing never holds a database connection."""
    if kind not in KINDS:
        raise HTTPException(404, f"알 수 없는 보고서 종류입니다: {kind} ({', '.join(KINDS)})")
    if fmt not in FORMATS and fmt != "json":
        raise HTTPException(404, f"알 수 없는 형식입니다: {fmt} ({', '.join(FORMATS)}, json)")
    state = request.app.state
    async with state.connection_slots.held():
        m, year, tables = await run_in_threadpool(_gather, request, kind, municipality, int(year) if year else None,
                                                  department or None)
    who = f" {department}" if department else ""
    if not tables:
        raise HTTPException(404, f"{m} {year or ''}년{who}의 {KINDS[kind][0]} 자료가 없습니다")
    if fmt == "json":
        return JSONResponse({"municipality": m, "year": year, "department": department or None, "kind": kind,
                             "tables": [t.as_dict() for t in tables]})
    title = " ".join(x for x in (m, f"{year}년", department or None, KINDS[kind][0]) if x)
    body = await run_in_threadpool(render_bytes, tables, fmt, title, pool=state.pdf_pool,
                                   findings=getattr(request.state, "report_findings", None))
    name = "_".join(x for x in (m, f"{year}년", department or None, KINDS[kind][0].replace(" ", "")) if x) + f".{fmt}"
    return Response(body, media_type=FORMATS[fmt][1],
                    headers={"Content-Disposition": content_disposition(name, f"sijeong-{kind}-{year}.{fmt}")})


def _gather(request: Request, kind: str, municipality: str | None, year: int | None, department: str | None):
    """(municipality, year, tables) of a report on one connection: the default municipality
    when none is asked, the newest year of the kind when none is asked."""
    with request.app.state.engine.connect() as conn:
        municipality = municipality or default_municipality(request, conn)
        if year is None:
            ys = kind_years(conn, municipality)[kind]
            year = ys[0] if ys else None
        tables = build_tables(conn, kind, municipality, year, department) if year is not None else []
        request.state.report_findings = open_findings(conn, municipality, tables)
    return municipality, year, tables


def source_docs(tables: list) -> set[str]:
    return {rc.source.doc for t in tables for _, _, rc in t.body_grid() if rc.source is not None}


def open_findings(conn, municipality: str, tables: list) -> list[dict]:
    """The errors still standing (unmarked, or only 확인) on the documents the tables print
    from: the XLSX puts each on the cells of its lines as a comment."""
    return views.open_errors_on(conn, municipality, None, source_docs(tables)) if tables else []


def render_bytes(tables: list, fmt: str, title: str, *, pool=None, findings: list[dict] | None = None) -> bytes:
    """The file's bytes; a PDF through ``pool`` (a ``reports.pdf.RenderPool``) when given."""
    from ...reports import render
    from ...reports.html import render_html
    from ...reports.pdf import PdfBusy, PdfError

    try:
        if fmt == "pdf" and pool is not None:
            return pool.render(render_html(tables, title=title))
        with tempfile.TemporaryDirectory(prefix="sijeong-report-") as tmp:
            path = Path(tmp) / f"report.{fmt}"
            render(tables, fmt, path, title=title, findings=findings)
            return path.read_bytes()
    except PdfBusy as e:
        raise HTTPException(503, f"PDF를 만들 수 없습니다: {e}", headers={"Retry-After": str(e.retry_after)}) from e
    except PdfError as e:
        raise HTTPException(503, f"PDF를 만들 수 없습니다: {e}") from e
