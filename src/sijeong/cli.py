"""The command line: ``sijeong ingest | export | check | search | serve | report | direction | user | cycle``.

Each subcommand lives in ``sijeong.commands.<name>`` with ``add_arguments(parser)`` and
``run(args) -> int``; this module only dispatches. Only the chosen command's module is
imported (``sijeong --help`` imports none), so a command pays for its own imports only.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

COMMANDS: dict[str, str] = {
    "ingest": "문서를 읽어 데이터베이스에 넣습니다 / load documents into the database",
    "export": "모델 전체를 내보냅니다 / export the whole model",
    "check": "모든 규칙으로 검증합니다 / run every rule and report findings",
    "search": "업무계획 전문 검색 / full-text search over plans",
    "serve": "웹 애플리케이션을 시작합니다 / start the web application",
    "report": "공식 서식 보고서를 만듭니다 / write official tables",
    "direction": "성과지표의 방향(높을수록/낮을수록 좋음)을 정합니다 / set an indicator's direction",
    "user": "계정을 관리합니다 / manage accounts (add, list, disable, enable, reset, token)",
    "cycle": "성과관리 실적 엑셀 양식을 쓰고 올립니다 / write and import the cycle's results spreadsheet",
}


#: argparse's English messages -> Korean (the English follows after " / ")
_MESSAGES = (
    (re.compile(r"unrecognized arguments: (?P<x>.*)"), "알 수 없는 인자입니다: {x}"),
    (re.compile(r"the following arguments are required: (?P<x>.*)"), "다음 인자가 필요합니다: {x}"),
    (re.compile(r"argument (?P<a>\S+): invalid choice: (?P<x>\S+) \(choose from (?P<c>.*)\)"),
     "{a}에 쓸 수 없는 값입니다: {x} (고를 수 있는 값: {c})"),
    (re.compile(r"argument (?P<a>\S+): invalid (?P<t>\w+) value: (?P<x>.*)"), "{a}의 값이 올바르지 않습니다({t}): {x}"),
    (re.compile(r"argument (?P<a>\S+): expected one argument"), "{a} 뒤에 값이 하나 필요합니다"),
    (re.compile(r"argument (?P<a>\S+): expected at least one argument"), "{a} 뒤에 값이 하나 이상 필요합니다"),
    (re.compile(r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)"), "{a}{j} {b}{k} 함께 쓸 수 없습니다"),
    (re.compile(r"ambiguous option: (?P<x>\S+) could match (?P<c>.*)"), "모호한 옵션입니다: {x} (후보: {c})"),
)


def korean_usage_error(message: str) -> str:
    """An argparse error in Korean first, then argparse's own English words."""
    for pattern, korean in _MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            parts = m.groupdict()
            if "b" in parts:  # particles by the final consonant of the option's last letter
                from .model.korean import josa

                parts["j"] = josa(parts["a"], "은/는")[len(parts["a"]):]
                parts["k"] = josa(parts["b"], "과/와")[len(parts["b"]):]
            return f"{korean.format(**parts)} / {message}"
    return f"명령줄 인자가 올바르지 않습니다 / {message}"


class KoreanArgumentParser(argparse.ArgumentParser):
    """Usage errors Korean first, with what to do next (``--help``); exit status 2 as before."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 오류 / error: {korean_usage_error(message)}\n"
                     f"도움말 / help: {self.prog} --help\n")


def _command_module(name: str):
    """The module of a command, or None when it is not there (not written yet)."""
    try:
        return importlib.import_module(f"sijeong.commands.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"sijeong.commands.{name}":
            raise
        return None


def _chosen(argv: list[str]) -> str | None:
    """The command named on the command line (the first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; the arguments of the command ``argv`` names (all commands when ``argv`` is
    None) are added, the others are listed by name only."""
    chosen = None if argv is None else _chosen(argv)
    parser = KoreanArgumentParser(prog="sijeong", description="시정 — 성과관리·예산 투명성 시스템")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        load = argv is None or name == chosen
        mod = _command_module(name) if load else None
        if load and mod is None:
            continue
        p = sub.add_parser(name, help=help_text, description=help_text)
        if mod is not None:
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
