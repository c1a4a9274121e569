"""``/api/v1/search``: Korean full-text search over plan tasks, narratives, indicators and programs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...store import views
from ..deps import TEXT_PATTERN, ConnDep, PagingDep, ScopeDep
from ..serialize import envelope, jsonable
from .schemas import ERRORS, Page

router = APIRouter(tags=["search"], responses=ERRORS)
MAX_HITS = 1000


@router.get("/search", response_model=Page, summary="전문 검색 (과제·성과분석·지표·세출 사업)")
def search(conn: ConnDep, scope: ScopeDep, paging: PagingDep,
           q: Annotated[str, Query(min_length=1, max_length=200, pattern=TEXT_PATTERN, description="검색어")],
           kind: Annotated[str | None, Query(pattern="^(plan_task|narrative|indicator|program)$")] = None) -> dict[str, Any]:
    hits = views.search(conn, q, year=scope.year, department=scope.department, municipality=scope.municipality,
                        kinds=[kind] if kind else None, limit=MAX_HITS)
    items = []
    for h in hits[paging.offset: paging.offset + paging.limit]:
        h = dict(h)
        h["source"] = {"doc": h.pop("source_doc"), "line": h.pop("source_line")}
        items.append(h)
    return jsonable(envelope(items, len(hits), paging.limit, paging.offset))
