"""``sijeong check``: run every rule and print the findings.

Documents come from the database (``--db``, default ``SIJEONG_DB`` or ``./sijeong.db``) or,
with ``--files``, straight from text files without a database. From the database the rules
run one municipality-year at a time (as ``sijeong ingest`` runs them), so memory holds one
scope's documents (and, for a scope with work plans, the indicator results of the
municipality's earlier reports that ``cross.document`` compares them with), never the whole
database; a municipality that has a document without a
year is checked whole (that document may belong with any year). ``--municipality`` and
``--year`` narrow the scopes; ``--save`` stores the findings, replacing the earlier rule
findings of each scope checked (the stored ones the web pages show).

What is known current is not checked again: the write path (``sijeong ingest`` and every
other write) checks the scopes it changes and stamps them (``check_stamps``), as ``--save``
does; a scope whose stamp still matches the code, its documents, the documents it is compared
with and its stored findings is printed from the store — the same lines, in the same order,
as checking it prints (``store/stamps.py``). ``--full`` checks every scope again; ``--rule``
always checks (a part of the rules merges findings differently). stderr says how many scopes
were reused and how many checked.

Findings are the command's output, not its failure: the exit code is 0 unless the documents
cannot be loaded at all (2 for ``--save`` with ``--rule``, which would store a part of the
findings in place of all of them, and for a ``--rule`` that names no rule id or family;
``--list-rules`` prints the ids, Korean names and explanations).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import Counter, deque
from itertools import islice
from typing import Iterator

from ..model import Document, Finding


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or file (기본: SIJEONG_DB 또는 ./sijeong.db)")
    p.add_argument("--files", nargs="+", metavar="FILE", help="데이터베이스 없이 이 파일들을 읽어 검증 / check these files without a database")
    p.add_argument("--format", choices=("text", "json"), default="text", help="출력 형식 / output format")
    p.add_argument("--rule", action="append", metavar="ID",
                   help="이 규칙(또는 규칙 묶음)만 / only this rule id or family (목록: --list-rules)")
    p.add_argument("--list-rules", action="store_true", help="규칙 목록(ID, 이름, 설명) / list the rules (id, name, explanation)")
    p.add_argument("--municipality", help="이 지방자치단체만 / only this municipality (database)")
    p.add_argument("--year", type=int, action="append", metavar="YEAR", help="이 연도만 / only this year (database; repeatable)")
    p.add_argument("--save", action="store_true",
                   help="검증 결과를 저장(범위별로 교체) / store the findings, replacing each scope's earlier rule findings")
    p.add_argument("--full", action="store_true",
                   help="저장된 결과를 재사용하지 않고 모든 범위를 다시 검증 / check every scope again, reusing no "
                        "stored findings (the default reuses those the write path keeps current)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="지방자치단체별로 N개 프로세스에서 검증(--save 없이; 출력은 같음) / check municipalities in N "
                        "processes (without --save; the same output, in the same order)")


def check_db(url: str | None, *, municipality: str | None = None, years: list[int] | None = None,
             only: list[str] | None = None, save: bool = False, jobs: int = 1, full: bool = False,
             tally: Counter | None = None) -> Iterator[tuple[list[Document] | list[str], list[Finding]]]:
    """For each scope: its documents and its findings (those stored with the documents —
    read, link and perf findings —, then the rules'). With ``jobs`` > 1 (and no ``save``)
    the municipalities are checked in that many worker processes and each scope comes with
    the names of its documents instead of the documents (they stay in the worker); the
    scopes and their findings are the same, in the same order.

    A scope whose stamp is current (``store/stamps.py``: the same code, documents, documents
    compared with and stored findings as when the write path or ``--save`` checked it) comes
    with its documents' names and its stored findings, read instead of checked: what checking
    it would give. Not with ``full`` (every scope checked) nor ``only`` (a part of the rules
    merges same-defect findings differently from all of them, so it is checked). ``tally``
    counts the scopes ``reused`` and ``checked``."""
    from ..rules import run_rules
    from ..settings import Settings
    from ..operations import ContextCache, context_of, own_findings
    from ..store import db, views

    # a read-only check reads each municipality's plans and reports for the context once;
    # --save writes between scopes, so each scope reads its own in its transaction
    cache = None if save else ContextCache()
    tally = tally if tally is not None else Counter()
    code = None if full or only else views.code_fingerprint()
    known = views.StampCache()
    settings = Settings.from_env(url)
    engine = db.create_engine_for(settings.db_url)
    try:
        db.migrate(engine)
        with engine.connect() as conn:
            todo = views.scopes(conn, municipality=municipality, years=years)
        if jobs > 1 and not save and len({m for m, _ in todo}) > 1:
            engine.dispose()  # no open connection is inherited by the workers
            yield from _check_parallel(settings.db_url, todo, only, jobs, code, tally)
            return
        for m, ys in todo:
            if code is not None:
                # a scope known current: its stored findings (--save has nothing to replace)
                with engine.connect() as conn:
                    stored = views.reusable(conn, m, ys, code, None if save else known)
                if stored is not None:
                    tally["reused"] += 1
                    yield stored
                    continue
            tally["checked"] += 1
            # --save: one write transaction per scope (BEGIN IMMEDIATE on SQLite, waiting for
            # other writers), so the findings replaced are those of the documents checked
            with (_saving(engine, m) if save else contextlib.nullcontext(None)) as tx:
                with (contextlib.nullcontext(tx.conn) if tx is not None else engine.connect()) as conn:
                    docs = views.load_documents(conn, municipality=m, year=ys, text=True)
                    # what the cross-document rule compares the scope's plans with: the
                    # indicator results of the municipality's earlier reports (as ingest does)
                    context = context_of(conn, docs, cache) if ys is not None else []
                rule_findings = run_rules(docs, only=only, context=context)
                if tx is not None:
                    own_findings(rule_findings, m, docs)
                    # the years of the documents checked; (m, None) only when a document
                    # without a year was among them (else its findings would go unreplaced)
                    replace = {(m, d.year) for d in docs}
                    tx.replace_findings(rule_findings, sorted(replace, key=lambda p: (p[0], p[1] or 0)),
                                        documents=[(d.name, m) for d in docs])
                    if ys is None or len(ys) == 1:  # the scopes check stamps (several years: never)
                        tx.stamp(m, None if ys is None else ys[0], docs, rule_findings)
            yield docs, document_findings(docs, only) + rule_findings
    finally:
        engine.dispose()


def _check_parallel(db_url: str, todo: list, only: list[str] | None, jobs: int, code: str | None,
                    tally: Counter) -> Iterator[tuple[list[str], list[Finding]]]:
    """``check_db`` over a process pool: one task per municipality (its scopes in order, so
    each worker keeps a municipality's context cache), at most 2·jobs municipalities ahead of
    the one being printed; results in the order of ``todo``."""
    from concurrent.futures import ProcessPoolExecutor

    from .ingest import _preload, _worker_init

    by_m: dict[str, list] = {}
    for m, ys in todo:
        by_m.setdefault(m, []).append(ys)
    tasks = iter(by_m.items())
    _preload()  # the readers' and the rules' modules imported once, before the workers fork
    with ProcessPoolExecutor(max_workers=min(jobs, len(by_m)), initializer=_worker_init) as pool:
        pending: deque = deque()
        for m, scopes in islice(tasks, 2 * jobs):
            pending.append(pool.submit(_check_municipality, db_url, m, scopes, only, code))
        while pending:
            results = pending.popleft().result()
            nxt = next(tasks, None)
            if nxt is not None:
                pending.append(pool.submit(_check_municipality, db_url, nxt[0], nxt[1], only, code))
            for names, findings, reused in results:
                tally["reused" if reused else "checked"] += 1
                yield names, findings


#: a worker process's engine, by database URL (one per process, reused for every task)
_ENGINES: dict = {}


def _check_municipality(db_url: str, municipality: str, scopes: list, only: list[str] | None,
                        code: str | None) -> list[tuple[list[str], list[Finding], bool]]:
    """In a worker: the scopes of one municipality, as :func:`check_db` checks them without
    ``--save`` (a scope known current by ``code``'s stamp read, not checked); each scope as
    (its documents' names, its findings, whether they were read)."""
    from ..operations import ContextCache, context_of
    from ..rules import run_rules
    from ..store import db, views

    engine = _ENGINES.get(db_url)
    if engine is None:
        engine = _ENGINES[db_url] = db.create_engine_for(db_url)
    cache = ContextCache()
    known = views.StampCache()
    out = []
    for ys in scopes:
        with engine.connect() as conn:
            stored = views.reusable(conn, municipality, ys, code, known) if code is not None else None
            if stored is not None:
                out.append((*stored, True))
                continue
            docs = views.load_documents(conn, municipality=municipality, year=ys, text=True)
            context = context_of(conn, docs, cache) if ys is not None else []
        rule_findings = run_rules(docs, only=only, context=context)
        out.append(([d.name for d in docs], document_findings(docs, only) + rule_findings, False))
    return out


@contextlib.contextmanager
def _saving(engine, municipality: str):
    """``check --save``: the scope's findings are replaced through the write path (one
    transaction, recorded in the audit log)."""
    from ..operations import cli_actor, write

    with write(engine, cli_actor(), "findings.check", municipality=municipality) as tx:
        yield tx


#: families of the findings the readers make and store with their document (read errors and
#: warnings, links between the tables of one document, the order of policy goals)
READER_FAMILIES = ("read", "link", "perf")


def _selected(rule_id: str, only: list[str] | None) -> bool:
    return not only or rule_id in only or rule_id.split(".", 1)[0] in only


def document_findings(docs: list[Document], only: list[str] | None = None) -> list[Finding]:
    """Every finding stored with the documents — what ``sijeong ingest`` stores beside the
    rules' findings (``read.*``, ``link.*``, ``perf.*``), so ``check``, the export and the
    검증 결과 page count the same set."""
    return [f for d in docs for f in d.findings if _selected(f.rule, only)]


def load_files(paths: list[str]) -> list[Document]:
    from ..pipeline import load_path

    return [load_path(p) for p in paths]


#: Korean names of the findings the readers make (the rules' are in the registry)
READER_NAMES = {
    "read.syntax": "읽을 수 없는 입력", "read.range": "저장할 수 없는 숫자", "read.empty": "읽은 항목 없음",
    "read.family": "알 수 없는 문서 종류", "read.crash": "읽기 중 오류", "read.file": "파일 읽기",
    "read.unit": "처음 보는 단위", "read.alignment": "열 정렬", "read.hierarchy": "계층 구조",
    "read.organization": "기구·팀 수", "link.fuzzy": "비슷한 이름으로 연결", "link.unmatched": "짝 없는 항목",
    "perf.policy_goal_order": "정책목표 순서",
}
_FAMILY_NAMES = {"read": "읽기", "link": "표 연결", "perf": "성과보고서"}


def rule_name(rule_id: str) -> str:
    """The Korean name of a rule or reader finding (the id's family name when unknown)."""
    from ..rules import RULES

    r = RULES.get(rule_id)
    if r is not None:
        return r.name
    return READER_NAMES.get(rule_id) or _FAMILY_NAMES.get(rule_id.split(".", 1)[0], rule_id)


def format_text(f: Finding) -> str:
    """``severity rule doc:lines [한국어 이름] message``."""
    lines = ",".join(str(n) for n in f.lines)
    return f"{f.severity} {f.rule} {f.doc}:{lines} [{rule_name(f.rule)}] {f.message}"


def _from_files(args: argparse.Namespace) -> Iterator[tuple[list[Document], list[Finding]]]:
    from ..rules import run_rules

    documents = load_files(args.files)
    yield documents, document_findings(documents, args.rule) + run_rules(documents, only=args.rule)


def unknown_rules(asked: list[str]) -> list[str]:
    """The ``--rule`` values that are neither a rule id nor a rule family."""
    from ..rules import RULES

    known = set(RULES) | {r.family for r in RULES.values()} | set(READER_FAMILIES)
    return [a for a in asked if a not in known and a.split(".", 1)[0] not in READER_FAMILIES]


def list_rules() -> None:
    from ..rules import RULES

    for r in RULES.values():
        print(f"{r.id}\t{r.name}\t{r.explanation}")
    for rid, name in READER_NAMES.items():
        print(f"{rid}\t{name}\t읽기 단계에서 문서와 함께 저장되는 결과 / made by the readers, stored with the document")


def _print(fmt: str, batches, counts: Counter[str]) -> int:
    """Print the findings of every scope (text lines, or one JSON list), count them by
    severity into ``counts``; the number of documents checked."""
    n_docs = 0
    first = True
    if fmt == "json":
        sys.stdout.write("[")
    for docs, findings in batches:
        n_docs += len(docs)
        counts.update(f.severity for f in findings)
        for f in findings:
            if fmt == "json":
                sys.stdout.write(("\n" if first else ",\n") + json.dumps(f.as_dict(), ensure_ascii=False))
                first = False
            else:
                print(format_text(f))
    if fmt == "json":
        sys.stdout.write("\n]\n" if not first else "]\n")
    return n_docs


def run(args: argparse.Namespace) -> int:
    if getattr(args, "list_rules", False):
        list_rules()
        return 0
    bad = unknown_rules(args.rule or [])
    if bad:
        names = ", ".join(repr(b) for b in bad)
        print(f"알 수 없는 규칙: {names} — 규칙 목록은 'sijeong check --list-rules' (또는 docs/rules.md) / "
              f"unknown rule {names}: see 'sijeong check --list-rules' for the rule ids and families",
              file=sys.stderr)
        return 2
    scopes: Counter[str] = Counter()
    if args.files:
        batches = _from_files(args)
    elif args.save and args.rule:
        print("--save 와 --rule 은 함께 쓸 수 없습니다 / --save stores every rule's findings: drop --rule", file=sys.stderr)
        return 2
    else:
        batches = check_db(args.db, municipality=args.municipality, years=args.year, only=args.rule, save=args.save,
                           jobs=max(1, getattr(args, "jobs", 1) or 1), full=getattr(args, "full", False),
                           tally=scopes)
    from .ingest import batch_gc

    counts: Counter[str] = Counter()
    try:
        with batch_gc():  # a scope loaded back is tens of thousands of objects, as in ingest
            n_docs = _print(args.format, batches, counts)
    except ImportError as e:
        print(f"저장소를 쓸 수 없습니다 / the store is not available: {e}; --files FILE... 를 쓰세요", file=sys.stderr)
        return 2
    if args.format != "json":
        print(f"# 문서 {n_docs}개: 오류 {counts['error']}, 경고 {counts['warning']}, 참고 {counts['info']}", file=sys.stderr)
    if not args.files and (scopes["reused"] or scopes["checked"]):
        print(f"# 저장된 결과 재사용 범위 {scopes['reused']}개, 다시 검증 {scopes['checked']}개 / "
              f"{scopes['reused']} scopes' stored findings reused, {scopes['checked']} checked", file=sys.stderr)
    if n_docs == 0 and not args.files:
        from .scope import explain_empty

        why = explain_empty(args.db, municipality=args.municipality, years=args.year)
        if why:
            print(f"검증할 문서가 없습니다 / nothing to check: {why}", file=sys.stderr)
            return 1
    return 0
