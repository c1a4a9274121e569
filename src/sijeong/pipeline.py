"""Load documents into the model, then run the rules. Never raises on bad input.

``load_path`` → :class:`Document` (records, tables, headings, read findings, coverage);
``check`` → findings of every rule over loaded documents. Storing is the store's job.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import coverage
from .model import Document, Finding
from .readers import read_document, read_errors, refuse_out_of_range
from .readers.text import normalise_text


def load_text(name: str, text: str, *, municipality: str = "김포시") -> Document:
    """Read one text. Line ends are normalised first (CR, CRLF, U+2028 … → ``\\n``), so the
    line numbers of findings, coverage and the stored text agree; the hash is of the text
    as given."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    text = normalise_text(text)
    doc = read_document(name, text, municipality=municipality, check_range=False)
    doc.sha256 = digest
    doc.text = text
    doc.line_count = text.count("\n") + 1
    if not read_errors(doc):
        try:
            doc.coverage = coverage.compute(doc, text)
            _computed(doc)
        except Exception as e:  # a bug must not take ingest down: refuse the document, say where
            return _crashed(doc, e)
        # read values and computed ones (a sum, a rate) must fit the store (read.range)
        refused = refuse_out_of_range(doc)
        if refused is not None:
            refused.sha256, refused.text, refused.line_count = doc.sha256, doc.text, doc.line_count
            return refused
    return doc


def _crashed(doc: Document, e: Exception) -> Document:
    from .readers.guard import crash_line

    line = crash_line(e.__traceback__, doc.name, doc.line_count)
    failed = Document(name=doc.name, municipality=doc.municipality, year=None, family=doc.family,
                      sha256=doc.sha256, line_count=doc.line_count, text=doc.text)
    failed.findings.append(Finding(
        rule="read.crash", severity="error", doc=doc.name, lines=[line],
        message=f"읽은 뒤 계산 중 예기치 않은 오류 / crashed after reading: {type(e).__name__}: {str(e)[:120]}",
    ))
    return failed


def _computed(doc: Document) -> None:
    """The project's own values beside the reported ones (``rate_computed``,
    ``grade_computed``), stored with the document so pages and exports show both."""
    compute([doc])


def compute(documents: list[Document]) -> None:
    """The derived values (computed rates and grades) of documents in memory."""
    from .rules import compute as compute_rates

    compute_rates(documents)


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
        compute(documents)
    return len(changed)


def check(documents: list[Document], *, context: list[Document] = ()) -> list[Finding]:
    """Run every rule over the documents. A crash inside a rule becomes a finding.
    ``context``: parts of the municipality's other documents that the cross-document rules
    compare with (``operations.context_of``); no finding is made on them."""
    from .rules import run_rules

    return run_rules(documents, context=list(context))
