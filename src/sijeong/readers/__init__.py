"""Readers: one module per document family. ``read(name, text) -> Document``.

A reader never raises for bad input: it returns a Document whose ``findings`` hold
``read.*`` errors (with the line) — the pipeline refuses to store such a document.
"""

from __future__ import annotations

from typing import Callable, Protocol

from ..model import Document, Finding
from .text import ReadError, long_number, normalise_text, too_long_message


class Reader(Protocol):
    family: str

    def detect(self, text: str) -> float:
        """Confidence 0..1 that ``text`` is of this family."""

    def read(self, name: str, text: str, *, municipality: str) -> Document:
        """Read the whole text. May raise ReadError for unreadable input."""


_READERS: list[Callable[[], Reader]] = []


def register(factory: Callable[[], Reader]) -> Callable[[], Reader]:
    _READERS.append(factory)
    return factory


def readers() -> list[Reader]:
    _load_builtin()
    return [f() for f in _READERS]


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for mod in ("settlement", "plan"):
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as e:  # a family not written yet
            if e.name != f"{__name__}.{mod}":
                raise


def read_document(name: str, text: str, *, municipality: str = "김포시", check_range: bool = True) -> Document:
    """Pick the reader whose ``detect`` is most confident and read the text. Never raises.

    Read errors come back as findings of severity ``error`` (rule ``read.*``), each naming a
    line: ``read.syntax`` (a :class:`ReadError`, e.g. a letter inside a number or a number
    of more than :data:`~.text.MAX_DIGITS` digits), ``read.range`` (a number the database
    cannot store), ``read.empty`` (nothing read), ``read.family`` (unknown family) and
    ``read.crash`` (an unexpected exception inside a reader — a bug, located at the line the
    reader was on). ``read.unit`` names a unit outside the reader's lists: a warning for a
    counting unit (values kept as printed), an error of its table only for an unknown money
    scale (the table set aside as a generic one; see :mod:`.units`). Line ends are normalised first (:func:`~.text.normalise_text`).
    ``check_range=False`` leaves the range check to the caller (``load_text`` checks once,
    after the computed values are added)."""
    text = normalise_text(text)
    long = long_number(text)
    if long is not None:
        return _refused(name, municipality, "unknown", "read.syntax", long[0], too_long_message(long[1]), long[1])
    family = "unknown"
    try:
        candidates = sorted(((r.detect(text), i, r) for i, r in enumerate(readers())), reverse=True)
        if not candidates or candidates[0][0] <= 0:
            from .layout import LOOKED_FOR

            return _refused(
                name, municipality, family, "read.family", 1,
                "어떤 문서인지 알 수 없습니다 (결산·성과보고서도 주요업무계획도 아님; 찾은 것: "
                f"{LOOKED_FOR}) / unknown document family: no table or heading of a known family",
            )
        reader = candidates[0][2]
        family = reader.family
        from .units import set_aside

        readable, aside = set_aside(text)  # tables in an unknown money scale (read.unit)
        doc = reader.read(name, readable, municipality=municipality)
    except ReadError as e:
        return _refused(name, municipality, family, "read.syntax", e.source.line, e.message, e.raw)
    except Exception as e:  # a reader's bug must not take the caller down
        from .guard import crash_line

        line = crash_line(e.__traceback__, name, text.count("\n") + 1)
        return _refused(
            name, municipality, family, "read.crash", line,
            f"읽는 중 예기치 않은 오류 / reader crashed: {type(e).__name__}: {_short(str(e))}",
        )
    if read_errors(doc):
        return doc
    if aside:
        if not doc.records:  # the set-aside table was all there was: nothing to store
            return _refused(name, municipality, doc.family, "read.syntax", aside[0].note.no,
                            _unit_refusal(aside[0].unit), aside[0].unit)
        from .units import keep_aside

        keep_aside(doc, aside)
    from .units import warn_unknown_units

    warn_unknown_units(doc, text)
    refused = refuse_out_of_range(doc) if check_range else None
    if refused is not None:
        return refused
    from .layout import FAMILY_RECORDS, evidence, family_records

    if not doc.records:
        found = evidence(text, doc.family)
        label = FAMILY_RECORDS[doc.family][1] if doc.family in FAMILY_RECORDS else doc.family
        if found:
            message = (f"읽어 낸 항목이 없습니다 ({len(text.splitlines())}줄) — {label}로 알아본 근거({found})는 "
                       "있으나 이 배치의 표를 항목으로 읽지 못했습니다 / nothing was read: recognised as "
                       f"{doc.family} by its tables and headings, in a layout the reader cannot read yet")
        else:
            message = (f"읽어 낸 항목이 없습니다 ({len(text.splitlines())}줄) — 줄바꿈이나 문서 형식을 확인하세요 / "
                       "nothing was read from the document (check its line ends and format)")
        return _refused(name, municipality, doc.family, "read.empty", 1, message)
    if family_records(doc) == 0:
        kinds = FAMILY_RECORDS[doc.family]
        doc.findings.append(Finding(
            rule="read.family", severity="warning", doc=name, lines=[1], municipality=municipality, year=doc.year,
            message=(f"{kinds[1]}로 읽었으나 그 종류의 항목({kinds[2].split(' / ')[0]})이 하나도 없습니다: 숫자는 "
                     f"제목·본문·일반 표로만 남았습니다 / read as {doc.family} but no {kinds[2].split(' / ')[1]} "
                     "record was read: its numbers are kept only as headings, text and generic tables"),
        ))
    return doc


def _unit_refusal(unit: str) -> str:
    from .text import unknown_scale_message

    return unknown_scale_message(unit) + " — 이 표 밖에 읽은 항목이 없습니다 / nothing else was read"


def refuse_out_of_range(doc: Document) -> Document | None:
    """A ``read.range`` refusal when the document holds a number the store cannot keep
    (|v| ≥ 2^63, or a float that is not finite), else None."""
    from .guard import out_of_range

    bad = out_of_range(doc)
    if bad is None:
        return None
    line, value = bad
    return _refused(
        doc.name, doc.municipality, doc.family, "read.range", line,
        f"저장할 수 없는 크기의 숫자 (|값| ≥ 2^63 또는 무한대) / number out of the storable range: {_short(repr(value))}",
        _short(repr(value)),
    )


def _short(text: str | None, limit: int = 120) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[:limit] + "…"


def _refused(name: str, municipality: str, family: str, rule: str, line: int, message: str,
             actual: str | None = None) -> Document:
    """A document that stores nothing: one ``read.*`` error finding at ``line``."""
    doc = Document(name=name, municipality=municipality, year=None, family=family)
    doc.findings.append(
        Finding(rule=rule, severity="error", doc=name, lines=[line], message=_short(message, 400),
                actual=_short(actual))
    )
    return doc


#: read errors of one table only: the document is still stored (see :mod:`.units`)
TABLE_ERRORS = frozenset({"read.unit"})


def read_errors(doc: Document) -> list[Finding]:
    """The read errors that refuse the whole document (a table's own errors do not)."""
    return [f for f in doc.findings
            if f.rule.startswith("read.") and f.severity == "error" and f.rule not in TABLE_ERRORS]
