"""The read layer: the only code that reads the store's tables for the web pages, the API,
the reports, the export and the command line's reads.

Every query is filtered by municipality / year / department and paged or aggregated in
SQL; nothing loads a whole table for one page. Tables and columns are the store's declared
schema (``store.schema``): a misspelt table or column raises ``KeyError``, it never becomes
a blank value. Answers are in the model's terms: row dicts of a record table (its fields,
``figures``, ``appearances``, ``source_doc`` / ``source_line``; JSON columns decoded),
aggregates with the ``sources`` ({doc: {lines}}) they add up, findings, documents — or model
objects (``load_documents``). Callers shape and render; they run no SQL of their own.
"""

from __future__ import annotations

import json
import time
import weakref
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.names import PAGE_LINK, match_name
from . import schema
from .db import data_version  # the public page cache's key (web/cache.py): one primary-key read
from .marks import NEEDS_NOTE as MARK_NEEDS_NOTE, STATUSES as MARK_STATUSES
from .order import sqlite_order
from .repository import (document_rows, iter_records, load_documents, load_plan_statistics, load_report_indicators,
                         report_years, to_record, tidy_row)
from .search import search, search_count
from .pledges import pledge, pledge_all, pledge_audit, pledge_details, pledge_fields, pledge_page, pledge_summary
from .suggestions import (department_suggestion_figures, similar_suggestions, suggestion, suggestion_audit,
                          suggestion_call, suggestion_calls, suggestion_page, suggestion_statistics, suggestion_steps,
                          suggestion_years)
from .collaboration import (colleagues, collab_audit, collab_task, collab_tasks, department_points, point_feed,
                            received_points,
                            sent_points, top_receivers)
# 주민참여예산 (docs/participation.md): the reads of store/participation.py
from .participation import (  # noqa: E501
    ballot as pb_ballot,
    ballots as pb_ballots,
    budget_lines as pb_budget_lines,
    call as pb_call,
    call_of_year as pb_call_of_year,
    calls as pb_calls,
    decisions as pb_decisions,
    proposal as pb_proposal,
    proposal_audit as pb_proposal_audit,
    proposals as pb_proposals,
    site_notes as pb_site_notes,
    summary as pb_summary,
    tally as pb_tally,
    voters as pb_voters,
    votes_of as pb_votes_of,
)
from .monitoring import indicator_series, policy_goals_of_year, strategic_goals_of_year, visions
# what ``sijeong check`` may print from the store instead of checking (store/stamps.py)
from .stamps import Municipality as StampCache, code_fingerprint, reusable

__all__ = [
    "StampCache", "code_fingerprint", "reusable", "data_version", "MARK_NEEDS_NOTE", "MARK_STATUSES", "document_rows", "iter_records", "load_documents",
    "load_plan_statistics", "load_report_indicators", "report_years", "to_record", "tidy_row", "search", "search_count",
    "pledge", "pledge_all", "pledge_audit", "pledge_details", "pledge_fields", "pledge_page", "pledge_summary",
    "department_suggestion_figures", "similar_suggestions", "suggestion", "suggestion_audit", "suggestion_call",
    "suggestion_calls", "suggestion_page", "suggestion_statistics", "suggestion_steps", "suggestion_years",
    "colleagues", "collab_audit", "collab_task", "collab_tasks", "department_points", "point_feed", "received_points",
    "sent_points", "top_receivers",
    "pb_ballot", "pb_ballots", "pb_budget_lines", "pb_call", "pb_call_of_year", "pb_calls", "pb_decisions", "pb_proposal",
    "pb_proposal_audit", "pb_proposals", "pb_site_notes", "pb_summary", "pb_tally", "pb_voters", "pb_votes_of",
    "indicator_series", "policy_goals_of_year", "strategic_goals_of_year", "visions",
]

RECORD_TABLES = ("indicators", "programs", "revenues", "plan_tasks", "policy_goals", "department_summaries")
GRADE_ORDER = ("◎", "○", "×")
SEVERITY_ORDER = ("error", "warning", "info")
MAX_SOURCE_ROWS = 2000
#: the largest id or offset the databases take (SQLite integer, PostgreSQL bigint)
MAX_INT = 2**63 - 1
#: money tables -> (numerator, denominator) of their rate: 집행률 = 지출액 ÷ 예산현액, 징수율 = 수납액 ÷ 징수결정액
RATE_OF = {"programs": ("spent", "current_budget"), "revenues": ("received", "assessed")}

#: JSON text columns decoded by :func:`as_dict` (a JSON value stored as text by an older writer)
JSON_KEYS = ("figures", "appearances", "lines", "schedule", "staff", "people", "objectives",
             "cooperating_departments", "items", "sections", "teams", "footnotes", "staffing",
             "duties", "expected", "actual", "coverage")


def _t(name: str) -> sa.Table:
    """A declared table by name (``KeyError`` for a name the schema does not declare)."""
    return schema.table(name)


def as_dict(row: Any) -> dict[str, Any]:
    """A result row as a dict, with JSON text columns decoded."""
    d = dict(row._mapping)
    for key in JSON_KEYS:
        v = d.get(key)
        if isinstance(v, str) and v[:1] in "[{":
            try:
                d[key] = json.loads(v)
            except ValueError:
                pass
    return d


