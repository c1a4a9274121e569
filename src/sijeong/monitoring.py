"""종합 모니터링 (issue 12 part 4): one view of a municipality-year for the mayor's office —
vision → strategic goals → policy goals → indicators (achievement and trend over the stored
years), the pledges (completion rate by field and type, by status, over the half-years), the
시군종합평가 indicators (behind-plan ones first) and the department evaluation (score and rank
in the group, and the department's earlier ranks) — every row with the id of its record page.

Who sees what follows the rules that hold today (``docs/security.md``, ``docs/evaluation.md``):

- goals, indicators and pledges are public (read from published documents, or the public
  pledge registry: the same fields ``/pledges`` shows, no internal note, no evidence);
- the department evaluation: the schemes and departments :func:`sijeong.evaluation.results`
  lets the actor see (``public``: everyone; ``departments``: an account its own department;
  unpublished: only ``admin`` and ``performance``);
- 시군종합평가: a signed-in account (any role), as ``/joint/{id}``; nobody signed in gets
  ``{"visible": false}`` and no figure of it.

Reads only, through the read layer (``store.views``) and the evaluation's own reads.
"""

from __future__ import annotations

from typing import Any, Iterable

from . import cycle
from . import evaluation as ev
from . import joint_tasks
from .model.names import PAGE_LINK, match_name
from .model.pledges import TYPES, percent, status_label
from .operations import Actor
from .store import views

GRADED = ("◎", "○", "×")
MET = ("◎", "○")
#: pledges still to do, the ones most behind first (then 이행완료, 폐기)
PLEDGE_ORDER = ("on_hold", "partial", "on_track", "due", "completed", "dropped")
#: how many earlier evaluation schemes the department trend reads (newest first)
MAX_SCHEMES = 6
NO_GOAL = "(정책사업목표 없음)"


def _rate(r: dict[str, Any]) -> float | None:
    return r["rate"] if r.get("rate") is not None else r.get("rate_computed")


def _grade(r: dict[str, Any]) -> str | None:
    return r.get("grade") or r.get("grade_computed")


def achievement(grades: Iterable[str | None]) -> dict[str, Any]:
    """달성률 as the departments page computes it: the share of graded indicators graded ◎ or ○
    (percent, one decimal, half up), with the counts of each grade."""
    counts = {g: 0 for g in GRADED}
    for g in grades:
        if g in counts:
            counts[g] += 1
    graded = sum(counts.values())
    met = counts["◎"] + counts["○"]
    return {"graded": graded, "met": met, "exceeded": counts["◎"], "achieved": counts["○"], "missed": counts["×"],
            "rate": percent(met, graded) if graded else None}


