"""검색: one search box for the whole site (in every page's header) over plan tasks,
narratives (성과분석), indicators, programs (세출 사업) and documents — the store's Korean
full-text index, one page of hits at a time, with a count per kind to narrow by."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ...store import views
from ..deps import TEXT_PATTERN, ConnDep, PagingDep, ScopeDep
from ..render import pager, respond
from ..serialize import document, envelope, jsonable

router = APIRouter(include_in_schema=False)

#: the kinds the index holds, in the order the page offers them, with their Korean names
KINDS: dict[str, str] = {"indicator": "성과지표", "program": "세출 사업", "plan_task": "업무계획 과제",
                         "narrative": "성과분석"}


def hit_href(hit: dict[str, Any]) -> str | None:
    """Where a hit is shown in full: its own page where it has one, else its source line."""
    from ..links import source_href

    kind, rid = hit["kind"], hit["record_id"]
    if kind == "indicator":
        return f"/indicators/{rid}"
    if kind == "plan_task":
        return f"/plans/{rid}"
    return source_href(hit.get("source_doc"), [hit.get("source_line") or 0])


@router.get("/search")
@router.get("/search.json")
def search_page(request: Request, conn: ConnDep, scope: ScopeDep, paging: PagingDep,
                q: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN,
                                               description="검색어 (공백으로 나눈 모든 낱말을 포함)")] = None,
                kind: Annotated[str | None, Query(pattern="^(indicator|program|plan_task|narrative)?$",
                                                  description="찾을 종류 (빈 값은 전체)")] = None):
    m = scope.municipality
    q = (q or "").strip()
    kind = kind or None
    dims = {"year": scope.year, "department": scope.department, "municipality": m}
    counts = {k: views.search_count(conn, q, kinds=[k], **dims) for k in KINDS} if q else {k: 0 for k in KINDS}
    total = counts[kind] if kind else sum(counts.values())
    hits = views.search(conn, q, kinds=[kind] if kind else list(KINDS), limit=paging.limit, offset=paging.offset,
                        **dims) if q else []
    docs = views.documents_matching(conn, q, m, year=scope.year) if q and not kind and not scope.department else []
    years = sorted((y for y in views.stored_years(conn, municipality=m).get(m, []) if y is not None), reverse=True)
    items = [{**{k: v for k, v in h.items() if k not in ("source_doc", "source_line")},
              "kind_label": KINDS.get(h["kind"], h["kind"]), "url": hit_href(h),
              "source": {"doc": h.get("source_doc"), "line": h.get("source_line")}} for h in hits]
    data = {**envelope(items, total, paging.limit, paging.offset), "q": q, "kind": kind, "counts": counts,
            "documents": [document(d) for d in docs]}
    ctx = {"title": f"검색: {q}" if q else "검색", "section": "search", "q": q, "kind": kind, "kinds": KINDS,
           "counts": counts, "items": items, "docs": docs, "pager": pager(total, paging.limit, paging.offset),
           "years": years, "year": scope.year, "department": scope.department,
           "departments": views.departments(conn, m, scope.year),
           "year_missing": scope.year is not None and scope.year not in years,
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "검색")]}
    return respond(request, "search.html", ctx, lambda: jsonable(data))
