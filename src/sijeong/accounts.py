"""People: accounts, passwords, server-side sessions, API tokens, the login rate limit.

Every change to an account, a session or a token goes through the write path
(``operations.write``: the role check, one transaction, the audit log) under the operations
``user.*`` (the administrator's) and ``session.login`` / ``session.logout`` (everyone's own).
The audit rows name the account and what changed, never a password, a hash or a token.
The one write outside it is the count of failed logins the rate limit reads: it has no
actor (whoever typed a wrong password is nobody yet), and an audit row per guessed password
would let anyone fill the audit log.

- Passwords: argon2id (``argon2-cffi``, RFC 9106 low-memory profile), at least
  :data:`MIN_PASSWORD` characters; a hash made with weaker parameters is replaced at the
  next login.
- Sessions and API tokens: 32 random bytes from ``secrets``; only their SHA-256 is stored,
  so a copy of the database opens no session. A session ends after :data:`SESSION_LIFETIME`,
  at logout, or when its account is disabled or its password reset; an API token (one per
  account) when a new one is issued, when it is revoked, or when the account is disabled.
- CSRF: the token of a session is an HMAC of the session's own token (nothing stored), so
  it changes with every login and dies with the session; compared in constant time.
- Rate limit: at most :data:`MAX_FAILURES_PER_LOGIN` failed logins per login name and
  :data:`MAX_FAILURES_PER_ADDRESS` per client address in :data:`LOGIN_WINDOW`, counted in
  the database so the limit holds across worker processes; then :class:`RateLimited` with
  the seconds to wait, before any password is checked.

See ``docs/security.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import math
import secrets
import unicodedata
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from . import operations
from .operations import Actor, Invalid
from .store import accounts as store
from .store import db

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_LOGIN = 100
SESSION_LIFETIME = dt.timedelta(hours=12)
LOGIN_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_ADDRESS = 30
#: an API token starts with this, so that a leaked one is recognisable
TOKEN_PREFIX = "sjt_"
#: the longest session or API token taken from a request (longer ones are not looked up)
MAX_TOKEN = 200

#: the password hasher (tests may swap in a cheaper profile; verifying reads the parameters
#: from the hash itself)
HASHER = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
_dummy_hash: dict[str, str] = {}

WRONG = "아이디 또는 비밀번호가 올바르지 않습니다 / wrong login or password"


class LoginFailed(Exception):
    """A wrong password, an unknown login or a disabled account: one message for all three."""

    def __init__(self) -> None:
        super().__init__(WRONG)


class RateLimited(Exception):
    """Too many failed logins: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"로그인 시도가 너무 많습니다. {retry_after}초 뒤에 다시 시도해 주십시오 / "
                         f"too many failed logins: try again in {retry_after} s")
        self.retry_after = retry_after


@dataclasses.dataclass(frozen=True)
class Session:
    """A session just opened by :func:`login`: the token goes into the cookie, once."""

    token: str
    csrf_token: str
    actor: Actor
    session_id: int
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Authenticated:
    """Who a request is: by a session cookie (``by="session"``, with its CSRF token) or by an
    API token (``by="token"``)."""

    actor: Actor
    by: str
    session_id: int | None = None
    csrf_token: str | None = None
    expires_at: dt.datetime | None = None


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: an HMAC of the session's token (one way: it reveals nothing of it)."""
    return hmac.new(session_token.encode("utf-8"), b"sijeong csrf", hashlib.sha256).hexdigest()


def csrf_matches(expected: str | None, sent: str | None) -> bool:
    """Constant-time comparison of the CSRF token sent with the session's."""
    if not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), sent.encode("utf-8", "replace"))


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


# --- names and passwords -------------------------------------------------------------------


