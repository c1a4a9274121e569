"""``sijeong ingest FILE... [--db URL] [--municipality 김포시]``

Migrates the database, then loads each file. A document with read errors is reported
(``오류 / error: FILE:LINE: message`` on stderr) and nothing of it is written; the others
are still loaded, and the exit code is 1. A good document replaces the stored one of the
same name in one transaction, and its coverage line is printed. Afterwards every rule runs
over the stored documents of the municipalities and years touched, and the findings are
stored (replacing the earlier rule findings of those years).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from sqlalchemy.exc import SQLAlchemyError

from .. import pipeline
from ..readers import read_errors
from ..settings import Settings
from ..store import db, directions, repository


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="문서 파일 / document files (plain text)")
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file (default: SIJEONG_DB or ./sijeong.db)")
    parser.add_argument("--municipality", default="김포시", help="지방자치단체 / municipality (default: 김포시)")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.db)
    engine = db.create_engine_for(settings.db_url)
    try:
        db.migrate(engine)
        return _ingest(engine, args.files, args.municipality)
    finally:
        engine.dispose()


def _ingest(engine, files: list[str], municipality: str) -> int:
    failed = False
    touched: set[tuple[str, int | None]] = set()
    for path in files:
        doc = pipeline.load_path(path, municipality=municipality)
        errors = read_errors(doc)
        if errors:
            failed = True
            for f in errors:
                line = f.lines[0] if f.lines else 0
                _err(f"오류 / error: {path}:{line}: {f.message}")
            _err(f"{path}: 읽기 오류로 저장하지 않았습니다 / not stored because of read errors")
            continue
        try:
            with engine.begin() as conn:
                pipeline.apply_directions([doc], directions.user_directions(conn, municipality=doc.municipality))
                repository.save_document(conn, doc)
        except (SQLAlchemyError, ValueError) as e:
            failed = True
            _err(f"오류 / error: {path}: 저장 실패, 변경 없음 / saving failed, nothing changed: {e}")
            continue
        touched.add((doc.municipality, doc.year))
        if doc.coverage is not None:
            print(doc.coverage.line(doc.name))
        else:
            print(f"{doc.name}: 저장됨 / stored")
        kept = Counter(f.severity for f in doc.findings)
        if kept:
            parts = ", ".join(f"{n} {sev}" for sev, n in sorted(kept.items()))
            print(f"  읽기 참고사항 / read findings: {parts} (sijeong check)")
    if touched:
        _check(engine, touched)
    return 1 if failed else 0


def _check(engine, touched: set[tuple[str, int | None]]) -> None:
    """Run the rules over the stored documents of the touched municipalities and years."""
    with engine.begin() as conn:
        docs = []
        for municipality in sorted({m for m, _ in touched}):
            years = {y for m, y in touched if m == municipality}
            # a document without a year (loaded now or stored before) may belong with any
            # year: check them all, since its findings (year None) are replaced below
            undated = None in years or _has_undated(conn, municipality)
            year_filter = None if undated else sorted(years)
            docs.extend(repository.load_documents(conn, municipality=municipality, year=year_filter))
        findings = pipeline.check(docs)
        replace = set(touched) | {(m, None) for m, _ in touched}
        repository.save_findings(conn, findings, replace_for=sorted(replace, key=lambda p: (p[0], p[1] or 0)))
    counts = Counter(f.severity for f in findings)
    warnings = sum(1 for d in docs for f in d.findings if f.severity != "error")
    print(
        f"검증 / check: {len(findings)} rule findings "
        f"({counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, {counts.get('info', 0)} info); "
        f"{warnings} read warnings"
    )


def _has_undated(conn, municipality: str) -> bool:
    """Whether the municipality has a stored document without a year."""
    import sqlalchemy as sa

    from ..store.schema import table

    docs = table("documents")
    stmt = sa.select(docs.c.id).where(docs.c.municipality == municipality, docs.c.year.is_(None)).limit(1)
    return conn.execute(stmt).first() is not None
