"""The one Korean number formatter: thousands separators, △ for negatives, half-up rounding
on the decimal digits (the documents' way: 0.125 → 0.13, 1.005 → 1.01), and amounts in
억·만 원 for citizens. Pages (web/formatting.py), reports, the rules' messages and the
citizens' page all print numbers through these.

- :func:`number_text` — ``1,234`` ``△1,234`` ``97.5`` (at most ``decimals``; ``trim=False``
  keeps them all: ``97.50``).
- :func:`scaled` — integer 원 divided by a display unit, rounded half up to a whole unit.
- :func:`rate_decimals` — the decimals a rate is printed with: as few as show it exactly.
- :func:`won_words` — ``4억 8,545만 원``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

NEGATIVE = "△"


def _decimal(value: Any) -> Decimal:
    """The value as written in decimal digits (a float by its shortest repr, 1.005 not
    1.00499999…)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number_text(value: Any, *, decimals: int = 2, trim: bool = True, none: str = "-") -> str:
    """``1234`` → ``1,234``, ``-1234`` → ``△1,234``, ``97.456`` → ``97.46``; ``97.5`` → ``97.5``
    (trailing zeros trimmed) or ``97.50`` with ``trim=False``; ``none`` for None."""
    if value is None:
        return none
    if type(value) is int and (trim or decimals <= 0):  # the common case (integer 원, counts): nothing to round or pad
        return f"{NEGATIVE}{-value:,}" if value < 0 else f"{value:,}"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    with localcontext() as ctx:
        ctx.prec = 80  # the store's largest numbers with their decimals
        q = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        sign = NEGATIVE if q < 0 else ""
        q = abs(q)
        whole = int(q)
        frac = q - whole
    if decimals <= 0 or (trim and frac == 0):
        return f"{sign}{whole:,}"
    digits = format(frac, "f").partition(".")[2].ljust(decimals, "0")[:decimals]
    if trim:
        digits = digits.rstrip("0")
    return f"{sign}{whole:,}.{digits}"


def scaled(won: Any, divisor: int) -> Decimal | None:
    """``won`` / ``divisor`` rounded half up to a whole number (None stays None)."""
    if won is None:
        return None
    if type(won) is int and type(divisor) is int:
        return Decimal(scaled_int(won, divisor))
    return (_decimal(won) / divisor).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def scaled_int(won: int, divisor: int) -> int:
    """:func:`scaled` of an integer by an integer, in integers: the quotient rounded half up
    (a half away from zero, as ``ROUND_HALF_UP``), without a decimal context."""
    q, r = divmod(abs(won), divisor)
    if 2 * r >= divisor:
        q += 1
    return -q if won < 0 else q


def rate_decimals(value: float, most: int = 2) -> int:
    """The decimals a rate is printed with: as few as show it exactly (``134`` → 0,
    ``97.5`` → 1), at most ``most`` (a computed ``129.8701…`` → 2)."""
    for d in range(most + 1):
        if abs(round(value, d) - value) < 1e-9:
            return d
    return most


def won_words(value: Any) -> str:
    """485450000 -> '4억 8,545만 원'; rounded to 만 원 (then '약 ...'); under 만 원 in 원."""
    if value is None:
        return "-"
    v = int(value)
    sign, v = ("마이너스 " if v < 0 else ""), abs(v)
    if v < 10_000:
        return f"{sign}{v:,}원"
    man = int((Decimal(v) / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    eok, rest = divmod(man, 10_000)
    parts = ([f"{eok:,}억"] if eok else []) + ([f"{rest:,}만"] if rest else [])
    about = "약 " if v % 10_000 else ""
    return f"{about}{sign}{' '.join(parts)} 원"
