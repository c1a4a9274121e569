"""Fuzz the readers: mutated slices of the project's own documents through ``load_text``.

Every input is a window of one seed document (20–120 lines, most often with the seed's
first lines kept so the family is still detected), changed by 1–4 mutators: long digit
runs, numbers of thousands of digits, decimals beyond the float range, amounts of 2^63 won
and more, other line ends (CR, CRLF, U+2028, U+2029, NEL, form feeds), inserted, deleted or
duplicated characters and lines, shuffled lines, truncation, control characters, Unicode
lookalikes, tabs removed or added, unit notes tampered with. Input ``i`` of seed ``S`` is
a pure function of (S, i, the seed files), so any failure can be made again.

Each input is read in a worker process with a deadline (``--deadline`` seconds): a worker
that does not answer in time is killed and the input counted as a *hang*. Outcomes:

* ``ok`` — read, no read error;
* ``error`` — refused with a located read error (a ``read.*`` finding naming a line of the
  document, which is what bad input should give);
* ``crash`` — an exception escaped ``load_text``, a ``read.crash`` finding, a read error
  without a valid line, or a document that would not fit the database (a number ≥ 2^63);
* ``hang`` — no answer before the deadline.

Crashes and hangs are written to ``--out`` (the input text and a JSON note with the seed,
index, mutators and what happened); ``python bench/fuzz.py --replay FILE.txt`` reads one
again in the foreground.

    python bench/fuzz.py -n 2000                      # 2 workers, seed 1
    nice -n 10 python bench/fuzz.py -n 100000 --seed 1 --out /tmp/fuzz-failures
    python bench/fuzz.py --replay /tmp/fuzz-failures/hang-1-123.txt
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_DOCS = (ROOT / ".." / "shared" / "documents").resolve()


# --- seeds ---------------------------------------------------------------------------


def seed_files(real: bool = True) -> list[Path]:
    """The project's fixtures and samples, and the real documents when present."""
    files = sorted((ROOT / "tests" / "fixtures").glob("*.txt")) + sorted((ROOT / "samples").glob("*.txt"))
    if real and REAL_DOCS.is_dir():
        files += sorted(REAL_DOCS.glob("*.txt"))
    return files


def load_seeds(files: list[Path]) -> list[tuple[str, list[str]]]:
    return [(f.name, f.read_text(encoding="utf-8-sig").split("\n")) for f in files]


# --- mutators ------------------------------------------------------------------------

_BUDGET_LABEL = re.compile(r"(?:사업비|예산|소요예산)\s*[:：]?\s*(?:약\s*)?")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_LOOKALIKE = {
    "0": "０O", "1": "１l", "5": "５", "9": "９", ",": "，、", ".": "．", "-": "−–—", "△": "▲∆",
    "(": "（", ")": "）", "%": "％", ":": "：", " ": "\u00a0\u3000", "원": "웜", "천": "전",
}
_CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x7f\x85\u200b\u200e\u2028\u2029\ufeff\ufffd"
_PALETTE = "0123456789,.-△▲%()□○•\t 원천억만조사업비예산합계국비시비\"'|<>/$\\*#"
_UNITS = ["원", "천원", "백만원", "억원", "조원", "냥", "", "원, 원", "%", "개, 원", "천원)", "(원"]


def _lines_with_numbers(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if any(c.isdigit() for c in ln)]


def _replace_number(rng: random.Random, lines: list[str], make) -> str:
    idx = _lines_with_numbers(lines)
    if not idx:
        return "no-number"
    i = rng.choice(idx)
    ms = list(_NUMBER.finditer(lines[i]))
    if not ms:
        return "no-number"
    m = rng.choice(ms)
    lines[i] = lines[i][: m.start()] + make() + lines[i][m.end():]
    return f"line {i + 1}"


