"""Check stamps: what ``sijeong check`` may reuse instead of checking a scope again.

A scope — a municipality's year, or the whole municipality (year None) when it has a document
without a year — is checked by the write path's re-check (``operations.recheck``) and by
``check --save``, which store its findings. Each of them also stores a stamp
(``check_stamps``): the fingerprint of the code that checked it (:func:`code_fingerprint`), a
digest of the scope's documents (their rows in ``documents``: a document stored again has a
new id), a digest of the other documents of the municipality the scope was compared with
(earlier settlement reports for a scope's plans: ``operations.context_of``, selected again here
from ``context_after``/``context_before``) and a digest of the findings as ``check`` prints
them. ``sijeong check`` prints the stored findings of a scope only when all four still match
(:func:`reusable`); anything else, and any doubt, is a check.

What a stamp cannot see: a record row (an indicator's value) or a stored text changed by hand
SQL without touching its document's row. After such an edit, ``sijeong check --full``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa

from ..model import Finding
from . import rows as R
from .schema import record_table, table

#: bumped when what a stamp means changes (its digests, the findings' form)
FORMAT = "check-stamp 1"


@functools.cache
def code_fingerprint() -> str:
    """A hash of every file of the installed ``sijeong`` package (not its caches), the
    Python version and :data:`FORMAT`: any change of the code makes every stamp stale.
    Computed once per process."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    h.update(f"{FORMAT}\n{sys.version_info[:3]}\n".encode())
    for p in sorted(root.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts or p.suffix in (".pyc", ".pyo"):
            continue
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@dataclasses.dataclass(frozen=True)
class DocRow:
    id: int
    name: str
    year: int | None
    family: str
    key: str  # what the digest takes of the row


@dataclasses.dataclass(frozen=True)
class Stamp:
    municipality: str
    year: int | None
    code: str
    documents: str
    context: str
    context_after: int | None
    context_before: int | None
    findings: str
    output: str


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass") + b"\n")
    return h.hexdigest()


def document_rows(conn: sa.Connection, municipality: str) -> list[DocRow]:
    """The municipality's documents in id order (the order ``check`` loads them in), through
    ix_documents_dims; without the large columns (headings, coverage)."""
    d = table("documents")
    stmt = (sa.select(d.c.id, d.c.name, d.c.year, d.c.family, d.c.title, d.c.sha256, d.c.line_count, d.c.loaded_at)
            .where(d.c.municipality == municipality).order_by(d.c.id))
    out = []
    for r in conn.execute(stmt):
        key = json.dumps([r.id, r.name, r.year, r.family, r.title, r.sha256, r.line_count, str(r.loaded_at)],
                         ensure_ascii=False)
        out.append(DocRow(r.id, r.name, r.year, r.family, key))
    return out


def scope_rows(rows: list[DocRow], year: int | None) -> list[DocRow]:
    """The documents of a scope: one year's, or all (year None: the whole municipality)."""
    return list(rows) if year is None else [r for r in rows if r.year == year]


def report_first_years(conn: sa.Connection, municipality: str) -> dict[int, int]:
    """document id -> the earliest year of an indicator result its settlement report holds
    (the rows ``views.load_report_indicators`` reads: a result, of a year; one grouped read
    through ix_indicators_dims)."""
    ind, docs = record_table("indicator"), table("documents")
    stmt = (sa.select(ind.c.document_id, sa.func.min(ind.c.year))
            .select_from(ind.join(docs, docs.c.id == ind.c.document_id))
            .where(ind.c.municipality == municipality, ind.c.actual.is_not(None), ind.c.year.is_not(None),
                   docs.c.family == "settlement_report")
            .group_by(ind.c.document_id))
    return {int(i): int(y) for i, y in conn.execute(stmt)}


def context_digest(rows: list[DocRow], first_years: dict[int, int], *, after: int | None, before: int | None,
                   exclude: Iterable[str]) -> str:
    """A digest of the documents ``operations.context_of`` reads for a scope: the work plans
    of years after ``after`` and the settlement reports holding a result of a year before
    ``before``, not the scope's own (``exclude``)."""
    held = set(exclude)
    keys = []
    for r in rows:
        if r.name in held:
            continue
        plan = after is not None and r.family == "work_plan" and r.year is not None and r.year > after
        report = before is not None and r.id in first_years and first_years[r.id] < before
        if plan or report:
            keys.append(r.key)
    return _digest([f"after={after} before={before}", *keys])


def documents_digest(rows: list[DocRow]) -> str:
    return _digest(r.key for r in rows)


def output(findings: Iterable[Finding]) -> str:
    """Findings as ``check`` gave them, to give again (:func:`from_output`): JSON keeps a
    float a float (the store's JSON columns give back 100.0 as 100, ``db.integral``)."""
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False)


