"""공공데이터: every record table (and the findings) as CSV and JSON, streamed.

``/opendata`` shows the resources and the data dictionary (Korean and English, from
``reports.dictionary``); ``/opendata/{resource}.csv`` and ``.json`` stream the rows through
``store.views.iter_records`` in batches (never a whole table in memory), filtered by
``municipality`` / ``year`` / ``department``. Rows have the shape of ``sijeong report
opendata`` (``reports.opendata.row``): the record's fields, ``source_doc``, ``source_line``
and ``figure_lines``. CSV is UTF-8 with a BOM so that spreadsheet programs read Korean; its
header row is Korean (the dictionary's labels; ``?header=en`` for the field names) and
``figure_lines`` is one ``<number>_line`` column per number, never a JSON object in a cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from ...store import views
from ..deps import ConnDep, ScopeDep, stream_holding_slot
from ..render import respond
from .reports import content_disposition

router = APIRouter(include_in_schema=False)
CHUNK = 64 * 1024

#: resource (table) -> Korean title
TITLES: dict[str, str] = {
    "indicators": "성과지표", "policy_goals": "정책사업목표", "strategic_goals": "전략목표",
    "department_summaries": "부서별 성과목표 총괄", "programs": "세출 사업 (사업별조서)", "revenues": "세입결산",
    "settlement_lines": "결산현황", "departments": "부서 (조직)", "staffings": "인력 현황", "plan_tasks": "주요업무계획 과제",
    "budget_items": "과제별 예산 표", "committees": "위원회", "assets": "자산·장비", "statistics": "통계 표",
    "narratives": "성과분석 등 설명글", "findings": "검증 결과",
}
#: the findings' columns, which the record dictionary does not describe
FINDING_FIELDS: dict[str, tuple[str, str, str]] = {
    "municipality": ("지방자치단체", "municipality", "text"),
    "year": ("연도", "fiscal year the finding concerns", "integer"),
    "department": ("부서", "department the finding concerns", "text"),
    "rule": ("검증 규칙", "rule id (e.g. settlement.current_budget)", "text"),
    "severity": ("심각도", "error, warning or info", "text"),
    "origin": ("발생", "read (while reading a document) or rule (a check)", "text"),
    "subject": ("대상", "what the finding is about", "text"),
    "message": ("내용", "message stating both sides", "text"),
    "expected": ("기대값", "expected value, JSON", "json"),
    "actual": ("인쇄값", "printed value, JSON", "json"),
    "doc": ("문서", "document file", "text"),
    "lines": ("줄", "lines of the document, JSON list", "json"),
    "related": ("관련 문서 줄", "other documents' lines of the same defect, JSON list of {doc, lines}", "json"),
}


def resources() -> dict[str, str | None]:
    """resource name (table) -> record kind (None for findings), in the model's order."""
    out: dict[str, str | None] = dict(views.record_resources())
    out["findings"] = None
    return out


def columns(resource: str) -> list[str]:
    from ...reports.opendata import columns as record_columns

    kind = resources()[resource]
    return list(FINDING_FIELDS) if kind is None else record_columns(views.record_class(kind))


def csv_columns(resource: str) -> list[str]:
    """The CSV's columns: the JSON's, with ``figure_lines`` as one ``<number>_line`` column each."""
    from ...reports.opendata import csv_columns as flat

    kind = resources()[resource]
    return flat(columns(resource), None if kind is None else views.record_class(kind))


def dictionary(resource: str) -> list[dict[str, str]]:
    from ...reports.dictionary import describe

    kind = resources()[resource]
    out = []
    in_json, in_csv = set(columns(resource)), set(csv_columns(resource))
    for c in dict.fromkeys(columns(resource) + csv_columns(resource)):
        ko, en, typ = FINDING_FIELDS[c] if kind is None else describe(c)
        formats = ", ".join(f for f, cols in (("csv", in_csv), ("json", in_json)) if c in cols)
        out.append({"field": c, "label_ko": ko, "description_en": en, "type": typ, "formats": formats})
    return out


