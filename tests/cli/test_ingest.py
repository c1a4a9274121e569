"""``sijeong ingest``: exit codes, messages with FILE:LINE, nothing written for a broken
document, one transaction per document, replacement on re-ingest."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from sijeong import pipeline
from sijeong.cli import main
from sijeong.store import repository
from sijeong.store.db import create_engine_for

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def counts(url: str, *, audit: bool = False) -> dict[str, int]:
    """Rows per table of the stored data; the append-only audit log only with ``audit``."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            rows = repository.count_rows(conn)
    finally:
        engine.dispose()
    if not audit:
        rows.pop("audit_log", None)
    return rows


def seed(url: str, doc) -> dict[str, int]:
    """Store a hand-built document, so 'unchanged' means more than 'still empty'."""
    from sijeong.store.db import migrate

    engine = create_engine_for(url)
    migrate(engine)
    with engine.begin() as conn:
        repository.save_document(conn, doc)
    engine.dispose()
    return counts(url)


def test_unknown_document_is_refused_and_nothing_changes(tmp_path, db_url, make_document, capsys):
    before = seed(db_url, make_document())
    odd = tmp_path / "odd.txt"
    odd.write_text("장보기 목록\n사과 3개\n", encoding="utf-8")
    assert main(["ingest", str(odd), "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert f"오류 / error: {odd}:1: " in err and "unknown document family" in err
    assert counts(db_url) == before


def test_non_utf8_file_names_the_line(tmp_path, sqlite_url, capsys):
    bad = tmp_path / "latin.txt"
    bad.write_bytes("첫 줄\n둘째 줄\n".encode("utf-8") + b"caf\xe9\n")
    assert main(["ingest", str(bad), "--db", sqlite_url]) == 1
    assert f"{bad}:3: " in capsys.readouterr().err
    assert counts(sqlite_url)["documents"] == 0


def test_missing_file(tmp_path, sqlite_url, capsys):
    assert main(["ingest", str(tmp_path / "nowhere.txt"), "--db", sqlite_url]) == 1
    assert "cannot read file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name, line, words",
    [
        ("broken_letter_in_number.txt", 12, "letter inside a number: '5O0,000'"),
        ("broken_unknown_unit.txt", 3, "unknown money unit: '냥'"),  # 냥 is money; its table was all there was
        ("broken_truncated_table.txt", 5, "cut off"),
    ],
)
def test_broken_documents_fail_with_file_and_line(fixtures_dir, db_url, make_document, capsys, name, line, words):
    before = seed(db_url, make_document())
    path = fixtures_dir / name
    assert main(["ingest", str(path), "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert f"오류 / error: {path}:{line}: " in err
    assert words in err
    assert counts(db_url) == before


def test_good_documents_load_and_broken_ones_are_skipped(fixtures_dir, sqlite_url, capsys):
    broken = fixtures_dir / "broken_letter_in_number.txt"
    assert SAMPLES, "samples/ holds the sample documents"
    code = main(["ingest", str(SAMPLES[0]), str(broken), *map(str, SAMPLES[1:]), "--db", sqlite_url, "--municipality", "예시시"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"{broken}:12:" in err
    for s in SAMPLES:
        assert f"{s.name}: " in out and "numeric tokens: typed" in out
    assert "검증 / check:" in out
    after = counts(sqlite_url)
    assert after["documents"] == len(SAMPLES)
    # again, only the good ones: the same rows (replaced, not duplicated), exit 0
    assert counts(sqlite_url, audit=True)["audit_log"] == len(SAMPLES)  # one row a document stored
    assert main(["ingest", *map(str, SAMPLES), "--db", sqlite_url, "--municipality", "예시시"]) == 0
    assert counts(sqlite_url) == after
    # the audit log only grows: one more row per document stored again
    assert counts(sqlite_url, audit=True)["audit_log"] == 2 * len(SAMPLES)


def _fake_loader(doc):
    def load_path(path, *, municipality="김포시"):
        return doc

    return load_path


def test_stored_document_prints_its_coverage_and_replaces_on_reingest(tmp_path, db_url, make_document, monkeypatch, capsys):
    doc = make_document()
    monkeypatch.setattr(pipeline, "load_path", _fake_loader(doc))
    f = tmp_path / "plan_a.txt"
    f.write_text("x", encoding="utf-8")
    assert main(["ingest", str(f), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert doc.coverage.line("plan_a.txt") in out
    assert "read findings: 1 warning" in out
    first = counts(db_url)
    assert first["documents"] == 1 and first["programs"] == 1
    assert main(["ingest", str(f), "--db", db_url]) == 0
    assert counts(db_url) == first


def test_a_failure_while_saving_rolls_the_document_back(tmp_path, db_url, make_document, monkeypatch, capsys):
    before = seed(db_url, make_document(scale=1))
    monkeypatch.setattr(pipeline, "load_path", _fake_loader(make_document(scale=7)))
    real_insert = repository._insert

    def failing_insert(conn, t, rows):
        if t.name == "search_index":  # the last insert of a save: everything else is written
            raise sa.exc.OperationalError("INSERT INTO search_index", {}, RuntimeError("injected"))
        return real_insert(conn, t, rows)

    monkeypatch.setattr(repository, "_insert", failing_insert)
    f = tmp_path / "plan_a.txt"
    f.write_text("x", encoding="utf-8")
    assert main(["ingest", str(f), "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert "saving failed, nothing changed" in err and str(f) in err
    assert counts(db_url) == before
    engine = create_engine_for(db_url)
    with engine.connect() as conn:
        rows, _ = repository.list_records(conn, "programs")
    engine.dispose()
    assert [r["budget"] for r in rows] == [900_000]  # the old version, not scale 7


def test_rule_findings_are_stored(tmp_path, sqlite_url, make_document, monkeypatch, capsys):
    from sijeong.model import Finding

    doc = make_document()
    monkeypatch.setattr(pipeline, "load_path", _fake_loader(doc))
    calls = []

    def check(docs, **_):  # context: the statistics of later plans (none here)
        calls.append([d.name for d in docs])
        return [Finding(rule="sum.total", severity="error", doc=d.name, lines=[14], message="합계 불일치",
                        municipality=d.municipality, year=d.year) for d in docs]

    monkeypatch.setattr(pipeline, "check", check)
    f = tmp_path / "plan_a.txt"
    f.write_text("x", encoding="utf-8")
    assert main(["ingest", str(f), "--db", sqlite_url]) == 0
    assert main(["ingest", str(f), "--db", sqlite_url]) == 0
    assert calls == [["plan_a.txt"], ["plan_a.txt"]]
    assert "1 rule findings (1 errors" in capsys.readouterr().out
    engine = create_engine_for(sqlite_url)
    with engine.connect() as conn:
        rows, total = repository.list_findings(conn, origin="rule")
    engine.dispose()
    assert total == 1 and rows[0]["rule"] == "sum.total" and rows[0]["document_id"] is not None


@pytest.mark.slow
@pytest.mark.real
def test_real_documents_ingest_export_and_search(real_docs, sqlite_url, tmp_path, capsys):
    import json

    files = sorted(real_docs.glob("*.txt"))
    assert main(["ingest", *map(str, files), "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    for f in files:
        assert f"{f.name}: " in out and "nowhere 0" in out
    assert counts(sqlite_url)["documents"] == len(files)
    model = tmp_path / "model.json"
    assert main(["export", "--db", sqlite_url, "-o", str(model)]) == 0
    data = json.loads(model.read_text(encoding="utf-8"))
    assert len(data["documents"]) == len(files) and len(data["programs"]) > 50 and len(data["plan_tasks"]) > 10
    assert all(isinstance(p["budget"], int) for p in data["programs"] if p["budget"] is not None)
    assert all(p["source"]["line"] > 0 for p in data["programs"])
    capsys.readouterr()
    assert main(["search", "자율주행", "--db", sqlite_url]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "#" in first and ".txt:" in first


def test_ingesting_a_year_keeps_the_rule_findings_of_a_stored_document_without_a_year(
        tmp_path, sqlite_url, make_document, monkeypatch, capsys):
    """The rules' findings of a stored document without a year (year None) are replaced
    only by a check that ran over that document again, not dropped when another year is loaded."""
    from sijeong.model import Finding

    docs = {"undated.txt": make_document("undated.txt", year=None), "dated.txt": make_document("dated.txt", year=2020)}
    monkeypatch.setattr(pipeline, "load_path", lambda path, municipality="김포시": docs[Path(path).name])

    def check(ds, **_):
        return [Finding(rule="sum.total", severity="error", doc=d.name, lines=[14], message="합계 불일치",
                        municipality=d.municipality, year=d.year) for d in ds]

    monkeypatch.setattr(pipeline, "check", check)
    for name in docs:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert main(["ingest", str(tmp_path / "undated.txt"), "--db", sqlite_url]) == 0
    assert main(["ingest", str(tmp_path / "dated.txt"), "--db", sqlite_url]) == 0
    engine = create_engine_for(sqlite_url)
    with engine.connect() as conn:
        rows, _ = repository.list_findings(conn, origin="rule")
    engine.dispose()
    assert sorted(r["doc"] for r in rows) == ["dated.txt", "undated.txt"]


# --- one bad file does not stop the batch; many municipalities in one call ----------------


def _fake_tree_loader(make_document, years: dict[str, int | None] | None = None):
    """load_path giving a hand-built document named after the file, of the municipality asked."""

    def load_path(path, *, municipality="김포시"):
        name = Path(path).name
        return make_document(name, municipality=municipality, year=(years or {}).get(name, 2020))

    return load_path


def _stored(url: str) -> list[tuple[str, str, int | None]]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return sorted((r.municipality, r.name, r.year) for r in conn.execute(
                sa.text("SELECT municipality, name, year FROM documents")))
    finally:
        engine.dispose()


def test_an_unexpected_failure_of_one_file_is_reported_and_the_batch_goes_on(tmp_path, db_url, make_document,
                                                                             monkeypatch, capsys):
    """A reader that crashes, a save that fails (in a savepoint: the others of the same
    transaction stay) — each named with its file; the rest is stored and checked."""
    from sijeong.model import Figure, Program, Source

    def load_path(path, *, municipality="김포시"):
        name = Path(path).name
        if name == "b.txt":
            raise RuntimeError("reader blew up")
        doc = make_document(name, municipality=municipality)
        if name == "c.txt":  # more than a BIGINT holds: the save itself fails
            prog = next(r for r in doc.records if isinstance(r, Program))
            prog.set("budget", Figure(2**63, "9,223,372,036,854,775,808", Source(name, 14)))
        return doc

    monkeypatch.setattr(pipeline, "load_path", load_path)
    checked = []
    real_check = pipeline.check
    monkeypatch.setattr(pipeline, "check", lambda docs, **kw: checked.append(sorted(d.name for d in docs)) or real_check(docs, **kw))
    files = [tmp_path / n for n in ("a.txt", "b.txt", "c.txt", "d.txt")]
    for f in files:
        f.write_text("x", encoding="utf-8")
    assert main(["ingest", *map(str, files), "--db", db_url, "--municipality", "가온시"]) == 1
    out, err = capsys.readouterr()
    assert f"{files[1]}: " in err and "RuntimeError: reader blew up" in err
    assert f"{files[2]}: " in err and "saving failed, nothing changed" in err
    assert _stored(db_url) == [("가온시", "a.txt", 2020), ("가온시", "d.txt", 2020)]
    assert checked == [["a.txt", "d.txt"]] and "검증 / check:" in out


def test_tree_loads_each_municipality_and_checks_each_year(tmp_path, sqlite_url, make_document, monkeypatch, capsys):
    root = tmp_path / "docs"
    layout = {"가온시/2020/report.txt": 2020, "가온시/2021/plan.txt": 2021, "나래군/report.txt": 2020,
              "다솜시/2019/late.txt": 2020, "가온시/2020/notes.md": None}
    for rel in layout:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    years = {Path(rel).name: y for rel, y in layout.items()}
    monkeypatch.setattr(pipeline, "load_path", _fake_tree_loader(make_document, years))
    scopes = []
    real_check = pipeline.check
    monkeypatch.setattr(pipeline, "check", lambda docs, **kw: scopes.append(sorted((d.municipality, d.year, d.name) for d in docs))
                        or real_check(docs, **kw))
    assert main(["ingest", "--tree", str(root), "--db", sqlite_url]) == 0
    err = capsys.readouterr().err
    assert _stored(sqlite_url) == [("가온시", "plan.txt", 2021), ("가온시", "report.txt", 2020),
                                   ("나래군", "report.txt", 2020), ("다솜시", "late.txt", 2020)]
    # one check per municipality-year, over that year's documents only
    assert scopes == [[("가온시", 2020, "report.txt")], [("가온시", 2021, "plan.txt")],
                      [("나래군", 2020, "report.txt")], [("다솜시", 2020, "late.txt")]]
    assert "late.txt" in err and "2019" in err and "2020" in err  # the path's year differs: a warning
    engine = create_engine_for(sqlite_url)
    with engine.connect() as conn:
        rows, _ = repository.list_findings(conn, origin="rule", municipality="가온시")
    engine.dispose()
    assert {r["year"] for r in rows} == {2020, 2021}


def test_manifest_names_municipality_and_year_per_file(tmp_path, sqlite_url, make_document, monkeypatch, capsys):
    monkeypatch.setattr(pipeline, "load_path", _fake_tree_loader(make_document))
    (tmp_path / "in").mkdir()
    for n in ("a.txt", "b.txt"):
        (tmp_path / "in" / n).write_text("x", encoding="utf-8")
    manifest = tmp_path / "files.csv"
    manifest.write_text(f"file,municipality,year\nin/a.txt,가온시,2020\n{tmp_path / 'in' / 'b.txt'},나래군,\n", encoding="utf-8")
    assert main(["ingest", "--manifest", str(manifest), "--db", sqlite_url]) == 0
    assert _stored(sqlite_url) == [("가온시", "a.txt", 2020), ("나래군", "b.txt", 2020)]
    bad = tmp_path / "bad.csv"
    bad.write_text("file,municipality,year\nin/a.txt,다솜시,2020\nin/b.txt,다솜시,이천\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", "--manifest", str(bad), "--db", sqlite_url]) == 2
    assert f"{bad}:3:" in capsys.readouterr().err
    assert main(["ingest", "--manifest", str(tmp_path / "in" / "a.txt"), "--db", sqlite_url]) == 2  # no header
    assert _stored(sqlite_url) == [("가온시", "a.txt", 2020), ("나래군", "b.txt", 2020)]  # nothing read


@pytest.mark.slow
def test_jobs_read_in_processes_and_store_the_same(tmp_path, capsys):
    """--jobs 2 reads in a process pool (documents travel pickled) and stores what --jobs 1 does."""
    root = tmp_path / "tree"
    for town in ("가온시", "나래군"):
        (root / town).mkdir(parents=True)
        for s in SAMPLES:
            (root / town / s.name).write_bytes(s.read_bytes())
    (root / "나래군" / "broken.txt").write_bytes((ROOT / "tests" / "fixtures" / "broken_letter_in_number.txt").read_bytes())
    states = []
    for jobs in ("1", "2"):
        url = f"sqlite:///{tmp_path / f'jobs{jobs}.db'}"
        assert main(["ingest", "--tree", str(root), "--jobs", jobs, "--db", url]) == 1
        out, err = capsys.readouterr()
        assert "broken.txt:12:" in err and out.count("numeric tokens") == 2 * len(SAMPLES)
        engine = create_engine_for(url)
        with engine.connect() as conn:
            states.append((
                sorted(conn.execute(sa.text("SELECT municipality, name, sha256, year FROM documents")).all()),
                sorted(conn.execute(sa.text("SELECT municipality, doc, rule, message FROM findings")).all()),
                {k: v for k, v in repository.count_rows(conn).items()},
            ))
        engine.dispose()
    assert states[0] == states[1]
    assert len(states[0][0]) == 2 * len(SAMPLES) and states[0][1]


def test_the_garbage_collector_is_set_for_the_batch_and_restored(tmp_path, sqlite_url, make_document, monkeypatch,
                                                                 capsys):
    """The batch's collector thresholds (and the imports frozen) while reading and storing;
    the caller's settings back afterwards, also after a failed file."""
    import gc

    from sijeong.commands import ingest

    seen = []

    def loader(path, municipality=None):
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        if Path(path).name == "bad.txt":
            raise RuntimeError("injected")
        return make_document(Path(path).name, municipality=municipality)

    monkeypatch.setattr(pipeline, "load_path", loader)
    for name in ("a.txt", "bad.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    before = gc.get_threshold()
    gc.set_threshold(701, 11, 12)
    try:
        assert main(["ingest", str(tmp_path / "a.txt"), str(tmp_path / "bad.txt"), "--db", sqlite_url]) == 1
        assert gc.get_threshold() == (701, 11, 12) and gc.get_freeze_count() == 0
    finally:
        gc.set_threshold(*before)
    assert seen == [(ingest.GC_THRESHOLDS, True)] * 2
    assert "injected" in capsys.readouterr().err


def test_tree_refuses_a_second_file_of_the_same_name_for_a_municipality(tmp_path, sqlite_url, make_document,
                                                                        monkeypatch, capsys):
    """A document is known by (file name, municipality): 2020/결산.txt and 2021/결산.txt would
    replace each other, so the second is refused and named."""
    root = tmp_path / "docs"
    for rel in ("가온시/2020/결산.txt", "가온시/2021/결산.txt", "나래군/2021/결산.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    monkeypatch.setattr(pipeline, "load_path", _fake_tree_loader(make_document))
    assert main(["ingest", "--tree", str(root), "--db", sqlite_url]) == 1
    err = capsys.readouterr().err
    assert f"{root / '가온시' / '2021' / '결산.txt'}: " in err and "same file name" in err
    assert _stored(sqlite_url) == [("가온시", "결산.txt", 2020), ("나래군", "결산.txt", 2020)]


def test_the_summary_counts_read_findings_by_severity(sqlite_url, capsys, fixtures_dir):
    """Issue 16: the reader's information (참고) is not called a warning: the summary line gives
    the read findings by severity, as stored."""
    import re

    import sqlalchemy as sa

    assert main(["ingest", str(fixtures_dir / "consistent_report.txt"), str(fixtures_dir / "performance_report.txt"),
                 "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    m = re.search(r"읽기 참고사항 (\d+)건 \(경고 (\d+), 참고 (\d+)\)", out)
    assert m, out
    total, warnings, infos = map(int, m.groups())
    engine = create_engine_for(sqlite_url)
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.text(
            "select severity, count(*) from findings where origin = 'read' group by severity")).all())
    engine.dispose()
    assert (warnings, infos) == (stored.get("warning", 0), stored.get("info", 0))
    assert total == warnings + infos and total > 0
    assert f"{total} read findings ({warnings} warnings, {infos} info)" in out
