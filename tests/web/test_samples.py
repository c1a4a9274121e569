"""The sample data of the main command: another city than the settings' default."""


import pytest
from fastapi.testclient import TestClient

from sijeong.settings import Settings
from sijeong.web import create_app

from .conftest import ROOT, load_into

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))




def test_every_page_names_the_city_whose_data_it_shows(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    from sijeong.pipeline import check, load_path
    from sijeong.store import create_engine_for, migrate, save_document, save_findings

    engine = create_engine_for(url)
    migrate(engine)
    docs = [load_path(p, municipality="예시시") for p in SAMPLES]
    with engine.connect() as conn:
        for d in docs:
            save_document(conn, d)
        save_findings(conn, check(docs))
        conn.commit()
    engine.dispose()
    with TestClient(create_app(Settings(db_url=url))) as c:  # settings default: 김포시, no data
        for path in ("/findings", "/departments", "/plans"):
            html = c.get(path).text
            assert "예시시 성과관리" in html and "김포시 성과관리" not in html, path


def test_the_samples_deliberate_misprints_are_on_the_findings_page(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    load_into(url, SAMPLES)
    with TestClient(create_app(Settings(db_url=url))) as c:
        html = c.get("/findings").text
    for rule in ("indicator.rate", "cross.program", "revenue.uncollected"):
        assert rule in html, rule
