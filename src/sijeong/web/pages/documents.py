"""원문: the list of documents, and one document's text with lines highlighted
(``/documents/{name}?lines=12,13#L12``)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Iterable

from fastapi import APIRouter, HTTPException, Query, Request

from ...cycle import ENTRY_FAMILY
from ...formats import FormatError, decode
from ...readers.text import normalise_text
from ...store import views
from ..deps import ConnDep, PagingDep, ScopeDep
from ..render import pager, respond
from ..serialize import document, envelope, jsonable

router = APIRouter(include_in_schema=False)

#: a cell that is a figure (right-aligned in the grid): 1,234 · -5 · △7,098 · 12.5% · (3)
NUMERIC = re.compile(r"[-+△▲▽▼]?\(?\d[\d,]*(?:\.\d+)?\)?%?")

#: lines one page of a document shows (a national settlement runs to tens of thousands)
WINDOW = 400
#: lines shown above the first highlighted one
CONTEXT = 40


def window(total: int, marked: list[int], start: int | None) -> tuple[int, int]:
    """The (first, last) line numbers a page shows: from ``start`` when asked, else a little
    above the first highlighted line, else the top."""
    if start is None:
        start = max(1, marked[0] - CONTEXT) if marked else 1
    start = max(1, min(start, max(1, total - WINDOW + 1)))
    return start, min(total, start + WINDOW - 1)


def blocks(text_lines: list[str], first: int, last: int) -> list[dict]:
    """Lines ``first``..``last`` as blocks: runs of tab-separated table lines become a grid
    (each cell in its column, as the document's table had it), the rest stay lines."""
    out: list[dict] = []
    for n in range(first, last + 1):
        tx = text_lines[n - 1]
        kind = "table" if "\t" in tx else "text"
        row = (n, [(c, bool(NUMERIC.fullmatch(c.strip()))) for c in tx.split("\t")]) if kind == "table" else (n, tx)
        if out and out[-1]["kind"] == kind:
            out[-1]["rows"].append(row)
        else:
            out.append({"kind": kind, "rows": [row]})
    return out


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


def document_text(conn, doc: dict, search_dirs: Iterable[Path] = ()) -> str | None:
    """The normalised text the readers read (so line *n* is the line findings and figures
    name): the stored text of the document (``views.stored_text``); for a database saved
    without it, the original file at the recorded path or in one of ``search_dirs``,
    decoded as ingest decodes it (:func:`sijeong.formats.decode`: UTF-8, UTF-16, CP949, HWPX,
    HWP, PDF) and used only when the decoded text's sha256 is the stored one."""
    stored = views.stored_text(conn, doc)
    if stored is not None:
        return stored
    candidates = [Path(doc["path"])] if doc.get("path") else []
    candidates += [Path(d) / doc["name"] for d in search_dirs]
    for p in candidates:
        try:
            raw = p.read_bytes()
        except OSError:
            continue
        try:
            text = decode(raw, name=p.name).text
        except FormatError:
            continue
        if doc.get("sha256") and hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != doc["sha256"]:
            continue
        return normalise_text(text)
    return None


@router.get("/documents")
@router.get("/documents.json")
def document_list(request: Request, conn: ConnDep, scope: ScopeDep, paging: PagingDep):
    rows, total = views.documents(conn, scope.municipality, limit=paging.limit, offset=paging.offset)
    ctx = {"title": "원문", "section": "documents", "rows": rows, "pager": pager(total, paging.limit, paging.offset),
           "breadcrumbs": [("/dashboard", "대시보드"), (None, "원문")]}
    return respond(request, "documents.html", ctx, jsonable(envelope([document(r) for r in rows], total, paging.limit, paging.offset)))


@router.get("/documents/{name}")
@router.get("/documents/{name}.json")
def document_view(name: str, request: Request, conn: ConnDep,
                  lines: Annotated[str | None, Query(description="강조할 행 (예: 12,13 또는 20-22)")] = None,
                  municipality: Annotated[str | None, Query(description="지방자치단체 (같은 이름의 문서가 여럿일 때)")] = None,
                  start: Annotated[int | None, Query(ge=1, le=10**8, description="이 행부터 보여 줍니다")] = None):
    # two municipalities may store documents of the same file name: without ?municipality=
    # the default municipality's is shown, and the page says which others have one
    owners = views.document_municipalities(conn, name)
    if municipality is None and len(owners) > 1:
        default = request.app.state.default_municipality(request)
        municipality = default if default in owners else owners[0]
    doc = views.document(conn, name, municipality)
    if doc is None:
        raise HTTPException(404, f"문서를 찾을 수 없습니다: {name}")
    others = [m for m in owners if m != doc["municipality"]]
    text = document_text(conn, doc, request.app.state.document_dirs)
    marked = parse_lines(lines)
    text_lines = text.split("\n") if text is not None else []
    data = {**document(doc), "lines": marked,
            "text_available": text is not None,
            "highlighted": [{"line": n, "text": text_lines[n - 1]} for n in marked if 0 < n <= len(text_lines)]}
    data["municipality"] = doc["municipality"]
    data["same_name_elsewhere"] = others
    first_line, last_line = window(len(text_lines), marked, start)
    ctx = {"title": f"원문 {doc.get('title') or name}", "section": "documents", "doc": doc, "marked": set(marked),
           "blocks": blocks(text_lines, first_line, last_line) if text_lines else [],
           "window": {"first": first_line, "last": last_line, "total": len(text_lines), "size": WINDOW,
                      "context": CONTEXT},
           "others": others, "lines_param": lines or "",
           "saved": request.query_params.get("saved") == "1",  # arriving from /upload's confirm
           "first": marked[0] if marked else None, "text_missing": text is None,
           # entered in the cycle (docs/cycle.md): a value's "line" is the audit entry that entered it
           "entered": doc.get("family") == ENTRY_FAMILY,
           "breadcrumbs": [("/documents", "원문"), (None, doc.get("title") or name)]}
    return respond(request, "document.html", ctx, jsonable(data))