def m_digit_run(rng, lines):
    n = rng.choice([19, 20, 25, 31, 40, 60, 200])
    run = "".join(rng.choice("0123456789") for _ in range(n))
    if rng.random() < 0.3:  # a budget statement, where the exponential pattern was
        labelled = [(i, m) for i, ln in enumerate(lines) for m in [_BUDGET_LABEL.search(ln)] if m]
        if labelled and rng.random() < 0.7:
            i, m = rng.choice(labelled)
            rest = lines[i][m.end():] if rng.random() < 0.3 else rng.choice(["", "x", " 등", "천", "(국비 50%)"])
            lines[i] = lines[i][: m.end()] + run + rest
            return f"budget run {n} after {m.group(0)!r} line {i + 1}"
        i = rng.randrange(len(lines))
        lines[i] = lines[i] + rng.choice([" 사업비 ", " 예산: ", "\t총사업비 ", "\t"]) + run + rng.choice(["", "원", "천원", "x", " 원("])
        return f"budget run {n} line {i + 1}"
    return f"run {n} " + _replace_number(rng, lines, lambda: run)


def m_huge_number(rng, lines):
    n = rng.choice([4301, 5000, 6000])
    if rng.random() < 0.5:
        num = "1" + "0" * n
    else:
        num = "1" + ",000" * (n // 3)
    return f"huge {n} " + _replace_number(rng, lines, lambda: num)


def m_huge_decimal(rng, lines):
    num = rng.choice(["9" * 400 + ".5", "1" + "0" * 330 + ".25", "0." + "0" * 400 + "1", "1e400", "1" * 320 + "%"])
    return "decimal " + _replace_number(rng, lines, lambda: num)


def m_int64(rng, lines):
    num = rng.choice([
        "9,223,372,036,854,775,808", "9223372036854775807", "△9,223,372,036,854,775,809",
        "18,446,744,073,709,551,616", "99,999,999,999,999", "92,233,720,368,548",  # × 천원/억원
    ])
    return "int64 " + _replace_number(rng, lines, lambda: num)


def m_line_ends(rng, lines):
    sep = rng.choice(["\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0c\n", "mixed"])
    if sep == "mixed":
        for i in range(len(lines) - 1):
            lines[i] += rng.choice(["\r", "", "", "\u2028"])
        return "line ends mixed"
    joined = sep.join(lines)
    lines[:] = [joined]
    return f"line ends {sep!r}"


def m_char_insert(rng, lines):
    i = rng.randrange(len(lines))
    p = rng.randint(0, len(lines[i]))
    c = rng.choice(_PALETTE) * rng.choice([1, 1, 2, 5])
    lines[i] = lines[i][:p] + c + lines[i][p:]
    return f"insert {c!r} line {i + 1}"


def m_char_delete(rng, lines):
    i = rng.randrange(len(lines))
    if not lines[i]:
        return "empty"
    p = rng.randrange(len(lines[i]))
    k = rng.choice([1, 1, 2, 4])
    lines[i] = lines[i][:p] + lines[i][p + k:]
    return f"delete {k} line {i + 1}"


def m_char_dup(rng, lines):
    i = rng.randrange(len(lines))
    if not lines[i]:
        return "empty"
    p = rng.randrange(len(lines[i]))
    lines[i] = lines[i][: p + 1] + lines[i][p] * rng.choice([1, 3, 50]) + lines[i][p + 1:]
    return f"duplicate char line {i + 1}"


def m_line_ops(rng, lines):
    op = rng.choice(["dup", "del", "swap", "blank", "repeat"])
    i = rng.randrange(len(lines))
    if op == "dup":
        lines.insert(i, lines[i])
    elif op == "del" and len(lines) > 1:
        del lines[i]
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "blank":
        lines.insert(i, "")
    elif op == "repeat":
        lines[i + 1:i + 1] = [lines[i]] * rng.choice([5, 30])
    return f"{op} line {i + 1}"


def m_shuffle(rng, lines):
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(2, 12))
    block = lines[i:j]
    rng.shuffle(block)
    lines[i:j] = block
    return f"shuffle {i + 1}-{j}"


def m_truncate(rng, lines):
    text = "\n".join(lines)
    cut = rng.randint(0, len(text))
    lines[:] = text[:cut].split("\n")
    return f"truncate at {cut}"


