"""Units the readers do not know.

A unit note naming a unit outside the reader's lists (``(단위: 그루)``, ``(단위: 필지)``)
loses nothing: the number is known, only what it counts is new. The values are kept as
printed and the document gets one ``read.unit`` warning per new unit (naming every line).

Only an unknown money scale (``(단위: 만원)``, ``(단위: 만달러)``) must not be guessed: the
amounts of its table cannot be turned into won. That table is set aside before the typed
readers run (its lines blanked, so line numbers stay) and kept as a generic table, values as
printed, with one ``read.unit`` error on the note's line. The error is the table's, not the
document's: the rest of the document is read and stored. A document with nothing else in it
is refused (``read.syntax`` at the note's line) — there is nothing to store.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Document, Finding, Table
from .generic import generic_tables, is_table_line
from .text import (
    _UNIT_NOTE,
    UNIT_NOTE_ANYWHERE,
    Line,
    is_known_unit,
    is_money_scale,
    lines_of,
    note_units,
    unknown_scale_message,
    warn_unknown_unit,
)


@dataclass
class SetAside:
    note: Line
    unit: str  # the unknown money scale
    lines: list[Line]  # the table's lines (blank lines between excluded)


def unknown_scale(text: str) -> str | None:
    """The first unknown money scale of a whole-line unit note, or None."""
    m = _UNIT_NOTE.match(text.strip())
    if not m:
        return None
    for u in note_units(m.group("units")):
        if not is_known_unit(u) and is_money_scale(u):
            return u
    return None


def set_aside(text: str) -> tuple[str, list[SetAside]]:
    """Blank every unit note with an unknown money scale and the table under it (the next
    run of tab-separated lines). Returns the text to read and what was set aside."""
    lines = lines_of(text)
    if "단위" not in text:
        return text, []
    aside: list[SetAside] = []
    blank: set[int] = set()
    i = 0
    while i < len(lines):
        unit = unknown_scale(lines[i].text) if "단위" in lines[i].text else None
        if unit is None:
            i += 1
            continue
        note = lines[i]
        blank.add(note.no)
        j = i + 1
        while j < len(lines) and not lines[j].stripped:
            j += 1
        rows: list[Line] = []
        while j < len(lines) and is_table_line(lines[j]):
            rows.append(lines[j])
            blank.add(lines[j].no)
            j += 1
        aside.append(SetAside(note, unit, rows))
        i = max(j, i + 1)
    if not aside:
        return text, []
    return "\n".join("" if ln.no in blank else ln.text for ln in lines), aside


def keep_aside(doc: Document, aside: list[SetAside]) -> None:
    """Add the set-aside tables (generic, values as printed) and their ``read.unit`` errors."""
    for a in aside:
        tables: list[Table] = generic_tables(
            a.lines, set(), doc=doc.name, municipality=doc.municipality, year=doc.year,
            title_at={a.lines[0].no: f"표 {a.note.stripped}"} if a.lines else None,
        )
        doc.tables.extend(tables)
        doc.findings.append(Finding(
            rule="read.unit", severity="error", doc=doc.name, lines=[a.note.no],
            message=unknown_scale_message(a.unit)
            + " — 이 표만 일반 표로 (인쇄된 값 그대로) 저장했습니다 / only this table is kept, as a generic table with the values as printed",
            actual=a.unit, municipality=doc.municipality, year=doc.year,
        ))


def warn_unknown_units(doc: Document, text: str) -> None:
    """One ``read.unit`` warning per unit outside the lists (not a money scale set aside),
    wherever a ``(단위: …)`` note names it: a line of its own or inside a cell."""
    if "단위" not in text:
        return
    for ln in lines_of(text):
        if "단위" not in ln.text:
            continue
        for m in UNIT_NOTE_ANYWHERE.finditer(ln.text):
            for u in note_units(m.group("units")):
                if is_known_unit(u) or (is_money_scale(u) and unknown_scale(ln.text) == u):
                    continue
                warn_unknown_unit(doc.findings, doc=doc.name, unit=u, line=ln.no,
                                  municipality=doc.municipality, year=doc.year)
