"""The same fact in two documents of one municipality: a year's indicator result as the
settlement and performance report of that year prints it, and as a later work plan restates
it in one of its tables (``[연도별 승소율 현황] 2020 90%``, ``계약심사 … 2020년 … 절감률 4.23%``).

What the readers store from a plan is a :class:`~sijeong.model.plans.Statistic` row with its
values by column header; the plan's record carries the plan's year, so the year of a value is
read from its labels: the row's name (``2020년``: every column is a measure) or the column
header (``2020``, ``'20``, ``민선 7기 '20``: the row's name is the measure). Only years before
the plan's own year are restated facts (the plan's year is a target).

A pair is compared when the report's indicator and the plan's value are of the same
municipality, department (normalised) and year, name the same thing — the measure's label is
the indicator's name up to extraction noise, or is contained in it (``승소율`` in ``소송 승소율
제고``; 율 and 률 are one suffix) — and are the same measure (the same unit when the plan's cell
prints one; a rate label for a % indicator). A plan that restates one indicator-year with two
different values is ambiguous and left alone.

A plan may also restate a result in words, in a task's outline or a line outside tables and tasks
(``'24년 실적 : 민원 처리 건수 30건``, read by ``text_facts``): each such line is a statistics
row of its own (section 본문) of the task's department, or of the nearest statistics row's above.

One difference is one finding, the plan's: the later document restates the report's official
record, so the finding is stored and replaced with the plan's scope (``doc``, ``year`` and
``lines``: the plan's year and the line of its value; ``actual``: the plan's value) and lists the
report's lines beside its own (``related``: the report's document and every printing of the
indicator's 실적 there — a '19 실적 printed in the FY2020 report too; ``expected``: the report's
value); the message names both.

Checked one municipality-year at a time from the store, a scope holding a plan is given, as
context, the indicators of the earlier years in the municipality's reports
(:func:`needs_reports`; ``operations.context_of`` reads them), and storing a report re-checks the
scopes of the plans restating its results (:func:`indicator_years`): the finding is made there.
A scope holding a report is given no later plans: the finding is the plan's and is left to
the plan's scope, and storing a work plan re-checks the scopes of the reports holding results
of the years it restates
(:func:`restated_years`; no longer needed for this rule's findings, which stay with the plan,
but it keeps the upload's preview and the re-check the same scopes). So the findings are the
same whether the documents are checked together or one scope at a time, in
either order of storing. Severity: warning (a match by name across documents,
written by different offices, is not certain), info when rounding of the printed figures
explains the difference.
"""

from __future__ import annotations

import re

from ..model import Document, Figure, Finding
from ..model.plans import Statistic
from ..model.records import Indicator
from .base import finding, fmt, lines_of, norm, rounding_slack, rule, similar

#: a label that is a year alone: ``2020``, ``2020년``, ``'20``, ``‘20년도`` (after an optional
#: group prefix in a column header: ``민선 7기 '20``)
_YEAR = re.compile(r"(?:^|\s)(?:(?P<full>(?:19|20)\d\d)|['‘’](?P<short>\d\d))\s*(?:년도?)?\s*$")
_TOTALS = {"계", "합계", "총계", "소계"}
_RATE = re.compile(r"[률율]$|%")


def year_of(label: str | None) -> int | None:
    m = _YEAR.search((label or "").strip())
    if not m:
        return None
    return int(m.group("full")) if m.group("full") else 2000 + int(m.group("short"))


def _key(name: str | None) -> str:
    return norm(name).replace("율", "률")


def restated(plan: Document) -> list[tuple[int, str, Statistic, str, Figure]]:
    """(year, measure label, record, column header, figure) for every value of ``plan``'s
    statistics tables that states a year before the plan's own."""
    out = []
    for r in plan.of(Statistic):
        if r.is_total or norm(r.name) in _TOTALS:
            continue
        row_year = year_of(r.name)
        for key, fig in r.figures.items():
            if not key.startswith("col:") or fig.value is None:
                continue
            header = key[4:]
            if norm(header) in _TOTALS:
                continue
            if row_year is not None:
                year, label = row_year, header
            else:
                year, label = year_of(header), r.name
            if year is None or plan.year is None or year >= plan.year:
                continue
            out.append((year, label, r, header, fig))
    out += [t for t in _text_restated(plan) if plan.year is not None and t[0] < plan.year]
    return out


def _text_restated(plan: Document) -> list[tuple[int, str, Statistic, str | None, Figure]]:
    """The plan's lines of text that state a year's value (``'24년 실적 : 민원 처리 건수 30건``):
    its tasks' outlines (the task's department) and the lines outside tables and tasks
    (``Document.headings``: the department of the nearest statistics row above). Each is given
    as a statistics row of its own (section 본문) — what a plan rebuilt from the store (its
    statistics, tasks and headings) gives too."""
    import bisect

    from ..model import Source
    from .text_facts import text_facts

    from ..model import PlanTask
    from .text_facts import _walk

    rows = sorted((r.source.line, r.department) for r in plan.of(Statistic) if r.department)
    lines = [ln for ln, _ in rows]

    def department_at(line: int) -> str | None:
        i = bisect.bisect_right(lines, line) - 1
        return rows[i][1] if i >= 0 else None

    said = [(h.source.line, h.text, department_at(h.source.line)) for h in plan.headings]
    said += [(o.source.line, o.text, t.department) for t in plan.of(PlanTask) for o in _walk(t.sections)]
    out = []
    for line, text, department in sorted(said, key=lambda x: x[0]):
        text = text.strip()
        if "\t" in text:
            continue
        for year, label, value, unit, phrase in text_facts(text):
            src = Source(plan.name, line)
            number = re.search(r"[\d,]+(?:\.\d+)?\s*\S*$", phrase)
            fig = Figure(int(value) if float(value).is_integer() and "." not in phrase[-12:] else value,
                         number.group(0) if number else str(value), src, unit)
            r = Statistic(source=src, name=label, municipality=plan.municipality, year=plan.year,
                          department=department, section="본문")
            r.figures[f"col:{year}년"] = fig
            out.append((year, label, r, None, fig))
    return out


