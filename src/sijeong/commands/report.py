"""``sijeong report KIND --year Y [--department D] --format xlsx|hwpx|html|pdf -o FILE``.

Writes an official table (or ``all`` of them) from the documents in the database
(``--db``, default ``SIJEONG_DB`` or ``./sijeong.db``) or, with ``--files``, straight from
text files. ``KIND`` ``opendata`` writes CSV and JSON of every record kind with the data
dictionary into the directory ``-o``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KINDS = ("summary", "goals", "indicators", "settlement", "related_programs", "programs", "revenues", "plan")
ALL_SETTLEMENT = ("summary", "goals", "indicators", "settlement", "related_programs", "programs", "revenues")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=(*KINDS, "all", "opendata"),
                   help="보고서 종류 / report: " + ", ".join(KINDS) + ", all (성과보고서 표 전부), opendata")
    p.add_argument("--year", type=int, required=True, help="회계연도(계획연도) / fiscal or plan year")
    p.add_argument("--department", help="부서 / only this department")
    p.add_argument("--municipality", help="지방자치단체 / municipality (e.g. 김포시)")
    p.add_argument("--format", choices=("xlsx", "hwpx", "html", "pdf"), default="xlsx", help="출력 형식 / output format")
    p.add_argument("-o", "--output", required=True, help="출력 파일(opendata는 폴더) / output file (a folder for opendata)")
    p.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or file")
    p.add_argument("--files", nargs="+", metavar="FILE", help="데이터베이스 없이 이 파일들을 읽음 / read these files, no database")
    p.add_argument("--title", help="문서 제목 / document title")


def load(args) -> list:
    if args.files:
        from ..pipeline import load_path

        return [load_path(f, municipality=args.municipality or "김포시") for f in args.files]
    from ..settings import Settings
    from ..store import db, repository

    settings = Settings.from_env(args.db)
    engine = db.create_engine_for(settings.db_url)
    db.migrate(engine)
    try:
        with engine.connect() as conn:
            return list(repository.load_documents(conn, municipality=args.municipality, year=args.year))
    finally:
        engine.dispose()


def run(args) -> int:
    from ..reports import render
    from ..reports import tables as T

    try:
        docs = load(args)
    except Exception as e:  # a database that cannot be opened
        print(f"문서를 불러올 수 없습니다 / cannot load documents: {e}", file=sys.stderr)
        return 2
    if not docs:
        print("해당 문서가 없습니다 / no documents for this year and municipality", file=sys.stderr)
        return 1
    if args.kind == "opendata":
        from ..reports.opendata import export

        written = export(docs, args.output)
        print(f"{len(written)}개 파일 / files written to {args.output}")
        return 0
    kinds = ALL_SETTLEMENT if args.kind == "all" else (args.kind,)
    sel = dict(department=args.department, municipality=args.municipality)
    tables = [T.build(k, docs, args.year, **sel) for k in kinds]
    tables = [t for t in tables if t.rows]
    if not tables:
        who = f" ({args.department})" if args.department else ""
        print(f"{args.year}년{who} 자료가 없습니다 / no data for {args.year}{who}", file=sys.stderr)
        return 1
    title = args.title or " ".join(x for x in (args.municipality, f"{args.year}년", args.department) if x)
    out = Path(args.output)
    try:
        render(tables, args.format, out, title=title)
    except Exception as e:  # Chromium missing, unwritable path ...
        print(f"보고서를 쓰지 못했습니다 / cannot write the report: {e}", file=sys.stderr)
        return 2
    print(f"{out} ({args.format}, {len(tables)}개 표 / tables)")
    return 0
