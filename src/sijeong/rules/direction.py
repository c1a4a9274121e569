"""Which way an indicator is better: ``higher`` (rate = 실적/목표×100) or ``lower``
(rate = 목표/실적×100: ranks 위, grades 등급, anything the formula calls lower-better).

The readers infer the direction; a user may set it (``direction_basis == "user"``). When an
indicator has none, the rules infer it here, the same way for everyone.
"""

from __future__ import annotations

import re

from ..model import Indicator

LOWER_UNITS = frozenset({"위", "등급", "순위", "등"})
_LOWER_WORDS = re.compile(r"낮을수록|적을수록|작을수록|순위|등급")
_HIGHER_WORDS = re.compile(r"높을수록|많을수록|클수록")


def infer_direction(unit: str | None, name: str | None, formula: str | None) -> tuple[str, str]:
    """``(direction, basis)`` from the unit, then the formula, then the name; default higher."""
    if unit and unit.strip() in LOWER_UNITS:
        return "lower", f"unit:{unit.strip()}"
    for basis, text in (("formula", formula), ("name", name)):
        if not text:
            continue
        if _HIGHER_WORDS.search(text):
            return "higher", basis
        if _LOWER_WORDS.search(text):
            return "lower", basis
    return "higher", "default"


def direction_of(ind: Indicator) -> tuple[str, str]:
    """The indicator's own direction when it has one, else the inferred one."""
    if ind.direction in ("higher", "lower"):
        return ind.direction, ind.direction_basis or "reader"
    return infer_direction(ind.unit, ind.name, ind.formula)
