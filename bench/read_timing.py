"""CPU seconds of reading, in one process, for comparing two checkouts (docs/benchmarks.md,
"Reader speed, h/readspeed"). Run it with each checkout's ``src`` first on ``PYTHONPATH``,
alternately, and compare medians; print one JSON line.

    # a fresh process per file: import, first read, then ROUNDS of one warm read and one
    # floor pass (bench/floor.py's floor_pass) alternately — medians of both
    PYTHONPATH=src python bench/read_timing.py file /work/shared/documents/004*.txt --rounds 5

    # batch-like: read the documents whose name starts with 00_ first (warm-up), then every
    # other document once, as a batch ingest does; CPU per document by folder and family
    PYTHONPATH=src python bench/read_timing.py batch DIR

Reading the same text again in one process is not what an ingest does (the readers cache
a text's lines and its tokens' parses): ``batch`` reads every document once.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _floor_pass():
    sys.path.insert(0, str(HERE))
    saved, sys.argv = sys.argv, ["floor"]
    try:
        import floor
    finally:
        sys.argv = saved
    return floor.floor_pass


def one_file(path: str, rounds: int) -> dict:
    t0 = time.process_time()
    from sijeong.pipeline import load_text

    imported = time.process_time() - t0
    floor_pass = _floor_pass()
    name, text = os.path.basename(path), Path(path).read_text(encoding="utf-8")
    t = time.process_time()
    load_text(name, text)
    first = time.process_time() - t
    floor_pass(path)
    reads, floors = [], []
    for _ in range(rounds):
        t = time.process_time()
        load_text(name, text)
        reads.append(time.process_time() - t)
        t = time.process_time()
        floor_pass(path)
        floors.append(time.process_time() - t)
    return {"file": name, "import": imported, "first": first, "warm": statistics.median(reads),
            "floor": statistics.median(floors), "load": os.getloadavg()[0]}


def batch(root: str) -> dict:
    from sijeong.pipeline import load_text

    files = sorted(glob.glob(os.path.join(root, "**", "*.txt"), recursive=True))
    warm = [f for f in files if os.path.basename(f).startswith("00_")]
    texts = {f: Path(f).read_text(encoding="utf-8") for f in files}
    for f in warm:
        load_text(os.path.basename(f), texts[f])
    groups: dict[str, list[float]] = {}
    for f in files:
        if f in warm:
            continue
        report = "결산" in f or "settlement" in f or "report" in f
        group = f"{os.path.basename(os.path.dirname(f))}/{'report' if report else 'plan'}"
        t = time.process_time()
        load_text(os.path.basename(f), texts[f])
        groups.setdefault(group, []).append(time.process_time() - t)
    return {**{g: {"n": len(v), "cpu": round(sum(v), 3), "per_doc": round(sum(v) / len(v), 4)}
               for g, v in sorted(groups.items())}, "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("file")
    f.add_argument("path")
    f.add_argument("--rounds", type=int, default=5)
    b = sub.add_parser("batch")
    b.add_argument("root")
    a = ap.parse_args(argv)
    print(json.dumps(one_file(a.path, a.rounds) if a.cmd == "file" else batch(a.root), ensure_ascii=False))


if __name__ == "__main__":
    main()
