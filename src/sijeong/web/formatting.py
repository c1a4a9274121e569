"""Korean number formatting for the pages: thousands separators, △ for negatives,
money in 원 / 천원 / 백만원, rates in percent, grades with their Korean names. The digits
are the model's (model/numbers.py); this module adds the markup and the display units.

Money is stored in integer 원; the display unit only divides (half-up rounding) and
never changes what is stored or exported.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from ..model.numbers import number_text, scaled, scaled_int
from ..model.vocabulary import (  # noqa: F401  (the labels the templates get through render.py)
    ACCOUNT_LABELS,
    BUDGET_SCOPES,
    DIRECTION_LABELS,
    GRADE_CLASS,
    GRADE_NAMES,
    LEVEL_LABELS,
    NO_GRADE,
    SEVERITY_LABELS,
)

#: a program row's level as its tag on the pages: the three levels, and the department's own
#: total line of the 사업별조서 (level "total") as 부서 합계 — never the code's English word
LEVEL_TAGS: dict[str, str] = {**LEVEL_LABELS, "total": "부서 합계"}

#: display unit key -> (Korean label, divisor)
MONEY_UNITS: dict[str, tuple[str, int]] = {
    "won": ("원", 1),
    "thousand": ("천원", 1_000),
    "million": ("백만원", 1_000_000),
}
DEFAULT_UNIT = "won"

GRADES = GRADE_NAMES  # the templates' name for ◎/○/× → 초과달성/달성/미달성


def unit_key(value: str | None) -> str:
    return value if value in MONEY_UNITS else DEFAULT_UNIT


def unit_label(key: str | None) -> str:
    return MONEY_UNITS[unit_key(key)][0]


def group(n: int) -> str:
    """1234567 -> '1,234,567' (absolute value; the sign is rendered separately)."""
    return f"{abs(int(n)):,}"


def _neg(text: str) -> Markup:
    return Markup('<span class="neg"><span aria-hidden="true">△</span><span class="sr-only">마이너스 </span>') + escape(text) + Markup("</span>")


def plain_number(value: Any, *, decimals: int = 2) -> str:
    """Text only (for titles, charts): '1,234', '△1,234', '97.5'."""
    return number_text(value, decimals=decimals)


def number(value: Any, *, decimals: int = 2) -> Markup:
    """A measure or count with separators; '-' for none; △ (read as 마이너스) for negatives."""
    if value is None:
        return Markup("-")
    if type(value) is int and value >= 0:  # digits and commas: nothing to escape
        return Markup(f"{value:,}")
    text = plain_number(value, decimals=decimals)
    if text.startswith("△"):
        return _neg(text[1:])
    return Markup(escape(text))


def scale_money(won: Any, unit: str | None) -> Decimal | None:
    return scaled(won, MONEY_UNITS[unit_key(unit)][1])


def money(won: Any, unit: str | None = None) -> Markup:
    """Integer 원 shown in the chosen unit, rounded half up to a whole unit."""
    if type(won) is int:  # the stored case: integer arithmetic, the same digits as scale_money
        return number(scaled_int(won, MONEY_UNITS[unit_key(unit)][1]), decimals=0)
    return number(scale_money(won, unit), decimals=0)


def plain_money(won: Any, unit: str | None = None) -> str:
    return plain_number(scale_money(won, unit), decimals=0)


#: decimals of a percentage: the documents print rates with two at most, and a reported
#: rate is shown as printed (99.95% rounded to one decimal would read "100%", beside ×)
RATE_DECIMALS = 2


def rate(value: Any) -> Markup:
    """A percentage as reported (123 -> '123%', 99.95 -> '99.95%'), two decimals at most."""
    if value is None:
        return Markup("-")
    return number(value, decimals=RATE_DECIMALS) + Markup("%")


def plain_rate(value: Any) -> str:
    return "-" if value is None else plain_number(value, decimals=RATE_DECIMALS) + "%"


def ratio(part: Any, whole: Any) -> float | None:
    """part / whole × 100, or None when either is missing or the whole is 0."""
    if part is None or not whole:
        return None
    return float(part) * 100.0 / float(whole)


def grade_label(grade: str | None) -> str:
    return GRADES.get(grade or "", NO_GRADE)
