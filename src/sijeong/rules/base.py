"""Shared helpers of the rules: the registry, Korean number formatting, tolerances,
name matching and the finding builder.

A rule is ``check_x(documents) -> list[Finding]`` registered with :func:`rule` under a
stable id (``family.name``), a Korean name and a one-line explanation.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from ..model import Document, Figure, Finding, Number, Record
from ..model.numbers import number_text
from ..model.names import SAME_NAME, norm, ratio, similar  # noqa: F401  (norm, similar: used by the rules through base)

RuleFunc = Callable[[list[Document]], list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # Korean name shown to users
    explanation: str  # one line, Korean
    func: RuleFunc
    #: compares the documents with others of the municipality beyond the scope checked: it is
    #: also given the context documents (``run_rules(…, context=…)``), whose own findings
    #: belong to their scope and are dropped
    context: bool = False

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, name: str, explanation: str, *, context: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``check_x`` under ``rule_id``. Ids are stable: the store and the UI keep them.
    ``context``: the rule also reads the context documents of a scope (see :class:`Rule`)."""

    def deco(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, name, explanation, func, context)
        func.rule_id = rule_id  # type: ignore[attr-defined]
        return func

    return deco


# --- numbers --------------------------------------------------------------------------


def fmt(value: Number | None) -> str:
    """Korean number formatting: ``1,149,710,000``, ``△7,373,350``, ``128.57``."""
    return number_text(value)


def won(value: Number | None) -> str:
    return fmt(value) + "원"


def pct(value: Number | None) -> str:
    return fmt(value) + "%"


_RAW_NUM = re.compile(r"[\d,]+(?:\.(\d+))?")


def precision(fig: Figure | None) -> float:
    """How finely the figure is printed, in value units: 0 for whole won or counts printed
    in full (exact), 1,000 for a 천원 table, 0.01 for ``99.74``, 1 for ``130%``."""
    if fig is None or fig.value is None:
        return 0.0
    m = _RAW_NUM.search(fig.raw.replace(" ", ""))
    if not m:
        return 0.0
    decimals = m.group(1)
    if decimals:
        return 10.0 ** -len(decimals)
    digits = int(m.group(0).split(".")[0].replace(",", "") or 0)
    if digits and abs(fig.value) != digits:
        return abs(fig.value) / digits  # a multiplier (천원, 백만원)
    if fig.raw.strip().endswith("%") or fig.unit == "%":
        return 1.0
    return 0.0


def rounding_slack(figs: Iterable[Figure | None]) -> float:
    """The largest difference that rounding of these printed figures can explain."""
    return sum(precision(f) / 2 for f in figs) + 1e-9


def truncate(x: float, step: float) -> float:
    return math.floor(x / step + 1e-9) * step


def round_half_up(x: float, step: float) -> float:
    return math.floor(x / step + 0.5 + 1e-9) * step


def close(a: Number, b: Number, slack: float = 1e-9) -> bool:
    return abs(a - b) <= slack


# --- names ----------------------------------------------------------------------------

# norm and similar are the model's (one name matcher, model/names.py)


def best_match(name: str, candidates: Iterable[str], threshold: float = SAME_NAME) -> str | None:
    """The candidate most similar to ``name`` (exact after normalising wins), or None when
    nothing is similar enough or two candidates are equally good. (:class:`NameIndex` when
    many names are matched against the same candidates.)"""
    return NameIndex(candidates).best(name, threshold)


