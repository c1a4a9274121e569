"""``sijeong search QUERY [--year Y] [--department D] [--db URL] [--limit N]``

Full-text search in Korean over plan tasks (title, objectives, outline, schedule),
narratives and indicators. One line per hit: ``year department #number title (doc:line)``
(``[성과분석]``-style kind labels instead of ``#number`` for narratives and indicators).
"""

from __future__ import annotations

import argparse

from ..settings import Settings
from ..store import db, views

KIND_LABELS = {"plan_task": "과제", "narrative": "서술", "indicator": "성과지표"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY", help="검색어 / search terms (all must match)")
    parser.add_argument("--year", type=int, help="연도 / year")
    parser.add_argument("--department", help="부서 / department")
    parser.add_argument("--municipality", help="지방자치단체 / municipality")
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")
    parser.add_argument("--limit", type=int, default=20, help="최대 결과 수 / most hits (default 20)")
    parser.add_argument("--offset", type=int, default=0, help="건너뛸 결과 수 / hits to skip")


def format_hit(hit: dict) -> str:
    year = hit["year"] if hit["year"] is not None else "-"
    dept = hit["department"] or "-"
    if hit["kind"] == "plan_task" and hit["number"] is not None:
        mark = f"#{hit['number']}"
    else:
        mark = f"[{KIND_LABELS.get(hit['kind'], hit['kind'])}]"
    return f"{year} {dept} {mark} {hit['title']} ({hit['source_doc']}:{hit['source_line']})"


def run(args: argparse.Namespace) -> int:
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    try:
        db.migrate(engine)
        with engine.connect() as conn:
            hits = views.search(conn, args.query, year=args.year, department=args.department,
                          municipality=args.municipality, limit=args.limit, offset=args.offset)
            why = None
            if not hits:
                from .scope import empty_scope

                why = empty_scope(conn, municipality=args.municipality, years=[args.year] if args.year else None)
    finally:
        engine.dispose()
    for hit in hits:
        print(format_hit(hit))
        if hit.get("snippet"):
            print(f"    {hit['snippet']}")
    if not hits:
        print(f"결과 없음 / no results: {args.query}" + (f" — {why}" if why else ""))
        return 1
    return 0
