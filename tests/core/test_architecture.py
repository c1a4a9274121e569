"""Imports point downward only: model and formats import nothing of ours; readers, rules,
store and reports import the model (and their own helpers), never web or the CLI; a few
modules have their own, narrower rule (``MODULES``). Above the store (web, commands,
reports, and the top-level modules) nothing runs SQL of its own: no SQLAlchemy, no table of
the store; reads go through the read layer (``store.views``), writes through the write path."""

import ast
from pathlib import Path

import sijeong

ROOT = Path(sijeong.__file__).parent

# package -> packages of ours it may import
ALLOWED = {
    "model": {"model"},
    # original formats (CP949/UTF-16 text, HWPX, HWP, PDF) -> text: beside the model, below the readers
    "formats": {"formats"},
    "readers": {"model", "readers"},
    "rules": {"model", "rules", "readers"},
    "store": {"model", "store", "settings"},
    "reports": {"model", "reports", "rules", "store", "settings", "readers"},
    "web": {"model", "web", "store", "rules", "reports", "settings", "pipeline", "readers", "coverage", "formats",
            "operations", "accounts", "cycle", "cycle_sheet", "evaluation", "evaluation_cycle", "evaluation_bonus", "joint_tasks",
            "monitoring", "suggestions", "collaboration", "participation"},
    "commands": {"model", "commands", "store", "rules", "reports", "settings", "pipeline", "readers", "web", "coverage", "operations",
                 "formats", "accounts", "cycle", "cycle_sheet"},
}

# single modules (path under src/sijeong) -> packages and modules of ours they may import
MODULES = {
    # the security headers / CSP middleware wraps any ASGI app: it knows nothing of ours
    "web/security.py": set(),
    "pipeline.py": {"model", "readers", "formats", "coverage", "rules"},
    # the write path: permission, one transaction, audit, re-check (derive + rules) over the store
    "operations.py": {"model", "store", "pipeline", "rules"},
    # accounts, sessions, tokens: through the write path, SQL in store/accounts.py
    "accounts.py": {"operations", "store"},
    # department evaluation and 시군종합평가: through the write path, SQL in store/evaluation.py
    "evaluation.py": {"operations", "store", "model"},
    # 제안제도 and 협업: through the write path, SQL in store/suggestions.py and store/collaboration.py
    "suggestions.py": {"operations", "store", "model"},
    "collaboration.py": {"operations", "store", "model"},
    # 주민참여예산: through the write path, SQL in store/participation.py
    "participation.py": {"operations", "store", "model"},
    # 정량 추진실적 from the cycle's accepted results (rules: infer_direction, the one inference)
    "evaluation_cycle.py": {"operations", "store", "model", "rules", "evaluation"},
    # 가점 from 제안제도 and 협업포인트: their figures (store), the write path, the evaluation's helpers
    "evaluation_bonus.py": {"operations", "store", "model", "evaluation", "evaluation_cycle"},  # its computed-score writer
    # 시군종합평가 monthly 이행과제 and the 부진지표 list (rules: infer_direction)
    "joint_tasks.py": {"operations", "store", "model", "rules", "evaluation"},
    # 종합 모니터링: reads only (the read layer, the evaluation's and the cycle's reads)
    "monitoring.py": {"store", "model", "evaluation", "cycle", "operations", "joint_tasks"},
    "coverage.py": {"model", "readers"},
    # the year's performance cycle: its operations go through the write path
    "cycle.py": {"model", "store", "rules", "operations", "reports"},
    # the cycle's spreadsheet round trip: the cycle's checks, one write through the write path
    "cycle_sheet.py": {"cycle", "operations", "store"},
    "settings.py": set(),
    # the command line dispatches to one module per subcommand (imported by name when run)
    "cli.py": {"commands", "model"},  # model: the Korean particles of usage errors
}


