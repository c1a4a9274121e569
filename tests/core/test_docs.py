"""The documentation keeps up: every command and option, every rule, every export key."""

import argparse
from pathlib import Path

from sijeong.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_and_option_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = []
    for name, sub in _subparsers(build_parser()).items():
        if f"sijeong {name}" not in text:
            missing.append(name)
        for action in sub._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help" and opt not in text:
                    missing.append(f"{name} {opt}")
    assert not missing, f"undocumented in docs/cli.md: {missing}"


def test_every_rule_is_documented():
    from sijeong.rules import RULES

    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert RULES
    assert [rid for rid in RULES if f"`{rid}`" not in text] == []


def test_every_export_key_is_documented():
    text = (DOCS / "export.md").read_text(encoding="utf-8")
    for key in ("documents", "departments", "indicators", "policy_goals", "programs", "revenues",
                "department_summaries", "plan_tasks", "tables", "findings"):
        assert f"`{key}`" in text, key


def _get_routes(app) -> list[str]:
    """Every GET path template of the app, enumerated from ``app.routes`` (included routers too)."""
    from fastapi.routing import APIRoute, iter_route_contexts

    return [c.path for c in iter_route_contexts(app.routes)
            if isinstance(c.original_route, APIRoute) and "GET" in (c.methods or ())]


def test_every_route_is_documented(tmp_path):
    """docs/web.md names every GET route the app has: a page by its path (a parameter may be
    named differently, ``{id}`` for ``{indicator_id}``, and a format by an example, ``.csv``);
    a ``.json`` twin by its page (the pages' table says every page has one); an API route by
    its resource in the JSON API section."""
    import re

    from sijeong.settings import Settings
    from sijeong.web.app import create_app

    text = (DOCS / "web.md").read_text(encoding="utf-8")
    api = text.split("## JSON API", 1)[1].split("\n## ", 1)[0]
    routes = _get_routes(create_app(Settings(db_url=f"sqlite:///{tmp_path / 'docs.db'}")))
    paths = set(routes)
    assert {"/dashboard", "/dashboard.json", "/api/v1/indicators", "/reports/{kind}.{fmt}"} <= paths
    missing = []
    for path in routes:
        if path.startswith("/api/v1/"):
            resource = path.split("/")[3]
            if f"`{resource}" not in api:
                missing.append(path)
            continue
        if path.endswith(".json") and path[: -len(".json")] in paths:
            path = path[: -len(".json")]
        pattern = "".join(r"(\{\w+\}|\w+)" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{\w+\})", path))
        if not re.search(r"`" + pattern + r"[`?#(\s]", text):
            missing.append(path)
    assert not missing, f"GET routes not in docs/web.md: {list(dict.fromkeys(missing))}"
