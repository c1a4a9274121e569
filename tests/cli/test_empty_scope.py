"""A command given a municipality or year with no stored document says so (Korean first, the
years that are stored) and exits 1, instead of succeeding silently with nothing."""

from pathlib import Path

import pytest

from sijeong.cli import main

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty") / "s.db"
    assert main(["ingest", *map(str, SAMPLES), "--db", str(path), "--municipality", "예시시"]) == 0
    return str(path)


def test_check_of_a_year_without_documents(db, capsys):
    capsys.readouterr()
    assert main(["check", "--db", db, "--year", "1999"]) == 1
    err = capsys.readouterr().err
    assert "1999년에 저장된 문서가 없습니다" in err and "예시시 2023, 2024" in err


def test_check_of_an_unknown_municipality(db, capsys):
    capsys.readouterr()
    assert main(["check", "--db", db, "--municipality", "없는시"]) == 1
    assert "없는시는 저장된 문서가 없습니다 (저장된 지방자치단체: 예시시)" in capsys.readouterr().err


def test_export_of_a_year_without_documents_writes_no_file(db, tmp_path, capsys):
    out = tmp_path / "e.json"
    assert main(["export", "--db", db, "--year", "1999", "-o", str(out)]) == 1
    assert not out.exists()
    assert "내보낼 것이 없습니다" in capsys.readouterr().err
    assert main(["export", "--db", db, "--year", "2023", "-o", str(out)]) == 0 and out.exists()


def test_search_says_the_year_has_no_documents(db, capsys):
    capsys.readouterr()
    assert main(["search", "CCTV", "--db", db, "--year", "2099"]) == 1
    assert "2099년에 저장된 문서가 없습니다" in capsys.readouterr().out
    # a year with documents but no hit: only "결과 없음"
    assert main(["search", "없는낱말xyz", "--db", db, "--year", "2023"]) == 1
    out = capsys.readouterr().out
    assert "결과 없음" in out and "저장된 문서가 없습니다" not in out


def test_an_empty_database_says_to_ingest(tmp_path, capsys):
    assert main(["check", "--db", str(tmp_path / "new.db")]) == 1
    assert "sijeong ingest" in capsys.readouterr().err