class NameIndex:
    """:func:`best_match` against one fixed list of candidates, asked for many names (a
    work plan's tasks against the year's programs): each candidate's key and letter counts
    are worked out once instead of once per name asked. Gives what ``best_match(name,
    candidates, threshold)`` gives."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self.items: list[tuple[str, str, int]] = []
        self.exact: dict[str, str] = {}
        for c in candidates:
            cn = norm(c)
            self.items.append((c, cn, len(cn)))
            self.exact.setdefault(cn, c)  # the first candidate of that key, as best_match returns it
        self._counts: dict[int, Counter] = {}

    def best(self, name: str, threshold: float = SAME_NAME) -> str | None:
        n = norm(name)
        hit = self.exact.get(n)
        if hit is not None:
            return hit
        ln = len(n)
        scored = []
        counts = None
        for i, (c, cn, lc) in enumerate(self.items):
            if min(lc, ln) >= 4:
                # a candidate whose upper bounds of the ratio (difflib's real_quick_ratio and
                # quick_ratio, same formula) are below the threshold cannot be chosen nor tie
                # with the chosen one: skip its full ratio (the answer is the same)
                size = ln + lc
                if 2.0 * min(ln, lc) / size < threshold:
                    continue
                if counts is None:
                    counts = Counter(n)
                cc = self._counts.get(i)
                if cc is None:
                    cc = self._counts[i] = Counter(cn)
                common = sum(min(k, cc[ch]) for ch, k in counts.items() if ch in cc)
                if 2.0 * common / size < threshold:
                    continue
                scored.append((ratio(n, cn), c))
        scored.sort(key=lambda t: -t[0])
        if not scored or scored[0][0] < threshold:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0] and norm(scored[1][1]) != norm(scored[0][1]):
            return None
        return scored[0][1]


# --- findings -------------------------------------------------------------------------


def lines_of(*items: Figure | Record | int | None) -> list[int]:
    """Every source line taking part, sorted, without duplicates."""
    out: set[int] = set()
    for it in items:
        if it is None:
            continue
        if isinstance(it, int):
            out.add(it)
        elif isinstance(it, Figure):
            if it.source.line:
                out.add(it.source.line)
        else:
            out.add(it.source.line)
    return sorted(out)


def finding(
    rule_id: str,
    severity: str,
    rec: Record | None,
    lines: list[int],
    message: str,
    *,
    expected=None,
    actual=None,
    doc: str | None = None,
    subject: str | None = None,
    department: str | None = None,
    year: int | None = None,
    municipality: str | None = None,
) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        doc=doc if doc is not None else (rec.source.doc if rec else ""),
        lines=lines,
        message=message,
        expected=expected,
        actual=actual,
        municipality=municipality if municipality is not None else (rec.municipality if rec else None),
        year=year if year is not None else (rec.year if rec else None),
        department=department if department is not None else (rec.department if rec else None),
        subject=subject if subject is not None else (rec.name if rec else None),
    )


def sum_check(
    rule_id: str,
    rec: Record,
    total_label: str,
    total: Figure,
    parts: list[tuple[str, Figure]],
    *,
    signs: list[int] | None = None,
    unit: str = "원",
    subject: str | None = None,
    extra_lines: Iterable[int] = (),
) -> Finding | None:
    """``total == Σ sign·part``: None when it holds, info when only rounding explains the
    difference, error otherwise. The message states both sides."""
    signs = signs or [1] * len(parts)
    expected: Number = 0
    for s, (_, f) in zip(signs, parts):
        expected += s * f.amount
    actual = total.amount
    if isinstance(expected, float) or isinstance(actual, float):
        if abs(expected - actual) < 1e-6:
            return None
    elif expected == actual:
        return None
    slack = rounding_slack([total] + [f for _, f in parts])
    nonzero = [f for _, f in parts if f.value]
    if len(nonzero) == 1 and precision(nonzero[0]) == precision(total):
        slack = 1e-9  # the total is its one part, rounded the same way: no rounding explains a difference
    severity = "info" if abs(expected - actual) <= slack else "error"
    terms = ""
    for i, (s, (label, f)) in enumerate(zip(signs, parts)):
        op = ("" if i == 0 else " + ") if s > 0 else (" − " if i else "−")
        terms += f"{op}{label} {fmt(f.value)}"
    lines = lines_of(total, *[f for _, f in parts], *extra_lines)
    note = " (반올림 차이)" if severity == "info" else ""
    msg = f"{total_label} {fmt(actual)}{unit} ≠ {terms} = {fmt(expected)}{unit}{note}"
    return finding(rule_id, severity, rec, lines, msg, expected=expected, actual=actual, subject=subject)


def records(documents: list[Document], kind: type) -> list:
    return [r for d in documents for r in d.records if isinstance(r, kind)]
