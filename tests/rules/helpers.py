"""Small hand-built records for the rule tests: every number a Figure with its own line."""

from __future__ import annotations

from sijeong.model import Document, Figure, Source

DOC = "t.txt"


def fig(value, line: int, raw: str | None = None) -> Figure:
    if raw is None:
        if isinstance(value, float):
            raw = f"{value}"
        elif value is None:
            raw = "-"
        else:
            raw = ("△" if value < 0 else "") + f"{abs(value):,}"
    return Figure(value, raw, Source(DOC, line), "%" if raw.endswith("%") else None)


def rec(cls, line: int, name: str, figures: dict | None = None, **kw):
    base = dict(source=Source(DOC, line), municipality="가상시", year=2020, department=kw.pop("department", "가상과"), name=name)
    r = cls(**base, **kw)
    for key, value in (figures or {}).items():
        r.set(key, value if isinstance(value, Figure) else fig(value, line))
    return r


def doc(*records, tables=(), family: str = "settlement_report", name: str = DOC, year: int = 2020) -> Document:
    return Document(name=name, municipality="가상시", year=year, family=family, records=list(records), tables=list(tables))