def restated_years(plan: Document) -> set[int]:
    """The years before its own of which ``plan`` restates a value (the years whose reports'
    findings it may change)."""
    if plan.family != "work_plan":
        return set()
    return {year for year, *_ in restated(plan)}


def needs_reports(documents: list[Document]) -> dict[str, int]:
    """municipality -> the latest year of the work plans of ``documents``: the indicator
    results of earlier years in that municipality's reports are what the plans' restatements
    are compared with (the context of a scope of plans checked alone)."""
    out: dict[str, int] = {}
    for plan in documents:
        if plan.family == "work_plan" and plan.year is not None and plan.municipality:
            out[plan.municipality] = max(out.get(plan.municipality, plan.year), plan.year)
    return out


def indicator_years(report: Document) -> set[int]:
    """The years of the indicator results ``report`` holds (the plans restating them are
    re-checked when it is stored)."""
    if report.family != "settlement_report":
        return set()
    return {i.year for i in report.of(Indicator) if i.year is not None and "actual" in i.figures and i.actual is not None}


def _same_name(indicator: str, label: str) -> bool:
    if similar(indicator, label):
        return True
    k = _key(label)
    return len(k) >= 3 and k in _key(indicator)


def _same_department(ind: Indicator, r: Statistic, label: str) -> bool:
    """The same department; when the reader of either document could not tell the
    department, only the indicator's own name (up to extraction noise, not a part of it)."""
    if ind.department and r.department:
        return norm(r.department) == norm(ind.department)
    return similar(ind.name, label)


def _same_measure(ind: Indicator, label: str, fig: Figure) -> bool:
    unit = (ind.unit or "").strip()
    if fig.unit:
        return fig.unit == unit
    if unit == "%":
        return bool(_RATE.search(label.strip()))
    return not _RATE.search(label.strip())


def _printings(ind: Indicator) -> list[Figure]:
    figs = [ind.figures["actual"]] if "actual" in ind.figures else []
    figs += [a.figures["actual"] for a in ind.appearances if "actual" in a.figures]
    return figs


def compared(documents: list[Document]):
    """Every pair the rule compares: (report, indicator, plan, plan record, column header,
    plan figure) — the indicator's 실적 of year Y and the one value a later plan of the same
    municipality states for it (same department, name and measure)."""
    plans = [d for d in documents if d.family == "work_plan" and d.year is not None]
    facts = {p.name: restated(p) for p in plans}
    for rep in documents:
        if rep.family != "settlement_report":
            continue
        for ind in rep.of(Indicator):
            if ind.year is None or "actual" not in ind.figures or ind.actual is None:
                continue
            for plan in plans:
                if plan.municipality != rep.municipality or plan.year <= ind.year:
                    continue
                hits = [(r, header, fig) for year, label, r, header, fig in facts[plan.name]
                        if year == ind.year and _same_department(ind, r, label)
                        and _same_name(ind.name, label) and _same_measure(ind, label, fig)]
                if not hits or len({fig.value for _, _, fig in hits}) != 1:
                    continue  # nothing restated, or restated twice with two values: ambiguous
                r, header, fig = hits[0]
                yield rep, ind, plan, r, header, fig


@rule("cross.document", "문서 간 같은 사실",
      "그해 결산·성과보고서의 성과지표 실적 = 이후 주요업무계획 표가 다시 적은 같은 해 실적 (같은 부서, 비슷한 이름, 같은 단위)",
      context=True)
def check_cross_document(documents: list[Document]) -> list[Finding]:
    out: list[Finding] = []
    for rep, ind, plan, r, header, fig in compared(documents):
        mine = ind.figures["actual"]
        diff = abs(fig.value - ind.actual)
        if diff < 1e-9:
            continue
        severity = "info" if diff <= rounding_slack([mine, fig]) else "warning"
        unit = ind.unit or ""
        cell = " ".join(x for x in (r.section if r.section != r.name else None, r.name, header) if x)
        lines = lines_of(*_printings(ind))
        # one defect, one finding: the plan's (the later document, restating the report's
        # official record), with the report's lines beside its own (``related``)
        msg = (f"{r.department or ind.department or ''} {ind.name} {ind.year}년 실적: {plan.year}년 주요업무계획 "
               f"{fmt(fig.value)}{fig.unit or unit} ({cell}) ≠ {rep.year}년 결산·성과보고서 {fmt(ind.actual)}{unit} "
               f"({rep.name}:{','.join(map(str, lines))}행)"
               + (" (반올림 차이)" if severity == "info" else "")
               + " / the same fact in two documents (the lines of both are the finding's)").strip()
        f = finding("cross.document", severity, r, lines_of(fig), msg, expected=ind.actual, actual=fig.value,
                    doc=plan.name, subject=ind.name, department=r.department or ind.department)
        f.year = plan.year
        f.related = [{"doc": rep.name, "lines": lines}]
        out.append(f)
    return out
