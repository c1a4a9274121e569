"""With the three real documents loaded, every page passes axe (WCAG 2.1 AA) in Chromium:
real names are long, real tables wide, and the pages must still be accessible."""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

import pytest

from .conftest import REAL_DOCS, ROOT, free_port
from .test_browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = ROOT / "screenshots"


@pytest.fixture(scope="module")
def real_server(real_db):
    import uvicorn

    from sijeong.settings import Settings
    from sijeong.web import create_app

    app = create_app(Settings(db_url=real_db))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_every_page_with_the_real_documents_passes_axe(page, real_server):
    d004 = quote("004_c3ede251798e8a7a.txt")
    paths = [
        ("dashboard", "/dashboard?year=2020"),
        ("department", f"/departments/{quote('기획담당관')}?year=2020"),
        ("indicators", "/indicators?year=2020"),
        ("programs", "/programs?year=2020&sort=spent&order=desc"),
        ("revenues", "/revenues?year=2020"),
        ("plans", f"/plans?q={quote('자율주행')}"),
        ("findings", "/findings"),
        ("document", f"/documents/{d004}?lines=136,137#L136"),
        ("citizens", "/citizens?year=2020"),
        ("reports", "/reports"),
        ("opendata", "/opendata"),
    ]
    SHOTS.mkdir(exist_ok=True)
    for name, path in paths:
        resp = page.goto(real_server + path)
        assert resp.status == 200, path
        axe_check(page)
        page.screenshot(path=str(SHOTS / f"real-{name}.png"), full_page=False)
    # an indicator page and a task page of the real data
    page.goto(real_server + "/indicators?year=2020")
    page.locator("main a[href^='/indicators/']").first.click()
    axe_check(page)
    page.goto(real_server + f"/plans?q={quote('자율주행')}")
    page.locator("main a[href^='/plans/']").first.click()
    assert "자율주행" in page.content()
    axe_check(page)
