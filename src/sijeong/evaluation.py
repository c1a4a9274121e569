"""Department evaluation (부서 자체평가) and 시군종합평가: the operations and who sees what.

Writes go through :func:`sijeong.operations.write` (role check, one transaction, audit rows,
``version`` compare-and-swap); the SQL of reading is ``store/evaluation.py``; the scoring is
``model/evaluation.py`` and ``model/joint.py`` (pure). See ``docs/evaluation.md``.

Who sees a scheme's results:

- ``admin`` and ``performance``: always, with every evaluator's score;
- while ``publication`` is ``none``: nobody else (the public, departments and evaluators get
  "not found", as if it did not exist);
- ``departments``: a signed-in account with a department sees its own department's result
  (breakdown, rank, 결과 환류), nothing of the others;
- ``public``: everybody sees every group's results (without who gave which score).

An evaluator scores only what they are assigned (``evaluation.score`` checks the assignment
inside the transaction: :class:`~sijeong.operations.Refused` otherwise).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import operations
from .model import evaluation as scoring
from .model import joint as joint_model
from .operations import Actor, Invalid, Refused, Stale
from .store import accounts as account_store
from .store import evaluation as store

PUBLICATION = {"none": "비공개", "departments": "부서별 공개", "public": "전체 공개"}
#: roles that see every scheme, published or not
MANAGERS = frozenset({"admin", "performance"})


class Hidden(LookupError):
    """No such scheme, or not for this actor's eyes (answered alike: 404)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _text(value: Any, what: str, *, limit: int = 200, required: bool = True) -> str | None:
    v = (value or "").strip() if isinstance(value, str) or value is None else None
    if v is None:
        raise Invalid(f"{what}: 글자가 아닙니다 / not text")
    if required and not v:
        raise Invalid(f"{what}이(가) 비었습니다 / {what} is empty")
    if len(v) > limit or any(ord(ch) < 0x20 and ch not in "\n\t" for ch in v):
        raise Invalid(f"{what}: {limit}자 이내, 제어 문자 없이 / at most {limit} characters, no control characters")
    return v or None


def _score_value(value: Any, top: Fraction, label: str) -> float:
    try:
        x = scoring.exact(value)
    except scoring.SchemeError as e:
        raise Invalid(str(e)) from None
    if x * 100 != int(x * 100):
        raise Invalid(f"{label}: 점수는 소수 둘째 자리까지 / at most two decimals")
    if not 0 <= x <= top:
        raise Invalid(f"{label}: 점수는 0~{float(top):g} / the score must be within 0..{float(top):g}")
    return float(x)


# --- department evaluation: writes ---------------------------------------------------------


def configure(engine, actor: Actor, *, municipality: str, year: int, name: str, groups: list[dict[str, Any]],
              components: list[dict[str, Any]], trim: str = "high_low", trim_min: int = 5,
              decimals: int = 2) -> int:
    """A new scheme of a year: groups with their departments, components with weights.
    Returns its id. :class:`Invalid` when the scheme cannot be scored (see the model)."""
    municipality = _text(municipality, "지방자치단체", limit=100)
    name = _text(name, "평가 이름", limit=200)
    if not 2000 <= int(year) <= 2100:
        raise Invalid("연도는 2000~2100 / year must be 2000..2100")
    try:
        model_scheme = scoring.Scheme(
            groups={_text(g.get("name"), "그룹 이름"): [_text(d, "부서") for d in g.get("departments") or []]
                    for g in groups},
            components=[scoring.Component(_text(c.get("key"), "구성요소 키", limit=50),
                                          _text(c.get("label"), "구성요소 이름"),
                                          c.get("weight"), c.get("kind") or "score", c.get("max_score") or 100)
                        for c in components],
            trim=trim, trim_min=trim_min, decimals=decimals)
    except scoring.SchemeError as e:
        raise Invalid(str(e)) from None
    if len(model_scheme.groups) != len(groups) or not groups or not components:
        raise Invalid("그룹 이름이 겹치거나 그룹·구성요소가 없습니다 / groups must be named apart; groups and components "
                      "are required")
    with operations.write(engine, actor, "evaluation.configure", municipality=municipality,
                          recheck_scopes=False) as tx:
        if store.schemes(tx.conn, municipality=municipality, year=year) and any(
                s["name"] == name for s in store.schemes(tx.conn, municipality=municipality, year=year)):
            raise Invalid(f"같은 이름의 평가가 이미 있습니다 / a scheme of that name exists: {year} {name}")
        scheme_id = tx.insert("evaluation_schemes", dict(
            municipality=municipality, year=year, name=name, trim=trim, trim_min=trim_min, decimals=decimals,
            publication="none", created_by=actor.login, created_at=_now(), version=1))
        pos = 0
        for gi, (gname, depts) in enumerate(model_scheme.groups.items()):
            gid = tx.insert("evaluation_groups", dict(scheme_id=scheme_id, name=gname, position=gi), year=year)
            for d in depts:
                tx.insert("evaluation_members", dict(scheme_id=scheme_id, group_id=gid, department=d, position=pos),
                          year=year)
                pos += 1
        for ci, c in enumerate(model_scheme.components):
            tx.insert("evaluation_components", dict(scheme_id=scheme_id, key=c.key, label=c.label, kind=c.kind,
                                                    weight=float(c.weight), max_score=float(c.max_score),
                                                    position=ci), year=year)
    return scheme_id


