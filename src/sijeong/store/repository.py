"""Keyword-only repository functions over a SQLAlchemy ``Connection``.

Writes run in the caller's transaction when there is one (``with db.writing(engine) as
conn``) and in their own write transaction otherwise (``BEGIN IMMEDIATE`` on SQLite); either
way a document is saved entirely or not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

from ..model import Document, Finding, Record
from . import rows as R
from .db import WRITE_OPTION, bump_data_version
from .order import sqlite_order
from .schema import record_class, record_table, record_tables, table
from .search import index_rows


def _in_tx(conn: sa.Connection, fn, *args, **kw):
    if conn.in_transaction():
        return fn(conn, *args, **kw)
    was_writer = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.execution_options(**{WRITE_OPTION: True})  # BEGIN IMMEDIATE on SQLite: wait, don't fail
    try:
        with conn.begin():
            out = fn(conn, *args, **kw)
            bump_data_version(conn)  # a write transaction of its own: the data changed (see db.writing)
            return out
    finally:
        conn.execution_options(**{WRITE_OPTION: was_writer})


def _insert_returning_ids(conn: sa.Connection, t: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    stmt = sa.insert(t).returning(t.c.id, sort_by_parameter_order=True)
    return [r[0] for r in conn.execute(stmt, rows)]


def _insert(conn: sa.Connection, t: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert row dicts (all with the same keys) in one ``executemany``."""
    if not rows:
        return
    first = rows[0].keys()
    if any(r.keys() != first for r in rows):  # rows of other keys: SQLAlchemy's insert sorts them out
        conn.execute(sa.insert(t), rows)
        return
    keys = tuple(first)
    _insert_values(conn, t, keys, [[r[k] for k in keys] for r in rows])


class _Insert:
    """``INSERT INTO t (keys...)`` compiled once per dialect and column list: the SQL as the
    driver takes it, and what SQLAlchemy would do to each value on the way (its bind
    processors: the JSON columns' serializer), so a batch of rows goes to the driver's
    ``executemany`` as plain tuples (or dicts, for a named paramstyle) without SQLAlchemy
    processing each row: the same statement and the same values, with less work per row."""

    __slots__ = ("sql", "procs", "order", "named", "keys")

    def __init__(self, dialect, t: sa.Table, keys: tuple[str, ...]) -> None:
        compiled = sa.insert(t).compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.keys = keys
        self.procs = tuple((i, p) for i, k in enumerate(keys)
                           if (p := t.c[k].type.dialect_impl(dialect).bind_processor(dialect)) is not None)
        self.named = not compiled.positional
        names = list(compiled.positiontup or ()) if compiled.positional else sorted(compiled.binds)
        if sorted(names) != sorted(keys) or any(compiled.binds[n].key != n for n in names):
            raise ValueError(f"unexpected parameters for {t.name}: {names}")  # then the plain path
        at = {k: i for i, k in enumerate(keys)}
        order = [at[n] for n in names] if compiled.positional else list(range(len(keys)))
        self.order = None if order == list(range(len(keys))) else operator.itemgetter(*order)


@functools.lru_cache(maxsize=256)
def _compiled_insert(dialect, t: sa.Table, keys: tuple[str, ...]) -> _Insert | None:
    try:
        return _Insert(dialect, t, keys)
    except Exception:  # noqa: BLE001 - anything unexpected: SQLAlchemy's own executemany
        return None


