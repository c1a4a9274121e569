"""A rounding difference that is more likely a misprint.

In a 천원 or 백만원 table a sum may miss its parts by a unit or so when every figure was
rounded on its own; the revenue and program rules report that as info (반올림 차이). But a
table rounded so shows such differences here and there. When every such difference of one
department's revenue (or program) table runs through one and the same row, and that table has
enough rows that hold exactly, one printed cell of that row explains them all better than
rounding does: the infos become warnings that name the row.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Document, Finding, Program, Revenue

#: the families whose rounding infos are weighed, and the records of their tables
FAMILIES = {"revenue.": Revenue, "program.": Program}
#: rows of the department's table needed before exact rows say "not rounded"
MIN_ROWS = 6
ROUNDING = "(반올림 차이)"


def _family(rule_id: str) -> str | None:
    return next((p for p in FAMILIES if rule_id.startswith(p)), None)


def suspect_rounding(documents: list[Document], findings: list[Finding]) -> None:
    """Turn the rounding infos of a table into warnings when they all share one row."""
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        fam = _family(f.rule)
        if fam and f.severity == "info" and ROUNDING in f.message and f.lines:
            groups[(f.doc, fam, f.department)].append(f)
    by_name = {d.name: d for d in documents}
    for (doc, fam, dept), fs in groups.items():
        d = by_name.get(doc)
        if d is None:
            continue
        rows = [r for r in d.of(FAMILIES[fam]) if r.department == dept]
        if len(rows) < MIN_ROWS:
            continue
        common = set(fs[0].lines)
        for f in fs[1:]:
            common &= set(f.lines)
        if not common:
            continue
        involved = {n for f in fs for n in f.lines}
        exact = len({r.source.line for r in rows} - involved)
        if exact < MIN_ROWS - 1:
            continue
        line = min(common) if len(common) == 1 else None
        row = f"{line}행" if line else f"{', '.join(str(n) for n in sorted(common))}행 중 한 곳"
        for f in fs:
            f.severity = "warning"
            f.message = (f.message.replace(" " + ROUNDING, "").replace(ROUNDING, "")
                         + f" (반올림 차이로 보기 어려움: 이 표의 차이는 모두 {row}을 지나고 다른 {exact}개 행은 정확히 맞음 — "
                           f"{row}의 오기일 수 있음)")
