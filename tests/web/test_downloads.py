"""Report downloads (/reports), open data (/opendata) and the stored document text, in process.

Files are opened with the library a user's program would use (openpyxl, the csv module,
json, the HWPX reader) and compared with figures computed here from the fixture documents."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html import escape
from urllib.parse import unquote

import pytest

from .conftest import FIXTURES, document_line, fixture_files

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "hwpx": "application/hwp+zip",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}


def records(docs, kind: str, year: int | None = 2020):
    return [r for d in docs for r in d.records if type(r).__name__ == kind and (year is None or r.year == year)]


def utf8_filename(cd: str) -> str:
    m = re.search(r"filename\*=UTF-8''([^;]+)", cd)
    assert m, cd
    return unquote(m.group(1))


# --- /reports ------------------------------------------------------------------------------


def test_reports_page_lists_every_kind_with_a_get_form(client):
    from sijeong.reports.tables import TABLES

    r = client.get("/reports")
    assert r.status_code == 200
    html = r.text
    assert '<form class="filters" method="get" action="/reports/download">' in html
    for field in ("r-kind", "r-year", "r-dept", "r-format"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    data = client.get("/reports.json").json()
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert set(kinds) == {*TABLES, "all"}
    assert kinds["summary"]["year"] == 2020 and kinds["plan"]["year"] in kinds["plan"]["years"]
    assert kinds["summary"]["years"] == [2020]  # 2019 indicators are history in a 2020 document, not a report
    for k in kinds.values():
        for fmt, href in k["links"].items():
            assert href.startswith(f"/reports/{k['kind']}.{fmt}?") and f'href="{escape(href)}"' in html


def test_the_form_redirects_to_the_file(client):
    r = client.get("/reports/download?kind=goals&year=2020&department=&format=hwpx&municipality=%EA%B9%80%ED%8F%AC%EC%8B%9C",
                   follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/reports/goals.hwpx?municipality=%EA%B9%80%ED%8F%AC%EC%8B%9C&year=2020"
    assert client.get("/reports/download?kind=nope&format=xlsx", follow_redirects=False).status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "hwpx", "html", "pdf"])
def test_summary_in_every_format(client, fmt):
    if fmt == "pdf":
        from sijeong.reports.pdf import chromium_path

        if chromium_path() is None:
            pytest.skip("Chromium not found: the PDF is printed by headless Chromium")
    r = client.get(f"/reports/summary.{fmt}?year=2020")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == MEDIA[fmt]
    cd = r.headers["content-disposition"]
    assert cd.startswith(f'attachment; filename="sijeong-summary-2020.{fmt}"; filename*=UTF-8\'\'')
    assert cd.isascii()
    assert utf8_filename(cd) == f"김포시_2020년_총괄.{fmt}"
    body = r.content
    if fmt in ("xlsx", "hwpx"):
        assert zipfile.is_zipfile(io.BytesIO(body))
    if fmt == "html":
        assert '<html lang="ko">' in r.text and "<caption" in r.text
    if fmt == "pdf":
        assert body[:5] == b"%PDF-"


def test_xlsx_holds_the_counts_of_the_fixture_indicators(client, fixture_db, tmp_path):
    from openpyxl import load_workbook

    from sijeong.reports.xlsx_read import read_xlsx

    _, docs = fixture_db
    inds = records(docs, "Indicator")
    path = tmp_path / "summary.xlsx"
    path.write_bytes(client.get("/reports/summary.xlsx?year=2020").content)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "가. 총괄"
    table = read_xlsx(path)[0]
    total = next(row for row in table.rows if row[0] == "계")
    # 지표수, 초과달성, 달성, 미달성 of 계 = the fixture's 2020 indicators and their grades
    assert total[3:7] == [len(inds), *(sum(1 for i in inds if i.grade == g) for g in ("◎", "○", "×"))]


def test_xlsx_department_filter_and_a_computed_revenue_total(client, fixture_db, tmp_path):
    from sijeong.reports.xlsx_read import read_xlsx

    _, docs = fixture_db
    revs = records(docs, "Revenue")
    dept = next(r.department for r in revs if r.level == 0)
    expected = sum(r.received for r in revs if r.department == dept and r.level == 1)
    r = client.get("/reports/revenues.xlsx", params={"year": 2020, "department": dept})
    assert r.status_code == 200
    assert utf8_filename(r.headers["content-disposition"]) == f"김포시_2020년_{dept}_세입결산.xlsx"
    path = tmp_path / "revenues.xlsx"
    path.write_bytes(r.content)
    table = read_xlsx(path)[0]
    col = table.header[-1].index("실제수납액")
    assert table.rows[0][0] == dept and table.rows[0][col] == expected
    others = {x.department for x in revs} - {dept}
    assert not any(str(row[0]) in others for row in table.rows)


def test_hwpx_opens_and_holds_the_programs(client, fixture_db, tmp_path):
    from sijeong.reports.hwpx import read_hwpx_tables

    _, docs = fixture_db
    path = tmp_path / "programs.hwpx"
    path.write_bytes(client.get("/reports/programs.hwpx?year=2020").content)
    cells = {c for t in read_hwpx_tables(path) for row in t for c in row}
    for p in records(docs, "Program"):
        if p.level == "policy" and p.spent:
            assert f"{p.spent:,}" in cells, p.name


def test_report_json_and_all(client):
    data = client.get("/reports/all.json?year=2020").json()
    assert [t["kind"] for t in data["tables"]] == ["summary", "goals", "indicators", "settlement", "related_programs",
                                                    "programs", "revenues"]
    plan = client.get("/reports/plan.json").json()  # no year: the latest plan year
    assert plan["year"] == 2036 and plan["tables"][0]["rows"]


def test_report_errors(client):
    assert client.get("/reports/nope.xlsx?year=2020").status_code == 404
    assert client.get("/reports/summary.docx?year=2020").status_code == 404
    r = client.get("/reports/summary.xlsx?year=1999")
    assert r.status_code == 404 and "1999년의 총괄 자료가 없습니다" in r.text
    r = client.get("/reports/summary.json?year=1999")
    assert r.json()["error"]["status"] == 404


# --- /opendata -----------------------------------------------------------------------------


def test_opendata_page_shows_the_dictionary_in_korean_and_english(client):
    from sijeong.reports.dictionary import FIELDS

    r = client.get("/opendata?year=2020")
    assert r.status_code == 200
    html = r.text
    data = client.get("/opendata.json?year=2020").json()
    names = [x["resource"] for x in data["resources"]]
    for must in ("indicators", "policy_goals", "programs", "revenues", "departments", "department_summaries",
                 "plan_tasks", "findings"):
        assert must in names
    for res in data["resources"]:
        assert f'id="dict-{res["resource"]}"' in html
        assert escape(res["csv"]) in html and escape(res["json"]) in html
    ind = next(x for x in data["resources"] if x["resource"] == "indicators")
    rate = next(d for d in ind["dictionary"] if d["field"] == "rate")
    assert (rate["label_ko"], rate["description_en"]) == FIELDS["rate"][:2]
    assert f"<td>{FIELDS['rate'][0]}</td><td lang=\"en\">{escape(FIELDS['rate'][1])}</td>" in html


RESOURCES = ["indicators", "policy_goals", "programs", "revenues", "departments", "department_summaries",
             "plan_tasks", "strategic_goals", "narratives", "findings"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_csv_and_json_have_the_dictionary_columns_and_every_row(client, fixture_db, resource):
    url, _ = fixture_db
    entry = next(x for x in client.get("/opendata.json").json()["resources"] if x["resource"] == resource)
    cols = [d["field"] for d in entry["dictionary"] if "json" in d["formats"]]
    csv_cols = [d["field"] for d in entry["dictionary"] if "csv" in d["formats"]]
    expected = count_rows(url, resource)
    assert entry["count"] == expected
    r = client.get(f"/opendata/{resource}.csv")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert utf8_filename(r.headers["content-disposition"]) == f"김포시_{resource}.csv"
    assert r.content[:3] == b"\xef\xbb\xbf"  # BOM, for spreadsheet programs
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    labels = {d["field"]: d["label_ko"] for d in entry["dictionary"]}
    # the Korean labels of the dictionary (a label two columns share is followed by its field name)
    assert len(rows[0]) == len(csv_cols)
    assert all(h in (labels[c], f"{labels[c]}({c})") for h, c in zip(rows[0], csv_cols)), rows[0]
    english = next(csv.reader(io.StringIO(client.get(f"/opendata/{resource}.csv?header=en").content.decode("utf-8-sig"))))
    assert english == csv_cols
    assert len(rows) - 1 == expected
    j = client.get(f"/opendata/{resource}.json")
    assert j.headers["content-type"] == "application/json"
    data = j.json()
    assert data["columns"] == cols and len(data["records"]) == expected
    if expected:
        assert all(set(rec) >= {"source_doc"} or resource == "findings" for rec in data["records"])


def count_rows(url: str, resource: str, **where) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            t = sa.Table(resource, sa.MetaData(), autoload_with=conn)
            conds = [t.c.municipality == "김포시", *(t.c[k] == v for k, v in where.items())]
            return conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
    finally:
        engine.dispose()


def test_opendata_rows_carry_values_and_source_lines(client, fixture_db):
    _, docs = fixture_db
    inds = {(i.department, i.name): i for i in records(docs, "Indicator")}
    body = client.get("/opendata/indicators.csv?year=2020&header=en").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(inds)
    for row in rows:
        ind = inds[(row["department"], row["name"])]
        assert row["year"] == "2020" and float(row["rate"]) == ind.rate and row["grade"] == ind.grade
        assert int(row["source_line"]) == ind.source.line
        # each number's line in a column of its own, never a JSON object inside a cell
        assert "figure_lines" not in row and not any(v.startswith("{") for v in row.values())
        assert int(row["target_line"]) == ind.figures["target"].source.line
        text = (FIXTURES / row["source_doc"]).read_text(encoding="utf-8").split("\n")
        assert ind.figures["target"].raw in text[int(row["target_line"]) - 1]
    # the default header is the data dictionary's Korean labels, in the same order
    korean = next(csv.reader(io.StringIO(client.get("/opendata/indicators.csv?year=2020").content.decode("utf-8-sig"))))
    english = next(csv.reader(io.StringIO(body)))
    from sijeong.reports.dictionary import describe

    assert len(korean) == len(english) and korean[english.index("target")] == describe("target")[0] == "목표"
    assert korean[english.index("target_line")] == "목표 인쇄 줄"


def test_opendata_filters(client, fixture_db):
    url, docs = fixture_db
    dept = records(docs, "Program")[0].department
    data = client.get("/opendata/programs.json", params={"year": 2020, "department": dept}).json()
    assert data["records"] and {(r["year"], r["department"]) for r in data["records"]} == {(2020, dept)}
    assert len(data["records"]) == count_rows(url, "programs", year=2020, department=dept)
    assert client.get("/opendata/programs.json?year=1999").json()["records"] == []
    plan = client.get("/opendata/plan_tasks.csv?year=2031").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(plan)))) - 1 == count_rows(url, "plan_tasks", year=2031) > 0


def test_data_dictionary_download_and_errors(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/opendata/data-dictionary.csv").content.decode("utf-8-sig"))))
    assert {"resource", "field", "label_ko", "description_en", "type", "formats"} == set(rows[0])
    assert {"resource": "revenues", "field": "received", "label_ko": "실제수납액",
            "description_en": "actually received = total + in kind − refunds, won", "type": "integer", "formats": "csv, json"} in rows
    assert client.get("/opendata/nope.csv").status_code == 404
    assert client.get("/opendata/indicators.xml").status_code == 404
    assert client.get("/opendata/nope.json").json()["error"]["status"] == 404


def test_csv_and_json_are_written_while_rows_are_read():
    """The stream yields its first chunk long before the rows run out (no whole table in memory)."""
    from sijeong.web.pages.opendata import stream_csv, stream_json

    taken = 0

    def rows():
        nonlocal taken
        for i in range(20_000):
            taken += 1
            yield {"name": f"사업 {i}", "budget": i * 1000, "figure_lines": {"budget": i}}

    cols = ["name", "budget", "budget_line"]
    chunks = stream_csv(rows(), cols)
    first = next(chunks)
    assert first.startswith("\ufeffname,budget,budget_line".encode()) and taken < 20_000
    rest = b"".join(chunks)
    parsed = list(csv.reader(io.StringIO((first + rest).decode("utf-8-sig"))))
    assert len(parsed) == 20_001 and parsed[-1] == ["사업 19999", "19999000", "19999"]
    taken = 0
    chunks = stream_json(rows(), {"resource": "programs", "columns": cols})
    first = next(chunks)
    second = next(chunks)
    assert taken < 20_000
    whole = json.loads(first + second + b"".join(chunks))
    assert whole["columns"] == cols and len(whole["records"]) == 20_000


# --- the document view reads the stored text --------------------------------------------------


def test_document_view_shows_stored_text_without_a_documents_folder(fixture_db, monkeypatch):
    """document_texts is filled at ingest: no SIJEONG_DOCUMENTS and no document_dirs needed."""
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    monkeypatch.delenv("SIJEONG_DOCUMENTS", raising=False)
    url, _ = fixture_db
    app = create_app(Settings(db_url=url))
    assert app.state.document_dirs == []
    name = "performance_report.txt"
    assert FIXTURES / name in fixture_files()
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    n = next(i for i, t in enumerate(lines, 1) if i > 10 and t.strip())
    with TestClient(app) as c:
        html = c.get(f"/documents/{name}?lines={n}").text
        data = c.get(f"/documents/{name}.json?lines={n}").json()
    assert "본문이 데이터베이스에 없고" not in html
    assert document_line(html, n) == (lines[n - 1], True)
    assert data["text_available"] is True and data["highlighted"] == [{"line": n, "text": lines[n - 1]}]


def test_opendata_lists_only_resources_with_rows_and_names_the_empty_ones(client):
    """Issue 16: a resource with no row in the chosen scope is not offered as a download in the
    list (its address and dictionary stay); the page names it and says why."""
    import re

    data = client.get("/opendata.json").json()["resources"]
    empty = [r for r in data if not r["count"]]
    full = [r for r in data if r["count"]]
    assert full
    html = client.get("/opendata").text
    table = html[html.index('<h2 id="h-res">'):html.index("데이터 사전 전체")]
    listed = re.findall(r"<td><code>([a-z_]+)</code></td>", table)
    assert listed == [r["resource"] for r in full]
    if empty:
        note = re.search(r'<p class="note" id="empty-resources">(.*?)</p>', html, re.S).group(1)
        assert all(f"<code>{r['resource']}</code>" in note for r in empty)
    else:
        assert 'id="empty-resources"' not in html
    for r in data:  # every resource keeps its dictionary
        assert f'id="dict-{r["resource"]}"' in html
    # a year with nothing: every resource is named empty, none listed
    nothing = client.get("/opendata?year=1999").text
    note = re.search(r'<p class="note" id="empty-resources">(.*?)</p>', nothing, re.S).group(1)
    assert all(f"<code>{r['resource']}</code>" in note for r in data)
    assert re.findall(r"<td><code>([a-z_]+)</code></td>", nothing[nothing.index('<h2 id="h-res">'):]) == []