def _rows(engine, resource: str, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Rows in the export's shape, read in batches on a connection of their own (the
    response streams after the request's dependencies have closed theirs)."""
    from ...reports.opendata import row as record_row

    kind = resources()[resource]
    with engine.connect() as conn:
        for r in views.iter_records(conn, resource, **filters):
            if kind is None:
                yield {c: (r.get(c) or []) if c == "related" else r.get(c) for c in FINDING_FIELDS}
            else:
                yield record_row(views.to_record(kind, r))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def stream_csv(rows: Iterator[dict[str, Any]], cols: list[str], header: list[str] | None = None) -> Iterator[bytes]:
    """CSV (UTF-8 with a BOM) of ``cols``, under ``header`` (the field names when None)."""
    from ...reports.opendata import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf)
    buf.write("\ufeff")
    w.writerow(header or cols)
    for r in rows:
        w.writerow([csv_cell(r, c) for c in cols])
        if buf.tell() >= CHUNK:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def stream_json(rows: Iterator[dict[str, Any]], head: dict[str, Any]) -> Iterator[bytes]:
    """``{...head, "records": [...]}`` written record by record."""
    opening = json.dumps({**head, "records": []}, ensure_ascii=False)
    yield opening[:-2].encode("utf-8")  # up to and including "[
    parts: list[str] = []
    size, first = 0, True
    for r in rows:
        text = ("" if first else ",\n") + json.dumps(r, ensure_ascii=False, default=str)
        first = False
        parts.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("]}")
    yield "".join(parts).encode("utf-8")


@router.get("/opendata")
@router.get("/opendata.json")
def opendata_page(request: Request, conn: ConnDep, scope: ScopeDep):
    m = scope.municipality
    params = {"municipality": m, **({"year": scope.year} if scope.year else {}),
              **({"department": scope.department} if scope.department else {})}
    q = "?" + urlencode(params)
    items = []
    for res, kind in resources().items():
        count = views.count(conn, res, municipality=m, year=scope.year, department=scope.department)
        items.append({"resource": res, "kind": kind, "title": TITLES.get(res, res), "count": count,
                      "csv": f"/opendata/{res}.csv{q}", "json": f"/opendata/{res}.json{q}",
                      "dictionary": dictionary(res)})
    data = {"municipality": m, "year": scope.year, "department": scope.department, "resources": items,
            "dictionary": {"csv": "/opendata/data-dictionary.csv", "json": "/opendata/data-dictionary.json"}}
    ctx = {"title": "공공데이터", "section": "opendata", **data,
           "years": views.years(conn, m), "departments": views.departments(conn, m, scope.year),
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "공공데이터")]}
    return respond(request, "opendata.html", ctx, data)


@router.get("/opendata/{resource}.{fmt}")
def opendata_file(resource: str, fmt: str, request: Request, scope: ScopeDep,
                  header: Literal["ko", "en"] = Query("ko", description="CSV 머리글: ko 한국어(기본) / en field names")):
    if fmt not in ("csv", "json"):
        raise HTTPException(404, f"알 수 없는 형식입니다: {fmt} (csv, json)")
    if resource == "data-dictionary":
        rows = iter([{"resource": res, **d} for res in resources() for d in dictionary(res)])
        cols = ["resource", "field", "label_ko", "description_en", "type", "formats"]
        head: dict[str, Any] = {"resource": resource, "columns": cols}
    elif resource in resources():
        filters = {"municipality": scope.municipality, "year": scope.year, "department": scope.department}
        rows = _rows(request.app.state.engine, resource, filters)
        cols = columns(resource)
        head = {"resource": resource, "kind": resources()[resource], **filters, "columns": cols}
    else:
        raise HTTPException(404, f"알 수 없는 자료입니다: {resource} ({', '.join(resources())})")
    name = "_".join(str(x) for x in (scope.municipality, scope.year and f"{scope.year}년", scope.department, resource) if x)
    disposition = content_disposition(f"{name}.{fmt}", f"sijeong-{resource}.{fmt}")
    if fmt == "csv":
        from ...reports.opendata import csv_header

        if resource != "data-dictionary":
            cols = csv_columns(resource)
        labels = {k: v[0] for k, v in FINDING_FIELDS.items()} if resource == "findings" else None
        body = stream_csv(rows, cols, csv_header(cols, header, labels) if resource != "data-dictionary" else None)
        return StreamingResponse(stream_holding_slot(request, body), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": disposition})
    return StreamingResponse(stream_holding_slot(request, stream_json(rows, head)), media_type="application/json",
                             headers={"Content-Disposition": disposition})
