"""The citizens' page sets money in beside money out only when they are the two sides of one
budget; otherwise each says what it covers, and the page says why they are not compared."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sijeong.cli import main
from sijeong.settings import Settings
from sijeong.web.app import create_app
from sijeong.web.pages.citizens import revenue_scope

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))


def _rev(name, received, dept="총무과"):
    return {"name": name, "received": received, "rows": [{"department": dept}]}


def _exe(dept, budget, spent):
    return {"department": dept, "current_budget": budget, "spent": spent}


@pytest.mark.parametrize("revenue, execution, comparable", [
    # a whole settlement: general funds in, in ≈ what could be spent, the same departments
    ([_rev("지방세", 600), _rev("지방교부세", 450)], [_exe("총무과", 1000, 900)], True),
    # a department's fees and grants only: never its programs' funding
    ([_rev("세외수입", 30), _rev("보조금", 70)], [_exe("총무과", 100, 90)], False),
    # general funds recorded by a department whose programs are a small part (the real FY2020 report)
    ([_rev("지방교부세", 2_400), _rev("세외수입", 10)], [_exe("총무과", 260, 235)], False),
    # other departments on each side
    ([_rev("지방세", 1000, "세정과")], [_exe("총무과", 1000, 900)], False),
    ([], [_exe("총무과", 1000, 900)], False),
])
def test_comparable_only_when_both_sides_of_one_budget(revenue, execution, comparable):
    assert revenue_scope(revenue, execution)["comparable"] is comparable


def test_the_sample_page_names_each_scope_and_does_not_pair_them(tmp_path):
    db = tmp_path / "s.db"
    assert main(["ingest", *map(str, SAMPLES), "--db", str(db), "--municipality", "예시시"]) == 0
    with TestClient(create_app(Settings.from_env(str(db)))) as c:
        page = c.get("/citizens?year=2023").text
        data = c.get("/citizens.json?year=2023").json()
    glance = page[page.index("한눈에 보기"):page.index("돈은 어디에서 들어왔나요")]
    assert "들어온 돈" not in glance and "쓴 돈" in glance
    assert "감사법무과 등 3개 부서가 실제로 쓴 사업비" in glance
    assert "들어온 돈과 쓴 돈은 견줄 수 없어요" in page
    assert data["scope"]["comparable"] is False and data["scope"]["out_departments"] == data["scope"]["in_departments"]
