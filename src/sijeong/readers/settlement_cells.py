"""Cell helpers shared by the settlement part's table readers."""

from __future__ import annotations

import re

from ..model import Figure, Source
from .text import Line, ReadError, collapse, is_number, looks_broken_number, parse_number, split_numbers

_HANGUL = re.compile(r"[가-힣]")
_DIGIT = re.compile(r"\d")


def numeric_token(token: str, source: Source, what: str, multiplier: int = 1) -> Figure:
    """A token of a numeric column; a letter inside a number or plain text raises."""
    token = token.strip()
    if is_number(token):
        mult = 1 if token.endswith("%") or "." in token else multiplier
        return parse_number(token, source, multiplier=mult)
    if looks_broken_number(token) or _DIGIT.search(token):
        raise ReadError(source, f"{what}: 숫자 안에 문자가 있습니다 / letter inside a number: {token!r}", token)
    raise ReadError(source, f"{what}: 숫자가 아닙니다 / not a number: {token!r}", token)


def numeric_cell(cell: str, source: Source, what: str, multiplier: int = 1) -> list[Figure]:
    """A cell of numbers (one, or several stacked) → its Figures."""
    return [numeric_token(t, source, what, multiplier) for t in split_numbers(cell)]


def looks_numeric(cell: str) -> bool:
    """A cell meant to hold numbers (even broken ones): digits or dashes, no Hangul."""
    cell = cell.strip()
    if not cell:
        return False
    if all(is_number(t) for t in split_numbers(cell)):
        return True
    return bool(_DIGIT.search(cell)) and not _HANGUL.search(cell)


def split_name(cells: list[str]) -> tuple[str, list[str]]:
    """Leading text cells form the row's name; the rest are value cells (empty ones
    skipped: the extraction drops cells, so an empty cell carries no position)."""
    name_parts: list[str] = []
    k = 0
    while k < len(cells) and not looks_numeric(cells[k]):
        if cells[k]:
            name_parts.append(cells[k])
        k += 1
    return collapse(" ".join(name_parts)), [c for c in cells[k:] if c.strip()]


def is_header_continuation(line: Line) -> bool:
    """A header's 2nd/3rd line: leading tab, labels (Hangul), no numbers."""
    if not line.text.startswith("\t") or not line.stripped:
        return False
    cells = [c for c in line.cells if c]
    return bool(_HANGUL.search(line.text)) and not any(looks_numeric(c) for c in cells)


def is_value_continuation(line: Line) -> bool:
    """A row's continuation: leading tab(s), then only numeric cells."""
    if not line.text.startswith("\t") or not line.stripped:
        return False
    cells = [c for c in line.cells if c]
    return bool(cells) and all(looks_numeric(c) for c in cells)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
