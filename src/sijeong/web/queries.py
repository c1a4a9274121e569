"""The pages' own queries: SQLAlchemy Core over the store's tables.

Every query is filtered by municipality / year / department and paged or aggregated in
SQL; no page loads a whole table. Rows come back as dicts (JSON columns decoded).
"""

from __future__ import annotations

import hashlib
import json
import time
import weakref
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..formats import FormatError, decode
from ..model.names import PAGE_LINK, match_name
from ..readers.text import normalise_text
from .tables import Tables, as_dict, col, has

RECORD_TABLES = ("indicators", "programs", "revenues", "plan_tasks", "policy_goals", "department_summaries")
GRADE_ORDER = ("◎", "○", "×")
SEVERITY_ORDER = ("error", "warning", "info")
MAX_SOURCE_ROWS = 2000
#: the largest id or offset the databases take (SQLite integer, PostgreSQL bigint)
MAX_INT = 2**63 - 1


def _scope(t: sa.Table, municipality: str | None, year: int | None, department: str | None = None) -> list:
    conds = []
    if municipality is not None and has(t, "municipality"):
        conds.append(t.c.municipality == municipality)
    if year is not None and has(t, "year"):
        conds.append(t.c.year == year)
    if department and has(t, "department"):
        conds.append(t.c.department == department)
    return conds


#: how long a list of municipalities is trusted without being read again (seconds)
MUNICIPALITIES_TTL = 60.0
#: Tables (one per app) -> (when read, the documents' stamp then, the names)
_municipalities_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _documents_stamp(conn: Connection, t: sa.Table) -> tuple | None:
    """(id, loaded_at) of the newest document row — one probe of the primary key, never a
    scan: moves when a document is saved (every save inserts a row) or the last one is
    deleted. SQLite gives a new row the id of a deleted last row (no AUTOINCREMENT), so the
    id alone could stay the same across a delete and a save; its ``loaded_at`` does not. A
    delete of an older document is seen when the ttl ends."""
    if not has(t, "id"):
        return None
    newest = sa.select(sa.func.max(t.c.id)).scalar_subquery()
    row = conn.execute(sa.select(t.c.id, col(t, "loaded_at")).where(t.c.id == newest)).first()
    return tuple(row) if row is not None else None


def municipalities(conn: Connection, T: Tables, *, ttl: float = MUNICIPALITIES_TTL) -> list[str]:
    """The municipalities with a stored document, sorted. Every record belongs to a document
    of its municipality, so ``documents`` alone answers (``SELECT DISTINCT`` through
    ix_documents_dims). Called for every request without ``?municipality=`` (once, on the
    request's connection: ``deps.default_municipality``), so the list is kept per app (per
    ``Tables``) and read again when the documents' stamp moves (the newest row's id and
    ``loaded_at``: one primary-key probe) or after ``ttl`` seconds."""
    t = T["documents"]
    if t is None or not has(t, "municipality"):
        return []
    stamp = _documents_stamp(conn, t)
    now = time.monotonic()
    cached = _municipalities_cache.get(T)
    if cached is not None and cached[1] == stamp and stamp is not None and now - cached[0] < ttl:
        return list(cached[2])
    names = sorted(r[0] for r in conn.execute(sa.select(t.c.municipality).distinct()) if r[0])
    _municipalities_cache[T] = (now, stamp, names)
    return list(names)


def years(conn: Connection, T: Tables, municipality: str, tables: Iterable[str] = RECORD_TABLES) -> list[int]:
    found: set[int] = set()
    for name in tables:
        t = T[name]
        if has(t, "year"):
            q = sa.select(t.c.year).where(*_scope(t, municipality, None)).distinct()
            found.update(r[0] for r in conn.execute(q) if r[0] is not None)
    return sorted(found, reverse=True)


def latest_year(conn: Connection, T: Tables, municipality: str) -> int | None:
    """The latest year with performance or settlement data, else the latest year of any record."""
    best = years(conn, T, municipality, ("indicators", "programs", "revenues"))
    if best:
        return best[0]
    any_year = years(conn, T, municipality)
    return any_year[0] if any_year else None