def from_output(text: str) -> list[Finding]:
    return [R.finding_from_row(d) for d in json.loads(text)]


def stamps(conn: sa.Connection, municipality: str) -> dict[int | None, Stamp]:
    """year -> the municipality's stamp (None: the whole municipality's)."""
    t = table("check_stamps")
    out: dict[int | None, Stamp] = {}
    for r in conn.execute(sa.select(t).where(t.c.municipality == municipality).order_by(t.c.id)).mappings():
        out[r["year"]] = Stamp(**{f.name: r[f.name] for f in dataclasses.fields(Stamp)})
    return out


def save_stamp(conn: sa.Connection, stamp: Stamp) -> None:
    """Store a scope's stamp in the caller's write transaction, replacing its earlier one."""
    delete_stamps(conn, stamp.municipality, [stamp.year])
    conn.execute(sa.insert(table("check_stamps")),
                 [dict(dataclasses.asdict(stamp), checked_at=dt.datetime.now(dt.timezone.utc))])


def update_context(conn: sa.Connection, municipality: str, year: int, context: str) -> None:
    """A stamp's digest of the documents compared with, brought up to date by the write path
    that changed them and re-checked every scope whose findings the change could alter."""
    t = table("check_stamps")
    conn.execute(sa.update(t).where(t.c.municipality == municipality, t.c.year == year).values(context=context))


def current_contexts(conn: sa.Connection, municipality: str) -> set[int]:
    """The years whose stamp's digest of the documents compared with matches them now."""
    st = {y: s for y, s in stamps(conn, municipality).items() if y is not None}
    if not st:
        return set()
    rows = document_rows(conn, municipality)
    first_years = report_first_years(conn, municipality) if any(s.context_before is not None for s in st.values()) else {}
    return {y for y, s in st.items()
            if context_digest(rows, first_years, after=s.context_after, before=s.context_before,
                              exclude=[r.name for r in scope_rows(rows, y)]) == s.context}


def refresh_contexts(conn: sa.Connection, municipality: str, years: Iterable[int]) -> None:
    """Bring these years' stamps' digests of the documents compared with up to date
    (:func:`update_context`)."""
    years = set(years)
    st = {y: s for y, s in stamps(conn, municipality).items() if y in years}
    if not st:
        return
    rows = document_rows(conn, municipality)
    first_years = report_first_years(conn, municipality) if any(s.context_before is not None for s in st.values()) else {}
    for y, s in sorted(st.items()):
        update_context(conn, municipality, y, context_digest(
            rows, first_years, after=s.context_after, before=s.context_before,
            exclude=[r.name for r in scope_rows(rows, y)]))


def delete_stamps(conn: sa.Connection, municipality: str, years: Iterable[int | None] | None = None) -> None:
    """Forget stamps (in the caller's write transaction): these years' (None in ``years``:
    the whole municipality's), or all the municipality's when ``years`` is None."""
    t = table("check_stamps")
    stmt = sa.delete(t).where(t.c.municipality == municipality)
    if years is not None:
        years = list(years)
        conds = [t.c.year.is_(None) if y is None else t.c.year == y for y in years]
        if not conds:
            return
        stmt = stmt.where(sa.or_(*conds))
    conn.execute(stmt)


