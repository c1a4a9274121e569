"""The mayor's pledges (공약): their statuses, types, half-year periods and the rate as the
documents print it. Plain values; imports nothing of ours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: status code → label, in the order the documents list them (003: 이행완료, '25년 완료목표, 정상추진)
STATUSES: dict[str, str] = {
    "completed": "이행완료",
    "due": "완료예정",
    "on_track": "정상추진",
    "partial": "일부추진",
    "on_hold": "보류",
    "dropped": "폐기",
}
#: type code → label (003: "시 선도사업 15개, 부서 중점사업 41개")
TYPES: dict[str, str] = {
    "city_leading": "시 선도사업",
    "department": "부서 중점사업",
}
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_period(period: object) -> tuple[int, int] | None:
    """A half-year ``2025-H1`` (1–6월) or ``2025-H2`` (7–12월) → (2025, 1); None otherwise."""
    if not isinstance(period, str) or len(period) != 7 or period[4:6] != "-H" or period[6] not in "12":
        return None
    year = period[:4]
    if not (year.isascii() and year.isdigit()):
        return None
    return int(year), int(period[6])


def status_code(value: str | None) -> str | None:
    """A status given as its code or its Korean label → the code (None: not a status)."""
    if value is None:
        return None
    v = value.strip()
    if v in STATUSES:
        return v
    for code, label in STATUSES.items():
        if v == label:
            return code
    return None


def type_code(value: str | None) -> str | None:
    """A type given as its code or its Korean label → the code (None: not a type)."""
    if value is None:
        return None
    v = value.strip()
    if v in TYPES:
        return v
    for code, label in TYPES.items():
        if v == label or v.replace(" ", "") == label.replace(" ", ""):
            return code
    return None


def status_label(code: str | None, target_year: int | None = None) -> str:
    """``완료예정`` with its target year as 003 prints it: ``'25년 완료목표`` → ``완료예정 (2025년)``."""
    label = STATUSES.get(code or "", code or "")
    if code == "due" and target_year:
        return f"{label} ({target_year}년)"
    return label


def period_label(period: str) -> str:
    p = parse_period(period)
    if p is None:
        return period
    return f"{p[0]}년 {'상반기' if p[1] == 1 else '하반기'}"


def valid_year(year: int | None) -> bool:
    return year is None or (isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR)


def percent(count: int, total: int) -> float | None:
    """``count / total`` in percent with one decimal, rounded half up as the documents print
    it (27 of 56 → 48.2); None when there is nothing to divide by."""
    if not total:
        return None
    # 28 significant digits: exact when the quotient ends (6.25), and never on the .x5 boundary when not
    value = (Decimal(count * 100) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)
