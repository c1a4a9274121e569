"""The command line: ``sijeong ingest | export | check | search | serve | report``.

Each subcommand lives in ``sijeong.commands.<name>`` with ``add_arguments(parser)`` and
``run(args) -> int``; this module only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, str] = {
    "ingest": "문서를 읽어 데이터베이스에 넣습니다 / load documents into the database",
    "export": "모델 전체를 내보냅니다 / export the whole model",
    "check": "모든 규칙으로 검증합니다 / run every rule and report findings",
    "search": "업무계획 전문 검색 / full-text search over plans",
    "serve": "웹 애플리케이션을 시작합니다 / start the web application",
    "report": "공식 서식 보고서를 만듭니다 / write official tables",
    "direction": "성과지표의 방향(높을수록/낮을수록 좋음)을 정합니다 / set an indicator's direction",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sijeong", description="시정 — 성과관리·예산 투명성 시스템")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        try:
            mod = importlib.import_module(f"sijeong.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"sijeong.commands.{name}":
                raise
            continue
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
