"""``guard.out_of_range`` first runs a quicker walk (``_any_bad``) and walks again for the line
only when it found something: the quick walk must find a bad number wherever the full walk
does, and nothing where it finds nothing."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import pytest

from sijeong import pipeline
from sijeong.model import Figure, Source
from sijeong.readers import guard

ROOT = Path(__file__).resolve().parents[2]
BAD = [2**63, -(2**63), 10**40, math.inf, -math.inf, math.nan]


def _full(doc, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(guard, "_any_bad", lambda d: True)
        return guard.out_of_range(doc)


def _places(doc):
    """(object, field) pairs holding a number, anywhere in the document (a Source is a leaf:
    its line is never stored as a number)."""
    out = []
    for root in (*doc.records, *doc.tables, *doc.headings, *doc.findings):
        stack, seen = [root], set()
        while stack:
            obj = stack.pop()
            if isinstance(obj, dict):
                stack.extend(obj.values())
            elif isinstance(obj, (list, tuple)):
                stack.extend(obj)
            elif dataclasses.is_dataclass(obj) and not isinstance(obj, Source) and id(obj) not in seen:
                seen.add(id(obj))
                for f in dataclasses.fields(obj):
                    v = getattr(obj, f.name)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        out.append((obj, f.name))
                    elif isinstance(v, (dict, list, tuple)) or dataclasses.is_dataclass(v):
                        stack.append(v)
    return out


@pytest.mark.parametrize("name", ["예시시_2023_결산_성과보고서.txt", "예시시_2024_주요업무계획.txt"])
def test_quick_walk_agrees_with_the_full_walk(name, monkeypatch):
    text = (ROOT / "samples" / name).read_text(encoding="utf-8")
    doc = pipeline.load_text(name, text, municipality="예시시")
    assert guard.out_of_range(doc) is None and _full(doc, monkeypatch) is None
    places = _places(doc)
    assert sum(isinstance(o, Figure) for o, _ in places) > 20
    rng = random.Random(5)
    for obj, field in rng.sample(places, min(60, len(places))):
        old = getattr(obj, field)
        bad = rng.choice(BAD)
        object.__setattr__(obj, field, bad)  # Figure is frozen
        try:
            full = _full(doc, monkeypatch)
            assert full is not None and (full[1] == bad or math.isnan(bad))
            assert guard.out_of_range(doc) == full or math.isnan(bad)
            assert guard._any_bad(doc)
        finally:
            object.__setattr__(obj, field, old)
    assert not guard._any_bad(doc)
