"""``sijeong serve [--db URL] [--host 127.0.0.1] [--port 8000] [--workers N] [--public-url URL]
[--pdf-renders N]``: migrate the database, then run the web application with uvicorn.

The application is stateless (everything it shows is read from the database; its caches are
keyed on database content), so ``--workers N`` runs N uvicorn worker processes on the one
port. Each builds its app with the factory ``sijeong.web.app:app_from_env`` from the
environment this command sets (``SIJEONG_DB``, ``SIJEONG_MUNICIPALITY``,
``SIJEONG_PUBLIC_URL``, ``SIJEONG_PDF_RENDERS``, ``SIJEONG_PDF_SLOTS``); the PDF printers
are limited across all workers by lock files in one temporary directory. uvicorn's
``server: uvicorn`` header is turned off.
"""

from __future__ import annotations

import argparse

FACTORY = "sijeong.web.app:app_from_env"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="데이터베이스 URL 또는 SQLite 파일 경로 (기본: $SIJEONG_DB 또는 ./sijeong.db)")
    p.add_argument("--host", default="127.0.0.1", help="주소 (기본 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="포트 (기본 8000)")
    p.add_argument("--municipality", help="기본 지방자치단체 (기본: 설정값)")
    p.add_argument("--workers", type=int, default=1, help="작업 프로세스 수 (기본 1)")
    p.add_argument("--public-url", help="공개 주소; PDF 속 링크의 앞부분 (기본: $SIJEONG_PUBLIC_URL 또는 http://HOST:PORT)")
    p.add_argument("--pdf-renders", type=int, help="동시에 만드는 PDF 수, 모든 작업 프로세스 합계 (기본: $SIJEONG_PDF_RENDERS 또는 2)")


def run(args: argparse.Namespace) -> int:
    import os
    import shutil
    import tempfile

    import uvicorn

    from ..settings import Settings
    from ..store import create_engine_for, migrate

    workers = getattr(args, "workers", 1) or 1
    if workers < 1:
        print("--workers는 1 이상이어야 합니다 / --workers must be at least 1", flush=True)
        return 2
    settings = Settings.from_env(args.db)
    os.environ["SIJEONG_DB"] = settings.db_url
    if getattr(args, "municipality", None):
        os.environ["SIJEONG_MUNICIPALITY"] = args.municipality
    public = getattr(args, "public_url", None) or os.environ.get("SIJEONG_PUBLIC_URL")
    if not public:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        public = f"http://{host}:{args.port}"
    os.environ["SIJEONG_PUBLIC_URL"] = public
    if getattr(args, "pdf_renders", None):
        os.environ["SIJEONG_PDF_RENDERS"] = str(args.pdf_renders)
    slots = tempfile.mkdtemp(prefix="sijeong-pdf-slots-")
    os.environ["SIJEONG_PDF_SLOTS"] = slots
    settings = Settings.from_env()  # fail here, not in every worker, on a bad value

    engine = create_engine_for(settings.db_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    print(f"시정 웹 애플리케이션: http://{args.host}:{args.port}/ (DB {settings.db_url}, 작업 프로세스 {workers}, "
          f"공개 주소 {settings.public_url})", flush=True)
    try:
        uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port, workers=workers,
                    log_level="info", server_header=False)
    finally:
        shutil.rmtree(slots, ignore_errors=True)
    return 0
