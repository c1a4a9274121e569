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
    p.add_argument("kind", choices=(*KINDS, "all", "opendata", "plan-book"),
                   help="보고서 종류 / report: " + ", ".join(KINDS) + ", all (성과보고서 표 전부), opendata, "
                        "plan-book (입력된 성과계획서 / the plan entered in sijeong)")
    p.add_argument("--year", type=int, required=True, help="회계연도(계획연도) / fiscal or plan year")
    p.add_argument("--department", help="부서 / only this department")
    p.add_argument("--municipality", help="지방자치단체 / municipality (e.g. 김포시)")
    p.add_argument("--format", choices=("xlsx", "hwpx", "html", "pdf"),
                   help="출력 형식 / output format (기본: 출력 파일의 확장자, 없으면 xlsx / default: the output's extension, else xlsx)")
    p.add_argument("-o", "--output", required=True, help="출력 파일(opendata는 폴더) / output file (a folder for opendata)")
    p.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or file")
    p.add_argument("--files", nargs="+", metavar="FILE", help="데이터베이스 없이 이 파일들을 읽음 / read these files, no database")
    p.add_argument("--title", help="문서 제목 / document title")


EXTENSIONS = {".xlsx": "xlsx", ".hwpx": "hwpx", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def output_format(fmt: str | None, output: str) -> str:
    """The format to write: ``--format`` when given, else the output's extension (xlsx when it
    has none). A known or unknown extension that contradicts the format is refused, so
    ``-o x.docx`` never holds XLSX bytes."""
    ext = Path(output).suffix.lower()
    by_ext = EXTENSIONS.get(ext)
    if ext and by_ext is None:
        raise ValueError(f"{output}: 확장자 {ext}로는 쓸 수 없습니다. 쓸 수 있는 형식: .xlsx, .hwpx, .html, .pdf / "
                         f"cannot write a {ext} file; formats written: .xlsx, .hwpx, .html, .pdf")
    if fmt and by_ext and fmt != by_ext:
        raise ValueError(f"{output}: 확장자({ext})와 형식({fmt})이 다릅니다 / the extension {ext} contradicts --format {fmt}")
    return fmt or by_ext or "xlsx"


def heading(tables: list, *, municipality: str | None, year: int, department: str | None) -> str:
    """The report's title: municipality, year, the document family, the table's name when
    there is one table, and the department (``김포시 2020년 성과보고서 사업별조서 — 기획담당관``)."""
    from ..reports.html import FAMILY

    family = FAMILY.get(tables[0].kind, "성과보고서") if tables else "성과보고서"
    words = [municipality, f"{year}년", family]
    if len(tables) == 1 and not tables[0].title.startswith(f"{year}년 {family}"):
        words.append(tables[0].title)
    title = " ".join(w for w in words if w)
    return f"{title} — {department}" if department else title


def load(args) -> list:
    if args.files:
        from ..pipeline import load_path

        return [load_path(f, municipality=args.municipality or "김포시") for f in args.files]
    from ..settings import Settings
    from ..store import db, views

    settings = Settings.from_env(args.db)
    engine = db.create_engine_for(settings.db_url)
    db.migrate(engine)
    try:
        with engine.connect() as conn:
            return list(views.load_documents(conn, municipality=args.municipality, year=args.year))
    finally:
        engine.dispose()


def open_findings(args, docs: list, tables: list) -> list[dict]:
    """The errors standing against the printed figures: of the files given (read findings and
    the rules'), or those stored and not marked 조치 완료 / 오탐."""
    if args.files:
        from ..pipeline import check

        found = [f for d in docs for f in d.findings] + check(docs)
        return [f.as_dict() for f in found if f.severity == "error"]
    from ..settings import Settings
    from ..store import db, views

    used = {rc.source.doc for t in tables for _, _, rc in t.body_grid() if rc.source is not None}
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        with engine.connect() as conn:
            return views.open_errors_on(conn, args.municipality or _one({d.municipality for d in docs}), None, used)
    finally:
        engine.dispose()


def run(args) -> int:
    from ..reports import render
    from ..reports import tables as T

    if args.kind != "opendata":
        try:
            fmt = output_format(args.format, args.output)
        except ValueError as e:
            print(f"오류 / error: {e}", file=sys.stderr)
            return 2
    if args.kind == "plan-book":
        return plan_book(args, fmt)
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
    municipality = args.municipality or _one({d.municipality for d in docs})
    for t in tables:
        t.municipality = t.municipality or municipality
    title = args.title or heading(tables, municipality=municipality, year=args.year, department=args.department)
    out = Path(args.output)
    try:
        render(tables, fmt, out, title=title, findings=open_findings(args, docs, tables) if fmt == "xlsx" else None)
    except Exception as e:  # Chromium missing, unwritable path ...
        print(f"보고서를 쓰지 못했습니다 / cannot write the report: {e}", file=sys.stderr)
        return 2
    print(f"{out} ({fmt}, {len(tables)}개 표 / tables)")
    return 0


def plan_book(args, fmt: str) -> int:
    """``sijeong report plan-book --year Y``: the 성과계획서 tables of the plan confirmed in sijeong."""
    from .. import cycle
    from ..reports import render
    from ..settings import Settings
    from ..store import db

    if args.files:
        print("plan-book은 데이터베이스에서 만듭니다(--files 없이) / plan-book is made from the database, "
              "not --files", file=sys.stderr)
        return 2
    settings = Settings.from_env(args.db)
    municipality = args.municipality or settings.municipality
    try:
        engine = db.create_engine_for(settings.db_url)
        db.migrate(engine)
        with engine.connect() as conn:
            table = cycle.plan_book(conn, municipality, args.year, args.department)
        engine.dispose()
    except Exception as e:  # a database that cannot be opened
        print(f"데이터베이스를 열 수 없습니다 / cannot open the database: {e}", file=sys.stderr)
        return 2
    if not table.rows:
        print(f"{args.year}년 확정된 성과계획이 없습니다 / no confirmed plan for {municipality} {args.year}", file=sys.stderr)
        return 1
    title = args.title or f"{municipality} {args.year}년 성과계획서" + (f" — {args.department}" if args.department else "")
    out = Path(args.output)
    try:
        render([table], fmt, out, title=title)
    except Exception as e:  # Chromium missing, unwritable path ...
        print(f"보고서를 쓰지 못했습니다 / cannot write the report: {e}", file=sys.stderr)
        return 2
    print(f"{out} ({fmt}, 1개 표 / table)")
    return 0


def _one(values: set):
    values.discard(None)
    return next(iter(values)) if len(values) == 1 else None
