"""Facts stated in running text: a total with its breakdown in parentheses
(``49명(위촉직 43, 당연직 7)``, ``총 513건(시정 175, 주의 294, 통보·개선·권고 44)``,
``855백만원(국비 48, 시비 807)``) must equal the sum of its parts.

Only a breakdown every part of which is ``label number [unit]`` is read, with at least two
parts; parts that carry a unit must carry the total's unit — when they carry another one, the
total is the number in that unit just before (``63개소 272대(신규 30개소, 교체 33개소)`` →
63). A breakdown that says it is partial (등, 외, 포함, 중, 기타 …) is left alone.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..model import Document, Finding, Narrative, OutlineItem, PlanTask
from ..model.numbers import number_text
from .base import rule

UNIT = (r"(?:개소|개사|개교|개팀|가구|세대|과제|필지|억원|백만원|천원|만원|원|명|건|개|곳|회|종|대|팀|점|척|권|편|부|"
        r"ha|㎡|km)")
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
TOTAL = re.compile(rf"(?<![\d.,])(?P<total>{NUMBER})\s*(?P<unit>{UNIT})?\s*\((?P<parts>[^()]*)\)")
PART = re.compile(rf"^\s*(?P<label>[가-힣A-Za-z][가-힣A-Za-z·ㆍ\s]*?)\s*(?P<n>{NUMBER})\s*(?P<unit>{UNIT})?\s*$")
PARTIAL = re.compile(r"등|외|포함|중|기타|약|이상|이하|미만|초과|%")
#: money units: the parts may each be rounded to the unit (one unit of slack per part)
MONEY = {"억원", "백만원", "천원", "만원"}


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _walk(items: Iterable[OutlineItem]) -> Iterator[OutlineItem]:
    for o in items:
        yield o
        yield from _walk(o.children)


def breakdowns(text: str) -> Iterator[tuple[float, str | None, list[tuple[str, float]], str]]:
    """(total, unit, [(label, amount)], the phrase) for each total-with-breakdown in ``text``."""
    for m in TOTAL.finditer(text):
        inner = m.group("parts")
        if PARTIAL.search(inner):
            continue
        pieces = [p for p in re.split(r"[,，/]", inner)]
        parts = [PART.match(p) for p in pieces]
        if len(parts) < 2 or not all(parts):
            continue
        total, unit = _value(m.group("total")), m.group("unit")
        units = {p.group("unit") for p in parts} - {None}
        if len(units) > 1:
            continue
        if units and units != {unit}:
            (u,) = units
            before = re.search(rf"(?P<n>{NUMBER})\s*{re.escape(u)}\s*$", text[max(0, m.start() - 20):m.start()])
            if not before:
                continue
            total, unit = _value(before.group("n")), u
        yield total, unit, [(p.group("label").strip(), _value(p.group("n"))) for p in parts], m.group(0)


def _fmt(v: float) -> str:
    """As printed: the project's one Korean number formatter, with the decimals a breakdown uses."""
    return number_text(v, decimals=4)


def _items(doc: Document, running_text: bool = False) -> Iterator[tuple[object | None, OutlineItem]]:
    """The text of tasks and narratives; with ``running_text`` also every other line outside
    tables that has a parenthesis (its record None)."""
    from ..model import Source

    seen: set[int] = set()
    for r in doc.records:
        if isinstance(r, PlanTask):
            items = _walk(r.sections)
        elif isinstance(r, Narrative):
            items = _walk(r.items)
        else:
            continue
        for o in items:
            seen.add(o.source.line)
            yield r, o
    if not running_text:
        return
    # running text no record took (a 주요성과 line of another layout, a plan's general part):
    # each line outside tables, as printed
    for no, line in enumerate((doc.text or "").split("\n"), 1):
        if no in seen or "\t" in line.strip() or "(" not in line:
            continue
        yield None, OutlineItem(Source(doc.name, no), "", line.strip())


@rule("text.breakdown", "본문 내역 합계",
      "본문의 '총계(내역 a, 내역 b …)' = 내역의 합 (예: 49명(위촉직 43, 당연직 7)); 일부만 적은 내역(등·외·포함)은 제외")
def check_breakdowns(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for d in documents:
        for rec, item in _items(d, running_text=True):
            for total, unit, parts, phrase in breakdowns(item.text):
                s = sum(v for _, v in parts)
                diff = abs(s - total)
                if diff < 1e-9:
                    continue
                slack = len(parts) * 1.0 if unit in MONEY else 0.0
                severity = "info" if diff <= slack else "error"
                u = unit or ""
                listed = " + ".join(f"{label} {_fmt(v)}" for label, v in parts)
                out.append(Finding(
                    rule="text.breakdown", severity=severity, doc=item.source.doc, lines=[item.source.line],
                    message=(f"'{phrase.strip()}': 총 {_fmt(total)}{u} ≠ 내역의 합 {listed} = {_fmt(s)}{u}"
                             + (" (반올림 차이)" if severity == "info" else "")),
                    expected=s, actual=total, municipality=d.municipality, year=d.year,
                    department=getattr(rec, "department", None), subject=getattr(rec, "name", None)))
    return out
