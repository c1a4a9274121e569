"""What ``read_document`` checks around a reader so that reading never raises, never hangs
and never hands the store a value it cannot save.

* :func:`out_of_range` — the first stored number outside the database's range: an integer
  with |v| ≥ 2^63 (money in won, counts, years …) or a float that is not finite (a finite
  float is stored as a double, whatever its size).
* :func:`crash_line` — the line a reader was working on when an unexpected exception
  escaped it (the innermost ``Line``/``Source`` among the traceback's local variables).
"""

from __future__ import annotations

import dataclasses
import math
from types import TracebackType
from typing import Any

from ..model import Document, Figure, Source
from ..model.tables import Cell, TableRow
from .text import INT_LIMIT, Line

#: per type: the names of its dataclass fields (None: not a dataclass — nothing to walk)
_FIELDS: dict[type, tuple[str, ...] | None] = {}
_ATOMS = (str, bytes, bool, type(None), Source)


def _fields(tp: type) -> tuple[str, ...] | None:
    try:
        return _FIELDS[tp]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(tp)) if dataclasses.is_dataclass(tp) else None
        _FIELDS[tp] = names
        return names


def _bad(v: Any) -> bool:
    tp = type(v)
    if tp is int:
        return not -INT_LIMIT < v < INT_LIMIT
    if tp is float:  # stored as a double: any finite value fits
        return not math.isfinite(v)
    if tp is bool or not isinstance(v, (int, float)):
        return False
    return _bad(tp.__int__(v) if isinstance(v, int) else float(v))  # int/float subclasses


def out_of_range(doc: Document) -> tuple[int, Any] | None:
    """(line, value) of the first number of the document's records, tables, headings or
    findings that the store could not keep, or None. The line is that of the nearest
    enclosing object with a source of this document (1 when there is none). Figures are
    looked at before the plain fields of their record, so the line is the figure's own."""
    if _bad(doc.year):
        return 1, doc.year
    if not _any_bad(doc):
        return None
    seen: set[int] = set()
    name = doc.name
    # an explicit stack (objects nest: record → appearance → figure)
    stack: list[tuple[Any, int]] = [(x, 1) for x in (*doc.records, *doc.tables, *doc.headings, *doc.findings)]
    pop, push = stack.pop, stack.append
    while stack:
        obj, line = pop()
        tp = type(obj)
        if tp is str or tp is int or tp is float or isinstance(obj, _ATOMS):
            if (tp is int or tp is float) and _bad(obj):
                return line, obj
            continue
        if tp is dict:
            for v in obj.values():
                push((v, line))
            continue
        if tp is list or tp is tuple or tp is set or tp is frozenset:
            for v in obj:
                push((v, line))
            continue
        names = _fields(tp)
        if names is None:
            if isinstance(obj, (int, float)) and _bad(obj):
                return line, obj
            continue
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        src = getattr(obj, "source", None)
        if type(src) is Source and src.doc == name and src.line > 0:
            line = src.line
        else:
            lines = getattr(obj, "lines", None)  # a finding's lines
            if type(lines) is list and lines and type(lines[0]) is int and 0 < lines[0] < INT_LIMIT:
                line = lines[0]
        # a bad plain value goes on the stack below the composites, so that the figures
        # (popped first) name their own line rather than the record's
        composites = []
        for n in names:
            v = getattr(obj, n)
            t = type(v)
            if t is int or t is float:
                if _bad(v):
                    push((v, line))
            elif not (t is str or v is None):
                composites.append((v, line))
        stack.extend(composites)
    return None


def _any_bad(doc: Document) -> bool:
    """Whether :func:`out_of_range` would find something: the same walk without the lines,
    with Figures and Cells (nearly all of a document's objects) looked at directly. Most
    documents hold no such number, so this is all they cost."""
    seen: set[int] = set()
    stack: list[Any] = [*doc.records, *doc.tables, *doc.headings, *doc.findings]
    pop, push, extend = stack.pop, stack.append, stack.extend
    limit = INT_LIMIT
    while stack:
        obj = pop()
        tp = type(obj)
        if tp is Figure:
            v = obj.value
            t = type(v)
            if t is int:
                if not -limit < v < limit:
                    return True
            elif t is float:
                if not math.isfinite(v):
                    return True
            elif v is not None:
                push(v)
            if type(obj.raw) is not str:
                push(obj.raw)
            if type(obj.source) is not Source:
                push(obj.source)
            if obj.unit is not None and type(obj.unit) is not str:
                push(obj.unit)
            continue
        if tp is TableRow:  # as the general case below walks it: its source is an atom
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            for v in (obj.source, obj.cells):
                t = type(v)
                if t is list:
                    extend(v)
                elif t is int or t is float:
                    if _bad(v):
                        return True
                elif not (t is str or t is Source or v is None):
                    push(v)
            continue
        if tp is Cell:
            if type(obj.text) is not str:
                push(obj.text)
            f = obj.figures
            if type(f) is list:
                extend(f)
            else:
                push(f)
            continue
        if tp is str or tp is int or tp is float or isinstance(obj, _ATOMS):
            if (tp is int or tp is float) and _bad(obj):
                return True
            continue
        if tp is dict:
            extend(obj.values())
            continue
        if tp is list or tp is tuple or tp is set or tp is frozenset:
            extend(obj)
            continue
        names = _fields(tp)
        if names is None:
            if isinstance(obj, (int, float)) and _bad(obj):
                return True
            continue
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        for n in names:
            v = getattr(obj, n)
            t = type(v)
            if t is int or t is float:
                if _bad(v):
                    return True
            elif not (t is str or v is None):
                push(v)
    return False


def crash_line(tb: TracebackType | None, doc: str, line_count: int) -> int:
    """The line number held by the innermost frame that has a ``Line`` (or a ``Source`` of
    this document) among its local variables; 1 when none has."""
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            if isinstance(value, Line):
                no = value.no
            elif isinstance(value, Source) and value.doc == doc:
                no = value.line
            else:
                continue
            if 1 <= no <= max(line_count, 1):
                return no
    return 1
