"""A rounding difference that is more likely a misprint.

In a 천원 or 백만원 table a sum may miss its parts by a unit or so when every figure was
rounded on its own; the revenue and program rules report that as info (반올림 차이). But a
table rounded so shows such differences here and there. When every such difference of one
department's revenue (or program) table runs through one and the same row, and that table has
enough rows that hold exactly, one printed cell of that row explains them all better than
rounding does: the infos become warnings that name the row.

The same holds for the 재원 구분 of one document (국비 + 도비 + 시비 = 총액 on one line: a plan
task's 사업비 with its split, a budget row): a writer who rounds each figure on its own misses
about one split in three or four by a unit (two parts: 1 in 4; three: 1 in 3). When a
document prints at least :data:`MIN_EXACT_SPLITS` other splits in 천원/백만원/억원 over two or
more nonzero parts that add up exactly (three fewer, but at least :data:`MIN_CROSSED_SPLITS`,
when a column total through its row is off by the same amount: one cell explains both), and
only one split is a unit or so off, that split is more likely a misprint: its rounding infos (the split and the same line's breakdown in running
text), and a column total's rounding info through that row by the same amount, become
warnings. (The real plans print 17 such splits, each exact; 003 one more, off by far.) A total
over parts that are no split (``계 | 일반회계 | 특별회계 | 기금``, a 총계 row) is left to
rounding: the real 2022 plan prints such a 총계 one 백만원 off its parts with every other column
exact, and it is rounding of amounts kept in won; a document showing such a rounding
difference of a money total anywhere else keeps its split's as rounding too.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Document, Finding, PlanTask, Program, Revenue
from .base import precision

#: the families whose rounding infos are weighed, and the records of their tables
FAMILIES = {"revenue.": Revenue, "program.": Program}
#: rows of the department's table needed before exact rows say "not rounded"
MIN_ROWS = 6
ROUNDING = "(반올림 차이)"
#: exact splits (two or more nonzero parts, in 천원/백만원/억원) a document must print besides the
#: one that is off before that one is called a likely misprint rather than rounding
MIN_EXACT_SPLITS = 6
#: a column total through the off split's row, off by the same amount, counts as this many
#: exact splits: rounding leaves a sum exact about two times in three and a unit off one time in
#: three, so one more sum off through the same cell is as unlikely under rounding as three more
#: exact ones ((2/3)^3 ≈ 1/3); never fewer exact splits than MIN_CROSSED_SPLITS
CROSSING_WEIGHT = 3
MIN_CROSSED_SPLITS = 3
#: the rules whose rounding infos on a split's line or through its row share its difference
SPLIT_RULES = ("split.sources", "text.breakdown", "table.total", "table.total_column", "table.grouped_total")


def _family(rule_id: str) -> str | None:
    return next((p for p in FAMILIES if rule_id.startswith(p)), None)


def suspect_rounding(documents: list[Document], findings: list[Finding]) -> None:
    """Turn the rounding infos of a table into warnings when they all share one row, and those
    of a document's one inexact 재원 구분 when its other splits are exact."""
    _suspect_splits(documents, findings)
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


# --- the 재원 구분 of one document -------------------------------------------------------------

_SPLIT_KEYS = ("national", "provincial", "national_provincial", "city")


def splits(d: Document) -> list[tuple[int, int, int]]:
    """(line, Σ parts, total) in won per split a rounding could touch: a plan task's or a
    budget row's 총액 with its 국비/도비/시비 printed on the same line, in a scaled unit (천원 and
    up, every figure), over at least two nonzero parts (a total that is its one part rounds the
    same way: no rounding there). A split printed again with the same figures (a task restating
    its row of the budget table) is one split: a copy is no second sign of exactness."""
    out = []
    seen: set[tuple] = set()
    for r in d.records:
        if not (isinstance(r, PlanTask) or type(r).__name__ == "BudgetItem"):
            continue
        total = r.figures.get("budget")
        parts = [r.figures[k] for k in _SPLIT_KEYS if k in r.figures]
        if total is None or total.value is None or not parts or not total.source.line:
            continue
        if any(p.source.line != total.source.line for p in parts):
            continue
        nonzero = [p for p in parts if p.value]
        if len(nonzero) < 2 or any(precision(f) < 1000 for f in [total] + nonzero):
            continue
        if isinstance(total.value, float) or any(isinstance(p.value, float) for p in nonzero):
            continue
        key = (total.amount, tuple(sorted(p.amount for p in nonzero)))
        if key in seen and sum(p.amount for p in parts) == total.amount:
            continue
        seen.add(key)
        out.append((total.source.line, sum(p.amount for p in parts), total.amount))
    return out


def _suspect_splits(documents: list[Document], findings: list[Finding]) -> None:
    by_doc: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.rule in SPLIT_RULES and f.severity == "info" and ROUNDING in f.message and f.lines:
            by_doc[f.doc].append(f)
    for d in documents:
        infos = by_doc.get(d.name)
        if not infos:
            continue
        rows = splits(d)
        exact = {line for line, s, t in rows if s == t}
        off = {(line, t - s) for line, s, t in rows if s != t}
        if len(off) != 1:
            continue
        ((line, delta),) = off
        if line in exact or not any(f.rule == "split.sources" and f.lines == [line] for f in infos):
            continue
        # the split's own rounding infos: on its line, or on it and a table's header lines (a
        # grouped header's 계 over 국비/도비/시비 is the same row's split)
        header = {n for t in d.tables for n in t.header_lines}
        same_line = [f for f in infos if line in f.lines and set(f.lines) - {line} <= header]
        # a column total through the row, off by the same amount: the one cell explains both
        through = [f for f in infos if f not in same_line and line in f.lines and f.rule != "split.sources"
                   and _won_delta(f) == delta]
        if len(exact) < max(MIN_CROSSED_SPLITS, MIN_EXACT_SPLITS - CROSSING_WEIGHT * len(through)):
            continue
        if any(f not in same_line and f not in through for f in infos):
            continue  # the document rounds elsewhere (a total a unit off its rows): rounding it may be
        also = f", 같은 차이로 {', '.join(sorted({_what(f) for f in through}))} 합계도 어긋남" if through else ""
        why = (f" (반올림 차이로 보기 어려움: 이 문서의 다른 재원 구분 {len(exact)}건(천원·백만원 단위, 둘 이상의 재원)은 "
               f"모두 정확히 맞고 차이는 {line}행뿐{also} — {line}행의 오기일 수 있음)")
        for f in same_line + through:
            f.severity = "warning"
            note = why if f.rule in ("split.sources", "table.total") else f" (반올림 차이로 보기 어려움: {line}행의 재원 구분과 같은 차이)"
            f.message = f.message.replace(" " + ROUNDING, "").replace(ROUNDING, "") + note


def _what(f: Finding) -> str:
    """The column of a table total's message (``주요사업 예산현황 시비: 계 …`` → 시비)."""
    head = f.message.split(":", 1)[0].strip()
    return head.rsplit(" ", 1)[-1] if " " in head else head


def _won_delta(f: Finding) -> int | None:
    """A table total's difference (total − Σ rows) in won, when the finding states both in won."""
    try:
        return int(f.actual) - int(f.expected)
    except (TypeError, ValueError):
        return None
