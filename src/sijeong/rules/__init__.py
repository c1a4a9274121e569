"""The rules: one check per identity family, run over loaded documents.

``run_rules(documents)`` first stores the project's own computations on the records
(``rate_computed``, ``grade_computed``), then runs every registered rule. A crash inside a
rule becomes a finding of that rule (severity error) instead of stopping the others.
"""

from __future__ import annotations

import traceback

from ..model import Document, Finding
from . import indicators, revenue, programs, settlement, cross, tables  # noqa: F401,I001  (registers the rules in this order)
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
    out.sort(key=lambda f: (f.doc, min(f.lines) if f.lines else 0, SEVERITY_ORDER.get(f.severity, 3), f.rule))
    return out


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
