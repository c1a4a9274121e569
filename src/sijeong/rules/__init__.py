"""The rules: one check per identity family, run over loaded documents.

``run_rules(documents)`` first stores the project's own computations on the records
(``rate_computed``, ``grade_computed``), then runs every registered rule. A crash inside a
rule becomes a finding of that rule (severity error) instead of stopping the others.
"""

from __future__ import annotations

import traceback

from ..model import Document, Finding
from . import indicators, revenue, programs, settlement, cross, documents, tables, grouped, rates, text_facts, text_money, plans  # noqa: F401,I001  (registers the rules in this order)
from .base import RULES, Rule, fmt, rule
from .direction import direction_of, infer_direction
from .indicators import compute, derived_rate_and_grade, grade_of, rate_of
from .rounding import suspect_rounding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def run_rules(documents: list[Document], only: list[str] | None = None, *,
              context: list[Document] = ()) -> list[Finding]:
    """Every registered rule (or those whose id or family is in ``only``) over the documents.

    ``context``: documents of the municipality beyond the scope checked (from the store: the
    parts of other years' documents a cross-document rule compares with, e.g. the indicator
    results of earlier reports, :func:`documents.needs_reports`). Only the rules registered with
    ``context=True`` see them; findings on them are not this scope's (they are made when
    their own scope is checked) and are dropped."""
    out: list[Finding] = []
    mine = {d.name for d in documents}
    context = [d for d in context if d.name not in mine]
    theirs = {d.name for d in context}
    try:
        compute(documents)
    except Exception as e:  # noqa: BLE001 — a crash is a finding, not a stop
        out.append(_crash("indicator.compute", documents, e))
    for rule_id, r in RULES.items():
        if only and rule_id not in only and r.family not in only:
            continue
        try:
            if r.context and context:
                out.extend(f for f in r.func(documents + context) if f.doc not in theirs)
            else:
                out.extend(r.func(documents))
        except Exception as e:  # noqa: BLE001
            out.append(_crash(rule_id, documents, e))
    suspect_rounding(documents, out)
    _soften_unreadable(documents, out)
    out = merge_same_defect(out)
    out.sort(key=finding_order)
    return out


def finding_order(f: Finding) -> tuple:
    """The order findings are given in: by document, first line, severity, rule."""
    return f.doc, min(f.lines) if f.lines else 0, SEVERITY_ORDER.get(f.severity, 3), f.rule


UNCERTAIN = "열 정렬 불확실: "
READING = " — 읽은 방식: "
FLAGS = ("read.alignment", "read.hierarchy")


def _korean(message: str) -> str:
    return message.split(" / ", 1)[0]


def _soften_unreadable(documents: list[Document], findings: list[Finding]) -> None:
    """An arithmetic error on rows whose values the reader could not place in columns with
    confidence is reported as a warning: the numbers disagree, but which column is wrong is
    uncertain. That is an error every line of which lies on a row the reader flagged
    (``read.alignment``, or ``read.hierarchy`` when it could not settle the structure), or an
    error touching a row with a ``read.*`` warning (values it could not place). The message
    starts with "열 정렬 불확실:" and ends with the reading used (the reader's own words) and
    the alternative it gives, if any."""
    flagged: dict[tuple[str, int], list[Finding]] = {}
    shaky: set[tuple[str, int]] = set()
    for d in documents:
        for f in d.findings:
            if not f.rule.startswith("read.") or f.rule == "read.unit":
                continue
            if f.severity == "warning":
                shaky.update((d.name, n) for n in f.lines)
            if f.rule in FLAGS and f.severity in ("warning", "info"):
                for n in f.lines:
                    flagged.setdefault((d.name, n), []).append(f)
    for f in findings:
        if f.severity != "error" or not f.lines:
            continue
        keys = [(f.doc, n) for n in f.lines]
        if not (all(k in flagged for k in keys) or any(k in shaky for k in keys)):
            continue
        used: list[str] = []
        other: list[str] = []
        for k in keys:
            for r in flagged.get(k, []):
                if r.rule == "read.alignment":
                    raws = r.actual if isinstance(r.actual, list) else [r.actual]
                    note = f"{k[1]}행 {', '.join(str(x) for x in raws)}"
                else:
                    note = f"{k[1]}행 {_korean(r.message)}"
                    if r.expected:
                        other.append(f"{r.expected} 이외의 열로 정한 구조")
                if note not in used:
                    used.append(note)
        shown = "; ".join(used[:4]) + (f" 외 {len(used) - 4}행" if len(used) > 4 else "")
        f.severity = "warning"
        f.message = (f"{UNCERTAIN}{f.message}{READING}어느 열에도 맞지 않는 값"
                     f"{f'({shown})' if shown else ''}을 빼고 읽음; 다른 읽기: "
                     f"{', '.join(dict.fromkeys(other)) if other else '읽기가 제시하지 않음'}"
                     " / column alignment uncertain")


