"""``sijeong export [--db URL] --format json [-o FILE] [--municipality M] [--year Y]``

Writes one JSON object (schema: ``docs/export.md``): ``documents``, one key per record
table (``departments``, ``indicators``, ``policy_goals``, ``programs`` ...), ``tables``
and ``findings``. It is streamed: rows are read in batches and written one by one, one
record per line, so the whole model is never held in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable

from ..settings import Settings
from ..store import db, views


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")
    parser.add_argument("--format", choices=["json"], default="json", help="형식 / format (json)")
    parser.add_argument("-o", "--output", metavar="FILE", help="출력 파일 / output file (default: standard output)")
    parser.add_argument("--municipality", help="지방자치단체만 / only this municipality")
    parser.add_argument("--year", type=int, help="연도만 / only this year")


def run(args: argparse.Namespace) -> int:
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        db.migrate(engine)
        filters = {"municipality": args.municipality, "year": args.year}
        from .scope import empty_scope

        with engine.connect() as conn:
            why = empty_scope(conn, municipality=args.municipality, years=[args.year] if args.year else None)
        if why and (args.municipality or args.year):  # a scope asked for that holds nothing: say so
            print(f"내보낼 것이 없습니다, 파일을 쓰지 않았습니다 / nothing to export, no file written: {why}",
                  file=sys.stderr)
            return 1
        if why:  # the whole database is empty: its (empty) export, with the reason beside it
            print(f"경고 / warning: {why}", file=sys.stderr)
        if not args.output:
            with engine.connect() as conn:
                write_export(conn, sys.stdout, **filters)
            return 0
        target = Path(args.output)
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".json", dir=target.parent.resolve())
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out, engine.connect() as conn:
                write_export(conn, out, **filters)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; give it the usual mode
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        print(f"내보냄 / exported: {target}", file=sys.stderr)
        return 0
    finally:
        engine.dispose()


# --- streaming -------------------------------------------------------------------------


def _write_array(out: IO[str], key: str, items: Iterable[dict[str, Any]], first: bool) -> None:
    out.write(("" if first else ",\n") + json.dumps(key) + ": [")
    sep = "\n"
    for item in items:
        out.write(sep + json.dumps(item, ensure_ascii=False, allow_nan=False))
        sep = ",\n"
    out.write("\n]" if sep != "\n" else "]")


def write_export(conn, out: IO[str], *, municipality: str | None = None, year: int | None = None) -> None:
    """Write the export object to ``out``, record by record (the shape: ``store.serialize``;
    the arrays and their order: ``store.views.export_sections``)."""
    out.write("{\n")
    first = True
    for key, items in views.export_sections(conn, municipality=municipality, year=year):
        _write_array(out, key, items, first=first)
        first = False
    out.write("\n}\n")