def m_control(rng, lines):
    i = rng.randrange(len(lines))
    p = rng.randint(0, len(lines[i]))
    c = rng.choice(_CONTROL)
    lines[i] = lines[i][:p] + c + lines[i][p:]
    return f"control {c!r} line {i + 1}"


def m_lookalike(rng, lines):
    i = rng.randrange(len(lines))
    chars = [k for k in _LOOKALIKE if k in lines[i]]
    if not chars:
        return "none"
    k = rng.choice(chars)
    lines[i] = lines[i].replace(k, rng.choice(_LOOKALIKE[k]), rng.choice([1, 100]))
    return f"lookalike {k!r} line {i + 1}"


def m_tabs(rng, lines):
    i = rng.randrange(len(lines))
    op = rng.choice(["remove", "insert", "spaces", "double"])
    if op == "remove":
        lines[i] = lines[i].replace("\t", "")
    elif op == "insert":
        p = rng.randint(0, len(lines[i]))
        lines[i] = lines[i][:p] + "\t" + lines[i][p:]
    elif op == "spaces":
        lines[i] = lines[i].replace("\t", "    ")
    else:
        lines[i] = lines[i].replace("\t", "\t\t")
    return f"tabs {op} line {i + 1}"


def m_unit_note(rng, lines):
    idx = [i for i, ln in enumerate(lines) if "단위" in ln]
    if not idx or rng.random() < 0.2:
        i = rng.randrange(len(lines))
        lines.insert(i, f"(단위: {rng.choice(_UNITS)})")
        return f"unit note added line {i + 1}"
    i = rng.choice(idx)
    if rng.random() < 0.3:
        del lines[i]
        return f"unit note deleted line {i + 1}"
    lines[i] = re.sub(r"(단위\s*[:：]?)[^)]*", lambda m: m.group(1) + " " + rng.choice(_UNITS), lines[i], count=1)
    return f"unit note line {i + 1}"


MUTATORS = {
    "digit_run": m_digit_run, "huge_number": m_huge_number, "huge_decimal": m_huge_decimal,
    "int64": m_int64, "line_ends": m_line_ends, "char_insert": m_char_insert,
    "char_delete": m_char_delete, "char_dup": m_char_dup, "line_ops": m_line_ops,
    "shuffle": m_shuffle, "truncate": m_truncate, "control": m_control,
    "lookalike": m_lookalike, "tabs": m_tabs, "unit_note": m_unit_note,
}
_ORDER = list(MUTATORS)
#: line-end changes join the lines: they go last
_LAST = {"line_ends", "truncate"}


@dataclass
class Input:
    seed: int
    index: int
    source: str
    window: tuple[int, int]
    mutations: list[str] = field(default_factory=list)
    text: str = ""


def make_input(seeds: list[tuple[str, list[str]]], seed: int, index: int) -> Input:
    rng = random.Random(f"{seed}:{index}")
    name, all_lines = seeds[rng.randrange(len(seeds))]
    n = len(all_lines)
    size = rng.randint(20, 120)
    start = rng.randrange(max(1, n - size + 1))
    lines = list(all_lines[start:start + size])
    if start > 0 and rng.random() < 0.8:  # keep the title lines: the family stays detectable
        head = rng.randint(3, 12)
        lines = all_lines[:head] + lines
    if not lines:
        lines = [""]
    inp = Input(seed, index, name, (start + 1, start + size))
    chosen = [rng.choice(_ORDER) for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))]
    chosen.sort(key=lambda k: k in _LAST)
    for k in chosen:
        if not lines:
            lines = [""]
        inp.mutations.append(f"{k}: {MUTATORS[k](rng, lines)}")
    inp.text = "\n".join(lines)
    return inp


# --- one read ------------------------------------------------------------------------