RULES_TAIL = " / one defect, rules: "


def rules_of(f: Finding) -> list[str]:
    """Every rule that saw the defect of ``f``: its own id, then those merged into it
    (named at the end of its message — the stored finding has one ``rule`` column)."""
    head, sep, tail = f.message.rpartition(RULES_TAIL)
    if not sep:
        return [f.rule]
    return list(dict.fromkeys([f.rule] + [r.strip() for r in tail.split(",") if r.strip()]))


def _same(a: Finding, b: Finding) -> bool:
    if a.doc != b.doc or a.severity != b.severity:
        return False
    if a.lines and a.lines == b.lines:
        return True
    if a.expected is None or a.actual is None:
        return False
    if (repr(a.expected), repr(a.actual)) != (repr(b.expected), repr(b.actual)):
        return False
    return bool(set(a.lines) & set(b.lines)) or (a.subject is not None and a.subject == b.subject)


def merge_same_defect(findings: list[Finding]) -> list[Finding]:
    """One defect, one finding: findings of one document and severity on the same set of
    lines, or stating the same expected/actual pair on overlapping lines or about the same
    subject (a figure printed twice), become one finding listing every line. ``rule`` stays
    the first rule's; the message lists the others' messages and every rule id."""
    groups: list[list[Finding]] = []
    for f in findings:
        for g in groups:
            if any(_same(f, h) for h in g):
                g.append(f)
                break
        else:
            groups.append([f])
    out: list[Finding] = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
            continue
        first = g[0]
        cores: list[str] = []
        tails: list[str] = []
        softened = False
        for h in g:
            core, sep, tail = h.message.partition(READING)
            if core.startswith(UNCERTAIN):
                softened, core = True, core[len(UNCERTAIN):]
            if core not in cores:
                cores.append(core)
            if sep and sep + tail not in tails:
                tails.append(sep + tail)
        rules = list(dict.fromkeys(h.rule for h in g))
        first.lines = sorted({n for h in g for n in h.lines})
        first.related = _merged_related(g)
        first.message = ((UNCERTAIN if softened else "") + " ; ".join(cores) + "".join(tails)
                         + f" — 같은 결함 {len(g)}건{RULES_TAIL}{', '.join(rules)}")
        out.append(first)
    return out


def _merged_related(group: list[Finding]) -> list[dict]:
    """The other documents' lines of a group of findings, one entry per document."""
    by_doc: dict[str, set[int]] = {}
    for h in group:
        for r in h.related:
            by_doc.setdefault(r["doc"], set()).update(r["lines"])
    return [{"doc": d, "lines": sorted(ls)} for d, ls in by_doc.items()]


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


__all__ = ["RULES", "Rule", "compute", "direction_of", "fmt", "grade_of", "infer_direction", "merge_same_defect", "rate_of", "rule", "rules_of", "run_rules"]
