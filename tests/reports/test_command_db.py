"""``sijeong report --db``: the tables come from the stored data, the same as from the files."""

from pathlib import Path

from sijeong.cli import main
from sijeong.reports.xlsx_read import read_xlsx

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "tests" / "fixtures" / "consistent_report.txt"
PLAN = ROOT / "tests" / "fixtures" / "consistent_plan.txt"


def test_summary_and_plan_from_the_database_equal_those_from_the_files(tmp_path, capsys):
    db = str(tmp_path / "r.db")
    assert main(["ingest", str(REPORT), str(PLAN), "--db", db]) == 0
    for kind in ("summary", "programs", "plan"):
        a, b = tmp_path / f"{kind}-db.xlsx", tmp_path / f"{kind}-files.xlsx"
        assert main(["report", kind, "--year", "2020", "--db", db, "--format", "xlsx", "-o", str(a)]) == 0, kind
        assert main(["report", kind, "--year", "2020", "--files", str(REPORT), str(PLAN), "--format", "xlsx", "-o", str(b)]) == 0
        from_db, from_files = read_xlsx(a), read_xlsx(b)
        assert from_db and [s.rows for s in from_db] == [s.rows for s in from_files], kind
        assert any(isinstance(v, int) and v > 0 for s in from_db for r in s.rows for v in r), kind
    capsys.readouterr()
