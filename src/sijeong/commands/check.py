"""``sijeong check``: run every rule and print the findings.

Documents come from the database (``--db``, default ``SIJEONG_DB`` or ``./sijeong.db``) or,
with ``--files``, straight from text files without a database. Findings are the command's
output, not its failure: the exit code is 0 unless the documents cannot be loaded at all.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..model import Document, Finding


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or file (기본: SIJEONG_DB 또는 ./sijeong.db)")
    p.add_argument("--files", nargs="+", metavar="FILE", help="데이터베이스 없이 이 파일들을 읽어 검증 / check these files without a database")
    p.add_argument("--format", choices=("text", "json"), default="text", help="출력 형식 / output format")
    p.add_argument("--rule", action="append", metavar="ID", help="이 규칙(또는 규칙 묶음)만 / only this rule id or family")


def load_from_db(url: str | None) -> list[Document]:
    from ..settings import Settings
    from ..store import db, repository

    settings = Settings.from_env(url)
    engine = db.create_engine_for(settings.db_url)
    db.migrate(engine)
    with engine.connect() as conn:
        return list(repository.load_documents(conn))


def load_files(paths: list[str]) -> list[Document]:
    from ..pipeline import load_path

    return [load_path(p) for p in paths]


def format_text(f: Finding) -> str:
    lines = ",".join(str(n) for n in f.lines)
    return f"{f.severity} {f.rule} {f.doc}:{lines} {f.message}"


def run(args: argparse.Namespace) -> int:
    from ..rules import run_rules

    if args.files:
        documents = load_files(args.files)
    else:
        try:
            documents = load_from_db(args.db)
        except ImportError as e:
            print(f"저장소를 쓸 수 없습니다 / the store is not available: {e}; --files FILE... 를 쓰세요", file=sys.stderr)
            return 2
    findings = [f for d in documents for f in d.findings if f.rule.startswith("read.")]
    findings += run_rules(documents, only=args.rule)
    if args.format == "json":
        json.dump([f.as_dict() for f in findings], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for f in findings:
            print(format_text(f))
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        print(f"# 문서 {len(documents)}개: 오류 {counts['error']}, 경고 {counts['warning']}, 참고 {counts['info']}",
              file=sys.stderr)
    return 0
