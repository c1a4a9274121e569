"""Roles × the account operations, allowed and refused; ``docs/security.md`` prints the role ×
operation table of ``operations.OPERATIONS`` as it is (``SIJEONG_DOCS_UPDATE=1`` rewrites it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles

from sijeong import accounts, operations
from sijeong.operations import DEPARTMENT_ROLES, OPERATIONS, ROLES, Actor, Refused

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- roles:begin (generated from operations.OPERATIONS) -->", "<!-- roles:end -->"
PASSWORD = "correct horse battery"
DEPARTMENT = "자치행정과"


def role_table() -> str:
    """The role × operation table in Markdown: ✓ allowed, ✓ᵈ allowed in the actor's own department."""
    roles = operations.ACTOR_ROLES  # the staff's roles and the resident's (주민참여예산)
    head = "| 작업 / operation | 설명 / what | " + " | ".join(f"`{r}`" for r in roles) + " |"
    rule = "|---|---|" + "---|" * len(roles)
    lines = [head, rule]
    for op in OPERATIONS.values():
        cells = [("✓ᵈ" if r in DEPARTMENT_ROLES else "✓") if r in op.roles else "–" for r in roles]
        lines.append(f"| `{op.name}` | {op.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_docs_security_prints_the_role_operation_table_as_it_is():
    text = DOC.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"{DOC.name} lacks the markers of the generated table"
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    want = "\n" + role_table() + "\n"
    if os.environ.get("SIJEONG_DOCS_UPDATE") == "1":
        DOC.write_text(text[:start] + want + text[end:], encoding="utf-8")
        return
    assert text[start:end] == want, f"docs/security.md is behind operations.OPERATIONS; expected:\n{want}" \
                                    "(SIJEONG_DOCS_UPDATE=1 pytest tests/core/test_security.py rewrites it)"


# --- the matrix -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cheap():
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


@pytest.fixture
def accounts_db(engine, cheap):
    """The conftest's migrated, empty database (SQLite and PostgreSQL) with one account."""
    accounts.add_account(engine, operations.cli_actor(), login="target", role="viewer", password=PASSWORD)
    return engine


def _actor(role: str) -> Actor:
    return Actor(login=f"u-{role}", role=role, department=DEPARTMENT if role in DEPARTMENT_ROLES else None, via="api")


def _state(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id")).all()
                     for t in ("accounts", "sessions", "api_tokens", "audit_log"))


ACCOUNT_OPS = {
    "user.add": lambda e, a: accounts.add_account(e, a, login="new", role="viewer", password=PASSWORD),
    "user.disable": lambda e, a: accounts.set_disabled(e, a, login="target", disabled=True),
    "user.enable": lambda e, a: accounts.set_disabled(e, a, login="target", disabled=False),
    "user.reset": lambda e, a: accounts.reset_password(e, a, login="target", password="another long one"),
    "user.token": lambda e, a: accounts.issue_token(e, a, login="target"),
}


def test_every_account_operation_is_in_the_matrix():
    assert {n for n in OPERATIONS if n.startswith("user.")} == set(ACCOUNT_OPS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(ACCOUNT_OPS))
def test_role_against_account_operation(accounts_db, role, operation):
    engine = accounts_db
    actor = _actor(role)
    before = _state(engine)
    if role in OPERATIONS[operation].roles:
        ACCOUNT_OPS[operation](engine, actor)
        after = _state(engine)
        last = after[3][-1]._mapping
        assert (last["operation"], last["actor"], last["role"], last["via"]) == (operation, actor.login, role, "api")
    else:
        with pytest.raises(Refused):
            ACCOUNT_OPS[operation](engine, actor)
        assert _state(engine) == before  # nothing written, not even an audit row
    assert role == "admin" or role not in OPERATIONS[operation].roles  # today: the administrator's alone


@pytest.mark.parametrize("role", ROLES)
def test_every_role_logs_in_and_out_in_its_own_name(accounts_db, role):
    engine = accounts_db
    assert {"session.login", "session.logout"} <= {n for n, op in OPERATIONS.items() if role in op.roles}
    accounts.add_account(engine, operations.cli_actor(), login=f"p-{role}", role=role, password=PASSWORD,
                         department=DEPARTMENT if role in DEPARTMENT_ROLES else None)
    session = accounts.login(engine, login=f"p-{role}", password=PASSWORD, address="a", via="web")
    assert (session.actor.role, session.actor.department) == (role, DEPARTMENT if role in DEPARTMENT_ROLES else None)
    with engine.connect() as conn:
        found = accounts.resolve_session(conn, session.token, via="web")
    assert found is not None and found.actor == session.actor and found.csrf_token == session.csrf_token
    assert accounts.logout(engine, found)
    with engine.connect() as conn:
        assert accounts.resolve_session(conn, session.token, via="web") is None
        ops = [r[0] for r in conn.execute(sa.text("SELECT operation FROM audit_log WHERE actor = :a ORDER BY id"),
                                          {"a": f"p-{role}"})]
    assert ops == ["session.login", "session.logout"]


def test_a_department_role_may_not_log_a_session_in_for_another_department():
    """The write path's department rule holds for the session operations too."""
    actor = Actor(login="x", role="editor", department=DEPARTMENT)
    assert operations.allowed(actor, "session.login", DEPARTMENT)
    assert not operations.allowed(actor, "session.login", "다른과")


def test_the_default_hasher_is_argon2id_of_rfc_9106():
    assert re.match(r"^\$argon2id\$v=19\$m=65536,t=3,p=4\$", PasswordHasher.from_parameters(
        profiles.RFC_9106_LOW_MEMORY).hash("x" * 10))
    assert accounts.HASHER.type.name == "ID"


def test_a_weaker_hash_is_replaced_at_the_next_login(accounts_db):
    engine = accounts_db
    strong = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    saved = accounts.HASHER
    try:
        with engine.begin() as conn:  # a hash made with the cheapest parameters, as if by an older sijeong
            conn.execute(sa.text("UPDATE accounts SET password_hash = :h WHERE login = 'target'"),
                         {"h": PasswordHasher.from_parameters(profiles.CHEAPEST).hash(PASSWORD)})
        accounts.HASHER = strong
        accounts.login(engine, login="target", password=PASSWORD, address="a", via="web")
    finally:
        accounts.HASHER = saved
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM accounts WHERE login = 'target'")).scalar_one()
    assert not strong.check_needs_rehash(stored)
