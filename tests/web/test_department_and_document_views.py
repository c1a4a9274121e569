"""The department list and the department pages agree; a document's view shows the
normalised text the readers read, whatever the original's encoding."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from sijeong.model import Department, Document, Source
from sijeong.pipeline import load_path
from sijeong.settings import Settings
from sijeong.store import create_engine_for, migrate, save_document
from sijeong.web import create_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _q(name: str) -> str:
    return urllib.parse.quote(name)


def test_every_listed_department_has_a_page(client):
    # the fixtures hold a document without a year (settlement_part.txt): its departments are
    # listed over all years, and their pages must answer too
    for year in ("", "2020"):
        names = client.get("/departments.json", params={"year": year}).json()["items"]
        assert names
        for name in names:
            r = client.get(f"/departments/{_q(name)}.json", params={"year": year})
            assert r.status_code == 200, (name, year, r.status_code)
            assert r.json()["department"] == name
            assert client.get(f"/departments/{_q(name)}", params={"year": year}).status_code == 200


def test_undated_department_page_shows_its_records(client):
    data = client.get(f"/departments/{_q('가상담당관')}.json").json()
    assert data["year"] is None and data["years"] == []
    inds = [i["name"] for g in data["strategic_goals"] for p in g["policy_goals"] for i in p["indicators"]]
    inds += [i["name"] for i in data["other_indicators"]]
    assert inds, "the undated document's indicators of 가상담당관 are shown"
    page = client.get(f"/departments/{_q('가상담당관')}").text
    assert "연도 미상" in page and "None년" not in page


def _org_only(tmp_path: Path) -> TestClient:
    """A municipality whose only document names a department in its organisation table, in a
    year no other record has."""
    url = f"sqlite:///{tmp_path / 'org.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    dept = Department(source=Source("org.txt", 3), name="조직만과", municipality="나래시", year=2019,
                      department="조직만과", bureau="행정국")
    doc = Document(name="org.txt", municipality="나래시", year=2019, family="work_plan", title="조직",
                   sha256="00" * 32, line_count=5, records=[dept], text="조직\n\n조직만과\n\n\n")
    with engine.connect() as conn:
        save_document(conn, doc)
        conn.commit()
    engine.dispose()
    return TestClient(create_app(Settings(db_url=url)))


def test_department_only_in_organisation_table_has_a_page(tmp_path):
    with _org_only(tmp_path) as c:
        names = c.get("/departments.json", params={"municipality": "나래시"}).json()["items"]
        assert names == ["조직만과"]
        r = c.get(f"/departments/{_q('조직만과')}.json", params={"municipality": "나래시"})
        assert r.status_code == 200
        data = r.json()
        assert data["year"] == 2019 and [d["bureau"] for d in data["department_info"]] == ["행정국"]
        assert c.get(f"/departments/{_q('없는과')}.json", params={"municipality": "나래시"}).status_code == 404


# --- a document's view: the normalised text, not the original file's bytes -----------------


@pytest.fixture
def cp949_app(tmp_path):
    """performance_report.txt re-encoded as CP949 with CRLF line ends, ingested by the pipeline."""
    original = (FIXTURES / "performance_report.txt").read_text(encoding="utf-8")
    src_dir = tmp_path / "originals"
    src_dir.mkdir()
    path = src_dir / "plan_cp949.txt"
    path.write_bytes(original.replace("\n", "\r\n").encode("cp949"))
    doc = load_path(path)
    assert not [f for f in doc.findings if f.severity == "error"], doc.findings
    url = f"sqlite:///{tmp_path / 'cp.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    with engine.connect() as conn:
        save_document(conn, doc)
        conn.commit()
    return url, engine, src_dir, original.split("\n")


def _view(url: str, dirs, lines: str) -> dict:
    with TestClient(create_app(Settings(db_url=url), document_dirs=dirs)) as c:
        r = c.get("/documents/plan_cp949.txt.json", params={"lines": lines})
        assert r.status_code == 200
        page = c.get("/documents/plan_cp949.txt", params={"lines": lines})
        assert page.status_code == 200
        return {**r.json(), "_html": page.text}


def _check(data: dict, expected: list[str], numbers: list[int]) -> None:
    assert data["text_available"] is True
    got = {h["line"]: h["text"] for h in data["highlighted"]}
    assert got == {n: expected[n - 1] for n in numbers}
    assert all("\r" not in t for t in got.values())
    # the page prints the lines themselves (Korean text, decoded from CP949)
    korean = next(expected[n - 1] for n in numbers if any("가" <= ch <= "힣" for ch in expected[n - 1]))
    assert korean.split("\t")[0].strip() in data["_html"]


def test_cp949_document_view_shows_its_lines(cp949_app):
    url, _, _, expected = cp949_app
    numbers = [n for n, t in enumerate(expected, 1) if t.strip()][:6]
    _check(_view(url, [], ",".join(map(str, numbers))), expected, numbers)


def test_cp949_document_view_without_stored_text_decodes_the_original(cp949_app):
    # a database saved without document_texts: the original is found in the document
    # directories and decoded as ingest decoded it (CP949, CRLF → LF), not read as UTF-8
    url, engine, src_dir, expected = cp949_app
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM document_texts"))
    engine.dispose()
    numbers = [n for n, t in enumerate(expected, 1) if t.strip()][:6]
    _check(_view(url, [src_dir], ",".join(map(str, numbers))), expected, numbers)
    # and a file whose decoded text is not the stored one (edited since) is not shown
    path = src_dir / "plan_cp949.txt"
    path.write_bytes(path.read_bytes() + "추가\r\n".encode("cp949"))
    assert _view(url, [src_dir], "1")["text_available"] is False
