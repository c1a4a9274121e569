"""Department evaluation (부서 자체평가): the scoring, pure and exact (no I/O).

A scheme has groups of departments (부서, 읍·면·동), components with weights and the
evaluators' scores per component and department. For each department and component:

- the scores on the component's scale (``max_score``, e.g. 100) are collected;
- the trimming rule (``trim``) drops outliers: ``"high_low"`` drops exactly one highest and
  one lowest score when there are at least ``trim_min`` scores (≥ 3), ``"none"`` drops none;
- the kept scores' mean becomes points: ``mean / max_score × weight`` for a ``score``
  component (정량 추진실적·이행과제, 지표 품질, 정성); a ``bonus`` (가점: 협업, 제안,
  시군종합평가 기여) adds its mean as points, at most ``weight``; a ``penalty`` (감점)
  subtracts its mean, at most ``weight``.

The total is the sum of the points, computed exactly (fractions) and rounded half up to the
scheme's ``decimals`` (default 2). Departments are ranked within their group on the rounded
total, highest first; equal rounded totals share a rank and the next rank skips (1, 2, 2, 4).
A department missing every score of a ``score`` component is not complete: it gets no rank (a rank from
missing scores would mislead) and is listed after the ranked ones.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

TRIM_RULES = {"none": "제외 없음", "high_low": "최고점·최저점 1개씩 제외"}
KINDS = {"score": "평가 점수", "bonus": "가점", "penalty": "감점"}
#: the fewest scores trimming may apply to (drop two of three: one is left)
MIN_TRIM = 3


class SchemeError(ValueError):
    """A scheme or score that cannot be computed (Korean / English message)."""


def exact(value: Any) -> Fraction:
    """A score as an exact fraction: ``87.5``, ``"87.5"``, ``Decimal("87.5")`` → 175/2 (a float
    is read by its shortest decimal form, as it was typed)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or value is None:
        raise SchemeError(f"점수가 숫자가 아닙니다 / not a number: {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    try:
        d = Decimal(str(value))
    except Exception:  # noqa: BLE001 - any text that is not a number
        raise SchemeError(f"점수가 숫자가 아닙니다 / not a number: {value!r}") from None
    if not d.is_finite():
        raise SchemeError(f"점수가 숫자가 아닙니다 / not a number: {value!r}")
    return Fraction(d)


def rounded(value: Fraction, decimals: int = 2) -> Decimal:
    """Half away from zero (0.125 → 0.13), as people round by hand; exact (no float, no
    division in between)."""
    value = exact(value)
    scaled = abs(value) * 10**decimals
    n = int((scaled + Fraction(1, 2)) // 1)
    return Decimal(-n if value < 0 else n).scaleb(-decimals)


@dataclasses.dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: Fraction
    kind: str = "score"
    max_score: Fraction = Fraction(100)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", exact(self.weight))
        object.__setattr__(self, "max_score", exact(self.max_score))
        if self.kind not in KINDS:
            raise SchemeError(f"구성요소 종류가 틀렸습니다 / unknown kind: {self.kind!r} ({', '.join(KINDS)})")
        if self.weight <= 0 or self.max_score <= 0:
            raise SchemeError(f"배점과 만점은 0보다 커야 합니다 / weight and max_score must be > 0: {self.key}")


@dataclasses.dataclass(frozen=True)
class Scheme:
    """groups: group name → its departments, in order; components in order."""

    groups: Mapping[str, Sequence[str]]
    components: Sequence[Component]
    trim: str = "none"
    trim_min: int = 5
    decimals: int = 2

    def __post_init__(self) -> None:
        if self.trim not in TRIM_RULES:
            raise SchemeError(f"절사 규칙이 틀렸습니다 / unknown trimming rule: {self.trim!r}")
        if self.trim == "high_low" and self.trim_min < MIN_TRIM:
            raise SchemeError(f"최고·최저 제외는 점수 {MIN_TRIM}개 이상에만 / trim_min must be ≥ {MIN_TRIM}")
        if not 0 <= self.decimals <= 6:
            raise SchemeError("소수 자릿수는 0~6 / decimals must be 0..6")
        keys = [c.key for c in self.components]
        if len(set(keys)) != len(keys):
            raise SchemeError("구성요소 키가 겹칩니다 / duplicate component keys")
        seen: set[str] = set()
        for depts in self.groups.values():
            for d in depts:
                if d in seen:
                    raise SchemeError(f"한 부서가 두 그룹에 있습니다 / a department in two groups: {d}")
                seen.add(d)

    def component(self, key: str) -> Component:
        for c in self.components:
            if c.key == key:
                return c
        raise SchemeError(f"구성요소가 없습니다 / no such component: {key!r}")

    def group_of(self, department: str) -> str:
        for g, depts in self.groups.items():
            if department in depts:
                return g
        raise SchemeError(f"평가 대상 부서가 아닙니다 / not a department of the scheme: {department!r}")

    @property
    def full_marks(self) -> Fraction:
        return sum((c.weight for c in self.components if c.kind == "score"), Fraction(0))


@dataclasses.dataclass(frozen=True)
class Score:
    component: str
    department: str
    evaluator: str
    value: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", exact(self.value))


def trimmed(values: Iterable[Any], rule: str, trim_min: int) -> tuple[list[Fraction], list[Fraction]]:
    """(kept, dropped), both sorted: ``high_low`` drops exactly one lowest and one highest
    value when there are at least ``trim_min`` of them; otherwise nothing is dropped."""
    vs = sorted(exact(v) for v in values)
    if rule == "high_low" and len(vs) >= max(trim_min, MIN_TRIM):
        return vs[1:-1], [vs[0], vs[-1]]
    return vs, []


@dataclasses.dataclass(frozen=True)
class ComponentResult:
    key: str
    label: str
    kind: str
    weight: Fraction
    max_score: Fraction
    scores: list[Fraction]  # every score, sorted (who gave which is not part of a result)
    dropped: list[Fraction]
    mean: Fraction | None
    points: Fraction  # signed: a penalty is negative; 0 when there is no score

    @property
    def complete(self) -> bool:
        """A score component needs scores; a bonus or penalty nobody gave is 0 points."""
        return self.mean is not None or self.kind != "score"


@dataclasses.dataclass(frozen=True)
class DepartmentResult:
    department: str
    group: str
    components: list[ComponentResult]
    total: Fraction
    total_rounded: Decimal
    rank: int | None  # None: not complete
    group_size: int

    @property
    def complete(self) -> bool:
        return all(c.complete for c in self.components)


def component_result(c: Component, values: Sequence[Any], scheme: Scheme) -> ComponentResult:
    kept, dropped = trimmed(values, scheme.trim, scheme.trim_min)
    scores = sorted(kept + dropped)
    for v in scores:
        if v < 0 or v > (c.max_score if c.kind == "score" else c.weight):
            top = c.max_score if c.kind == "score" else c.weight
            raise SchemeError(f"{c.label}: 점수 {float(v):g}이(가) 0~{float(top):g} 밖입니다 / score out of range")
    if not kept:
        return ComponentResult(c.key, c.label, c.kind, c.weight, c.max_score, scores, dropped, None, Fraction(0))
    mean = sum(kept, Fraction(0)) / len(kept)
    if c.kind == "score":
        points = mean / c.max_score * c.weight
    elif c.kind == "bonus":
        points = min(mean, c.weight)
    else:
        points = -min(mean, c.weight)
    return ComponentResult(c.key, c.label, c.kind, c.weight, c.max_score, scores, dropped, mean, points)


def competition_ranks(values: Sequence[Decimal]) -> list[int]:
    """Rank of each value, highest first; equal values share the best rank, the next skips
    (1, 2, 2, 4)."""
    return [1 + sum(1 for w in values if w > v) for v in values]


def evaluate(scheme: Scheme, scores: Iterable[Score]) -> dict[str, list[DepartmentResult]]:
    """Every group's departments with their breakdown, total and rank: ranked ones by rank
    (then by the group's order), then the incomplete ones in the group's order."""
    by: dict[tuple[str, str], list[Fraction]] = {}
    for s in scores:
        scheme.component(s.component)
        scheme.group_of(s.department)
        by.setdefault((s.department, s.component), []).append(s.value)
    out: dict[str, list[DepartmentResult]] = {}
    for group, depts in scheme.groups.items():
        partial = []
        for d in depts:
            comps = [component_result(c, by.get((d, c.key), []), scheme) for c in scheme.components]
            total = sum((c.points for c in comps), Fraction(0))
            partial.append((d, comps, total, rounded(total, scheme.decimals)))
        complete = [p for p in partial if all(c.complete for c in p[1])]
        ranks = dict(zip((p[0] for p in complete), competition_ranks([p[3] for p in complete])))
        results = [DepartmentResult(d, group, comps, total, r, ranks.get(d), len(depts))
                   for d, comps, total, r in partial]
        order = {d: i for i, d in enumerate(depts)}
        results.sort(key=lambda r: (r.rank is None, r.rank or 0, order[r.department]))
        out[group] = results
    return out


def as_number(value: Fraction | Decimal | None, decimals: int = 4) -> float | None:
    """For JSON and display: a float of the value rounded half up (None stays None)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return float(rounded(value, decimals))


# --- 정량 추진실적 from the cycle's accepted results -------------------------------------------

#: an indicator counts at most this 달성률 (%) towards 추진실적: exceeding one target does not
#: make up for missing another
PERFORMANCE_CAP = 100


@dataclasses.dataclass(frozen=True)
class Achieved:
    """One indicator's part in a department's 추진실적: its 달성률 (``grades.rate_of``'s formula,
    exact), the rate counted (at most :data:`PERFORMANCE_CAP`) and its weight."""

    name: str
    target: Fraction
    actual: Fraction
    direction: str
    weight: Fraction
    rate: Fraction | None
    counted: Fraction | None


def achieved(name: str, target: Any, actual: Any, direction: str | None, weight: Any = None) -> Achieved:
    """실적/목표×100 (목표/실적×100 when lower is better), exact; None when the divisor is 0."""
    t, a = exact(target), exact(actual)
    num, den = (t, a) if direction == "lower" else (a, t)
    rate = None if den == 0 else num / den * 100
    counted = None if rate is None else min(max(rate, Fraction(0)), Fraction(PERFORMANCE_CAP))
    w = exact(weight) if weight is not None else Fraction(1)
    return Achieved(name, t, a, direction or "higher", w, rate, counted)


def performance_score(items: Sequence[Achieved], max_score: Any) -> Decimal | None:
    """A department's 추진실적 score on the component's scale: the weighted mean of the counted
    rates ÷ 100 × ``max_score``, rounded half up to two decimals (a score's precision). Weights
    are the plan's 가중치 when every indicator has one (others: equal weights). None without any
    indicator whose rate can be computed."""
    usable = [i for i in items if i.counted is not None and i.weight > 0]
    if not usable:
        return None
    total_weight = sum((i.weight for i in usable), Fraction(0))
    mean = sum((i.weight * i.counted for i in usable), Fraction(0)) / total_weight
    return rounded(mean / 100 * exact(max_score), 2)


# --- 가점 from 제안제도 and 협업포인트 -------------------------------------------------------------

#: where a computed bonus comes from → label
BONUS_SOURCES = {"suggestions": "제안 채택·실시", "collaboration": "협업포인트"}


@dataclasses.dataclass(frozen=True)
class SuggestionRule:
    """제안 가점: points for every adopted suggestion of the year (an implemented one was
    adopted first and counts as adopted too) and, on top, for every implemented one; the
    component's maximum (``weight``) caps the sum. At most two decimals each (a score's
    precision), so the sum needs no rounding."""

    per_adopted: Fraction = Fraction(1, 2)
    per_implemented: Fraction = Fraction(1, 2)

    def __post_init__(self) -> None:
        for name in ("per_adopted", "per_implemented"):
            v = exact(getattr(self, name))
            if v < 0 or v > 100 or v * 100 != int(v * 100):
                raise SchemeError(f"{name}: 0~100, 소수 둘째 자리까지 / 0..100 with at most two decimals")
            object.__setattr__(self, name, v)


def suggestion_bonus(figures: Mapping[str, tuple[int, int]], departments: Sequence[str], rule: SuggestionRule,
                     cap: Any) -> dict[str, Decimal]:
    """Each department's 제안 가점: ``adopted × per_adopted + implemented × per_implemented``,
    at most ``cap``; ``figures``: department → (adopted, implemented); a department without
    figures gets 0."""
    top = exact(cap)
    out = {}
    for d in departments:
        adopted, implemented = figures.get(d, (0, 0))
        out[d] = rounded(min(adopted * rule.per_adopted + implemented * rule.per_implemented, top), 2)
    return out


def collaboration_bonus(received: Mapping[str, int], departments: Sequence[str], cap: Any) -> dict[str, Decimal]:
    """Each department's 협업 가점, in proportion to the best: ``cap × received ÷ the most any
    department of the scheme received`` (the best gets the whole ``cap``), rounded half up to
    two decimals; everybody 0 when nobody received anything."""
    top = exact(cap)
    best = max((received.get(d, 0) for d in departments), default=0)
    return {d: rounded(top * received.get(d, 0) / best if best > 0 else Fraction(0), 2) for d in departments}
