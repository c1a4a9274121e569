"""Compare every row two SQLite databases hold (e.g. the same documents ingested by two
checkouts): ``python bench/store_identity.py A.db B.db [--ignore-ids]``.

Each table's rows are compared in primary-key order, every column, except the columns that
hold the time of the write (``loaded_at``, ``at``, ``created_at``, ...: any column whose name
ends in ``_at`` or is ``at``) and the FTS5 shadow tables (their content follows from
``search_index``'s). With ``--ignore-ids`` the integer ``id`` columns are left out and the
rows compared as sorted lists, with every reference to another row's id (``document_id``,
``record_id``, ``entity_id``) replaced by that row's (name, municipality) or (table, doc_order)
— for stores whose ids may differ. Exit status 1 on any difference; prints a short report.
Standard library only.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys


def _tables(c: sqlite3.Connection) -> list[str]:
    return [n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if not n.startswith("search_fts") and not n.startswith("sqlite_")]


def _columns(c: sqlite3.Connection, t: str) -> list[str]:
    return [r[1] for r in c.execute(f'PRAGMA table_info("{t}")')]


def _rows(c: sqlite3.Connection, t: str, ignore_ids: bool) -> tuple[list[str], list[tuple]]:
    cols = [x for x in _columns(c, t) if not (x == "at" or x.endswith("_at"))]
    order = "rowid" if "id" not in cols else "id"
    try:
        rows = c.execute(f'SELECT {", ".join(chr(34) + x + chr(34) for x in cols)} FROM "{t}" ORDER BY {order}').fetchall()
    except sqlite3.OperationalError:  # WITHOUT ROWID
        rows = sorted(c.execute(f'SELECT {", ".join(chr(34) + x + chr(34) for x in cols)} FROM "{t}"').fetchall(), key=repr)
    if not ignore_ids:
        return cols, rows
    docs = {i: (n, m) for i, n, m in c.execute("SELECT id, name, municipality FROM documents")}
    keep = [i for i, x in enumerate(cols) if x != "id"]
    out = []
    for r in rows:
        r = list(r)
        for i, x in enumerate(cols):
            if x == "document_id" and r[i] is not None:
                r[i] = docs.get(r[i], ("?", r[i]))
        if t == "search_index":
            kind_i, rid_i = cols.index("kind"), cols.index("record_id")
            from_table = _record_table_of(c, r[kind_i])
            o = c.execute(f'SELECT doc_order FROM "{from_table}" WHERE id = ?', (r[rid_i],)).fetchone()
            r[rid_i] = (from_table, o[0] if o else None)
        out.append(tuple(repr(r[i]) for i in keep))
    return [cols[i] for i in keep], sorted(out)


def _record_table_of(c: sqlite3.Connection, kind: str) -> str:
    for cand in (kind + "s", kind[:-1] + "ies", kind + "es"):
        if c.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (cand,)).fetchone():
            return cand
    return kind


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--ignore-ids", action="store_true")
    args = ap.parse_args()
    ca, cb = sqlite3.connect(args.a), sqlite3.connect(args.b)
    ta, tb = _tables(ca), _tables(cb)
    bad = 0
    if ta != tb:
        print("tables differ:", sorted(set(ta) ^ set(tb)))
        bad += 1
    total = 0
    for t in sorted(set(ta) & set(tb)):
        cols_a, ra = _rows(ca, t, args.ignore_ids)
        cols_b, rb = _rows(cb, t, args.ignore_ids)
        total += len(ra)
        if cols_a != cols_b:
            print(f"{t}: columns differ: {cols_a} / {cols_b}")
            bad += 1
            continue
        if ra != rb:
            bad += 1
            n = next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra), len(rb)))
            print(f"{t}: {len(ra)} / {len(rb)} rows; first difference at row {n}")
            if n < len(ra) and n < len(rb):
                for col, x, y in zip(cols_a, ra[n], rb[n]):
                    if x != y:
                        x, y = str(x), str(y)
                        k = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
                        print(f"  {col} at character {k}: …{x[max(0, k - 60):k + 60]!r} / …{y[max(0, k - 60):k + 60]!r}")
    print(f"{len(ta)} tables, {total} rows compared: {'the same' if not bad else f'{bad} tables differ'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