def _scope(t: sa.Table, municipality: str | None, year: int | None, department: str | None = None) -> list:
    """The dims a table has (``documents`` has no department) under the given values."""
    conds = []
    if municipality is not None and "municipality" in t.c:
        conds.append(t.c.municipality == municipality)
    if year is not None and "year" in t.c:
        conds.append(t.c.year == year)
    if department and "department" in t.c:
        conds.append(t.c.department == department)
    return conds


def _order(t: sa.Table, names: Iterable[str]) -> list:
    """Columns by name, ``-name`` descending (``KeyError`` for a column the table lacks)."""
    return [t.c[n[1:]].desc() if n.startswith("-") else t.c[n] for n in names]


# --- municipalities, years, departments -------------------------------------------------


#: how long a list of municipalities is trusted without being read again (seconds)
MUNICIPALITIES_TTL = 60.0
#: engine (one per app) -> (when read, the documents' stamp then, the names)
_municipalities_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _documents_stamp(conn: Connection, t: sa.Table) -> tuple | None:
    """(id, loaded_at) of the newest document row — one probe of the primary key, never a
    scan: moves when a document is saved (every save inserts a row) or the last one is
    deleted. SQLite gives a new row the id of a deleted last row (no AUTOINCREMENT), so the
    id alone could stay the same across a delete and a save; its ``loaded_at`` does not. A
    delete of an older document is seen when the ttl ends."""
    newest = sa.select(sa.func.max(t.c.id)).scalar_subquery()
    row = conn.execute(sa.select(t.c.id, t.c.loaded_at).where(t.c.id == newest)).first()
    return tuple(row) if row is not None else None


def municipalities(conn: Connection, *, ttl: float = MUNICIPALITIES_TTL) -> list[str]:
    """The municipalities with a stored document, sorted. Every record belongs to a document
    of its municipality, so ``documents`` alone answers (``SELECT DISTINCT`` through
    ix_documents_dims). Called for every request without ``?municipality=`` (once, on the
    request's connection: ``web.deps.default_municipality``), so the list is kept per engine
    (one per app) and read again when the documents' stamp moves (the newest row's id and
    ``loaded_at``: one primary-key probe) or after ``ttl`` seconds."""
    t = _t("documents")
    stamp = _documents_stamp(conn, t)
    now = time.monotonic()
    key = conn.engine
    cached = _municipalities_cache.get(key)
    if cached is not None and cached[1] == stamp and stamp is not None and now - cached[0] < ttl:
        return list(cached[2])
    names = sorted(r[0] for r in conn.execute(sa.select(t.c.municipality).distinct()) if r[0])
    _municipalities_cache[key] = (now, stamp, names)
    return list(names)


def known_municipalities(engine) -> list[str] | None:
    """The municipalities last read by :func:`municipalities` for this engine, without a query
    (None when never read): for an error page, which must not take a connection of its own."""
    cached = _municipalities_cache.get(engine)
    return list(cached[2]) if cached is not None else None


def years(conn: Connection, municipality: str, tables: Iterable[str] = RECORD_TABLES) -> list[int]:
    """The years with rows in any of ``tables`` (``documents`` too), latest first."""
    found: set[int] = set()
    for name in tables:
        t = _t(name)
        q = sa.select(t.c.year).where(*_scope(t, municipality, None)).distinct()
        found.update(r[0] for r in conn.execute(q) if r[0] is not None)
    return sorted(found, reverse=True)


def latest_year(conn: Connection, municipality: str) -> int | None:
    """The latest year with performance or settlement data, else the latest year of any record."""
    best = years(conn, municipality, ("indicators", "programs", "revenues"))
    if best:
        return best[0]
    any_year = years(conn, municipality)
    return any_year[0] if any_year else None


#: the tables a department is named in: the department list and a department's page both read these
DEPARTMENT_TABLES = ("departments", *RECORD_TABLES)


def departments(conn: Connection, municipality: str, year: int | None) -> list[str]:
    """The departments named in any of :data:`DEPARTMENT_TABLES` under the scope, sorted:
    one statement (a ``UNION`` of each table's distinct names, each through its scope index),
    not one a table."""
    parts = []
    for name in DEPARTMENT_TABLES:
        t = _t(name)
        parts.append(sa.select(t.c.department).where(*_scope(t, municipality, year)))
    names = {r[0] for r in conn.execute(sa.union(*parts)) if r[0]}
    return sorted(names)


def department_years(conn: Connection, municipality: str, department: str) -> tuple[list[int], bool]:
    """(the years in which ``department`` is named, latest first; whether it is also named in
    a document without a year), over the same tables as :func:`departments` — so every name
    that list gives has a page."""
    found: set[int] = set()
    undated = False
    for name in DEPARTMENT_TABLES:
        t = _t(name)
        q = sa.select(t.c.year).where(*_scope(t, municipality, None, department)).distinct()
        for (y,) in conn.execute(q):
            if y is None:
                undated = True
            else:
                found.add(y)
    return sorted(found, reverse=True), undated


def scopes(conn: Connection, *, municipality: str | None = None,
           years: list[int] | None = None) -> list[tuple[str, list[int] | None]]:
    """(municipality, years) to check one at a time: one year each, or None (every year)
    for a municipality with a document without a year. Read through ix_documents_dims."""
    docs = _t("documents")
    stmt = sa.select(docs.c.municipality, docs.c.year).distinct()
    if municipality is not None:
        stmt = stmt.where(docs.c.municipality == municipality)
    pairs = {(m, y) for m, y in conn.execute(stmt)}
    out: list[tuple[str, list[int] | None]] = []
    for m in sorted({m for m, _ in pairs}):
        ys = {y for mm, y in pairs if mm == m}
        if None in ys:
            out.append((m, years))
        else:
            out.extend((m, [y]) for y in sorted(ys) if not years or y in years)
    return out


