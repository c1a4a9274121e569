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

from ..model import Document, Figure, Finding, Narrative, OutlineItem, PlanTask
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


def _items(doc: Document, running_text: bool = False, needs: str = "(",
           headings: bool = False) -> Iterator[tuple[object | None, OutlineItem]]:
    """The text of tasks and narratives; with ``running_text`` also every other line outside
    tables that holds ``needs`` (its record None); with ``headings`` the lines no record took
    as the document keeps them (``Document.headings``: stored, so a document rebuilt from the
    database gives the same lines as the one just read, which alone has its ``text``)."""
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
    if headings:
        for h in doc.headings:
            if h.source.line not in seen and "\t" not in h.text.strip():
                yield None, OutlineItem(h.source, "", h.text.strip())
        return
    if not running_text:
        return
    # running text no record took (a 주요성과 line of another layout, a plan's general part):
    # each line outside tables, as printed
    for no, line in enumerate((doc.text or "").split("\n"), 1):
        if no in seen or "\t" in line.strip() or needs not in line:
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


# --- a fact stated in running text and in a table of the same document -----------------------

#: ``2020년 절감률 4.23%``, ``'20년 승소율은 90%``, ``2021년도 민원 처리 만족도: 87.3점``,
#: ``'24년 실적 : 민원 처리 건수 30건``: a year, an optional ``실적 :``, a label (no digits), an
#: optional particle or colon, a number and its unit
_TEXT_FACT = re.compile(
    rf"(?:(?<![\d.])(?P<full>(?:19|20)\d\d)|['‘’](?P<short>\d\d))(?>\s*년?도?)\s*"
    rf"(?:(?:실적|성과|추진\s*실적)\s*[:：]\s*)?"
    rf"(?P<label>[가-힣A-Za-z][가-힣A-Za-z·ㆍ\s]{{1,29}}?)\s*(?:은|는|이|가|:|：)?\s*"
    rf"(?P<n>{NUMBER})\s*(?P<unit>%|{UNIT}|위|등급)(?![가-힣A-Za-z])")
#: words that make the number another figure than the year's result: a target, a change, a
#: comparison, a bound, a cumulative or average value
_NOT_THE_FACT = re.compile(r"목표|계획|예상|전망|예정|대비|증가|감소|상승|하락|누적|평균|최대|최소|이상|이하|미만|초과|약|전년|"
                           r"까지|부터|당초|변경|추가|확대|축소")
_TOTALS = {"계", "합계", "총계", "소계"}


#: after the number: a bound or a change, not the value itself (``80% 이상``, ``3% 상승``)
_BOUND_AFTER = re.compile(r"\s*(?:이상|이하|미만|초과|내외|가량|정도|수준|안팎|증가|감소|상승|하락|향상|늘|줄)")


def text_facts(text: str) -> Iterator[tuple[int, str, float, str, str]]:
    """(year, label, value, unit, phrase) for each ``year label number unit`` of ``text``."""
    for m in _TEXT_FACT.finditer(text):
        label = m.group("label").strip()
        if not label or _NOT_THE_FACT.search(label) or _BOUND_AFTER.match(text, m.end()):
            continue
        year = int(m.group("full")) if m.group("full") else 2000 + int(m.group("short"))
        yield year, label, _value(m.group("n")), m.group("unit"), m.group(0).strip()


def _fact_key(name: str | None) -> str:
    from .base import norm

    return norm(name).replace("율", "률")


def _table_facts(doc: Document):
    """(year, measure label, record, column header or None, figure, unit) for every value of a
    year of the document's tables: the plan's statistics (a row or a column named by a year, as
    ``cross.document`` reads them) and the indicators' results (the year of the record)."""
    from ..model.plans import Statistic
    from ..model.records import Indicator
    from .documents import year_of

    for r in doc.of(Statistic):
        if r.is_total or _fact_key(r.name) in _TOTALS:
            continue
        row_year = year_of(r.name)
        for key, fig in r.figures.items():
            if not key.startswith("col:") or fig.value is None or _fact_key(key[4:]) in _TOTALS:
                continue
            header = key[4:]
            year, label = (row_year, header) if row_year is not None else (year_of(header), r.name)
            if year is not None:
                yield year, label, r, header, fig, fig.unit or r.unit or bare_unit(doc, fig, label)
    for ind in doc.of(Indicator):
        fig = ind.figures.get("actual")
        if ind.year is not None and fig is not None and fig.value is not None:
            yield ind.year, ind.name, ind, None, fig, ind.unit


_RATE_LABEL = re.compile(r"[률율]$|%|비율|비중")


def bare_unit(doc: Document, fig: Figure, label: str) -> str | None:
    """The unit of a cell printed without one, from the ``(단위: 건, %)`` note in force: the
    note's one unit that is neither ``%`` nor money, for a column that is no rate (``처리`` under
    ``건, %``); None when the note names two such units (which column is in which is unknown),
    money (amounts are in won), or nothing."""
    from .tables import note_in_force

    if fig.raw.strip().endswith("%") or "." in fig.raw or _RATE_LABEL.search(label.strip()):
        return None
    units = [u.strip() for u in re.split(r"[,，/·]", note_in_force(doc, fig.source.line) or "") if u.strip()]
    if any(u in MONEY or u == "원" for u in units):
        return None
    counts = [u for u in units if u != "%"]
    return counts[0] if len(counts) == 1 else None