def clean_login(login: str) -> str:
    """A login as stored: NFC, without surrounding blanks; Invalid when empty, too long or
    holding control characters."""
    value = unicodedata.normalize("NFC", login or "").strip()
    if not value:
        raise Invalid("아이디가 비어 있습니다 / the login is empty")
    if len(value) > MAX_LOGIN:
        raise Invalid(f"아이디는 {MAX_LOGIN}자까지입니다 / the login is longer than {MAX_LOGIN} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise Invalid("아이디에 제어 문자를 쓸 수 없습니다 / control characters in the login")
    return value


def check_password(password: str) -> str:
    if not password:
        raise Invalid("비밀번호가 비어 있습니다 / the password is empty")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다 / the password must have at least "
                      f"{MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"비밀번호는 {MAX_PASSWORD}자까지입니다 / the password is longer than {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return HASHER.hash(check_password(password))


def _verify(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; an unknown account costs the same time (a dummy hash)."""
    if stored_hash is None or not password or len(password) > MAX_PASSWORD:
        key = repr(HASHER)
        if key not in _dummy_hash:
            _dummy_hash[key] = HASHER.hash(secrets.token_urlsafe(16))
        stored_hash, password = _dummy_hash[key], (password or "")[:MAX_PASSWORD] + "\x00"
        try:
            HASHER.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_of(row: dict[str, Any], via: str) -> Actor:
    return Actor(login=row["login"], role=row["role"], department=row["department"], via=via,
                 account_id=row.get("account_id", row.get("id")))


# --- the administrator's operations --------------------------------------------------------


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("login", "role", "department", "municipality")}


def _find(tx: operations.Tx, login: str) -> dict[str, Any]:
    row = store.account(tx.conn, login=clean_login(login))
    if row is None:
        raise Invalid(f"계정이 없습니다 / no such account: {login!r}")
    return row


def add_account(engine, actor: Actor, *, login: str, role: str, password: str, department: str | None = None,
                municipality: str | None = None) -> int:
    """A new account; Invalid for an unknown role, a department role without a department, a
    login taken, a short password."""
    login = clean_login(login)
    if role not in operations.ROLES:
        raise Invalid(f"알 수 없는 역할 / unknown role: {role!r} ({', '.join(operations.ROLES)})")
    department = (department or "").strip() or None
    municipality = (municipality or "").strip() or None
    if role in operations.DEPARTMENT_ROLES and not department:
        raise Invalid(f"{role} 역할에는 부서가 필요합니다 / the role {role} needs --department")
    password_hash = hash_password(password)  # before the transaction: hashing takes a while
    with operations.write(engine, actor, "user.add", municipality=municipality, recheck_scopes=False) as tx:
        if store.account(tx.conn, login=login) is not None:
            raise Invalid(f"이미 있는 아이디입니다 / the login is taken: {login!r}")
        account_id = store.insert_account(tx.conn, login=login, role=role, department=department,
                                          municipality=municipality, password_hash=password_hash, now=now())
        values = dict(login=login, role=role, department=department, municipality=municipality)
        tx.note("accounts", account_id, new=values, note="계정 추가 / account added")
    return account_id


def set_disabled(engine, actor: Actor, *, login: str, disabled: bool) -> dict[str, int]:
    """Disable an account (its sessions and API token are revoked at once) or enable it again.
    Returns how many sessions and tokens were revoked."""
    operation = "user.disable" if disabled else "user.enable"
    with operations.write(engine, actor, operation, recheck_scopes=False) as tx:
        row = _find(tx, login)
        t = now()
        revoked = {"sessions": 0, "tokens": 0}
        if disabled:
            revoked = {"sessions": store.revoke_sessions(tx.conn, row["id"], now=t),
                       "tokens": store.revoke_tokens(tx.conn, row["id"], now=t)}
        if row["disabled"] != disabled:
            store.update_account(tx.conn, row["id"], now=t, disabled=disabled)
        tx.note("accounts", row["id"], municipality=row["municipality"], field="disabled", old=row["disabled"],
                new=disabled, note=f"{row['login']}: 세션 {revoked['sessions']}개, 토큰 {revoked['tokens']}개 폐기 / "
                                   f"sessions and tokens revoked")
    return revoked


def reset_password(engine, actor: Actor, *, login: str, password: str) -> int:
    """A new password; the account's sessions are revoked. Returns how many."""
    password_hash = hash_password(password)
    with operations.write(engine, actor, "user.reset", recheck_scopes=False) as tx:
        row = _find(tx, login)
        t = now()
        store.update_account(tx.conn, row["id"], now=t, password_hash=password_hash)
        n = store.revoke_sessions(tx.conn, row["id"], now=t)
        tx.note("accounts", row["id"], municipality=row["municipality"], field="password",
                note=f"{row['login']}: 비밀번호 재설정, 세션 {n}개 폐기 / password reset, sessions revoked")
    return n


def issue_token(engine, actor: Actor, *, login: str) -> str:
    """A new API token for the account (the previous one is revoked); shown once, stored hashed."""
    token = new_token(TOKEN_PREFIX)
    with operations.write(engine, actor, "user.token", recheck_scopes=False) as tx:
        row = _find(tx, login)
        if row["disabled"]:
            raise Invalid(f"사용 중지된 계정입니다 / the account is disabled: {row['login']!r}")
        t = now()
        n = store.revoke_tokens(tx.conn, row["id"], now=t)
        token_id = store.insert_token(tx.conn, account_id=row["id"], token_hash=token_hash(token), now=t)
        tx.note("api_tokens", token_id, municipality=row["municipality"], new={"account": row["login"]},
                note=f"API 토큰 발급 (이전 토큰 {n}개 폐기) / token issued, previous revoked")
    return token


def revoke_token(engine, actor: Actor, *, login: str) -> int:
    with operations.write(engine, actor, "user.token", recheck_scopes=False) as tx:
        row = _find(tx, login)
        n = store.revoke_tokens(tx.conn, row["id"], now=now())
        tx.note("accounts", row["id"], municipality=row["municipality"], field="api_token",
                note=f"{row['login']}: API 토큰 {n}개 폐기 / tokens revoked")
    return n


def list_accounts(engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return store.list_accounts(conn)


# --- logging in and out --------------------------------------------------------------------


def _rate_key(login: str) -> str:
    return unicodedata.normalize("NFC", login or "").strip().casefold()[: MAX_LOGIN + 1]


def retry_after(conn, *, login: str, address: str, at: dt.datetime | None = None) -> int:
    """Seconds until this login name and address may try again (0: now)."""
    at = at or now()
    since = at - LOGIN_WINDOW
    wait = 0.0
    for key, limit in (({"login": _rate_key(login)}, MAX_FAILURES_PER_LOGIN),
                       ({"address": address}, MAX_FAILURES_PER_ADDRESS)):
        times = store.failure_times(conn, since=since, **key)
        if len(times) >= limit:
            free_at = times[len(times) - limit] + LOGIN_WINDOW
            wait = max(wait, (free_at - at).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else 0


def login(engine, *, login: str, password: str, address: str, via: str) -> Session:
    """Open a session: :class:`RateLimited` before any password is checked when this login or
    address failed too often, :class:`LoginFailed` (one message) on a wrong password, an
    unknown login or a disabled account."""
    key = _rate_key(login)
    address = (address or "unknown")[:200]
    with engine.connect() as conn:
        wait = retry_after(conn, login=login, address=address)
        try:
            row = None if wait else store.account(conn, login=clean_login(login))
        except Invalid:
            row = None
    if wait:
        raise RateLimited(wait)
    ok = _verify(row["password_hash"] if row else None, password)
    if not ok or row["disabled"]:
        t = now()
        with db.writing(engine) as conn:  # the count the rate limit reads (no actor: see the module doc)
            store.record_failure(conn, login=key, address=address, now=t, forget_before=t - LOGIN_WINDOW)
        raise LoginFailed()
    rehash = HASHER.hash(password) if HASHER.check_needs_rehash(row["password_hash"]) else None
    actor = actor_of(row, via)
    token = new_token()
    t = now()
    expires = t + SESSION_LIFETIME
    with operations.write(engine, actor, "session.login", municipality=row["municipality"],
                          department=actor.department, recheck_scopes=False) as tx:
        session_id = store.insert_session(tx.conn, account_id=row["id"], token_hash=token_hash(token), via=via,
                                          now=t, expires_at=expires)
        store.clear_failures(tx.conn, login=key)
        if rehash:
            store.update_account(tx.conn, row["id"], now=t, password_hash=rehash)
        tx.note("sessions", session_id, new={"account": actor.login, "via": via, "expires_at": expires.isoformat()},
                note="로그인 / login")
    return Session(token=token, csrf_token=csrf_token(token), actor=actor, session_id=session_id, expires_at=expires)


def logout(engine, auth: Authenticated) -> bool:
    """End the session the request came with (an API token has none to end)."""
    if auth.session_id is None:
        return False
    actor = auth.actor
    with operations.write(engine, actor, "session.logout", department=actor.department,
                          recheck_scopes=False) as tx:
        n = store.revoke_session(tx.conn, auth.session_id, now=now())
        tx.note("sessions", auth.session_id, field="revoked", old=False, new=True, note="로그아웃 / logout")
    return n == 1


def _token_shape(token: str | None) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN and token.isascii()


def resolve_session(conn, token: str | None, *, via: str) -> Authenticated | None:
    """Who the session token belongs to, if the session is live (on the caller's connection)."""
    if not _token_shape(token):
        return None
    row = store.live_session(conn, token_hash(token), now=now())
    if row is None:
        return None
    return Authenticated(actor=actor_of(row, via), by="session", session_id=row["session_id"],
                         csrf_token=csrf_token(token), expires_at=store.utc(row["expires_at"]))


def resolve_token(conn, token: str | None, *, via: str) -> Authenticated | None:
    """Who the API token belongs to, if it is live."""
    if not _token_shape(token):
        return None
    row = store.live_token(conn, token_hash(token))
    if row is None:
        return None
    return Authenticated(actor=actor_of(row, via), by="token")
