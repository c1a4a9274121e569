"""Web tests: a temporary SQLite database loaded with the project's own fixtures
(tests/fixtures/*.txt, read by the real pipeline and saved by the store), an app built by
``create_app`` around it, and — for the browser suite — uvicorn on a free port."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
REAL_DOCS = (ROOT / ".." / "shared" / "documents").resolve()
CHROMIUM = Path("/usr/bin/chromium")


def document_line(html: str, n: int) -> tuple[str, bool] | None:
    """Line ``n`` of a /documents page as (its text, highlighted): a plain line's text, or a
    table line's cells joined by tabs again (the grid shows each tab-separated cell)."""
    import re
    from html import unescape

    m = re.search(rf'<li id="L{n}"( class="hl")?>.*?<span class="tx">(.*?)</span></li>', html, re.S)
    if m:
        return unescape(m.group(2)), bool(m.group(1))
    m = re.search(rf'<tr id="L{n}"( class="hl")?><th scope="row" class="ln">.*?</th>(.*?)</tr>', html, re.S)
    if m:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", m.group(2), re.S)
        return "\t".join(unescape(c) for c in cells), bool(m.group(1))
    return None


def fixture_files() -> list[Path]:
    # the layout fixtures (other cities' layouts, another year) belong to the reader tests: the
    # web's corpus is the one city's documents the page tests pin
    return sorted(p for p in FIXTURES.glob("*.txt") if "broken" not in p.name and not p.name.startswith("layout_"))


def load_into(url: str, paths: list[Path]) -> list:
    """Read ``paths`` with the pipeline, save the readable ones and every rule's findings."""
    from sijeong.pipeline import check, load_path
    from sijeong.readers import read_errors
    from sijeong.store import create_engine_for, migrate, save_document, save_findings

    engine = create_engine_for(url)
    migrate(engine)
    docs = []
    for p in paths:
        doc = load_path(p)
        if read_errors(doc):  # as ingest: a table's own read errors do not refuse the document
            continue
        docs.append(doc)
        with engine.connect() as conn:
            save_document(conn, doc)
            conn.commit()
    with engine.connect() as conn:
        save_findings(conn, check(docs))
        conn.commit()
    engine.dispose()
    return docs


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.db"
    url = f"sqlite:///{path}"
    docs = load_into(url, fixture_files())
    assert docs, "no fixture could be read"
    return url, docs


@pytest.fixture(scope="session")
def app(fixture_db):
    from sijeong.settings import Settings
    from sijeong.web import create_app

    url, _ = fixture_db
    return create_app(Settings(db_url=url), document_dirs=[FIXTURES])


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def real_db(tmp_path_factory):
    if not REAL_DOCS.is_dir():
        pytest.skip("../shared/documents not found: the real Gimpo documents are not on this machine")
    path = tmp_path_factory.mktemp("real") / "real.db"
    url = f"sqlite:///{path}"
    load_into(url, sorted(REAL_DOCS.glob("*.txt")))
    return url


@pytest.fixture(scope="session")
def real_client(real_db):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    with TestClient(create_app(Settings(db_url=real_db), document_dirs=[REAL_DOCS])) as c:
        yield c


def count_connections(engine) -> dict[str, int]:
    """Watch ``engine``'s pool: ``now`` connections checked out, their ``peak`` and the number
    of ``checkouts`` so far (updated by pool events, from any thread)."""
    import threading

    import sqlalchemy as sa

    out = {"now": 0, "peak": 0, "checkouts": 0}
    lock = threading.Lock()

    @sa.event.listens_for(engine, "checkout")
    def _out(*_):
        with lock:
            out["now"] += 1
            out["checkouts"] += 1
            out["peak"] = max(out["peak"], out["now"])

    @sa.event.listens_for(engine, "checkin")
    def _in(*_):
        with lock:
            out["now"] -= 1

    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app):
    """uvicorn serving the fixture app on 127.0.0.1 in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium not found: install Debian's chromium (scripts/setup.sh --test)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    yield pg
    context.close()
