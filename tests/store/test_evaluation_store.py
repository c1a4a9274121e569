

# --- role × operation ------------------------------------------------------------------------

ROLE_ACTORS = {
    "admin": operations.Actor("r_admin", "admin"),
    "performance": operations.Actor("r_perf", "performance"),
    "editor": operations.Actor("r_editor", "editor", department="A과"),
    "approver": operations.Actor("r_approver", "approver", department="A과"),
    "evaluator": operations.Actor("r_eval", "evaluator"),
    "viewer": operations.Actor("r_viewer", "viewer"),
}


@pytest.fixture(scope="module")
def matrix_engine(tmp_path_factory):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    eng = create_engine_for(f"sqlite:///{tmp_path_factory.mktemp('evroles') / 'r.db'}")
    from sijeong.store.db import migrate

    migrate(eng)
    accounts.add_account(eng, ADMIN, login="r_eval", role="evaluator", password="correct horse battery")
    yield eng
    eng.dispose()
    accounts.HASHER = saved


def _operations(eng, actor, n):
    """Each evaluation operation once, on a scheme and a joint evaluation of their own."""
    sid = ev.configure(eng, PERF, municipality="김포시", year=2022, name=f"s{n}",
                       groups=[{"name": "g", "departments": ["A과", "B과"]}],
                       components=[{"key": "q", "label": "정성", "weight": 100}])
    jid = ev.configure_joint(eng, PERF, municipality="김포시", year=2022, name=f"j{n}", city="김포",
                             groups=[{"name": "g", "cities": ["김포", "파주"]}])
    return {
        "evaluation.configure": lambda: ev.configure(
            eng, actor, municipality="김포시", year=2023, name=f"new{n}", groups=[{"name": "g", "departments": ["A과"]}],
            components=[{"key": "q", "label": "정성", "weight": 100}]),
        "evaluation.assign": lambda: ev.assign(eng, actor, scheme_id=sid, evaluator="r_eval", component="q",
                                               departments=["B과"]),
        "evaluation.score": lambda: ev.score(eng, actor, scheme_id=sid, component="q", department="B과", value=50),
        "evaluation.publish": lambda: ev.publish(eng, actor, scheme_id=sid, publication="public", version=1),
        "evaluation.feedback": lambda: ev.write_feedback(eng, actor, scheme_id=sid, department="A과", changes="x"),
        "joint.configure": lambda: ev.configure_joint(eng, actor, municipality="김포시", year=2023, name=f"nj{n}",
                                                      city="김포", groups=[{"name": "g", "cities": ["김포"]}]),
        "joint.enter": lambda: ev.enter_joint(eng, actor, evaluation_id=jid, city="파주", current_score=80,
                                              previous_score=70, version=1),
        "joint.result": lambda: ev.record_joint_result(eng, actor, evaluation_id=jid, version=1, final_rank=4,
                                                       final_group_rank=3, final_score=None, prize_money=200_000_000),
    }


EVALUATION_OPERATIONS = [k for k in operations.OPERATIONS if k.startswith(("evaluation.", "joint."))]


def test_the_matrix_names_every_evaluation_operation():
    assert sorted(EVALUATION_OPERATIONS) == sorted([
        "evaluation.configure", "evaluation.assign", "evaluation.score", "evaluation.publish", "evaluation.feedback",
        "joint.configure", "joint.enter", "joint.result"])


@pytest.mark.parametrize("role", list(ROLE_ACTORS))
def test_role_against_evaluation_operation(matrix_engine, role):
    """admin and performance may do every operation; nobody else any, except that an evaluator
    scores — and only once assigned. A refusal writes nothing."""
    actor = ROLE_ACTORS[role]
    ops = _operations(matrix_engine, actor, role)
    import sqlalchemy as sa

    def audit_count():
        with matrix_engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()

    for name in EVALUATION_OPERATIONS:
        before = audit_count()
        if role in ("admin", "performance"):
            ops[name]()
            assert audit_count() > before, (role, name)
        else:
            with pytest.raises(operations.Refused):
                ops[name]()
            assert audit_count() == before, (role, name)
    if role == "evaluator":
        ev.assign(matrix_engine, PERF, scheme_id=_scheme_id(matrix_engine, role), evaluator="r_eval", component="q",
                  departments=["B과"])
        ops["evaluation.score"]()  # now assigned: allowed


def _scheme_id(eng, n):
    with eng.connect() as conn:
        return next(s["id"] for s in ev.visible_schemes(conn, PERF) if s["name"] == f"s{n}")
