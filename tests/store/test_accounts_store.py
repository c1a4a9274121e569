"""Migration 0009 goes up and back down, and the account SQL keeps only hashes."""

import datetime as dt

import sqlalchemy as sa

from sijeong.store import accounts as store
from sijeong.store.db import alembic_config, create_engine_for, current_revision, migrate


def test_migration_0009_adds_the_account_tables_and_goes_back(tmp_path):
    from alembic import command

    eng = create_engine_for(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(eng, "0008")
    assert not {"accounts", "sessions", "api_tokens", "login_failures"} & set(sa.inspect(eng).get_table_names())
    migrate(eng)
    assert {"accounts", "sessions", "api_tokens", "login_failures"} <= set(sa.inspect(eng).get_table_names())
    command.downgrade(alembic_config(eng), "0008")
    assert current_revision(eng) == "0008"
    assert not {"accounts", "sessions", "api_tokens", "login_failures"} & set(sa.inspect(eng).get_table_names())
    eng.dispose()


def test_live_sessions_and_tokens(engine):
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        a = store.insert_account(conn, login="kim", role="viewer", department=None, municipality=None,
                                 password_hash="$argon2id$x", now=now)
        store.insert_session(conn, account_id=a, token_hash="h1", via="web", now=now,
                             expires_at=now + dt.timedelta(hours=1))
        store.insert_session(conn, account_id=a, token_hash="h2", via="web", now=now,
                             expires_at=now - dt.timedelta(seconds=1))
        store.insert_token(conn, account_id=a, token_hash="t1", now=now)
    with engine.connect() as conn:
        live = store.live_session(conn, "h1", now=now)
        assert (live["login"], live["account_id"]) == ("kim", a)
        assert store.live_session(conn, "h2", now=now) is None  # expired
        assert store.live_token(conn, "t1")["login"] == "kim"
        assert [r["has_token"] for r in store.list_accounts(conn)] == [True]
        assert "password_hash" not in store.list_accounts(conn)[0]
    with engine.begin() as conn:
        store.update_account(conn, a, now=now, disabled=True)
    with engine.connect() as conn:  # a disabled account's session and token stop at once
        assert store.live_session(conn, "h1", now=now) is None and store.live_token(conn, "t1") is None


def test_failures_are_counted_in_a_window_and_pruned(engine):
    now = dt.datetime.now(dt.timezone.utc)
    window = dt.timedelta(minutes=15)
    with engine.begin() as conn:
        for minutes in (20, 10, 5):
            at = now - dt.timedelta(minutes=minutes)
            conn.execute(sa.insert(store.table("login_failures")).values(login="kim", address="a", at=at))
        store.record_failure(conn, login="kim", address="b", now=now, forget_before=now - window)
    with engine.connect() as conn:
        times = store.failure_times(conn, since=now - window, login="kim")
        assert len(times) == 3 and times == sorted(times) and all(t.tzinfo for t in times)
        assert len(store.failure_times(conn, since=now - window, address="a")) == 2
        assert conn.execute(sa.text("SELECT count(*) FROM login_failures")).scalar_one() == 3  # the 20-minute one pruned
    with engine.begin() as conn:
        assert store.clear_failures(conn, login="kim") == 3
