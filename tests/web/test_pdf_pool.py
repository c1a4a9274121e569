"""PDFs come from a bounded pool of Chromium printers: never more than the limit at once (in
one process and across processes sharing slot files), a full queue or a run-out wait is a
503 with ``Retry-After`` in the error shape (never a 500), and the links in a PDF are built
from the configured public address, never from the request's Host header.

The queue logic is tested with a stand-in ``chromium`` (a script that logs when it starts
and ends and writes a small file), the real limit with Debian's Chromium by counting its
renderer processes in /proc while twelve requests arrive at once."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sijeong.reports.pdf import PROFILE_PREFIX, PdfBusy, RenderPool, chromium_path

FAKE = """#!{python}
import os, sys, time
out = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--print-to-pdf="))
log = os.environ["FAKE_CHROMIUM_LOG"]
with open(log, "a") as f:
    f.write(f"start {{time.time()}}\\n")
time.sleep(float(os.environ.get("FAKE_CHROMIUM_SECONDS", "0.3")))
with open(out, "wb") as f:
    f.write(b"%PDF-1.4 fake")
with open(log, "a") as f:
    f.write(f"end {{time.time()}}\\n")
"""


@pytest.fixture
def fake_chromium(tmp_path, monkeypatch):
    exe = tmp_path / "chromium"
    exe.write_text(FAKE.format(python=sys.executable))
    exe.chmod(0o755)
    log = tmp_path / "runs.log"
    log.write_text("")
    monkeypatch.setenv("SIJEONG_CHROMIUM", str(exe))
    monkeypatch.setenv("FAKE_CHROMIUM_LOG", str(log))
    return log


def most_at_once(log: Path) -> tuple[int, int]:
    """(most runs overlapping, runs) from the stand-in's start/end log."""
    events = []
    for line in log.read_text().split("\n"):
        if line:
            kind, t = line.split()
            events.append((float(t), 0 if kind == "end" else 1))
    events.sort()
    now = top = 0
    for _, up in events:
        now += 1 if up else -1
        top = max(top, now)
    return top, sum(1 for _, up in events if up)


def run_many(pool: RenderPool | list[RenderPool], n: int) -> list:
    pools = pool if isinstance(pool, list) else [pool]

    def one(i):
        try:
            return pools[i % len(pools)].render("<p>x</p>")
        except PdfBusy as e:
            return e

    with ThreadPoolExecutor(n) as ex:
        return list(ex.map(one, range(n)))


def test_pool_never_runs_more_than_its_limit(fake_chromium):
    pool = RenderPool(2, queue=20, wait=30)
    out = run_many(pool, 8)
    assert all(o == b"%PDF-1.4 fake" for o in out), out
    top, runs = most_at_once(fake_chromium)
    assert runs == 8 and top == 2


def test_a_full_queue_is_refused_at_once_with_a_retry_after(fake_chromium, monkeypatch):
    monkeypatch.setenv("FAKE_CHROMIUM_SECONDS", "1.0")
    pool = RenderPool(1, queue=1, wait=30)
    started = time.monotonic()
    out = run_many(pool, 6)
    busy = [o for o in out if isinstance(o, PdfBusy)]
    done = [o for o in out if isinstance(o, bytes)]
    assert len(done) == 2 and len(busy) == 4  # one printing + one waiting; the rest refused
    assert all(b.retry_after >= 1 for b in busy)
    assert most_at_once(fake_chromium) == (1, 2)
    assert time.monotonic() - started < 10


def test_a_wait_that_runs_out_is_busy(fake_chromium, monkeypatch):
    monkeypatch.setenv("FAKE_CHROMIUM_SECONDS", "1.5")
    pool = RenderPool(1, queue=10, wait=0.3)
    out = run_many(pool, 3)
    assert sum(isinstance(o, bytes) for o in out) == 1
    assert sum(isinstance(o, PdfBusy) for o in out) == 2


def test_slot_files_hold_the_limit_across_pools(fake_chromium, tmp_path):
    """Two pools (as in two worker processes) sharing one slot directory print two at once,
    not four; a flock is per open file, so it holds between processes too."""
    slots = tmp_path / "slots"
    pools = [RenderPool(2, queue=20, wait=30, slots=slots), RenderPool(2, queue=20, wait=30, slots=slots)]
    out = run_many(pools, 10)
    assert all(isinstance(o, bytes) for o in out), out
    top, runs = most_at_once(fake_chromium)
    assert runs == 10 and top == 2


def test_the_web_answers_a_busy_pool_with_503_and_retry_after(fixture_db, fake_chromium, monkeypatch):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    monkeypatch.setenv("FAKE_CHROMIUM_SECONDS", "1.0")
    app = create_app(Settings(db_url=fixture_db[0], pdf_renders=1, pdf_queue=0, pdf_wait=5))
    paths = ["/citizens.pdf?year=2020", "/reports/summary.pdf?year=2020"] * 3

    def get(path):
        with TestClient(app) as c:
            return c.get(path)

    with ThreadPoolExecutor(len(paths)) as ex:
        answers = list(ex.map(get, paths))
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 503} and 200 in codes and 503 in codes, codes
    for r in answers:
        if r.status_code == 200:
            assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
        else:
            assert int(r.headers["retry-after"]) >= 1
            assert "PDF를 만들 수 없습니다" in r.text and '<html lang="ko">' in r.text  # the HTML error page
            assert r.headers["x-content-type-options"] == "nosniff"
    assert most_at_once(fake_chromium)[0] == 1


