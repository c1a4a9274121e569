"""Reading speed of each format, and HWPX writing time of the 성과보고서 (issue 15).

For each real document (``../shared/documents/*.txt``; ``samples/*.txt`` when those are
absent) the benchmark makes its CP949, UTF-16 and HWPX versions (HWPX with real tables, by
the builders the format tests use: ``tests/formats/layouts.py`` + ``reports.hwpx.write_blocks``;
a PDF version printed by Chromium with ``--pdf``: pdfminer is slow) and times
``formats.decode`` and the whole ``pipeline.load_path`` of each (median of ``--repeat`` runs,
CPU by ``time.process_time`` and wall). Then it writes the whole FY2020 성과보고서 (every
table of ``sijeong report all``) as HWPX from the real 004, through the same calls as the CLI
(``reports.tables.build`` + ``reports.render``), and times that too.

    .venv/bin/python bench/bench_formats.py [--repeat 3] [--pdf] [--json out.json]

Run it with ``nice -n 10`` on a shared machine; the load average is recorded at start and end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "formats"))

from layouts import blocks_of, html_of, print_pdf  # noqa: E402

from sijeong.formats import decode  # noqa: E402
from sijeong.pipeline import load_path  # noqa: E402
from sijeong.reports import render  # noqa: E402
from sijeong.reports.hwpx import write_blocks  # noqa: E402


def timed(fn, repeat: int) -> dict:
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {"cpu_s": statistics.median(cpu), "wall_s": statistics.median(wall)}


def documents() -> tuple[list[Path], str]:
    real = ROOT.parent / "shared" / "documents"
    found = sorted(real.glob("*.txt")) if real.is_dir() else []
    if found:
        return found, str(real)
    print(f"실제 문서가 없습니다 / no real documents in {real}: using samples/*.txt", file=sys.stderr)
    return sorted((ROOT / "samples").glob("*.txt")), "samples"


def versions(src: Path, tmp: Path, pdf: bool) -> dict[str, Path]:
    """The document in each format, every copy under the original's name (a Source names it)."""
    text = src.read_text(encoding="utf-8")
    out = {"utf-8": src}
    for enc, data in (("cp949", text.encode("cp949", errors="replace")), ("utf-16", text.encode("utf-16"))):
        (tmp / enc).mkdir(exist_ok=True)
        out[enc] = tmp / enc / src.name
        out[enc].write_bytes(data)
    blocks = blocks_of(text)
    (tmp / "hwpx").mkdir(exist_ok=True)
    out["hwpx"] = tmp / "hwpx" / src.name
    c0, w0 = time.process_time(), time.perf_counter()
    write_blocks(blocks, out["hwpx"])
    out["_hwpx_write"] = (time.process_time() - c0, time.perf_counter() - w0)
    if pdf:
        (tmp / "pdf").mkdir(exist_ok=True)
        target = tmp / "pdf" / src.name
        if print_pdf(html_of(blocks), target):
            out["pdf"] = target
        else:
            print("Chromium이 없어 PDF를 건너뜁니다 / no Chromium: PDF skipped", file=sys.stderr)
    return out


def report_hwpx(src: Path, tmp: Path, repeat: int) -> dict:
    """The whole FY2020 성과보고서 as HWPX: what ``sijeong report all --year 2020 --files 004
    -o x.hwpx`` does (load, build every table, render), timed per step."""
    from sijeong.commands.report import ALL_SETTLEMENT, heading
    from sijeong.reports import tables as T

    doc = load_path(src)
    docs = [doc]
    tables = [t for t in (T.build(k, docs, 2020, department=None, municipality=None) for k in ALL_SETTLEMENT) if t.rows]
    for t in tables:
        t.municipality = t.municipality or doc.municipality
    title = heading(tables, municipality=doc.municipality, year=2020, department=None)
    out = tmp / "report-2020.hwpx"
    build = timed(lambda: [T.build(k, docs, 2020, department=None, municipality=None) for k in ALL_SETTLEMENT], repeat)
    write = timed(lambda: render(tables, "hwpx", out, title=title), repeat)
    programs = next((t for t in tables if t.kind == "programs"), None)
    return {"document": src.name, "tables": len(tables), "rows": sum(len(t.rows) for t in tables),
            "programs_rows": len(programs.rows) if programs else None, "bytes": out.stat().st_size,
            "build": build, "write_hwpx": write, "cli": cli_hwpx(src, tmp, repeat)}


