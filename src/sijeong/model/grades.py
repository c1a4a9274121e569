"""The one computation of an indicator's 달성률 and 성과달성도: :func:`rate_of`,
:func:`grade_of`, and :func:`computed` (both, as stored in ``rate_computed`` /
``grade_computed``). The rules, the reports and the write path all call these."""

from __future__ import annotations

from typing import Any

from .vocabulary import ACHIEVED_AT, EXCEEDED_AT

#: a rate this close below a threshold counts as reaching it (129.99999999997 from float
#: division is 130)
_EPSILON = 1e-9
#: decimals a computed rate is stored with
RATE_DECIMALS = 4


def rate_of(target: Any, actual: Any, direction: str | None) -> float | None:
    """달성률 in percent: 실적/목표×100, or 목표/실적×100 for a lower-is-better indicator;
    None when it cannot be computed (a missing value, a divisor of 0)."""
    if target is None or actual is None:
        return None
    num, den = (target, actual) if direction == "lower" else (actual, target)
    if den == 0:
        return None
    return num / den * 100


def grade_of(rate: float | None) -> str | None:
    """◎ ≥130%, ○ 100–<130%, × <100% (the legend printed under 성과목표 및 재원비중)."""
    if rate is None:
        return None
    if rate >= EXCEEDED_AT - _EPSILON:
        return "◎"
    if rate >= ACHIEVED_AT - _EPSILON:
        return "○"
    return "×"


def computed(target: Any, actual: Any, direction: str | None) -> tuple[float | None, str | None]:
    """(rate_computed, grade_computed) as stored: the rate rounded to four decimals, the grade
    of the unrounded rate."""
    r = rate_of(target, actual, direction)
    return (None if r is None else round(r, RATE_DECIMALS)), grade_of(r)