def _stored_rows(conn: sa.Connection, municipality: str, year: int | None, document_ids: list[int]) -> list[dict]:
    """A scope's stored findings in the order ``check`` gives them: those stored with its
    documents (read, link, perf: by document, in the order stored), then the rules' in the
    order stored — on its documents (a finding's year may be another: a report's result of the
    year before) or on none of the year, or every one of the municipality for the whole."""
    ft = table("findings")
    out: list[dict] = []
    if document_ids:
        stmt = (sa.select(ft).where(ft.c.document_id.in_(document_ids), ft.c.origin == "read")
                .order_by(ft.c.document_id, ft.c.id))
        out += [dict(r) for r in conn.execute(stmt).mappings()]
    conds = [ft.c.municipality == municipality, ft.c.origin == "rule"]
    if year is not None:
        conds.append(sa.or_(ft.c.document_id.in_(document_ids), sa.and_(ft.c.document_id.is_(None), ft.c.year == year)))
    out += [dict(r) for r in conn.execute(sa.select(ft).where(*conds).order_by(ft.c.id)).mappings()]
    return out


def stored_findings(conn: sa.Connection, municipality: str, year: int | None, document_ids: list[int]) -> list[Finding]:
    """A scope's stored findings (:func:`_stored_rows`) as findings."""
    return [R.finding_from_row(r) for r in _stored_rows(conn, municipality, year, document_ids)]


def stored_digest(conn: sa.Connection, municipality: str, year: int | None, document_ids: list[int]) -> str:
    """A digest of a scope's stored findings rows, every column (their ids too)."""
    return _digest(json.dumps(r, ensure_ascii=False, default=str, sort_keys=True)
                   for r in _stored_rows(conn, municipality, year, document_ids))


class Municipality:
    """What :func:`reusable` reads once for a municipality's scopes: its documents' rows, its
    reports' earliest result years and its stamps (one municipality at a time)."""

    def __init__(self) -> None:
        self.name: str | None = None
        self.rows: list[DocRow] = []
        self.first_years: dict[int, int] | None = None
        self.stamps: dict[int | None, Stamp] = {}

    def of(self, conn: sa.Connection, municipality: str) -> "Municipality":
        if municipality != self.name:
            self.name, self.first_years = municipality, None
            self.rows = document_rows(conn, municipality)
            self.stamps = stamps(conn, municipality)
        return self

    def report_first_years(self, conn: sa.Connection) -> dict[int, int]:
        if self.first_years is None:
            self.first_years = report_first_years(conn, self.name)
        return self.first_years


def reusable(conn: sa.Connection, municipality: str, years: list[int] | None, code: str,
             known: Municipality | None = None) -> tuple[list[str], list[Finding]] | None:
    """The findings of a scope as ``check`` of it would print them (as it printed them when it
    checked them: the stamp's ``output``, the stored findings being still those it stored), with its
    documents' names — or None when it must be checked: no stamp, another code, another set
    of documents (or a row of one changed), other documents to compare with, or stored
    findings that are not those the stamp saw. ``years``: the scope as ``views.scopes``
    gives it (None: the whole municipality; one year; several years are never reused)."""
    if years is not None and len(years) != 1:
        return None
    year = None if years is None else years[0]
    k = (known or Municipality()).of(conn, municipality)
    stamp = k.stamps.get(year)
    if stamp is None or stamp.code != code:
        return None
    rows = scope_rows(k.rows, year)
    if not rows or documents_digest(rows) != stamp.documents:
        return None
    first_years = k.report_first_years(conn) if stamp.context_before is not None else {}
    if context_digest(k.rows, first_years, after=stamp.context_after, before=stamp.context_before,
                      exclude=[r.name for r in rows]) != stamp.context:
        return None
    if stored_digest(conn, municipality, year, [r.id for r in rows]) != stamp.findings:
        return None
    return [r.name for r in rows], from_output(stamp.output)
