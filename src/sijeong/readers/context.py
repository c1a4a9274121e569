"""What a reader carries while it walks a document."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Document, Finding, Heading, Record, Source, Table
from .text import Line, collapse, lines_of


@dataclass
class ReadContext:
    """The lines of one document and what has been read from them so far.

    Part readers append records/tables/headings and mark the lines they understood with
    :meth:`consume`; whatever tab-separated lines remain unconsumed become generic tables.
    """

    doc: str
    municipality: str
    year: int | None
    text: str
    lines: list[Line] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    #: line number -> department in force there (page headers, [소관부서], 부서명 rows)
    department_at: dict[int, str | None] = field(default_factory=dict)
    #: line number -> money multiplier in force there (from the last unit note)
    multiplier_at: dict[int, int] = field(default_factory=dict)
    #: line number -> title of the table starting there (for generic tables)
    title_at: dict[int, str] = field(default_factory=dict)
    #: line number -> page furniture skipped there (``page``, ``toc``, ``running``)
    furniture: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = lines_of(self.text)
            self.skip_furniture()

    def skip_furniture(self) -> None:
        """Page numbers, running headers and table-of-contents lines (see
        :func:`~.layout.furniture`) become level-4 headings and blank lines for the part
        readers: a TOC entry ``1. 자치행정과 ···· 3`` is never read as a task."""
        from .layout import furniture

        self.furniture = furniture(self.lines)
        for no in sorted(self.furniture):
            ln = self.lines[no - 1]
            self.headings.append(Heading(self.src(no), 4, collapse(ln.text.replace("\t", " "))))
            self.lines[no - 1] = Line(no, "")  # a blank line to every part reader, as at a page break

    def src(self, line: int | Line) -> Source:
        return Source(self.doc, line.no if isinstance(line, Line) else line)

    def line(self, no: int) -> Line:
        return self.lines[no - 1]

    def consume(self, *nos: int | Line) -> None:
        for n in nos:
            self.consumed.add(n.no if isinstance(n, Line) else n)

    def heading(self, line: Line, level: int, text: str | None = None) -> None:
        self.headings.append(Heading(self.src(line), level, text or line.stripped))
        self.consume(line)

    def add(self, record: Record) -> Record:
        self.records.append(record)
        return record

    def finding(self, rule: str, severity: str, lines: list[int], message: str, **kw) -> None:
        self.findings.append(
            Finding(rule=rule, severity=severity, doc=self.doc, lines=lines, message=message,
                    municipality=self.municipality, year=self.year, **kw)
        )

    def document(self, family: str, title: str | None = None) -> Document:
        """The finished document. Every tab-separated block the part readers did not
        consume is kept as a generic table first: nothing is silently dropped."""
        from .generic import generic_tables

        self.tables.extend(
            generic_tables(
                self.lines,
                self.consumed,
                doc=self.doc,
                municipality=self.municipality,
                year=self.year,
                department_at=self.department_at,
                title_at=self.title_at,
                multiplier_at=self.multiplier_at,
            )
        )
        return Document(
            name=self.doc,
            municipality=self.municipality,
            year=self.year,
            family=family,
            title=title,
            line_count=len(self.lines),
            records=self.records,
            tables=self.tables,
            findings=self.findings,
            headings=self.headings,
        )
