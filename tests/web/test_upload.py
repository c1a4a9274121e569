"""Upload from the browser and the API (issue 15 part 3): who may, the size and type checks,
the preview that writes nothing, confirm (the same rows as ``sijeong ingest`` of the file,
an audit row) and discard, and another account's upload refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from sijeong import accounts, operations
from sijeong.settings import Settings
from sijeong.store import db
from sijeong.web import create_app

from .conftest import FIXTURES, fixture_files, load_into

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
UPLOADED = FIXTURES / "performance_report.txt"  # not in the database below; 10 read findings, 1 rule finding
LIMIT = 1024 * 1024
TABLES = ("documents", "indicators", "programs", "findings", "tables", "audit_log")


def base_files() -> list[Path]:
    return [p for p in fixture_files() if p != UPLOADED]


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes():
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts.HASHER = saved


def make_db(path: Path | str) -> str:
    url = path if isinstance(path, str) else f"sqlite:///{path}"
    load_into(url, base_files())
    engine = db.create_engine_for(url)
    for login, role, dept in (("perf", "performance", None), ("perf2", "performance", None), ("boss", "admin", None),
                              ("kim", "editor", "자치행정과"), ("view", "viewer", None), ("eval", "evaluator", None)):
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
    engine.dispose()
    return url


@pytest.fixture
def site(tmp_path):
    url = make_db(tmp_path / "up.db")
    app = create_app(Settings(db_url=url, upload_dir=str(tmp_path / "staging"), upload_max_bytes=LIMIT))
    engine = db.create_engine_for(url)
    yield app, engine, tmp_path / "staging"
    engine.dispose()


def login(app, who: str) -> tuple[TestClient, str]:
    c = TestClient(app)
    r = c.post("/api/v1/auth/login", json={"login": who, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, r.json()["csrf_token"]


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        out = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
        # logging in writes its own audit rows (session.login): only the others count here
        out["audit_log"] = conn.execute(sa.text(
            "SELECT count(*) FROM audit_log WHERE operation NOT LIKE 'session.%'")).scalar()
        return out


def post_file(c, csrf, name, data, *, municipality=None, path="/api/v1/uploads", header=True):
    fields = {"csrf_token": csrf} if not header else {}
    if municipality:
        fields["municipality"] = municipality
    return c.post(path, files={"file": (name, data, "application/octet-stream")}, data=fields,
                  headers={"X-CSRF-Token": csrf} if header else {}, follow_redirects=False)


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [("perf", 201), ("boss", 201), ("kim", 403), ("view", 403), ("eval", 403)])
def test_api_upload_by_role(site, who, status):
    app, engine, staging = site
    c, csrf = login(app, who)
    before = counts(engine)
    r = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes())
    assert r.status_code == status, r.text
    if status == 403:
        assert r.json()["error"]["message"].startswith("문서 올리기는 성과관리팀과 관리자만")
        assert not staging.exists() or not list(staging.iterdir())
    assert counts(engine) == before  # a preview writes nothing


@pytest.mark.parametrize("who, status", [("perf", 200), ("boss", 200), ("kim", 403), ("view", 403)])
def test_upload_page_by_role(site, who, status):
    app, _, _ = site
    c, _ = login(app, who)
    r = c.get("/upload")
    assert r.status_code == status
    if status == 200:
        assert "문서 올리기" in r.text and 'enctype="multipart/form-data"' in r.text and 'name="csrf_token"' in r.text
    else:
        assert "성과관리팀과 관리자만" in r.text
    # the header links to the page for those who may use it
    assert ('href="/upload"' in c.get("/dashboard").text) is (status == 200)


def test_anonymous_goes_to_login_and_the_api_is_401(site):
    app, _, _ = site
    c = TestClient(app)
    r = c.get("/upload", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/upload"
    r = c.post("/upload", files={"file": ("a.txt", b"x")}, follow_redirects=False)
    assert r.status_code == 303
    assert c.post("/api/v1/uploads", files={"file": ("a.txt", b"x")}).status_code == 401
    assert c.post("/api/v1/uploads/" + "a" * 32 + "/confirm").status_code == 401


def test_without_the_csrf_token_a_cookie_upload_is_403(site):
    app, engine, staging = site
    c, _ = login(app, "perf")
    r = c.post("/api/v1/uploads", files={"file": (UPLOADED.name, UPLOADED.read_bytes())})
    assert r.status_code == 403
    r = c.post("/upload", files={"file": (UPLOADED.name, UPLOADED.read_bytes())}, data={"csrf_token": "wrong"})
    assert r.status_code == 403
    assert not staging.exists() or not list(staging.iterdir())


def test_the_role_is_checked_before_the_body_is_read(site):
    """A viewer sending a body over the limit is told 403 (not 413): the body was not read."""
    app, _, _ = site
    c, csrf = login(app, "view")
    r = post_file(c, csrf, "big.txt", b"x" * (2 * LIMIT))
    assert r.status_code == 403


def test_an_api_token_needs_no_csrf_token(site):
    app, engine, _ = site
    token = accounts.issue_token(engine, ADMIN, login="perf")
    c = TestClient(app)
    r = c.post("/api/v1/uploads", files={"file": (UPLOADED.name, UPLOADED.read_bytes())},
               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text


# --- size and type -------------------------------------------------------------------------------


def test_too_large_is_413_and_nothing_is_staged(site):
    app, engine, staging = site
    c, csrf = login(app, "perf")
    big = ("가\t1\n" * (LIMIT // 6 + 10)).encode()  # valid text, over the limit
    assert len(big) > LIMIT
    r = post_file(c, csrf, "big.txt", big)
    assert r.status_code == 413
    assert r.json()["error"]["message"].startswith("파일이 너무 큽니다. 1 MB까지")
    assert "HWPX" in r.json()["error"]["message"]
    r = post_file(c, csrf, "big.txt", big, path="/upload", header=False)
    assert r.status_code == 413 and "파일이 너무 큽니다" in r.text
    assert not staging.exists() or not list(staging.iterdir())


def test_a_small_content_length_is_not_believed(site):
    """The size is counted as the body arrives: a body longer than its header says is not
    taken on the header's word (the server reads at most the limit plus the framing)."""
    from sijeong.web.uploads import FORM_OVERHEAD

    app, _, _ = site
    c, csrf = login(app, "perf")
    big = b"x" * (LIMIT + FORM_OVERHEAD + 10)

    def chunks():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\n\r\n"
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]
        yield b"\r\n--b--\r\n"

    r = c.post("/api/v1/uploads", content=chunks(),
               headers={"X-CSRF-Token": csrf, "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, b"PK\x03\x04" + b"\x00" * 200,
                                  bytes(range(256)) * 8])
