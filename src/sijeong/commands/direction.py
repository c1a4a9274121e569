"""``sijeong direction --department D --indicator NAME higher|lower [--municipality M] [--db URL]``

Sets which way an indicator is better — the readers infer it (rank 위 and grade 등급 are
lower-is-better), a user may know better. The setting is kept apart from the documents, so
re-loading them keeps it; through the write path (``operations.set_direction``) the stored
indicators' computed rate and grade are recomputed at once, the rules run again over the
years touched, and the change is kept in the audit log. ``--clear`` returns the indicator to
the inferred direction.
"""

from __future__ import annotations

import argparse
import sys

from ..settings import Settings
from ..store import db
from ..store.directions import DIRECTIONS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("direction", nargs="?", choices=DIRECTIONS, help="higher: 높을수록 좋음, lower: 낮을수록 좋음")
    parser.add_argument("--department", required=True, help="부서 / department")
    parser.add_argument("--indicator", required=True, help="성과지표 이름 / indicator name as stored")
    parser.add_argument("--municipality", default="김포시")
    parser.add_argument("--clear", action="store_true", help="사용자 지정을 지웁니다 / back to the inferred direction")
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")


def run(args: argparse.Namespace) -> int:
    from .. import operations

    if not args.clear and not args.direction:
        print("오류 / error: higher 또는 lower를 주거나 --clear / give higher or lower, or --clear", file=sys.stderr)
        return 2
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        db.migrate(engine)
        try:
            n, findings = operations.set_direction(
                engine, operations.cli_actor(), municipality=args.municipality, department=args.department,
                indicator=args.indicator, direction=None if args.clear else args.direction)
        except operations.Invalid as e:
            print(f"오류 / error: {e}", file=sys.stderr)
            return 1
        label = "추론값으로 되돌림 / cleared" if args.clear else f"{args.direction}"
        print(f"{args.department} {args.indicator}: {label} ({n}개 연도 / years); 검증 {len(findings)}건 / findings")
        return 0
    finally:
        engine.dispose()
