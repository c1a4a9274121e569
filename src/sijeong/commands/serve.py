"""``sijeong serve [--db URL] [--host 127.0.0.1] [--port 8000]``: migrate the database, then
run the web application with uvicorn."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="데이터베이스 URL 또는 SQLite 파일 경로 (기본: $SIJEONG_DB 또는 ./sijeong.db)")
    p.add_argument("--host", default="127.0.0.1", help="주소 (기본 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="포트 (기본 8000)")
    p.add_argument("--municipality", help="기본 지방자치단체 (기본: 설정값)")


def run(args: argparse.Namespace) -> int:
    import dataclasses

    import uvicorn

    from ..settings import Settings
    from ..store import create_engine_for, migrate
    from ..web import create_app

    settings = Settings.from_env(args.db)
    if getattr(args, "municipality", None):
        settings = dataclasses.replace(settings, municipality=args.municipality)
    engine = create_engine_for(settings.db_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    app = create_app(settings)
    print(f"시정 웹 애플리케이션: http://{args.host}:{args.port}/ (DB {settings.db_url})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
