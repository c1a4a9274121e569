"""End to end: ``sijeong ingest`` of a real document as CP949 text and as HWPX stores what
the UTF-8 text stores — ``sijeong export --format json`` gives the same records."""

from __future__ import annotations

import json

import pytest

from sijeong.cli import main
from sijeong.reports.hwpx import write_blocks

from .layouts import blocks_of

DOC = "003_c85a2f783e9fa893.txt"  # the smallest real document: three ingests stay quick
VOLATILE = ("id", "document_id", "ingested_at", "created_at", "loaded_at", "path", "stored_at")


def _export(tmp_path, label, path):
    db = str(tmp_path / f"{label}.db")
    assert main(["ingest", str(path), "--db", db]) == 0
    out = tmp_path / f"{label}.json"
    assert main(["export", "--db", db, "--format", "json", "-o", str(out)]) == 0
    return _stable(json.loads(out.read_text(encoding="utf-8")))


def _stable(obj):
    if isinstance(obj, dict):
        return {k: _stable(v) for k, v in obj.items() if k not in VOLATILE and not k.endswith("_at")}
    if isinstance(obj, list):
        return [_stable(v) for v in obj]
    return obj


@pytest.mark.real
def test_ingest_cp949_and_hwpx_export_the_same(real_docs, tmp_path):
    src = real_docs / DOC
    if not src.exists():
        pytest.skip(f"{DOC} not among the real documents")
    text = src.read_text(encoding="utf-8").encode("cp949", errors="replace").decode("cp949")
    for label in ("utf8", "cp949", "hwpx"):
        (tmp_path / label).mkdir()
    (tmp_path / "utf8" / DOC).write_text(text, encoding="utf-8")
    (tmp_path / "cp949" / DOC).write_bytes(text.encode("cp949"))
    write_blocks(blocks_of(text), tmp_path / "hwpx" / DOC)
    base = _export(tmp_path, "utf8", tmp_path / "utf8" / DOC)
    assert base["plan_tasks"] and base["documents"]
    assert _export(tmp_path, "cp949", tmp_path / "cp949" / DOC) == base
    assert _export(tmp_path, "hwpx", tmp_path / "hwpx" / DOC) == base
