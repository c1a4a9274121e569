"""Render the before/after tables of docs/benchmarks.md from two folders of results.

Each folder holds what the command-line benchmarks wrote: ``floor.json`` (``floor.py``),
``ingest_sqlite.json`` / ``ingest_postgres.json`` (``ingest_cli.py``) and ``load.json``
(``load.py``). A missing file or value shows as "—".

    python bench/report.py bench/results/before bench/results/after            # print markdown
    python bench/report.py bench/results/before bench/results/after --update docs/benchmarks.md

``--update`` replaces what lies between ``<!-- bench-report:begin -->`` and
``<!-- bench-report:end -->`` in that file and leaves the rest alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BEGIN, END = "<!-- bench-report:begin -->", "<!-- bench-report:end -->"
DASH = "—"


def load(folder: str | None, name: str) -> dict:
    if not folder:
        return {}
    p = Path(folder) / name
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def get(d: dict, *path, default=None):
    for k in path:
        if isinstance(d, dict) and k in d:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        else:
            return default
    return d


def num(x, fmt: str = "{:,.2f}", suffix: str = "") -> str:
    if x is None or x == "":
        return DASH
    if isinstance(x, (int, float)):
        return fmt.format(x) + suffix
    return str(x)


def secs(x) -> str:
    if x is None:
        return DASH
    if x >= 120:
        return f"{x / 60:,.1f} min"
    return f"{x:,.2f} s"


def change(b, a, lower_is_better: bool = True) -> str:
    if not isinstance(b, (int, float)) or not isinstance(a, (int, float)) or not b or not a:
        return DASH
    r = b / a if lower_is_better else a / b
    return f"{r:,.1f}× better" if r >= 1.05 else f"{1 / r:,.1f}× worse" if r <= 1 / 1.05 else "≈ same"


def verdict(ok: bool | None) -> str:
    return DASH if ok is None else ("met" if ok else "**not met**")


def side_line(label: str, data: dict) -> str:
    if not data:
        return f"- **{label}**: not measured"
    c, la = data.get("checkout", {}), data.get("load_average", {})
    commit = (c.get("commit") or "?")[:10]
    code = (c.get("code_commit") or "")[:10]
    code = f", code of `{code}`" if code and code != commit else ""
    return (f"- **{label}**: commit `{commit}` ({c.get('branch', '?')}{code}), {get(data, 'machine', 'date_utc')} UTC, "
            f"load average (1 min) mean {la.get('mean_1min', DASH)}, max {la.get('max_1min', DASH)}")


def floor_section(b: dict, a: dict) -> list[str]:
    out = ["### Ingest against the floor (`bench/floor.py`)", ""]
    if not b and not a:
        return out + ["not measured", ""]
    for label, d in (("before", b), ("after", a)):
        out.append(side_line(label, d))
    out += ["", "| document | lines / numbers | floor process (wall) | `sijeong ingest`, fresh DB (wall) | ratio before | ratio after | "
            "ingest CPU ÷ floor CPU (before / after) | reading in process ÷ floor in process (before / after) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    docs = {d["label"]: d for d in b.get("documents", [])}
    adocs = {d["label"]: d for d in a.get("documents", [])}
    for label in list(docs) + [k for k in adocs if k not in docs]:
        x, y = docs.get(label, {}), adocs.get(label, {})
        ref = x or y
        out.append(
            f"| {label} | {num(ref.get('lines'), '{:,}')} / {num(ref.get('numbers'), '{:,}')} "
            f"| {secs(get(x, 'floor_process', 'wall_median'))} / {secs(get(y, 'floor_process', 'wall_median'))} "
            f"| {secs(get(x, 'ingest_fresh', 'wall_median'))} / {secs(get(y, 'ingest_fresh', 'wall_median'))} "
            f"| {num(get(x, 'ratio', 'ingest_fresh_vs_floor'), '{:,.1f}×')} | {num(get(y, 'ratio', 'ingest_fresh_vs_floor'), '{:,.1f}×')} "
            f"| {num(get(x, 'ratio', 'ingest_fresh_cpu_vs_floor_cpu'), '{:,.1f}×')} / {num(get(y, 'ratio', 'ingest_fresh_cpu_vs_floor_cpu'), '{:,.1f}×')} "
            f"| {num(get(x, 'ratio', 'read_vs_floor_in_process'), '{:,.0f}×')} / {num(get(y, 'ratio', 'read_vs_floor_in_process'), '{:,.0f}×')} |")
    real = next((d for d in a.get("documents", []) if "004" in d.get("label", "")), None)
    target = get(real, "ratio", "ingest_fresh_vs_floor") if real else None
    target_cpu = get(real, "ratio", "ingest_fresh_cpu_vs_floor_cpu") if real else None
    out += ["", f"Per-call fixed cost (tiny document, up-to-date DB): before {secs(get(b, 'fixed_ingest_tiny', 'wall_median'))}, "
            f"after {secs(get(a, 'fixed_ingest_tiny', 'wall_median'))}; Python start-up alone "
            f"{secs(get(b, 'python_start', 'wall_median'))} / {secs(get(a, 'python_start', 'wall_median'))}.",
            f"Target *ingest within 10× of the floor* (real report, after): wall {num(target, '{:,.1f}×')} "
            f"{verdict(None if target is None else target <= 10)}; CPU {num(target_cpu, '{:,.1f}×')} "
            f"{verdict(None if target_cpu is None else target_cpu <= 10)} (the wall ratio of such short runs swings with "
            f"the machine's load; the CPU ratio does not).", ""]
    return out


def ingest_rows(b: dict, a: dict) -> list[str]:
    def row(label, f, fmt=secs, lower=True):
        x, y = f(b), f(a)
        if fmt is str:
            fmt = lambda v: DASH if v is None else str(v)  # noqa: E731
        return f"| {label} | {fmt(x)} | {fmt(y)} | {change(x, y, lower) if fmt is secs else ''} |"

    out = ["| | before | after | |", "| --- | --- | --- | --- |"]
    scale = lambda d: (f"{get(d, 'scale', 'cities')} × {get(d, 'scale', 'years')} ({get(d, 'ingest', 'documents')} documents"  # noqa: E731
                       f"{'' if get(d, 'ingest', 'complete') else ', INCOMPLETE'})") if d else None
    mode = lambda d: (f"{get(d, 'ingest', 'mode')}, {get(d, 'ingest', 'calls')} calls"  # noqa: E731
                      + (f", --jobs {get(d, 'ingest', 'jobs')}" if get(d, "ingest", "jobs") else "")) if d else None
    out += [row("scale", scale, str), row("mode", mode, str),
            row("ingest, wall", lambda d: get(d, "ingest", "wall")),
            row("ingest, CPU of the sijeong processes", lambda d: get(d, "ingest", "cpu")),
            row("per call, median", lambda d: get(d, "ingest", "per_call", "median")),
            row("fixed cost per call (tiny document, up-to-date DB)", lambda d: get(d, "fixed", "ingest_tiny", "wall_median")),
            row("first call on an empty database (migrates)", lambda d: get(d, "fixed", "ingest_tiny_first", "wall")),
            row("`sijeong --help`", lambda d: get(d, "fixed", "sijeong_help", "wall_median")),
            row("`sijeong ingest --help`", lambda d: get(d, "fixed", "ingest_help", "wall_median")),
            row("per document (wall − calls × fixed) ÷ documents", lambda d: get(d, "extrapolation_243x10", "per_document_s")),
            row("per document, CPU", lambda d: get(d, "extrapolation_243x10", "per_document_cpu_s")),
            row("fixed share of the wall", lambda d: get(d, "extrapolation_243x10", "fixed_share"), lambda x: num(x, "{:.0%}")),
            row("`sijeong check`, whole database", lambda d: get(d, "check", "wall")),
            row("`sijeong check` peak memory", lambda d: get(d, "check", "max_rss_mb"), lambda x: num(x, "{:,.0f} MiB")),
            row("database size", lambda d: get(d, "database", "bytes"), lambda x: num(x and x / 2**20, "{:,.0f} MiB")),
            row("failed calls", lambda d: len(get(d, "ingest", "failures", default=[])) if d else None, lambda x: num(x, "{}")),
            row("**243 × 10 ingest, extrapolated**", lambda d: get(d, "extrapolation_243x10", "ingest_s")),
            row("**243 × 10 check, extrapolated**", lambda d: get(d, "extrapolation_243x10", "check_s")),
            row("243 × 10 ingest, CPU seconds (extrapolated)", lambda d: get(d, "extrapolation_243x10", "ingest_cpu_s")),
            row("243 × 10 check, CPU seconds (extrapolated)", lambda d: get(d, "extrapolation_243x10", "check_cpu_s"))]
    return out


def ingest_section(b: dict, a: dict, backend: str, option: str) -> list[str]:
    out = [f"### Municipalities × years on {backend} (`bench/ingest_cli.py --backend {option}`)", ""]
    if not b and not a:
        return out + ["not measured", ""]
    for label, d in (("before", b), ("after", a)):
        out.append(side_line(label, d))
    out += [""] + ingest_rows(b, a)
    ext = get(a, "extrapolation_243x10") or {}
    out += ["", f"Targets (after): 243 × 10 ingested in under 10 min: "
            f"{verdict(None if 'ingest_s' not in ext else ext['ingest_s'] < 600)}; checked in under 60 s: "
            f"{verdict(None if 'check_s' not in ext else ext['check_s'] < 60)}.", ""]
    return out


def load_section(b: dict, a: dict) -> list[str]:
    out = ["### 32 clients on the national database (`bench/load.py`)", ""]
    if not b and not a:
        return out + ["not measured", ""]
    for label, d in (("before", b), ("after", a)):
        out.append(side_line(label, d))
    settings = b.get("settings") or a.get("settings") or {}
    out += ["", f"{settings.get('clients', DASH)} clients, at most {settings.get('requests', DASH)} requests or "
            f"{settings.get('seconds', DASH)} s per endpoint; SQLite file of "
            f"{num(get(b or a, 'database', 'bytes', default=0) / 2**20, '{:,.0f}')} MiB. Milliseconds.", "",
            "| server | endpoint | p50 before / after | p95 before / after | p99 before / after | requests/s before / after | errors of requests, before / after |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    servers = list(b.get("servers", {})) + [s for s in a.get("servers", {}) if s not in b.get("servers", {})]
    for s in servers:
        eps = list(get(b, "servers", s, "endpoints", default={}) or {}) + [
            e for e in (get(a, "servers", s, "endpoints", default={}) or {}) if e not in (get(b, "servers", s, "endpoints", default={}) or {})]
        for e in eps:
            x, y = get(b, "servers", s, "endpoints", e, default={}), get(a, "servers", s, "endpoints", e, default={})

            def errs(r):
                return f"{r['errors']:,} of {r['requests']:,}" if r else DASH

            def pair(key, fmt="{:,.1f}"):
                return f"{num(x.get(key), fmt)} / {num(y.get(key), fmt)}"
            out.append(f"| {s} | {e} | {pair('p50_ms')} | {pair('p95_ms')} | {pair('p99_ms')} | {pair('throughput_rps')} "
                       f"| {errs(x)} / {errs(y)} |")
    # the targets, on the after side
    p95 = lambda srv, ep: get(a, "servers", srv, "endpoints", ep, "p95_ms")  # noqa: E731
    ours = [v for v in (p95(s, "listing") for s in a.get("servers", {}) if s.startswith("sijeong")) if v is not None]
    best = min(ours) if ours else None
    ds = [p95("datasette", "listing"), p95("datasette suggest_facets off", "listing")]
    errors = sum(get(v, "errors", default=0) for srv in a.get("servers", {}).values() for v in srv["endpoints"].values()) if a else None
    api = [v for v in (p95(s, "api_listing") for s in a.get("servers", {}) if s.startswith("sijeong")) if v is not None]
    best_api = min(api) if api else None
    out += ["", f"Targets (after; the best sijeong configuration, HTML listing — the API listing, JSON like Datasette's, "
            f"had a p95 of {num(best_api, '{:,.1f} ms')}): listing p95 ≤ 50 ms: {verdict(None if best is None else best <= 50)} "
            f"({num(best, '{:,.1f} ms')}); at most Datasette's p95 with facet suggestions "
            f"({num(ds[0], '{:,.1f} ms')}): {verdict(None if best is None or ds[0] is None else best <= ds[0])}, "
            f"without ({num(ds[1], '{:,.1f} ms')}): {verdict(None if best is None or ds[1] is None else best <= ds[1])}; "
            f"0 errors: {verdict(None if errors is None else errors == 0)} ({num(errors, '{:,}')}).", ""]
    return out


def render(before: str, after: str | None) -> str:
    lines = [f"_Rendered by `python bench/report.py {before} {after or ''}`._", ""]
    lines += floor_section(load(before, "floor.json"), load(after, "floor.json"))
    lines += ingest_section(load(before, "ingest_sqlite.json"), load(after, "ingest_sqlite.json"), "SQLite", "sqlite")
    lines += ingest_section(load(before, "ingest_postgres.json"), load(after, "ingest_postgres.json"), "PostgreSQL", "postgres")
    lines += load_section(load(before, "load.json"), load(after, "load.json"))
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after", nargs="?")
    ap.add_argument("--update", help="the markdown file whose marked section to replace")
    args = ap.parse_args(argv)
    text = render(args.before, args.after)
    if args.update:
        p = Path(args.update)
        doc = p.read_text(encoding="utf-8")
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"{p}: {BEGIN} … {END} 없음 / markers missing")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        p.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")
        print(f"→ {p}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
