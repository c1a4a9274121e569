"""Full-text search in Korean over plan tasks, narratives and indicators.

``search_index`` (kind, record_id, municipality, year, department, number, title, body,
source) is filled by ``save_document``. SQLite searches it through the FTS5 table
``search_fts`` (``trigram`` tokenizer, kept in sync by triggers); queries with a term
shorter than three characters fall back to LIKE. PostgreSQL uses ILIKE served by a
``pg_trgm`` GIN index, ranked by ``word_similarity``.
"""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa

from ..model import Indicator, Narrative, OutlineItem, PlanTask, Record
from .schema import table


def _outline_texts(items: Iterable[OutlineItem]) -> list[str]:
    out: list[str] = []
    for it in items:
        out.append(it.text)
        out.extend(_outline_texts(it.children))
    return out


def index_entry(rec: Record) -> dict[str, Any] | None:
    """title/body/number of a record for the index, or None when it is not indexed."""
    if isinstance(rec, PlanTask):
        body = list(rec.objectives) + _outline_texts(rec.sections) + [m.text for m in rec.schedule]
        return {"title": rec.title or rec.name, "body": "\n".join(body), "number": rec.number}
    if isinstance(rec, Narrative):
        title = rec.about_name or rec.name
        return {"title": title, "body": "\n".join([rec.name] + _outline_texts(rec.items)), "number": None}
    if isinstance(rec, Indicator):
        parts = [p for p in (rec.formula, rec.policy_goal, rec.strategic_goal, rec.unit) if p]
        return {"title": rec.name, "body": "\n".join(parts), "number": None}
    return None


def index_rows(records: list[tuple[Record, int]], document_id: int) -> list[dict[str, Any]]:
    rows = []
    for rec, record_id in records:
        entry = index_entry(rec)
        if entry is None:
            continue
        rows.append(
            {
                "document_id": document_id,
                "kind": rec.kind,
                "record_id": record_id,
                "municipality": rec.municipality,
                "year": rec.year,
                "department": rec.department,
                "source_doc": rec.source.doc,
                "source_line": rec.source.line,
                **entry,
            }
        )
    return rows


def _terms(query: str) -> list[str]:
    # a control character (NUL ends a string for FTS5) separates terms like a space
    return [t for t in "".join(" " if c < " " or c == "\x7f" else c for c in query).split() if t]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _snippet(text: str, terms: list[str], width: int = 40) -> str:
    flat = " ".join(text.split())
    low = flat.lower()
    for t in terms:
        i = low.find(t.lower())
        if i >= 0:
            start, end = max(0, i - width), min(len(flat), i + len(t) + width)
            return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    return flat[: 2 * width] + ("…" if len(flat) > 2 * width else "")


def _statement(conn: sa.Connection, terms: list[str], query: str, filters: list, cols: list, si: sa.Table):
    dialect = conn.dialect.name
    if dialect == "sqlite" and all(len(t) >= 3 for t in terms):
        fts = sa.table("search_fts", sa.column("rowid"), sa.column("rank"))
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return (
            sa.select(*cols)
            .select_from(si.join(fts, fts.c.rowid == si.c.id))
            .where(sa.text("search_fts MATCH :match").bindparams(match=match), *filters)
            .order_by(fts.c.rank, si.c.id)
        )
    text = si.c.title + " " + si.c.body
    if dialect == "postgresql":
        likes = [text.ilike(_like(t), escape="\\") for t in terms]
        order = (sa.func.word_similarity(query, text).desc(), si.c.id)
    else:  # SQLite LIKE is case-insensitive for ASCII
        likes = [text.like(_like(t), escape="\\") for t in terms]
        order = (si.c.year, si.c.department, si.c.number, si.c.id)
    return sa.select(*cols).where(*likes, *filters).order_by(*order)


def _filters(si: sa.Table, year, department, municipality, kinds) -> list:
    filters = []
    if year is not None:
        filters.append(si.c.year == year)
    if department:
        filters.append(si.c.department == department)
    if municipality:
        filters.append(si.c.municipality == municipality)
    if kinds:
        filters.append(si.c.kind.in_(list(kinds)))
    return filters


def search(
    conn: sa.Connection,
    query: str,
    *,
    year: int | None = None,
    department: str | None = None,
    municipality: str | None = None,
    kinds: Iterable[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Hits as dicts: kind, record_id, municipality, year, department, number, title,
    source_doc, source_line, snippet. Every whitespace-separated term must match."""
    terms = _terms(query)
    if not terms:
        return []
    si = table("search_index")
    cols = [si.c.id, si.c.kind, si.c.record_id, si.c.municipality, si.c.year, si.c.department, si.c.number,
            si.c.title, si.c.body, si.c.source_doc, si.c.source_line]
    stmt = _statement(conn, terms, " ".join(terms), _filters(si, year, department, municipality, kinds), cols, si)
    hits = []
    for row in conn.execute(stmt.limit(limit).offset(offset)).mappings():
        d = dict(row)
        body = d.pop("body")
        d["snippet"] = _snippet(d["title"] + " " + body, terms)
        hits.append(d)
    return hits


def search_count(
    conn: sa.Connection,
    query: str,
    *,
    year: int | None = None,
    department: str | None = None,
    municipality: str | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    """How many hits :func:`search` has in all (for paging)."""
    terms = _terms(query)
    if not terms:
        return 0
    si = table("search_index")
    stmt = _statement(conn, terms, " ".join(terms), _filters(si, year, department, municipality, kinds), [si.c.id], si)
    return conn.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
