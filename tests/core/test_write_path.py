"""The write path (``sijeong.operations``): the role is checked before anything is written, one
transaction holds the change, its audit rows and the re-check, a stale edit changes nothing."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong import operations
from sijeong.cli import main
from sijeong.operations import Actor, Invalid, Refused, Stale, write
from sijeong.store import db, writes
from sijeong.store.schema import table

SAMPLE = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*결산*.txt"))[0]
M = "예시시"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("wp") / "w.db"
    assert main(["ingest", str(SAMPLE), "--db", str(path), "--municipality", M]) == 0
    return path


@pytest.fixture
def engine(loaded, tmp_path):
    copy = tmp_path / "w.db"
    copy.write_bytes(loaded.read_bytes())
    e = db.create_engine_for(f"sqlite:///{copy}")
    yield e
    e.dispose()


def _one_indicator(engine) -> dict:
    t = table("indicators")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t).where(t.c.municipality == M, t.c.direction == "higher",
                                               t.c.target > 0, t.c.actual > 0, t.c.target != t.c.actual)
                            .order_by(t.c.id)).mappings().all()
    assert rows, "the sample has an indicator with a target and an actual"
    return dict(rows[0])


def _audit(engine) -> list[dict]:
    with engine.connect() as conn:
        return writes.audit_rows(conn, municipality=M)


def _state(engine) -> tuple:
    with engine.connect() as conn:
        ind = conn.execute(sa.text("SELECT id, direction, rate_computed, grade_computed FROM indicators ORDER BY id")).all()
        dirs = conn.execute(sa.text("SELECT municipality, department, name, direction FROM indicator_directions")).all()
        f = conn.execute(sa.text("SELECT rule, message FROM findings ORDER BY id")).all()
    return ind, dirs, f


@pytest.mark.parametrize("role", [r for r in operations.ROLES if r not in ("admin", "performance")])
def test_a_role_without_the_right_changes_nothing(engine, role):
    ind = _one_indicator(engine)
    before, audit = _state(engine), _audit(engine)
    actor = Actor(login=f"u-{role}", role=role, department=ind["department"], via="api")
    with pytest.raises(Refused):
        operations.set_direction(engine, actor, municipality=M, department=ind["department"],
                                 indicator=ind["name"], direction="lower")
    assert _state(engine) == before and _audit(engine) == audit


def test_setting_a_direction_recomputes_records_and_rechecks(engine):
    ind = _one_indicator(engine)
    actor = Actor(login="perf", role="performance", via="web")
    n, findings = operations.set_direction(engine, actor, municipality=M, department=ind["department"],
                                           indicator=ind["name"], direction="lower")
    assert n >= 1 and isinstance(findings, list)
    with engine.connect() as conn:
        row = writes.get_row(conn, "indicators", ind["id"])
    assert (row["direction"], row["direction_basis"]) == ("lower", "user")
    assert row["rate_computed"] == pytest.approx(ind["target"] / ind["actual"] * 100, abs=1e-3)
    last = _audit(engine)[0]
    assert (last["actor"], last["role"], last["via"], last["operation"]) == ("perf", "performance", "web",
                                                                             "indicator.direction")
    assert (last["entity"], last["field"], last["old_value"], last["new_value"]) == (
        "indicator_directions", "direction", None, "lower")
    # cleared: back to the inferred direction, the old value recorded
    operations.set_direction(engine, actor, municipality=M, department=ind["department"], indicator=ind["name"],
                             direction=None)
    with engine.connect() as conn:
        row = writes.get_row(conn, "indicators", ind["id"])
    assert row["direction"] == "higher" and row["direction_basis"] != "user"
    assert row["rate_computed"] == pytest.approx(ind["rate_computed"])
    assert _audit(engine)[0]["old_value"] == "lower"


def test_an_unknown_indicator_is_invalid_and_changes_nothing(engine):
    before, audit = _state(engine), _audit(engine)
    with pytest.raises(Invalid):
        operations.set_direction(engine, operations.cli_actor(), municipality=M, department="없는과",
                                 indicator="없는 지표", direction="lower")
    assert _state(engine) == before and _audit(engine) == audit


def test_update_records_each_changed_field_and_refuses_a_stale_edit(engine):
    ind = _one_indicator(engine)
    actor = operations.cli_actor()
    with write(engine, actor, "indicator.direction", municipality=M, recheck_scopes=False) as tx:
        old = tx.update("indicators", ind["id"], {"unit": "건", "name": ind["name"]},
                        expected={"unit": ind["unit"]})
    assert old["unit"] == ind["unit"]
    entries = [a for a in _audit(engine) if a["entity"] == "indicators" and a["entity_id"] == ind["id"]]
    assert [(a["field"], a["old_value"], a["new_value"]) for a in entries] == [("unit", ind["unit"], "건")]

    # the second writer read the old unit: told, shown the newer value, nothing written
    before, audit = _state(engine), _audit(engine)
    with pytest.raises(Stale) as e:
        with write(engine, actor, "indicator.direction", municipality=M) as tx:
            tx.touch(M, ind["year"])
            tx.update("indicators", ind["id"], {"unit": "개"}, expected={"unit": ind["unit"]})
    assert e.value.current["unit"] == "건"
    assert _state(engine) == before and _audit(engine) == audit


def test_an_exception_rolls_back_the_change_and_its_audit(engine):
    ind = _one_indicator(engine)
    before, audit = _state(engine), _audit(engine)
    with pytest.raises(RuntimeError):
        with write(engine, operations.cli_actor(), "indicator.direction", municipality=M) as tx:
            tx.update("indicators", ind["id"], {"rate_computed": 1.0})
            tx.touch(M, ind["year"])
            raise RuntimeError("boom")
    assert _state(engine) == before and _audit(engine) == audit


def test_recheck_restores_derived_values_changed_behind_its_back(engine):
    """A derived value that does not follow from the stored figures is put right by the
    re-check of its scope (the stored counterpart of reading a document)."""
    ind = _one_indicator(engine)
    with write(engine, operations.cli_actor(), "indicator.direction", municipality=M) as tx:
        tx.update("indicators", ind["id"], {"rate_computed": 1.0, "grade_computed": "×"})
        tx.touch(M, ind["year"])
    with engine.connect() as conn:
        row = writes.get_row(conn, "indicators", ind["id"])
    assert (row["rate_computed"], row["grade_computed"]) == (ind["rate_computed"], ind["grade_computed"])


def test_every_operation_names_known_roles():
    for op in operations.OPERATIONS.values():
        assert op.roles <= set(operations.ACTOR_ROLES), op.name
        assert " / " in op.label, f"{op.name}: a Korean / English label"
