"""A policy goal's link to its 정책사업 (``program``, ``program_basis``) is stored and read
back, and the web's programs of a goal follow it rather than guessing by amounts."""

import sqlalchemy as sa

from sijeong.model import Document, PolicyGoal, Program, Source
from sijeong.store.repository import load_documents, save_document
from sijeong.store import views
from sijeong.store.schema import table
from sijeong.store.views import as_dict

DOC = "made.txt"
DEPT = "햇살정책담당관"


def _rec(cls, line, name, **kw):
    return cls(source=Source(DOC, line), municipality="테스트시", year=2020, department=DEPT, name=name, **kw)


def _doc() -> Document:
    linked = _rec(PolicyGoal, 10, "햇살 경쟁력 제고", budget=300, settled=250, program="지역발전 지원", program_basis="name")
    unlinked = _rec(PolicyGoal, 11, "햇살 재정 건전화", budget=75, settled=70)
    progs = [
        # the same amounts as the linked goal: the old guess would take this one
        _rec(Program, 20, "햇살 경쟁력 사업", level="policy", section="사업별조서", current_budget=300, spent=250, position=1),
        _rec(Program, 21, "지역발전 지원", level="policy", section="사업별조서", current_budget=400, spent=350, position=2),
        _rec(Program, 22, "지역 축제", level="unit", parent="지역발전 지원", section="사업별조서", current_budget=400, position=3),
        _rec(Program, 23, "재정 운영", level="policy", section="사업별조서", current_budget=75, spent=1, position=4),
    ]
    return Document(name=DOC, municipality="테스트시", year=2020, family="settlement", records=[linked, unlinked, *progs])


def test_the_link_is_stored_and_the_goals_programs_follow_it(engine):
    with engine.begin() as conn:
        save_document(conn, _doc())
    with engine.connect() as conn:
        (back,) = load_documents(conn)
        goals = {g.name: (g.program, g.program_basis) for g in back.of(PolicyGoal)}
        assert goals == {"햇살 경쟁력 제고": ("지역발전 지원", "name"), "햇살 재정 건전화": (None, None)}
        rows = {r["name"]: r for r in map(as_dict, conn.execute(sa.select(table("policy_goals"))))}
        linked = views.programs_for_goal(conn, rows["햇살 경쟁력 제고"])
        assert [p["name"] for p in linked] == ["지역발전 지원", "지역 축제"]
        guessed = views.programs_for_goal(conn, rows["햇살 재정 건전화"])  # no link: by 예산현액
        assert [p["name"] for p in guessed] == ["재정 운영"]
