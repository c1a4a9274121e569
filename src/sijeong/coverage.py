"""Coverage: how many numeric tokens of a document landed in typed records, how many
only in generic tables, and how many nowhere.

A numeric token is a run of digits (``1,149,710,000``, ``97.5``, ``2022``, the ``3`` of
``3. 결산현황``). Per line, tokens are matched first against the raw text of the typed
records' figures read from that line, then against the text typed records store for
that line (outline items, names, milestones, people), then headings, then generic tables.
A document with no record of its own family (a settlement report without one revenue,
program, indicator or goal; a plan without one task or budget item) counts as not read:
its typed share is 0 and its line says so (``read_document`` adds a ``read.family``
warning).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Any, Iterable

from .model import Coverage, Document, Figure, Record, Source
from .readers.layout import family_records
from .readers.text import lines_of, numeric_tokens


#: per class: the names of the fields ``_walk_text`` reads (its dataclass fields in order,
#: without ``source`` and ``figures``), or None for what it does not walk into
_WALKED: dict[type, tuple[str, ...] | None] = {}


def _walked(tp: type) -> tuple[str, ...] | None:
    if tp not in _WALKED:
        if not dataclasses.is_dataclass(tp) or issubclass(tp, (Figure, Source)):
            _WALKED[tp] = None
        else:
            # appearances: their names and text count at their own line
            _WALKED[tp] = tuple(f.name for f in dataclasses.fields(tp) if f.name not in ("source", "figures"))
    return _WALKED[tp]


def _walk_text(obj: Any, out: list[tuple[int, str]], doc: str, depth: int = 0) -> None:
    """Collect (line, text) pairs from nested outline items, milestones, people, etc."""
    if depth > 8 or obj is None:
        return
    if isinstance(obj, (list, tuple)):
        for x in obj:
            _walk_text(x, out, doc, depth + 1)
        return
    if isinstance(obj, type):  # a class, not an instance: is_dataclass says yes to both
        names = None if not dataclasses.is_dataclass(obj) else tuple(
            f.name for f in dataclasses.fields(obj) if f.name not in ("source", "figures"))
    else:
        names = _walked(type(obj))
    if names is None:
        return
    src = getattr(obj, "source", None)
    line = src.line if isinstance(src, Source) and src.doc == doc else None
    texts: list[str] = []
    for name in names:
        v = getattr(obj, name)
        tp = type(v)
        if v is None or tp is int or tp is float or tp is bool:  # most fields: nothing to walk
            continue
        if tp is str or isinstance(v, str):
            texts.append(v)
        elif isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            texts.extend(v)
        elif isinstance(v, (list, tuple)) or dataclasses.is_dataclass(v):
            _walk_text(v, out, doc, depth + 1)
        elif isinstance(v, dict):
            for x in v.values():
                if isinstance(x, str):
                    texts.append(x)
    if line is not None:
        out.extend((line, t) for t in texts)


def record_text(records: Iterable[Record], doc: str) -> dict[int, list[str]]:
    pairs: list[tuple[int, str]] = []
    for r in records:
        _walk_text(r, pairs, doc)
    by_line: dict[int, list[str]] = defaultdict(list)
    for line, text in pairs:
        by_line[line].append(text)
    return by_line


def _take(tokens: Counter, candidates: Iterable[str]) -> int:
    n = 0
    for c in candidates:
        for t in numeric_tokens(c):
            if tokens[t] > 0:
                tokens[t] -= 1
                n += 1
    return n


def compute(doc: Document, text: str) -> Coverage:
    """Where each numeric token landed. ``family_records`` counts the records of the
    document's own family (:data:`~.readers.layout.FAMILY_RECORDS`): when there is none,
    the typed share is 0 whatever its headings hold, and the line says so."""
    cov = Coverage(family_records=family_records(doc))
    typed_figs: dict[int, list[str]] = defaultdict(list)
    for r in doc.records:
        for fig in r.all_figures():
            if fig.source.doc == doc.name:
                typed_figs[fig.source.line].append(fig.raw)
    spans = record_text(doc.records, doc.name)
    heading_text: dict[int, list[str]] = defaultdict(list)
    for h in doc.headings:
        heading_text[h.source.line].append(h.text)
    generic_lines: dict[int, list[str]] = defaultdict(list)
    for t in doc.tables:
        for hl, cells in zip(t.header_lines, t.header):
            # a typed table's header was interpreted by its reader (years, grades of columns)
            (heading_text if t.typed else generic_lines)[hl].extend(cells)
        for row in t.rows:
            generic_lines[row.source.line].extend(c.text for c in row.cells)
    for ln in lines_of(text):
        toks = numeric_tokens(ln.text)
        if not toks:
            continue
        cov.total += len(toks)
        left = Counter(toks)
        cov.typed += _take(left, typed_figs.get(ln.no, ()))
        cov.typed_text += _take(left, spans.get(ln.no, ()))
        if sum(left.values()):  # text wrapped from the lines above (a long title, ❖ line)
            cov.typed_text += _take(left, [t for k in (1, 2) for t in spans.get(ln.no - k, ())])
        cov.structure += _take(left, heading_text.get(ln.no, ()))
        remaining = sum(left.values())
        if remaining:  # printed only in a table kept as printed (generic, or beside typed records)
            cov.generic += _take(left, generic_lines.get(ln.no, ()))
            remaining = sum(left.values())
        if remaining:
            cov.nowhere += remaining
            cov.nowhere_lines.append(ln.no)
    return cov
