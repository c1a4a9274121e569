"""The cycle's spreadsheet round trip through the web: ``GET /api/v1/cycle/years/{year}/sheet.xlsx``
and ``POST /api/v1/cycle/years/{year}/sheet`` (200 counts, 422 every cell error, 401, 403
role/department/CSRF, 423 a closed year, never 500), and the page ``/cycle/sheet`` (download
links, the upload form with its CSRF field, the error table, the counts) with real accounts."""

from __future__ import annotations

import io
import re

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from sijeong import accounts, cycle, operations
from sijeong.settings import Settings
from sijeong.store import db, writes
from sijeong.web import create_app

PASSWORD = "correct horse battery"
ADMIN = operations.cli_actor()
M = "김포시"
D = "기획담당관"
OTHER = "세무과"
Y = 2025
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
USERS = {"perf": ("performance", None), "kim": ("editor", D), "park": ("editor", OTHER), "view": ("viewer", None)}


@pytest.fixture
def app(tmp_path):
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    url = f"sqlite:///{tmp_path / 'sheet.db'}"
    engine = db.create_engine_for(url)
    db.migrate(engine)
    for login, (role, dept) in USERS.items():
        accounts.add_account(engine, ADMIN, login=login, role=role, department=dept, password=PASSWORD)
    cycle.open_year(engine, ADMIN, municipality=M, year=Y)
    for dept, name, unit in ((D, "민원 만족도", "%"), (D, "민원 처리 건수", "건"), (OTHER, "체납 징수율", "%")):
        cycle.create_indicator(engine, ADMIN, municipality=M, year=Y, department=dept, name=name, unit=unit, target=50)
    for dept in (D, OTHER):
        cycle.submit_plan(engine, ADMIN, municipality=M, year=Y, department=dept)
    cycle.confirm_plan(engine, ADMIN, municipality=M, year=Y)
    cycle.set_window(engine, ADMIN, municipality=M, year=Y, period=f"{Y}-Q1", due_on=f"{Y}-04-10")
    app = create_app(Settings(db_url=url, municipality=M))
    app.state.test_engine = engine
    yield app
    engine.dispose()
    accounts.HASHER = saved


