"""Role × evaluation operation: admin and performance may do each; no other role any, except
that an evaluator scores — once assigned — and the editor and approver of an indicator's
department report its monthly 이행과제 (``joint.task``). A refusal writes nothing (no audit row)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles

from sijeong import accounts, evaluation as ev, joint_tasks, operations
from sijeong.store.db import create_engine_for, migrate

ADMIN = operations.cli_actor()
PERF = operations.Actor("perf", "performance")
ROLE_ACTORS = {
    "admin": operations.Actor("r_admin", "admin"),
    "performance": operations.Actor("r_perf", "performance"),
    "editor": operations.Actor("r_editor", "editor", department="A과"),
    "approver": operations.Actor("r_approver", "approver", department="A과"),
    "evaluator": operations.Actor("r_eval", "evaluator"),
    "viewer": operations.Actor("r_viewer", "viewer", department="A과"),
}
EVALUATION_OPERATIONS = sorted(k for k in operations.OPERATIONS if k.startswith(("evaluation.", "joint.")))


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    e = create_engine_for(f"sqlite:///{tmp_path_factory.mktemp('evroles') / 'r.db'}")
    migrate(e)
    accounts.add_account(e, ADMIN, login="r_eval", role="evaluator", password="correct horse battery")
    yield e
    e.dispose()
    accounts.HASHER = saved


def _operations(e, actor, n):
    """Each evaluation operation once, on a scheme and a joint evaluation of their own."""
    sid = ev.configure(e, PERF, municipality="김포시", year=2022, name=f"s{n}",
                       groups=[{"name": "g", "departments": ["A과", "B과"]}],
                       components=[{"key": "q", "label": "정성", "weight": 100}])
    jid = ev.configure_joint(e, PERF, municipality="김포시", year=2022, name=f"j{n}", city="김포",
                             groups=[{"name": "g", "cities": ["김포", "파주"]}],
                             indicators=[{"number": "1", "name": "지표", "department": "A과"},
                                         {"number": "2", "name": "남의 지표", "department": "B과"}])
    return sid, {
        "evaluation.configure": lambda: ev.configure(
            e, actor, municipality="김포시", year=2023, name=f"new{n}", groups=[{"name": "g", "departments": ["A과"]}],
            components=[{"key": "q", "label": "정성", "weight": 100}]),
        "evaluation.assign": lambda: ev.assign(e, actor, scheme_id=sid, evaluator="r_eval", component="q",
                                               departments=["B과"]),
        "evaluation.score": lambda: ev.score(e, actor, scheme_id=sid, component="q", department="B과", value=50),
        "evaluation.publish": lambda: ev.publish(e, actor, scheme_id=sid, publication="public", version=1),
        "evaluation.feedback": lambda: ev.write_feedback(e, actor, scheme_id=sid, department="A과", changes="x"),
        "joint.configure": lambda: ev.configure_joint(e, actor, municipality="김포시", year=2023, name=f"nj{n}",
                                                      city="김포", groups=[{"name": "g", "cities": ["김포"]}]),
        "joint.enter": lambda: ev.enter_joint(e, actor, evaluation_id=jid, city="파주", current_score=80,
                                              previous_score=70, version=1),
        "joint.result": lambda: ev.record_joint_result(e, actor, evaluation_id=jid, version=1, final_rank=4,
                                                       final_group_rank=3, final_score=None, prize_money=200_000_000),
        "joint.task": lambda: joint_tasks.enter_task(e, actor, evaluation_id=jid, indicator="1", month="2022-03",
                                                     task="점검", status="on_track"),
    }


def _audit_rows(e) -> int:
    with e.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()


def test_every_evaluation_operation_is_tried():
    assert EVALUATION_OPERATIONS == sorted([
        "evaluation.assign", "evaluation.configure", "evaluation.feedback", "evaluation.publish", "evaluation.score",
        "joint.configure", "joint.enter", "joint.result", "joint.task"])


@pytest.mark.parametrize("role", list(ROLE_ACTORS))
def test_role_against_evaluation_operation(eng, role):
    actor = ROLE_ACTORS[role]
    sid, ops = _operations(eng, actor, role)
    assert set(ops) == set(EVALUATION_OPERATIONS)
    # score before publish: the publish operation comes after it in this order
    for name in ["evaluation.configure", "evaluation.assign", "evaluation.score", "evaluation.feedback",
                 "evaluation.publish", "joint.configure", "joint.enter", "joint.result", "joint.task"]:
        before = _audit_rows(eng)
        if role in ("admin", "performance") or (name == "joint.task" and role in ("editor", "approver")):
            ops[name]()
            assert _audit_rows(eng) > before, (role, name)
        else:
            with pytest.raises(operations.Refused):
                ops[name]()
            assert _audit_rows(eng) == before, (role, name)
    if role == "evaluator":  # once assigned, the evaluator's score is taken
        ev.assign(eng, PERF, scheme_id=sid, evaluator="r_eval", component="q", departments=["B과"])
        before = _audit_rows(eng)
        assert ev.score(eng, actor, scheme_id=sid, component="q", department="B과", value=50)["score"] == 50
        assert _audit_rows(eng) > before


@pytest.mark.parametrize("role", ["editor", "approver"])
def test_a_department_reports_only_its_own_indicators_tasks(eng, role):
    actor = ROLE_ACTORS[role]
    _operations(eng, actor, f"own-{role}")
    with eng.connect() as conn:
        jid = max(j["id"] for j in ev.joint_list(conn))  # the one just configured
    before = _audit_rows(eng)
    with pytest.raises(operations.Refused):
        joint_tasks.enter_task(eng, actor, evaluation_id=jid, indicator="2", month="2022-03", task="x",
                               status="on_track")
    assert _audit_rows(eng) == before
