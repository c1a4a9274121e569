"""Do two checkouts read the same corpus the same way? (reader speed work, issue 9)

Three steps, each its own process so that each checkout's code is imported alone::

    # 1. a corpus: the shared real documents, bench/layouts.py documents of both families
    #    (clean and with faults from layouts.faults), bench/outsider.py documents, bench/synth.py
    python bench/read_identity.py corpus /tmp/ri/corpus --layouts 10 --faults 1 --outsider 10

    # 2. the full read of every file by each checkout (pipeline.load_text), as canonical JSON
    PYTHONPATH=/work/main/src python bench/read_identity.py dump /tmp/ri/corpus /tmp/ri/main.json
    PYTHONPATH=src            python bench/read_identity.py dump /tmp/ri/corpus /tmp/ri/mine.json

    # 3. the differences (none expected): exit status 1 when any
    python bench/read_identity.py compare /tmp/ri/main.json /tmp/ri/mine.json

The dump is everything ``load_text`` returns: every record (its class and every field,
figures with their sources, in order), tables (header, rows, cells, figures), headings,
findings (as dicts) and coverage, plus the title, year, family and line count. Floats are
written with ``repr`` and Decimals as strings, so a changed last digit is a difference.
Nothing is timed here; see ``docs/benchmarks.md`` ("Reader speed, h/readspeed").
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = Path("/work/shared/documents")


def _canon(obj, seen: set[int] | None = None):
    """A JSON-able image of ``obj``: dataclasses (slots or not) field by field with their class."""
    seen = set() if seen is None else seen
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return {"float": repr(obj)}
    if isinstance(obj, Decimal):
        return {"decimal": str(obj)}
    if isinstance(obj, (list, tuple)):
        return [_canon(x, seen) for x in obj]
    if isinstance(obj, (set, frozenset)):
        return {"set": sorted(json.dumps(_canon(x, seen), ensure_ascii=False, sort_keys=True) for x in obj)}
    if isinstance(obj, dict):
        return {"dict": [[_canon(k, seen), _canon(v, seen)] for k, v in obj.items()]}
    if dataclasses.is_dataclass(obj):
        if id(obj) in seen:  # a cycle: name it, do not follow it
            return {"cycle": type(obj).__name__}
        seen.add(id(obj))
        out = {"__class__": type(obj).__name__}
        for f in dataclasses.fields(obj):
            if f.name == "text" and type(obj).__name__ == "Document":
                continue  # the normalised text itself; its hash and line count are kept
            out[f.name] = _canon(getattr(obj, f.name), seen)
        seen.discard(id(obj))
        return out
    return {"repr": repr(obj)}


def dump(corpus: Path, out: Path) -> None:
    from sijeong.pipeline import load_text

    result = {}
    for path in sorted(p for p in corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = load_text(path.name, text)
        result[str(path.relative_to(corpus))] = _canon(doc)
    out.write_text(json.dumps(result, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(result)} documents read → {out}")


def _diff(a, b, where: str, out: list[str], limit: int = 20) -> None:
    if len(out) >= limit:
        return
    if type(a) is not type(b):
        out.append(f"{where}: {str(a)[:200]!r} != {str(b)[:200]!r}")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{where}.{k}: only in {'second' if k not in a else 'first'}")
            else:
                _diff(a[k], b[k], f"{where}.{k}", out, limit)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{where}: length {len(a)} != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            _diff(x, y, f"{where}[{i}]", out, limit)
    elif a != b:
        out.append(f"{where}: {str(a)[:200]!r} != {str(b)[:200]!r}")


def compare(first: Path, second: Path) -> int:
    a = json.loads(first.read_text(encoding="utf-8"))
    b = json.loads(second.read_text(encoding="utf-8"))
    bad = 0
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            print(f"{name}: only in {'second' if name not in a else 'first'}")
            bad += 1
            continue
        if a[name] == b[name]:
            continue
        bad += 1
        diffs: list[str] = []
        _diff(a[name], b[name], "", diffs)
        print(f"{name}: differs")
        for d in diffs:
            print("   ", d)
    records = sum(len(v.get("records", [])) for v in a.values())
    findings = sum(len(v.get("findings", [])) for v in a.values())
    print(f"{len(a)} / {len(b)} documents ({records} records, {findings} read findings in the first): "
          f"{bad} differ")
    return 1 if bad else 0


def corpus(outdir: Path, n_layouts: int, n_faults: int, n_outsider: int, seed: int) -> None:
    sys.path.insert(0, str(HERE))
    import layouts
    import outsider
    import synth

    outdir.mkdir(parents=True, exist_ok=True)
    written = 0
    if REAL.is_dir():
        for p in sorted(REAL.glob("*.txt")):
            (outdir / "real").mkdir(exist_ok=True)
            (outdir / "real" / p.name).write_bytes(p.read_bytes())
            written += 1
    (outdir / "layouts").mkdir(exist_ok=True)
    for i in range(n_layouts):
        s = seed + i
        for family, make in (("settlement", layouts.settlement), ("plan", layouts.plan)):
            g = make(s)
            (outdir / "layouts" / f"{family}_{s}.txt").write_text(g.text, encoding="utf-8")
            written += 1
            for j, f in enumerate(layouts.faults(g, n_faults) if n_faults else []):
                bad = make(s, fault=f)
                (outdir / "layouts" / f"{family}_{s}_fault{j}.txt").write_text(bad.text, encoding="utf-8")
                written += 1
    if n_outsider:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            outsider.main(["--n", str(n_outsider), "--seed", str(seed), "--write", str(outdir / "outsider")])
        for key in (outdir / "outsider").glob("*.key.json"):
            key.unlink()
        written += n_outsider * 2
    (outdir / "synth").mkdir(exist_ok=True)
    for departments, seed_, misprint in ((6, 1, False), (12, 2, True), (24, 3, False)):
        depts = synth.DEPARTMENTS[:departments]
        report = synth.settlement_report("합성시", 2020, depts, seed_)
        if misprint:
            report, _ = synth.misprint(report)
        name = f"합성시_2020_결산_d{departments}{'m' if misprint else ''}.txt"
        (outdir / "synth" / name).write_text(report, encoding="utf-8")
        plan = synth.work_plan("합성시", 2020, depts, seed_)
        (outdir / "synth" / f"합성시_2020_주요업무계획_d{departments}.txt").write_text(plan, encoding="utf-8")
        written += 2
    print(f"≈ {written} documents under {outdir}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("outdir", type=Path)
    c.add_argument("--layouts", type=int, default=10, help="seeds of bench/layouts.py (each: a report and a plan)")
    c.add_argument("--faults", type=int, default=1, help="faulted variants per layouts document")
    c.add_argument("--outsider", type=int, default=10, help="seeds of bench/outsider.py (each: a report and a plan)")
    c.add_argument("--seed", type=int, default=100)
    d = sub.add_parser("dump")
    d.add_argument("corpus", type=Path)
    d.add_argument("out", type=Path)
    m = sub.add_parser("compare")
    m.add_argument("first", type=Path)
    m.add_argument("second", type=Path)
    a = ap.parse_args(argv)
    if a.cmd == "corpus":
        corpus(a.outdir, a.layouts, a.faults, a.outsider, a.seed)
    elif a.cmd == "dump":
        dump(a.corpus, a.out)
    else:
        return compare(a.first, a.second)
    return 0


if __name__ == "__main__":
    sys.exit(main())
