"""Shared fixtures: the real documents, our own fixtures, and databases.

``engine`` runs a test against SQLite (a file in tmp_path) and PostgreSQL (a database
created for the test session on the server at 127.0.0.1:5432 and dropped afterwards;
override with ``SIJEONG_TEST_PG``). Both come migrated and empty.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("SIJEONG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_addoption(parser):
    parser.addoption("--snapshot-update", action="store_true", default=False,
                     help="rewrite tests/fixtures/snapshots/ from this run (tests/core/test_outputs_snapshot.py); "
                          "also SIJEONG_SNAPSHOT_UPDATE=1")


@pytest.fixture
def real_docs() -> Path:
    path = (ROOT / ".." / "shared" / "documents").resolve()
    if not path.is_dir():
        pytest.skip("../shared/documents not found: the real Gimpo documents are not on this machine")
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    return ROOT / "tests" / "fixtures"


# --- databases -------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_pg_database(prefix: str = "sijeong_test"):
    """URL of a fresh, uniquely named PostgreSQL database, dropped afterwards; skips the test
    when the server does not answer."""
    import sqlalchemy as sa

    from sijeong.store.db import normalize_url

    admin = sa.create_engine(normalize_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as e:  # noqa: BLE001 - any failure to connect means: not answering
        admin.dispose()
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not answering: {type(e).__name__}: {str(e).splitlines()[0]}")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url():
    """URL of a fresh PostgreSQL database for this test session (dropped at the end)."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_engine(pg_url):
    from sijeong.store.db import create_engine_for, migrate

    engine = create_engine_for(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _empty_pg(engine) -> None:
    import sqlalchemy as sa

    from sijeong.store.schema import metadata

    names = ", ".join(f'"{t}"' for t in metadata().tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated, empty database: SQLite file or PostgreSQL."""
    from sijeong.store.db import create_engine_for, migrate

    if request.param == "sqlite":
        eng = create_engine_for(f"sqlite:///{tmp_path / 'test.db'}")
        migrate(eng)
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("pg_engine")
        _empty_pg(eng)
        yield eng


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A database URL for the command line: a fresh SQLite file, or the session's
    PostgreSQL database emptied (migrated: the CLI migrates again, a no-op)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    eng = request.getfixturevalue("pg_engine")
    _empty_pg(eng)
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


# --- documents built by hand (independent of the readers) ------------------------------


def build_document(name: str = "plan_a.txt", *, municipality: str = "가온시", year: int = 2020,
                   department: str = "기획과", scale: int = 1):
    """A Document holding one record of every kind, with figures, appearances, nested
    outline items, people, a generic table, headings, a read warning and coverage.
    Invented names and numbers; money in won (``scale`` varies the amounts)."""
    from sijeong.model import (
        Appearance, Cell, Coverage, Department, DepartmentSummary, Document, Figure, Finding, Heading,
        Indicator, Milestone, Narrative, OutlineItem, Person, PlanTask, PolicyGoal, Program, Revenue,
        SettlementLine, Source, Staffing, StrategicGoal, Table, TableRow, computed_source,
    )

    def S(line):
        return Source(name, line)

    def F(value, raw, line, unit=None):
        return Figure(value, raw, S(line), unit)

    dims = dict(municipality=municipality, year=year, department=department)
    dept = Department(source=S(3), name=department, bureau="기획조정실", head="홍길동", teams=["기획팀", "예산팀"],
                      staffing={"5급": {"authorized": 1, "current": 1}}, duties=["시정 기획", "예산 편성"], **dims)
    dept.set("authorized", F(12, "12", 4, "명"))
    dept.set("current", F(11, "11", 4, "명"))
    goal = StrategicGoal(source=S(6), name="살기 좋은 도시", vision="함께 만드는 미래", section="전략목표", **dims)
    pgoal = PolicyGoal(source=S(8), name="재정 건전성 강화", strategic_goal=goal.name, **dims)
    pgoal.set("budget", F(1_200_000 * scale, f"{1_200 * scale:,}", 8, "천원"))
    pgoal.set("settled", F(1_100_000 * scale, f"{1_100 * scale:,}", 9, "천원"))
    pgoal.set("share", F(12.5, "12.5", 9, "%"))
    ind = Indicator(source=S(11), name="지방세 징수율", policy_goal=pgoal.name, unit="%", formula="징수액 / 부과액 × 100",
                    direction="higher", direction_basis="default", grade="○", rate_computed=101.5, grade_computed="○", **dims)
    ind.set("target", F(95, "95", 11, "%"))
    ind.set("actual", F(96.4, "96.4", 11, "%"))
    ind.set("rate", F(101, "101", 12, "%"))
    ind.appearances.append(Appearance("성과지표 달성현황", S(40), {"target": F(95, "95", 40), "actual": F(96.4, "96.4", 41)},
                                      name="지방세 징수율(%)"))
    ind.figures["rate_check"] = Figure(101.47, "101.47", computed_source("rate"))
    prog = Program(source=S(14), name="재정운영 효율화", account="general", level="unit", parent="재정관리", position=2, **dims)
    for i, key in enumerate(("budget", "current_budget", "spent", "unspent")):
        prog.set(key, F((900_000 - i * 100_000) * scale, f"{(900_000 - i * 100_000) * scale:,}", 14 + (i // 2)))
    prog.set("carry_forward", F(None, "-", 15))
    prog.appearances.append(Appearance("관련 예산사업 결산현황", S(60), {"spent": F(700_000 * scale, f"{700 * scale:,}", 60, "천원")}))
    rev = Revenue(source=S(20), name="공공예금이자수입", account="general", code="216-01", level=4, parent_code="216",
                  position=5, **dims)
    rev.set("budget", F(305_000, "305,000", 20))
    rev.set("refunds", F(-1_500, "△1,500", 20))
    summ = DepartmentSummary(source=S(24), name="계", is_total=True, **dims)
    summ.set("indicator_count", F(3, "3", 24, "개"))
    line = SettlementLine(source=S(26), name="정책사업", **dims)
    line.set("settled", F(5_000_000 * scale, f"{5_000_000 * scale:,}", 26))
    line.set("change_rate", F(-3.25, "△3.25", 26, "%"))
    staff = Staffing(source=S(28), name=department, teams=["기획팀"], **dims)
    staff.set("authorized", F(12, "12", 28))
    task = PlanTask(source=S(30), name="스마트 행정 구현", number=3, title="스마트 행정 구현",
                    objectives=["데이터 기반 행정으로 시민 만족도 향상"], lead_department=department, head="홍길동",
                    team_leader="김철수", extension="2051", cooperating_departments=["정보통신과"],
                    footnotes=["※ 국비 공모 결과에 따라 변경"], **dims)
    task.sections = [OutlineItem(S(32), "□", "추진 개요", [OutlineItem(S(33), "-", "빅데이터 분석 플랫폼 구축",
                                                                        [OutlineItem(S(34), "·", "공공데이터 개방 확대")])])]
    task.staff = [Person("staff", "이영희", "주무관", "2052", S(36))]
    task.people = [Person("head", "홍길동", "기획과장", None, S(35)), Person("staff", "이영희", None, "2052", None)]
    task.schedule = [Milestone(S(37), "2020. 03. 착수보고회", "2020-03", None)]
    task.set("budget", F(50_000_000, "50,000", 31, "천원"))
    narr = Narrative(source=S(44), name="성과분석", about_kind="indicator", about_name=ind.name,
                     items=[OutlineItem(S(45), "○", "목표 대비 1.4%p 초과 달성", [])], **dims)
    records = [dept, goal, pgoal, ind, prog, rev, summ, line, staff, task, narr]
    table = Table(source=S(50), name="위원회 현황", unit="명", header=[["위원회", "위원수"], ["", "(명)"]],
                  header_lines=[50, 51], kind="generic", **dims,
                  rows=[TableRow(S(52), [Cell("예산위원회"), Cell("15", [F(15, "15", 52, "명")])]),
                        TableRow(S(53), [Cell("합계"), Cell("15 (2)", [F(15, "15", 53), F(2, "2", 54)])])])
    doc = Document(name=name, municipality=municipality, year=year, family="work_plan", title="주요업무계획",
                   sha256="ab" * 32, line_count=60, records=records, tables=[table],
                   headings=[Heading(S(1), 1, "주요업무계획"), Heading(S(2), 2, "(단위: 천원)")],
                   coverage=Coverage(total=40, typed=30, typed_text=4, structure=2, generic=3, nowhere=1, nowhere_lines=[58]))
    doc.findings.append(Finding(rule="read.unit", severity="warning", doc=name, lines=[2], message="단위 표기 없음 / no unit",
                                municipality=municipality, year=year, department=department))
    return doc


@pytest.fixture
def make_document():
    return build_document