def _department_at(doc: Document) -> "callable":
    """The department in force at a line outside every record: the one of the nearest record
    above it (a plan's general part: the department heading's tables and text)."""
    import bisect

    marks = sorted((r.source.line, r.department) for r in doc.records if r.department and r.source.line)
    lines = [m[0] for m in marks]

    def at(line: int) -> str | None:
        i = bisect.bisect_right(lines, line) - 1
        return marks[i][1] if i >= 0 else None

    return at


#: lines between a table's row and the text right under the table that restates it
_NEAR = 6


def _same_unit(text_unit: str, table_unit: str | None) -> bool:
    """The same unit, printed on both sides; never money (a table's money is in won, scaled by
    its unit note, the text's as printed)."""
    unit = (table_unit or "").strip()
    return bool(unit) and text_unit == unit and unit not in MONEY and unit != "원"


def compared_text_facts(doc: Document):
    """Every pair ``text.table_fact`` compares in one document: (record of the text, outline
    item, phrase, text value, unit, table record, header, table figure, exact) — a text stating
    a year's value of a label that a table of the same department states for the same year in
    the same unit. ``exact``: the text's label is the table's (up to spacing, 율 = 률) and, in a
    plan, the table belongs to the task of the text; else the table's label (3+ characters) is
    contained in the text's label — a looser match."""
    facts = list(_table_facts(doc))
    if not facts:
        return
    dept_at = _department_at(doc)
    for rec, item in _items(doc, headings=True):
        dept = _fact_key(getattr(rec, "department", None) if rec is not None else dept_at(item.source.line))
        task = _fact_key(getattr(rec, "name", None)) if isinstance(rec, PlanTask) else None
        for year, label, value, unit, phrase in text_facts(item.text):
            k = _fact_key(label)
            hits = []
            for fy, flabel, frec, header, fig, funit in facts:
                if fy != year or _fact_key(frec.department) != dept or not _same_unit(unit, funit):
                    continue
                fk = _fact_key(flabel)
                if not fk:
                    continue
                same_task = task is None or _fact_key(getattr(frec, "task", None)) in ("", task)
                if fk == k and same_task:
                    hits.append((frec, header, fig, True))
                elif len(fk) >= 3 and fk in k:
                    hits.append((frec, header, fig, False))
            exact = [h for h in hits if h[3]]
            hits = exact or hits
            if len({h[2].value for h in hits}) > 1:
                # several tables state it: the text right under one of them (within a few
                # lines below its row) restates that one
                near = [h for h in hits if 0 < item.source.line - h[2].source.line <= _NEAR]
                hits = near if len({h[2].value for h in near}) == 1 else hits
            if not hits or len({h[2].value for h in hits}) != 1:
                continue  # nothing stated, or two tables with two values: which one is unknown
            frec, header, fig, is_exact = hits[0]
            yield rec, item, phrase, value, unit, frec, header, fig, is_exact


@rule("text.table_fact", "본문·표 같은 사실",
      "본문이 적은 어느 해의 수치(예: '2020년 절감률 4.23%') = 같은 문서·같은 부서의 표가 적은 같은 해, 같은 이름, 같은 단위의 값")
def check_text_table_facts(documents: list[Document]) -> list[Finding]:
    from .base import fmt, rounding_slack

    out: list[Finding] = []
    for d in documents:
        for rec, item, phrase, value, unit, frec, header, fig, exact in compared_text_facts(d):
            diff = abs(fig.value - value)
            if diff < 1e-9:
                continue
            rounding = diff <= rounding_slack([fig, _printed(phrase, value, item)])
            severity = "info" if rounding else ("error" if exact else "warning")
            cell = " ".join(x for x in (frec.name, header) if x)
            out.append(Finding(
                rule="text.table_fact", severity=severity, doc=d.name,
                lines=sorted({item.source.line, fig.source.line}),
                message=(f"본문({item.source.line}행) '{phrase}' ≠ 표({fig.source.line}행 {cell}) "
                         f"{fmt(fig.value)}{unit}"
                         + (" (반올림 차이)" if rounding else "" if exact else " (이름이 비슷한 항목: 같은 사실인지 확인 필요)")),
                expected=fig.value, actual=value, municipality=d.municipality, year=d.year,
                department=frec.department, subject=frec.name))
    return out


def _printed(phrase: str, value: float, item: OutlineItem) -> Figure:
    """The text's number as a figure, its unit with it (its printed form sets the rounding
    slack: ``85%`` is a rate rounded to 1, ``85명`` an exact count)."""
    m = re.search(rf"({NUMBER})\s*(\S*)$", phrase)
    return Figure(value, (m.group(1) + m.group(2)) if m else str(value), item.source)
