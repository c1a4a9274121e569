"""``sijeong ingest FILE... [--municipality 김포시] | --tree ROOT | --manifest FILE.csv [--jobs N] [--db URL]``

Migrates the database when it is behind (one query when it is not), then loads each file.
The files come from the command line (all of ``--municipality``), from a directory tree
``ROOT/<municipality>/[<year>/]*.txt`` (``--tree``) or from a CSV manifest with the columns
``file,municipality[,year]`` (``--manifest``; a relative file is relative to the manifest),
so one call can load many municipalities. A year given by the tree or the manifest is checked
against the year the document prints (a warning when they differ; the document's own year is
kept).

``--jobs N`` reads in N worker processes while this process writes (the only writer).

A document with read errors is reported (``오류 / error: FILE:LINE: message`` on stderr) and
nothing of it is written; any other failure while reading or saving one file is reported with
the file's name and the batch goes on; the exit code is then 1.

Storing is done per municipality-year, in ONE write transaction (``BEGIN IMMEDIATE`` on
SQLite: concurrent writers wait for each other): the documents read for that year replace the
stored ones of the same names (each in a savepoint, so one failing save leaves the others),
then every rule runs over the documents of the scope — the ones just read, in memory, plus
the others of the scope loaded from the store (all years of the municipality when one of its
documents has no year; a scope's work plans with the indicator results of the municipality's
earlier reports, and a report's transaction also re-checks the scopes of the stored plans
restating its results: ``cross.document``) — and the findings replace the scope's earlier
rule findings. A stored
document therefore always has the findings of its last check: a crash or a kill leaves either
the state before or the state after, never a document without its findings.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import re
import sys
from collections import Counter, deque
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

YEAR_DIR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Item:
    """One file to load, for a municipality; ``year``: the year its place says (tree or manifest)."""

    path: str
    municipality: str
    year: int | None = None
    listed: bool = False  # from --tree or --manifest (not a FILE argument)


class UsageError(Exception):
    """A problem with the arguments (a missing tree, a bad manifest line): exit code 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="문서 파일 / document files (plain text)")
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file (default: SIJEONG_DB or ./sijeong.db)")
    parser.add_argument("--municipality", default="김포시", help="FILE 의 지방자치단체 / municipality of the FILEs (default: 김포시)")
    parser.add_argument("--tree", action="append", metavar="ROOT", default=[],
                        help="ROOT/<지자체>/[<연도>/]*.txt 를 모두 / every ROOT/<municipality>/[<year>/]*.txt")
    parser.add_argument("--manifest", action="append", metavar="CSV", default=[],
                        help="file,municipality[,year] 열의 CSV / a CSV naming each file's municipality (and year)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                        help="읽기 프로세스 수 / processes reading in parallel (default 1: read here)")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def describe(e: BaseException, limit: int = 300) -> str:
    """``Type: first line of the message`` (cut to ``limit``), never raising itself."""
    try:
        text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    except Exception:  # noqa: BLE001 - a message that cannot be rendered is still an error
        text = ""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


# --- what to load -------------------------------------------------------------------------


def tree_items(root: str | Path) -> list[Item]:
    """``ROOT/<municipality>/*.txt`` and ``ROOT/<municipality>/<year>/*.txt``, sorted."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"--tree {root}: 디렉터리가 아닙니다 / not a directory")
    out: list[Item] = []
    for mdir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for f in sorted(mdir.glob("*.txt")):
            out.append(Item(str(f), mdir.name, listed=True))
        for ydir in sorted(p for p in mdir.iterdir() if p.is_dir() and YEAR_DIR.match(p.name)):
            out.extend(Item(str(f), mdir.name, int(ydir.name), True) for f in sorted(ydir.glob("*.txt")))
    return out


def manifest_items(path: str | Path) -> list[Item]:
    """The rows of a CSV manifest: a header naming ``file`` and ``municipality`` (``year``
    optional, may be blank); a relative file is relative to the manifest's directory."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"--manifest {path}: 읽을 수 없습니다 / cannot read: {describe(e)}") from None
    reader = csv.DictReader(text.splitlines())
    cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    if "file" not in cols or "municipality" not in cols:
        raise UsageError(f"{path}:1: 머리행에 file, municipality 열이 필요합니다 / the header must name file and municipality")
    out: list[Item] = []
    for row in reader:
        line = reader.line_num
        file = (row.get(cols["file"]) or "").strip()
        municipality = (row.get(cols["municipality"]) or "").strip()
        if not file and not municipality:
            continue
        if not file or not municipality:
            raise UsageError(f"{path}:{line}: file 과 municipality 가 모두 필요합니다 / both file and municipality are needed")
        year_text = (row.get(cols["year"]) or "").strip() if "year" in cols else ""
        if year_text and not YEAR_DIR.match(year_text):
            raise UsageError(f"{path}:{line}: 연도가 아닙니다 / not a year: {year_text!r}")
        f = Path(file)
        out.append(Item(str(f if f.is_absolute() else path.parent / f), municipality,
                        int(year_text) if year_text else None, True))
    return out


def items_of(args: argparse.Namespace) -> list[Item]:
    items = [Item(f, args.municipality) for f in args.files]
    for root in args.tree:
        items.extend(tree_items(root))
    for m in args.manifest:
        items.extend(manifest_items(m))
    # one municipality after another (stable: the files of one keep their order)
    order = {m: i for i, m in reversed(list(enumerate(it.municipality for it in items)))}
    return sorted(items, key=lambda it: order[it.municipality])


# --- reading ------------------------------------------------------------------------------


def _read(path: str, municipality: str):
    """Read one file (in a worker process with ``--jobs``)."""
    from .. import pipeline

    return pipeline.load_path(path, municipality=municipality)


def _preload() -> None:
    """Import every reader module and the rules before the workers fork, so that each of
    them starts with what it needs instead of importing it again (where the start method is
    fork; elsewhere this costs the parent a little and changes nothing)."""
    import importlib
    import pkgutil

    from .. import pipeline, readers  # noqa: F401

    for m in pkgutil.iter_modules(readers.__path__):
        importlib.import_module(f"{readers.__name__}.{m.name}")
    importlib.import_module("sijeong.rules")


#: the cyclic garbage collector's thresholds during an ingest (Python's are 700, 10, 10)
GC_THRESHOLDS = (100_000, 20, 10)


@contextlib.contextmanager
def batch_gc() -> Iterator[None]:
    """The garbage collector set for a batch: a document read or stored is tens of thousands
    of objects (figures, cells, rows), and with Python's thresholds the collector runs every
    700 allocations and keeps traversing the documents held (and every imported module's
    objects) — a third of the writer's CPU and a tenth of a reader's, for almost no garbage
    (these objects die by reference counting; the collector only finds cycles). Here it runs
    every 100,000 allocations, and what is imported so far is frozen (``gc.freeze``: never
    traversed again). Restored afterwards, for callers in the same process."""
    import gc

    old = gc.get_threshold()
    froze = gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if froze:
            gc.unfreeze()


def _worker_init() -> None:
    """A reader process: the batch's collector settings (inherited with ``fork``; set here
    for the other start methods too) and the modules imported so far frozen."""
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


def read_all(items: list[Item], jobs: int) -> Iterator[tuple[Item, object | None, str | None]]:
    """(item, document, None) or (item, None, error) for each item, in order. With jobs > 1
    the files are read in a process pool, at most 2·jobs ahead of the writer."""
    if jobs <= 1 or len(items) <= 1:
        for it in items:
            try:
                yield it, _read(it.path, it.municipality), None
            except Exception as e:  # noqa: BLE001 - one file's failure is reported, the batch goes on
                yield it, None, describe(e)
        return
    from concurrent.futures import ProcessPoolExecutor

    _preload()
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), initializer=_worker_init) as pool:
        todo = iter(items)
        pending: deque = deque()

        def submit(it: Item) -> None:
            try:
                pending.append((it, pool.submit(_read, it.path, it.municipality)))
            except Exception:  # noqa: BLE001 - a broken pool: read it here
                pending.append((it, None))

        for it in islice(todo, 2 * jobs):
            submit(it)
        while pending:
            it, fut = pending.popleft()
            try:
                doc = fut.result() if fut is not None else _read(it.path, it.municipality)
                yield it, doc, None
            except Exception as e:  # noqa: BLE001
                yield it, None, describe(e)
            nxt = next(todo, None)
            if nxt is not None:
                submit(nxt)


