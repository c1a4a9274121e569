"""정량 추진실적 of the department evaluation from the year's performance cycle (issue 12 part 1:
"정량: 추진실적 … from the cycle's accepted results"; ``docs/evaluation.md``).

Per department of a scheme: its confirmed plan indicators of the scheme's year with an
accepted result of the annual period, each one's 달성률 (``grades.rate_of``'s formula, exact;
counted at most 100%), weighted by the plan's 가중치 (equal weights unless every one has one),
on the component's scale (``model/evaluation.py`` ``achieved``, ``performance_score``). Written
as the scores of the evaluator ``<cycle>`` through ``operations.write`` (``evaluation.score``);
the preview and the write are for ``admin`` and ``performance`` only.
"""

from __future__ import annotations

from typing import Any, Callable

from . import operations
from .evaluation import MANAGERS, Hidden, _component, _now, _num, _scheme_or_invalid, _scope_of, scheme_summary, \
    sees_all
from .model import evaluation as scoring
from .operations import Actor, Invalid, Refused
from .rules import infer_direction
from .store import cycle as cycle_store
from .store import evaluation as store

#: the evaluator name of the scores computed from the cycle (not an account: a computed source)
CYCLE_EVALUATOR = "<cycle>"


def _cycle_performance(conn, s: dict[str, Any], comp: dict[str, Any]) -> list[dict[str, Any]]:
    """Per department of the scheme: its confirmed plan indicators of the scheme's year with an
    accepted result of the annual period, each one's 달성률 and counted rate, and the score."""
    year = s["year"]
    plan = [r for r in cycle_store.plan_indicators(conn, s["municipality"], year, status="confirmed")
            if r["target"] is not None]
    annual = {r["indicator_id"]: r for r in cycle_store.results_of(conn, [p["id"] for p in plan])
              if r["period"] == str(year) and r["status"] == "accepted" and r["actual"] is not None}
    out = []
    for g in s["groups"]:
        for d in g["departments"]:
            rows = [p for p in plan if p["department"] == d and p["id"] in annual]
            weighted = bool(rows) and all(p["weight"] for p in rows)
            items = []
            for p in rows:
                direction = p["direction"] or infer_direction(p["unit"], p["name"], p["formula"])[0]
                items.append((p, scoring.achieved(p["name"], p["target"], annual[p["id"]]["actual"], direction,
                                                  p["weight"] if weighted else None)))
            score_value = scoring.performance_score([a for _, a in items], comp["max_score"])
            out.append({"department": d, "group": g["name"], "score": None if score_value is None else float(score_value),
                        "weighted": weighted,
                        "indicators": [{"plan_indicator_id": p["id"], "result_id": annual[p["id"]]["id"],
                                        "name": p["name"], "unit": p["unit"], "target": p["target"],
                                        "actual": annual[p["id"]]["actual"], "direction": a.direction,
                                        "weight": p["weight"], "rate": _num(a.rate), "counted": _num(a.counted)}
                                       for p, a in items]})
    return out


def _score_component(s: dict[str, Any], component: str | None) -> dict[str, Any]:
    """The named component (None: the first ``score`` component, 정량 coming first)."""
    if component is None:
        first = next((c for c in s["components"] if c["kind"] == "score"), None)
        if first is None:
            raise Invalid("평가 점수 구성요소가 없습니다 / the scheme has no score component")
        return first
    comp = _component(s, component)
    if comp["kind"] != "score":
        raise Invalid(f"평가 점수 구성요소가 아닙니다 (가점·감점) / not a score component: {component!r}")
    return comp


def cycle_performance(conn, actor: Actor | None, scheme_id: int, component: str | None = None) -> dict[str, Any]:
    """The 정량 추진실적 scores the year's accepted cycle results give (a preview, nothing
    written): per department the score on the component's scale and how it was computed. For
    ``admin``/``performance`` only (:class:`Hidden` otherwise, as an unpublished scheme)."""
    s = _scheme_or_invalid(conn, scheme_id)
    if not sees_all(actor):
        raise Hidden(f"평가가 없습니다 / no such scheme: {scheme_id}")
    comp = _score_component(s, component)
    return {"scheme": scheme_summary(s), "component": comp["key"], "cap": scoring.PERFORMANCE_CAP,
            "evaluator": CYCLE_EVALUATOR, "departments": _cycle_performance(conn, s, comp)}


def write_computed_scores(engine, actor: Actor, scheme_id: int, *, evaluator: str,
                          pick: Callable[[dict[str, Any]], dict[str, Any]],
                          compute: Callable[[Any, dict[str, Any], dict[str, Any]], list[dict[str, Any]]],
                          note: Callable[[dict[str, Any], dict[str, Any]], str]) -> tuple[dict, dict, list, int]:
    """The one path for a component's computed scores (``<cycle>``, ``<suggestions>``,
    ``<collaboration>``): in one ``evaluation.score`` transaction, ``admin``/``performance``
    only and not while the scheme is published, ``pick`` the component of the fresh scheme,
    ``compute`` each department's ``score`` (None: no score) and write it as ``evaluator``'s —
    inserted, or updated under its version when it changed, an unchanged one left alone, each
    with its ``note`` in the audit trail. Returns (scheme, component, rows, scores written)."""
    s = _scope_of(engine, scheme_id)
    with operations.write(engine, actor, "evaluation.score", municipality=s["municipality"],
                          recheck_scopes=False) as tx:
        if actor.role not in MANAGERS:
            raise Refused(actor, "evaluation.score", None)
        fresh = store.scheme(tx.conn, scheme_id)
        if fresh["publication"] != "none":
            raise Invalid("공개된 평가의 점수는 고칠 수 없습니다 (공개를 거둔 뒤 고치십시오) / "
                          "a published scheme's scores cannot change")
        comp = pick(fresh)
        rows = compute(tx.conn, fresh, comp)
        written = 0
        for d in rows:
            if d["score"] is None:
                continue
            current = store.score_row(tx.conn, component_id=comp["id"], department=d["department"],
                                      evaluator=evaluator)
            if current is None:
                tx.insert("evaluation_scores", dict(
                    scheme_id=scheme_id, component_id=comp["id"], department=d["department"], evaluator=evaluator,
                    score=d["score"], scored_at=_now(), version=1), year=fresh["year"], note=note(d, comp))
            elif current["score"] != d["score"]:
                tx.update("evaluation_scores", current["id"], dict(score=d["score"], scored_at=_now(),
                                                                   version=current["version"] + 1),
                          expected={"version": current["version"]}, note=note(d, comp))
            else:
                continue
            written += 1
    return fresh, comp, rows, written


def score_from_cycle(engine, actor: Actor, *, scheme_id: int, component: str | None = None) -> dict[str, Any]:
    """Write the component's scores computed from the year's accepted cycle results, as the
    evaluator ``<cycle>`` (one score per department, replaced when the results change; a
    department without any accepted result gets none). ``admin``/``performance`` only; not
    while the scheme is published. Returns the preview with ``written`` (scores changed)."""
    fresh, comp, rows, written = write_computed_scores(
        engine, actor, scheme_id, evaluator=CYCLE_EVALUATOR, pick=lambda s: _score_component(s, component),
        compute=_cycle_performance,
        note=lambda d, comp: f"{d['department']} {comp['label']} (성과관리 실적 / accepted cycle results)")
    return {"scheme": scheme_summary(fresh), "component": comp["key"], "cap": scoring.PERFORMANCE_CAP,
            "evaluator": CYCLE_EVALUATOR, "departments": rows, "written": written}