def _scheme_or_invalid(conn, scheme_id: int) -> dict[str, Any]:
    s = store.scheme(conn, scheme_id)
    if s is None:
        raise Hidden(f"평가가 없습니다 / no such scheme: {scheme_id}")
    return s


def _component(s: dict[str, Any], key: str) -> dict[str, Any]:
    for c in s["components"]:
        if c["key"] == key:
            return c
    raise Invalid(f"구성요소가 없습니다 / no such component: {key!r}")


def _members(s: dict[str, Any]) -> dict[str, str]:
    return {d: g["name"] for g in s["groups"] for d in g["departments"]}


def _scope_of(engine, scheme_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return _scheme_or_invalid(conn, scheme_id)


def assign(engine, actor: Actor, *, scheme_id: int, evaluator: str, component: str,
           departments: list[str]) -> int:
    """Assign an evaluator (an account) to score a component for these departments (already
    assigned ones are kept). Refused: assigning an evaluator to their own department."""
    s = _scope_of(engine, scheme_id)
    with operations.write(engine, actor, "evaluation.assign", municipality=s["municipality"],
                          recheck_scopes=False) as tx:
        account = account_store.account(tx.conn, login=evaluator)
        if account is None or account["disabled"]:
            raise Invalid(f"계정이 없습니다 / no such account: {evaluator!r}")
        if account["role"] not in ("evaluator", "performance", "admin"):
            raise Invalid(f"평가위원(evaluator) 계정이 아닙니다 / not an evaluator's account: {evaluator} ({account['role']})")
        comp = _component(s, component)
        members = _members(s)
        added = 0
        for d in departments:
            if d not in members:
                raise Invalid(f"평가 대상 부서가 아닙니다 / not a department of the scheme: {d!r}")
            if account["department"] and account["department"] == d:
                raise Invalid(f"자기 부서는 평가할 수 없습니다 / an evaluator cannot score their own department: {d}")
            if store.is_assigned(tx.conn, component_id=comp["id"], evaluator=evaluator, department=d):
                continue
            tx.insert("evaluation_assignments", dict(scheme_id=scheme_id, component_id=comp["id"],
                                                     evaluator=evaluator, department=d), year=s["year"])
            added += 1
    return added


def score(engine, actor: Actor, *, scheme_id: int, component: str, department: str, value: Any,
          version: int | None = None) -> dict[str, Any]:
    """Enter or change one score. An evaluator only where assigned (:class:`Refused`);
    ``admin``/``performance`` enter any (정량 figures, 가점·감점). ``version``: the score's
    version the actor saw (None: they saw none); another is :class:`Stale`. A published
    scheme's scores cannot change (withdraw the publication first)."""
    s = _scope_of(engine, scheme_id)
    with operations.write(engine, actor, "evaluation.score", municipality=s["municipality"],
                          recheck_scopes=False) as tx:
        comp = _component(s, component)
        if department not in _members(s):
            raise Invalid(f"평가 대상 부서가 아닙니다 / not a department of the scheme: {department!r}")
        if actor.role not in MANAGERS and not store.is_assigned(
                tx.conn, component_id=comp["id"], evaluator=actor.login, department=department):
            raise Refused(actor, "evaluation.score", department)
        fresh = store.scheme(tx.conn, scheme_id)
        if fresh["publication"] != "none":
            raise Invalid("공개된 평가의 점수는 고칠 수 없습니다 (공개를 거둔 뒤 고치십시오) / "
                          "a published scheme's scores cannot change")
        top = scoring.exact(comp["max_score"] if comp["kind"] == "score" else comp["weight"])
        x = _score_value(value, top, comp["label"])
        current = store.score_row(tx.conn, component_id=comp["id"], department=department, evaluator=actor.login)
        if current is None:
            if version is not None:
                raise Stale("evaluation_scores", 0, None)
            row_id = tx.insert("evaluation_scores", dict(
                scheme_id=scheme_id, component_id=comp["id"], department=department, evaluator=actor.login,
                score=x, scored_at=_now(), version=1), year=s["year"], note=f"{department} {comp['label']}")
        else:
            if version != current["version"]:
                raise Stale("evaluation_scores", current["id"], current)
            tx.update("evaluation_scores", current["id"], dict(score=x, scored_at=_now(),
                                                               version=current["version"] + 1),
                      expected={"version": current["version"]}, note=f"{department} {comp['label']}")
            row_id = current["id"]
        return store.score_row(tx.conn, component_id=comp["id"], department=department, evaluator=actor.login) \
            | {"id": row_id, "component": component}


def publish(engine, actor: Actor, *, scheme_id: int, publication: str, version: int) -> dict[str, Any]:
    """Set who may see the results: ``none``, ``departments`` (each its own) or ``public``."""
    if publication not in PUBLICATION:
        raise Invalid(f"공개 범위가 틀렸습니다 / unknown publication: {publication!r} ({', '.join(PUBLICATION)})")
    s = _scope_of(engine, scheme_id)
    with operations.write(engine, actor, "evaluation.publish", municipality=s["municipality"],
                          recheck_scopes=False) as tx:
        tx.update("evaluation_schemes", scheme_id, dict(publication=publication, version=version + 1),
                  expected={"version": version})
        return store.scheme(tx.conn, scheme_id)


def write_feedback(engine, actor: Actor, *, scheme_id: int, department: str, changes: str,
                   budget_note: str | None = None, budget_change: int | None = None,
                   programs: list[dict[str, Any]] | None = None, version: int | None = None) -> dict[str, Any]:
    """The 결과 환류 record of a department: what changes next year and the budget consequence
    (programs rated 미흡/매우미흡, the change in won)."""
    s = _scope_of(engine, scheme_id)
    if department not in _members(s):
        raise Invalid(f"평가 대상 부서가 아닙니다 / not a department of the scheme: {department!r}")
    changes = _text(changes, "환류 내용", limit=4000)
    budget_note = _text(budget_note, "예산 반영", limit=2000, required=False)
    progs = [{"name": _text(p.get("name"), "사업명"), "rating": _text(p.get("rating"), "등급", limit=20)}
             for p in programs or []]
    with operations.write(engine, actor, "evaluation.feedback", municipality=s["municipality"],
                          recheck_scopes=False) as tx:
        current = store.feedback(tx.conn, scheme_id, department=department)
        values = dict(changes=changes, budget_note=budget_note, budget_change=budget_change, programs=progs,
                      written_by=actor.login, written_at=_now())
        if not current:
            if version is not None:
                raise Stale("evaluation_feedback", 0, None)
            tx.insert("evaluation_feedback", dict(scheme_id=scheme_id, department=department, version=1, **values),
                      year=s["year"])
        else:
            cur = current[0]
            if version != cur["version"]:
                raise Stale("evaluation_feedback", cur["id"], cur)
            tx.update("evaluation_feedback", cur["id"], dict(version=cur["version"] + 1, **values),
                      expected={"version": cur["version"]})
        return store.feedback(tx.conn, scheme_id, department=department)[0]


# --- department evaluation: reads ----------------------------------------------------------


def model_scheme(s: dict[str, Any]) -> scoring.Scheme:
    return scoring.Scheme(
        groups={g["name"]: g["departments"] for g in s["groups"]},
        components=[scoring.Component(c["key"], c["label"], c["weight"], c["kind"], c["max_score"])
                    for c in s["components"]],
        trim=s["trim"], trim_min=s["trim_min"], decimals=s["decimals"])


def _num(v: Fraction | Decimal | None, decimals: int = 4) -> float | None:
    return scoring.as_number(v, decimals)


def sees_all(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS


def visible_departments(actor: Actor | None, s: dict[str, Any]) -> set[str] | None:
    """The departments whose results the actor may see (None: all); raises :class:`Hidden`
    when none."""
    if sees_all(actor) or s["publication"] == "public":
        return None
    if s["publication"] == "departments" and actor is not None and actor.department \
            and actor.department in _members(s):
        return {actor.department}
    raise Hidden(f"공개되지 않은 평가입니다 / no such scheme, or not published: {s['id']}")


def visible_schemes(conn, actor: Actor | None, *, municipality: str | None = None,
                    year: int | None = None) -> list[dict[str, Any]]:
    if sees_all(actor):
        return store.schemes(conn, municipality=municipality, year=year)
    rows = store.schemes(conn, municipality=municipality, year=year, publication=("departments", "public"))
    out = []
    for r in rows:
        if r["publication"] == "public":
            out.append(r)
        elif actor is not None and actor.department and actor.department in _members(store.scheme(conn, r["id"])):
            out.append(r)
    return out


def assigned_schemes(conn, actor: Actor | None) -> list[dict[str, Any]]:
    """The schemes in which the actor has scores to give."""
    return [] if actor is None else store.assigned_schemes(conn, actor.login)


def results(conn, actor: Actor | None, scheme_id: int) -> dict[str, Any]:
    """The scheme and its results as the actor may see them: per group, each department's
    total, rank and breakdown (every score sorted, the dropped ones, mean, points); with
    evaluators' names only for ``admin``/``performance``. :class:`Hidden` otherwise."""
    s = store.scheme(conn, scheme_id)
    if s is None:
        raise Hidden(f"평가가 없습니다 / no such scheme: {scheme_id}")
    only = visible_departments(actor, s)
    rows = store.scores(conn, scheme_id)
    ms = model_scheme(s)
    computed = scoring.evaluate(ms, [scoring.Score(r["component"], r["department"], r["evaluator"], r["score"])
                                     for r in rows])
    raw: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        raw.setdefault((r["department"], r["component"]), []).append(
            {"evaluator": r["evaluator"], "score": r["score"], "version": r["version"]})
    fb = {f["department"]: f for f in store.feedback(conn, scheme_id)}
    groups = []
    for gname, drs in computed.items():
        items = []
        for d in drs:
            if only is not None and d.department not in only:
                continue
            comps = []
            for c in d.components:
                item = {"key": c.key, "label": c.label, "kind": c.kind, "weight": _num(c.weight),
                        "max_score": _num(c.max_score), "scores": [_num(v) for v in c.scores],
                        "dropped": [_num(v) for v in c.dropped], "mean": _num(c.mean), "points": _num(c.points),
                        "complete": c.complete}
                if sees_all(actor):
                    item["by_evaluator"] = raw.get((d.department, c.key), [])
                comps.append(item)
            f = fb.get(d.department)
            items.append({"department": d.department, "group": gname, "total": _num(d.total_rounded),
                          "total_exact": _num(d.total, 6), "rank": d.rank, "group_size": d.group_size,
                          "complete": d.complete, "components": comps,
                          "feedback": None if f is None else {k: f[k] for k in (
                              "changes", "budget_note", "budget_change", "programs", "version")}})
        if items:
            groups.append({"name": gname, "departments": items})
    return {"scheme": scheme_summary(s), "groups": groups, "all_visible": only is None}


def scheme_summary(s: dict[str, Any]) -> dict[str, Any]:
    return {"id": s["id"], "municipality": s["municipality"], "year": s["year"], "name": s["name"],
            "trim": s["trim"], "trim_label": scoring.TRIM_RULES.get(s["trim"], s["trim"]), "trim_min": s["trim_min"],
            "decimals": s["decimals"], "publication": s["publication"],
            "publication_label": PUBLICATION.get(s["publication"], s["publication"]), "version": s["version"],
            "components": [{k: c[k] for k in ("key", "label", "kind", "weight", "max_score")}
                           for c in s.get("components", [])],
            "groups": [{"name": g["name"], "departments": g["departments"]} for g in s.get("groups", [])]}


def my_assignments(conn, actor: Actor, scheme_id: int) -> dict[str, Any]:
    """What the actor is assigned to score in the scheme, with the score they gave (if any)."""
    s = store.scheme(conn, scheme_id)
    if s is None:
        raise Hidden(f"평가가 없습니다 / no such scheme: {scheme_id}")
    mine = store.assignments(conn, scheme_id, evaluator=actor.login)
    given = {(r["component"], r["department"]): r for r in store.scores(conn, scheme_id, evaluator=actor.login)}
    if not mine and not sees_all(actor):
        raise Hidden(f"배정된 평가가 없습니다 / nothing assigned to you in scheme {scheme_id}")
    items = []
    for a in mine:
        g = given.get((a["component"], a["department"]))
        top = a["max_score"] if a["kind"] == "score" else a["weight"]
        items.append({"component": a["component"], "component_label": a["component_label"], "kind": a["kind"],
                      "department": a["department"], "max": top, "score": None if g is None else g["score"],
                      "version": None if g is None else g["version"]})
    return {"scheme": scheme_summary(s), "assignments": items}


# --- 시군종합평가 ----------------------------------------------------------------------------


def configure_joint(engine, actor: Actor, *, municipality: str, year: int, name: str, city: str,
                    groups: list[dict[str, Any]], current_percent: int = 70, previous_percent: int = 30,
                    goal: str | None = None, indicators: list[dict[str, Any]] | None = None) -> int:
    """A year's 시군종합평가: the groups of cities (the municipality's own ``city`` among them),
    the scoring rule (percentages of this year's evaluation and last year's joint result) and
    the indicators (number, name, definition, unit, weight, target grade, department)."""
    municipality = _text(municipality, "지방자치단체", limit=100)
    name = _text(name, "평가 이름")
    city = _text(city, "우리 시군", limit=100)
    try:
        joint_model.Rule(current_percent, previous_percent)
    except scoring.SchemeError as e:
        raise Invalid(str(e)) from None
    gs = {_text(g.get("name"), "그룹 이름"): [_text(c, "시군", limit=100) for c in g.get("cities") or []] for g in groups}
    every = [c for cs in gs.values() for c in cs]
    if len(gs) != len(groups) or len(set(every)) != len(every) or city not in every:
        raise Invalid("그룹 이름과 시군은 겹치지 않아야 하고 우리 시군이 그룹에 있어야 합니다 / groups and cities must be "
                      "distinct and the city must be in a group")
    with operations.write(engine, actor, "joint.configure", municipality=municipality, recheck_scopes=False) as tx:
        if any(j["year"] == year and j["name"] == name for j in store.joint_evaluations(tx.conn,
                                                                                         municipality=municipality)):
            raise Invalid(f"같은 이름의 평가가 이미 있습니다 / a joint evaluation of that name exists: {year} {name}")
        jid = tx.insert("joint_evaluations", dict(
            municipality=municipality, year=year, name=name, city=city, current_percent=current_percent,
            previous_percent=previous_percent, goal=_text(goal, "목표", required=False), created_by=actor.login,
            created_at=_now(), version=1))
        pos = 0
        for gi, (gname, cities) in enumerate(gs.items()):
            gid = tx.insert("joint_groups", dict(evaluation_id=jid, name=gname, position=gi), year=year)
            for c in cities:
                tx.insert("joint_cities", dict(evaluation_id=jid, group_id=gid, city=c, position=pos, version=1),
                          year=year)
                pos += 1
        for ii, ind in enumerate(indicators or []):
            tx.insert("joint_indicators", dict(
                evaluation_id=jid, number=_text(str(ind.get("number") or ii + 1), "지표 번호", limit=20),
                name=_text(ind.get("name"), "지표명"), definition=_text(ind.get("definition"), "정의", limit=4000,
                                                                         required=False),
                unit=_text(ind.get("unit"), "단위", limit=50, required=False),
                weight=None if ind.get("weight") is None else float(scoring.exact(ind["weight"])),
                target_grade=_text(ind.get("target_grade"), "목표 등급", limit=20, required=False),
                department=_text(ind.get("department"), "담당 부서", required=False), position=ii), year=year)
    return jid


def _joint_or_hidden(conn, evaluation_id: int) -> dict[str, Any]:
    j = store.joint_evaluation(conn, evaluation_id)
    if j is None:
        raise Hidden(f"시군종합평가가 없습니다 / no such joint evaluation: {evaluation_id}")
    return j


def enter_joint(engine, actor: Actor, *, evaluation_id: int, city: str, current_score: Any,
                previous_score: Any, version: int) -> dict[str, Any]:
    """Enter (or change) a city's figures: this year's evaluation (expected, or as announced)
    and last year's joint evaluation result; None clears one."""
    with engine.connect() as conn:
        j = _joint_or_hidden(conn, evaluation_id)
    vals = {}
    for k, v in (("current_score", current_score), ("previous_score", previous_score)):
        vals[k] = None if v is None else _score_value(v, Fraction(1000), "시군종합평가 점수")
    with operations.write(engine, actor, "joint.enter", municipality=j["municipality"], recheck_scopes=False) as tx:
        row = store.joint_city(tx.conn, evaluation_id, city)
        if row is None:
            raise Invalid(f"평가 대상 시군이 아닙니다 / not a city of the evaluation: {city!r}")
        tx.update("joint_cities", row["id"], dict(vals, entered_by=actor.login, entered_at=_now(), version=version + 1),
                  expected={"version": version}, note=city)
        return store.joint_city(tx.conn, evaluation_id, city)


def record_joint_result(engine, actor: Actor, *, evaluation_id: int, version: int, final_rank: int | None,
                        final_group_rank: int | None, final_score: Any, prize_money: int | None) -> dict[str, Any]:
    """The result as announced: rank in the province and in the group, score, prize money (won)."""
    with engine.connect() as conn:
        j = _joint_or_hidden(conn, evaluation_id)
    if prize_money is not None and prize_money < 0:
        raise Invalid("상사업비는 0 이상 / prize money must be ≥ 0")
    score_value = None if final_score is None else _score_value(final_score, Fraction(1000), "최종 점수")
    with operations.write(engine, actor, "joint.result", municipality=j["municipality"], recheck_scopes=False) as tx:
        tx.update("joint_evaluations", evaluation_id, dict(
            final_rank=final_rank, final_group_rank=final_group_rank, final_score=score_value,
            prize_money=prize_money, version=version + 1), expected={"version": version})
        return store.joint_evaluation(tx.conn, evaluation_id)


def joint_projection(conn, evaluation_id: int, *, city: str | None = None) -> dict[str, Any]:
    """Every group's cities with their figures, projected score and rank under the year's rule,
    and the projection of the municipality's city (or ``city``): rank, leader, and the least
    this-year evaluation that would tie the leader."""
    j = _joint_or_hidden(conn, evaluation_id)
    rule = joint_model.Rule(j["current_percent"], j["previous_percent"])
    groups = {g["name"]: [c["city"] for c in g["cities"]] for g in j["groups"]}
    rows = {c["city"]: c for g in j["groups"] for c in g["cities"]}
    figures = {c: (r["current_score"], r["previous_score"]) for c, r in rows.items()}
    target = city or j["city"]
    try:
        p = joint_model.city_projection(groups, figures, rule, target)
    except scoring.SchemeError as e:
        raise Invalid(str(e)) from None
    projected = joint_model.project(groups, figures, rule)

    def item(r: joint_model.CityResult) -> dict[str, Any]:
        return {"city": r.city, "group": r.group, "current_score": _num(r.current), "previous_score": _num(r.previous),
                "score": _num(r.score_rounded), "score_exact": _num(r.score, 6), "rank": r.rank,
                "group_size": r.group_size, "version": rows[r.city]["version"]}

    mine = p["result"]
    return {
        "evaluation": {k: j[k] for k in ("id", "municipality", "year", "name", "city", "current_percent",
                                         "previous_percent", "goal", "final_rank", "final_group_rank", "final_score",
                                         "prize_money", "version")},
        "indicators": [{k: i[k] for k in ("number", "name", "definition", "unit", "weight", "target_grade",
                                          "department")} for i in j["indicators"]],
        "groups": [{"name": g, "cities": [item(r) for r in rs]} for g, rs in projected.items()],
        "projection": {"city": target, "group": p["group"], "score": _num(mine.score_rounded), "rank": mine.rank,
                       "group_size": mine.group_size, "leader": None if p["leader"] is None else p["leader"].city,
                       "leader_score": None if p["leader"] is None else _num(p["leader"].score_rounded),
                       "needed_for_first": None if p["needed_for_first"] is None
                       else math.ceil(p["needed_for_first"] * 100) / 100},
    }


def joint_list(conn, *, municipality: str | None = None) -> list[dict[str, Any]]:
    return store.joint_evaluations(conn, municipality=municipality)
