"""``sijeong export`` (streamed JSON, schema of docs/export.md) and ``sijeong search``."""

import json

import pytest

from sijeong.cli import main
from sijeong.model import Finding
from sijeong.store import repository
from sijeong.store.db import create_engine_for, migrate
from sijeong.store.schema import record_tables


@pytest.fixture
def stored(db_url, make_document):
    engine = create_engine_for(db_url)
    migrate(engine)
    with engine.begin() as conn:
        repository.save_document(conn, make_document("a.txt", year=2020))
        repository.save_document(conn, make_document("b.txt", year=2021, department="예산과", scale=2))
        repository.save_findings(conn, [Finding(rule="rate.grade", severity="warning", doc="a.txt", lines=[11, 12],
                                                message="등급 불일치", expected="◎", actual="○", municipality="가온시",
                                                year=2020, department="기획과", subject="지방세 징수율")])
    engine.dispose()
    return db_url


def test_export_to_a_file(stored, tmp_path, capsys):
    out = tmp_path / "model.json"
    assert main(["export", "--db", stored, "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    expected_keys = ["documents", *[t.name for t in record_tables().values()], "tables", "findings"]
    assert list(data) == expected_keys
    for key in ("departments", "indicators", "policy_goals", "programs", "revenues", "department_summaries", "plan_tasks"):
        assert len(data[key]) == 2, key
    assert [d["name"] for d in data["documents"]] == ["a.txt", "b.txt"]
    assert data["documents"][0]["coverage"]["typed_share"] == 90.0
    prog = data["programs"][1]
    assert prog["budget"] == 1_800_000 and isinstance(prog["budget"], int)  # money as plain integers
    assert prog["source"] == {"doc": "b.txt", "line": 14}
    assert prog["document"] == "b.txt" and prog["department"] == "예산과" and prog["year"] == 2021
    assert prog["figures"]["budget"]["line"] == 14 and prog["figures"]["budget"]["raw"] == "1,800,000"
    assert prog["figures"]["carry_forward"] == {"line": 15, "raw": "-", "unit": None, "value": None}
    assert prog["appearances"][0]["source"] == {"doc": "b.txt", "line": 60}
    assert prog["appearances"][0]["figures"]["spent"]["value"] == 1_400_000
    ind = data["indicators"][0]
    assert ind["target"] == 95 and ind["actual"] == 96.4 and ind["grade"] == "○" and ind["direction"] == "higher"
    assert ind["figures"]["rate_check"]["doc"] == "<rule:rate>"
    task = data["plan_tasks"][0]
    assert task["number"] == 3 and task["sections"][0]["children"][0]["text"] == "빅데이터 분석 플랫폼 구축"
    assert task["people"][0] == {"role": "head", "name": "홍길동", "title": "기획과장", "extension": None,
                                 "source": {"doc": "a.txt", "line": 35}}
    table = data["tables"][0]
    assert table["rows"][1]["cells"][1]["figures"] == [[15, "15"], [2, "2", None, 54]]
    rules = [f for f in data["findings"] if f["origin"] == "rule"]
    assert rules == [{"rule": "rate.grade", "severity": "warning", "doc": "a.txt", "lines": [11, 12],
                      "message": "등급 불일치", "expected": "◎", "actual": "○", "municipality": "가온시", "year": 2020,
                      "department": "기획과", "subject": "지방세 징수율", "origin": "rule", "document": "a.txt",
                      "source": {"doc": "a.txt", "line": 11}, "related": []}]
    assert "exported" in capsys.readouterr().err


def test_export_to_stdout_filtered_by_year(stored, capsys):
    assert main(["export", "--db", stored, "--year", "2021"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in data["documents"]] == ["b.txt"]
    assert {r["year"] for r in data["indicators"]} == {2021}
    assert data["findings"] and all(f["year"] == 2021 for f in data["findings"])


def test_export_of_an_empty_database(sqlite_url, capsys):
    assert main(["export", "--db", sqlite_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == [] and data["findings"] == []


def test_search_prints_year_department_number_title_and_source(stored, capsys):
    assert main(["search", "빅데이터 분석", "--db", stored]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith("    ")]
    assert lines == ["2020 기획과 #3 스마트 행정 구현 (a.txt:30)", "2021 예산과 #3 스마트 행정 구현 (b.txt:30)"]
    assert main(["search", "빅데이터", "--db", stored, "--year", "2021", "--department", "예산과"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "2021 예산과 #3 스마트 행정 구현 (b.txt:30)"
    assert main(["search", "징수율", "--db", stored, "--limit", "1"]) == 0
    out = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith("    ")]
    assert out in (["2020 기획과 [성과지표] 지방세 징수율 (a.txt:11)"], ["2020 기획과 [서술] 지방세 징수율 (a.txt:44)"])
    assert main(["search", "없는낱말", "--db", stored]) == 1
    assert "no results" in capsys.readouterr().out