def _trend(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per stored year (oldest first): the achievement of the rows of that year."""
    by_year: dict[int, list[str | None]] = {}
    for r in rows:
        by_year.setdefault(r["year"], []).append(_grade(r))
    return [{"year": y, **{k: v for k, v in achievement(gs).items() if k in ("graded", "met", "rate")}}
            for y, gs in sorted(by_year.items())]


def _direction(values: list[float | None]) -> str | None:
    """``up``/``down``/``same`` from the last two known values, None with fewer."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return None
    a, b = known[-2], known[-1]
    return "up" if b > a else "down" if b < a else "same"


def _split(goal: str | None) -> list[str]:
    return [p.strip() for p in (goal or "").split(";") if p.strip()]


def goal_tree(conn, municipality: str, year: int) -> dict[str, Any]:
    """The visions, then per strategic goal its policy goals and their indicators, each level
    with its achievement (◎·○ among graded) and the trend over the stored years; each
    indicator with its rate, grade and its rates in the other years (``history``)."""
    series = views.indicator_series(conn, municipality=municipality)
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in series:
        by_key.setdefault((r["department"] or "", r["name"]), []).append(r)
    this_year = [r for r in series if r["year"] == year]
    years = sorted({r["year"] for r in series})

    def indicator(r: dict[str, Any]) -> dict[str, Any]:
        hist = sorted(by_key[(r["department"] or "", r["name"])], key=lambda h: (h["year"], h["id"]))
        history = [{"year": h["year"], "id": h["id"], "rate": _rate(h), "grade": _grade(h)} for h in hist]
        upto = [h["rate"] for h in history if h["year"] <= year]
        return {"id": r["id"], "name": r["name"], "department": r["department"], "unit": r["unit"],
                "target": r["target"], "actual": r["actual"], "rate": _rate(r), "grade": _grade(r),
                "source_doc": r["source_doc"], "source_line": r["source_line"], "history": history,
                "direction": _direction(upto)}

    # policy goals of the year, in printed order, then goals only the indicators name
    policy: dict[tuple[str, str], dict[str, Any]] = {}
    for g in views.policy_goals_of_year(conn, municipality=municipality, year=year):
        policy.setdefault((g["department"] or "", g["name"]), {
            "name": g["name"], "department": g["department"], "strategic_goal": g["strategic_goal"],
            "budget": g["budget"], "settled": g["settled"], "source_doc": g["source_doc"],
            "source_line": g["source_line"], "indicators": []})
    names_of: dict[str, list[str]] = {}
    for dept, name in policy:
        names_of.setdefault(dept, []).append(name)
    alias: dict[tuple[str, str], str] = {}  # the indicator's printing of a goal → the goal's own

    def goal_of(dept: str, goal: str | None) -> str:
        """The year's policy goal of the department an indicator names: the same name, else the
        one alike by ``names.PAGE_LINK`` (the two printings differ by a character or two)."""
        if not goal:
            return NO_GOAL
        if (dept, goal) in policy:
            return goal
        if (dept, goal) not in alias:
            alias[(dept, goal)] = match_name(goal, names_of.get(dept, []), PAGE_LINK) or goal
        return alias[(dept, goal)]

    for r in this_year:
        key = (r["department"] or "", goal_of(r["department"] or "", r["policy_goal"]))
        node = policy.setdefault(key, {"name": key[1], "department": r["department"],
                                       "strategic_goal": r["strategic_goal"], "budget": None, "settled": None,
                                       "source_doc": None, "source_line": None, "indicators": []})
        node["indicators"].append(indicator(r))

    by_policy: dict[tuple[str, str], list[dict[str, Any]]] = {}
    by_strategic: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in series:
        by_policy.setdefault((r["department"] or "", goal_of(r["department"] or "", r["policy_goal"])), []).append(r)
        by_strategic.setdefault((r["department"] or "", r["strategic_goal"] or ""), []).append(r)

    strategic: dict[tuple[str, str], dict[str, Any]] = {}
    for (dept, name), node in policy.items():
        sg = node["strategic_goal"] or ""
        s = strategic.setdefault((dept, sg), {"name": " · ".join(_split(sg)) or "(전략목표 없음)", "department":
                                              node["department"], "policy_goals": []})
        node["achievement"] = achievement(i["grade"] for i in node["indicators"])
        node["trend"] = _trend(by_policy.get((dept, name), []))
        s["policy_goals"].append(node)
    # strategic goals printed without a policy goal of the year under them
    covered = {(d, part) for (d, sg) in strategic for part in _split(sg)}
    for g in views.strategic_goals_of_year(conn, municipality=municipality, year=year):
        key = (g["department"] or "", g["name"])
        if key not in covered:
            strategic.setdefault(key, {"name": g["name"], "department": g["department"], "policy_goals": []})
    out = []
    for (dept, sg), s in strategic.items():
        inds = [i for p in s["policy_goals"] for i in p["indicators"]]
        s["achievement"] = achievement(i["grade"] for i in inds)
        s["trend"] = _trend(by_strategic.get((dept, sg), [])) if sg else []
        s["indicator_count"] = len(inds)
        out.append(s)
    return {"visions": views.visions(conn, municipality=municipality, year=year), "strategic_goals": out,
            "achievement": achievement(_grade(r) for r in this_year), "trend": _trend(series), "years": years}


def pledges(conn, municipality: str) -> dict[str, Any]:
    """The public pledge figures (as ``/pledges``): the summary, and every pledge — still to do
    first, most behind first — with the fields the public page shows."""
    summary = views.pledge_summary(conn, municipality=municipality)
    rank = {s: i for i, s in enumerate(PLEDGE_ORDER)}
    rows = sorted(views.pledge_all(conn, municipality=municipality),
                  key=lambda r: (rank.get(r["status"], len(rank)), r["number"] or 0, r["id"]))
    items = [{"id": r["id"], "number": r["number"], "title": r["title"], "field": r["field"], "type": r["type"],
              "type_label": TYPES.get(r["type"] or "", None), "lead_department": r["lead_department"],
              "status": r["status"], "status_label": status_label(r["status"], r["target_year"]),
              "target_year": r["target_year"]} for r in rows]
    return {**summary, "pledges": items}


def joint(conn, actor: Actor | None, municipality: str, year: int, tree: dict[str, Any]) -> dict[str, Any]:
    """The year's 시군종합평가 for a signed-in actor: the projection (score, rank in the group,
    goal, announced result) and the indicators, each matched to the year's stored indicator of
    its department (same name, or alike by ``names.PAGE_LINK``) for its rate, grade and trend,
    with its standing in the latest month of 이행과제 reported; behind plan (부진 that month,
    graded ×, or projected to miss in the cycle's lagging list) first."""
    if actor is None:
        return {"visible": False}
    found = [j for j in ev.joint_list(conn, municipality=municipality) if j["year"] == year]
    if not found:
        return {"visible": True, "evaluation": None}
    data = ev.joint_projection(conn, found[0]["id"])
    monthly = joint_tasks.tasks(conn, found[0]["id"])
    standing = {i["number"]: i for i in monthly["indicators"]}
    stored = [i for s in tree["strategic_goals"] for p in s["policy_goals"] for i in p["indicators"]]
    lag = {(r["department"], r["name"]) for r in cycle.lagging(conn, municipality, year)}
    items = []
    for ind in data["indicators"]:
        pool = [i for i in stored if not ind["department"] or i["department"] == ind["department"]]
        name = match_name(ind["name"], [i["name"] for i in pool], PAGE_LINK) if pool else None
        match = next((i for i in pool if i["name"] == name), None) if name else None
        lagging = any(n == ind["name"] or (match and n == match["name"]) for d, n in lag
                      if not ind["department"] or d == ind["department"])
        month = standing.get(ind["number"], {})
        behind = lagging or month.get("standing") == "behind" or (match is not None and match["grade"] == "×")
        met = (match is not None and match["grade"] in MET) or month.get("standing") in ("on_track", "done")
        status = "behind" if behind else ("on_track" if met else "unknown")
        items.append({**ind, "indicator": None if match is None else {
            k: match[k] for k in ("id", "name", "rate", "grade", "history", "direction")},
            "lagging": lagging, "month_standing": month.get("standing"), "month_task": month.get("task"),
            "status": status})
    order = {"behind": 0, "unknown": 1, "on_track": 2}
    items.sort(key=lambda i: order[i["status"]])
    return {"visible": True, "evaluation": data["evaluation"], "projection": data["projection"], "indicators": items,
            "behind": sum(1 for i in items if i["status"] == "behind"), "month": monthly["month"]}


def evaluation(conn, actor: Actor | None, municipality: str, year: int) -> dict[str, Any]:
    """The department evaluations of the year the actor may see (:func:`sijeong.evaluation.results`
    decides), each department with its total, rank in its group and its ranks in the earlier
    schemes the actor may see (``history``)."""
    visible = ev.visible_schemes(conn, actor, municipality=municipality)
    # every scheme of the year, and for the trend the newest earlier ones
    schemes = [s for s in visible if s["year"] == year] + [s for s in visible if s["year"] < year][:MAX_SCHEMES]
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for s in schemes:
        try:
            seen.append((s, ev.results(conn, actor, s["id"])))
        except ev.Hidden:
            continue
    history: dict[str, list[dict[str, Any]]] = {}
    for s, res in seen:
        for g in res["groups"]:
            for d in g["departments"]:
                history.setdefault(d["department"], []).append(
                    {"year": s["year"], "scheme_id": s["id"], "total": d["total"], "rank": d["rank"],
                     "group_size": d["group_size"]})
    out = []
    for s, res in seen:
        if s["year"] != year:
            continue
        groups = []
        for g in res["groups"]:
            depts = []
            for d in g["departments"]:
                hist = sorted(history.get(d["department"], []), key=lambda h: (h["year"], h["scheme_id"]))
                earlier = [h for h in hist if h["year"] < year]
                depts.append({"department": d["department"], "total": d["total"], "rank": d["rank"],
                              "group_size": d["group_size"], "complete": d["complete"], "history": earlier,
                              "direction": _direction([-h["rank"] if h["rank"] else None for h in earlier]
                                                      + [-d["rank"] if d["rank"] else None])})
            depts.sort(key=lambda d: (d["rank"] is None, d["rank"] or 0, d["department"]))
            groups.append({"name": g["name"], "departments": depts})
        out.append({"scheme": {k: res["scheme"][k] for k in ("id", "year", "name", "publication",
                                                              "publication_label")},
                    "all_visible": res["all_visible"], "groups": groups})
    return {"schemes": out}


def overview(conn, actor: Actor | None, municipality: str, year: int) -> dict[str, Any]:
    """Everything of the monitoring page as plain numbers (the page and its ``.json`` twin)."""
    tree = goal_tree(conn, municipality, year)
    return {"municipality": municipality, "year": year, "goals": tree, "pledges": pledges(conn, municipality),
            "joint": joint(conn, actor, municipality, year, tree),
            "evaluation": evaluation(conn, actor, municipality, year)}
