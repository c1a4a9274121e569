"""Imports point downward only: model imports nothing of ours; readers, rules, store and
reports import the model (and their own helpers), never web or the CLI."""

import ast
from pathlib import Path

import sijeong

ROOT = Path(sijeong.__file__).parent

# package -> packages of ours it may import
ALLOWED = {
    "model": {"model"},
    "readers": {"model", "readers"},
    "rules": {"model", "rules", "readers"},
    "store": {"model", "store", "settings"},
    "reports": {"model", "reports", "rules", "store", "settings", "readers"},
    "web": {"model", "web", "store", "rules", "reports", "settings", "pipeline", "readers", "coverage"},
    "commands": {"model", "commands", "store", "rules", "reports", "settings", "pipeline", "readers", "web", "coverage"},
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


def test_model_imports_only_the_standard_library():
    for path in (ROOT / "model").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    assert a.name.split(".")[0] in {"dataclasses", "typing", "datetime", "decimal", "enum", "__future__"}, (path, a.name)
            if isinstance(node, ast.ImportFrom) and not node.level:
                assert node.module.split(".")[0] in {"dataclasses", "typing", "datetime", "decimal", "enum", "__future__"}, (path, node.module)
