"""Money as plans write it in running text: ``314,028천원``, ``855백만원(국비 48, 시비 807)``,
``약7,600천원(국비100%)``, ``총사업비 1조 1천억원``, ``41.37억원`` — into integer won.

A budget statement is a label (소요예산, 사업비, 총사업비, 사업금액, 사업예산, 예산) followed by
an amount and, optionally, the split by source in parentheses or after a slash
(``총 1,524백만원 / 국비 46, 도비 0, 시비 1,458``; 국비/도비/시비, in the amount's unit, in an
explicit unit, or as a percentage of the amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import Figure, Source

_SMALL = {"천": 1_000, "백": 100, "십": 10}
_BIG = {"조": 10**12, "억": 10**8, "만": 10**4}

#: one component: a number, an optional 천/백/십 and an optional 조/억/만.
#:
#: Linear time: a component's number ends where its digits end (``(?!\d)``), each unit
#: takes its own leading spaces, and components are joined by ``\s*`` followed by a digit —
#: so a text splits into components in exactly one way. (The former
#: ``(?:\d+\s*[천백십]?\s*[조억만]?\s*)+?`` could split a run of n digits, or the spaces
#: between numbers, in exponentially many ways and never finished on 40 digits.)
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_PART = _NUM + r"(?!\d)(?:\s*[천백십])?(?:\s*[조억만])?"
#: one or more components, then the spaces before 원 (the amount never starts inside a number)
_PARTS = rf"(?<!\d){_PART}(?:\s*{_PART})*"
AMOUNT = re.compile(rf"(?P<amount>{_PARTS})\s*원")
_COMPONENT = re.compile(rf"(?P<num>{_NUM})\s*(?P<small>[천백십])?\s*(?P<big>[조억만])?")

_LABELS = r"소요\s*예산|총\s*사\s*업\s*비|사\s*업\s*비|사업\s*금액|사업\s*예산|예\s*산"
BUDGET_STATEMENT = re.compile(
    rf"(?P<label>{_LABELS})\s*[:：]?\s*(?:약\s*|총\s+)?(?P<amount>{_PARTS})\s*원"
    r"(?:\s*\((?P<split>[^)]*)\)|\s*[/／]\s*(?P<after>(?:국|도|시|군|구)\s*비?\s*\d[^()/／]*))?"
)
_CELL_AMOUNT = re.compile(rf"\s*(?:약\s*)?({_PARTS})\s*원\s*")
#: a source of funding and its share: ``국비 3,600``, ``도비 20%``, and the short forms of a split
#: in parentheses, ``862백만원(도 120, 시 742)`` (국/도/시/군/구, 군비/구비 as the city's own)
_SPLIT = re.compile(
    rf"(?<![가-힣])(?P<who>국비|도비|시비|군비|구비|국|도|시|군|구)\s*(?P<num>{_NUM})\s*(?P<unit>%|천원|백만원|억원|원)?"
)
_UNIT_WON = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}
SOURCES = {"국비": "national", "도비": "provincial", "시비": "city", "군비": "city", "구비": "city",
           "국": "national", "도": "provincial", "시": "city", "군": "city", "구": "city"}


def amount_value(text: str) -> tuple[int, int] | None:
    """``1조 1천억`` → (1_100_000_000_000, multiplier of the last component).

    ``text`` is the amount without the final 원. Returns None when nothing parses."""
    total = Decimal(0)
    last_mult = 1
    pos = 0
    found = False
    text = text.strip()
    for m in _COMPONENT.finditer(text):
        if text[pos : m.start()].strip():
            return None
        pos = m.end()
        num = Decimal(m.group("num").replace(",", ""))
        mult = _SMALL.get(m.group("small") or "", 1) * _BIG.get(m.group("big") or "", 1)
        total += num * mult
        last_mult = mult
        found = True
    if not found or text[pos:].strip():
        return None
    if total != int(total):
        return None
    return int(total), last_mult


@dataclass
class BudgetStatement:
    label: str
    total: Figure
    split: dict[str, Figure]


def budget_statements(text: str, source: Source) -> list[BudgetStatement]:
    """Every budget statement in a line of text (usually one)."""
    out: list[BudgetStatement] = []
    for m in BUDGET_STATEMENT.finditer(text):
        parsed = amount_value(m.group("amount"))
        if parsed is None:
            continue
        value, mult = parsed
        raw = m.group("amount").strip() + "원"
        total = Figure(value, raw, source, "원")
        split: dict[str, Figure] = {}
        for s in _SPLIT.finditer(m.group("split") or m.group("after") or ""):
            num = Decimal(s.group("num").replace(",", ""))
            unit = s.group("unit")
            if unit == "%":
                v = value * num / 100
            else:
                v = num * (_UNIT_WON[unit] if unit else mult)
            if v != int(v):
                continue
            split[SOURCES[s.group("who")]] = Figure(int(v), s.group(0).strip(), source, "원")
        out.append(BudgetStatement(re.sub(r"\s+", "", m.group("label")), total, split))
    return out


def cell_amount(text: str, source: Source) -> Figure | None:
    """A table cell holding an amount with its unit: ``750,548천원``."""
    m = _CELL_AMOUNT.fullmatch(text)
    if not m:
        return None
    parsed = amount_value(m.group(1))
    if parsed is None:
        return None
    return Figure(parsed[0], text.strip(), source, "원")