def cli_hwpx(src: Path, tmp: Path, repeat: int) -> dict:
    """``sijeong report all --year 2020 --files 004 -o x.hwpx`` as a user runs it: wall time
    of the whole process (start-up, imports, reading 004, every table, HWPX) and its CPU
    (``resource`` children's user+system)."""
    import resource
    import subprocess

    exe = Path(sys.executable).with_name("sijeong")
    out = tmp / "cli-2020.hwpx"
    cpu, wall = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        subprocess.run([str(exe), "report", "all", "--year", "2020", "--files", str(src), "-o", str(out)],
                       check=True, capture_output=True)
        wall.append(time.perf_counter() - w0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"cpu_s": statistics.median(cpu), "wall_s": statistics.median(wall), "bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pdf", action="store_true", help="PDF 판도 읽기 (느림) / also read a PDF version (slow)")
    ap.add_argument("--json", help="결과 JSON 파일 / write the results here")
    args = ap.parse_args(argv)

    result: dict = {"date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                    "loadavg_start": Path("/proc/loadavg").read_text().strip(), "repeat": args.repeat, "reads": []}
    srcs, where = documents()
    result["documents_from"] = where
    with tempfile.TemporaryDirectory(prefix="sijeong-bench-formats-") as t:
        tmp = Path(t)
        for src in srcs:
            vs = versions(src, tmp, args.pdf)
            hw = vs.pop("_hwpx_write")
            for fmt, path in vs.items():
                data = path.read_bytes()
                d = decode(data, name=src.name)
                row = {"document": src.name, "format": fmt, "bytes": len(data), "lines": d.text.count("\n") + 1,
                       "decode": timed(lambda: decode(path.read_bytes(), name=src.name), args.repeat),
                       "load_path": timed(lambda: load_path(path), args.repeat)}
                if fmt == "hwpx":
                    row["built_in"] = {"cpu_s": hw[0], "wall_s": hw[1]}
                result["reads"].append(row)
                print(f"{src.name[:12]:12} {fmt:7} {len(data):>10,} B  decode {row['decode']['cpu_s'] * 1000:8.1f} ms cpu "
                      f"{row['decode']['wall_s'] * 1000:8.1f} ms wall   load_path {row['load_path']['cpu_s'] * 1000:8.1f} ms cpu "
                      f"{row['load_path']['wall_s'] * 1000:8.1f} ms wall", flush=True)
        r004 = next((s for s in srcs if s.name.startswith("004")), None)
        if r004 is None:
            print("004(2020 성과보고서)가 없어 보고서 쓰기를 건너뜁니다 / no 004: report writing skipped", file=sys.stderr)
        else:
            rep = report_hwpx(r004, tmp, args.repeat)
            result["report_hwpx"] = rep
            print(f"성과보고서 2020 전체 HWPX / whole FY2020 report as HWPX: {rep['tables']} tables, {rep['rows']} rows "
                  f"(사업별조서 {rep['programs_rows']}), {rep['bytes']:,} B; build {rep['build']['cpu_s']:.3f} s cpu, "
                  f"write {rep['write_hwpx']['cpu_s']:.3f} s cpu / {rep['write_hwpx']['wall_s']:.3f} s wall; "
                  f"whole CLI {rep['cli']['cpu_s']:.3f} s cpu / {rep['cli']['wall_s']:.3f} s wall")
    result["loadavg_end"] = Path("/proc/loadavg").read_text().strip()
    print(f"load average: start {result['loadavg_start']}, end {result['loadavg_end']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