def _insert_values(conn: sa.Connection, t: sa.Table, keys: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Insert rows given as lists of values in the order of ``keys`` (changed in place by the
    bind processors) in one ``executemany`` of the driver."""
    if not rows:
        return
    ins = _compiled_insert(conn.dialect, t, keys)
    if ins is None:
        conn.execute(sa.insert(t), [dict(zip(keys, r)) for r in rows])
        return
    for i, proc in ins.procs:
        for r in rows:
            r[i] = proc(r[i])
    if ins.named:
        params: list = [dict(zip(keys, r)) for r in rows]
    elif ins.order is not None:
        params = list(map(ins.order, rows))
    else:
        params = list(map(tuple, rows))  # SQLAlchemy takes tuples (or dicts) for executemany
    conn.exec_driver_sql(ins.sql, params)


def _new_ids(conn: sa.Connection, t: sa.Table, n: int) -> list[int] | None:
    """``n`` ids for new rows of ``t``, the ones its inserts would have been given (inside a
    write transaction, which no other writer shares): on SQLite the next ones after the
    largest (what SQLite picks for a row without an id), on PostgreSQL the next values of the
    column's sequence. None where neither applies: insert with ``RETURNING`` then."""
    name = conn.dialect.name
    if name == "sqlite":
        top = conn.exec_driver_sql(f'SELECT max(id) FROM "{t.name}"').scalar()
        start = (top or 0) + 1
        return list(range(start, start + n))
    if name == "postgresql":
        ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence(%(t)s, 'id')) FROM generate_series(1, %(n)s)",
            {"t": t.name, "n": n})]
        if len(ids) == n and all(i is not None for i in ids):
            return sorted(ids)
    return None


def _insert_records(conn: sa.Connection, t: sa.Table, cls: type, rows: list[list[Any]]) -> list[int]:
    """Insert record rows (:func:`rows.record_values`) and return their ids, in order."""
    ids = _new_ids(conn, t, len(rows))
    keys = R.record_columns(cls)
    if ids is None:
        return _insert_returning_ids(conn, t, [dict(zip(keys, r)) for r in rows])
    for i, r in zip(ids, rows):
        r.append(i)
    _insert_values(conn, t, (*keys, "id"), rows)
    return ids


# --- documents -------------------------------------------------------------------------


def save_document(conn: sa.Connection, doc: Document, *, loaded_at: dt.datetime | None = None) -> int:
    """Replace the document of the same name and municipality, with everything read from
    it (records, tables, headings, read findings, search index). Returns its id."""
    return _in_tx(conn, _save_document, doc, loaded_at or dt.datetime.now(dt.timezone.utc))


def _save_document(conn: sa.Connection, doc: Document, loaded_at: dt.datetime) -> int:
    docs = table("documents")
    conn.execute(sa.delete(docs).where(docs.c.name == doc.name, docs.c.municipality == doc.municipality))
    (doc_id,) = _insert_returning_ids(conn, docs, [R.document_row(doc, loaded_at)])

    by_kind: dict[str, list[tuple[int, Record]]] = defaultdict(list)
    for order, rec in enumerate(doc.records):
        by_kind[rec.kind].append((order, rec))
    saved: list[tuple[Record, int]] = []
    for kind, items in by_kind.items():
        try:
            t = record_table(kind)
        except KeyError:
            raise ValueError(
                f"no table for record kind {kind!r} ({type(items[0][1]).__name__}): export the class from "
                "sijeong.model and add a migration (python -m sijeong.store.revision ...)"
            ) from None
        classes = {type(rec) for _, rec in items}
        if len(classes) == 1:
            ids = _insert_records(conn, t, classes.pop(), [R.record_values(rec, doc_id, order) for order, rec in items])
        else:  # records of one kind but of several classes: each row with its own keys
            ids = _insert_returning_ids(conn, t, [R.record_row(rec, doc_id, order) for order, rec in items])
        saved.extend((rec, rid) for (_, rec), rid in zip(items, ids))

    if doc.text is not None:
        _insert(conn, table("document_texts"), [{"document_id": doc_id, "text": doc.text}])
    _insert(conn, table("tables"), [R.table_row(t, doc_id, i) for i, t in enumerate(doc.tables)])
    _insert(conn, table("findings"), [R.finding_row(f, doc_id, "read") for f in doc.findings])
    _insert(conn, table("search_index"), index_rows(saved, doc_id))
    return doc_id


