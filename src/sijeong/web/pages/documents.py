"""원문: the list of documents, and one document's text with lines highlighted
(``/documents/{name}?lines=12,13#L12``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from .. import queries
from ..deps import ConnDep, PagingDep, ScopeDep, TablesDep
from ..render import pager, respond
from ..serialize import document, envelope, jsonable

router = APIRouter(include_in_schema=False)
CONTEXT = 0  # 0: show the whole document


def parse_lines(value: str | None) -> list[int]:
    """``12,13,20-22`` -> [12, 13, 20, 21, 22]; bad parts are ignored."""
    out: set[int] = set()
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        try:
            lo = int(a)
            hi = int(b) if b else lo
        except ValueError:
            continue
        if 0 < lo <= hi and hi - lo <= 1000:
            out.update(range(lo, hi + 1))
    return sorted(out)[:2000]


@router.get("/documents")
@router.get("/documents.json")
def document_list(request: Request, conn: ConnDep, T: TablesDep, scope: ScopeDep, paging: PagingDep):
    rows, total = queries.documents(conn, T, scope.municipality, limit=paging.limit, offset=paging.offset)
    ctx = {"title": "원문", "section": "documents", "rows": rows, "pager": pager(total, paging.limit, paging.offset),
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "원문")]}
    return respond(request, "documents.html", ctx, jsonable(envelope([document(r) for r in rows], total, paging.limit, paging.offset)))


@router.get("/documents/{name}")
@router.get("/documents/{name}.json")
def document_view(name: str, request: Request, conn: ConnDep, T: TablesDep,
                  lines: Annotated[str | None, Query(description="강조할 행 (예: 12,13 또는 20-22)")] = None,
                  municipality: Annotated[str | None, Query(description="지방자치단체 (같은 이름의 문서가 여럿일 때)")] = None):
    # two municipalities may store documents of the same file name: without ?municipality=
    # the default municipality's is shown, and the page says which others have one
    owners = queries.document_municipalities(conn, T, name)
    if municipality is None and len(owners) > 1:
        default = request.app.state.default_municipality(request)
        municipality = default if default in owners else owners[0]
    doc = queries.document(conn, T, name, municipality)
    if doc is None:
        raise HTTPException(404, f"문서를 찾을 수 없습니다: {name}")
    others = [m for m in owners if m != doc["municipality"]]
    text = queries.document_text(conn, T, doc, request.app.state.document_dirs)
    marked = parse_lines(lines)
    text_lines = text.split("\n") if text is not None else []
    data = {**document(doc), "lines": marked,
            "text_available": text is not None,
            "highlighted": [{"line": n, "text": text_lines[n - 1]} for n in marked if 0 < n <= len(text_lines)]}
    data["municipality"] = doc["municipality"]
    data["same_name_elsewhere"] = others
    ctx = {"title": f"원문 {name}", "section": "documents", "doc": doc, "text_lines": text_lines, "marked": set(marked),
           "others": others, "lines_param": lines or "",
           "first": marked[0] if marked else None, "text_missing": text is None,
           "breadcrumbs": [("/documents", "원문"), (None, name)]}
    return respond(request, "document.html", ctx, jsonable(data))
