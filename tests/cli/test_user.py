"""``sijeong user``: accounts from the command line, the password from standard input."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles

from sijeong import accounts
from sijeong.cli import main
from sijeong.store import db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))


def user(monkeypatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["user", *args])


def _rows(path, sql: str) -> list:
    engine = db.create_engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_add_list_disable_enable(tmp_path, monkeypatch, capsys):
    d = str(tmp_path / "u.db")
    assert user(monkeypatch, "add", "--login", "admin", "--role", "admin", "--db", d, stdin=PASSWORD + "\n") == 0
    assert user(monkeypatch, "add", "--login", "kim", "--role", "editor", "--department", "자치행정과",
                "--municipality", "김포시", "--db", d, stdin=PASSWORD + "\r\n") == 0
    capsys.readouterr()
    assert user(monkeypatch, "list", "--db", d) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == ["admin\tadmin\t-\t-\t사용\t-", "kim\teditor\t자치행정과\t김포시\t사용\t-"]
    ((stored,),) = _rows(tmp_path / "u.db", "SELECT password_hash FROM accounts WHERE login = 'kim'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts._verify(stored, PASSWORD)  # the line end is not part of the password

    assert user(monkeypatch, "disable", "--login", "kim", "--db", d) == 0
    assert user(monkeypatch, "list", "--db", d) == 0
    assert "kim\teditor\t자치행정과\t김포시\t중지\t-" in capsys.readouterr().out
    assert user(monkeypatch, "enable", "--login", "kim", "--db", d) == 0
    assert _rows(tmp_path / "u.db", "SELECT disabled FROM accounts WHERE login = 'kim'") == [(0,)]
    ops = [r[0] for r in _rows(tmp_path / "u.db", "SELECT operation FROM audit_log ORDER BY id")]
    assert ops == ["user.add", "user.add", "user.disable", "user.enable"]
    assert all(r[0].startswith("cli:") for r in _rows(tmp_path / "u.db", "SELECT actor FROM audit_log"))


@pytest.mark.parametrize("stdin, message", [("", "비어 있습니다"), ("\n", "비어 있습니다"), ("short\n", "10자 이상")])
def test_an_empty_or_short_password_is_refused(tmp_path, monkeypatch, capsys, stdin, message):
    d = str(tmp_path / "u.db")
    assert user(monkeypatch, "add", "--login", "kim", "--role", "viewer", "--db", d, stdin=stdin) == 1
    assert message in capsys.readouterr().err
    assert _rows(tmp_path / "u.db", "SELECT count(*) FROM accounts") == [(0,)]


@pytest.mark.parametrize("args, code, message", [
    (["add", "--login", "kim", "--role", "editor"], 1, "부서가 필요합니다"),
    (["add", "--login", "kim"], 2, "--role"),
    (["disable"], 2, "--login"),
    (["disable", "--login", "nobody"], 1, "계정이 없습니다"),
    (["token", "--login", "nobody"], 1, "계정이 없습니다"),
])
def test_mistakes_are_told_in_korean_and_change_nothing(tmp_path, monkeypatch, capsys, args, code, message):
    d = str(tmp_path / "u.db")
    assert user(monkeypatch, *args, "--db", d, stdin=PASSWORD + "\n") == code
    assert message in capsys.readouterr().err
    if (tmp_path / "u.db").exists():
        assert _rows(tmp_path / "u.db", "SELECT count(*) FROM audit_log") == [(0,)]


def test_a_login_is_taken_once(tmp_path, monkeypatch, capsys):
    d = str(tmp_path / "u.db")
    assert user(monkeypatch, "add", "--login", "kim", "--role", "viewer", "--db", d, stdin=PASSWORD) == 0
    assert user(monkeypatch, "add", "--login", " kim ", "--role", "admin", "--db", d, stdin=PASSWORD) == 1
    assert "이미 있는 아이디" in capsys.readouterr().err
    assert _rows(tmp_path / "u.db", "SELECT login, role FROM accounts") == [("kim", "viewer")]


def test_an_unknown_role_is_refused_by_the_parser(tmp_path, monkeypatch):
    with pytest.raises(SystemExit) as e:
        user(monkeypatch, "add", "--login", "kim", "--role", "boss", "--db", str(tmp_path / "u.db"))
    assert e.value.code == 2


def test_reset_and_token(tmp_path, monkeypatch, capsys):
    d = str(tmp_path / "u.db")
    assert user(monkeypatch, "add", "--login", "bot", "--role", "performance", "--db", d, stdin=PASSWORD) == 0
    assert user(monkeypatch, "reset", "--login", "bot", "--db", d, stdin="another long one\n") == 0
    ((stored,),) = _rows(tmp_path / "u.db", "SELECT password_hash FROM accounts")
    assert accounts._verify(stored, "another long one") and not accounts._verify(stored, PASSWORD)
    capsys.readouterr()

    assert user(monkeypatch, "token", "--login", "bot", "--db", d) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith(accounts.TOKEN_PREFIX) and len(token) > 40
    assert _rows(tmp_path / "u.db", "SELECT token_hash, revoked_at FROM api_tokens") == [
        (accounts.token_hash(token), None)]
    assert user(monkeypatch, "list", "--db", d) == 0
    assert "bot\tperformance\t-\t-\t사용\t있음" in capsys.readouterr().out
    assert user(monkeypatch, "token", "--login", "bot", "--revoke", "--db", d) == 0
    assert _rows(tmp_path / "u.db", "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL") == [(0,)]
    audit = repr(_rows(tmp_path / "u.db", "SELECT * FROM audit_log"))
    assert token not in audit and accounts.token_hash(token) not in audit and "$argon2" not in audit
    assert "another long one" not in audit and PASSWORD not in audit
