"""``sijeong check``, the export and the 검증 결과 page (/findings.json) count the same
findings (issue 14): every finding ``sijeong ingest`` stores — the readers' own (``read.*``,
``link.*``, ``perf.*``, stored with their document) and the rules', the cross-document ones
too (a report and a later plan of the municipality, stored in different years) — and nothing
else."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sijeong.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEVERITIES = ("error", "warning", "info")


#: a 2022 plan restating a result of consistent_report.txt (FY2020) with another value
LATER_PLAN = FIXTURES / "cross_document" / "later_plan_2022.txt"


def fixture_files() -> list[Path]:
    # every fixture, the broken ones too: a refused document must count nowhere
    return sorted(FIXTURES.glob("*.txt"))


def by_rule_and_severity(findings: list[dict]) -> Counter:
    return Counter((f["rule"], f["severity"]) for f in findings)


def agree(url: str, tmp_path: Path, capsys, municipality: str = "김포시") -> Counter:
    # sijeong check (from the database)
    assert main(["check", "--db", url, "--format", "json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    # sijeong export
    out = tmp_path / "export.json"
    assert main(["export", "--db", url, "-o", str(out)]) == 0
    capsys.readouterr()
    exported = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert by_rule_and_severity(checked) == by_rule_and_severity(exported)
    # the 검증 결과 page: its total and each severity's total
    from fastapi.testclient import TestClient

    from sijeong.settings import Settings
    from sijeong.web import create_app

    with TestClient(create_app(Settings(db_url=url))) as client:
        def total(**params) -> int:
            # 전체: every status, the reader's information findings shown too (the page hides them by default)
            r = client.get("/findings.json", params={"municipality": municipality, "limit": 1, "status": "all",
                                                     "reading": "show", **params})
            assert r.status_code == 200
            return r.json()["total"]

        assert total() == len(checked)
        for sev in SEVERITIES:
            assert total(severity=sev) == sum(1 for f in checked if f["severity"] == sev), sev
        for family in {f["rule"].split(".")[0] for f in checked}:
            assert total(rule=family + ".") == sum(1 for f in checked if f["rule"].startswith(family + ".")), family
        for rule_id in {f["rule"] for f in checked}:
            assert total(rule=rule_id) == sum(1 for f in checked if f["rule"].startswith(rule_id)), rule_id
    return by_rule_and_severity(checked)


def test_check_export_and_page_agree_on_the_fixtures(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'f.db'}"
    # the plan first: storing the report (another year) must still compare it with the plan
    assert main(["ingest", str(LATER_PLAN), "--db", url]) == 0
    assert main(["ingest", *map(str, fixture_files()), "--db", url]) == 1  # the broken ones are refused
    capsys.readouterr()
    counts = agree(url, tmp_path, capsys)
    # the readers' own findings are among them (not only the rules')
    assert {r.split(".")[0] for r, _ in counts} & {"link", "perf", "read"}
    # and the cross-document finding of the report and the later plan, stored in other years
    # (one defect, one finding: the plan's, naming the report's lines)
    assert counts[("cross.document", "warning")] == 1


@pytest.mark.slow
@pytest.mark.real
def test_check_export_and_page_agree_on_the_real_documents(real_docs, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    files = sorted(real_docs.glob("*.txt"))
    assert main(["ingest", *map(str, files), *map(str, fixture_files()), "--db", url]) == 1
    capsys.readouterr()
    counts = agree(url, tmp_path, capsys)
    assert any(r.startswith("link.") for r, _ in counts), "the link findings made at ingest are counted"
    # 004 (FY2020) and 000 (2022 plan), stored in different years: their cross-document
    # finding (000:2378, naming 004:346,1422, docs/rules.md) is counted once everywhere
    assert counts[("cross.document", "info")] == 1