# --- storing ------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    try:
        items = items_of(args)
    except UsageError as e:
        _err(f"오류 / error: {e}")
        return 2
    if not items:
        _err("오류 / error: 읽을 파일이 없습니다 / no files: give FILE..., --tree ROOT or --manifest CSV")
        return 2
    from ..settings import Settings
    from ..store import db

    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        db.migrate(engine)
        with batch_gc():
            return Ingest(engine).run(items, max(1, args.jobs))
    finally:
        engine.dispose()


class Ingest:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.failed = False
        self.checked = False
        #: the rules' findings of each municipality-year as last checked: a scope re-checked by a
        #: later transaction (a plan re-checks the reports it restates) is counted once
        self.scope_counts: dict[tuple[str, int | None], Counter[str]] = {}
        #: the reader findings (not errors) of each document checked, by (municipality, name)
        self.doc_counts: dict[tuple[str, str], Counter[str]] = {}

    def run(self, items: list[Item], jobs: int) -> int:
        from ..model.korean import josa
        from ..readers import read_errors

        items = self.unique(items)
        if jobs > 1:
            self.engine.dispose()  # no open database connection is inherited by the workers
        batch: list[tuple[Item, object]] = []
        for it, doc, error in read_all(items, jobs):
            if batch and batch[0][0].municipality != it.municipality:
                self.store_municipality(batch)
                batch = []
            if error is not None:
                self.failed = True
                _err(f"오류 / error: {it.path}: 읽는 중 오류, 저장하지 않았습니다 / reading failed, not stored: {error}")
                continue
            errors = read_errors(doc)
            if errors:
                self.failed = True
                for f in errors:
                    line = f.lines[0] if f.lines else 0
                    _err(f"오류 / error: {it.path}:{line}: {f.message}")
                _err(f"{it.path}: 읽기 오류로 저장하지 않았습니다 / not stored because of read errors")
                continue
            if it.year is not None and doc.year is not None and doc.year != it.year:
                _err(f"경고 / warning: {it.path}: 위치의 연도 {josa(str(it.year), '과/와')} 문서의 연도 {josa(str(doc.year), '이/가')} "
                     f"다릅니다; 문서의 연도로 "
                     f"저장합니다 / the path says {it.year}, the document {doc.year}: stored as {doc.year}")
            batch.append((it, doc))
        if batch:
            self.store_municipality(batch)
        if self.checked:
            c = sum(self.scope_counts.values(), Counter())
            r = sum(self.doc_counts.values(), Counter())
            print(f"검증 / check: 규칙 결과 {sum(c.values())}건 (오류 {c.get('error', 0)}, 경고 {c.get('warning', 0)}, "
                  f"참고 {c.get('info', 0)}); 읽기 참고사항 {sum(r.values())}건 (경고 {r.get('warning', 0)}, "
                  f"참고 {r.get('info', 0)}) / {sum(c.values())} rule findings ({c.get('error', 0)} errors, "
                  f"{c.get('warning', 0)} warnings, {c.get('info', 0)} info); {sum(r.values())} read findings "
                  f"({r.get('warning', 0)} warnings, {r.get('info', 0)} info)")
        return 1 if self.failed else 0

    def unique(self, items: list[Item]) -> list[Item]:
        """A document is known by its file name and municipality: a file from ``--tree`` or
        ``--manifest`` with the name of another file of the same municipality would replace
        it (``2020/결산.txt`` and ``2021/결산.txt``), so it is refused. FILE arguments keep
        their old behaviour: the later one replaces the earlier."""
        seen: dict[tuple[str, str], Item] = {}
        out = []
        for it in items:
            key = (it.municipality, Path(it.path).name)
            first = seen.get(key)
            if first is None or not (it.listed or first.listed):
                seen[key] = it
            elif first.path == it.path:
                continue  # the same file twice: once
            else:
                self.failed = True
                _err(f"오류 / error: {it.path}: {it.municipality}의 {first.path}와 파일 이름이 같아 저장하지 않았습니다 "
                     f"(문서는 파일 이름으로 구별됩니다) / same file name as {first.path} for {it.municipality}: "
                     f"not stored, rename one")
                continue
            out.append(it)
        return out

    def store_municipality(self, batch: list[tuple[Item, object]]) -> None:
        years: dict[int | None, list[tuple[Item, object]]] = {}
        for it, doc in batch:
            years.setdefault(doc.year, []).append((it, doc))
        for year, entries in years.items():
            self.store_scope(batch[0][0].municipality, year, entries)

    def store_scope(self, municipality: str, year: int | None, entries: list[tuple[Item, object]]) -> None:
        """Save the documents of one municipality-year through the write path: one write
        transaction holds the documents, their audit rows and the re-check of the scope."""
        from .. import operations

        saved: list[tuple[Item, object]] = []
        try:
            with operations.write(self.engine, operations.cli_actor(), "document.ingest",
                                  municipality=municipality) as tx:
                for it, doc in entries:
                    try:
                        tx.save_document(municipality, doc, note=it.path)
                    except Exception as e:  # noqa: BLE001 - this file is reported, the others go on
                        self.failed = True
                        _err(f"오류 / error: {it.path}: 저장 실패, 변경 없음 / saving failed, nothing changed: {describe(e)}")
                        continue
                    saved.append((it, doc))
                if not saved:
                    return
            findings, docs = tx.findings, tx.checked
        except Exception as e:  # noqa: BLE001 - the scope's transaction is rolled back as a whole
            self.failed = True
            for it, _ in saved or entries:
                _err(f"오류 / error: {it.path}: 검증·저장 실패, 변경 없음 / checking or saving failed, nothing changed: "
                     f"{describe(e)}")
            return
        self.checked = True
        checked = {(municipality, d.year) for d in docs} | set(tx.scopes)
        if any(y is None for _, y in checked):  # the whole municipality was checked
            checked |= {k for k in self.scope_counts if k[0] == municipality}
        for k in checked:
            self.scope_counts[k] = Counter()
        for f in findings:
            self.scope_counts.setdefault((f.municipality or municipality, f.year), Counter())[f.severity] += 1
        for d in docs:
            self.doc_counts[(municipality, d.name)] = Counter(f.severity for f in d.findings if f.severity != "error")
        for _, doc in saved:
            if doc.coverage is not None:
                print(doc.coverage.line(doc.name))
            else:
                print(f"{doc.name}: 저장됨 / stored")
            kept = Counter(f.severity for f in doc.findings)
            if kept:
                parts = ", ".join(f"{n} {sev}" for sev, n in sorted(kept.items()))
                print(f"  읽기 참고사항 / read findings: {parts} (sijeong check)")