def test_wrong_content_under_a_pdf_name_is_415_naming_the_formats(site, data):
    app, engine, staging = site
    c, csrf = login(app, "perf")
    before = counts(engine)
    r = post_file(c, csrf, "보고서.pdf", data)
    assert r.status_code == 415, r.text
    message = r.json()["error"]["message"]
    assert message.startswith("보고서.pdf: 읽을 수 있는 형식이 아닙니다. 읽는 형식: 텍스트(UTF-8·UTF-16·CP949/EUC-KR), HWPX, HWP 5.0")
    assert "not by the file name" in message
    r = post_file(c, csrf, "보고서.pdf", data, path="/upload", header=False)
    assert r.status_code == 415 and "읽을 수 있는 형식이 아닙니다" in r.text
    assert counts(engine) == before
    assert not staging.exists() or not list(staging.iterdir())


def test_a_package_that_unpacks_to_too_much_is_refused_before_it_is_read(site, monkeypatch):
    import io
    import zipfile

    from sijeong.web import uploads

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/hwp+zip")
        z.writestr("Contents/section0.xml", b"\0" * (2 * 1024 * 1024))  # 2 MB of zeros: a few KB packed
    data = buf.getvalue()
    assert len(data) < 64 * 1024
    monkeypatch.setattr(uploads, "MAX_UNPACKED", 1024 * 1024)
    app, engine, staging = site
    c, csrf = login(app, "perf")
    r = post_file(c, csrf, "bomb.hwpx", data)
    assert r.status_code == 413 and r.json()["error"]["message"].startswith("압축을 푼 크기가 너무 큽니다")


def test_text_under_a_pdf_name_is_read_as_text(site):
    app, _, _ = site
    c, csrf = login(app, "perf")
    r = post_file(c, csrf, "report.pdf", UPLOADED.read_bytes())
    assert r.status_code == 201
    assert r.json()["document"]["format"] == "text" and r.json()["document"]["family"] == "settlement_report"