def classify(name: str, text: str) -> tuple[str, str]:
    """Read one text as ``sijeong ingest`` would; (outcome, detail)."""
    from sijeong.pipeline import load_text
    from sijeong.readers import read_errors
    try:
        from sijeong.readers.guard import out_of_range
    except ImportError:  # an older tree (to measure what the guards fixed): no range check
        def out_of_range(doc):
            return None

    try:
        doc = load_text(name, text)
    except BaseException as e:  # noqa: BLE001 - that is what we are looking for
        import traceback

        return "crash", "".join(traceback.format_exception(e))[-3000:]
    errors = read_errors(doc)
    line_count = text.count("\n") + 1  # an upper bound: normalising only merges CR LF
    for f in errors:
        if f.rule == "read.crash":
            return "crash", f"{f.lines} {f.message}"
    if errors:
        f = errors[0]
        if not f.lines or not all(isinstance(x, int) and 1 <= x <= max(line_count, doc.line_count or 0, 1)
                                  for x in f.lines):
            return "crash", f"unlocated {f.rule} {f.lines}: {f.message}"
        return "error", f"{f.rule} {f.lines[0]}: {f.message[:120]}"
    bad = out_of_range(doc)
    if bad is not None:
        return "crash", f"out of range at line {bad[0]}: {bad[1]!r}"[:300]
    return "ok", f"{len(doc.records)} records"


def _worker(conn, seed_paths: list[str], parent: int) -> None:
    seeds = load_seeds([Path(p) for p in seed_paths])
    import sijeong.pipeline  # noqa: F401 - import once, before the clock starts
    import sijeong.readers

    sijeong.readers.readers()
    conn.send(("ready", None))
    while True:
        while not conn.poll(5):
            if os.getppid() != parent:  # the run was stopped: do not linger
                return
        job = conn.recv()
        if job is None:
            return
        seed, index = job
        inp = make_input(seeds, seed, index)
        t = time.perf_counter()
        outcome, detail = classify(f"fuzz-{seed}-{index}.txt", inp.text)
        conn.send((outcome, detail, time.perf_counter() - t))


# --- the run -------------------------------------------------------------------------


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "error": 0, "crash": 0, "hang": 0})
    failures: list[dict] = field(default_factory=list)
    errors_by_rule: dict[str, int] = field(default_factory=dict)
    slowest: tuple[float, int] = (0.0, -1)
    done: int = 0


class _Slot:
    def __init__(self, ctx, seed_paths):
        self.ctx, self.seed_paths = ctx, seed_paths
        self.start()

    def start(self):
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.seed_paths, os.getpid()), daemon=True)
        self.proc.start()
        child.close()
        self.conn.recv()  # ready
        self.job: int | None = None
        self.since = 0.0

    def kill(self):
        self.proc.kill()
        self.proc.join()
        self.conn.close()


def run(n: int, *, seed: int = 1, start: int = 0, workers: int = 2, deadline: float = 20.0,
        out: Path | None = None, real: bool = True, progress: float = 0.0,
        summary: Path | None = None) -> Result:
    """Read inputs ``start .. start+n-1`` of ``seed``; kill and count as a hang any read
    that takes longer than ``deadline`` seconds."""
    files = seed_files(real)
    seed_paths = [str(f) for f in files]
    seeds = load_seeds(files)
    ctx = mp.get_context("fork")
    slots = [_Slot(ctx, seed_paths) for _ in range(max(1, workers))]
    res = Result()
    todo = iter(range(start, start + n))
    t0 = last = time.monotonic()

    def record(index: int, outcome: str, detail: str, secs: float) -> None:
        res.counts[outcome] += 1
        res.done += 1
        if secs > res.slowest[0]:
            res.slowest = (secs, index)
        if outcome == "error":
            rule = detail.split(" ", 1)[0]
            res.errors_by_rule[rule] = res.errors_by_rule.get(rule, 0) + 1
        if outcome in ("crash", "hang"):
            inp = make_input(seeds, seed, index)
            note = {"seed": seed, "index": index, "outcome": outcome, "detail": detail,
                    "source": inp.source, "window": inp.window, "mutations": inp.mutations}
            res.failures.append(note)
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                stem = out / f"{outcome}-{seed}-{index}"
                stem.with_suffix(".txt").write_text(inp.text, encoding="utf-8", errors="surrogatepass")
                stem.with_suffix(".json").write_text(json.dumps(note, ensure_ascii=False, indent=1), encoding="utf-8")

    def feed(slot: _Slot) -> None:
        index = next(todo, None)
        slot.job = index
        if index is not None:
            slot.since = time.monotonic()
            slot.conn.send((seed, index))

    for s in slots:
        feed(s)
    try:
        while any(s.job is not None for s in slots):
            busy = [s for s in slots if s.job is not None]
            now = time.monotonic()
            timeout = max(0.0, min(s.since + deadline for s in busy) - now)
            ready = wait([s.conn for s in busy], timeout=timeout)
            for s in busy:
                if s.conn in ready:
                    try:
                        outcome, detail, secs = s.conn.recv()
                    except (EOFError, OSError):  # the worker died (a segfault, the OOM killer)
                        record(s.job, "crash", "worker died", time.monotonic() - s.since)
                        s.kill()
                        s.start()
                        feed(s)
                        continue
                    record(s.job, outcome, detail, secs)
                    feed(s)
                elif time.monotonic() - s.since >= deadline:
                    record(s.job, "hang", f"no answer in {deadline} s", deadline)
                    s.kill()
                    s.start()
                    feed(s)
            if progress and time.monotonic() - last >= progress:
                last = time.monotonic()
                _report(res, time.monotonic() - t0, summary, seed, start, n)
    finally:
        for s in slots:
            if s.proc.is_alive():
                try:
                    s.conn.send(None)
                except OSError:
                    pass
                s.proc.join(timeout=5)
                if s.proc.is_alive():
                    s.kill()
    _report(res, time.monotonic() - t0, summary, seed, start, n, final=True)
    return res


