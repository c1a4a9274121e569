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
