"""What the command-line benchmarks share (standard library only).

The benchmarks ``ingest_cli.py``, ``floor.py`` and ``load.py`` drive a *checkout* of sijeong
(a path to a repository with its ``.venv``) from the outside, through its installed
``sijeong`` command, so the same script measures the code before and after a change. They
need nothing but the standard library (run them with any Python ≥ 3.11, e.g. the checkout's
``.venv/bin/python``) and write one JSON file each; ``report.py`` turns two sets of them into
the before/after tables of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synth import DEPARTMENTS, city_name, settlement_report, work_plan  # noqa: E402

PG_HOST = os.environ.get("SIJEONG_BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("SIJEONG_BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("SIJEONG_BENCH_PG_USER", "postgres")


# --- the checkout ---------------------------------------------------------------------------


@dataclass
class Checkout:
    root: Path

    @property
    def sijeong(self) -> str:
        return str(self.root / ".venv" / "bin" / "sijeong")

    @property
    def python(self) -> str:
        return str(self.root / ".venv" / "bin" / "python")

    def check(self) -> None:
        if not os.access(self.sijeong, os.X_OK):
            raise SystemExit(f"{self.sijeong}: 없음 / missing (run scripts/setup.sh in {self.root})")

    def info(self) -> dict:
        def git(*args: str) -> str:
            r = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True)
            return r.stdout.rstrip("\n")

        dirty = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines()
                 if not line[3:].startswith("bench/")]
        return {"path": str(self.root), "commit": git("rev-parse", "HEAD").strip(), "branch": git("rev-parse", "--abbrev-ref", "HEAD").strip(),
                "subject": git("log", "-1", "--format=%s")[:120], "dirty_outside_bench": bool(dirty),
                # the last commit that changed the code measured (not the benchmarks or docs)
                "code_commit": git("log", "-1", "--format=%H", "--", "src", "pyproject.toml").strip()}

    def help(self, *command: str) -> str:
        r = subprocess.run([self.sijeong, *command, "--help"], capture_output=True, text=True, timeout=120)
        return r.stdout + r.stderr

    def options(self, *command: str) -> set[str]:
        """The long options ``sijeong COMMAND --help`` lists."""
        return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", self.help(*command)))


# --- machine and load ------------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}


class LoadSampler:
    """Samples the 1-minute load average every ``every`` seconds while the benchmark runs
    (the machine is shared: a number measured under load 4 is not one measured under 1)."""

    def __init__(self, every: float = 5.0):
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(self.every)

    def __enter__(self) -> "LoadSampler":
        self.start = os.getloadavg()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.end = os.getloadavg()

    def summary(self) -> dict:
        s = self.samples or [0.0]
        return {"start": [round(x, 2) for x in self.start], "end": [round(x, 2) for x in getattr(self, "end", self.start)],
                "mean_1min": round(statistics.mean(s), 2), "max_1min": round(max(s), 2), "samples": len(self.samples)}


# --- running a command -----------------------------------------------------------------------


@dataclass
class Run:
    cmd: list[str]
    wall: float
    cpu: float  # user + system of the child and of every descendant it waited for
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False

    def brief(self) -> dict:
        return {"wall": round(self.wall, 4), "cpu": round(self.cpu, 4), "rc": self.returncode}


def run(cmd: list[str], *, timeout: float = 900, stdout_path: str | None = None, env: dict | None = None) -> Run:
    """Run ``cmd``, return its wall time and its own CPU time and peak memory (``wait4``).
    Output goes to temporary files (or ``stdout_path``), so a chatty child never blocks."""
    import tempfile

    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(stdout_path, "w+b") if stdout_path else tempfile.TemporaryFile())
        err = stack.enter_context(tempfile.TemporaryFile())
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        stdout_data = b""
        if not stdout_path:
            out.seek(0)
            stdout_data = out.read()
        err.seek(0)
        stderr_data = err.read()
    return Run(cmd, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode,
               stdout_data.decode("utf-8", "replace"), stderr_data.decode("utf-8", "replace"), fired.is_set())


# --- statistics ------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def quantiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    s = sorted(values)
    return {"n": len(s), "median": statistics.median(s), "p95": percentile(s, 95), "max": s[-1], "total": sum(s)}


# --- synthetic documents ---------------------------------------------------------------------


def write_documents(root: Path, *, cities: int, years: int, departments: int, first_year: int = 2015,
                    seed: int = 1) -> dict[str, list[Path]]:
    """``root/<municipality>/<municipality>_<year>_결산_성과보고서.txt`` and ``..._주요업무계획.txt``
    for every municipality and year (the same documents as ``bench_ingest.py``). Reused when
    ``root/params.json`` says they were written with the same parameters."""
    params = {"cities": cities, "years": years, "departments": departments, "first_year": first_year, "seed": seed}
    stamp = root / "params.json"
    out: dict[str, list[Path]] = {}
    reuse = stamp.exists() and json.loads(stamp.read_text()) == params
    if not reuse:
        root.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
    for ci in range(cities):
        city = city_name(ci)
        d = root / city
        depts = [DEPARTMENTS[(ci + k) % len(DEPARTMENTS)] for k in range(departments)]
        files = []
        for year in range(first_year, first_year + years):
            report = d / f"{city}_{year}_결산_성과보고서.txt"
            plan = d / f"{city}_{year}_주요업무계획.txt"
            if not reuse:
                d.mkdir(parents=True, exist_ok=True)
                report.write_text(settlement_report(city, year, depts, seed), encoding="utf-8")
                plan.write_text(work_plan(city, year, depts, seed), encoding="utf-8")
            files += [report, plan]
        out[city] = files
    if not reuse:
        # a folder left by another scale would be loaded too by ``sijeong ingest --tree``
        import shutil

        for d in root.iterdir():
            if d.is_dir() and d.name not in out:
                shutil.rmtree(d)
        stamp.write_text(json.dumps(params))
    return out


# --- databases -------------------------------------------------------------------------------


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-q", "-c", sql], check=True, capture_output=True, timeout=120)


def pg_create(prefix: str = "sijeong_bench") -> tuple[str, str]:
    """A new, uniquely named PostgreSQL database: (name, URL for ``--db``)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _psql(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def pg_drop(name: str) -> None:
    assert name.startswith("sijeong_bench_"), name  # never anything else
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_size(name: str) -> int | None:
    r = subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", name, "-At", "-c",
                        "SELECT pg_database_size(current_database())"], capture_output=True, text=True, timeout=60)
    return int(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip().isdigit() else None


def sqlite_counts(path: str, tables: tuple[str, ...] = ("documents", "programs", "indicators", "findings")) -> dict:
    out = {}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
        for t in tables:
            with contextlib.suppress(sqlite3.Error):
                out[t] = c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
    return out


def pg_counts(name: str, tables: tuple[str, ...] = ("documents", "programs", "indicators", "findings")) -> dict:
    out = {}
    for t in tables:
        r = subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", name, "-At", "-c",
                            f'SELECT count(*) FROM "{t}"'], capture_output=True, text=True, timeout=60)
        if r.returncode == 0 and r.stdout.strip().isdigit():
            out[t] = int(r.stdout.strip())
    return out


def write_json(path: str | None, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text + "\n", encoding="utf-8")
        print(f"→ {path}", file=sys.stderr)
    else:
        print(text)
