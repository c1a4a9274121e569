"""Evaluation tables on SQLite and PostgreSQL: migration 0014 up and down, and a scheme scored
through sijeong.evaluation giving the same results and audit rows on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles

from sijeong import accounts, evaluation as ev, operations
from sijeong.store.db import create_engine_for

from tests.conftest import fresh_pg_database

ADMIN = operations.cli_actor()
PERF = operations.Actor("perf", "performance")
TABLES = {"evaluation_schemes", "evaluation_groups", "evaluation_members", "evaluation_components",
          "evaluation_assignments", "evaluation_scores", "evaluation_feedback", "joint_evaluations", "joint_groups",
          "joint_cities", "joint_indicators"}


@pytest.fixture(autouse=True)
def cheap_hashes():
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


def _up_and_down(eng):
    from alembic import command

    from sijeong.store.db import alembic_config, migrate

    migrate(eng, "0013")
    assert not TABLES & set(sa.inspect(eng).get_table_names())
    migrate(eng)
    assert TABLES <= set(sa.inspect(eng).get_table_names())
    command.downgrade(alembic_config(eng), "0013")
    assert not TABLES & set(sa.inspect(eng).get_table_names())
    migrate(eng)
    assert TABLES <= set(sa.inspect(eng).get_table_names())


def test_migration_0013_up_and_down_on_sqlite(tmp_path):
    eng = create_engine_for(f"sqlite:///{tmp_path / 'm.db'}")
    _up_and_down(eng)
    eng.dispose()


@pytest.mark.postgres
def test_migration_0013_up_and_down_on_postgresql():
    with fresh_pg_database("evaluation_test") as url:
        eng = create_engine_for(url)
        try:
            _up_and_down(eng)
        finally:
            eng.dispose()


def test_a_scheme_scored_and_published_on_either_database(engine):
    for login in ("ev1", "ev2", "ev3"):
        accounts.add_account(engine, ADMIN, login=login, role="evaluator", password="correct horse battery")
    sid = ev.configure(engine, PERF, municipality="김포시", year=2022, name="자체평가", trim="high_low", trim_min=3,
                       groups=[{"name": "읍면동", "departments": ["통진읍", "고촌읍", "양촌읍"]}],
                       components=[{"key": "q", "label": "정성평가", "weight": 100},
                                   {"key": "c", "label": "협업 가점", "weight": 2, "kind": "bonus"}])
    for login in ("ev1", "ev2", "ev3"):
        assert ev.assign(engine, PERF, scheme_id=sid, evaluator=login, component="q",
                         departments=["통진읍", "고촌읍", "양촌읍"]) == 3
    assert ev.assign(engine, PERF, scheme_id=sid, evaluator="ev1", component="q", departments=["통진읍"]) == 0
    given = {"통진읍": (90, 80.5, 70), "고촌읍": (85, 85, 60.25), "양촌읍": (100, 81, 79.99)}
    for dept, values in given.items():
        for login, v in zip(("ev1", "ev2", "ev3"), values):
            ev.score(engine, operations.Actor(login, "evaluator"), scheme_id=sid, component="q", department=dept,
                     value=v)
    ev.score(engine, PERF, scheme_id=sid, component="c", department="통진읍", value=0.25)
    with pytest.raises(operations.Refused):
        ev.score(engine, operations.Actor("ev9", "evaluator"), scheme_id=sid, component="q", department="통진읍",
                 value=1)
    with engine.connect() as conn:
        with pytest.raises(ev.Hidden):
            ev.results(conn, None, sid)
        with pytest.raises(ev.Hidden):
            ev.results(conn, operations.Actor("x", "editor", department="통진읍"), sid)
        body = ev.results(conn, operations.Actor("perf", "performance"), sid)
    # three scores, trimmed: the middle one is kept. 통진읍 80.5 + 0.25; 고촌읍 85; 양촌읍 81
    got = [(d["department"], d["total"], d["rank"]) for d in body["groups"][0]["departments"]]
    assert got == [("고촌읍", 85.0, 1), ("양촌읍", 81.0, 2), ("통진읍", 80.75, 3)]
    ev.publish(engine, PERF, scheme_id=sid, publication="departments", version=1)
    with engine.connect() as conn:
        mine = ev.results(conn, operations.Actor("x", "editor", department="통진읍"), sid)
        assert [d["department"] for g in mine["groups"] for d in g["departments"]] == ["통진읍"]
        with pytest.raises(ev.Hidden):
            ev.results(conn, None, sid)
        audit = conn.execute(sa.text("SELECT operation, count(*) FROM audit_log WHERE operation LIKE 'evaluation.%' "
                                     "GROUP BY operation ORDER BY operation")).all()
    assert dict(audit) == {"evaluation.assign": 9, "evaluation.configure": 1 + 1 + 3 + 2,
                           "evaluation.publish": 2, "evaluation.score": 10}
