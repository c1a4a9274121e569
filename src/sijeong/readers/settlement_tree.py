"""The program hierarchy of a 사업별조서, inferred from sums.

The text has no indentation. Rows come in pre-order: (department total,) policy, its units,
each unit's details, next policy ... A policy's values are the sum of its units', a unit's
the sum of its details'. We search for the reading in which every sum holds (backtracking;
the 행정운영경비/재무활동/예비비 groups print the same name and amount at all three levels,
which the sums resolve as well).

A misprinted amount leaves no reading in which every sum holds: :func:`infer_tolerant` then
finds the reading with the fewest broken parent sums, column by column, so that the rules can
name the broken sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Sequence

Key = tuple[int, ...]
LEVELS = ("policy", "unit", "detail")
MAX_STEPS = 200_000


def _add(a: Key, b: Key) -> Key:
    return tuple(x + y for x, y in zip(a, b))


def _over(acc: Key, target: Key) -> bool:
    """The running sum passed the target for good (amounts are non-negative)."""
    return acc[0] > target[0] >= 0


def infer_levels(keys: Sequence[Key], *, has_total: bool) -> list[tuple[str | None, int | None]] | None:
    """(level, parent index) per row, or None when no reading makes every sum agree."""
    n = len(keys)
    if n == 0:
        return []
    zero: Key = tuple(0 for _ in keys[0])
    steps = 0
    negative = any(k[0] < 0 for k in keys)

    def seq(j: int, depth: int, parent: int | None, target: Key | None, acc: Key, out: list) -> Iterator[tuple[int, list]]:
        """Sequences of nodes at ``depth`` from row j whose sum is ``target`` (None: to the end)."""
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            return
        if out and ((target is None and j == n) or (target is not None and acc == target)):
            yield j, out
        if j >= n or (target is not None and not negative and _over(acc, target)):
            return
        node = [(j, LEVELS[depth], parent)]
        if depth == len(LEVELS) - 1:
            yield from seq(j + 1, depth, parent, target, _add(acc, keys[j]), out + node)
            return
        for end, sub in seq(j + 1, depth + 1, j, keys[j], zero, []):
            yield from seq(end, depth, parent, target, _add(acc, keys[j]), out + node + sub)

    if has_total:
        first: list = [(0, "total", None)]
        gen = seq(1, 0, 0, keys[0], zero, [])
    else:
        first = []
        gen = seq(0, 0, None, None, zero, [])
    for end, nodes in gen:
        if end == n:
            result: list[tuple[str | None, int | None]] = [(None, None)] * n
            for idx, level, parent in first + nodes:
                result[idx] = (level, parent)
            return result
    return None


# --- when no reading makes every sum agree ------------------------------------------------
#: the columns a parent–child relation may be read by, in the order of preference
COLUMNS = ("budget", "current_budget", "spent", "unspent")
MAX_BROKEN = 2  # a misprint in a unit or policy row breaks two sums: its own and its parent's
MAX_READINGS = 20  # readings compared per column at its fewest broken sums
TOLERANT_STEPS = 150_000  # all the tolerant searches of one table together


@dataclass
class Reading:
    """A hierarchy read despite broken sums: chosen by ``column``, where ``broken`` parents
    (row indexes) do not equal the sum of their children; ``mismatches`` maps every column
    to the parents whose sum does not agree in it."""

    levels: list[tuple[str | None, int | None]]
    column: str
    broken: list[int]
    mismatches: dict[str, list[int]] = field(default_factory=dict)

    @property
    def disagreeing(self) -> list[int]:
        """The parents whose sums do not agree in some column, in row order."""
        return sorted({i for rows in self.mismatches.values() for i in rows})


def mismatches(levels: Sequence[tuple[str | None, int | None]], values: Sequence[int]) -> list[int]:
    """The parents (row indexes) that do not equal the sum of their children in ``values``."""
    sums: dict[int, int] = {}
    for k, (_, parent) in enumerate(levels):
        if parent is not None:
            sums[parent] = sums.get(parent, 0) + values[k]
    return sorted(p for p, s in sums.items() if s != values[p])


def _tolerant(values: Sequence[int], has_total: bool, broken: int, budget: list[int]) -> Iterator[list]:
    """Readings (levels) of one column in which at most ``broken`` parents miss their sum."""
    n = len(values)
    negative = any(v < 0 for v in values)

    def seq(j: int, depth: int, parent: int | None, target: int | None, acc: int, out: list, slack: int):
        budget[0] -= 1
        if budget[0] < 0:
            return
        if out:
            if target is None:
                if j == n:
                    yield j, out, 0
            elif acc == target:
                yield j, out, 0
            elif slack > 0:
                yield j, out, 1
        if j >= n or (target is not None and slack == 0 and not negative and acc > target >= 0):
            return
        node = [(j, LEVELS[depth], parent)]
        if depth == len(LEVELS) - 1:
            yield from seq(j + 1, depth, parent, target, acc + values[j], out + node, slack)
            return
        for end, sub, used in seq(j + 1, depth + 1, j, values[j], 0, [], slack):
            for end2, nodes, used2 in seq(end, depth, parent, target, acc + values[j], out + node + sub, slack - used):
                yield end2, nodes, used + used2

    if has_total:
        first: list = [(0, "total", None)]
        gen = seq(1, 0, 0, values[0], 0, [], broken)
    else:
        first = []
        gen = seq(0, 0, None, None, 0, [], broken)
    for end, nodes, _ in gen:
        if end == n:
            result: list[tuple[str | None, int | None]] = [(None, None)] * n
            for idx, level, parent in first + nodes:
                result[idx] = (level, parent)
            yield result


def infer_tolerant(columns: dict[str, Sequence[int]], *, has_total: bool) -> Reading | None:
    """The hierarchy that explains the table with the fewest broken parent sums, when no
    reading makes every sum agree. Each column of :data:`COLUMNS` given is read on its own
    (at most :data:`MAX_BROKEN` broken sums in it); of the readings so found, the one whose
    sums disagree least over all the columns wins (then the fewest broken in its own column,
    then the column first in :data:`COLUMNS`). None when no column can be read so."""
    names = [c for c in COLUMNS if c in columns]
    if not names or not columns[names[0]]:
        return None
    steps = [TOLERANT_STEPS]
    best: tuple | None = None
    for order, name in enumerate(names):
        values = columns[name]
        for broken in range(MAX_BROKEN + 1):
            found = 0
            for levels in _tolerant(values, has_total, broken, steps):
                miss = {c: mismatches(levels, columns[c]) for c in names}
                score = (sum(len(m) for m in miss.values()), len(miss[name]), order)
                if best is None or score < best[0]:
                    best = (score, Reading(levels, name, miss[name], {c: m for c, m in miss.items() if m}))
                found += 1
                if found >= MAX_READINGS:
                    break
            if found or steps[0] < 0:
                break
    return None if best is None else best[1]
