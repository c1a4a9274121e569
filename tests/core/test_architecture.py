"""Imports point downward only: model and formats import nothing of ours; readers, rules,
store and reports import the model (and their own helpers), never web or the CLI; a few
modules have their own, narrower rule (``MODULES``)."""

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
            "operations", "cycle"},
    "commands": {"model", "commands", "store", "rules", "reports", "settings", "pipeline", "readers", "web", "coverage", "operations",
                 "formats", "cycle"},
}

# single modules (path under src/sijeong) -> packages and modules of ours they may import
MODULES = {
    # the security headers / CSP middleware wraps any ASGI app: it knows nothing of ours
    "web/security.py": set(),
    "pipeline.py": {"model", "readers", "formats", "coverage", "rules"},
    # the write path: permission, one transaction, audit, re-check (derive + rules) over the store
    "operations.py": {"model", "store", "pipeline", "rules"},
    "coverage.py": {"model", "readers"},
    # the year's performance cycle: its operations go through the write path
    "cycle.py": {"model", "store", "rules", "operations", "reports"},
    "settings.py": set(),
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


def test_model_imports_only_the_standard_library():
    for path in (ROOT / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    assert a.name.split(".")[0] in {"dataclasses", "typing", "datetime", "decimal", "enum", "__future__"}, (path, a.name)
            if isinstance(node, ast.ImportFrom) and not node.level:
                assert node.module.split(".")[0] in {"dataclasses", "typing", "datetime", "decimal", "enum", "__future__"}, (path, node.module)
