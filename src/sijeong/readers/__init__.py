"""Readers: one module per document family. ``read(name, text) -> Document``.

A reader never raises for bad input: it returns a Document whose ``findings`` hold
``read.*`` errors (with the line) — the pipeline refuses to store such a document.
"""

from __future__ import annotations

from typing import Callable, Protocol

from ..model import Document, Finding
from .text import ReadError


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


def read_document(name: str, text: str, *, municipality: str = "김포시") -> Document:
    """Pick the reader whose ``detect`` is most confident and read the text.

    Read errors come back as findings of severity ``error`` (rule ``read.*``)."""
    candidates = sorted(((r.detect(text), i, r) for i, r in enumerate(readers())), reverse=True)
    if not candidates or candidates[0][0] <= 0:
        doc = Document(name=name, municipality=municipality, year=None, family="unknown")
        doc.findings.append(
            Finding(
                rule="read.family",
                severity="error",
                doc=name,
                lines=[1],
                message="어떤 문서인지 알 수 없습니다 (결산·성과보고서도 주요업무계획도 아님) / unknown document family",
            )
        )
        return doc
    reader = candidates[0][2]
    try:
        return reader.read(name, text, municipality=municipality)
    except ReadError as e:
        doc = Document(name=name, municipality=municipality, year=None, family=reader.family)
        doc.findings.append(
            Finding(
                rule="read.syntax",
                severity="error",
                doc=name,
                lines=[e.source.line],
                message=e.message,
                actual=e.raw,
            )
        )
        return doc


def read_errors(doc: Document) -> list[Finding]:
    return [f for f in doc.findings if f.rule.startswith("read.") and f.severity == "error"]
