"""Provenance primitives: where a value came from, and a number as printed.

Nothing in ``sijeong.model`` imports anything else of the project; every other layer
imports the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Union

Number = Union[int, float]


@dataclass(frozen=True, slots=True)
class Source:
    """A line of a document (1-based), or a computed origin such as ``<rule:rate>``."""

    doc: str
    line: int

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"

    def as_dict(self) -> dict:
        return {"doc": self.doc, "line": self.line}

    def __reduce__(self):
        # a frozen slotted dataclass pickles through dataclasses' Python-level __getstate__,
        # which calls fields() per object; a Source or Figure as its constructor's arguments
        # is several times cheaper (documents travel pickled from ``ingest --jobs`` workers)
        return Source, (self.doc, self.line)


def computed_source(rule: str) -> Source:
    """The source of a value the project computed itself (never editable, shown as computed)."""
    return Source(f"<rule:{rule}>", 0)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as the document prints it.

    ``value`` is the normalised number: money in integer won (the table's unit applied),
    counts as int, rates and measures as int or float. ``None`` means the cell was ``-``
    ("none"): it counts as 0 in sums but stays distinct from a printed 0.
    ``raw`` is the token exactly as printed (without surrounding whitespace).
    """

    value: Number | None
    raw: str
    source: Source
    unit: str | None = None

    @property
    def amount(self) -> Number:
        """The value for arithmetic: ``-`` counts as 0."""
        return 0 if self.value is None else self.value

    def __reduce__(self):  # see Source.__reduce__; rebuilt by _figure (below), not __init__
        return _figure, (self.value, self.raw, self.source, self.unit)


if tuple(f.name for f in fields(Figure)) != ("value", "raw", "source", "unit") or hasattr(Figure, "__post_init__"):
    raise RuntimeError("Figure changed: update _figure (its unpickling) to set every field")  # pragma: no cover
_set_figure_slots = tuple(getattr(Figure, n).__set__ for n in ("value", "raw", "source", "unit"))


def _figure(value: Number | None, raw: str, source: Source, unit: str | None) -> Figure:
    """``Figure(value, raw, source, unit)`` with its four slots set directly instead of by the
    frozen dataclass's ``__init__`` (four ``object.__setattr__`` calls): what an unpickled
    figure is built by — a read document holds ≈ 12,000 (``ingest --jobs`` workers send them)."""
    f = object.__new__(Figure)
    set_value, set_raw, set_source, set_unit = _set_figure_slots
    set_value(f, value)
    set_raw(f, raw)
    set_source(f, source)
    set_unit(f, unit)
    return f


@dataclass(slots=True)
class Appearance:
    """One printing of an entity's figures in a particular table of a document.

    The same indicator, program or amount is often printed in two places (부서 성과 and
    성과지표 달성현황, 사업별조서 and 관련 예산사업 결산현황). A record keeps every appearance
    so the rules can check that they agree.
    """

    section: str
    source: Source
    figures: dict[str, Figure] = field(default_factory=dict)
    name: str | None = None  # the entity's name as written in this appearance
    #: other text of this printing as written there (formula, policy goal ...)
    text: dict[str, str] = field(default_factory=dict)

    def value(self, key: str) -> Number | None:
        fig = self.figures.get(key)
        return None if fig is None else fig.value
