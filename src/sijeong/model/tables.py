"""Generic tables, findings and the container a reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .core import Figure, Number, Source
from .records import Record


@dataclass(slots=True)
class Cell:
    """One cell of a generic table: its text, and the numbers read from it (if any)."""

    text: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def value(self) -> Number | None:
        return self.figures[0].value if len(self.figures) == 1 else None

    def __reduce__(self):  # pickled as its constructor's arguments: cheaper (see Source)
        return Cell, (self.text, self.figures)


@dataclass(slots=True)
class TableRow:
    source: Source
    cells: list[Cell]

    def __reduce__(self):  # see Cell
        return TableRow, (self.source, self.cells)


@dataclass(kw_only=True, slots=True)
class Table:
    """A table as printed, kept whole. Typed readers may also produce records from it;
    ``typed`` says whether its numbers landed in typed records (coverage)."""

    source: Source  # first line of the table (its header)
    municipality: str
    year: int | None
    department: str | None
    name: str  # the table's title or section, as the document writes it
    unit: str | None = None
    header: list[list[str]] = field(default_factory=list)
    header_lines: list[int] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    typed: bool = False
    kind: str = "generic"  # what the table is, when recognised ("revenue", "programs" ...)

    def figures(self) -> list[Figure]:
        return [f for r in self.rows for c in r.cells for f in c.figures]

    @property
    def lines(self) -> list[int]:
        return list(self.header_lines) + [r.source.line for r in self.rows]


SEVERITIES = ("error", "warning", "info")


@dataclass(slots=True)
class Finding:
    """What a reader or a rule found wrong (or worth knowing). Returned, never raised."""

    rule: str
    severity: str  # error | warning | info
    doc: str
    lines: list[int]
    message: str
    expected: Any = None
    actual: Any = None
    municipality: str | None = None
    year: int | None = None
    department: str | None = None
    subject: str | None = None  # the name of what the finding is about
    #: the lines of other documents where the same defect shows (``cross.document``: the
    #: report a plan restates), ``[{"doc": name, "lines": [...]}]``; the finding belongs to
    #: ``doc`` (its scope, its fingerprint), these are where else to look
    related: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "doc": self.doc,
            "lines": list(self.lines),
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "municipality": self.municipality,
            "year": self.year,
            "department": self.department,
            "subject": self.subject,
            "related": [{"doc": r["doc"], "lines": list(r["lines"])} for r in self.related],
        }


@dataclass(slots=True)
class Heading:
    """A structural line (a chapter, a section title, a unit note, a page header)."""

    source: Source
    level: int
    text: str


@dataclass(kw_only=True, slots=True)
class Document:
    """A loaded document: its identity and what was read from it."""

    name: str  # file name, e.g. 004_c3ede251798e8a7a.txt
    municipality: str
    year: int | None
    family: str  # "settlement_report" | "work_plan"
    title: str | None = None
    sha256: str = ""
    line_count: int = 0
    records: list[Record] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    coverage: "Coverage | None" = None
    text: str | None = field(default=None, repr=False)  # the text as loaded

    def of(self, kind: type) -> list:
        return [r for r in self.records if isinstance(r, kind)]


@dataclass(slots=True)
class Coverage:
    """How many numeric tokens of a document landed where."""

    total: int = 0
    typed: int = 0  # in typed records: numeric fields ...
    typed_text: int = 0  # ... or the text of typed records (narratives, outline items)
    structure: int = 0  # ... or headings, unit notes and page headers of the outline
    generic: int = 0  # only in generic tables
    nowhere: int = 0
    nowhere_lines: list[int] = field(default_factory=list)
    #: records of the document's own family (revenues, programs … / tasks); None: not counted
    family_records: int | None = None

    @property
    def typed_share(self) -> float:
        """0 when no record of the document's family was read: numbers in headings and in
        the text of other records do not make such a document read."""
        if self.family_records == 0:
            return 0.0
        t = self.typed + self.typed_text + self.structure
        return 100.0 * t / self.total if self.total else 100.0

    def line(self, doc: str) -> str:
        t = self.typed + self.typed_text + self.structure
        head = (f"{doc}: 문서 종류의 항목 없음 — 읽은 것으로 치지 않음 / no record of the document's family: "
                "typed share 0; " if self.family_records == 0 else f"{doc}: ")
        return (
            f"{head}{self.total} numeric tokens: typed {t} ({self.typed_share:.1f}%; "
            f"{self.typed} as figures, {self.typed_text} in text, {self.structure} in headings), "
            f"generic-only {self.generic}, nowhere {self.nowhere}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "typed": self.typed,
            "typed_text": self.typed_text,
            "structure": self.structure,
            "generic": self.generic,
            "nowhere": self.nowhere,
            "family_records": self.family_records,
            "typed_share": round(self.typed_share, 2),
        }
