"""The program hierarchy of a 사업별조서, inferred from sums.

The text has no indentation. Rows come in pre-order: (department total,) policy, its units,
each unit's details, next policy ... A policy's values are the sum of its units', a unit's
the sum of its details'. We search for the reading in which every sum holds (backtracking;
the 행정운영경비/재무활동/예비비 groups print the same name and amount at all three levels,
which the sums resolve as well).
"""

from __future__ import annotations

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