def test_empty_and_missing_files_are_422(site):
    app, _, _ = site
    c, csrf = login(app, "perf")
    assert post_file(c, csrf, "a.txt", b"").status_code == 422
    r = c.post("/api/v1/uploads", data={"municipality": "김포시"}, headers={"X-CSRF-Token": csrf},
               files={"other": ("a.txt", b"x")})
    assert r.status_code == 422
    r = c.post("/api/v1/uploads", json={"file": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422


def test_a_cp949_text_upload(site):
    app, engine, _ = site
    c, csrf = login(app, "perf")
    data = UPLOADED.read_text(encoding="utf-8").encode("cp949")
    r = post_file(c, csrf, "성과보고서.txt", data)
    assert r.status_code == 201, r.text
    body = r.json()
    doc = body["document"]
    assert (doc["format"], doc["encoding"], doc["family"], doc["year"]) == ("text", "cp949", "settlement_report", 2020)
    assert doc["coverage_line"].startswith("성과보고서.txt: 243 numeric tokens: typed 243 (100.0%")
    assert body["confirmable"] and re.fullmatch(r"[A-Za-z0-9_-]{32}", body["upload_id"])
    assert len(body["read_findings"]) == 10
    r = c.post(f"/api/v1/uploads/{body['upload_id']}/confirm", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT year, family FROM documents WHERE name = '성과보고서.txt'")).one()
    assert tuple(row) == (2020, "settlement_report")


# --- preview, confirm, discard -----------------------------------------------------------------


def test_preview_writes_nothing_and_shows_coverage_and_findings(site):
    app, engine, staging = site
    c, csrf = login(app, "perf")
    before = counts(engine)
    r = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes(), path="/upload", header=False)
    assert r.status_code == 200, r.text
    assert counts(engine) == before
    html = r.text
    assert "김포시 모든 연도" in html
    assert "아직 저장하지 않았습니다" in html and "결산·성과보고서" in html and "2020년" in html
    assert "performance_report.txt: 243 numeric tokens: typed 243" in html
    assert "읽으면서 찾은 것 (10건)" in html and "이 문서의 검증 결과 (1건)" in html
    ids = re.findall(r'action="/upload/([A-Za-z0-9_-]{32})/confirm"', html)
    assert len(ids) == 1 and f'action="/upload/{ids[0]}/discard"' in html
    assert sorted(p.name for p in staging.iterdir()) == sorted([f"{ids[0]}.bin", f"{ids[0]}.json"])
    assert (staging / f"{ids[0]}.bin").read_bytes() == UPLOADED.read_bytes()
    assert (staging.stat().st_mode & 0o077) == 0  # the staging directory is the server's alone


def test_the_preview_checks_with_the_stored_documents_of_the_scope(site):
    app, engine, _ = site
    c, csrf = login(app, "perf")
    body = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()
    with engine.connect() as conn:
        stored = {n: y for n, y in conn.execute(sa.text("SELECT name, year FROM documents"))}
    # as the re-check after a save: a stored document without a year (settlement_part.txt)
    # may belong with any year, so the scope is the whole municipality
    assert stored["settlement_part.txt"] is None and 2020 in stored.values()
    assert set(body["scope"]["documents"]) == set(stored) and body["scope"]["whole_municipality"] is True
    assert [f["rule"] for f in body["findings"]] and all(f["doc"] == UPLOADED.name for f in body["findings"])
    assert body["scope"]["findings"] >= len(body["findings"])


def test_confirm_stores_what_the_cli_ingest_stores_with_a_web_audit_row(tmp_path):
    """Two databases alike; one gets the file from ``sijeong ingest``, the other from the
    upload page: their exports are the same (but for when they were loaded)."""
    from sijeong.cli import main

    cli_url = make_db(tmp_path / "cli.db")
    web_url = make_db(tmp_path / "web.db")
    src = tmp_path / UPLOADED.name
    src.write_bytes(UPLOADED.read_text(encoding="utf-8").encode("utf-16"))
    assert main(["ingest", "--db", cli_url, str(src)]) == 0

    app = create_app(Settings(db_url=web_url, upload_dir=str(tmp_path / "staging")))
    c, csrf = login(app, "perf")
    r = post_file(c, csrf, src.name, src.read_bytes(), path="/upload", header=False)
    upload_id = re.search(r'action="/upload/([A-Za-z0-9_-]{32})/confirm"', r.text).group(1)
    r = c.post(f"/upload/{upload_id}/confirm", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/documents/performance_report.txt?municipality=%EA%B9%80%ED%8F%AC%EC%8B%9C&saved=1"
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "올린 문서를 저장하고 다시 검증했습니다" in page.text
    assert not list((tmp_path / "staging").glob(f"{upload_id}.bin"))  # the staged bytes are gone

    def export(url):
        out = tmp_path / f"export-{Path(url).stem}.json"
        assert main(["export", "--db", url, "-o", str(out)]) == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        for d in data["documents"]:
            d.pop("loaded_at", None)
        return data

    a, b = export(cli_url), export(web_url)
    assert [d["name"] for d in b["documents"]].count(UPLOADED.name) == 1
    assert a == b

    engine = db.create_engine_for(web_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, role, via, operation, entity, note FROM audit_log "
                                    "WHERE operation = 'document.ingest'")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("perf", "performance", "web", "document.ingest", "documents",
                                         f"upload {UPLOADED.name}")]


def test_api_confirm_then_again_is_409_and_the_audit_row_says_api(site):
    app, engine, staging = site
    c, csrf = login(app, "boss")
    body = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()
    before = counts(engine)
    r = c.post(f"/api/v1/uploads/{body['upload_id']}/confirm", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == UPLOADED.name and r.json()["year"] == 2020 and r.json()["url"].startswith("/documents/")
    after = counts(engine)
    assert after["documents"] == before["documents"] + 1 and after["audit_log"] == before["audit_log"] + 1
    r = c.post(f"/api/v1/uploads/{body['upload_id']}/confirm", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 409 and "이미 저장한" in r.json()["error"]["message"]
    assert c.delete(f"/api/v1/uploads/{body['upload_id']}", headers={"X-CSRF-Token": csrf}).status_code == 409
    assert counts(engine) == after
    with engine.connect() as conn:
        via = conn.execute(sa.text("SELECT via FROM audit_log WHERE operation = 'document.ingest'")).scalars().all()
    assert via == ["api"]


def test_discard_deletes_the_staged_file_and_stores_nothing(site):
    app, engine, staging = site
    c, csrf = login(app, "perf")
    before = counts(engine)
    body = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()
    uid = body["upload_id"]
    assert (staging / f"{uid}.bin").exists()
    r = c.delete(f"/api/v1/uploads/{uid}", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"discarded": True}
    assert not list(staging.glob(f"{uid}*"))
    assert c.post(f"/api/v1/uploads/{uid}/confirm", headers={"X-CSRF-Token": csrf}).status_code == 404
    # the page's 취소 button
    r = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes(), path="/upload", header=False)
    uid = re.search(r'action="/upload/([A-Za-z0-9_-]{32})/discard"', r.text).group(1)
    r = c.post(f"/upload/{uid}/discard", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/upload?done=discarded"
    assert "아무것도 저장하지 않았습니다" in c.get(r.headers["location"]).text
    assert not list(staging.glob(f"{uid}*"))
    assert counts(engine) == before


def test_another_account_cannot_confirm_or_discard_someone_elses_upload(site):
    app, engine, staging = site
    c, csrf = login(app, "perf")
    uid = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()["upload_id"]
    before = counts(engine)
    other, csrf2 = login(app, "perf2")
    r = other.post(f"/api/v1/uploads/{uid}/confirm", headers={"X-CSRF-Token": csrf2})
    assert r.status_code == 403 and "다른 계정이 올린 파일" in r.json()["error"]["message"]
    assert other.delete(f"/api/v1/uploads/{uid}", headers={"X-CSRF-Token": csrf2}).status_code == 403
    r = other.post(f"/upload/{uid}/confirm", data={"csrf_token": csrf2})
    assert r.status_code == 403 and "다른 계정이 올린 파일" in r.text
    viewer, csrf3 = login(app, "view")
    assert viewer.post(f"/api/v1/uploads/{uid}/confirm", headers={"X-CSRF-Token": csrf3}).status_code == 403
    assert counts(engine) == before and (staging / f"{uid}.bin").exists()
    # and without the CSRF token the owner cannot either (a cross-site form)
    assert c.post(f"/upload/{uid}/confirm", data={}).status_code == 403
    assert c.post(f"/api/v1/uploads/{uid}/confirm", headers={"X-CSRF-Token": csrf}).status_code == 200


@pytest.mark.parametrize("uid", ["a" * 32, "..%2F..%2Fetc%2Fpasswd", "short"])
def test_unknown_upload_ids_are_404(site, uid):
    app, _, _ = site
    c, csrf = login(app, "perf")
    r = c.post(f"/api/v1/uploads/{uid}/confirm", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 404, r.text


def test_an_expired_upload_is_404_and_swept(site):
    import datetime as dt

    app, _, staging = site
    c, csrf = login(app, "perf")
    uid = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()["upload_id"]
    meta = staging / f"{uid}.json"
    data = json.loads(meta.read_text())
    data["expires_at"] = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).isoformat()
    meta.write_text(json.dumps(data))
    assert c.post(f"/api/v1/uploads/{uid}/confirm", headers={"X-CSRF-Token": csrf}).status_code == 404
    post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes())  # the next upload sweeps
    assert not list(staging.glob(f"{uid}*"))


def test_a_document_with_read_errors_cannot_be_confirmed(site):
    app, engine, staging = site
    c, csrf = login(app, "perf")
    broken = FIXTURES / "settlement_broken_truncated.txt"
    body = post_file(c, csrf, broken.name, broken.read_bytes()).json()
    assert body["confirmable"] is False and body["upload_id"] is None
    assert body["reason"].startswith("읽기 오류가 있어 저장할 수 없습니다")
    r = post_file(c, csrf, broken.name, broken.read_bytes(), path="/upload", header=False)
    assert r.status_code == 200 and "저장할 수 없습니다" in r.text and "/confirm" not in r.text
    assert not staging.exists() or not list(staging.iterdir())


def test_municipality_defaults_and_choice(site):
    app, _, _ = site
    c, csrf = login(app, "perf")
    assert post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()["document"]["municipality"] == "김포시"
    body = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes(), municipality="가람시").json()
    assert body["document"]["municipality"] == "가람시" and body["scope"]["documents"] == []
    r = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes(), municipality="a\x01b")
    assert r.status_code == 422


def test_the_openapi_documents_the_upload_operations(site):
    app, _, _ = site
    spec = TestClient(app).get("/openapi.json").json()
    post = spec["paths"]["/api/v1/uploads"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"201", "401", "403", "413", "415", "422"} <= set(post["responses"])
    assert {"403", "404", "409"} <= set(spec["paths"]["/api/v1/uploads/{upload_id}/confirm"]["post"]["responses"])
    assert "delete" in spec["paths"]["/api/v1/uploads/{upload_id}"]


def test_on_postgresql_preview_writes_nothing_and_confirm_stores_once(tmp_path):
    from tests.conftest import fresh_pg_database

    with fresh_pg_database(prefix="upload") as pg:
        url = make_db(pg)
        app = create_app(Settings(db_url=url, upload_dir=str(tmp_path / "staging")))
        engine = db.create_engine_for(url)
        try:
            c, csrf = login(app, "perf")
            before = counts(engine)
            body = post_file(c, csrf, UPLOADED.name, UPLOADED.read_bytes()).json()
            assert body["confirmable"] and counts(engine) == before
            r = c.post(f"/api/v1/uploads/{body['upload_id']}/confirm", headers={"X-CSRF-Token": csrf})
            assert r.status_code == 200, r.text
            after = counts(engine)
            assert after["documents"] == before["documents"] + 1 and after["audit_log"] == before["audit_log"] + 1
            assert c.post(f"/api/v1/uploads/{body['upload_id']}/confirm",
                          headers={"X-CSRF-Token": csrf}).status_code == 409
        finally:
            app.state.engine.dispose()
            engine.dispose()


def test_an_evidence_body_past_the_limit_is_refused_before_it_is_read(tmp_path):
    """The cycle's evidence upload is counted like a document upload: a body that says it is
    larger than the limit gets 413 before any of it is read (and before the login is asked)."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web.app import create_app

    settings = Settings(db_url=f"sqlite:///{tmp_path / 'e.db'}")
    with TestClient(create_app(settings)) as c:
        huge = str(settings.upload_max_bytes + 10 * 1024 * 1024)
        r = c.post("/api/v1/results/1/evidence", content=b"x" * 10,
                   headers={"Content-Length": huge, "Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413
