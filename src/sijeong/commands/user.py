"""``sijeong user add|list|disable|enable|reset|token``: accounts (``docs/security.md``).

``add`` and ``reset`` read the password from standard input (the first line; asked for twice
without echo at a terminal), never from the command line where ``ps`` and the shell's
history would keep it. ``token`` prints a new API token once (the previous one stops
working); ``token --revoke`` only revokes. Every change goes through the write path as the
command line's operator (``operations.cli_actor``) and is kept in the audit log, without
the password, its hash or the token.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ..settings import Settings
from ..store import db

ACTIONS = ("add", "list", "disable", "enable", "reset", "token")
STATUS = {False: "사용", True: "중지"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..operations import ROLES

    parser.add_argument("action", choices=ACTIONS,
                        help="add: 추가, list: 목록, disable: 사용 중지, enable: 다시 사용, reset: 비밀번호 재설정, "
                             "token: API 토큰 발급")
    parser.add_argument("--login", help="아이디 / login")
    parser.add_argument("--role", choices=ROLES, help="역할 / role (add)")
    parser.add_argument("--department", help="부서 / department (editor, approver: required)")
    parser.add_argument("--municipality", help="지방자치단체 / municipality (add)")
    parser.add_argument("--revoke", action="store_true", help="token: 발급하지 않고 폐기만 / revoke only")
    parser.add_argument("--db", help="데이터베이스 URL 또는 파일 / database URL or SQLite file")


def read_password(stream=None) -> str:
    """The password: asked twice without echo at a terminal, else the first line of ``stream``."""
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("비밀번호 / password: ")
        if getpass.getpass("한 번 더 / again: ") != first:
            raise ValueError("두 비밀번호가 다릅니다 / the passwords differ")
        return first
    return stream.readline().rstrip("\r\n")


def _fail(message: str, code: int = 1) -> int:
    print(f"오류 / error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from .. import accounts, operations

    if args.action != "list" and not args.login:
        return _fail(f"user {args.action}: --login이 필요합니다 / --login is required", 2)
    if args.action == "add" and not args.role:
        return _fail("user add: --role이 필요합니다 / --role is required", 2)
    engine = db.create_engine_for(Settings.from_env(args.db).db_url)
    actor = operations.cli_actor()
    try:
        db.migrate(engine)
        if args.action == "list":
            rows = accounts.list_accounts(engine)
            print("아이디\t역할\t부서\t지방자치단체\t상태\tAPI 토큰")
            for r in rows:
                print("\t".join([r["login"], r["role"], r["department"] or "-", r["municipality"] or "-",
                                 STATUS[bool(r["disabled"])], "있음" if r["has_token"] else "-"]))
            print(f"{len(rows)}개 계정 / accounts", file=sys.stderr)
            return 0
        if args.action in ("add", "reset"):
            try:
                password = read_password()
            except ValueError as e:
                return _fail(str(e))
        if args.action == "add":
            accounts.add_account(engine, actor, login=args.login, role=args.role, password=password,
                                 department=args.department, municipality=args.municipality)
            print(f"계정을 만들었습니다 / account added: {args.login} ({args.role})")
        elif args.action == "reset":
            n = accounts.reset_password(engine, actor, login=args.login, password=password)
            print(f"비밀번호를 바꿨습니다, 세션 {n}개 종료 / password reset, {n} sessions ended: {args.login}")
        elif args.action in ("disable", "enable"):
            revoked = accounts.set_disabled(engine, actor, login=args.login, disabled=args.action == "disable")
            if args.action == "disable":
                print(f"사용 중지 / disabled: {args.login} (세션 {revoked['sessions']}개, 토큰 {revoked['tokens']}개 폐기)")
            else:
                print(f"다시 사용 / enabled: {args.login}")
        elif args.revoke:
            n = accounts.revoke_token(engine, actor, login=args.login)
            print(f"API 토큰 {n}개 폐기 / tokens revoked: {args.login}")
        else:
            token = accounts.issue_token(engine, actor, login=args.login)
            print(token)
            print("이 토큰은 다시 볼 수 없습니다. Authorization: Bearer <토큰> / shown once; send as "
                  "Authorization: Bearer <token>", file=sys.stderr)
        return 0
    except (operations.Invalid, operations.Refused) as e:
        return _fail(str(e))
    finally:
        engine.dispose()
