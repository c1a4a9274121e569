"""``sijeong cycle sheet|import``: the performance cycle's spreadsheet round trip (``docs/cycle.md``).

``sheet`` writes the XLSX template of a year's confirmed plan indicators × periods (one
sheet per department, or only ``--department``'s) to ``-o``; ``import`` checks a filled one
whole and, when every cell is right, enters its changed actuals in one transaction as the
command line's operator (``operations.cli_actor``, channel ``upload``). A refused workbook
prints every error (sheet, row, column) and changes nothing: exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import Settings
from ..store import db

ACTIONS = ("sheet", "import")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="{sheet,import}")
    sheet = sub.add_parser("sheet", help="실적 입력 엑셀 양식 쓰기 / write the template",
                           description="실적 입력 엑셀 양식 쓰기 / write the template")
    imp = sub.add_parser("import", help="채운 양식 올리기 / apply a filled template",
                         description="채운 양식 올리기 / apply a filled template")
    imp.add_argument("file", help="채운 엑셀 파일 / the filled workbook")
    sheet.add_argument("--department", help="이 부서의 시트만 / only this department's sheet")
    sheet.add_argument("-o", "--output", required=True, help="쓸 파일 / the file to write")
    for p in (sheet, imp):
        p.add_argument("--year", type=int, required=True, help="연도 / the cycle's year")
        p.add_argument("--municipality", help="지방자치단체 / municipality (default SIJEONG_MUNICIPALITY)")
        p.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")


def _fail(message: str, code: int = 1) -> int:
    print(f"오류 / error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from .. import cycle, cycle_sheet, operations

    settings = Settings.from_env(args.db)
    municipality = args.municipality or settings.municipality
    engine = db.create_engine_for(settings.db_url)
    try:
        db.migrate(engine)
        if args.action == "sheet":
            with engine.connect() as conn:
                data = cycle_sheet.template(conn, municipality, args.year, args.department)
            Path(args.output).write_bytes(data)
            print(f"{args.output}: {municipality} {args.year}년 실적 입력 양식 / template written", file=sys.stderr)
            return 0
        path = Path(args.file)
        try:
            with path.open("rb") as f:
                data = f.read(cycle_sheet.MAX_BYTES + 1)
        except OSError as e:
            return _fail(f"{path}: 읽을 수 없습니다 / cannot read: {e.strerror or e}")
        counts = cycle_sheet.apply(engine, operations.cli_actor(), municipality, args.year, data, path.name)
        print(f"새 실적 / created {counts['created']}, 고친 실적 / updated {counts['updated']}, "
              f"바뀌지 않은 행 / unchanged {counts['unchanged']} (시트 / sheets {counts['sheets']}, 행 / rows {counts['rows']})")
        return 0
    except cycle_sheet.SheetRejected as e:
        for err in e.errors:
            print(err.message, file=sys.stderr)
        return _fail(str(e))
    except (cycle.NotFound, cycle.Locked, operations.Refused) as e:
        return _fail(str(e))
    finally:
        engine.dispose()
