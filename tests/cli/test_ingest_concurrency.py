"""Several ``sijeong ingest`` processes on one SQLite file wait for each other (BEGIN
IMMEDIATE) instead of failing with ``database is locked``, and a ``kill -9`` between a
document and its findings leaves the state before or the state after, never a document
without its findings."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong.store.db import create_engine_for

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "samples" / "예시시_2023_결산_성과보고서.txt"


def _ingest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "sijeong.cli", "ingest", *args]


def _state(url: str) -> dict:
    """Per (municipality, document): its sha256 and its stored rule findings; plus the rule
    findings a fresh check of the stored documents gives."""
    from sijeong.commands.check import READER_FAMILIES, check_db

    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            docs = {(r.municipality, r.name): r.sha256 for r in conn.execute(sa.text(
                "SELECT municipality, name, sha256 FROM documents"))}
            stored = sorted((r.municipality, r.doc, r.rule, r.lines if isinstance(r.lines, str) else json.dumps(r.lines),
                             r.message) for r in conn.execute(sa.text(
                                 "SELECT municipality, doc, rule, lines, message FROM findings WHERE origin = 'rule'")))
    finally:
        engine.dispose()
    fresh = sorted((f.municipality, f.doc, f.rule, json.dumps(f.lines), f.message)
                   for _, fs in check_db(url) for f in fs if f.rule.split(".")[0] not in READER_FAMILIES)
    return {"documents": docs, "stored": stored, "fresh": fresh}


@pytest.mark.slow
def test_concurrent_ingests_all_succeed_and_leave_a_consistent_database(tmp_path):
    """8 processes on a new file (they also race to migrate it): 6 municipalities, two of
    them loaded by two processes at once."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    towns = ["가시", "나시", "다시", "라시", "마시", "바시", "가시", "나시"]
    procs = [subprocess.Popen(_ingest_cmd(str(REPORT), "--db", url, "--municipality", t),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t in towns]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    # on failure: the end of each failing process's error output (where the lock was met)
    assert [code for code, _ in results] == [0] * len(towns), [err[-1500:] for code, err in results if code]
    assert not any("locked" in err for _, err in results)
    state = _state(url)
    assert sorted(state["documents"]) == sorted((t, REPORT.name) for t in set(towns))
    assert state["stored"], "the sample report has rule findings"
    # each town's findings once (the two loads of a town replaced, not doubled), and the
    # same as a check of what is stored
    assert state["stored"] == state["fresh"]
    per_town = {t: sum(1 for f in state["stored"] if f[0] == t) for t in set(towns)}
    assert len(set(per_town.values())) == 1 and min(per_town.values()) > 0


KILLER = textwrap.dedent("""
    import os, signal, sys
    from sijeong.store import repository
    from sijeong.cli import main

    real = repository.save_document

    def save_then_die(conn, doc, **kw):
        doc_id = real(conn, doc, **kw)
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9 after the document, before its findings
        return doc_id

    repository.save_document = save_then_die
    sys.exit(main(sys.argv[1:]))
""")


def _killed_ingest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLER, "ingest", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_kill_after_the_document_leaves_no_document_without_findings(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    # a new database: killed after the insert → nothing stored
    run = _killed_ingest(str(REPORT), "--db", url, "--municipality", "예시시")
    assert run.returncode == -signal.SIGKILL
    assert _state(url)["documents"] == {}
    # the complete state: the document with its findings
    assert subprocess.run(_ingest_cmd(str(REPORT), "--db", url, "--municipality", "예시시"),
                          capture_output=True, timeout=300).returncode == 0
    before = _state(url)
    assert before["documents"] and before["stored"] and before["stored"] == before["fresh"]
    # a changed version, killed after its insert: the old version and its findings remain
    changed = tmp_path / REPORT.name
    changed.write_text(REPORT.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run = _killed_ingest(str(changed), "--db", url, "--municipality", "예시시")
    assert run.returncode == -signal.SIGKILL
    assert _state(url) == before
    # and loading it for real gives the new complete state
    assert subprocess.run(_ingest_cmd(str(changed), "--db", url, "--municipality", "예시시"),
                          capture_output=True, timeout=300).returncode == 0
    after = _state(url)
    assert after["documents"] != before["documents"] and after["stored"] == after["fresh"] == before["stored"]


@pytest.mark.parametrize("argv, forbidden", [
    (["--help"], ("sqlalchemy", "alembic", "fastapi", "uvicorn", "openpyxl", "hwpx", "pygal", "jinja2")),
    (["ingest", "--help"], ("sqlalchemy", "alembic", "fastapi", "uvicorn", "openpyxl", "hwpx", "pygal", "jinja2")),
    (["ingest", str(REPORT), "--municipality", "예시시"], ("alembic", "fastapi", "uvicorn", "starlette", "openpyxl",
                                                          "hwpx", "pygal", "jinja2")),
])
def test_the_command_line_imports_only_what_the_command_needs(tmp_path, argv, forbidden):
    """``--help`` imports no command; ``ingest`` on a database at the newest migration loads
    neither Alembic nor the web or the report writers."""
    from sijeong.store.db import migrate

    url = f"sqlite:///{tmp_path / 'up_to_date.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    engine.dispose()
    if argv[0] == "ingest" and argv[1] != "--help":
        argv = [*argv, "--db", url]
    script = textwrap.dedent(f"""
        import sys
        from sijeong.cli import main
        try:
            code = main({argv!r})
        except SystemExit as e:
            code = e.code
        print(sorted({{m.split(".")[0] for m in sys.modules}} & set({list(forbidden)!r})))
        sys.exit(code)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"
