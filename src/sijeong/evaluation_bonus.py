"""가점 of the department evaluation from 제안제도 and 협업포인트 (issue 13: "the adoption and
implementation counts feed the department evaluation's bonus", "the department totals that feed
the evaluation"; issue 12: 협업포인트 우수부서 가점, 제안 채택·시행 가점; ``docs/evaluation.md``).

Per member department of a scheme, from the scheme's municipality and year:

- ``suggestions``: the suggestions received that year by 소관부서, adopted (implemented ones
  included) and implemented — ``adopted × per_adopted + implemented × per_implemented``, at most
  the component's maximum (``model/evaluation.py`` ``suggestion_bonus``);
- ``collaboration``: the 협업포인트 the department's people received that year (thanks and special
  points, by the department each was in at the time) — the component's maximum × received ÷ the
  best member department's (``collaboration_bonus``).

Written as the scores of the computed evaluator ``<suggestions>`` or ``<collaboration>`` of a
``bonus`` component through ``operations.write`` (``evaluation.score``; ``admin`` and
``performance`` only), one per department (0 included), replaced when the figures change; not
while the scheme is published.
"""

from __future__ import annotations

from typing import Any

from .evaluation import Hidden, _component, _scheme_or_invalid, scheme_summary, sees_all
from .evaluation_cycle import write_computed_scores
from .model import evaluation as scoring
from .operations import Actor, Invalid
from .store import collaboration as collab_store
from .store import suggestions as suggestion_store

#: the evaluator name of the scores computed from each source (not an account: a computed source)
EVALUATORS = {"suggestions": "<suggestions>", "collaboration": "<collaboration>"}


def _bonus_component(s: dict[str, Any], component: str) -> dict[str, Any]:
    comp = _component(s, component)
    if comp["kind"] != "bonus":
        raise Invalid(f"가점 구성요소가 아닙니다 / not a bonus component: {component!r}")
    return comp


def _source(source: str) -> str:
    if source not in EVALUATORS:
        raise Invalid(f"source: {', '.join(EVALUATORS)} 중 하나 / one of {', '.join(EVALUATORS)}: {source!r}")
    return source


def _rule(rule: scoring.SuggestionRule | None) -> scoring.SuggestionRule:
    return rule if rule is not None else scoring.SuggestionRule()


def suggestion_rule(per_adopted: Any, per_implemented: Any) -> scoring.SuggestionRule:
    """The 제안 가점 rule from two numbers (:class:`Invalid` when one cannot be taken)."""
    try:
        return scoring.SuggestionRule(per_adopted, per_implemented)
    except scoring.SchemeError as e:
        raise Invalid(str(e)) from None


def _computed(conn, s: dict[str, Any], comp: dict[str, Any], source: str,
              rule: scoring.SuggestionRule) -> list[dict[str, Any]]:
    """Per member department: its figures of the year and the bonus on the component's scale."""
    members = [(g["name"], d) for g in s["groups"] for d in g["departments"]]
    depts = [d for _, d in members]
    if source == "suggestions":
        figures = {f["department"]: f for f in suggestion_store.department_suggestion_figures(
            conn, municipality=s["municipality"], year=s["year"]) if f["department"]}
        bonus = scoring.suggestion_bonus({d: (f["adopted"], f["implemented"]) for d, f in figures.items()}, depts,
                                         rule, comp["weight"])
        return [{"department": d, "group": g, "suggested": figures.get(d, {}).get("suggested", 0),
                 "adopted": figures.get(d, {}).get("adopted", 0),
                 "implemented": figures.get(d, {}).get("implemented", 0), "score": float(bonus[d])}
                for g, d in members]
    received: dict[str, int] = {}
    for e in collab_store.department_points(conn, municipality=s["municipality"], year=s["year"]):
        if e["department"]:
            received[e["department"]] = received.get(e["department"], 0) + e["received"]
    bonus = scoring.collaboration_bonus(received, depts, comp["weight"])
    best = max((received.get(d, 0) for d in depts), default=0)
    return [{"department": d, "group": g, "received": received.get(d, 0), "best": best, "score": float(bonus[d])}
            for g, d in members]


def _answer(s: dict[str, Any], comp: dict[str, Any], source: str, rule: scoring.SuggestionRule,
            rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = {"scheme": scheme_summary(s), "component": comp["key"], "source": source,
           "source_label": scoring.BONUS_SOURCES[source], "evaluator": EVALUATORS[source], "cap": comp["weight"],
           "departments": rows}
    if source == "suggestions":
        out["rule"] = {"per_adopted": float(rule.per_adopted), "per_implemented": float(rule.per_implemented)}
    else:
        out["rule"] = {"proportional_to_best": True}
    return out


def bonus_preview(conn, actor: Actor | None, scheme_id: int, *, component: str, source: str,
                  rule: scoring.SuggestionRule | None = None) -> dict[str, Any]:
    """The bonus the year's figures give (nothing written): ``admin``/``performance`` only
    (:class:`Hidden` otherwise, as an unpublished scheme)."""
    s = _scheme_or_invalid(conn, scheme_id)
    if not sees_all(actor):
        raise Hidden(f"평가가 없습니다 / no such scheme: {scheme_id}")
    comp, source, rule = _bonus_component(s, component), _source(source), _rule(rule)
    return _answer(s, comp, source, rule, _computed(conn, s, comp, source, rule))


def _note(d: dict[str, Any], comp: dict[str, Any], source: str, rule: scoring.SuggestionRule) -> str:
    if source == "suggestions":
        how = (f"채택 {d['adopted']}건×{float(rule.per_adopted):g} + 실시 {d['implemented']}건×"
               f"{float(rule.per_implemented):g}, 최대 {comp['weight']:g}")
    else:
        how = f"받은 협업포인트 {d['received']}P ÷ 최고 {d['best']}P × {comp['weight']:g}"
    return f"{d['department']} {comp['label']} ({how})"


def score_from_figures(engine, actor: Actor, *, scheme_id: int, component: str, source: str,
                       rule: scoring.SuggestionRule | None = None) -> dict[str, Any]:
    """Write the bonus of every member department computed from ``source`` (``suggestions`` or
    ``collaboration``) as the scores of its evaluator (``<suggestions>``, ``<collaboration>``)
    of the ``bonus`` component; an unchanged score is left alone. ``admin``/``performance``
    only; not while the scheme is published. Returns the preview with ``written``."""
    source, rule = _source(source), _rule(rule)
    fresh, comp, rows, written = write_computed_scores(
        engine, actor, scheme_id, evaluator=EVALUATORS[source], pick=lambda s: _bonus_component(s, component),
        compute=lambda conn, s, comp: _computed(conn, s, comp, source, rule),
        note=lambda d, comp: _note(d, comp, source, rule))
    return _answer(fresh, comp, source, rule, rows) | {"written": written}
