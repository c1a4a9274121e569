"""``sijeong check --files``: text and JSON output, exit code 0 even with findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sijeong.cli import main
from sijeong.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "consistent_report.txt"


def test_every_rule_is_documented():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [rid for rid in RULES if f"`{rid}`" not in text]
    assert missing == []


@pytest.fixture
def broken(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    # 216-06 기타이자수입: 수납총액 915,470 − 환급액 3,000 = 912,470; print 912,471 instead
    assert "\t915,470\t0\t3,000\t912,470\t" in text
    path = tmp_path / "broken.txt"
    path.write_text(text.replace("\t915,470\t0\t3,000\t912,470\t", "\t915,470\t0\t3,000\t912,471\t", 1), encoding="utf-8")
    return path


def test_check_text(broken, capsys):
    assert main(["check", "--files", str(broken)]) == 0
    out = capsys.readouterr().out.splitlines()
    hits = [ln for ln in out if ln.startswith("error revenue.received broken.txt:")]
    assert hits and "실제수납액 912,471원 ≠ 수납총액 915,470 + 물납액 0 − 환급액 3,000 = 912,470원" in hits[0]


def test_check_json(broken, capsys):
    assert main(["check", "--files", str(broken), "--format", "json", "--rule", "revenue"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data and {d["rule"].split(".")[0] for d in data} == {"revenue"}
    first = data[0]
    assert set(first) == {"rule", "severity", "doc", "lines", "message", "expected", "actual", "municipality",
                          "year", "department", "subject", "related"}
    assert first["doc"] == "broken.txt" and first["lines"] and first["related"] == []


def test_check_consistent_fixture_is_quiet(capsys):
    assert main(["check", "--files", str(FIXTURE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d for d in data if d["severity"] in ("error", "warning")] == []