def client(app, login: str | None = None, *, csrf: bool = True) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if login:
        r = c.post("/api/v1/auth/login", json={"login": login, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.csrf = r.json()["csrf_token"]
        if csrf:
            c.headers["X-CSRF-Token"] = c.csrf
    return c


def fill(data: bytes, values: dict[tuple[str, str], object], sheet: str = D) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for n in range(4, ws.max_row + 1):
        key = (ws[f"B{n}"].value, str(ws[f"E{n}"].value).split(" ")[0])
        if key in values:
            ws[f"F{n}"] = values[key]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def snapshot(app) -> tuple[list, int]:
    with app.state.test_engine.connect() as conn:
        return writes.find_rows(conn, "cycle_results"), len(writes.audit_rows(conn, limit=100_000))


SHEET = f"/api/v1/cycle/years/{Y}/sheet"


def test_download_and_upload_through_the_api(app):
    assert client(app).get(f"{SHEET}.xlsx").status_code == 401
    perf = client(app, "perf")
    got = perf.get(f"{SHEET}.xlsx", params={"department": D})
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert "attachment" in got.headers["content-disposition"]
    assert load_workbook(io.BytesIO(got.content)).sheetnames == [D]
    assert perf.get(f"{SHEET}.xlsx", params={"department": "없는과"}).status_code == 404
    assert perf.get(f"/api/v1/cycle/years/{Y + 1}/sheet.xlsx").status_code == 404
    assert load_workbook(io.BytesIO(perf.get(f"{SHEET}.xlsx").content)).sheetnames == [D, OTHER]

    filled = fill(got.content, {("민원 만족도", f"{Y}-Q1"): 70, ("민원 처리 건수", str(Y)): 1234})
    files = {"file": ("실적.xlsx", filled, XLSX)}
    assert client(app).post(SHEET, files=files).status_code == 401
    for login in ("park", "view"):  # another department's editor, a viewer
        r = client(app, login).post(SHEET, files=files)
        assert r.status_code == 403, (login, r.text)
    assert client(app, "kim", csrf=False).post(SHEET, files=files).status_code == 403  # cookie without CSRF
    before = snapshot(app)
    bad = fill(got.content, {("민원 만족도", f"{Y}-Q1"): "일흔", ("민원 처리 건수", f"{Y}-Q1"): -1})
    r = perf.post(SHEET, files={"file": ("실적.xlsx", bad, XLSX)})
    assert r.status_code == 422, r.text
    errors = r.json()["error"]["errors"]
    assert {(e["sheet"], e["column"]) for e in errors} == {(D, "F")} and len(errors) == 2
    assert all(isinstance(e["row"], int) and e["row"] >= 4 for e in errors)
    assert any("숫자가 아닙니다 '일흔' / not a number" in e["message"] for e in errors)
    assert snapshot(app) == before
    r = perf.post(SHEET, files={"file": ("실적.xlsx", b"%PDF-1.4 not a sheet", "application/pdf")})
    assert r.status_code == 422 and "XLSX 파일이 아닙니다" in r.json()["error"]["errors"][0]["message"]

    r = client(app, "kim").post(SHEET, files=files)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"]) == (2, 0)
    with app.state.test_engine.connect() as conn:
        newest = writes.audit_rows(conn, limit=2)
    assert {(a["actor"], a["via"], a["operation"]) for a in newest} == {("kim", "upload", "result.upload")}

    cycle.close_year(app.state.test_engine, ADMIN, municipality=M, year=Y)
    assert perf.post(SHEET, files=files).status_code == 423


def test_the_page_downloads_uploads_and_lists_every_error(app):
    anon = client(app)
    r = anon.get("/cycle/sheet", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    kim = client(app, "kim", csrf=False)
    page = kim.get("/cycle/sheet")
    assert page.status_code == 200
    html = page.text
    assert f"/api/v1/cycle/years/{Y}/sheet.xlsx?municipality=" in html and "department=" in html
    assert 'name="csrf_token"' in html and 'enctype="multipart/form-data"' in html
    assert "<script" not in html
    link = re.search(r'href="(/api/v1/cycle/years/[^"]+department=[^"]+)"', html).group(1).replace("&amp;", "&")
    template = kim.get(link)
    assert template.status_code == 200 and template.headers["content-type"] == XLSX

    form = {"csrf_token": kim.csrf, "year": str(Y), "municipality": M}
    assert kim.post("/cycle/sheet", data={"year": str(Y)},
                    files={"file": ("x.xlsx", template.content, XLSX)}).status_code == 403  # no CSRF field
    before = snapshot(app)
    bad = fill(template.content, {("민원 만족도", f"{Y}-Q1"): "abc", ("민원 처리 건수", f"{Y}-Q1"): "=1+1"})
    r = kim.post("/cycle/sheet", data=form, files={"file": ("실적.xlsx", bad, XLSX)})
    assert r.status_code == 422
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>\s*<td>([A-I]) \(실적\)</td>\s*<td>([^<]+)</td></tr>", r.text)
    assert len(rows) == 2 and {row[0] for row in rows} == {D}
    assert any("숫자가 아닙니다" in row[3] for row in rows) and any("수식" in row[3] for row in rows)
    assert snapshot(app) == before

    good = fill(template.content, {("민원 만족도", f"{Y}-Q1"): 71})
    r = kim.post("/cycle/sheet", data=form, files={"file": ("실적.xlsx", good, XLSX)})
    assert r.status_code == 200 and "새 실적 1건" in r.text
    park = client(app, "park", csrf=False)
    r = park.post("/cycle/sheet", data={**form, "csrf_token": park.csrf}, files={"file": ("실적.xlsx", good, XLSX)})
    assert r.status_code == 403 and "권한이 없습니다" in r.text
    view = client(app, "view", csrf=False)
    assert "올리기</button>" not in view.get("/cycle/sheet").text


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("kind,body,said", [
    ("empty", b"", "빈 파일"),
    ("garbage", b"PK\x03\x04" + b"\xff" * 64, "압축을 읽을 수 없습니다"),
    ("zip bomb", None, "압축 폭탄"),
    ("broken xml", _zip({"[Content_Types].xml": b"<", "xl/workbook.xml": b"<"}), "엑셀 파일을 읽을 수 없습니다"),
    ("too large", b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024 + 10), "파일이 너무 큽니다"),
])
def test_a_hostile_upload_is_a_422_never_a_500(app, kind, body, said):
    if body is None:
        body = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/big.xml": b"\0" * (80 << 20)})
    perf = client(app, "perf")  # (its login is an audit entry of its own)
    before = snapshot(app)
    r = perf.post(SHEET, files={"file": ("x.xlsx", body, XLSX)})
    assert r.status_code == 422, (kind, r.status_code, r.text[:300])
    assert any(said in e["message"] for e in r.json()["error"]["errors"]), r.text[:500]
    assert snapshot(app) == before
