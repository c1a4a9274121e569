"""Byte identity of the money listings between two checkouts, on the same database.

``--dump`` fetches a few hundred listing URLs in process (``TestClient``, page cache off)
with whichever ``sijeong`` is on ``PYTHONPATH`` and writes every answer (status, content
type, body) to a file; ``--compare`` reads two such files and names the URLs whose answers
differ (and the first differing bytes). The URLs are drawn from the database: several
municipalities, years and departments, whole municipality-years and municipalities, pages,
sorts (each direction), levels, display units (``?unit=``, which also sets the cookie),
``/revenues``, the ``.json`` twins and ``/api/v1/programs``.

    PYTHONPATH=/work/main/src python bench/listing_identity.py --db sqlite:////tmp/x.db --dump /tmp/main.pickle
    PYTHONPATH=src python bench/listing_identity.py --db sqlite:////tmp/x.db --dump /tmp/branch.pickle
    python bench/listing_identity.py --compare /tmp/main.pickle /tmp/branch.pickle
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
import warnings
from urllib.parse import urlencode


def urls(db: str, n_scopes: int, seed: int) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    with engine.connect() as conn:
        scopes = conn.execute(sa.text("select distinct municipality, year, department from programs "
                                      "where department is not null order by 1, 2, 3")).all()
        rev = conn.execute(sa.text("select distinct municipality, year, department from revenues "
                                   "order by 1, 2, 3")).all()
        # the scopes with open errors first: their badges must come out the same
        bad = conn.execute(sa.text("select distinct municipality, year, department from findings "
                                   "where severity = 'error' order by 1, 2, 3")).all()
    engine.dispose()
    rnd = random.Random(seed)
    picks = [tuple(r) for r in bad] + rnd.sample([tuple(r) for r in scopes], min(n_scopes, len(scopes)))
    out: list[str] = []
    sorts = [None, ("spent", "desc"), ("rate", "asc"), ("name", "asc"), ("budget_total", "desc"), ("bogus", "desc")]
    for i, (m, y, d) in enumerate(picks):
        base = {"municipality": m, "year": y, "department": d}
        variants = [
            {**base, "limit": 50},
            {**base, "limit": 50, "offset": 50},
            {"municipality": m, "year": y, "limit": 50},
            {"municipality": m, "year": y, "limit": 50, "offset": 100},
            {"municipality": m, "limit": 200},
            {**base},
            {**base, "limit": 50, "level": "policy"},
            {**base, "limit": 50, "unit": ["thousand", "million", "won"][i % 3]},
        ]
        s = sorts[i % len(sorts)]
        if s:
            variants.append({**base, "limit": 50, "sort": s[0], "order": s[1]})
            variants.append({"municipality": m, "year": y, "limit": 50, "sort": s[0], "order": s[1]})
        for v in variants:
            q = urlencode({k: val for k, val in v.items() if val is not None})
            out += [f"/programs?{q}", f"/programs.json?{q}"]
        q = urlencode({k: val for k, val in {**base, "limit": 50}.items() if val is not None})
        out.append(f"/api/v1/programs?{q}")
    for m, y, d in [tuple(r) for r in rev][: max(4, n_scopes // 4)]:
        q = urlencode({k: v for k, v in {"municipality": m, "year": y, "department": d, "limit": 50}.items() if v is not None})
        out += [f"/revenues?{q}", f"/revenues.json?{q}", f"/revenues?{q}&sort=received&order=desc"]
    return list(dict.fromkeys(out))


def dump(db: str, path: str, n_scopes: int, seed: int) -> int:
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    app = create_app(Settings(db_url=db))
    answers = {}
    with TestClient(app) as client:
        for u in urls(db, n_scopes, seed):
            client.cookies.clear()
            r = client.get(u)
            answers[u] = (r.status_code, r.headers.get("content-type"), r.content)
    with open(path, "wb") as fh:
        pickle.dump(answers, fh)
    bad = sum(1 for s, _, _ in answers.values() if s != 200)
    print(f"{len(answers)} URLs dumped to {path} ({bad} not 200)")
    return 0


def compare(a: str, b: str) -> int:
    with open(a, "rb") as fh:
        x = pickle.load(fh)
    with open(b, "rb") as fh:
        y = pickle.load(fh)
    differ = 0
    for u in sorted(set(x) | set(y)):
        if x.get(u) != y.get(u):
            differ += 1
            if differ <= 5:
                bx, by = (x.get(u) or (0, 0, b""))[2], (y.get(u) or (0, 0, b""))[2]
                i = next((k for k in range(min(len(bx), len(by))) if bx[k] != by[k]), min(len(bx), len(by)))
                print(f"DIFF {u}\n  a: {bx[max(0, i - 120):i + 120]!r}\n  b: {by[max(0, i - 120):i + 120]!r}")
    print(f"{len(x)} / {len(y)} URLs; {differ} differ; {sum(len(v[2]) for v in x.values())} bytes compared")
    return 1 if differ else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db")
    ap.add_argument("--dump", metavar="FILE")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"))
    ap.add_argument("--scopes", type=int, default=20)
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if not (args.db and args.dump):
        ap.error("--dump FILE needs --db URL")
    return dump(args.db, args.dump, args.scopes, args.seed)


if __name__ == "__main__":
    sys.exit(main())
