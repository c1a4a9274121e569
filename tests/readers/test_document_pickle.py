"""A read document survives pickling (``ingest --jobs`` workers send documents back pickled)
and copying unchanged: the model's compact ``__reduce__`` methods (Source, Figure, Cell,
TableRow) rebuild every field."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from sijeong import pipeline
from sijeong.model import Figure, Source
from sijeong.model.tables import Cell, TableRow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["예시시_2023_결산_성과보고서.txt", "예시시_2024_주요업무계획.txt"])
def test_document_round_trip(name):
    doc = pipeline.load_path(ROOT / "samples" / name, municipality="예시시")
    assert any(r.figures for r in doc.records)
    assert doc.records
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(doc, protocol=protocol))
        assert back == doc
        assert back.records[0].figures == doc.records[0].figures
    assert copy.deepcopy(doc) == doc


def test_every_field_kept():
    src = Source("a.txt", 7)
    fig = Figure(None, "-", src, unit="천원")
    cell = Cell("1,234", [Figure(1234000, "1,234", src, "천원"), fig])
    row = TableRow(src, [cell, Cell("x")])
    for obj in (src, fig, cell, row):
        for back in (pickle.loads(pickle.dumps(obj, protocol=5)), copy.copy(obj), copy.deepcopy(obj)):
            assert back == obj and type(back) is type(obj)
    back = pickle.loads(pickle.dumps(fig))
    assert (back.value, back.raw, back.source, back.unit) == (None, "-", src, "천원")
    assert pickle.loads(pickle.dumps(Figure(1.5, "1.5", src))).unit is None