def _report(res: Result, secs: float, summary: Path | None, seed: int, start: int, n: int,
            final: bool = False) -> None:
    c = res.counts
    line = (f"{res.done}/{n} inputs in {secs:.0f} s ({res.done / secs if secs else 0:.1f}/s): "
            f"ok {c['ok']}, located errors {c['error']}, crashes {c['crash']}, hangs {c['hang']}; "
            f"slowest {res.slowest[0]:.2f} s (#{res.slowest[1]})")
    print(("done: " if final else "") + line, file=sys.stderr, flush=True)
    if summary is not None:
        summary.write_text(json.dumps({
            "seed": seed, "start": start, "n": n, "done": res.done, "seconds": round(secs, 1),
            "counts": c, "errors_by_rule": res.errors_by_rule, "final": final,
            "slowest": {"seconds": round(res.slowest[0], 3), "index": res.slowest[1]},
            "failures": res.failures[:50],
        }, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=1000, help="how many inputs (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="first input index (to resume a run)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--deadline", type=float, default=20.0, help="seconds before a read counts as a hang")
    ap.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where reproducers go")
    ap.add_argument("--summary", type=Path, help="write the counts as JSON here (updated as it runs)")
    ap.add_argument("--no-real", action="store_true", help="leave out ../shared/documents even when present")
    ap.add_argument("--progress", type=float, default=60.0, help="print the counts every N seconds")
    ap.add_argument("--replay", type=Path, help="read one reproducer (.txt) in the foreground and print the outcome")
    a = ap.parse_args(argv)
    if a.replay:
        t = time.perf_counter()
        outcome, detail = classify(a.replay.name, a.replay.read_text(encoding="utf-8", errors="surrogatepass"))
        print(f"{outcome} in {time.perf_counter() - t:.2f} s: {detail}")
        return 0 if outcome in ("ok", "error") else 1
    files = seed_files(not a.no_real)
    print(f"seed {a.seed}, inputs {a.start}..{a.start + a.n - 1}, {len(files)} seed files, "
          f"{a.workers} workers, deadline {a.deadline} s", file=sys.stderr)
    res = run(a.n, seed=a.seed, start=a.start, workers=a.workers, deadline=a.deadline, out=a.out,
              real=not a.no_real, progress=a.progress, summary=a.summary)
    for f in res.failures[:20]:
        print(f"{f['outcome']} #{f['index']} ({f['source']} {f['window']}, {'; '.join(f['mutations'])}): "
              f"{f['detail'].splitlines()[-1] if f['detail'] else ''}")
    return 1 if res.counts["crash"] or res.counts["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
