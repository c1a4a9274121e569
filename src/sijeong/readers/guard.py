"""What ``read_document`` checks around a reader so that reading never raises, never hangs
and never hands the store a value it cannot save.

* :func:`out_of_range` — the first stored number outside the database's range: an integer
  with |v| ≥ 2^63 (money in won, counts, years …) or a float that is not finite.
* :func:`crash_line` — the line a reader was working on when an unexpected exception
  escaped it (the innermost ``Line``/``Source`` among the traceback's local variables).
"""

from __future__ import annotations

import dataclasses
import math
from types import TracebackType
from typing import Any

from ..model import Document, Source
from .text import INT_LIMIT, Line

_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(tp: type) -> tuple[str, ...]:
    names = _FIELDS.get(tp)
    if names is None:
        names = _FIELDS[tp] = tuple(f.name for f in dataclasses.fields(tp))
    return names


def _bad(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return not -INT_LIMIT < v < INT_LIMIT
    if isinstance(v, float):
        return not math.isfinite(v) or not -INT_LIMIT < v < INT_LIMIT
    return False


def out_of_range(doc: Document) -> tuple[int, Any] | None:
    """(line, value) of the first number of the document's records, tables, headings or
    findings that the store could not keep, or None. The line is that of the nearest
    enclosing object with a source of this document (1 when there is none)."""
    seen: set[int] = set()
    # an explicit stack (objects nest deeply: record → appearance → figure)
    stack: list[tuple[Any, int]] = [(x, 1) for x in (*doc.records, *doc.tables, *doc.headings, *doc.findings)]
    if _bad(doc.year):
        return 1, doc.year
    while stack:
        obj, line = stack.pop()
        if _bad(obj):
            return line, obj
        if isinstance(obj, (str, bytes, int, float, bool)) or obj is None:
            continue
        if isinstance(obj, dict):
            stack.extend((v, line) for v in obj.values())
            continue
        if isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend((v, line) for v in obj)
            continue
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, Source):
                continue
            src = getattr(obj, "source", None)
            lines = getattr(obj, "lines", None)  # a finding's lines
            if isinstance(src, Source) and src.doc == doc.name and src.line > 0:
                line = src.line
            elif isinstance(lines, list) and lines and isinstance(lines[0], int) and 0 < lines[0] < INT_LIMIT:
                line = lines[0]
            for name in _fields(type(obj)):
                stack.append((getattr(obj, name), line))
    return None


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