def stored_years(conn: Connection, *, municipality: str | None = None) -> dict[str, list[int | None]]:
    """municipality → the years of its stored documents (None: a document without a year),
    for saying why a command found nothing. Read through ix_documents_dims."""
    docs = _t("documents")
    stmt = sa.select(docs.c.municipality, docs.c.year).distinct()
    if municipality is not None:
        stmt = stmt.where(docs.c.municipality == municipality)
    out: dict[str, list[int | None]] = {}
    for m, y in conn.execute(stmt):
        out.setdefault(m, []).append(y)
    return {m: sorted(ys, key=lambda y: (y is None, y or 0)) for m, ys in sorted(out.items())}


def has_undated(conn: Connection, municipality: str) -> bool:
    """Whether the municipality has a stored document without a year."""
    docs = _t("documents")
    stmt = sa.select(docs.c.id).where(docs.c.municipality == municipality, docs.c.year.is_(None)).limit(1)
    return conn.execute(stmt).first() is not None


# --- pages of a table --------------------------------------------------------------------


def page(conn: Connection, table: str, *, municipality: str | None, year: int | None = None,
         department: str | None = None, where: Iterable[Any] = (), order_by: Iterable[Any] = (),
         limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """One page of a table and the total count under the same filters (``where`` and
    ``order_by``: expressions over the table, built by the functions of this module)."""
    t = _t(table)
    conds = _scope(t, municipality, year, department) + list(where)
    offset = min(offset, MAX_INT)  # past any table's end; a larger number overflows the driver
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    order = sqlite_order(order_by) or [t.c.id]  # NULLs where SQLite puts them, on every database
    rows = conn.execute(sa.select(t).where(*conds).order_by(*order).limit(limit).offset(offset))
    return [as_dict(r) for r in rows], int(total)


def records(conn: Connection, table: str, *, municipality: str | None, year: int | None = None,
            department: str | None = None, order: Iterable[str] = ("id",), limit: int = 50,
            offset: int = 0) -> tuple[list[dict], int]:
    """One page of a record table in the order of the named columns (``-name``: descending)."""
    return page(conn, table, municipality=municipality, year=year, department=department,
                order_by=_order(_t(table), order), limit=limit, offset=offset)


def count(conn: Connection, table: str, *, municipality: str, year: int | None = None,
          department: str | None = None) -> int:
    """How many rows of a table are under the filters."""
    t = _t(table)
    conds = [t.c.municipality == municipality]
    if year is not None:
        conds.append(t.c.year == year)
    if department:
        conds.append(t.c.department == department)
    return conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()


def one(conn: Connection, table: str, row_id: int) -> dict | None:
    t = _t(table)
    if not 0 < row_id <= MAX_INT:  # no such id; a larger one overflows the driver
        return None
    r = conn.execute(sa.select(t).where(t.c.id == row_id)).first()
    return as_dict(r) if r else None


def by_ids(conn: Connection, table: str, ids: list[int]) -> dict[int, dict]:
    """Rows of a table by id (any municipality), as {id: row}."""
    t = _t(table)
    rows, _ = page(conn, table, municipality=None, where=[t.c.id.in_(ids)], limit=len(ids))
    return {r["id"]: r for r in rows}


def sources(conn: Connection, t: sa.Table, conds: list, *keys: Any) -> dict[Any, dict[str, set[int]]]:
    """{key values: {doc: {lines}}} for the rows under ``conds`` (bounded). One key gives
    plain values as dict keys, several give tuples."""
    out: dict[Any, dict[str, set[int]]] = {}
    q = sa.select(*keys, t.c.source_doc, t.c.source_line).where(*conds).limit(MAX_SOURCE_ROWS)
    for r in conn.execute(q):
        k = r[0] if len(keys) == 1 else tuple(r[: len(keys)])
        doc, line = r[-2], r[-1]
        if doc and line:
            out.setdefault(k, {}).setdefault(doc, set()).add(int(line))
    return out


def effective_grade(t: sa.Table) -> Any:
    """The reported grade, else the computed one."""
    return sa.func.coalesce(t.c.grade, t.c.grade_computed)


def indicator_page(conn: Connection, *, municipality: str, year: int | None, department: str | None,
                   grade: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    """성과지표 list: newest year first, by department and printed order; ``grade``: only
    indicators of that (reported, else computed) grade."""
    t = _t("indicators")
    where = [effective_grade(t) == grade] if grade else []
    order = [t.c.year.desc(), t.c.department, t.c.doc_order, t.c.id]
    return page(conn, "indicators", municipality=municipality, year=year, department=department,
                where=where, order_by=order, limit=limit, offset=offset)


def _rate_expr(t: sa.Table, table: str):
    num, den = RATE_OF[table]
    return sa.cast(t.c[num], sa.Float) * 100.0 / sa.func.nullif(t.c[den], 0)


def money_page(conn: Connection, table: str, *, municipality: str, year: int | None, department: str | None,
               sort: str | None, descending: bool, level: str | None, limit: int,
               offset: int) -> tuple[list[dict], int]:
    """세출 사업 (``programs``) or 세입 (``revenues``) sorted by a column (``rate``: the
    table's rate, computed in SQL), empty values last; unsorted, by year (newest first),
    department and printed order. ``level``: only rows of that level."""
    t = _t(table)
    where = [t.c.level == level] if level else []
    if sort:
        expr = _rate_expr(t, table) if sort == "rate" else t.c[sort]
        primary = expr.desc() if descending else expr.asc()
        order_by = [sa.case((expr.is_(None), 1), else_=0), primary, t.c.id]
    else:
        order_by = [t.c.year.desc(), t.c.department, t.c.doc_order, t.c.position, t.c.id]
    return page(conn, table, municipality=municipality, year=year, department=department,
                where=where, order_by=order_by, limit=limit, offset=offset)


#: the statuses of the work list's filter: ``open`` (no mark), a mark's status, or ``all``
FINDING_STATUSES = ("open", "seen", "fixed", "false_positive", "all")
#: the reader's information (how a document was read, e.g. "어느 열에도 맞지 않는 값 0"):
#: ``hide`` (the work list's default), ``show`` (with the rest) or ``only``
READING_FILTERS = ("hide", "show", "only")
#: a finding's mark, as the listing gives it (``mark``: these keys, or None)
MARK_KEYS = ("id", "status", "note", "marked_by", "marked_at", "version")


def _reading(t: sa.Table) -> Any:
    """The reader's information findings: found while reading (``origin`` read), severity info."""
    return sa.and_(t.c.origin == "read", t.c.severity == "info")


def _severity_rank(t: sa.Table) -> Any:
    return sa.case(*((t.c.severity == s, i) for i, s in enumerate(SEVERITY_ORDER)), else_=len(SEVERITY_ORDER))


def _marked(t: sa.Table, m: sa.Table) -> tuple[Any, Any]:
    """(findings LEFT JOIN finding_marks on municipality and fingerprint, the join's columns)."""
    joined = t.outerjoin(m, sa.and_(m.c.municipality == t.c.municipality, m.c.fingerprint == t.c.fingerprint))
    cols = [m.c[k].label(f"mark_{k}") for k in MARK_KEYS]
    return joined, cols


def _with_mark(d: dict[str, Any]) -> dict[str, Any]:
    mark = {k: d.pop(f"mark_{k}") for k in MARK_KEYS}
    d["mark"] = mark if mark["id"] is not None else None
    return d


def finding_page(conn: Connection, *, municipality: str, year: int | None, department: str | None,
                 severity: str | None, rule: str | None, limit: int, offset: int, status: str | None = None,
                 reading: str = "show", order: str = "document") -> tuple[list[dict], int]:
    """검증 결과, each finding with its ``mark`` (the people's word on it, joined by
    fingerprint in SQL; None when unmarked). ``rule``: an id or its prefix (a family);
    ``status``: ``open`` (unmarked), a mark's status, or None/``all``; ``reading``: the
    reader's information findings hidden, shown or alone (:data:`READING_FILTERS`);
    ``order``: ``document`` (by document, then as stored) or ``work`` (the work list: open
    first, then error, warning, info, then by document)."""
    t, m = _t("findings"), _t("finding_marks")
    conds = _scope(t, municipality, year, department)
    if severity:
        conds.append(t.c.severity == severity)
    if rule:
        conds.append(t.c.rule.startswith(rule, autoescape=True))
    if status == "open":
        conds.append(m.c.id.is_(None))
    elif status and status != "all":
        conds.append(m.c.status == status)
    if reading == "hide":
        conds.append(sa.not_(_reading(t)))
    elif reading == "only":
        conds.append(_reading(t))
    joined, cols = _marked(t, m)
    offset = min(offset, MAX_INT)
    total = conn.execute(sa.select(sa.func.count()).select_from(joined).where(*conds)).scalar_one()
    if order == "work":
        order_by = [sa.case((m.c.id.is_(None), 0), else_=1), _severity_rank(t), t.c.doc, t.c.id]
    else:
        order_by = [t.c.doc, t.c.id]
    q = sa.select(t, *cols).select_from(joined).where(*conds).order_by(*order_by).limit(limit).offset(offset)
    return [_with_mark(as_dict(r)) for r in conn.execute(q)], int(total)


def finding_with_mark(conn: Connection, finding_id: int) -> dict | None:
    """One finding with its ``mark`` (None when unmarked)."""
    t, m = _t("findings"), _t("finding_marks")
    if not 0 < finding_id <= MAX_INT:
        return None
    joined, cols = _marked(t, m)
    r = conn.execute(sa.select(t, *cols).select_from(joined).where(t.c.id == finding_id)).first()
    return _with_mark(as_dict(r)) if r else None


def finding_tallies(conn: Connection, municipality: str, year: int | None,
                    department: str | None = None) -> dict[str, Any]:
    """The work list's counts under the scope, in one grouped query: ``status`` (open /
    seen / fixed / false_positive / all), ``reading`` (the reader's information findings),
    ``rules`` ({rule id: count}, for the family filter)."""
    t, m = _t("findings"), _t("finding_marks")
    joined, _ = _marked(t, m)
    is_reading = sa.case((_reading(t), 1), else_=0).label("reading")
    q = (sa.select(t.c.rule, m.c.status, is_reading, sa.func.count()).select_from(joined)
         .where(*_scope(t, municipality, year, department)).group_by(t.c.rule, m.c.status, is_reading))
    status = {s: 0 for s in FINDING_STATUSES}
    rules: dict[str, int] = {}
    reading = 0
    for rule_id, st, rd, n in conn.execute(q):
        status[st or "open"] = status.get(st or "open", 0) + n
        status["all"] += n
        rules[rule_id] = rules.get(rule_id, 0) + n
        reading += n if rd else 0
    return {"status": status, "reading": reading, "rules": dict(sorted(rules.items()))}


#: marks under which a finding still stands against its figures (unmarked, or only 확인)
STANDING = (None, "seen")


def open_errors_on(conn: Connection, municipality: str | None, year: int | None,
                   docs: Iterable[str], *, limit: int = 500) -> list[dict]:
    """The errors on lines of these documents that still stand (no mark, or only 확인),
    each with its ``mark``: for the badges of the pages that show a record. Bounded; the
    caller matches lines."""
    t, m = _t("findings"), _t("finding_marks")
    docs = sorted({d for d in docs if d})
    if not docs:
        return []
    joined, cols = _marked(t, m)
    # one document (a page's usual case): ``=``, not an expanding ``IN`` re-rendered per call
    on_docs = t.c.doc == docs[0] if len(docs) == 1 else t.c.doc.in_(docs)
    conds = _scope(t, municipality, year) + [t.c.severity == "error", on_docs,
                                              sa.or_(m.c.id.is_(None), m.c.status == "seen")]
    q = sa.select(t, *cols).select_from(joined).where(*conds).order_by(t.c.id).limit(limit)
    return [_with_mark(as_dict(r)) for r in conn.execute(q)]


def department_records(conn: Connection, table: str, *, municipality: str, year: int | None, department: str,
                       limit: int) -> list[dict]:
    """A department's rows of one table in printed order: of ``year``, or — ``year`` None —
    of documents without a year."""
    t = _t(table)
    where = [t.c.year.is_(None)] if year is None else []
    return page(conn, table, municipality=municipality, year=year, department=department, where=where,
                order_by=[t.c.doc_order, t.c.id], limit=limit)[0]


# --- dashboard --------------------------------------------------------------------------


def grade_counts(conn: Connection, municipality: str, year: int, department: str | None = None) -> list[dict]:
    """Per department: counts of ◎/○/× (the reported grade, else the computed one)."""
    t = _t("indicators")
    g = effective_grade(t).label("g")
    conds = _scope(t, municipality, year, department)
    q = sa.select(t.c.department, g, sa.func.count().label("n")).where(*conds).group_by(t.c.department, g)
    src = sources(conn, t, conds, t.c.department, effective_grade(t))
    by: dict[str, dict] = {}
    for dept, grade, n in conn.execute(q):
        d = by.setdefault(dept or "", {"department": dept, "counts": {}, "sources": {}, "total": 0, "total_sources": {}})
        key = grade if grade in GRADE_ORDER else "-"
        d["counts"][key] = d["counts"].get(key, 0) + n
        d["total"] += n
        s = src.get((dept, grade), {})
        d["sources"][key] = s
        for doc, lines in s.items():
            d["total_sources"].setdefault(doc, set()).update(lines)
    return [by[k] for k in sorted(by)]


def execution_by_department(conn: Connection, municipality: str, year: int) -> list[dict]:
    """예산현액 and 지출액 by department: the department's printed total line of 사업별조서
    (level ``total``) when there is one, else the sum of its policy-level programs, else the
    sum of its top-level programs. ``row`` holds the printed line; sums carry their sources."""
    t = _t("programs")
    base = _scope(t, municipality, year)
    out: dict[str, dict] = {}
    totals = conn.execute(sa.select(t).where(*base, t.c.level == "total").order_by(*sqlite_order([t.c.department, t.c.id])).limit(500))
    for r in totals:
        d = as_dict(r)
        if d["department"] in out:
            continue
        out[d["department"]] = {"department": d["department"], "current_budget": d.get("current_budget"),
                                "spent": d.get("spent"), "row": d,
                                "sources": {d["source_doc"]: {d["source_line"]}}}
    for level_cond in (t.c.level == "policy", sa.and_(t.c.parent.is_(None), t.c.level != "total")):
        conds = base + [level_cond]
        if out:
            conds.append(t.c.department.not_in(list(out)))
        q = (sa.select(t.c.department, sa.func.sum(t.c.current_budget), sa.func.sum(t.c.spent))
             .where(*conds).group_by(t.c.department))
        src = sources(conn, t, conds, t.c.department)
        for dept, cur, spent in conn.execute(q):
            out[dept] = {"department": dept, "current_budget": None if cur is None else int(cur),
                         "spent": None if spent is None else int(spent), "row": None, "sources": src.get(dept, {})}
    for e in out.values():
        cur, spent = e["current_budget"], e["spent"]
        e["rate"] = spent * 100.0 / cur if cur and spent is not None else None
    return [out[k] for k in sorted(out, key=lambda x: x or "")]


def missed_indicators(conn: Connection, municipality: str, year: int, *, limit: int = 50,
                      offset: int = 0) -> tuple[list[dict], int]:
    """Indicators graded × with their policy goal's 예산액/결산액 (the money spent on them)."""
    t = _t("indicators")
    rows, total = page(conn, "indicators", municipality=municipality, year=year,
                       where=[effective_grade(t) == "×"], order_by=[t.c.department, t.c.id], limit=limit, offset=offset)
    goals = policy_goals_of(conn, rows)
    for r, goal in zip(rows, goals):
        r["goal"] = goal
    return rows, total


#: at most this many goals of one municipality-year are read at once by :func:`policy_goals_of`
#: (more: one :func:`policy_goal_of` per indicator, as before)
GOALS_AT_ONCE = 5000


def policy_goals_of(conn: Connection, indicators: list[dict]) -> list[dict | None]:
    """:func:`policy_goal_of` of each indicator, with one query per municipality-year instead
    of one (or two) per indicator: the same answers — the first goal of the indicator's
    department (in the index's order: department, id) with its name, else the name most
    alike among the first 200 goals of its scope."""
    g = _t("policy_goals")
    by_scope: dict[tuple, list[dict] | None] = {}
    for ind in indicators:
        if ind.get("policy_goal"):
            by_scope.setdefault((ind.get("municipality"), ind.get("year")), None)
    for (m, y) in by_scope:
        q = (sa.select(g).where(*_scope(g, m, y)).order_by(*sqlite_order([g.c.department, g.c.id]))
             .limit(GOALS_AT_ONCE + 1))
        got = [as_dict(r) for r in conn.execute(q)]
        by_scope[(m, y)] = got if len(got) <= GOALS_AT_ONCE else None
    out: list[dict | None] = []
    for ind in indicators:
        wanted = ind.get("policy_goal")
        if not wanted:
            out.append(None)
            continue
        goals = by_scope[(ind.get("municipality"), ind.get("year"))]
        if goals is None:  # a scope too large to hold: the query per indicator
            out.append(policy_goal_of(conn, ind))
            continue
        dept = ind.get("department")
        cands = [c for c in goals if c["department"] == dept] if dept else goals
        exact = next((c for c in cands if c["name"] == wanted), None)
        if exact is not None:
            out.append(dict(exact))  # each indicator its own dict, as from its own query
            continue
        cands = cands[:200]
        name = similar_name(wanted, [c["name"] for c in cands])
        found = next((c for c in cands if c["name"] == name), None) if name else None
        out.append(dict(found) if found is not None else None)
    return out


def policy_goal_of(conn: Connection, indicator: dict) -> dict | None:
    g = _t("policy_goals")
    if not indicator.get("policy_goal"):
        return None
    conds = _scope(g, indicator.get("municipality"), indicator.get("year"), indicator.get("department"))
    r = conn.execute(sa.select(g).where(*conds, g.c.name == indicator["policy_goal"]).limit(1)).first()
    if r is not None:
        return as_dict(r)
    # the two printings of a goal's name sometimes differ by a character or two
    cands = [as_dict(c) for c in conn.execute(sa.select(g).where(*conds).limit(200))]
    name = similar_name(indicator["policy_goal"], [c["name"] for c in cands])
    return next((c for c in cands if c["name"] == name), None) if name else None


def similar_name(wanted: str, names: Iterable[str], threshold: float = PAGE_LINK) -> str | None:
    """The name most like ``wanted`` (spaces ignored), if it is at least ``threshold`` alike."""
    return match_name(wanted, names, threshold)


def finding_counts(conn: Connection, municipality: str, year: int | None) -> dict[str, int]:
    t = _t("findings")
    conds = _scope(t, municipality, year)
    q = sa.select(t.c.severity, sa.func.count()).where(*conds).group_by(t.c.severity)
    return {s: n for s, n in conn.execute(q)}


def department_summaries(conn: Connection, municipality: str, year: int) -> list[dict]:
    t = _t("department_summaries")
    rows, _ = page(conn, "department_summaries", municipality=municipality, year=year,
                   order_by=[t.c.department, t.c.id], limit=200)
    named = [r for r in rows if not r.get("is_total")]
    return named or rows


def rate_changes(conn: Connection, municipality: str, year: int, previous: int, *, limit: int = 100) -> list[dict]:
    """Indicators printed for both years (same department and name): rate this year vs the previous."""
    t = _t("indicators")
    prev = t.alias("prev")
    q = (
        sa.select(t, prev.c.rate.label("prev_rate"), prev.c.id.label("prev_id"), prev.c.figures.label("prev_figures"),
                  prev.c.source_doc.label("prev_source_doc"), prev.c.source_line.label("prev_source_line"))
        .join(prev, sa.and_(prev.c.municipality == t.c.municipality, prev.c.department == t.c.department,
                            prev.c.name == t.c.name, prev.c.year == previous))
        .where(*_scope(t, municipality, year)).order_by(*sqlite_order([t.c.department, t.c.id])).limit(limit)
    )
    out = []
    for r in conn.execute(q):
        d = as_dict(r)
        pf = d.pop("prev_figures")
        d["prev"] = {"rate": d.pop("prev_rate"), "id": d.pop("prev_id"), "source_doc": d.pop("prev_source_doc"),
                     "source_line": d.pop("prev_source_line"),
                     "figures": json.loads(pf) if isinstance(pf, str) else (pf or {})}
        out.append(d)
    return out


def plan_task_counts(conn: Connection, municipality: str, year: int | None) -> list[dict]:
    """Per department: the year's plan tasks and the sum of their 사업비, with their lines."""
    t = _t("plan_tasks")
    if year is None:
        return []
    conds = [t.c.municipality == municipality, t.c.year == year]
    # SUM(bigint) is numeric on PostgreSQL (a Decimal): cast back to the column's integer won
    budget = sa.cast(sa.func.sum(t.c.budget), sa.BigInteger)
    q = sa.select(t.c.department, sa.func.count(), budget).where(*conds).group_by(t.c.department).order_by(*sqlite_order([t.c.department]))
    src = sources(conn, t, conds, t.c.department)
    return [{"department": d, "count": n, "budget": b, "sources": src.get(d, {})} for d, n, b in conn.execute(q)]


# --- department, indicator ---------------------------------------------------------------


def indicator_history(conn: Connection, indicator: dict) -> list[dict]:
    t = _t("indicators")
    conds = _scope(t, indicator.get("municipality"), None, indicator.get("department")) + [t.c.name == indicator["name"]]
    rows = conn.execute(sa.select(t).where(*conds).order_by(*sqlite_order([t.c.year, t.c.id])).limit(100))
    return [as_dict(r) for r in rows]


def programs_for_goal(conn: Connection, goal: dict | None, *, limit: int = 100) -> list[dict]:
    """The programs serving a policy goal: the department's policy-level program the reader
    linked it to (``program``), then that program's unit and detail programs. A goal stored
    without the link falls back to the policy program whose 예산현액 equals the goal's 예산액
    (or 지출액 its 결산액)."""
    t = _t("programs")
    if goal is None:
        return []
    conds = _scope(t, goal.get("municipality"), goal.get("year"), goal.get("department"))
    policy = [*conds, t.c.level == "policy"]
    if goal.get("program"):
        same_doc = [t.c.source_doc != goal["source_doc"]] if goal.get("source_doc") else []
        q = sa.select(t).where(*policy, t.c.name == goal["program"]).order_by(*sqlite_order([*same_doc, t.c.id]))
        top = conn.execute(q.limit(1)).first()
    else:
        money = []
        if goal.get("budget") is not None:
            money.append(t.c.current_budget == goal["budget"])
        if goal.get("settled") is not None:
            money.append(t.c.spent == goal["settled"])
        if not money:
            return []
        top = conn.execute(sa.select(t).where(*policy, sa.or_(*money)).limit(1)).first()
    if top is None:
        return []
    top = as_dict(top)
    children: dict[str, list[dict]] = {}
    parents = [top["name"]]
    for _ in range(2):  # unit, then detail
        if not parents:
            break
        kids = [as_dict(r) for r in conn.execute(
            sa.select(t).where(*conds, t.c.parent.in_(parents))
            .order_by(*sqlite_order([t.c.document_id, t.c.doc_order, t.c.id])).limit(limit))]
        for k in kids:
            children.setdefault(k["parent"], []).append(k)
        parents = [k["name"] for k in kids]
    # the tree in reading order: each program followed by its own children (a 세부사업 printed
    # only in another table included, under its 단위사업, not by its position in that table)
    out: list[dict] = []
    seen: set[int] = set()

    def walk(row: dict) -> None:
        if row["id"] in seen:
            return
        seen.add(row["id"])
        out.append(row)
        for k in children.get(row["name"], []):
            walk(k)

    walk(top)
    return out[:limit]


def narratives_about(conn: Connection, *, municipality: str, year: int | None, department: str | None,
                     about_name: str, limit: int = 5) -> list[dict]:
    t = _t("narratives")
    conds = _scope(t, municipality, year, department) + [t.c.about_name == about_name]
    return [as_dict(r) for r in conn.execute(sa.select(t).where(*conds).order_by(t.c.id).limit(limit))]


# --- a year's money and results (the citizens' page) -----------------------------------------


def level_one_revenues(conn: Connection, municipality: str, year: int, *, limit: int) -> list[dict]:
    """The year's 세입 rows of top-level 과목 (level 1), by code."""
    t = _t("revenues")
    rows = conn.execute(sa.select(t).where(t.c.municipality == municipality, t.c.year == year, t.c.level == 1)
                        .order_by(*sqlite_order([t.c.code, t.c.id])).limit(limit))
    return [as_dict(r) for r in rows]


def year_rows(conn: Connection, table: str, municipality: str, year: int, *, limit: int) -> list[dict]:
    """The year's rows of a table, by department and printed order (bounded by ``limit``)."""
    t = _t(table)
    rows = conn.execute(sa.select(t).where(t.c.municipality == municipality, t.c.year == year)
                        .order_by(*sqlite_order([t.c.department, t.c.id])).limit(limit))
    return [as_dict(r) for r in rows]


def top_policy_programs(conn: Connection, municipality: str, year: int, *, limit: int) -> list[dict]:
    """The year's policy-level programs by 지출액, largest first."""
    t = _t("programs")
    q = (sa.select(t).where(t.c.municipality == municipality, t.c.year == year, t.c.level == "policy",
                            t.c.spent.is_not(None))
         .order_by(t.c.spent.desc(), t.c.id).limit(limit))
    return [as_dict(r) for r in conn.execute(q)]


# --- documents --------------------------------------------------------------------------


def document(conn: Connection, name: str, municipality: str | None = None) -> dict | None:
    """The document of that name (of that municipality when given)."""
    t = _t("documents")
    conds = [t.c.name == name] + ([t.c.municipality == municipality] if municipality else [])
    r = conn.execute(sa.select(t).where(*conds).order_by(t.c.id).limit(1)).first()
    return as_dict(r) if r else None


def document_titles(conn: Connection, names: Iterable[str | None], municipality: str | None) -> dict[str, str]:
    """How people know the documents named: ``name -> "2020 결산 및 성과보고서"`` (year and
    title; the file name stays the key and the link) for the names a page shows."""
    wanted = sorted({n for n in names if n})[:200]
    if not wanted:
        return {}
    t = _t("documents")
    conds = [t.c.name.in_(wanted)] + ([t.c.municipality == municipality] if municipality else [])
    out: dict[str, str] = {}
    for name, title, year in conn.execute(sa.select(t.c.name, t.c.title, t.c.year).where(*conds).order_by(t.c.id)):
        if title and name not in out:
            out[name] = f"{year}년 {title}" if year else title
    return out


def document_municipalities(conn: Connection, name: str) -> list[str]:
    """Every municipality that has a document of that name (names are unique per municipality)."""
    t = _t("documents")
    rows = conn.execute(sa.select(t.c.municipality).where(t.c.name == name).order_by(t.c.municipality).limit(50))
    return [r[0] for r in rows]


def stored_text(conn: Connection, doc: dict) -> str | None:
    """The normalised text the readers read, as stored with the document (``document_texts``),
    or None for a database saved without it."""
    if doc.get("text"):
        return doc["text"]
    tt = _t("document_texts")
    r = conn.execute(sa.select(tt.c.text).where(tt.c.document_id == doc["id"]).limit(1)).first()
    if r and r[0]:
        return r[0]
    return None


def documents(conn: Connection, municipality: str | None, *, limit: int = 100,
              offset: int = 0) -> tuple[list[dict], int]:
    """One page of the documents by name (without their text) and the total."""
    t = _t("documents")
    cols = [c for c in t.c if c.name != "text"]
    conds = _scope(t, municipality, None)
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    rows = conn.execute(sa.select(*cols).where(*conds).order_by(t.c.name).limit(limit).offset(offset))
    return [as_dict(r) for r in rows], int(total)


def documents_matching(conn: Connection, query: str, municipality: str | None, *, year: int | None = None,
                       limit: int = 20) -> list[dict]:
    """Documents whose title or file name holds every term of ``query`` (the site-wide search's
    문서 part; the documents of a municipality are few, the match is a LIKE)."""
    t = _t("documents")
    terms = [w for w in "".join(" " if c < " " or c == "\x7f" else c for c in query).split() if w]
    if not terms:
        return []
    conds = _scope(t, municipality, year)
    for w in terms:
        pattern = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(sa.or_(t.c.title.ilike(pattern, escape="\\"), t.c.name.ilike(pattern, escape="\\")))
    cols = [c for c in t.c if c.name != "text"]
    rows = conn.execute(sa.select(*cols).where(*conds).order_by(*sqlite_order([t.c.year.desc(), t.c.name])).limit(limit))
    return [as_dict(r) for r in rows]


# --- record kinds, the export ---------------------------------------------------------------


def record_resources() -> dict[str, str]:
    """table name -> record kind, in the model's order."""
    return {t.name: kind for kind, t in schema.record_tables().items()}


def record_class(kind: str):
    """The model class of a record kind (or of its table name)."""
    return schema.record_class(kind)


def export_sections(conn: Connection, *, municipality: str | None = None,
                    year: int | None = None) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """The export object's arrays in order — ``documents``, one per record table, ``tables``,
    ``findings`` — each as (key, items in the export's JSON shape), read in batches
    (``iter_records``), never a whole table at once."""
    from .serialize import document_json, finding_json, record_json, table_json

    drows = document_rows(conn, municipality=municipality, year=year)
    doc_names = {r["id"]: r["name"] for r in drows}
    filters = {"municipality": municipality, "year": year}
    yield "documents", (document_json(r) for r in drows)
    for kind, table in schema.record_tables().items():
        fields = [f.name for f in schema.own_fields(schema.record_class(kind))]
        rows = iter_records(conn, kind, **filters)
        yield table.name, (record_json(r, doc_names, fields) for r in rows)
    yield "tables", (table_json(r, doc_names) for r in iter_records(conn, "tables", **filters))
    yield "findings", (finding_json(r, doc_names) for r in iter_records(conn, "findings", **filters))


# --- uploads (web/uploads.py): what a preview needs, read only ---------------------------------


def upload_scope(conn: Connection, municipality: str, year: int | None, *,
                 exclude: Iterable[str]) -> tuple[list[Any], dict[tuple[str, str], str]]:
    """The stored documents an upload of ``year`` would be checked with — as
    ``operations.recheck`` takes them: the municipality-year's, or all of the municipality's
    when the upload or a stored document has no year — and the users' directions of the
    municipality ((department, indicator) → direction). Nothing is written."""
    from .directions import user_directions

    whole = year is None or has_undated(conn, municipality)
    docs = load_documents(conn, municipality=municipality, year=None if whole else [year], exclude=list(exclude),
                          text=True)
    return docs, user_directions(conn, municipality=municipality)


def account_municipality(conn: Connection, account_id: int | None) -> str | None:
    """The municipality an account was given (``sijeong user add --municipality``), or None."""
    if account_id is None:
        return None
    t = _t("accounts")
    return conn.execute(sa.select(t.c.municipality).where(t.c.id == account_id)).scalar()
