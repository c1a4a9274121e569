"""Error pages name the municipality being viewed (never one the database does not hold) and
explain bad values in Korean first, never with a raw pattern."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sijeong.cli import main
from sijeong.settings import Settings
from sijeong.web.app import create_app

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("err") / "s.db"
    assert main(["ingest", *map(str, SAMPLES), "--db", str(db), "--municipality", "예시시"]) == 0
    with TestClient(create_app(Settings.from_env(str(db)))) as c:
        yield c


@pytest.mark.parametrize("url", ["/nope", "/indicators/999999", "/documents/없는.txt", "/indicators?year=abc"])
def test_error_pages_name_the_database_s_municipality(client, url):
    r = client.get(url)
    assert r.status_code in (404, 422)
    assert "예시시" in r.text and "김포시" not in r.text


def test_the_municipality_asked_for_is_named(client):
    r = client.get("/nope?municipality=가람시")
    assert r.status_code == 404 and "가람시" in r.text and "김포시" not in r.text


@pytest.mark.parametrize("url, korean", [
    ("/indicators?year=abc", "year: 형식이 맞지 않습니다 — 네 자리 연도(예: 2023)"),
    ("/api/v1/indicators?limit=0", "limit: 1 이상이어야 합니다"),
    ("/api/v1/indicators?limit=x", "limit: 정수가 아닙니다"),
])
def test_bad_values_are_explained_in_korean_without_a_pattern(client, url, korean):
    r = client.get(url)
    assert r.status_code == 422
    body = r.text
    assert korean in body and "^(" not in body and "pattern" not in body
    # Korean first, pydantic's English after it
    assert body.index(korean) < body.index(" / ", body.index(korean))
