"""The SQL of accounts, sessions, API tokens and failed logins (``docs/security.md``).

Called by ``sijeong.accounts`` only: changes to accounts, sessions and tokens inside the
write path's transaction (``operations.write``), look-ups on the caller's connection.
A token is never stored: only its SHA-256 (``token_hash``). Times are UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from .schema import table

#: the account columns shown (never the password hash)
PUBLIC_COLUMNS = ("id", "login", "role", "department", "municipality", "disabled", "created_at", "changed_at")


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives it back naive)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


# --- accounts ------------------------------------------------------------------------------


def insert_account(conn: sa.Connection, *, login: str, role: str, department: str | None,
                   municipality: str | None, password_hash: str, now: dt.datetime) -> int:
    t = table("accounts")
    stmt = sa.insert(t).values(login=login, role=role, department=department, municipality=municipality,
                               password_hash=password_hash, disabled=False, created_at=now, changed_at=now)
    return conn.execute(stmt.returning(t.c.id)).scalar_one()


def account(conn: sa.Connection, *, login: str | None = None, account_id: int | None = None) -> dict[str, Any] | None:
    """One account by login or id, with its password hash."""
    t = table("accounts")
    cond = t.c.login == login if login is not None else t.c.id == account_id
    row = conn.execute(sa.select(t).where(cond)).mappings().first()
    return dict(row) if row is not None else None


def list_accounts(conn: sa.Connection, *, limit: int = 10_000) -> list[dict[str, Any]]:
    """Every account (without the hash) by login, with whether it has a live API token."""
    t, k = table("accounts"), table("api_tokens")
    has_token = sa.exists().where(k.c.account_id == t.c.id, k.c.revoked_at.is_(None))
    stmt = sa.select(*(t.c[c] for c in PUBLIC_COLUMNS), has_token.label("has_token")).order_by(t.c.login).limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def update_account(conn: sa.Connection, account_id: int, *, now: dt.datetime, **values: Any) -> None:
    t = table("accounts")
    conn.execute(sa.update(t).where(t.c.id == account_id).values(changed_at=now, **values))


# --- sessions ------------------------------------------------------------------------------


def insert_session(conn: sa.Connection, *, account_id: int, token_hash: str, via: str, now: dt.datetime,
                   expires_at: dt.datetime) -> int:
    t = table("sessions")
    stmt = sa.insert(t).values(account_id=account_id, token_hash=token_hash, via=via, created_at=now,
                               expires_at=expires_at, revoked_at=None)
    return conn.execute(stmt.returning(t.c.id)).scalar_one()


def revoke_session(conn: sa.Connection, session_id: int, *, now: dt.datetime) -> int:
    t = table("sessions")
    stmt = sa.update(t).where(t.c.id == session_id, t.c.revoked_at.is_(None)).values(revoked_at=now)
    return conn.execute(stmt).rowcount


def revoke_sessions(conn: sa.Connection, account_id: int, *, now: dt.datetime) -> int:
    """Revoke every live session of an account; returns how many."""
    t = table("sessions")
    stmt = (sa.update(t).where(t.c.account_id == account_id, t.c.revoked_at.is_(None), t.c.expires_at > now)
            .values(revoked_at=now))
    return conn.execute(stmt).rowcount


def _live_account_columns(a: sa.Table) -> list:
    return [a.c.id.label("account_id"), a.c.login, a.c.role, a.c.department, a.c.municipality]


def live_session(conn: sa.Connection, token_hash: str, *, now: dt.datetime) -> dict[str, Any] | None:
    """The session with this token hash, if not revoked nor expired and its account not
    disabled: its id, expiry and the account's columns."""
    s, a = table("sessions"), table("accounts")
    stmt = (sa.select(s.c.id.label("session_id"), s.c.expires_at, *_live_account_columns(a))
            .join(a, a.c.id == s.c.account_id)
            .where(s.c.token_hash == token_hash, s.c.revoked_at.is_(None), s.c.expires_at > now,
                   a.c.disabled.is_(False)))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


# --- API tokens ----------------------------------------------------------------------------


def insert_token(conn: sa.Connection, *, account_id: int, token_hash: str, now: dt.datetime) -> int:
    t = table("api_tokens")
    stmt = sa.insert(t).values(account_id=account_id, token_hash=token_hash, created_at=now, revoked_at=None)
    return conn.execute(stmt.returning(t.c.id)).scalar_one()


def revoke_tokens(conn: sa.Connection, account_id: int, *, now: dt.datetime) -> int:
    t = table("api_tokens")
    stmt = sa.update(t).where(t.c.account_id == account_id, t.c.revoked_at.is_(None)).values(revoked_at=now)
    return conn.execute(stmt).rowcount


def live_token(conn: sa.Connection, token_hash: str) -> dict[str, Any] | None:
    """The API token with this hash, if not revoked and its account not disabled."""
    k, a = table("api_tokens"), table("accounts")
    stmt = (sa.select(k.c.id.label("token_id"), *_live_account_columns(a))
            .join(a, a.c.id == k.c.account_id)
            .where(k.c.token_hash == token_hash, k.c.revoked_at.is_(None), a.c.disabled.is_(False)))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


# --- failed logins (the rate limit) --------------------------------------------------------


def record_failure(conn: sa.Connection, *, login: str, address: str, now: dt.datetime,
                   forget_before: dt.datetime) -> None:
    """One failed login; failures older than ``forget_before`` are dropped (they count no more)."""
    t = table("login_failures")
    conn.execute(sa.delete(t).where(t.c.at < forget_before))
    conn.execute(sa.insert(t).values(login=login, address=address, at=now))


def failure_times(conn: sa.Connection, *, since: dt.datetime, login: str | None = None,
                  address: str | None = None, limit: int = 1000) -> list[dt.datetime]:
    """When the failed logins of a login (or of an address) since ``since`` happened, oldest first."""
    t = table("login_failures")
    cond = t.c.login == login if login is not None else t.c.address == address
    stmt = sa.select(t.c.at).where(cond, t.c.at > since).order_by(t.c.at).limit(limit)
    return [utc(r) for r in conn.execute(stmt).scalars()]


def clear_failures(conn: sa.Connection, *, login: str) -> int:
    t = table("login_failures")
    return conn.execute(sa.delete(t).where(t.c.login == login)).rowcount
