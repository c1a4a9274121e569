"""``sijeong direction --department D --indicator NAME higher|lower [--municipality M] [--db URL]``

Sets which way an indicator is better — the readers infer it (rank 위 and grade 등급 are
lower-is-better), a user may know better. The setting is kept apart from the documents, so
re-loading them keeps it; the stored indicators' computed rate and grade are recomputed at
once and the rules run again. ``--clear`` returns the indicator to the inferred direction.
"""

from __future__ import annotations

import argparse
import sys

import sqlalchemy as sa

from .. import pipeline
from ..rules import grade_of, infer_direction, rate_of
from ..settings import Settings
from ..store import db, directions, repository
from ..store.schema import record_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("direction", nargs="?", choices=directions.DIRECTIONS, help="higher: 높을수록 좋음, lower: 낮을수록 좋음")
    parser.add_argument("--department", required=True, help="부서 / department")
    parser.add_argument("--indicator", required=True, help="성과지표 이름 / indicator name as stored")
    parser.add_argument("--municipality", default="김포시")
    parser.add_argument("--clear", action="store_true", help="사용자 지정을 지웁니다 / back to the inferred direction")
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")


def run(args: argparse.Namespace) -> int:
    if not args.clear and not args.direction:
        print("오류 / error: higher 또는 lower를 주거나 --clear / give higher or lower, or --clear", file=sys.stderr)
        return 2
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        db.migrate(engine)
        with db.writing(engine) as conn:  # BEGIN IMMEDIATE on SQLite: waits for other writers
            t = record_table("indicator")
            where = (t.c.municipality == args.municipality, t.c.department == args.department, t.c.name == args.indicator)
            rows = conn.execute(sa.select(t.c.id, t.c.target, t.c.actual, t.c.unit, t.c.formula, t.c.year).where(*where)).all()
            if not rows:
                print(f"오류 / error: 지표를 찾지 못했습니다 / no such indicator: {args.municipality} {args.department} {args.indicator!r}",
                      file=sys.stderr)
                return 1
            if args.clear:
                directions.clear_direction(conn, municipality=args.municipality, department=args.department, name=args.indicator)
            else:
                directions.set_direction(conn, municipality=args.municipality, department=args.department,
                                         name=args.indicator, direction=args.direction)
            for r in rows:
                direction, basis = (args.direction, "user") if not args.clear else infer_direction(r.unit, args.indicator, r.formula)
                rate = rate_of(r.target, r.actual, direction)
                conn.execute(sa.update(t).where(t.c.id == r.id).values(
                    direction=direction, direction_basis=basis,
                    rate_computed=None if rate is None else round(rate, 4), grade_computed=grade_of(rate)))
            years = sorted({r.year for r in rows if r.year is not None})
            docs = repository.load_documents(conn, municipality=args.municipality, year=years or None)
            findings = pipeline.check(docs)
            repository.save_findings(conn, findings, replace_for=[(args.municipality, y) for y in years] + [(args.municipality, None)])
        label = "추론값으로 되돌림 / cleared" if args.clear else f"{args.direction}"
        print(f"{args.department} {args.indicator}: {label} ({len(rows)}개 연도 / years); 검증 {len(findings)}건 / findings")
        return 0
    finally:
        engine.dispose()
