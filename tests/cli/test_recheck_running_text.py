"""Rules that read running text (lines no record took) find the same from the store as at
ingest: ``sijeong check`` and ``check --save`` rebuild the documents with their stored text,
so a re-check neither misses nor deletes what the ingest found (``text.breakdown`` here)."""

from __future__ import annotations

import json
from pathlib import Path

from sijeong.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def plan_with_running_text(tmp_path: Path) -> Path:
    # a line of the general part, outside every task and table: a total and its breakdown
    # that do not add up (49 ≠ 43 + 7)
    src = (FIXTURES / "consistent_plan.txt").read_text(encoding="utf-8")
    marker = "□ 기구 : 2과 7팀\n"
    assert marker in src
    src = src.replace(marker, marker + "\n- 자문위원회 구성 : 49명(위촉직 43, 당연직 7)\n", 1)
    p = tmp_path / "plan_running_text.txt"
    p.write_text(src, encoding="utf-8")
    return p


def breakdowns(findings: list[dict]) -> list[tuple[str, list[int]]]:
    return sorted((f["doc"], f["lines"]) for f in findings if f["rule"] == "text.breakdown")


def test_check_from_the_store_finds_what_ingest_found(tmp_path, capsys):
    plan = plan_with_running_text(tmp_path)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["check", "--files", str(plan), "--format", "json"]) == 0
    from_file = breakdowns(json.loads(capsys.readouterr().out))
    assert from_file, "the made-up breakdown is found in the file"
    assert main(["ingest", "--db", url, str(plan)]) == 0
    capsys.readouterr()
    assert main(["check", "--db", url, "--format", "json"]) == 0
    assert breakdowns(json.loads(capsys.readouterr().out)) == from_file
    # the same from worker processes (one municipality a task: two municipalities)
    other = tmp_path / "other.db"
    other_url = f"sqlite:///{other}"
    for m in ("가시", "나시"):
        assert main(["ingest", "--db", other_url, "--municipality", m, str(plan)]) == 0
    capsys.readouterr()
    assert main(["check", "--db", other_url, "--jobs", "2", "--format", "json"]) == 0
    assert breakdowns(json.loads(capsys.readouterr().out)) == sorted(from_file * 2)
    # --save replaces the scope's findings with a re-check's: the running-text one stays
    assert main(["check", "--db", url, "--save", "--format", "json"]) == 0
    capsys.readouterr()
    out = tmp_path / "export.json"
    assert main(["export", "--db", url, "-o", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert breakdowns(exported) == from_file