#: the tables a department is named in: the department list and a department's page both read these
DEPARTMENT_TABLES = ("departments", *RECORD_TABLES)


def departments(conn: Connection, T: Tables, municipality: str, year: int | None) -> list[str]:
    names: set[str] = set()
    for name in DEPARTMENT_TABLES:
        t = T[name]
        if has(t, "department"):
            q = sa.select(t.c.department).where(*_scope(t, municipality, year)).distinct()
            names.update(r[0] for r in conn.execute(q) if r[0])
    return sorted(names)


def department_years(conn: Connection, T: Tables, municipality: str, department: str) -> tuple[list[int], bool]:
    """(the years in which ``department`` is named, latest first; whether it is also named in
    a document without a year), over the same tables as :func:`departments` — so every name
    that list gives has a page."""
    found: set[int] = set()
    undated = False
    for name in DEPARTMENT_TABLES:
        t = T[name]
        if has(t, "department") and has(t, "year"):
            q = sa.select(t.c.year).where(*_scope(t, municipality, None, department)).distinct()
            for (y,) in conn.execute(q):
                if y is None:
                    undated = True
                else:
                    found.add(y)
    return sorted(found, reverse=True), undated


def page(conn: Connection, T: Tables, table: str, *, municipality: str | None, year: int | None = None,
         department: str | None = None, where: Iterable[Any] = (), order_by: Iterable[Any] = (),
         limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """One page of a record table and the total count under the same filters."""
    t = T[table]
    if t is None:
        return [], 0
    conds = _scope(t, municipality, year, department) + list(where)
    offset = min(offset, MAX_INT)  # past any table's end; a larger number overflows the driver
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    order = list(order_by) or [t.c.id]
    rows = conn.execute(sa.select(t).where(*conds).order_by(*order).limit(limit).offset(offset))
    return [as_dict(r) for r in rows], int(total)


def one(conn: Connection, T: Tables, table: str, row_id: int) -> dict | None:
    t = T[table]
    if t is None or not 0 < row_id <= MAX_INT:  # no such id; a larger one overflows the driver
        return None
    r = conn.execute(sa.select(t).where(t.c.id == row_id)).first()
    return as_dict(r) if r else None


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


# --- dashboard --------------------------------------------------------------------------


def effective_grade(t: sa.Table) -> Any:
    return sa.func.coalesce(col(t, "grade"), col(t, "grade_computed"))


def grade_counts(conn: Connection, T: Tables, municipality: str, year: int, department: str | None = None) -> list[dict]:
    """Per department: counts of ◎/○/× (the reported grade, else the computed one)."""
    t = T["indicators"]
    if t is None:
        return []
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


def execution_by_department(conn: Connection, T: Tables, municipality: str, year: int) -> list[dict]:
    """예산현액 and 지출액 by department: the department's printed total line of 사업별조서
    (level ``total``) when there is one, else the sum of its policy-level programs, else the
    sum of its top-level programs. ``row`` holds the printed line; sums carry their sources."""
    t = T["programs"]
    if t is None:
        return []
    base = _scope(t, municipality, year)
    out: dict[str, dict] = {}
    totals = conn.execute(sa.select(t).where(*base, col(t, "level") == "total").order_by(t.c.department, t.c.id).limit(500))
    for r in totals:
        d = as_dict(r)
        if d["department"] in out:
            continue
        out[d["department"]] = {"department": d["department"], "current_budget": d.get("current_budget"),
                                "spent": d.get("spent"), "row": d,
                                "sources": {d["source_doc"]: {d["source_line"]}}}
    for level_cond in (col(t, "level") == "policy", sa.and_(col(t, "parent").is_(None), col(t, "level") != "total")):
        conds = base + [level_cond]
        if out:
            conds.append(t.c.department.not_in(list(out)))
        q = (sa.select(t.c.department, sa.func.sum(col(t, "current_budget")), sa.func.sum(col(t, "spent")))
             .where(*conds).group_by(t.c.department))
        src = sources(conn, t, conds, t.c.department)
        for dept, cur, spent in conn.execute(q):
            out[dept] = {"department": dept, "current_budget": None if cur is None else int(cur),
                         "spent": None if spent is None else int(spent), "row": None, "sources": src.get(dept, {})}
    for e in out.values():
        cur, spent = e["current_budget"], e["spent"]
        e["rate"] = spent * 100.0 / cur if cur and spent is not None else None
    return [out[k] for k in sorted(out, key=lambda x: x or "")]


def missed_indicators(conn: Connection, T: Tables, municipality: str, year: int, *, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """Indicators graded × with their policy goal's 예산액/결산액 (the money spent on them)."""
    t = T["indicators"]
    if t is None:
        return [], 0
    rows, total = page(conn, T, "indicators", municipality=municipality, year=year,
                       where=[effective_grade(t) == "×"], order_by=[t.c.department, t.c.id], limit=limit, offset=offset)
    for r in rows:
        r["goal"] = policy_goal_of(conn, T, r)
    return rows, total


def policy_goal_of(conn: Connection, T: Tables, indicator: dict) -> dict | None:
    g = T["policy_goals"]
    if g is None or not indicator.get("policy_goal"):
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


def finding_counts(conn: Connection, T: Tables, municipality: str, year: int | None) -> dict[str, int]:
    t = T["findings"]
    if t is None:
        return {}
    conds = _scope(t, municipality, year)
    q = sa.select(t.c.severity, sa.func.count()).where(*conds).group_by(t.c.severity)
    return {s: n for s, n in conn.execute(q)}


def department_summaries(conn: Connection, T: Tables, municipality: str, year: int) -> list[dict]:
    t = T["department_summaries"]
    if t is None:
        return []
    rows, _ = page(conn, T, "department_summaries", municipality=municipality, year=year,
                   order_by=[t.c.department, t.c.id], limit=200)
    named = [r for r in rows if not r.get("is_total")]
    return named or rows


def rate_changes(conn: Connection, T: Tables, municipality: str, year: int, previous: int, *, limit: int = 100) -> list[dict]:
    """Indicators printed for both years (same department and name): rate this year vs the previous."""
    t = T["indicators"]
    if t is None:
        return []
    prev = t.alias("prev")
    q = (
        sa.select(t, prev.c.rate.label("prev_rate"), prev.c.id.label("prev_id"), prev.c.figures.label("prev_figures"),
                  prev.c.source_doc.label("prev_source_doc"), prev.c.source_line.label("prev_source_line"))
        .join(prev, sa.and_(prev.c.municipality == t.c.municipality, prev.c.department == t.c.department,
                            prev.c.name == t.c.name, prev.c.year == previous))
        .where(*_scope(t, municipality, year)).order_by(t.c.department, t.c.id).limit(limit)
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


# --- department, indicator ---------------------------------------------------------------


def indicator_history(conn: Connection, T: Tables, indicator: dict) -> list[dict]:
    t = T["indicators"]
    conds = _scope(t, indicator.get("municipality"), None, indicator.get("department")) + [t.c.name == indicator["name"]]
    rows = conn.execute(sa.select(t).where(*conds).order_by(t.c.year, t.c.id).limit(100))
    return [as_dict(r) for r in rows]


def programs_for_goal(conn: Connection, T: Tables, goal: dict | None, *, limit: int = 100) -> list[dict]:
    """The programs serving a policy goal: the department's policy-level program the reader
    linked it to (``program``), then that program's unit and detail programs. A goal stored
    without the link falls back to the policy program whose 예산현액 equals the goal's 예산액
    (or 지출액 its 결산액)."""
    t = T["programs"]
    if t is None or goal is None:
        return []
    conds = _scope(t, goal.get("municipality"), goal.get("year"), goal.get("department"))
    policy = [*conds, col(t, "level") == "policy"]
    if goal.get("program"):
        same_doc = [t.c.source_doc != goal["source_doc"]] if goal.get("source_doc") and has(t, "source_doc") else []
        q = sa.select(t).where(*policy, t.c.name == goal["program"]).order_by(*same_doc, t.c.id)
        top = conn.execute(q.limit(1)).first()
    else:
        money = []
        if goal.get("budget") is not None:
            money.append(col(t, "current_budget") == goal["budget"])
        if goal.get("settled") is not None:
            money.append(col(t, "spent") == goal["settled"])
        if not money:
            return []
        top = conn.execute(sa.select(t).where(*policy, sa.or_(*money)).limit(1)).first()
    if top is None:
        return []
    top = as_dict(top)
    out = [top]
    parents = [top["name"]]
    for _ in range(2):  # unit, then detail
        if not parents or not has(t, "parent"):
            break
        kids = [as_dict(r) for r in conn.execute(
            sa.select(t).where(*conds, t.c.parent.in_(parents)).order_by(col(t, "position"), t.c.id).limit(limit))]
        out.extend(kids)
        parents = [k["name"] for k in kids]
    order = {id(r): i for i, r in enumerate(out)}
    return sorted(out, key=lambda r: (r.get("position") or 0, order[id(r)]))[:limit]


def narratives_about(conn: Connection, T: Tables, *, municipality: str, year: int | None, department: str | None,
                     about_name: str, limit: int = 5) -> list[dict]:
    t = T["narratives"]
    if t is None:
        return []
    conds = _scope(t, municipality, year, department) + [col(t, "about_name") == about_name]
    return [as_dict(r) for r in conn.execute(sa.select(t).where(*conds).order_by(t.c.id).limit(limit))]


# --- documents --------------------------------------------------------------------------


def document(conn: Connection, T: Tables, name: str, municipality: str | None = None) -> dict | None:
    """The document of that name (of that municipality when given)."""
    t = T["documents"]
    if t is None:
        return None
    conds = [t.c.name == name] + ([t.c.municipality == municipality] if municipality else [])
    r = conn.execute(sa.select(t).where(*conds).order_by(t.c.id).limit(1)).first()
    return as_dict(r) if r else None


def document_municipalities(conn: Connection, T: Tables, name: str) -> list[str]:
    """Every municipality that has a document of that name (names are unique per municipality)."""
    t = T["documents"]
    if t is None:
        return []
    rows = conn.execute(sa.select(t.c.municipality).where(t.c.name == name).order_by(t.c.municipality).limit(50))
    return [r[0] for r in rows]


def document_text(conn: Connection, T: Tables, doc: dict, search_dirs: Iterable[Path] = ()) -> str | None:
    """The normalised text the readers read (so line *n* is the line findings and figures
    name): the stored text of the document, from the ``document_texts`` table; for a database
    saved without it, the original file at the recorded path or in one of ``search_dirs``,
    decoded as ingest decodes it (:func:`sijeong.formats.decode`: UTF-8, UTF-16, CP949, HWPX,
    HWP, PDF) and used only when the decoded text's sha256 is the stored one."""
    if doc.get("text"):
        return doc["text"]
    tt = T["document_texts"]
    if tt is not None and has(tt, "text"):
        key = tt.c.document_id == doc["id"] if has(tt, "document_id") else tt.c.name == doc["name"]
        r = conn.execute(sa.select(tt.c.text).where(key).limit(1)).first()
        if r and r[0]:
            return r[0]
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


def documents(conn: Connection, T: Tables, municipality: str | None, *, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
    t = T["documents"]
    if t is None:
        return [], 0
    cols = [c for c in t.c if c.name != "text"]
    conds = _scope(t, municipality, None)
    total = conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    rows = conn.execute(sa.select(*cols).where(*conds).order_by(t.c.name).limit(limit).offset(offset))
    return [as_dict(r) for r in rows], int(total)
