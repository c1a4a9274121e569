"""A cell of an XLSX report whose value stands on a line with an open error carries a comment
naming the finding; once the performance team marks it 조치 완료 or 오탐, the comment goes."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from sijeong import operations
from sijeong.cli import main
from sijeong.operations import Actor
from sijeong.store import db, views

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))
M = "예시시"


def _comments(path: Path) -> dict[str, str]:
    wb = load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": c.comment.text for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.comment is not None}


@pytest.fixture
def stored(tmp_path):
    path = tmp_path / "r.db"
    assert main(["ingest", *map(str, SAMPLES), "--db", str(path), "--municipality", M]) == 0
    return path


def test_an_open_error_is_a_comment_until_it_is_marked(stored, tmp_path):
    out = tmp_path / "ind.xlsx"
    assert main(["report", "indicators", "--year", "2023", "--municipality", M, "--db", str(stored), "-o", str(out)]) == 0
    comments = _comments(out)
    rate = [t for t in comments.values() if "indicator.rate" in t]
    assert rate and all("232" in t and "225" in t for t in rate), comments
    # marked 조치 완료: no longer standing, no longer a comment
    engine = db.create_engine_for(f"sqlite:///{stored}")
    try:
        with engine.connect() as conn:
            rows = [r for r in views.open_errors_on(conn, M, None, {p.name for p in SAMPLES})
                    if r["rule"] == "indicator.rate"]
        fid = rows[0]["id"]
        operations.mark_finding(engine, Actor(login="perf", role="performance"), finding_id=fid, status="fixed",
                                note="원문 달성률을 225%로 고쳐 다시 올림")
    finally:
        engine.dispose()
    again = tmp_path / "ind2.xlsx"
    assert main(["report", "indicators", "--year", "2023", "--municipality", M, "--db", str(stored), "-o", str(again)]) == 0
    assert not [t for t in _comments(again).values() if "indicator.rate" in t]


def test_reports_from_files_carry_the_rules_errors(tmp_path):
    out = tmp_path / "f.xlsx"
    settlement = [p for p in SAMPLES if "결산" in p.name]
    assert main(["report", "indicators", "--year", "2023", "--municipality", M, "--files", *map(str, settlement),
                 "-o", str(out)]) == 0
    assert any("indicator.rate" in t for t in _comments(out).values())


def test_the_web_report_carries_them_too(stored, tmp_path):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web.app import create_app

    with TestClient(create_app(Settings.from_env(str(stored)))) as c:
        r = c.get("/reports/indicators.xlsx", params={"municipality": M, "year": 2023})
    assert r.status_code == 200
    out = tmp_path / "web.xlsx"
    out.write_bytes(r.content)
    assert any("indicator.rate" in t for t in _comments(out).values())
