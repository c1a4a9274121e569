"""Golden test of the 사업별조서 reading: every Program record (its fields and the printed
figure behind each, with its line) and every ``read.alignment`` finding, for the real FY2020
report and for the project's own documents, against a snapshot taken before the alignment
was optimised. A change in what the reader reads fails here, however it came about.

The snapshot of the real document keeps nothing of its text: each record and finding is a
sha256 of its sorted fields and lines, stored with its line number only. The project's own
documents are stored in full, so a failure there shows the difference.

To take a new snapshot after an *intended* change of the reading::

    SIJEONG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/readers/test_settlement_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from sijeong.model import Program
from sijeong.pipeline import load_path
from sijeong.readers import read_errors

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
REAL = "004_c3ede251798e8a7a.txt"
UPDATE = os.environ.get("SIJEONG_UPDATE_GOLDEN") == "1"

OWN = sorted(
    [p.relative_to(ROOT).as_posix() for p in (ROOT / "samples").glob("*.txt")]
    + [p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "fixtures").glob("settlement_*.txt")
       if "broken" not in p.name]  # the hand-broken fixtures do not parse: nothing to align
    + ["tests/fixtures/consistent_report.txt", "tests/fixtures/performance_report.txt"]
)


def program_entry(rec: Program) -> dict:
    figures = {
        key: [fig.raw, fig.value, fig.source.doc, fig.source.line, fig.unit] for key, fig in rec.figures.items()
    }
    return {
        "line": rec.source.line,
        "fields": rec.data(),
        "figures": figures,
        "figure_order": list(rec.figures),
    }


def finding_entry(f) -> dict:
    return {
        "line": f.lines[0] if f.lines else 0,
        "rule": f.rule,
        "severity": f.severity,
        "lines": list(f.lines),
        "message": f.message,
        "expected": f.expected,
        "actual": f.actual,
        "department": f.department,
        "subject": f.subject,
    }


def snapshot(path: Path) -> dict:
    doc = load_path(path)
    return {
        "read_errors": [f.message for f in read_errors(doc)],
        "programs": [program_entry(r) for r in doc.of(Program)],
        "alignment": [finding_entry(f) for f in doc.findings if f.rule == "read.alignment"],
    }


def hashed(entries: list[dict]) -> list[dict]:
    """Only the line and a digest: nothing of the real document's text is stored."""
    out = []
    for e in entries:
        blob = json.dumps(e, sort_keys=True, ensure_ascii=False)
        out.append({"line": e["line"], "sha256": hashlib.sha256(blob.encode("utf-8")).hexdigest()})
    return out


def golden_file(name: str) -> Path:
    return GOLDEN / (name.replace("/", "__") + ".json")


def dumps(snap: dict) -> str:
    """One entry a line: small enough to keep in git, readable in a diff."""
    def one(x) -> str:
        return json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    parts = []
    for key in sorted(snap):
        items = snap[key]
        body = ",\n".join("  " + one(x) for x in items)
        parts.append(f" {one(key)}: [\n{body}\n ]" if items else f" {one(key)}: []")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def compare(name: str, got: dict) -> None:
    # round-trip through JSON so that tuples and lists compare alike
    got = json.loads(json.dumps(got, ensure_ascii=False))
    file = golden_file(name)
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        file.write_text(dumps(got), encoding="utf-8")
        pytest.skip(f"snapshot written: {file.name}")
    assert file.exists(), f"no snapshot {file}: take one with SIJEONG_UPDATE_GOLDEN=1"
    want = json.loads(file.read_text(encoding="utf-8"))
    assert got["read_errors"] == want["read_errors"]
    assert len(got["programs"]) == len(want["programs"])
    for g, w in zip(got["programs"], want["programs"]):
        assert g == w, f"{name}: program at line {w['line']} differs"
    assert got["alignment"] == want["alignment"]


@pytest.mark.parametrize("name", OWN)
def test_own_documents_read_as_in_the_snapshot(name):
    path = ROOT / name
    got = snapshot(path)
    assert not got["read_errors"], f"{name} does not parse"
    compare(name, got)


def test_real_settlement_report_reads_as_in_the_snapshot(real_docs):
    path = real_docs / REAL
    if not path.exists():
        pytest.skip(f"{REAL} is not in ../shared/documents")
    got = snapshot(path)
    assert not got["read_errors"]
    assert len(got["programs"]) > 100 and got["alignment"]  # the snapshot is of a real reading
    compare(REAL, {
        "read_errors": got["read_errors"],
        "programs": hashed(got["programs"]),
        "alignment": hashed(got["alignment"]),
    })
