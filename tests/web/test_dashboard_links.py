"""The dashboard's plan links keep the municipality being viewed: with two municipalities in
one database, a link from the second's dashboard to its plans must not fall back to the
default (first) municipality."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "fixtures" / "consistent_plan.txt"


def test_plan_links_keep_the_municipality(tmp_path):
    from sijeong.pipeline import load_text
    from sijeong.settings import Settings
    from sijeong.store import create_engine_for, migrate, save_document
    from sijeong.web import create_app

    url = f"sqlite:///{tmp_path / 'two.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    text = PLAN.read_text(encoding="utf-8")
    with engine.begin() as conn:
        for m in ("가시", "나시"):
            save_document(conn, load_text(PLAN.name, text, municipality=m))
    engine.dispose()
    app = create_app(Settings(db_url=url, municipality="가시"))
    try:
        with TestClient(app) as c:
            year = c.get("/dashboard.json", params={"municipality": "나시"}).json()["years"][0]
            html = c.get("/dashboard", params={"municipality": "나시", "year": year}).text
    finally:
        app.state.engine.dispose()
    links = re.findall(r'href="(/plans\?[^"]*)"', html)
    assert links, "the plan-only year's page links its plans"
    for href in links:
        assert "municipality=%EB%82%98%EC%8B%9C" in href, href  # 나시, not the default 가시
