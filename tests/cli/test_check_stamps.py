"""``sijeong check`` reuses what the write path keeps current (``check_stamps``): a scope whose
stamp matches the code, its documents, the documents it is compared with and its stored
findings is printed from the store — byte for byte what ``check --full`` prints — and any
scope that changed by another path is checked again."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong.cli import main
from sijeong.store.db import create_engine_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CITIES = 2
YEARS = (2022, 2023, 2024)
#: a 2020 settlement report and a 2022 plan restating one of its results with another value
RESTATED = [FIXTURES / "consistent_report.txt", FIXTURES / "cross_document" / "later_plan_2022.txt"]
RESTATING_TOWN = "다시"


def synth():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import synth as s
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return s


def build(url: str, tmp_path: Path, capsys) -> None:
    """Two municipalities × three years of a settlement report (misprinted in some years) and
    a work plan, stored year by year with ``--tree``; a municipality with a report and a later
    plan restating it differently; and the project's fixtures (one without a year: that
    municipality is checked whole)."""
    s = synth()
    root = tmp_path / "docs"
    for i in range(CITIES):
        city = s.city_name(i)
        (root / city).mkdir(parents=True)
        for y in YEARS:
            report = s.settlement_report(city, y, s.DEPARTMENTS[:3], seed=10 * i + y)
            if (i + y) % 2 == 0:
                report, _ = s.misprint(report)
            (root / city / f"결산_{y}.txt").write_text(report, encoding="utf-8")
            (root / city / f"계획_{y}.txt").write_text(s.work_plan(city, y, s.DEPARTMENTS[:3], seed=10 * i + y),
                                                      encoding="utf-8")
    assert main(["ingest", "--db", url, "--tree", str(root)]) == 0
    assert main(["ingest", "--db", url, "--municipality", RESTATING_TOWN, *map(str, RESTATED)]) == 0
    main(["ingest", "--db", url, *map(str, sorted(FIXTURES.glob("*.txt")))])  # the broken ones are refused: 1
    capsys.readouterr()


def check(capsys, url: str, *argv: str) -> tuple[str, int, int]:
    """stdout of ``sijeong check`` and the scopes it reused and checked (its stderr)."""
    assert main(["check", "--db", url, *argv]) == 0
    out, err = capsys.readouterr()
    m = re.search(r"재사용 범위 (\d+)개, 다시 검증 (\d+)개", err)
    assert m, err
    return out, int(m.group(1)), int(m.group(2))


def scope_count(url: str) -> int:
    from sijeong.store import views

    engine = create_engine_for(url)
    with engine.connect() as conn:
        n = len(views.scopes(conn))
    engine.dispose()
    return n


def sql(url: str, statement: str, **params) -> int:
    engine = create_engine_for(url)
    with engine.begin() as conn:
        n = conn.execute(sa.text(statement), params).rowcount
    engine.dispose()
    return n


@pytest.fixture
def stored(db_url, tmp_path, capsys) -> str:
    build(db_url, tmp_path, capsys)
    return db_url


VARIANTS = [
    [],
    ["--format", "json"],
    ["--jobs", "2"],
    ["--jobs", "2", "--format", "json"],
    ["--municipality", RESTATING_TOWN, "--year", "2022", "--format", "json"],
]


def test_the_stored_findings_are_printed_as_a_full_check_prints_them(stored, capsys):
    n = scope_count(stored)
    assert n >= 2 * len(YEARS) + 2 + 1
    for argv in VARIANTS:
        full, reused, checked = check(capsys, stored, *argv, "--full")
        assert (reused, checked) == (0, checked) and checked >= 1
        out, reused, checked = check(capsys, stored, *argv)
        assert out == full, argv
        assert checked == 0 and reused >= 1, (argv, reused, checked)  # everything the ingest stamped
    # findings there are: the misprints' errors, the restated result's warning (on the plan)
    text, _, _ = check(capsys, stored)
    assert re.search(r"^error ", text, re.M)
    assert "\nwarning cross.document later_plan_2022.txt:" in text
    # --rule: a part of the rules merges findings differently: always checked, the same output
    for rule in (["--rule", "indicator"], ["--rule", "cross.document", "--format", "json"], ["--rule", "read"]):
        full, _, _ = check(capsys, stored, *rule, "--full")
        out, reused, checked = check(capsys, stored, *rule)
        assert out == full and reused == 0 and checked == n


def test_another_code_checks_every_scope(stored, capsys, monkeypatch):
    from sijeong import rules
    from sijeong.store import views

    full, _, _ = check(capsys, stored, "--format", "json", "--full")
    calls = []
    real = rules.run_rules

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(rules, "run_rules", counting)
    out, reused, checked = check(capsys, stored, "--format", "json")
    assert out == full and calls == [] and checked == 0  # the same code: nothing run
    monkeypatch.setattr(views, "code_fingerprint", lambda: "another version of sijeong")
    out, reused, checked = check(capsys, stored, "--format", "json")
    assert out == full and reused == 0 and checked == scope_count(stored) == len(calls)


def stamp_years(url: str, municipality: str) -> list:
    engine = create_engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select year from check_stamps where municipality = :m order by year"),
                            {"m": municipality}).all()
    engine.dispose()
    return [r[0] for r in rows]


def test_what_changed_by_another_path_is_checked_again(stored, capsys):
    s = synth()
    first, second = s.city_name(0), s.city_name(1)
    n = scope_count(stored)

    def again(expect_checked: int) -> None:
        full, _, _ = check(capsys, stored, "--format", "json", "--full")
        out, reused, checked = check(capsys, stored, "--format", "json")
        assert out == full
        assert (reused, checked) == (n - expect_checked, expect_checked)

    again(0)
    # a document's row changed by hand: its scope, and the next year's (its plan restates the
    # report's results: compared with it)
    assert sql(stored, "update documents set title = title || ' (고침)' where municipality = :m and year = 2023 "
               "and family = 'settlement_report'", m=first) == 1
    again(2)
    # a stamp deleted by hand: its scope
    assert sql(stored, "delete from check_stamps where municipality = :m and year = 2024", m=second) == 1
    again(3)
    # a rule finding deleted by hand: its scope (the stored findings are not those stamped)
    assert sql(stored, "delete from findings where id = (select min(id) from findings where municipality = :m "
               "and year = 2022 and origin = 'rule')", m=second) == 1
    again(4)
    # a plan restating a report, replaced by hand: the plan's scope only (the difference is
    # the plan's finding; the report's scope is not compared with later plans)
    assert sql(stored, "update documents set sha256 = 'hand' where municipality = :m and year = 2022",
               m=RESTATING_TOWN) == 1
    again(5)
    # the report it restates, replaced by hand: the report's scope, and the plan's (its stamp's
    # documents compared with are no longer those)
    assert sql(stored, "update documents set sha256 = 'hand' where municipality = :m and year = 2020",
               m=RESTATING_TOWN) == 1
    again(6)
    # check --save checks the stale scopes again and stamps them: then all are reused
    out, reused, checked = check(capsys, stored, "--save")
    assert (reused, checked) == (n - 6, 6)
    again(0)


def test_a_write_without_a_recheck_forgets_the_municipalitys_stamps(stored, capsys):
    from sijeong import operations

    s = synth()
    first = s.city_name(0)
    assert stamp_years(stored, first) == list(YEARS)
    engine = create_engine_for(stored)
    with operations.write(engine, operations.cli_actor(), "findings.check", municipality=first,
                          recheck_scopes=False) as tx:
        tx.touch(first, 2023)
    engine.dispose()
    assert stamp_years(stored, first) == []  # the other years are compared with 2023's documents
    full, _, _ = check(capsys, stored, "--full")
    out, reused, checked = check(capsys, stored)
    assert out == full and checked == len(YEARS) and reused == scope_count(stored) - len(YEARS)


def test_stamps_are_written_by_ingest_the_write_path_and_check_save(stored, capsys):
    from sijeong import operations

    s = synth()
    first = s.city_name(0)
    n = scope_count(stored)
    engine = create_engine_for(stored)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from check_stamps")).scalar_one() == n
    engine.dispose()
    # a re-checking write (a user's direction of an indicator): its years checked and stamped,
    # the municipality's other years keep theirs
    engine = create_engine_for(stored)
    with engine.connect() as conn:
        row = conn.execute(sa.text("select department, name from indicators where municipality = :m and year = 2023 "
                                   "order by id limit 1"), {"m": first}).one()
    operations.set_direction(engine, operations.cli_actor(), municipality=first, department=row.department,
                             indicator=row.name, direction="lower")
    engine.dispose()
    full, _, _ = check(capsys, stored, "--format", "json", "--full")
    out, reused, checked = check(capsys, stored, "--format", "json")
    assert out == full and (reused, checked) == (n, 0)
    # no stamps at all (a database migrated to revision 0021): everything checked; --save stamps it
    sql(stored, "delete from check_stamps")
    out, reused, checked = check(capsys, stored, "--format", "json")
    assert out == full and (reused, checked) == (0, n)
    out, reused, checked = check(capsys, stored, "--format", "json", "--save")
    assert out == full and (reused, checked) == (0, n)
    out, reused, checked = check(capsys, stored, "--format", "json")
    assert out == full and (reused, checked) == (n, 0)
    # --save --full checks and stamps every scope again
    out, reused, checked = check(capsys, stored, "--format", "json", "--save", "--full")
    assert out == full and (reused, checked) == (0, n)


def test_a_write_carries_over_only_what_was_current_before_it(stored, capsys):
    """A re-checking write brings the other years' stamps' documents compared with up to date
    (it re-checked every scope its change could alter) — but not a stamp that was already stale
    before it: a change made by hand stays seen."""
    from sijeong import operations

    s = synth()
    first = s.city_name(0)
    n = scope_count(stored)
    # by hand: the 2023 report's row (its scope and 2024's, which compares its plan with it)
    assert sql(stored, "update documents set title = title || ' (고침)' where municipality = :m and year = 2023 "
               "and family = 'settlement_report'", m=first) == 1
    # then a re-checking write of 2022 only
    engine = create_engine_for(stored)
    with engine.connect() as conn:
        # an indicator of 2022 and before (a direction re-checks every year holding it)
        row = conn.execute(sa.text("select department, name from indicators where municipality = :m "
                                   "group by department, name having max(year) = 2022 order by 1, 2 limit 1"),
                           {"m": first}).one()
    operations.set_direction(engine, operations.cli_actor(), municipality=first,
                                           department=row.department, indicator=row.name, direction="lower")
    engine.dispose()
    full, _, _ = check(capsys, stored, "--format", "json", "--full")
    out, reused, checked = check(capsys, stored, "--format", "json")
    assert out == full and (reused, checked) == (n - 2, 2)