def test_no_database_connection_is_held_while_printing(fixture_db, fake_chromium, monkeypatch):
    """The pool is only called once the request's connection went back to the pool."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    app = create_app(Settings(db_url=fixture_db[0]))
    engine = app.state.engine
    held = []
    opened = {"n": 0}
    import sqlalchemy as sa

    def checkout(*_):
        opened["n"] += 1

    def checkin(*_):
        opened["n"] -= 1

    sa.event.listen(engine, "checkout", checkout)
    sa.event.listen(engine, "checkin", checkin)
    real = app.state.pdf_pool.render

    def spy(html):
        held.append(opened["n"])
        return real(html)

    app.state.pdf_pool.render = spy
    with TestClient(app) as c:
        for path in ["/citizens.pdf?year=2020", "/reports/summary.pdf?year=2020", "/reports/all.pdf?year=2020"]:
            assert c.get(path).status_code == 200, path
    assert held == [0, 0, 0]


# --- with the real Chromium -------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="no Chromium on this machine (set SIJEONG_CHROMIUM)")


def our_chromiums() -> tuple[int, int]:
    """(Chromium instances, renderer processes) of our printers, read from /proc. An instance
    is one profile directory (a process forked but not yet exec'd shows its parent's command
    line, so processes are not counted as browsers). A process forked by Chromium's zygote
    rewrites its command line as one space-separated string, so the whole line is searched."""
    profiles: set[bytes] = set()
    renderers = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
        except OSError:
            continue
        # not /usr/bin/chromium's shell wrapper (or its subshells) before it execs Chromium
        if PROFILE_PREFIX.encode() not in cmd or not exe.startswith(("chromium", "chrome")):
            continue
        found = re.search(rb"--user-data-dir=(\S+)", cmd)
        if found:
            profiles.add(found.group(1))
        if b"--type=renderer" in cmd:
            renderers += 1
    return len(profiles), renderers


def watching(fn):
    """Run ``fn()`` while sampling ``our_chromiums()`` every 20 ms; (result, samples)."""
    seen: list[tuple[int, int]] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.append(our_chromiums())
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        return fn(), seen
    finally:
        stop.set()
        watcher.join()


@pytest.mark.slow
@needs_chromium
def test_twelve_pdf_requests_at_once_run_at_most_the_limit_of_chromiums(fixture_db, monkeypatch):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    monkeypatch.delenv("SIJEONG_CHROMIUM", raising=False)
    limit = 2
    app = create_app(Settings(db_url=fixture_db[0], pdf_renders=limit, pdf_queue=2, pdf_wait=120))

    def get(i):
        with TestClient(app) as c:
            return c.get("/citizens.pdf?year=2020" if i % 2 else "/reports/summary.pdf?year=2020")

    # one print alone: how many renderer processes one Chromium uses for it
    solo, seen = watching(lambda: [get(1)])
    assert solo[0].status_code == 200
    per_print = max(r for _, r in seen)
    assert max(i for i, _ in seen) == 1 and per_print >= 1, seen

    def twelve():
        with ThreadPoolExecutor(12) as ex:
            return list(ex.map(get, range(12)))

    answers, seen = watching(twelve)
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 503}, codes
    assert codes.count(200) >= limit, codes
    instances, renderers = max(i for i, _ in seen), max(r for _, r in seen)
    print(f"most Chromiums at once: {instances}, renderers: {renderers} ({per_print} for one print alone); {codes}")
    assert instances >= 1, "never saw a Chromium: the count could not fire"
    assert instances <= limit, seen
    assert renderers <= limit * per_print, seen
    for r in answers:
        if r.status_code == 200:
            assert r.content.startswith(b"%PDF")
        else:
            assert int(r.headers["retry-after"]) >= 1
    assert our_chromiums() == (0, 0)  # nothing left behind


@pytest.mark.slow
@needs_chromium
def test_pdf_links_use_the_public_address_not_the_host_header(fixture_db, monkeypatch):
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    monkeypatch.delenv("SIJEONG_CHROMIUM", raising=False)
    public = "https://sijeong.example.kr"
    app = create_app(Settings(db_url=fixture_db[0], public_url=public))
    with TestClient(app) as c:
        r = c.get("/citizens.pdf?year=2020", headers={"host": "evil.example"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    uris = re.findall(rb"/URI \(([^)]*)\)", r.content)
    assert len(uris) > 10, "no link annotations found: the check could not fire"
    assert all(u.startswith(public.encode() + b"/") for u in uris), [u for u in uris if not u.startswith(public.encode())][:3]
    assert b"evil.example" not in r.content