def _imports(path: Path, package: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package path
                pkg = list(path.relative_to(ROOT).parts[:-1])
                up = pkg[: len(pkg) - (node.level - 1)] if node.level - 1 <= len(pkg) else []
                target = up + (node.module.split(".") if node.module else [])
                if target:
                    found.add(target[0])
                else:  # "from .. import x": x are top-level modules of ours
                    found.update(a.name for a in node.names)
            elif node.module and node.module.startswith("sijeong."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sijeong."):
                    found.add(alias.name.split(".")[1])
    return found


def test_imports_point_downward():
    bad = []
    for package, allowed in ALLOWED.items():
        pdir = ROOT / package
        if not pdir.exists():
            continue
        for path in pdir.rglob("*.py"):
            for imp in _imports(path, package):
                if imp not in allowed:
                    bad.append(f"{path.relative_to(ROOT)} imports sijeong.{imp}")
    assert not bad, "\n".join(bad)


def test_single_modules_import_only_what_they_may():
    # a module's own package is not implicitly allowed: web/security.py imports nothing of ours
    bad = []
    for rel, allowed in MODULES.items():
        path = ROOT / rel
        assert path.is_file(), f"{rel} named in MODULES does not exist"
        bad += [f"{rel} imports sijeong.{imp}" for imp in sorted(_imports(path, "") - allowed)]
    assert not bad, "\n".join(bad)


def test_the_walker_sees_every_kind_of_import(tmp_path):
    """Relative (up, sideways, ``from . import``) and absolute imports are all seen — a
    layering check that cannot see an import could never fail."""
    global ROOT
    (tmp_path / "formats").mkdir()
    path = tmp_path / "formats" / "x.py"
    path.write_text("from ..readers import text\nimport sijeong.store.db\nfrom . import hwp\n"
                    "def f():\n    from sijeong.web import app\n", encoding="utf-8")
    saved, ROOT = ROOT, tmp_path
    try:
        assert _imports(path, "formats") == {"readers", "store", "formats", "web"}
    finally:
        ROOT = saved


# --- no SQL above the store ------------------------------------------------------------------

#: packages and modules above the store: they read through store.views and write through the
#: write path (sijeong.operations), never through the store's write functions
ABOVE_STORE = ("web", "commands", "reports", "pipeline.py", "coverage.py", "settings.py", "cli.py")
#: store modules they may import: the read layer, the export's shape, the web's view of the
#: connections, engines and migrations (db), and the constants of the users' directions
STORE_MODULES = {"views", "serialize", "connections", "db", "directions"}
#: names of the ``sijeong.store`` package they may import besides those modules
STORE_NAMES = STORE_MODULES | {"create_engine_for", "migrate"}
#: what they may take from a module of the store (any other name: a table, SQL, a read that
#: belongs to store.views, or a write that belongs to the write path)
STORE_ATTRIBUTES = {
    "db": {"create_engine_for", "migrate"},
    "directions": {"DIRECTIONS"},
}
#: files still running SQL of their own: none (the list only shrinks; nothing is to be added)
SQL_ALLOWED: set[str] = set()


def _store_violations(path: Path) -> list[str]:
    """What a file above the store does that only the store may: import SQLAlchemy (any
    form), import a store module other than ``STORE_MODULES`` (schema, rows, codec, search …),
    take a name other than ``STORE_ATTRIBUTES`` from db or repository (imported, or as an
    attribute of the module), or execute a statement (``.execute``, ``.exec_driver_sql``)."""
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = list(path.relative_to(ROOT).parts[:-1])
    bad: list[str] = []
    bound: dict[str, str] = {}  # a local name -> the store module it is bound to (db, repository)

    def store_module(parts: list[str], names: list[ast.alias]) -> None:
        # parts: the module under sijeong, e.g. ["store"] or ["store", "db"]
        if parts[:1] != ["store"]:
            return
        if len(parts) == 1:
            for a in names:
                if a.name not in STORE_NAMES:
                    bad.append(f"{rel} imports sijeong.store.{a.name}")
                elif a.name in STORE_ATTRIBUTES:
                    bound[a.asname or a.name] = a.name
            return
        mod = parts[1]
        if mod not in STORE_MODULES:
            bad.append(f"{rel} imports sijeong.store.{'.'.join(parts[1:])}")
            return
        for a in names:
            if mod in STORE_ATTRIBUTES and a.name not in STORE_ATTRIBUTES[mod]:
                bad.append(f"{rel} imports {a.name} from sijeong.store.{mod}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")
                if top[0] == "sqlalchemy":
                    bad.append(f"{rel} imports {a.name}")
                elif top[0] == "sijeong" and top[1:2] == ["store"]:
                    if len(top) > 2 and top[2] not in STORE_MODULES:
                        bad.append(f"{rel} imports {a.name}")
                    elif len(top) > 2 and top[2] in STORE_ATTRIBUTES and a.asname:
                        bound[a.asname] = top[2]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                up = pkg[: len(pkg) - (node.level - 1)] if node.level - 1 <= len(pkg) else []
                parts = up + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "sqlalchemy":
                bad.append(f"{rel} imports from {node.module}")
                continue
            elif node.module and node.module.startswith("sijeong."):
                parts = node.module.split(".")[1:]
            else:
                continue
            if parts == [] and any(a.name == "store" for a in node.names):
                continue  # "from .. import store": its names are checked where used
            store_module(parts, node.names)
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in bound:
                mod = bound[node.value.id]
                if node.attr not in STORE_ATTRIBUTES[mod]:
                    bad.append(f"{rel} uses sijeong.store.{mod}.{node.attr}")
            if node.attr in ("execute", "exec_driver_sql") and isinstance(getattr(node, "ctx", None), ast.Load):
                bad.append(f"{rel} executes a statement (.{node.attr}) at line {node.lineno}")
    return bad


def _above_store_files() -> list[Path]:
    out = []
    for name in ABOVE_STORE:
        path = ROOT / name
        assert path.exists(), f"{name} named in ABOVE_STORE does not exist"
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def test_nothing_above_the_store_runs_sql_of_its_own():
    bad = []
    for path in _above_store_files():
        if path.relative_to(ROOT).as_posix() in SQL_ALLOWED:
            continue
        bad += _store_violations(path)
    assert not bad, "\n".join(bad)


def test_the_sql_allow_list_names_only_files_that_need_it():
    """An entry whose file no longer runs SQL is taken off (the list only shrinks)."""
    for rel in SQL_ALLOWED:
        path = ROOT / rel
        assert path.is_file(), f"{rel} in SQL_ALLOWED does not exist"
        assert _store_violations(path), f"{rel} runs no SQL any more: take it off SQL_ALLOWED"


def test_the_sql_check_sees_every_form(tmp_path):
    """Each way of reaching SQLAlchemy or the store's tables is seen — a check that cannot
    see one could never fail — and what is allowed passes."""
    global ROOT
    (tmp_path / "web" / "pages").mkdir(parents=True)
    forbidden = {
        "import sqlalchemy as sa\n": "imports sqlalchemy",
        "import sqlalchemy.exc\n": "imports sqlalchemy.exc",
        "from sqlalchemy.engine import Connection\n": "imports from sqlalchemy.engine",
        "def f():\n    from sqlalchemy import select\n": "imports from sqlalchemy",
        "from ...store.schema import table\n": "imports sijeong.store.schema",
        "from ...store import schema\n": "imports sijeong.store.schema",
        "from ...store import search\n": "imports sijeong.store.search",
        "from sijeong.store.rows import record_row\n": "imports sijeong.store.rows",
        "import sijeong.store.codec\n": "imports sijeong.store.codec",
        "from ...store.repository import list_records\n": "imports sijeong.store.repository",
        "from ...store import repository\n": "imports sijeong.store.repository",
        "from ...store.writes import update_row\n": "imports sijeong.store.writes",
        "from ...store import db\ndb.writing(e)\n": "uses sijeong.store.db.writing",
        "from ...store.directions import set_direction\n": "imports set_direction from sijeong.store.directions",
        "from ...store import db as d\nd.table('x')\n": "uses sijeong.store.db.table",
        "import sijeong.store.db as d\nd.metadata\n": "uses sijeong.store.db.metadata",
        "def f(conn):\n    conn.execute('select 1')\n": "executes a statement (.execute)",
        "def f(conn):\n    conn.exec_driver_sql('select 1')\n": "executes a statement (.exec_driver_sql)",
    }
    allowed = ("from ...store import views\nviews.page(c, 'x', municipality=None)\n"
               "from ...store import db\ndb.migrate(e)\nfrom ...store.directions import DIRECTIONS\n"
               "from ...store.serialize import record\n"
               "from ...store.connections import PoolTimeout\nfrom sijeong.store import create_engine_for\n")
    saved, ROOT = ROOT, tmp_path
    try:
        path = tmp_path / "web" / "pages" / "x.py"
        for source, said in forbidden.items():
            path.write_text(source, encoding="utf-8")
            found = _store_violations(path)
            assert any(said in v for v in found), (source, found)
        path.write_text(allowed, encoding="utf-8")
        assert _store_violations(path) == []
    finally:
        ROOT = saved


#: the standard library modules the model may use (difflib and re: the name matcher)
MODEL_STDLIB = {"dataclasses", "typing", "datetime", "decimal", "fractions", "enum", "__future__", "re", "difflib",
                "collections"}


def test_model_imports_only_the_standard_library():
    for path in (ROOT / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    assert a.name.split(".")[0] in MODEL_STDLIB, (path, a.name)
            if isinstance(node, ast.ImportFrom) and not node.level:
                assert node.module.split(".")[0] in MODEL_STDLIB, (path, node.module)


# --- every commit bumps the data version -----------------------------------------------------

#: the only places a transaction is begun (and so committed): ``store.db.writing`` and
#: ``store.repository._in_tx``, which both bump ``data_version`` before the commit, so the
#: public page cache (web/cache.py) never serves an answer older than the data
TRANSACTION_SITES = {"store/db.py": 1, "store/repository.py": 1}


def _transaction_calls(path: Path) -> list[int]:
    """Lines calling ``.begin()`` or ``.commit()`` (a savepoint, ``.begin_nested()``, is inside
    a transaction begun elsewhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("begin", "commit")]


def test_transactions_begin_only_where_the_data_version_is_bumped():
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("store/migrations/"):
            continue  # Alembic's own transaction (``migrate`` runs it inside ``writing``)
        lines = _transaction_calls(path)
        if lines:
            found[rel] = len(lines)
    assert found == TRANSACTION_SITES, found
    db = (ROOT / "store" / "db.py").read_text(encoding="utf-8")
    repo = (ROOT / "store" / "repository.py").read_text(encoding="utf-8")
    assert "bump_data_version(conn)" in db.split("def writing", 1)[1].split("\ndef ", 1)[0]
    assert "bump_data_version(conn)" in repo.split("def _in_tx", 1)[1].split("\ndef ", 1)[0]
