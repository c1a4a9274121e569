"""Every output, before and after: a snapshot of what the app, the reports and the export
give for a corpus of documents, on SQLite and on PostgreSQL.

Each corpus is ingested with the command line (``sijeong ingest``) into a fresh database;
then every GET route of the web app is asked for — every page and its ``.json`` twin per
municipality and year, every department, indicator, plan task and document, every API
list (all rows, per municipality and year) and item, a search, every report kind as JSON,
XLSX (cell values), HWPX (its XML) and HTML, every open-data file — together with the
static files and ``sijeong export``. Each answer becomes a digest: sha256 of its status,
content type, attachment name and *normalised* body (JSON re-serialised with sorted keys and
``loaded_at`` blanked; date-times in text blanked; an XLSX as its sheets' cell values; an
HWPX as its members). The digests are compared with ``tests/fixtures/snapshots/<corpus>.json``
({key: digest}); SQLite and PostgreSQL must give the same digests.

Snapshots change only on purpose: ``pytest tests/core/test_outputs_snapshot.py
--snapshot-update`` (or ``SIJEONG_SNAPSHOT_UPDATE=1``) rewrites them from SQLite (the
PostgreSQL run is then compared with the new file). ``SIJEONG_SNAPSHOT_DUMP=DIR`` writes
every normalised body under DIR (one file per key) so that two runs — before and after a
change — can be compared with ``diff -r``. On a mismatch the test names every key that
differs and writes the fresh bodies of those under pytest's tmp_path.

The real corpus (the three Gimpo documents, ``@pytest.mark.real``) keeps no text of the
documents: its keys name data-derived values (department and document names, search
words) by a hash, and its values are hashes.

Routes the snapshot cannot hold are listed in ``NOT_SNAPSHOT`` with the reason; a new GET
route that is neither enumerated nor listed there fails the test.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import json
import os
import re
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "fixtures" / "snapshots"
FIXTURES = ROOT / "tests" / "fixtures"

#: GET routes not snapshotted, and why
NOT_SNAPSHOT = {
    "/citizens.pdf": "PDF made by Chromium: bytes vary by build and time; its HTML source (/citizens) is snapshotted",
    "/static": "a mount: its files are snapshotted one by one (/static/<file>)",
    "/login": "its form carries a random CSRF token (tests/web/test_auth.py checks the page)",
    "/api/v1/auth/me": "answers who is logged in: 401 without an account (tests/web/test_auth.py)",
    "/pledges/new": "the performance team's form: a login and a CSRF token (tests/web/test_pledges.py)",
    # asked for every pledge stored, but the corpora (documents) hold none: pledges are entered
    # by people (tests/web/test_pledges.py checks them)
    "/pledges/{pledge_id}": "the corpora hold no pledges (entered by people; tests/web/test_pledges.py)",
    "/api/v1/pledges/{pledge_id}": "the corpora hold no pledges (entered by people; tests/web/test_pledges.py)",
    # department evaluation and 시군종합평가 (docs/evaluation.md): entered by people, not read from
    # documents, so the corpora hold none; tests/web/test_evaluation_api.py and _pages.py check them
    "/evaluation": "the corpora hold no evaluation (tests/web/test_evaluation_pages.py)",
    "/evaluation/{scheme_id}": "the corpora hold no evaluation (tests/web/test_evaluation_pages.py)",
    "/evaluation/{scheme_id}/results.xlsx": "the corpora hold no evaluation (tests/web/test_monitoring.py opens it)",
    "/evaluation/{scheme_id}/score": "an evaluator's form: login and CSRF (tests/web/test_evaluation_pages.py)",
    "/joint/{evaluation_id}/tasks.xlsx": "login only; the corpora hold no 시군종합평가 (tests/web/test_joint_tasks.py)",
    "/joint/{evaluation_id}": "login only; the corpora hold no 시군종합평가 (tests/web/test_evaluation_pages.py)",
    "/api/v1/evaluations": "the corpora hold no evaluation (tests/web/test_evaluation_api.py)",
    "/api/v1/evaluations/{scheme_id}/results": "the corpora hold no evaluation (tests/web/test_evaluation_api.py)",
    "/api/v1/evaluations/{scheme_id}/cycle-scores": "login only (tests/web/test_evaluation_cycle.py)",
    "/api/v1/evaluations/{scheme_id}/assignments/mine": "login only (tests/web/test_evaluation_api.py)",
    "/api/v1/joint-evaluations": "login only (tests/web/test_evaluation_api.py)",
    "/api/v1/joint-evaluations/{evaluation_id}/tasks": "login only (tests/web/test_joint_tasks.py)",
    "/api/v1/joint-evaluations/{evaluation_id}": "login only (tests/web/test_evaluation_api.py)",
    # 주민참여예산 (docs/participation.md): calls, proposals, ballots and residents are entered by
    # people, never read from documents, so the corpora hold none; tests/web/test_participation.py
    # and tests/core/test_participation.py check them
    "/participation": "the corpora hold no participatory budgeting (entered by people; tests/web/test_participation.py)",
    "/participation.json": "the corpora hold no participatory budgeting (tests/web/test_participation.py)",
    "/participation/proposals.csv": "open data of entered proposals: none in the corpora (tests/web/test_participation.py)",
    "/participation/proposals.json": "open data of entered proposals: none in the corpora (tests/web/test_participation.py)",
    "/participation/proposals/{proposal_id}": "the corpora hold no proposals (tests/web/test_participation.py)",
    "/participation/register": "its form carries a random CSRF token (tests/web/test_participation.py)",
    "/participation/propose": "a registered resident's form: a redirect without one (tests/web/test_participation.py)",
    "/participation/ballots/{ballot_id}": "the corpora hold no ballots (tests/web/test_participation.py)",
    "/api/v1/participation/calls": "the corpora hold no calls (entered by people; tests/web/test_participation.py)",
    "/api/v1/participation/calls/{call_id}": "the corpora hold no calls (tests/web/test_participation.py)",
    "/api/v1/participation/proposals/{proposal_id}": "the corpora hold no proposals (tests/web/test_participation.py)",
    "/api/v1/participation/ballots/{ballot_id}": "the corpora hold no ballots (tests/web/test_participation.py)",
    "/upload": "for the performance team only: a redirect to /login without an account (tests/web/test_upload.py)",
    # the cycle's spreadsheet round trip (docs/cycle.md): login only, and the corpora hold no entered plan
    "/cycle/sheet": "login only: a redirect to /login without an account (tests/web/test_cycle_sheet_web.py)",
    "/api/v1/cycle/years/{year}/sheet.xlsx": "login only; the template of an entered plan, the corpora hold none "
                                             "(tests/web/test_cycle_sheet_web.py)",
    # 제안제도 and 협업 (docs/suggestions.md, docs/collaboration.md): entered by people, not read
    # from documents, so the corpora hold none; most need a login
    "/suggestions": "login only; entered by people (tests/web/test_suggestions.py)",
    "/suggestions/new": "a form: login and CSRF (tests/web/test_suggestions.py)",
    "/suggestions/{suggestion_id}": "login only; entered by people (tests/web/test_suggestions.py)",
    "/suggestions/statistics": "the corpora hold no suggestions (entered by people; tests/web/test_suggestions.py)",
    "/suggestions/statistics.json": "the corpora hold no suggestions (tests/web/test_suggestions.py)",
    "/suggestions/calls": "the corpora hold no calls (entered by people; tests/web/test_suggestions.py)",
    "/api/v1/suggestions": "login only (tests/web/test_suggestions.py)",
    "/api/v1/suggestions/{suggestion_id}": "login only (tests/web/test_suggestions.py)",
    "/api/v1/suggestions/similar": "login only (tests/web/test_suggestions.py)",
    "/api/v1/suggestions/statistics": "the corpora hold no suggestions (tests/web/test_suggestions.py)",
    "/api/v1/suggestions/departments": "the corpora hold no suggestions (tests/web/test_suggestions.py)",
    "/api/v1/suggestions/calls": "the corpora hold no calls (tests/web/test_suggestions.py)",
    "/collaboration": "login only; entered by people (tests/web/test_collaboration.py)",
    "/collaboration/tasks": "login only; entered by people (tests/web/test_collaboration.py)",
    "/api/v1/collaboration/balance": "login only (tests/web/test_collaboration.py)",
    "/api/v1/collaboration/feed": "login only (tests/web/test_collaboration.py)",
    "/api/v1/collaboration/top": "login only (tests/web/test_collaboration.py)",
    "/api/v1/collaboration/departments": "login only (tests/web/test_collaboration.py)",
    "/api/v1/collaboration/tasks": "login only (tests/web/test_collaboration.py)",
    # 성과관리 pages (docs/cycle.md "Pages"): staff only (a redirect to /login without an
    # account) and they show what people entered, which the corpora hold none of
    "/cycle": "staff only; the corpora hold no cycle (tests/web/test_cycle_pages.py)",
    "/cycle/{year}/plan": "login only: a redirect to the department's plan page (tests/web/test_cycle_pages.py)",
    "/cycle/{year}/plan/{department}": "staff only; entered plans (tests/web/test_cycle_pages.py)",
    "/cycle/indicators/{plan_id}": "staff only; entered results (tests/web/test_cycle_pages.py)",
    "/cycle/evidence/{evidence_id}": "staff only; uploaded evidence files (tests/web/test_cycle_pages.py)",
    "/cycle/entries/{entry_id}": "staff only; audit entries of entered values (tests/web/test_cycle_pages.py)",
    "/cycle/report": "staff only; tables of entered data (tests/web/test_cycle_pages.py)",
}
#: report formats not snapshotted (same reason as above)
REPORT_FORMATS_SKIPPED = {"pdf"}

PAGES = ["dashboard", "monitoring", "departments", "indicators", "programs", "revenues", "plans", "findings", "documents",
         "citizens", "reports", "opendata"]
API_LISTS = ["indicators", "policy-goals", "programs", "revenues", "departments", "plan-tasks", "findings"]

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
VOLATILE_KEYS = {"loaded_at"}

#: digests and bodies of this session, by (corpus, backend): the second backend compares with the first
_SEEN: dict[tuple[str, str], tuple[dict[str, str], dict[str, bytes]]] = {}


# --- corpora -------------------------------------------------------------------------------


def _readable(path: Path) -> bool:
    """Whether ingest stores the fixture (the broken ones, and layouts the readers cannot read
    yet, are refused: they are not part of the corpus)."""
    from sijeong.pipeline import load_path
    from sijeong.readers import read_errors

    return not read_errors(load_path(path))


def _samples_corpus(_request) -> list[tuple[str, list[Path]]]:
    fixtures = sorted(p for p in FIXTURES.glob("*.txt") if "broken" not in p.name and _readable(p))
    return [("예시시", sorted((ROOT / "samples").glob("*.txt"))), ("김포시", fixtures)]


def _real_corpus(request) -> list[tuple[str, list[Path]]]:
    docs = request.getfixturevalue("real_docs")
    return [("김포시", sorted(docs.glob("*.txt")))]


CORPORA = {"samples": (_samples_corpus, False), "real": (_real_corpus, True)}


def _update_mode(config) -> bool:
    return bool(config.getoption("--snapshot-update", default=False)) or os.environ.get("SIJEONG_SNAPSHOT_UPDATE") == "1"


# --- normalising ---------------------------------------------------------------------------


def _blank(obj):
    if isinstance(obj, dict):
        return {k: ("<volatile>" if k in VOLATILE_KEYS and v is not None else _blank(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_blank(v) for v in obj]
    if isinstance(obj, str):
        return _DATETIME.sub("<datetime>", obj)
    return obj


def _json_bytes(obj) -> bytes:
    return json.dumps(_blank(obj), ensure_ascii=False, sort_keys=True, indent=1, default=str).encode("utf-8")


def _xlsx(body: bytes) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(body))
    out = []
    for ws in wb.worksheets:
        rows = [[c.value.isoformat() if isinstance(c.value, (dt.date, dt.datetime)) else c.value for c in row]
                for row in ws.iter_rows()]
        out.append({"sheet": ws.title, "merged": sorted(str(r) for r in ws.merged_cells.ranges), "rows": rows})
    return _json_bytes(out)


_XML_ID = re.compile(r'(?<![\w-])id="(\d+)"')


def _renumber(xml: str) -> str:
    """HWPX paragraph ids come from a counter of the writing library that runs on across
    documents (a report's ids depend on what was written before it in the process): number
    them by first appearance instead."""
    seen: dict[str, int] = {}
    return _XML_ID.sub(lambda m: f'id="#{seen.setdefault(m.group(1), len(seen))}"', xml)


def _zip(body: bytes) -> bytes:
    out = {}
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        for info in z.infolist():
            data = z.read(info)
            try:
                out[info.filename] = _renumber(_DATETIME.sub("<datetime>", data.decode("utf-8")))
            except UnicodeDecodeError:
                out[info.filename] = "sha256:" + hashlib.sha256(data).hexdigest()
    return _json_bytes(out)


def normalise(response) -> bytes:
    """status, type, attachment name and body, with what varies from run to run blanked."""
    ctype = response.headers.get("content-type", "")
    disp = response.headers.get("content-disposition", "")
    head = f"{response.status_code}\n{ctype}\n{disp}\n{response.headers.get('location', '')}\n".encode("utf-8")
    body = response.content
    if "json" in ctype:
        try:
            body = _json_bytes(json.loads(body))
        except ValueError:
            pass
    elif "spreadsheetml" in ctype:
        body = _xlsx(body)
    elif body[:2] == b"PK":
        body = _zip(body)
    elif ctype.startswith("text/") or "xml" in ctype or "javascript" in ctype:
        body = _DATETIME.sub("<datetime>", body.decode("utf-8")).encode("utf-8")
    return head + body


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- enumerating the routes ------------------------------------------------------------------


def get_routes(app) -> set[str]:
    """Every GET path template of the app, through included routers."""
    found: set[str] = set()

    def walk(routes, prefix: str) -> None:
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI's included router
                walk(r.original_router.routes, prefix + (getattr(r.include_context, "prefix", "") or ""))
            elif hasattr(r, "methods") and hasattr(r, "path"):
                if r.methods and "GET" in r.methods:
                    found.add(prefix + r.path)
            elif hasattr(r, "path"):  # a mount
                found.add(prefix + r.path)
            elif hasattr(r, "routes"):
                walk(r.routes, prefix)

    walk(app.routes, "")
    return found


class Crawl:
    """Asks for URLs, keeping the normalised bodies under stable keys."""

    def __init__(self, client, hide: bool):
        self.client = client
        self.hide = hide
        self.bodies: dict[str, bytes] = {}
        self.templates: set[str] = set()
        self.times: dict[str, float] = {}
        self.asked: dict[str, object] = {}

    def label(self, value) -> str:
        """A data-derived value in a key: itself, or (real corpus) a short hash."""
        value = str(value)
        return "<h:" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12] + ">" if self.hide else value

    def get(self, template: str, path: str, params: dict | None = None, *, key_path: str | None = None,
            key_params: dict | None = None) -> object:
        params = {k: v for k, v in (params or {}).items() if v is not None}
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        kp = key_params if key_params is not None else params
        key = (key_path or path) + ("?" + "&".join(f"{k}={v}" for k, v in sorted(kp.items())) if kp else "")
        if url in self.asked:  # the same address reached twice (e.g. the default year and that year)
            return self.asked[url]
        t0 = time.perf_counter()
        r = self.client.get(url, follow_redirects=False)
        self.times[template] = self.times.get(template, 0.0) + time.perf_counter() - t0
        assert r.status_code < 500, (key, r.status_code)
        assert key not in self.bodies or self.bodies[key] == normalise(r), f"{key}: two addresses with one key and different answers"
        self.bodies[key] = normalise(r)
        self.templates.add(template)
        self.asked[url] = r.json() if r.status_code == 200 and "json" in r.headers.get("content-type", "") else None
        return self.asked[url]


def crawl(client, app, municipalities: list[str], hide: bool, static_dir: Path) -> Crawl:
    c = Crawl(client, hide)
    L = c.label
    q = urllib.parse.quote
    c.get("/", "/")
    c.get("/openapi.json", "/openapi.json")
    c.get("/favicon.ico", "/favicon.ico")
    # the performance cycle's routes (web/api_cycle.py) need a login: the crawl sees their 401
    for template, path in (("/api/v1/cycle/years", "/api/v1/cycle/years"),
                           ("/api/v1/cycle/years/{year}/plan", "/api/v1/cycle/years/2020/plan"),
                           ("/api/v1/cycle/years/{year}/lagging", "/api/v1/cycle/years/2020/lagging"),
                           ("/api/v1/cycle/years/{year}/late", "/api/v1/cycle/years/2020/late"),
                           ("/api/v1/cycle/years/{year}/report/{kind}", "/api/v1/cycle/years/2020/report/indicators"),
                           ("/api/v1/indicators/{indicator_id}/results", "/api/v1/indicators/1/results"),
                           ("/api/v1/plan-indicators/{plan_id}/results", "/api/v1/plan-indicators/1/results"),
                           ("/api/v1/evidence/{evidence_id}", "/api/v1/evidence/1"),
                           ("/api/v1/entries/{entry_id}", "/api/v1/entries/1"),
                           ("/api/v1/audit/{entity}/{entity_id}", "/api/v1/audit/cycle_results/1")):
        c.get(template, path)
    for f in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        rel = f.relative_to(static_dir).as_posix()
        c.get("/static", f"/static/{rel}")
    c.get("/opendata/{resource}.{fmt}", "/opendata/data-dictionary.json")
    c.get("/opendata/{resource}.{fmt}", "/opendata/data-dictionary.csv")
    for m in municipalities:
        years = [""] + [str(y) for y in client.get("/dashboard.json", params={"municipality": m}).json()["years"]]
        for y in years:
            p = {"municipality": m, "year": y or None}
            for page in PAGES:
                c.get(f"/{page}", f"/{page}", p)
                c.get(f"/{page}.json", f"/{page}.json", p)
            # the lists in full (their pages show the first page only)
            for page in ("indicators", "programs", "revenues", "plans", "findings", "documents"):
                c.get(f"/{page}.json", f"/{page}.json", {**p, "limit": 500})
            for api in API_LISTS:
                _api_all(c, api, p)
            # every department's page, in every year it has
            for name in c.get("/departments.json", "/departments.json", p)["items"]:
                dp = f"/departments/{q(name, safe='')}"
                kp = f"/departments/{L(name)}"
                data = c.get("/departments/{name}.json", dp + ".json", p, key_path=kp + ".json")
                c.get("/departments/{name}", dp, p, key_path=kp)
                assert data is not None, f"/departments.json lists {kp} but its page does not answer"
            # reports: every kind with data, in every format
            reports = c.get("/reports.json", "/reports.json", p)
            for kind in reports["kinds"]:
                for fmt, link in sorted(kind.get("links", {}).items()):
                    # every year's tables as JSON; the files (rendered from the same tables by
                    # code that does not depend on the year) for the default year only
                    if fmt in REPORT_FORMATS_SKIPPED or (fmt != "json" and y):
                        continue
                    path, _, query = link.partition("?")
                    c.get("/reports/{kind}.{fmt}", path, dict(urllib.parse.parse_qsl(query)))
                c.get("/reports/download", "/reports/download", {**p, "kind": kind["kind"], "format": "xlsx"})
            for res in c.get("/opendata.json", "/opendata.json", p)["resources"]:
                for fmt in ("csv", "json"):
                    path, _, query = res[fmt].partition("?")
                    c.get("/opendata/{resource}.{fmt}", path, dict(urllib.parse.parse_qsl(query)))
        # pledges (공약): the public page, its JSON and XLSX, the API list and summary, every pledge
        base = {"municipality": m}
        for path in ("/pledges", "/pledges.json", "/pledges.xlsx", "/api/v1/pledges/summary"):
            c.get(path, path, base)
        for item in _api_all(c, "pledges", base):
            c.get("/pledges/{pledge_id}", f"/pledges/{item['id']}")
            c.get("/api/v1/pledges/{pledge_id}", f"/api/v1/pledges/{item['id']}")
        # every item: indicator and plan pages, API items, documents
        for api, page in (("indicators", "indicators"), ("plan-tasks", "plans")):
            for item in _api_all(c, api, base):
                c.get(f"/{page}/{{{'indicator_id' if page == 'indicators' else 'task_id'}}}.json",
                      f"/{page}/{item['id']}.json")
                c.get(f"/{page}/{{{'indicator_id' if page == 'indicators' else 'task_id'}}}", f"/{page}/{item['id']}")
        for api in ("indicators", "policy-goals", "programs", "revenues", "departments", "plan-tasks"):
            for item in _api_all(c, api, base):
                c.get(f"/api/v1/{api}/{{item_id}}", f"/api/v1/{api}/{item['id']}")
        words = set()
        for item in _api_all(c, "indicators", base)[:5] + _api_all(c, "plan-tasks", base)[:5]:
            words.update(w for w in re.split(r"\s+", item.get("name") or "") if len(w) >= 2)
        for w in sorted(words)[:10]:
            c.get("/api/v1/search", "/api/v1/search", {"municipality": m, "q": w, "limit": 500},
                  key_params={"municipality": m, "q": L(w), "limit": 500})
        for w in sorted(words)[:3]:  # the site-wide search page and its JSON twin
            for path in ("/search", "/search.json"):
                c.get(path, path, {"municipality": m, "q": w, "limit": 100},
                      key_params={"municipality": m, "q": L(w), "limit": 100})
        docs = c.get("/documents.json", "/documents.json", {"municipality": m, "limit": 500})
        findings = _api_all(c, "findings", base)
        for f in findings:  # one finding's page (its mark, the form for who may mark)
            c.get("/findings/{finding_id}.json", f"/findings/{f['id']}.json")
            c.get("/findings/{finding_id}", f"/findings/{f['id']}")
        for d in docs["items"]:
            name = d["name"]
            lines = sorted({ln for f in findings if f.get("doc") == name for ln in (f.get("lines") or [])})[:5]
            for suffix in (".json", ""):
                c.get("/documents/{name}" + suffix, f"/documents/{q(name, safe='')}{suffix}", {"municipality": m},
                      key_path=f"/documents/{L(name)}{suffix}")
                if lines:
                    c.get("/documents/{name}" + suffix, f"/documents/{q(name, safe='')}{suffix}",
                          {"municipality": m, "lines": ",".join(map(str, lines))}, key_path=f"/documents/{L(name)}{suffix}")
    return c


def _api_all(c: Crawl, api: str, params: dict) -> list[dict]:
    items: list[dict] = []
    offset = 0
    while True:
        page = c.get(f"/api/v1/{api}", f"/api/v1/{api}", {**params, "limit": 500, "offset": offset or None})
        items += page["items"]
        offset += 500
        if offset >= page["total"]:
            return items


# --- the test ---------------------------------------------------------------------------------


def _ingest(url: str, corpus: list[tuple[str, list[Path]]]) -> None:
    from sijeong.cli import main

    for municipality, paths in corpus:
        assert paths, f"no documents for {municipality}"
        assert main(["ingest", "--db", url, "--municipality", municipality, *map(str, paths)]) == 0


def _export(url: str, tmp_path: Path) -> bytes:
    from sijeong.cli import main

    out = tmp_path / "export.json"
    assert main(["export", "--db", url, "-o", str(out)]) == 0
    return _json_bytes(json.loads(out.read_text(encoding="utf-8")))


@pytest.fixture(params=[
    pytest.param(("samples", "sqlite"), id="samples-sqlite"),
    pytest.param(("samples", "postgresql"), id="samples-postgresql", marks=pytest.mark.postgres),
    pytest.param(("real", "sqlite"), id="real-sqlite", marks=pytest.mark.real),
    pytest.param(("real", "postgresql"), id="real-postgresql",
                 marks=[pytest.mark.real, pytest.mark.postgres]),
])
def corpus_db(request, tmp_path):
    corpus, backend = request.param
    make, hide = CORPORA[corpus]
    docs = make(request)
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'snapshot.db'}"
    else:
        import sqlalchemy as sa

        from sijeong.store.schema import metadata

        eng = request.getfixturevalue("pg_engine")  # the session's database, emptied: ids start at 1 again
        with eng.begin() as conn:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in metadata().tables) + " RESTART IDENTITY CASCADE"))
        url = request.getfixturevalue("pg_url")
    _ingest(url, docs)
    return corpus, backend, url, hide, sorted({m for m, _ in docs})


@pytest.mark.slow
def test_outputs_match_the_snapshot(corpus_db, request, tmp_path):
    from fastapi.testclient import TestClient

    import sijeong.web
    from sijeong.settings import Settings
    from sijeong.web import create_app

    corpus, backend, url, hide, municipalities = corpus_db
    app = create_app(Settings(db_url=url))
    static_dir = Path(sijeong.web.__file__).parent / "static"
    with TestClient(app) as client:
        c = crawl(client, app, municipalities, hide, static_dir)
    c.bodies["sijeong export"] = _export(url, tmp_path)
    if os.environ.get("SIJEONG_SNAPSHOT_TIMES"):
        print(sorted(((round(v, 2), k) for k, v in c.times.items()), reverse=True))

    # every GET route is asked for, or listed with the reason it is not
    missing = get_routes(app) - c.templates - set(NOT_SNAPSHOT)
    assert not missing, f"GET routes the snapshot does not ask for: {sorted(missing)} — enumerate them in crawl()"

    digests = {k: digest(v) for k, v in sorted(c.bodies.items())}
    dump = os.environ.get("SIJEONG_SNAPSHOT_DUMP")
    if dump:
        _write_bodies(Path(dump) / f"{corpus}-{backend}", c.bodies)

    # SQLite and PostgreSQL give the same outputs
    other = next((v for (cp, b), v in _SEEN.items() if cp == corpus and b != backend), None)
    _SEEN[(corpus, backend)] = (digests, c.bodies)
    if other is not None:
        _compare(digests, c.bodies, other[0], other[1], f"{backend} vs the other backend", tmp_path)

    path = SNAPSHOTS / f"{corpus}.json"
    if _update_mode(request.config) and backend == "sqlite":
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(digests, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert path.is_file(), f"no snapshot {path.relative_to(ROOT)}: run pytest {__file__} --snapshot-update"
    stored = json.loads(path.read_text(encoding="utf-8"))
    _compare(digests, c.bodies, stored, None, f"{backend} vs {path.relative_to(ROOT)}", tmp_path)


def _write_bodies(target: Path, bodies: dict[str, bytes]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for key, body in bodies.items():
        name = re.sub(r"[^0-9A-Za-z가-힣._=-]+", "_", key)[:150] + "-" + digest(key.encode())[:8]
        (target / name).write_bytes(body)


def _compare(digests: dict[str, str], bodies: dict[str, bytes], expected: dict[str, str],
             expected_bodies: dict[str, bytes] | None, what: str, tmp_path: Path) -> None:
    changed = sorted(k for k in digests.keys() & expected.keys() if digests[k] != expected[k])
    new = sorted(digests.keys() - expected.keys())
    gone = sorted(expected.keys() - digests.keys())
    if not (changed or new or gone):
        return
    out = tmp_path / "snapshot-diff"
    _write_bodies(out, {k: bodies[k] for k in changed + new})
    lines = [f"outputs differ ({what}): {len(changed)} changed, {len(new)} new, {len(gone)} gone; "
             f"fresh bodies in {out}",
             *[f"  changed {k}" for k in changed[:30]], *[f"  new     {k}" for k in new[:30]],
             *[f"  gone    {k}" for k in gone[:30]]]
    if changed and expected_bodies is not None:
        k = changed[0]
        diff = difflib.unified_diff(expected_bodies[k].decode("utf-8", "replace").splitlines(),
                                    bodies[k].decode("utf-8", "replace").splitlines(), "expected", "fresh", lineterm="", n=2)
        lines += [f"first difference, {k}:", *list(diff)[:60]]
    lines.append("If the change is intended: pytest tests/core/test_outputs_snapshot.py --snapshot-update")
    pytest.fail("\n".join(lines), pytrace=False)


# --- the normaliser and the route walk can tell outputs apart (fast) ----------------------------


class _Resp:
    def __init__(self, body: bytes, ctype: str, status: int = 200):
        self.content, self.status_code = body, status
        self.headers = {"content-type": ctype}


def test_normalise_blanks_only_what_varies():
    a = _Resp(json.dumps({"b": 1, "loaded_at": "2026-12-02T10:00:00+00:00", "x": [1.5]}).encode(), "application/json")
    b = _Resp(json.dumps({"x": [1.5], "loaded_at": "2020-01-01T00:00:00", "b": 1}).encode(), "application/json")
    assert normalise(a) == normalise(b)  # key order and loaded_at do not count
    for changed in ({"b": 2, "x": [1.5]}, {"b": 1, "x": [1.6]}, {"b": 1, "x": [1.5], "y": None}):
        assert normalise(_Resp(json.dumps({**changed, "loaded_at": "t"}).encode(), "application/json")) != normalise(a)
    assert normalise(_Resp(b"x", "application/json", 404)) != normalise(_Resp(b"x", "application/json", 200))
    html = "<p>made 2026-12-02 10:01:02 for 2020년</p>"
    assert normalise(_Resp(html.encode(), "text/html")) == normalise(_Resp(html.replace("10:01", "11:59").encode(), "text/html"))
    assert normalise(_Resp(html.encode(), "text/html")) != normalise(_Resp(html.replace("2020년", "2021년").encode(), "text/html"))


def test_hwpx_paragraph_ids_are_numbered_by_appearance():
    def hwpx(ids, text):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("Contents/section0.xml", "".join(f'<hp:p id="{i}"><hp:t>{text}</hp:t></hp:p>' for i in ids))
        return _Resp(buf.getvalue(), "application/hwp+zip")

    assert normalise(hwpx([1000000000, 1000000001], "가")) == normalise(hwpx([1000000109, 1000000110], "가"))
    assert normalise(hwpx([1, 2], "가")) != normalise(hwpx([1, 1], "가"))  # structure still counts
    assert normalise(hwpx([1, 2], "가")) != normalise(hwpx([1, 2], "나"))


def test_the_route_walk_sees_the_included_routers(tmp_path):
    from sijeong.settings import Settings
    from sijeong.web import create_app

    routes = get_routes(create_app(Settings(db_url=f"sqlite:///{tmp_path / 'x.db'}")))
    assert {"/api/v1/indicators/{item_id}", "/departments/{name}.json", "/reports/{kind}.{fmt}", "/static"} <= routes
