"""Load documents into the model, then run the rules. Never raises on bad input.

``load_path`` → :class:`Document` (records, tables, headings, read findings, coverage);
``check`` → findings of every rule over loaded documents. Storing is the store's job.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import coverage
from .model import Document, Finding
from .readers import read_document, read_errors


def load_text(name: str, text: str, *, municipality: str = "김포시") -> Document:
    doc = read_document(name, text, municipality=municipality)
    doc.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    doc.text = text
    doc.line_count = text.count("\n") + 1
    if not read_errors(doc):
        doc.coverage = coverage.compute(doc, text)
        _computed(doc)
    return doc


def _computed(doc: Document) -> None:
    """The project's own values beside the reported ones (``rate_computed``,
    ``grade_computed``), stored with the document so pages and exports show both."""
    try:
        from .rules import compute
    except ImportError:
        return
    compute([doc])


def load_path(path: str | Path, *, municipality: str = "김포시") -> Document:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return _failed(path.name, municipality, 0, f"파일을 읽을 수 없습니다 / cannot read file: {e.strerror}")
    from .formats import FormatError, decode

    try:
        text = decode(raw, name=path.name).text
    except FormatError as e:
        return _failed(path.name, municipality, e.line, e.message)
    return load_text(path.name, text, municipality=municipality)


def _failed(name: str, municipality: str, line: int, message: str) -> Document:
    doc = Document(name=name, municipality=municipality, year=None, family="unknown")
    doc.findings.append(Finding(rule="read.file", severity="error", doc=name, lines=[line], message=message))
    return doc


def apply_directions(documents: list[Document], directions: dict[tuple[str, str], str]) -> int:
    """Set the user's direction on the matching indicators ((department, name) → direction),
    recompute their rate and grade, and return how many indicators changed."""
    from .model import Indicator

    changed = []
    for doc in documents:
        for ind in doc.of(Indicator):
            want = directions.get((ind.department or "", ind.name))
            if want:
                ind.direction, ind.direction_basis = want, "user"
                changed.append(ind)
    if changed:
        from .rules import compute

        compute(documents)
    return len(changed)


def check(documents: list[Document]) -> list[Finding]:
    """Run every rule over the documents. A crash inside a rule becomes a finding."""
    try:
        from .rules import run_rules
    except ImportError:  # the rules package is not there yet
        return []
    return run_rules(documents)
