"""The rules: one check per identity family, run over loaded documents.

``run_rules(documents)`` first stores the project's own computations on the records
(``rate_computed``, ``grade_computed``), then runs every registered rule. A crash inside a
rule becomes a finding of that rule (severity error) instead of stopping the others.
"""

from __future__ import annotations

import traceback

from ..model import Document, Finding
from . import indicators, revenue, programs, settlement, cross, tables, plans  # noqa: F401,I001  (registers the rules in this order)
from .base import RULES, Rule, fmt, rule
from .direction import direction_of, infer_direction
from .indicators import compute, grade_of, rate_of

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def run_rules(documents: list[Document], only: list[str] | None = None) -> list[Finding]:
    """Every registered rule (or those whose id or family is in ``only``) over the documents."""
    out: list[Finding] = []
    try:
        compute(documents)
    except Exception as e:  # noqa: BLE001 — a crash is a finding, not a stop
        out.append(_crash("indicator.compute", documents, e))
    for rule_id, r in RULES.items():
        if only and rule_id not in only and r.family not in only:
            continue
        try:
            out.extend(r.func(documents))
        except Exception as e:  # noqa: BLE001
            out.append(_crash(rule_id, documents, e))
    _soften_unreadable(documents, out)
    out.sort(key=lambda f: (f.doc, min(f.lines) if f.lines else 0, SEVERITY_ORDER.get(f.severity, 3), f.rule))
    return out


UNCERTAIN = " — 읽기 경고가 있는 행(열 정렬 불확실)이라 경고로 낮춤"


def _soften_unreadable(documents: list[Document], findings: list[Finding]) -> None:
    """An arithmetic error on a line whose values the reader could not place in columns with
    confidence (a ``read.*`` warning on that line) is reported as a warning: the numbers
    disagree, but which column is wrong is uncertain."""
    shaky: set[tuple[str, int]] = set()
    for d in documents:
        for f in d.findings:
            if f.rule.startswith("read.") and f.rule != "read.unit" and f.severity == "warning":
                shaky.update((d.name, n) for n in f.lines)
    for f in findings:
        if f.severity == "error" and any((f.doc, n) in shaky for n in f.lines):
            f.severity = "warning"
            f.message += UNCERTAIN


def _crash(rule_id: str, documents: list[Document], e: Exception) -> Finding:
    where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    at = f" ({where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return Finding(
        rule=rule_id,
        severity="error",
        doc=documents[0].name if documents else "",
        lines=[],
        message=f"규칙 실행 중 오류 / rule crashed: {type(e).__name__}: {e}{at}",
    )


__all__ = ["RULES", "Rule", "compute", "direction_of", "fmt", "grade_of", "infer_direction", "rate_of", "rule", "run_rules"]
