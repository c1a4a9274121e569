"""The web is stateless: two ``sijeong serve`` processes (one of them with ``--workers 2``,
the app factory in uvicorn worker processes) on one PostgreSQL database answer the same
pages byte for byte, and after a new ``sijeong ingest`` both answer the new data (the chart
cache is keyed on the data, so nothing stale is served)."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import fresh_pg_database

from .conftest import FIXTURES, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PAGES = ["/dashboard", "/dashboard.json", "/citizens", "/programs", "/api/v1/indicators", "/findings.json"]


@pytest.fixture
def pg_db():
    """A fresh, uniquely named database (dropped afterwards)."""
    with fresh_pg_database("sijeong_test_workers") as url:
        yield url


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sijeong.cli", *args], capture_output=True, text=True, timeout=300)


def serve(url: str, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sijeong.cli", "serve", "--db", url, "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_up(proc: subprocess.Popen, base: str) -> None:
    deadline = time.time() + 90
    while True:
        try:
            if httpx.get(base + "/static/style.css", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("sijeong serve did not start: " + (proc.stdout.read() if proc.stdout else ""))
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def answers(base: str, times: int = 1) -> dict[str, str]:
    """Each page's body; asked ``times`` times (a round of workers), all must agree."""
    out = {}
    for path in PAGES:
        bodies = set()
        for _ in range(times):
            r = httpx.get(base + path, timeout=60)
            assert r.status_code == 200, (base, path, r.status_code, r.text[:300])
            assert "server" not in r.headers
            bodies.add(r.text)
        assert len(bodies) == 1, f"{base}{path} answered differently between requests"
        out[path] = bodies.pop()
    return out


def test_two_servers_on_one_database_serve_the_same_data_and_follow_a_new_ingest(pg_db):
    first = cli("ingest", "--db", pg_db, str(FIXTURES / "performance_report.txt"))
    assert first.returncode == 0, first.stderr
    a, base_a = serve(pg_db, "--workers", "2")
    b, base_b = serve(pg_db)
    try:
        wait_up(a, base_a)
        wait_up(b, base_b)
        before_a, before_b = answers(base_a, times=3), answers(base_b)
        assert before_a == before_b  # byte for byte, charts included
        assert "<svg" in before_a["/dashboard"]
        programs_before = httpx.get(base_a + "/api/v1/programs", timeout=30).json()["total"]

        second = cli("ingest", "--db", pg_db, str(FIXTURES / "consistent_report.txt"))
        assert second.returncode == 0, second.stderr
        after_a, after_b = answers(base_a, times=3), answers(base_b)
        assert after_a == after_b
        changed = [p for p in PAGES if after_a[p] != before_a[p]]
        assert "/dashboard" in changed and "/dashboard.json" in changed and "/programs" in changed, changed
        for base in (base_a, base_b):
            total = httpx.get(base + "/api/v1/programs", timeout=30).json()["total"]
            assert total > programs_before, "the second ingest's programs are not served"
        charts = lambda html: set(re.findall(r"<svg.*?</svg>", html, re.S))  # noqa: E731
        for page in ("/dashboard", "/citizens"):
            assert charts(after_a[page]) != charts(before_a[page]), f"the charts of {page} did not follow the ingest"
        # warm caches answer exactly what a process started after the ingest (cold caches) answers
        c, base_c = serve(pg_db)
        try:
            wait_up(c, base_c)
            assert answers(base_c) == after_a
        finally:
            stop(c)
    finally:
        stop(a)
        stop(b)
