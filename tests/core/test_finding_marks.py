"""Findings become work: the performance team marks a finding 확인 / 조치 완료 / 오탐 through the
write path; the mark outlives a re-check that finds the same problem again; a stale mark is
refused; a migrated database gets its findings' fingerprints."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong import operations
from sijeong.cli import main
from sijeong.operations import Actor, Invalid, Refused, Stale
from sijeong.store import db, marks, writes
from sijeong.store.rows import finding_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
M = "예시시"
PERF = Actor(login="perf", role="performance", via="web")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("marks") / "m.db"
    assert main(["ingest", *map(str, SAMPLES), "--db", str(path), "--municipality", M]) == 0
    return path


@pytest.fixture
def engine(loaded, tmp_path):
    copy = tmp_path / "m.db"
    copy.write_bytes(loaded.read_bytes())
    e = db.create_engine_for(f"sqlite:///{copy}")
    yield e
    e.dispose()


def _a_rule_finding(conn) -> dict:
    row = conn.execute(sa.text("SELECT id FROM findings WHERE origin = 'rule' AND severity = 'error' ORDER BY id")).first()
    assert row, "the samples have a rule error"
    return marks.finding(conn, row[0])


def test_mark_survives_a_recheck_and_is_audited(engine):
    with engine.connect() as conn:
        f = _a_rule_finding(conn)
    assert f["fingerprint"] == finding_fingerprint(f)
    mark = operations.mark_finding(engine, PERF, finding_id=f["id"], status="false_positive",
                                   note="표의 각주에 따라 합계에서 제외되는 행")
    assert (mark["status"], mark["version"], mark["marked_by"]) == ("false_positive", 1, "perf")
    # a re-check replaces the findings (new rows, new ids): the same problem keeps its mark
    assert main(["check", "--save", "--db", str(engine.url.database), "--municipality", M]) in (0, 1)
    with engine.connect() as conn:
        again = conn.execute(sa.text("SELECT id FROM findings WHERE fingerprint = :fp"), {"fp": f["fingerprint"]}).all()
        assert again  # replaced by the re-check (SQLite may give the new row the old id)
        assert marks.marks_for(conn, M, [f["fingerprint"]])[f["fingerprint"]]["status"] == "false_positive"
        trail = writes.audit_trail(conn, entity="finding_marks", entity_id=mark["id"])
    assert [(a["actor"], a["operation"], a["new_value"]["status"]) for a in trail] == [("perf", "finding.mark", "false_positive")]


def test_a_stale_mark_and_bad_values_change_nothing(engine):
    with engine.connect() as conn:
        f = _a_rule_finding(conn)
    first = operations.mark_finding(engine, PERF, finding_id=f["id"], status="seen")
    second = operations.mark_finding(engine, PERF, finding_id=f["id"], status="fixed", note="원문 수정 요청",
                                     version=first["version"])
    assert second["version"] == 2
    with pytest.raises(Stale) as e:  # someone who saw version 1
        operations.mark_finding(engine, PERF, finding_id=f["id"], status="seen", version=1)
    assert e.value.current["status"] == "fixed"
    with pytest.raises(Stale):  # someone who saw no mark at all
        operations.mark_finding(engine, PERF, finding_id=f["id"], status="seen")
    with pytest.raises(Invalid):
        operations.mark_finding(engine, PERF, finding_id=f["id"], status="fixed", version=2)  # no note
    with pytest.raises(Invalid):
        operations.mark_finding(engine, PERF, finding_id=f["id"], status="deleted", version=2)
    with pytest.raises(LookupError):
        operations.mark_finding(engine, PERF, finding_id=10**9, status="seen")
    with engine.connect() as conn:
        assert marks.mark_of(conn, M, f["fingerprint"])["status"] == "fixed"


@pytest.mark.parametrize("role", ["editor", "approver", "evaluator", "viewer"])
def test_only_the_performance_team_marks(engine, role):
    with engine.connect() as conn:
        f = _a_rule_finding(conn)
    with pytest.raises(Refused):
        operations.mark_finding(engine, Actor(login="x", role=role, department=f["department"]),
                                finding_id=f["id"], status="seen")
    with engine.connect() as conn:
        assert marks.mark_of(conn, M, f["fingerprint"]) is None


def test_migration_fills_the_fingerprints_of_stored_findings(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine, "0009")  # the revision before finding marks
    row = dict(rule="sum.total", severity="error", doc="a.txt", lines="[14, 3]", message="m", municipality=M,
               year=2024, department="총무과", subject="합계", origin="rule")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO findings (rule, severity, doc, lines, message, municipality, year, department,"
                             " subject, origin) VALUES (:rule, :severity, :doc, :lines, :message, :municipality, :year,"
                             " :department, :subject, :origin)"), row)
    db.migrate(engine)
    with engine.connect() as conn:
        fp = conn.execute(sa.text("SELECT fingerprint FROM findings")).scalar_one()
    engine.dispose()
    assert fp == finding_fingerprint(dict(row, lines=[14, 3]))