def delete_document(conn: sa.Connection, *, name: str, municipality: str) -> int:
    docs = table("documents")
    stmt = sa.delete(docs).where(docs.c.name == name, docs.c.municipality == municipality)
    return _in_tx(conn, lambda c: c.execute(stmt).rowcount)


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def document_rows(
    conn: sa.Connection, *, municipality: str | None = None, year=None, names: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """The ``documents`` rows (without loading their records); ``exclude``: not these names."""
    docs = table("documents")
    stmt = sa.select(docs).order_by(docs.c.id)
    if municipality is not None:
        stmt = stmt.where(docs.c.municipality == municipality)
    years = _as_list(year)
    if years is not None:
        stmt = stmt.where(docs.c.year.in_(years))
    if names is not None:
        stmt = stmt.where(docs.c.name.in_(list(names)))
    if exclude:
        stmt = stmt.where(docs.c.name.not_in(list(exclude)))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def load_documents(
    conn: sa.Connection, *, municipality: str | None = None, year=None, names: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None, text: bool = False,
) -> list[Document]:
    """Rebuild whole documents (records with figures and appearances, tables, headings,
    read findings, coverage). ``year`` may be one year or several; ``exclude`` names
    documents not to load (e.g. those the caller holds in memory). ``text``: also the text
    as read (``document_texts``) — what the rules that read running text need (a line no
    record took: ``text.breakdown``, ``text.table_fact``, ``text.program_spent``), so a
    re-check from the store finds what the check at ingest found."""
    drows = document_rows(conn, municipality=municipality, year=year, names=names, exclude=exclude)
    if not drows:
        return []
    by_id = {r["id"]: R.document_from_row(r) for r in drows}
    ids = list(by_id)
    sources = R.Sources()  # one Source per (document, line), shared by the figures read back
    ordered: dict[int, list[tuple[int, Record]]] = defaultdict(list)
    for kind, t in record_tables().items():
        read, i_doc, i_order = _reader(kind, t)
        stmt = sa.select(t).where(t.c.document_id.in_(ids)).order_by(t.c.document_id, t.c.doc_order, t.c.id)
        for row in conn.execute(stmt):
            ordered[row[i_doc]].append((row[i_order], read(row, sources)))
    for did, items in ordered.items():
        items.sort(key=lambda x: x[0])
        by_id[did].records = [rec for _, rec in items]
    tt = table("tables")
    for row in conn.execute(sa.select(tt).where(tt.c.document_id.in_(ids)).order_by(tt.c.document_id, tt.c.doc_order)).mappings():
        by_id[row["document_id"]].tables.append(R.table_from_row(row, sources))
    ft = table("findings")
    for row in conn.execute(sa.select(ft).where(ft.c.document_id.in_(ids)).order_by(ft.c.id)).mappings():
        if row["origin"] == "read":
            by_id[row["document_id"]].findings.append(R.finding_from_row(row))
    if text:
        tt = table("document_texts")
        for did, body in conn.execute(sa.select(tt.c.document_id, tt.c.text).where(tt.c.document_id.in_(ids))):
            by_id[did].text = body
    return [by_id[i] for i in ids]


@functools.cache
def _reader(kind: str, t: sa.Table):
    """(read, index of document_id, index of doc_order) for the rows of ``select(t)``."""
    columns = list(t.c.keys())
    return R.record_reader(record_class(kind), columns), columns.index("document_id"), columns.index("doc_order")


def load_plan_statistics(
    conn: sa.Connection, *, municipality: str, after: int | None = None, names: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> list[Document]:
    """The municipality's work plans (of years after ``after``, and/or of these ``names``) as
    documents holding only their statistics rows (``Statistic``: a plan's other tables, by
    column header), their tasks (``PlanTask``: the outline's text) and the lines outside both
    (``headings``) — what a cross-document rule compares a report with, never the whole plans.
    Three indexed reads: the plans' rows (ix_documents_dims, or the name's unique key), then
    their statistics and tasks (by document id)."""
    docs = table("documents")
    stmt = sa.select(docs.c.id, docs.c.name, docs.c.municipality, docs.c.year, docs.c.family, docs.c.title,
                     docs.c.headings).where(
        docs.c.municipality == municipality, docs.c.family == "work_plan").order_by(docs.c.id)
    if after is not None:
        stmt = stmt.where(docs.c.year > after)
    if names is not None:
        stmt = stmt.where(docs.c.name.in_(list(names)))
    exclude = list(exclude)
    if exclude:
        stmt = stmt.where(docs.c.name.not_in(exclude))
    by_id = {}
    for r in conn.execute(stmt):
        d = Document(name=r.name, municipality=r.municipality, year=r.year, family=r.family, title=r.title)
        # the lines outside tables and tasks, where a plan may restate a year's result in words
        d.headings = R.headings_from_row(r.name, r.headings)
        by_id[r.id] = d
    if not by_id:
        return []
    sources = R.Sources()
    for kind in ("statistic", "plan_task"):
        st = record_table(kind)
        read, i_doc, _ = _reader(kind, st)
        q = sa.select(st).where(st.c.document_id.in_(list(by_id))).order_by(st.c.document_id, st.c.doc_order, st.c.id)
        for row in conn.execute(q):
            by_id[row[i_doc]].records.append(read(row, sources))
    return list(by_id.values())


def load_report_indicators(
    conn: sa.Connection, *, municipality: str, before: int | None = None, names: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> list[Document]:
    """The municipality's settlement and performance reports (of these ``names``) holding
    indicator results (of years before ``before``), as documents holding only those indicators — what a later work
    plan's restatements are compared with (``cross.document`` from the plan's scope). One
    indexed read: the indicators (ix_indicators_dims) joined with their documents."""
    ind, docs = record_table("indicator"), table("documents")
    stmt = (sa.select(ind, docs.c.name.label("of_doc_name"), docs.c.year.label("of_doc_year"),
                      docs.c.title.label("of_doc_title"))
            .select_from(ind.join(docs, docs.c.id == ind.c.document_id))
            .where(ind.c.municipality == municipality, ind.c.actual.is_not(None), docs.c.family == "settlement_report")
            .order_by(ind.c.document_id, ind.c.doc_order, ind.c.id))
    if before is not None:
        stmt = stmt.where(ind.c.year < before)
    if names is not None:
        stmt = stmt.where(docs.c.name.in_(list(names)))
    exclude = list(exclude)
    if exclude:
        stmt = stmt.where(docs.c.name.not_in(exclude))
    cls = record_class("indicator")
    sources = R.Sources()
    by_id: dict[int, Document] = {}
    for row in conn.execute(stmt).mappings():
        d = by_id.get(row["document_id"])
        if d is None:
            d = by_id[row["document_id"]] = Document(name=row["of_doc_name"], municipality=municipality,
                                                     year=row["of_doc_year"], family="settlement_report",
                                                     title=row["of_doc_title"])
        d.records.append(R.record_from_row(cls, {k: v for k, v in row.items() if not k.startswith("of_doc_")}, sources))
    return list(by_id.values())


def report_years(conn: sa.Connection, *, municipality: str, years: Iterable[int]) -> list[int | None]:
    """The years of the municipality's settlement and performance reports that hold an
    indicator result of one of ``years`` (ix_indicators_dims, then each row's document)."""
    years = sorted(set(years))
    if not years:
        return []
    ind, docs = record_table("indicator"), table("documents")
    stmt = (sa.select(docs.c.year).distinct()
            .select_from(ind.join(docs, docs.c.id == ind.c.document_id))
            .where(ind.c.municipality == municipality, ind.c.year.in_(years), ind.c.actual.is_not(None),
                   docs.c.family == "settlement_report"))
    return sorted((r[0] for r in conn.execute(stmt)), key=lambda y: (y is None, y or 0))


# --- records ---------------------------------------------------------------------------


def tidy_row(row: dict[str, Any]) -> dict[str, Any]:
    """A number column holds a double; where the figure it was read from printed an
    integer (``95``), give back the figure's value (95, not 95.0)."""
    figures = row.get("figures")
    if isinstance(figures, dict):
        for key, fig in figures.items():
            value = row.get(key)
            if isinstance(value, float) and isinstance(fig, dict) and fig.get("value") == value:
                row[key] = fig["value"]
    return row


def _record_filters(t: sa.Table, municipality, year, department, document_id=None) -> list:
    out = []
    if municipality is not None:
        out.append(t.c.municipality == municipality)
    years = _as_list(year)
    if years is not None:
        out.append(t.c.year.in_(years))
    if department is not None:
        out.append(t.c.department == department)
    if document_id is not None:
        out.append(t.c.document_id == document_id)
    return out


def list_records(
    conn: sa.Connection,
    kind: str,
    *,
    municipality: str | None = None,
    year=None,
    department: str | None = None,
    q: str | None = None,
    document_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """One page of a record table as row dicts (JSON columns decoded), and the total count.
    ``kind`` is a record kind (``indicator``) or its table name (``indicators``);
    ``q`` matches the name (and the title, where the kind has one)."""
    t = record_table(kind)
    where = _record_filters(t, municipality, year, department, document_id)
    if q:
        cond = t.c.name.icontains(q, autoescape=True)
        if "title" in t.c:
            cond = sa.or_(cond, t.c.title.icontains(q, autoescape=True))
        where.append(cond)
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar_one()
    stmt = sa.select(t).where(*where).order_by(t.c.document_id, t.c.doc_order, t.c.id).limit(limit).offset(offset)
    return [tidy_row(dict(r)) for r in conn.execute(stmt).mappings()], total


def iter_records(
    conn: sa.Connection,
    kind: str,
    *,
    municipality: str | None = None,
    year=None,
    department: str | None = None,
    batch_size: int = 500,
) -> Iterator[dict[str, Any]]:
    """Every row of a record table (or ``tables`` / ``findings`` / ``documents``) under the
    filters, fetched in batches of ``batch_size``, so an export never holds a whole table in
    memory.

    Without a municipality the rows come in id order, by keyset over the primary key (a
    walk of the table, which is what reading everything costs). With one, they come scope
    by scope through ``ix_<table>_dims``: the scopes (the index's columns after
    municipality, e.g. year and department) in ascending order with empty values last, and
    each scope's rows in id order, by keyset on the index (which ends with ``id``), never
    walking the primary key from the first row."""
    t = table(kind) if kind in ("tables", "findings", "documents") else record_table(kind)
    where = _record_filters(t, municipality, year, department)
    scope_cols = _scope_columns(t) if municipality is not None else None
    if not scope_cols:
        yield from _keyset(conn, t, where, batch_size)
        return
    years = _as_list(year)
    fixed = {"year": years[0] if years is not None and len(years) == 1 else None, "department": department}
    if all(fixed.get(c.name) is not None for c in scope_cols):  # one scope: no need to list them
        keys = [tuple(fixed[c.name] for c in scope_cols)]
    else:
        groups = sa.select(*scope_cols).where(*where).group_by(*scope_cols)
        keys = sorted((tuple(r) for r in conn.execute(groups)),
                      key=lambda k: tuple((v is None, v if v is not None else 0) for v in k))
    for key in keys:
        same = [c.is_(None) if v is None else c == v for c, v in zip(scope_cols, key)]
        yield from _keyset(conn, t, where + same, batch_size)


def _scope_columns(t: sa.Table) -> list[sa.Column]:
    """The columns of ``ix_<table>_dims`` after municipality and before id, or [] when the
    table has no such index."""
    for ix in t.indexes:
        if ix.name == f"ix_{t.name}_dims":
            cols = list(ix.columns)
            if cols and cols[0].name == "municipality":
                return [c for c in cols[1:] if c.name != "id"]
    return []


def _keyset(conn: sa.Connection, t: sa.Table, where: list, batch_size: int) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        stmt = sa.select(t).where(t.c.id > last, *where).order_by(t.c.id).limit(batch_size)
        batch = [tidy_row(dict(r)) for r in conn.execute(stmt).mappings()]
        yield from batch
        if len(batch) < batch_size:
            return
        last = batch[-1]["id"]


def to_record(kind: str, row: dict[str, Any]) -> Record:
    """A model record from a row dict of :func:`list_records` / :func:`iter_records`."""
    return R.record_from_row(record_class(kind), row)


# --- findings --------------------------------------------------------------------------


def save_findings(
    conn: sa.Connection,
    findings: Iterable[Finding],
    *,
    replace_for: Iterable[tuple[str, int | None]] = (),
    documents: Iterable[tuple[str, str]] | None = None,
) -> int:
    """Store rule findings. ``replace_for`` lists (municipality, year) pairs whose earlier
    rule findings are deleted first (not the findings the readers made, which belong to
    their document); year None means findings without a year. ``documents``: the (name,
    municipality) of the documents the findings were made over — then what is replaced is
    the rule findings on those documents (whatever their year: a report's finding on a result
    of the year before has that year) and, of ``replace_for``'s years, those on no document,
    never a finding on another document (another scope's). Each finding is linked to its
    document (by name) when stored."""
    return _in_tx(conn, _save_findings, list(findings), list(replace_for),
                  None if documents is None else set(documents))


def _save_findings(conn: sa.Connection, findings: list[Finding], replace_for: list,
                   documents: set[tuple[str, str]] | None = None) -> int:
    ft = table("findings")
    ids = sorted(_document_ids(conn, documents).values()) if documents is not None else None
    for municipality, year in replace_for:
        year_cond = ft.c.year.is_(None) if year is None else ft.c.year == year
        conds = [ft.c.municipality == municipality, year_cond, ft.c.origin == "rule"]
        if ids is not None:
            conds.append(ft.c.document_id.is_(None))
        conn.execute(sa.delete(ft).where(*conds))
    for i in range(0, len(ids or []), 500):
        conn.execute(sa.delete(ft).where(ft.c.document_id.in_(ids[i:i + 500]), ft.c.origin == "rule"))
    doc_ids = _document_ids(conn, {(f.doc, f.municipality) for f in findings if f.municipality is not None})
    rows = [R.finding_row(f, doc_ids.get((f.doc, f.municipality)), "rule") for f in findings]
    _insert(conn, ft, rows)
    return len(rows)


def _document_ids(conn: sa.Connection, keys: set[tuple[str, str]], chunk: int = 500) -> dict[tuple[str, str], int]:
    """(name, municipality) -> documents.id for the given keys only, through
    uq_documents_name_municipality (never a read of the whole table)."""
    docs = table("documents")
    out: dict[tuple[str, str], int] = {}
    names = sorted({n for n, _ in keys})
    municipalities = sorted({m for _, m in keys})
    for i in range(0, len(names), chunk):
        stmt = sa.select(docs.c.id, docs.c.name, docs.c.municipality).where(
            docs.c.name.in_(names[i : i + chunk]), docs.c.municipality.in_(municipalities))
        for r in conn.execute(stmt):
            if (r.name, r.municipality) in keys:
                out[(r.name, r.municipality)] = r.id
    return out


def list_findings(
    conn: sa.Connection,
    *,
    municipality: str | None = None,
    year=None,
    department: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    origin: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    ft = table("findings")
    where = _record_filters(ft, municipality, year, department)
    if rule is not None:
        where.append(ft.c.rule.startswith(rule))
    if severity is not None:
        where.append(ft.c.severity == severity)
    if origin is not None:
        where.append(ft.c.origin == origin)
    total = conn.execute(sa.select(sa.func.count()).select_from(ft).where(*where)).scalar_one()
    # the order of ix_findings_dims (municipality, year, rule, id): a page is read from the
    # index, not by walking the primary key past other municipalities' findings; NULLs
    # (findings without a year) first, as SQLite sorts them, on PostgreSQL too
    order = [ft.c.municipality, ft.c.year, ft.c.rule, ft.c.id]
    stmt = sa.select(ft).where(*where).order_by(*sqlite_order(order)).limit(limit).offset(offset)
    return [dict(r) for r in conn.execute(stmt).mappings()], total


def count_rows(conn: sa.Connection) -> dict[str, int]:
    """Row count of every table that holds data (for tests and ``sijeong ingest`` summaries);
    ``data_version``, the one-row write counter, is bookkeeping and not counted."""
    from .schema import metadata

    return {
        name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
        for name, t in metadata().tables.items()
        if name != "data_version"
    }
