"""Full-text search in Korean over plan tasks, narratives, indicators and programs (세출 사업).

``search_index`` (kind, record_id, municipality, year, department, number, title, body,
source) is filled by ``save_document``. SQLite searches it through the FTS5 table
``search_fts`` (``trigram`` tokenizer, kept in sync by triggers), ranked by FTS5's
``bm25``; queries with a term shorter than three characters fall back to LIKE, in order of
year, department and number. PostgreSQL uses ILIKE served by a ``pg_trgm`` GIN index and
gives the same answers: the same rows, in the same order — its ``bm25`` is worked out here
as FTS5 works it out over trigrams (:func:`_bm25_ranks`), the fallback's order is the
same, with NULLs first as on SQLite.
"""

from __future__ import annotations

import math
import time
import weakref
from typing import Any, Iterable

import sqlalchemy as sa

from ..model import Indicator, Narrative, OutlineItem, PlanTask, Program, Record, vocabulary
from .order import sqlite_order
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
    if isinstance(rec, Program) and rec.level in vocabulary.LEVEL_LABELS:  # not the department's total line
        return {"title": rec.name, "body": program_body(vocabulary.LEVEL_LABELS[rec.level], rec.parent), "number": None}
    return None


def program_body(level_label: str, parent: str | None) -> str:
    """What a program's index entry holds besides its name: its level and the program above
    it (also what migration 0015 writes for programs stored before they were indexed)."""
    return "\n".join(p for p in (level_label, parent) if p)


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


def _statement(conn: sa.Connection, terms: list[str], filters: list, cols: list, si: sa.Table):
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
        # a term has no space, so it is in title + " " + body where it is in the title or the
        # body: FTS5's match (a phrase in one column). Ranked in Python: see search()
        likes = [text.ilike(_like(t), escape="\\") for t in terms]
    else:  # SQLite LIKE is case-insensitive for ASCII
        likes = [text.like(_like(t), escape="\\") for t in terms]
    order = sqlite_order([si.c.year, si.c.department, si.c.number, si.c.id])
    return sa.select(*cols).where(*likes, *filters).order_by(*order)


def _fts_ranked(conn: sa.Connection, terms: list[str]) -> bool:
    """Whether SQLite answers ``terms`` through FTS5 (ranked by bm25) while this database
    does not, so that :func:`search` must rank the hits as FTS5 does."""
    return conn.dialect.name != "sqlite" and all(len(t) >= 3 for t in terms)


#: FTS5's bm25 parameters (fts5_aux.c)
_K1, _B = 1.2, 0.75


def _trigrams(text: str) -> int:
    """How many tokens FTS5's trigram tokenizer makes of a column: one per character that
    starts three."""
    return max(len(text) - 2, 0)


def _occurrences(text: str, term: str) -> int:
    """How many times ``term`` is in ``text``, overlapping ones too (each is a phrase match
    at its own position for FTS5), case-folded as the trigram tokenizer folds."""
    n, i = 0, text.find(term)
    while i >= 0:
        n += 1
        i = text.find(term, i + 1)
    return n


#: how long the index's size is trusted without being read again (seconds)
INDEX_SIZE_TTL = 60.0
#: engine -> (when read, the index's stamp then, (rows, trigram tokens))
_index_size_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _index_size(conn: sa.Connection, si: sa.Table, *, ttl: float = INDEX_SIZE_TTL) -> tuple[int, int]:
    """(rows, trigram tokens) of the whole index — what FTS5 keeps in its own tables — read
    once (a walk of the index) and then kept per engine until the stamp moves — the index's
    newest id and the newest document's id and ``loaded_at`` (primary-key probes; every save
    of a document inserts both) — or ``ttl`` seconds pass (a delete alone is seen then)."""
    docs = table("documents")
    newest_doc = sa.select(sa.func.max(docs.c.id)).scalar_subquery()
    newest = tuple(conn.execute(
        sa.select(sa.select(sa.func.max(si.c.id)).scalar_subquery(), docs.c.id, docs.c.loaded_at)
        .select_from(docs).where(docs.c.id == newest_doc)).first() or ())
    now = time.monotonic()
    cached = _index_size_cache.get(conn.engine)
    if cached is not None and cached[1] == newest and now - cached[0] < ttl:
        return cached[2]
    tokens = (sa.func.greatest(sa.func.char_length(si.c.title) - 2, 0)
              + sa.func.greatest(sa.func.char_length(si.c.body) - 2, 0))
    n_rows, n_tokens = conn.execute(sa.select(sa.func.count(), sa.func.sum(tokens))).one()
    size = (int(n_rows), int(n_tokens or 0))
    _index_size_cache[conn.engine] = (now, newest, size)
    return size


def _bm25_ranks(conn: sa.Connection, si: sa.Table, terms: list[str], rows: list[dict]) -> list[float]:
    """FTS5's ``rank`` (``bm25(search_fts)``, lower is better) of each of ``rows`` for the
    phrases ``terms``, computed as fts5_aux.c does over the whole index: per phrase
    idf = ln((N - n + 0.5) / (n + 0.5)) (1e-6 when not above 0), N the rows, n the rows
    with the phrase in a column; per row, the phrase's matches f in both columns and the
    row's tokens D against their mean over the index: -Σ idf·f·(k1+1) / (f + k1·(1 - b + b·D/avgdl))."""
    folded = [t.lower() for t in terms]
    n_rows, n_tokens = _index_size(conn, si)
    text = si.c.title + " " + si.c.body  # the trigram index's expression: n through the index
    hits = [sa.select(sa.func.count()).where(text.ilike(_like(t), escape="\\")).scalar_subquery() for t in terms]
    n_hits = list(conn.execute(sa.select(*hits)).one())
    if not n_rows:
        return [0.0] * len(rows)
    avgdl = float(n_tokens) / float(n_rows)
    idf = []
    for n in n_hits:
        v = math.log((n_rows - n + 0.5) / (n + 0.5))
        idf.append(v if v > 0.0 else 1e-6)
    ranks = []
    for r in rows:
        title, body = r["title"].lower(), r["body"].lower()
        d = float(_trigrams(r["title"]) + _trigrams(r["body"]))
        score = 0.0
        for i, t in enumerate(folded):
            f = float(_occurrences(title, t) + _occurrences(body, t))
            score += idf[i] * ((f * (_K1 + 1.0)) / (f + _K1 * (1 - _B + _B * d / avgdl)))
        ranks.append(-1.0 * score)
    return ranks


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
    stmt = _statement(conn, terms, _filters(si, year, department, municipality, kinds), cols, si)
    if _fts_ranked(conn, terms):  # every hit, ranked as SQLite's FTS5 ranks them, then the page
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
        ranks = _bm25_ranks(conn, si, terms, rows)
        order = sorted(range(len(rows)), key=lambda i: (ranks[i], rows[i]["id"]))
        page = [rows[i] for i in order][max(offset, 0):][:max(limit, 0)]
    else:
        page = [dict(r) for r in conn.execute(stmt.limit(limit).offset(offset)).mappings()]
    hits = []
    for row in page:
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
    stmt = _statement(conn, terms, _filters(si, year, department, municipality, kinds), [si.c.id], si)
    return conn.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
